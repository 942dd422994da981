// Where the text of a YAML string is in the file: the characters between the quotes, after a
// block scalar's header line, or the plain scalar itself. Features that point into a message
// (variables, lint findings, token counts) use these spans, so a range always covers the
// characters as written.
import { isScalar, Scalar, type Node } from 'yaml';
import type { Span } from '../../text';

/** The span of a string scalar's text in the file (`base` is the YAML's offset in it); undefined for other nodes. */
export function scalarTextSpan(text: string, node: Node | null | undefined, base: number): Span | undefined {
  if (!isScalar(node) || !node.range || typeof node.value !== 'string') return undefined;
  const start = base + node.range[0];
  const end = base + node.range[1];
  switch (node.type) {
    case Scalar.QUOTE_DOUBLE:
    case Scalar.QUOTE_SINGLE:
      return { start: Math.min(start + 1, end), end: Math.max(start + 1, end - 1) };
    case Scalar.BLOCK_LITERAL:
    case Scalar.BLOCK_FOLDED: {
      // The header (`|`, `>-`, `|2+` and a comment) ends the line; the text starts on the next.
      let i = start;
      while (i < end && text[i] !== '\n' && text[i] !== '\r') i++;
      if (text[i] === '\r' && text[i + 1] === '\n') i++;
      i = Math.min(i + 1, end);
      // Skip the indentation of the first line, so the span starts at the first character of the text.
      let s = i;
      while (s < end && text[s] === ' ') s++;
      let e = end;
      while (e > s && /\s/.test(text[e - 1])) e--;
      return { start: e > s ? s : i, end: Math.max(e, e > s ? e : i) };
    }
    default:
      return { start, end };
  }
}

/** A `{{ ... }}` placeholder found in a string's text. */
export interface Placeholder {
  /** The name between the braces, without surrounding spaces (`input` in `{{ input }}`). */
  name: string;
  /** `{{` to `}}`. */
  span: Span;
  nameSpan: Span;
  /** Whether it is written exactly `{{name}}`, the only form `gh models` replaces. */
  exact: boolean;
}

const PLACEHOLDER = /\{\{([^{}\r\n]*)\}\}/g;

/** The placeholders in a span of the file. */
export function placeholdersIn(text: string, span: Span): Placeholder[] {
  const out: Placeholder[] = [];
  const source = text.slice(span.start, span.end);
  PLACEHOLDER.lastIndex = 0;
  for (let m = PLACEHOLDER.exec(source); m; m = PLACEHOLDER.exec(source)) {
    const inner = m[1];
    const name = inner.trim();
    if (!name) continue;
    const lead = inner.length - inner.trimStart().length;
    const start = span.start + m.index;
    const nameStart = start + 2 + lead;
    out.push({ name, span: { start, end: start + m[0].length }, nameSpan: { start: nameStart, end: nameStart + name.length }, exact: inner === name });
  }
  return out;
}
