// Who still names a prompt: other prompts that include it as a partial (`{{> name}}`), fixture
// files whose `prompt:` points at it, and any other text (code, docs, configs) that writes its file
// name. Pure: the door passes the texts it found.
import type { Range } from 'vscode-languageserver-types';
import type { Reference } from '../lint/types';
import { LineIndex } from '../text';
import type { CatalogEntry } from './catalog';

/** Files searched for mentions of a retired prompt's file name, beside the prompt files and fixture files. */
export const REFERENCE_GLOBS: readonly string[] = ['**/*.{ts,tsx,mts,cts,js,jsx,mjs,cjs,py,go,java,kt,cs,rb,rs,php,swift,scala,dart,ex,exs,sh,yaml,yml,json,toml,md}'];

/** Texts larger than this are not searched. */
export const MAX_REFERENCE_FILE = 1_000_000;

export interface TextFile {
  uri: string;
  path: string;
  text: string;
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function patternsFor(target: Pick<CatalogEntry, 'path' | 'partialName'>): { file: string; patterns: RegExp[] } {
  const file = target.path.slice(target.path.lastIndexOf('/') + 1);
  const patterns: RegExp[] = [new RegExp(`(?<![\\w.-])${escapeRegExp(file)}(?![\\w-])`, 'g')];
  if (target.partialName) patterns.push(new RegExp(`\\{\\{~?>\\s*['"]?${escapeRegExp(target.partialName)}['"]?(?=[\\s}~])`, 'g'));
  return { file, patterns };
}

/** The places in one file that match any of the patterns. */
function referencesIn(f: TextFile, patterns: RegExp[], out: Reference[]): void {
  if (!patterns.some((p) => (p.lastIndex = 0, p.test(f.text)))) return;
  const lines = new LineIndex(f.text);
  const seen = new Set<number>();
  for (const p of patterns) {
    p.lastIndex = 0;
    for (let m = p.exec(f.text); m; m = p.exec(f.text)) {
      if (seen.has(m.index)) continue;
      seen.add(m.index);
      const range: Range = lines.range(m.index, m.index + m[0].length);
      out.push({ uri: f.uri, path: f.path, range, text: m[0] });
    }
  }
}

function byPlace(a: Reference, b: Reference): number {
  return a.path < b.path ? -1 : a.path > b.path ? 1 : a.range.start.line - b.range.start.line;
}

/** Every place in `files` (other than the prompt's own) that names `target`. */
export function findReferences(target: Pick<CatalogEntry, 'uri' | 'path' | 'partialName'>, files: readonly TextFile[]): Reference[] {
  const { patterns } = patternsFor(target);
  const out: Reference[] = [];
  for (const f of files) {
    if (f.uri === target.uri || f.text.length > MAX_REFERENCE_FILE) continue;
    referencesIn(f, patterns, out);
  }
  return out.sort(byPlace);
}

/**
 * The same search over many targets without reading every file for each: one pass over the texts
 * lists the names each file could match. A file name matches where it starts a run of `[\w.-]`
 * characters and that run ends with it or goes on with a `.` (the pattern of `findReferences`), so
 * each run and each of its prefixes ending before a `.` is a key. Partial tags are looked for only
 * in the texts that contain the partial's name. The results are those of `findReferences`.
 */
export class ReferenceIndex {
  private names: Map<string, number[]> | undefined;

  constructor(private readonly files: readonly TextFile[]) {}

  private index(): Map<string, number[]> {
    if (this.names) return this.names;
    const names = new Map<string, number[]>();
    const add = (key: string, i: number) => {
      const list = names.get(key);
      if (!list) names.set(key, [i]);
      else if (list[list.length - 1] !== i) list.push(i);
    };
    const run = /[\w.-]+/g;
    this.files.forEach((f, i) => {
      if (f.text.length > MAX_REFERENCE_FILE) return;
      run.lastIndex = 0;
      for (let m = run.exec(f.text); m; m = run.exec(f.text)) {
        const word = m[0];
        add(word, i);
        for (let j = word.indexOf('.'); j > 0; j = word.indexOf('.', j + 1)) add(word.slice(0, j), i);
      }
    });
    return (this.names = names);
  }

  find(target: Pick<CatalogEntry, 'uri' | 'path' | 'partialName'>): Reference[] {
    const { file, patterns } = patternsFor(target);
    // A name with other characters (a space, `+`, non-ASCII) is not one run: search every text.
    if (!/^[\w.-]+$/.test(file)) return findReferences(target, this.files);
    const candidates = new Set(this.index().get(file) ?? []);
    if (target.partialName) this.files.forEach((f, i) => f.text.includes(target.partialName!) && candidates.add(i));
    const out: Reference[] = [];
    for (const i of [...candidates].sort((a, b) => a - b)) {
      const f = this.files[i];
      if (f.uri === target.uri || f.text.length > MAX_REFERENCE_FILE) continue;
      referencesIn(f, patterns, out);
    }
    return out.sort(byPlace);
  }
}
