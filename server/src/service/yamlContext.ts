// Where the cursor is inside the frontmatter, in terms of YAML key paths. Works line by line from
// indentation so that it still answers while the YAML is half-typed and does not parse.
import type { PromptDocument } from './document';

export interface YamlCursor {
  /** Keys of the mapping that holds the cursor, outermost first. */
  path: string[];
  mode: 'key' | 'value';
  /** In value mode, the key whose value is being typed. */
  key?: string;
  /** The partial word before the cursor and where it starts. */
  prefix: string;
  prefixStart: number;
  /** Keys already present in the same mapping (key mode). */
  siblings: Set<string>;
}

const KEY_LINE = /^(\s*)(?:-\s+)?(["']?)([^:#'"]*?)\2\s*:(?:\s|$)/;

function indentOf(line: string): number {
  return /^\s*/.exec(line)![0].length;
}

export function yamlCursor(doc: PromptDocument, offset: number): YamlCursor | undefined {
  const fm = doc.frontmatter;
  if (!fm.present || offset < fm.content.start || offset > fm.content.end) return undefined;
  const lines = doc.lines;
  const line = lines.lineAt(offset);
  const lineStart = lines.lineStart(line);
  const before = doc.text.slice(lineStart, offset);
  if (/(^|\s)#/.test(before)) return undefined; // in a comment

  let mode: 'key' | 'value';
  let key: string | undefined;
  let prefix: string;
  let indent: number;
  const valueMatch = /^(\s*)(?:-\s+)?([^:#\s][^:#]*?)\s*:\s+(\S*)$/.exec(before) ?? /^(\s*)(?:-\s+)?([^:#\s][^:#]*?)\s*:()$/.exec(before);
  const keyMatch = /^(\s*)(-\s+)?([\w.?()$-]*)$/.exec(before);
  if (keyMatch) {
    mode = 'key';
    indent = keyMatch[1].length + (keyMatch[2]?.length ?? 0);
    prefix = keyMatch[3];
  } else if (valueMatch) {
    mode = 'value';
    indent = valueMatch[1].length;
    key = valueMatch[2];
    prefix = valueMatch[3];
  } else {
    return undefined;
  }

  // Walk up to find the parent keys: each is the nearest earlier `key:` line with less indentation.
  const path: string[] = [];
  const firstLine = lines.lineAt(fm.content.start);
  let threshold = indent;
  for (let l = line - 1; l >= firstLine && threshold > 0; l--) {
    const text = lines.lineText(l);
    if (!text.trim() || text.trimStart().startsWith('#')) continue;
    const ind = indentOf(text);
    if (ind >= threshold) continue;
    const m = KEY_LINE.exec(text);
    if (m) path.unshift(m[3]);
    threshold = ind;
  }

  const siblings = new Set<string>();
  if (mode === 'key') {
    const lastLine = lines.lineAt(Math.max(fm.content.start, fm.content.end));
    const scan = (from: number, step: number) => {
      for (let l = from; l >= firstLine && l <= lastLine; l += step) {
        const text = lines.lineText(l);
        if (!text.trim() || text.trimStart().startsWith('#')) continue;
        const ind = indentOf(text);
        if (ind < indent) break;
        if (ind > indent) continue;
        const m = KEY_LINE.exec(text);
        if (m) siblings.add(m[3]);
      }
    };
    scan(line - 1, -1);
    scan(line + 1, 1);
  }
  return { path, mode, key, prefix, prefixStart: offset - prefix.length, siblings };
}
