// Where the cursor is inside the frontmatter, in terms of YAML key paths. Works line by line from
// indentation so that it still answers while the YAML is half-typed and does not parse.
import type { PromptDocument } from './document';
import type { LineIndex, Span } from './text';

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

const isSpace = (c: string | undefined) => c !== undefined && /\s/.test(c);

/**
 * A `key:` line (`  - key  : rest`, the key optionally quoted): its indent, the key without
 * quotes or trailing spaces, and the text after the colon. A scan, because the regexes it replaces
 * (`^(\s*)(?:-\s+)?(["']?)([^:#'"]*?)\2\s*:` and kin) backtracked polynomially on long runs of
 * spaces: a line of a few thousand spaces held the server for seconds.
 */
function keyLine(line: string, quoted: boolean): { indent: number; key: string; after: string } | undefined {
  let i = 0;
  while (isSpace(line[i])) i++;
  const indent = i;
  if (line[i] === '-' && isSpace(line[i + 1])) {
    i++;
    while (isSpace(line[i])) i++;
  }
  const quote = quoted && (line[i] === '"' || line[i] === "'") ? line[i++] : '';
  const start = i;
  while (i < line.length && line[i] !== ':' && line[i] !== '#' && !(quoted && (line[i] === '"' || line[i] === "'"))) i++;
  let end = i;
  if (quote) {
    if (line[i] !== quote) return undefined;
    i++;
    while (isSpace(line[i])) i++;
  } else while (end > start && isSpace(line[end - 1])) end--;
  if (line[i] !== ':') return undefined;
  return { indent, key: line.slice(start, end), after: line.slice(i + 1) };
}

/** The key of a `key:` line whose colon ends the line or is followed by a space. */
function keyOfLine(line: string): string | undefined {
  const k = keyLine(line, true);
  return k && (k.after === '' || isSpace(k.after[0])) ? k.key : undefined;
}

/** The `- ` after a line's indentation, when it starts a list item. */
function dashOf(line: string): string | undefined {
  const m = /^[ \t]*(-[ \t]+)(?=\S)/.exec(line);
  return m?.[1];
}

function indentOf(line: string): number {
  return /^\s*/.exec(line)![0].length;
}

export function yamlCursor(doc: PromptDocument, offset: number): YamlCursor | undefined {
  const fm = doc.frontmatter;
  if (!fm.present) return undefined;
  return yamlCursorIn({ text: doc.text, lines: doc.lines, content: fm.content }, offset);
}

/** The YAML text a cursor is looked for in: a prompt's frontmatter, or a whole YAML file (`content` its span). */
export interface YamlText {
  text: string;
  lines: LineIndex;
  content: Span;
}

export function yamlCursorIn(source: YamlText, offset: number): YamlCursor | undefined {
  const fm = source;
  if (offset < fm.content.start || offset > fm.content.end) return undefined;
  const lines = source.lines;
  const line = lines.lineAt(offset);
  const lineStart = lines.lineStart(line);
  const before = source.text.slice(lineStart, offset);
  if (/(^|\s)#/.test(before)) return undefined; // in a comment

  let mode: 'key' | 'value';
  let key: string | undefined;
  let prefix: string;
  let indent: number;
  // `key: partial-value` (the value a single word so far), or `key:` at the end.
  const kv = keyLine(before, false);
  const valueWord = kv?.after.trimStart();
  const valueMatch = kv && kv.key && (kv.after === '' || (isSpace(kv.after[0]) && !/\s/.test(valueWord!))) ? { indent: kv.indent, key: kv.key, prefix: valueWord! } : undefined;
  const keyMatch = /^(\s*)(-\s+)?([\w.?()$-]*)$/.exec(before);
  if (keyMatch) {
    mode = 'key';
    indent = keyMatch[1].length + (keyMatch[2]?.length ?? 0);
    prefix = keyMatch[3];
  } else if (valueMatch) {
    mode = 'value';
    indent = valueMatch.indent;
    key = valueMatch.key;
    prefix = valueMatch.prefix;
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
    // A list item's first key (`  - role: user`) sits at the column after the dash: a key at that
    // column is in the same mapping, whose parent is less indented than the dash.
    const keyCol = ind + (dashOf(text)?.length ?? 0);
    if (keyCol === threshold && keyCol > ind) {
      threshold = ind;
      continue;
    }
    if (ind >= threshold) continue;
    const k = keyOfLine(text);
    if (k !== undefined) path.unshift(k);
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
        const dash = dashOf(text);
        if (dash && ind + dash.length === indent) {
          // The item's first key: a sibling above; below, the start of the next item.
          if (step < 0) siblings.add(keyOfLine(text) ?? '');
          break;
        }
        if (ind < indent) break;
        if (ind > indent) continue;
        const k = keyOfLine(text);
        if (k !== undefined) siblings.add(k);
      }
    };
    scan(line - 1, -1);
    scan(line + 1, 1);
  }
  return { path, mode, key, prefix, prefixStart: offset - prefix.length, siblings };
}
