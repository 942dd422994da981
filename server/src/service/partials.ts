// The partial files of a workspace (`_name.prompt` is the partial `name`, Dotprompt's convention).
// Pure data: the server fills it from the file system and file events, the CLI from a glob.
import { parsePromptDocument, type PromptDocument } from './document';

export interface PartialFile {
  name: string;
  uri: string;
  text: string;
}

/** `file:///a/b/_footer.prompt` -> `footer`; undefined for files that are not partials. */
export function partialNameOf(uri: string): string | undefined {
  const base = decodeURIComponent(uri.split(/[\\/]/).pop() ?? '');
  const m = /^_(.+)\.prompt$/.exec(base);
  return m ? m[1] : undefined;
}

function dirOf(uri: string): string {
  return uri.slice(0, uri.lastIndexOf('/') + 1);
}

export class PartialIndex {
  private readonly byName = new Map<string, PartialFile[]>();
  private readonly parsed = new Map<string, PromptDocument>();
  /** Bumped on every change, so analyses that depend on partials know when to recompute. */
  generation = 0;

  set(uri: string, text: string): void {
    const name = partialNameOf(uri);
    if (!name) return;
    const list = (this.byName.get(name) ?? []).filter((f) => f.uri !== uri);
    list.push({ name, uri, text });
    this.byName.set(name, list);
    this.parsed.delete(uri);
    this.generation++;
  }

  delete(uri: string): void {
    const name = partialNameOf(uri);
    if (!name) return;
    const list = (this.byName.get(name) ?? []).filter((f) => f.uri !== uri);
    if (list.length) this.byName.set(name, list);
    else this.byName.delete(name);
    this.parsed.delete(uri);
    this.generation++;
  }

  names(): string[] {
    return [...this.byName.keys()].sort();
  }

  get size(): number {
    return this.byName.size;
  }

  /** The partial `name` as seen from `fromUri`: same folder first, then the nearest ancestor, then any. */
  resolve(name: string, fromUri?: string): PartialFile | undefined {
    const list = this.byName.get(name);
    if (!list?.length) return undefined;
    if (!fromUri || list.length === 1) return list[0];
    let dir = dirOf(fromUri);
    while (dir.length > 0) {
      const hit = list.find((f) => dirOf(f.uri) === dir);
      if (hit) return hit;
      const up = dir.slice(0, dir.slice(0, -1).lastIndexOf('/') + 1);
      if (up === dir) break;
      dir = up;
    }
    return list[0];
  }

  document(file: PartialFile): PromptDocument {
    let doc = this.parsed.get(file.uri);
    if (!doc || doc.text !== file.text) {
      doc = parsePromptDocument(file.text, file.uri);
      this.parsed.set(file.uri, doc);
    }
    return doc;
  }
}
