// Offset <-> LSP position conversion for one immutable text. Offsets and characters are UTF-16
// code units, which is what both JavaScript strings and LSP positions use.
import type { Position, Range } from 'vscode-languageserver-types';
import { textChange } from './diff';
import { runSteps, type Steps } from './slice';

/** Characters of a text scanned for line breaks between two pause points of a sliced parse. */
const LINE_SCAN_CHUNK = 1 << 16;

export class LineIndex {
  private readonly lineStarts: number[];

  /**
   * `previous`: the index of an earlier version of the text. Where the two texts agree (a common
   * prefix and suffix, as after one edit), its line starts are reused instead of scanned.
   * `starts`: the line starts already computed (`LineIndex.steps`).
   */
  constructor(readonly text: string, previous?: LineIndex, starts?: number[]) {
    this.lineStarts = starts ?? runSteps(LineIndex.startsSteps(text, previous));
  }

  /** The index built as steps (a sliced parse pauses between them); the same index as `new LineIndex(text, previous)`. */
  static *steps(text: string, previous?: LineIndex): Steps<LineIndex> {
    return new LineIndex(text, undefined, yield* LineIndex.startsSteps(text, previous));
  }

  /**
   * The line starts of `text` as steps (a pause point every `LINE_SCAN_CHUNK` characters scanned).
   * `previous`: the index of an earlier version of the text. Where the two texts agree (a common
   * prefix and suffix, as after one edit), its line starts are reused instead of scanned.
   */
  private static *startsSteps(text: string, previous?: LineIndex): Steps<number[]> {
    let head = 0;
    let from = 0;
    let to = text.length;
    let after: number[] | undefined;
    let delta = 0;
    if (previous && previous.text.length > 4096) {
      const old = previous.text;
      const { prefix, suffix } = textChange(old, text);
      // Scanned again: from the start of the line before the first change (a `\r` just before it
      // may pair with what follows) to one character into the common suffix.
      const first = previous.lineAt(Math.max(0, prefix - 1));
      from = previous.lineStarts[first];
      head = first + 1;
      to = Math.min(text.length, text.length - suffix + 1);
      after = previous.lineStarts;
      delta = text.length - old.length;
    }
    // The line starts found by the scan; the old ones before and after it are copied once, into an
    // array of the exact length (growing one element by element would copy it several times).
    const scanned: number[] = after ? [] : [0];
    let i = from;
    if (!after && to <= LINE_SCAN_CHUNK && text.indexOf('\r') < 0) {
      // A small text with `\n` breaks only (most prompt files): jump from break to break.
      for (let nl = text.indexOf('\n'); nl >= 0; nl = text.indexOf('\n', nl + 1)) scanned.push(nl + 1);
      return scanned;
    }
    while (i < to) {
      const stop = Math.min(to, i + LINE_SCAN_CHUNK);
      for (; i < stop; i++) {
        const ch = text.charCodeAt(i);
        if (ch === 13 /* \r */) {
          if (text.charCodeAt(i + 1) === 10) i++;
          scanned.push(i + 1);
        } else if (ch === 10 /* \n */) {
          scanned.push(i + 1);
        }
      }
      if (i < to) yield 'parse: line index';
    }
    if (!after) return scanned;
    // Line starts after position `i` lie where both texts agree: the old ones, moved.
    let k = after.length;
    while (k > 0 && after[k - 1] + delta > i) k--;
    const starts = new Array<number>(head + scanned.length + (after.length - k));
    let n = 0;
    for (let j = 0; j < head; j++) starts[n++] = after[j];
    for (let j = 0; j < scanned.length; j++) starts[n++] = scanned[j];
    for (; k < after.length; k++) starts[n++] = after[k] + delta;
    return starts;
  }

  get lineCount(): number {
    return this.lineStarts.length;
  }

  lineStart(line: number): number {
    return this.lineStarts[Math.max(0, Math.min(line, this.lineStarts.length - 1))];
  }

  /** End of the line's content, before its line break. */
  lineEnd(line: number): number {
    if (line + 1 >= this.lineStarts.length) return this.text.length;
    let end = this.lineStarts[line + 1];
    if (end > 0 && this.text.charCodeAt(end - 1) === 10) end--;
    if (end > 0 && this.text.charCodeAt(end - 1) === 13) end--;
    return end;
  }

  lineText(line: number): string {
    return this.text.slice(this.lineStart(line), this.lineEnd(line));
  }

  lineAt(offset: number): number {
    const starts = this.lineStarts;
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid] <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  /** Clamped into the document; an offset inside a line break (between `\r` and `\n`) is its line's end. */
  positionAt(offset: number): Position {
    const clamped = this.clamp(offset);
    const line = this.lineAt(clamped);
    return { line, character: Math.min(clamped, this.lineEnd(line)) - this.lineStarts[line] };
  }

  private clamp(offset: number): number {
    return Number.isFinite(offset) ? Math.max(0, Math.min(offset, this.text.length)) : 0;
  }

  offsetAt(position: Position): number {
    if (position.line >= this.lineStarts.length) return this.text.length;
    if (position.line < 0) return 0;
    const start = this.lineStarts[position.line];
    return Math.min(start + Math.max(0, position.character), this.lineEnd(position.line));
  }

  /**
   * Always a valid LSP range, whatever the span: editors reject or mis-draw a range that ends
   * before it starts, so a reversed span collapses at its start.
   */
  range(start: number, end: number): Range {
    const from = this.clamp(start);
    return { start: this.positionAt(from), end: this.positionAt(Math.max(from, this.clamp(end))) };
  }
}

/** A half-open span of offsets into the whole document text. */
export interface Span {
  start: number;
  end: number;
}

export function contains(span: Span, offset: number): boolean {
  return offset >= span.start && offset <= span.end;
}

/** The index of the first item (sorted by start) that starts at or after `at` (binary search). */
export function firstStartingAt(items: readonly { span: Span }[], at: number): number {
  let lo = 0;
  let hi = items.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (items[mid].span.start < at) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** The index of the item (sorted by start, starts distinct) that starts exactly at `at`, or -1. */
export function indexStartingAt(items: readonly { span: Span }[], at: number): number {
  const i = firstStartingAt(items, at);
  return i < items.length && items[i].span.start === at ? i : -1;
}

/** The items (sorted by start) that start inside the span. */
export function startingIn<T extends { span: Span }>(items: readonly T[], span: Span): T[] {
  return items.slice(firstStartingAt(items, span.start), firstStartingAt(items, span.end));
}

/**
 * `s` as a string of its own, for a cache that outlives the text it was cut from. A substring of a
 * dozen or more characters (`slice`) refers to the whole string it was cut from (V8's sliced
 * strings), so a cache keyed by pieces of a document would keep every version of the document
 * whose piece it stored. Concatenation makes a flat copy, which the slice then refers to instead.
 */
export function detached(s: string): string {
  return s.length < 13 ? s : (' ' + s).slice(1);
}
