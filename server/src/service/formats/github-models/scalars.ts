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

/**
 * The blanks inside a string's text (`span`, from `scalarTextSpan`) that are layout, not part of its
 * value: in a block scalar (`|`, `>`) the indentation of each line; in a quoted or plain scalar
 * that runs over several lines, the blanks around each line break, which YAML folds away. A line
 * holding only indentation is then seen as empty, as YAML reads it.
 */
export function layoutBlanks(text: string, node: Node | null | undefined, span: Span): Span[] {
  if (!isScalar(node)) return [];
  const out: Span[] = [];
  const block = node.type === Scalar.BLOCK_LITERAL || node.type === Scalar.BLOCK_FOLDED;
  if (block) {
    // The indentation is that of the text's first line (an explicit indentation indicator is not read).
    let lineStart = span.start;
    while (lineStart > 0 && text[lineStart - 1] !== '\n' && text[lineStart - 1] !== '\r') lineStart--;
    const indent = span.start - lineStart;
    if (!indent || /[^ ]/.test(text.slice(lineStart, span.start))) return [];
    for (let at = text.indexOf('\n', span.start); at >= 0 && at < span.end; at = text.indexOf('\n', at + 1)) {
      let e = at + 1;
      while (e < span.end && e - (at + 1) < indent && text[e] === ' ') e++;
      if (e > at + 1) out.push({ start: at + 1, end: e });
    }
    return out;
  }
  for (let at = text.indexOf('\n', span.start); at >= 0 && at < span.end; at = text.indexOf('\n', at + 1)) {
    let s = at;
    if (s > span.start && text[s - 1] === '\r') s--;
    while (s > span.start && (text[s - 1] === ' ' || text[s - 1] === '\t')) s--;
    let e = at + 1;
    while (e < span.end && (text[e] === ' ' || text[e] === '\t')) e++;
    // A blank before an escaped line break (`\` at the end of a double-quoted line) is kept by YAML, but it is not trailing then.
    if (s < at) out.push({ start: s, end: at });
    if (e > at + 1) out.push({ start: at + 1, end: e });
  }
  return out;
}

/**
 * The blanks ending the last line of a block scalar's text, which `scalarTextSpan` leaves out of
 * the span but YAML keeps in the value (`Bye  ` on the last line of `|` reads as `Bye  `).
 */
export function blockTail(text: string, node: Node | null | undefined, span: Span, base: number): Span | undefined {
  if (!isScalar(node) || !node.range || (node.type !== Scalar.BLOCK_LITERAL && node.type !== Scalar.BLOCK_FOLDED)) return undefined;
  const end = base + node.range[1];
  let e = span.end;
  while (e < end && (text[e] === ' ' || text[e] === '\t')) e++;
  return e > span.end && (e === text.length || text[e] === '\n' || text[e] === '\r') ? { start: span.end, end: e } : undefined;
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
