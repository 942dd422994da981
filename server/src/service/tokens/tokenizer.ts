// Token counting: the OpenAI encodings through gpt-tokenizer (loaded on first use, never at
// activation), block-cached so a one-character edit re-counts one block, with a guard that
// estimates one very long run without whitespace instead of letting BPE go quadratic on it.

export type EncodingName = 'o200k_base' | 'cl100k_base';
export const ENCODINGS: readonly EncodingName[] = ['o200k_base', 'cl100k_base'];

/** A count, and whether any part of it is an estimate rather than the tokenizer's exact result. */
export interface Count {
  tokens: number;
  /** Set when a long run without whitespace was estimated (see LONG_RUN). */
  longRuns: number;
}

type CountFn = (text: string) => number;

// Treat special-token text such as `<|endoftext|>` as ordinary text, as the API does with message
// content; gpt-tokenizer's default would throw on it. One options object, made once.
const AS_TEXT = { disallowedSpecial: new Set<string>() };

const loaded = new Map<EncodingName, CountFn>();
/** Milliseconds spent loading each encoding (its BPE ranks), for the benchmark and the log. */
export const loadTimes = new Map<EncodingName, number>();

/**
 * The exact counter of one encoding. The `require` calls sit inside this function on purpose:
 * esbuild bundles both encodings, but their modules (megabytes of BPE ranks) only run on the
 * first count, so activating the extension or starting the server loads no tokenizer data.
 */
export function encodingCounter(name: EncodingName): CountFn {
  let fn = loaded.get(name);
  if (fn) return fn;
  const started = performance.now();
  const mod: { countTokens: (text: string, options?: typeof AS_TEXT) => number } =
    name === 'cl100k_base' ? require('gpt-tokenizer/encoding/cl100k_base') : require('gpt-tokenizer/encoding/o200k_base');
  const countTokens = mod.countTokens;
  fn = (text: string) => (text ? countTokens(text, AS_TEXT) : 0);
  loaded.set(name, fn);
  loadTimes.set(name, performance.now() - started);
  return fn;
}

export function isEncodingLoaded(name: EncodingName): boolean {
  return loaded.has(name);
}

// ---- the pathological-run guard ----

/**
 * BPE cost grows with the square of one unbroken piece (`"a" x 100,000` takes ~13 s in every
 * JavaScript tokenizer). A run of more than LONG_RUN characters without whitespace is counted in
 * RUN_PIECE-character pieces instead: linear time, close to the true count (the pieces' edges can
 * add or lose a token each), and labelled as an estimate wherever it is shown.
 */
export const LONG_RUN = 2_000;
const RUN_PIECE = 512;
// The lookbehind makes a match start only where a run starts, which keeps the scan linear.
const LONG_RUN_RE = new RegExp(`(?<!\\S)\\S{${LONG_RUN + 1},}`, 'g');
const SAMPLE = LONG_RUN / 2;

/**
 * A cheap pre-check: a run of more than 2 x SAMPLE characters covers a whole window
 * [k*SAMPLE, (k+1)*SAMPLE]; scanning each window backwards stops at the first whitespace, which
 * ordinary text has within a few characters. Only text that passes goes through the exact regex.
 */
function mayHaveLongRun(text: string): boolean {
  for (let k = SAMPLE; k + SAMPLE <= text.length; k += SAMPLE) {
    let i = k + SAMPLE;
    while (i >= k && !isSpace(text.charCodeAt(i))) i--;
    if (i < k) return true;
  }
  return false;
}

function countGuarded(text: string, count: CountFn): Count {
  if (text.length <= LONG_RUN || !mayHaveLongRun(text)) return { tokens: count(text), longRuns: 0 };
  LONG_RUN_RE.lastIndex = 0;
  let tokens = 0;
  let longRuns = 0;
  let at = 0;
  for (let m = LONG_RUN_RE.exec(text); m; m = LONG_RUN_RE.exec(text)) {
    tokens += count(text.slice(at, m.index));
    for (let i = 0; i < m[0].length; i += RUN_PIECE) tokens += count(m[0].slice(i, i + RUN_PIECE));
    longRuns++;
    at = m.index + m[0].length;
  }
  tokens += count(text.slice(at));
  return { tokens, longRuns };
}

// ---- blocks ----

/**
 * Cuts text into blocks whose counts add up to the count of the whole text. A cut is made only
 * just after the last line break of a whitespace run that holds a blank line: the o200k and
 * cl100k pre-tokenisers never join text across such a point (their `\s*[\r\n]+` piece ends
 * there, and a piece matched from a position depends only on the text after it). The one
 * exception is o200k's punctuation piece ` ?[^\s\p{L}\p{N}]+[\r\n/]*`, which may swallow a `/`
 * after line breaks, so no cut is made before a `/`. Blocks longer than MAX_BLOCK are cut the
 * same way at single line breaks, so one edit never re-counts more than about MAX_BLOCK characters.
 */
export const MAX_BLOCK = 16_384;
const BLANK_LINE = /\n[^\S\n]*\n/g;

function isSpace(c: number): boolean {
  // The characters JavaScript's \s matches.
  return (c >= 9 && c <= 13) || c === 32 || c === 0xa0 || c === 0x1680 || (c >= 0x2000 && c <= 0x200a) || c === 0x2028 || c === 0x2029 || c === 0x202f || c === 0x205f || c === 0x3000 || c === 0xfeff;
}

/** The cut after the whitespace run around `from` (-1: not here), and where the run ends. */
function cutAfterRun(text: string, from: number, end: number): { cut: number; next: number } {
  let j = from;
  while (j < end && isSpace(text.charCodeAt(j))) j++;
  let k = j;
  while (k > from && text.charCodeAt(k - 1) !== 10 && text.charCodeAt(k - 1) !== 13) k--;
  if (k >= end || text.charCodeAt(k) === 47 /* / */) return { cut: -1, next: j };
  return { cut: k, next: j };
}

/** The end offsets of the blocks of text[start, end) (the last one is `end`). */
export function blockEnds(text: string, start = 0, end = text.length): number[] {
  const ends: number[] = [];
  let blockStart = start;
  const push = (cut: number) => {
    if (cut - blockStart > MAX_BLOCK) splitLong(text, blockStart, cut, ends);
    else ends.push(cut);
    blockStart = cut;
  };
  BLANK_LINE.lastIndex = start;
  for (let m = BLANK_LINE.exec(text); m && m.index < end; m = BLANK_LINE.exec(text)) {
    const { cut, next } = cutAfterRun(text, m.index, end);
    if (cut > blockStart) push(cut);
    BLANK_LINE.lastIndex = Math.max(next, m.index + 1);
  }
  if (end > blockStart) push(end);
  return ends;
}

function splitLong(text: string, start: number, end: number, out: number[]): void {
  let blockStart = start;
  let i = text.indexOf('\n', start + MAX_BLOCK / 2);
  while (i >= 0 && i < end) {
    // Back up to the start of the whitespace run, so the whole run is judged together.
    let from = i;
    while (from > blockStart && isSpace(text.charCodeAt(from - 1))) from--;
    const { cut, next } = cutAfterRun(text, from, end);
    if (cut > blockStart) {
      out.push(cut);
      blockStart = cut;
    }
    i = text.indexOf('\n', Math.max(next, blockStart + MAX_BLOCK / 2));
  }
  if (end > blockStart) out.push(end);
}

export function splitBlocks(text: string, start = 0, end = text.length): string[] {
  let at = start;
  return blockEnds(text, start, end).map((e) => text.slice(at, (at = e)));
}

/**
 * Whether a group of blocks (a chunk) ends after the block [from, to). Counting a chunk of a few
 * blocks in one call saves the tokenizer's per-call cost; the decision depends on the block's own
 * text only (a hash of its length and a few of its characters), so an edit changes at most the
 * chunk that holds it and the next, never the chunks after. About one block in CHUNK_EVERY ends a
 * chunk; a chunk never grows past MAX_BLOCK.
 */
const CHUNK_EVERY = 8;

function endsChunk(text: string, from: number, to: number): boolean {
  const len = to - from;
  let h = (len * 2654435761) >>> 0;
  for (let i = 0; i < 4; i++) h = Math.imul(h ^ text.charCodeAt(from + ((len * (i + 1)) >> 2) - (i === 3 ? 1 : 0)), 16777619) >>> 0;
  return h % CHUNK_EVERY === 0;
}

// ---- the block cache ----

interface CacheEntry {
  tokens: number;
  longRuns: number;
}

/**
 * Counts by blocks with a cache keyed by block text, one per encoding. The cache keeps the blocks
 * of the texts counted lately: after each count, entries not used for CACHE_GENERATIONS counts are
 * dropped once the cache holds more than CACHE_LIMIT blocks.
 */
export class BlockCounter {
  private readonly cache = new Map<string, CacheEntry & { used: number }>();
  private generation = 0;
  /** Blocks counted by the tokenizer (cache misses) since creation; tests and the benchmark read it. */
  misses = 0;

  constructor(
    readonly encoding: EncodingName,
    private readonly limit = 50_000,
  ) {}

  count(text: string, start = 0, end = text.length): Count {
    const fn = encodingCounter(this.encoding);
    const gen = ++this.generation;
    let tokens = 0;
    let longRuns = 0;
    let chunkStart = start;
    let blockStart = start;
    const ends = blockEnds(text, start, end);
    for (let i = 0; i < ends.length; i++) {
      const blockEnd = ends[i];
      const last = i === ends.length - 1;
      const close = last || blockEnd - chunkStart >= MAX_BLOCK || endsChunk(text, blockStart, blockEnd);
      blockStart = blockEnd;
      if (!close) continue;
      const block = text.slice(chunkStart, blockEnd);
      chunkStart = blockEnd;
      let hit = this.cache.get(block);
      if (!hit) {
        const c = countGuarded(block, fn);
        hit = { tokens: c.tokens, longRuns: c.longRuns, used: gen };
        this.cache.set(block, hit);
        this.misses++;
      } else hit.used = gen;
      tokens += hit.tokens;
      longRuns += hit.longRuns;
    }
    if (this.cache.size > this.limit) this.evict();
    return { tokens, longRuns };
  }

  private evict(): void {
    const keepFrom = this.generation - 8;
    for (const [key, entry] of this.cache) if (entry.used < keepFrom) this.cache.delete(key);
    // Still over the limit (one huge document): start afresh rather than grow without bound.
    if (this.cache.size > this.limit * 2) this.cache.clear();
  }

  get size(): number {
    return this.cache.size;
  }

  clear(): void {
    this.cache.clear();
  }
}

const counters = new Map<EncodingName, BlockCounter>();

/** The shared block counter of an encoding (the server, CLI and tests all use these). */
export function blockCounter(encoding: EncodingName): BlockCounter {
  let c = counters.get(encoding);
  if (!c) {
    c = new BlockCounter(encoding);
    counters.set(encoding, c);
  }
  return c;
}

/** Exact count of a short string (role names, framing), uncached. */
export function countPlain(text: string, encoding: EncodingName): number {
  return encodingCounter(encoding)(text);
}
