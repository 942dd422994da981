// Token counting: the OpenAI encodings through gpt-tokenizer (loaded on first use, never at
// activation), block-cached so a one-character edit re-counts one block, with a guard that
// estimates one very long run without whitespace instead of letting BPE go quadratic on it.
import { runSteps, type Steps } from '../slice';
import { detached } from '../text';

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

/** The parts of gpt-tokenizer's BPE core that counting long whitespace pieces needs (4.x internals). */
interface BpeCore {
  tokenSplitRegex: RegExp;
  bytePairRankDecoder: (string | number[])[];
  bytePairEncode(piece: string): number[];
  bytePairMerge(bytes: Uint8Array): number[];
}

const loaded = new Map<EncodingName, CountFn>();
const cores = new Map<EncodingName, BpeCore>();
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
  const mod: { countTokens: (text: string, options?: typeof AS_TEXT) => number; default: { bytePairEncodingCoreProcessor: BpeCore } } =
    name === 'cl100k_base' ? require('gpt-tokenizer/encoding/cl100k_base') : require('gpt-tokenizer/encoding/o200k_base');
  const countTokens = mod.countTokens;
  fn = (text: string) => (text ? countTokens(text, AS_TEXT) : 0);
  loaded.set(name, fn);
  cores.set(name, mod.default.bytePairEncodingCoreProcessor);
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

function countGuarded(text: string, encoding: EncodingName): Count {
  const count = (t: string) => countSpaced(t, encoding);
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

// ---- long whitespace pieces ----

/**
 * A whitespace run is one pre-tokeniser piece (`\s+(?!\S)`, `\s*[\r\n]+`, or punctuation
 * followed by line breaks), and BPE merges one piece in time quadratic in its length: 200,000
 * spaces took 29 s. Such pieces are merged in windows instead. A window's tokens are the whole
 * piece's tokens when every pair of adjacent tokens is "compatible" (the BPE of the pair's bytes is
 * that pair): a token sequence is the BPE encoding of its text exactly when all its adjacent pairs
 * are (the property GitHub's `bpe` crate rests on), and the windows' own pairs are, being BPE
 * results. So a window is cut where the pair across the cut is compatible, which for whitespace is
 * nearly everywhere; where no such point is found the piece is merged whole, slowly but exactly.
 */
const LONG_PIECE = 512;
const WINDOW = 256;
const WINDOW_SLACK = 64;
const SPACE_SAMPLE = LONG_PIECE / 2;

/** Like mayHaveLongRun, for runs of whitespace: a run of more than LONG_PIECE fills a window. */
function mayHaveLongSpace(text: string): boolean {
  for (let k = 0; k + SPACE_SAMPLE <= text.length; k += SPACE_SAMPLE) {
    let i = k + SPACE_SAMPLE - 1;
    while (i >= k && isSpace(text.charCodeAt(i))) i--;
    if (i < k) return true;
  }
  return false;
}

/**
 * The exact count, with pieces longer than LONG_PIECE merged in windows. The text around them is
 * counted by the tokenizer in stretches that end and start at piece boundaries; a stretch ends
 * either at a non-space character or with whitespace that is matched the same way at the end of
 * the input, so it splits into the same pieces on its own (the fuzz tests check both encodings).
 */
function countSpaced(text: string, encoding: EncodingName): number {
  const count = encodingCounter(encoding);
  if (text.length <= LONG_PIECE || !mayHaveLongSpace(text)) return count(text);
  const core = cores.get(encoding)!;
  let tokens = 0;
  let at = 0;
  for (const m of text.matchAll(core.tokenSplitRegex)) {
    if (m[0].length <= LONG_PIECE) continue;
    tokens += count(text.slice(at, m.index)) + countLongPiece(m[0], core);
    at = m.index! + m[0].length;
  }
  return tokens + count(text.slice(at));
}

const encoder = new TextEncoder();
const compatibleCache = new Map<number, boolean>();

function tokenBytes(core: BpeCore, rank: number): Uint8Array {
  const v = core.bytePairRankDecoder[rank];
  return typeof v === 'string' ? encoder.encode(v) : Uint8Array.from(v);
}

function compatible(core: BpeCore, a: number, b: number): boolean {
  const key = a * 262_144 + b;
  let ok = compatibleCache.get(key);
  if (ok === undefined) {
    const x = tokenBytes(core, a);
    const y = tokenBytes(core, b);
    const both = new Uint8Array(x.length + y.length);
    both.set(x);
    both.set(y, x.length);
    const merged = core.bytePairMerge(both);
    ok = merged.length === 2 && merged[0] === a && merged[1] === b;
    if (compatibleCache.size > 100_000) compatibleCache.clear();
    compatibleCache.set(key, ok);
  }
  return ok;
}

function countLongPiece(piece: string, core: BpeCore): number {
  let tokens = 0;
  let start = 0;
  let prevLast = -1;
  for (;;) {
    if (piece.length - start <= 2 * WINDOW) {
      const rest = core.bytePairEncode(piece.slice(start));
      if (prevLast >= 0 && !compatible(core, prevLast, rest[0])) break;
      return tokens + rest.length;
    }
    let cut = -1;
    for (let c = start + WINDOW; c < start + WINDOW + WINDOW_SLACK && cut < 0; c++) {
      // A cut between the halves of a surrogate pair would change the bytes.
      const code = piece.charCodeAt(c);
      if (code >= 0xdc00 && code <= 0xdfff) continue;
      const left = core.bytePairEncode(piece.slice(start, c));
      if (prevLast >= 0 && !compatible(core, prevLast, left[0])) continue;
      const right = core.bytePairEncode(piece.slice(c, c + WINDOW));
      if (!compatible(core, left[left.length - 1], right[0])) continue;
      cut = c;
      tokens += left.length;
      prevLast = left[left.length - 1];
    }
    if (cut < 0) break;
    start = cut;
  }
  return core.bytePairEncode(piece).length;
}

// ---- blocks ----

/**
 * Cuts text into blocks whose counts add up to the count of the whole text. A cut is made only
 * just after the last line break of a whitespace run that holds a blank line: the o200k and
 * cl100k pre-tokenisers never join text across such a point (their `\s*[\r\n]+` piece ends
 * there, and a piece matched from a position depends only on the text after it). The one
 * exception is o200k's punctuation piece ` ?[^\s\p{L}\p{N}]+[\r\n/]*`, which may swallow a `/`
 * after line breaks, so no cut is made before a `/`. Blocks longer than MAX_BLOCK are cut the
 * same way at single line breaks, or, in a line longer than that, before a single space that
 * follows a non-space and precedes a letter (see inlineCut), so one edit never re-counts more
 * than about MAX_BLOCK characters.
 */
export const MAX_BLOCK = 16_384;

function isSpace(c: number): boolean {
  // The characters JavaScript's \s matches.
  return (c >= 9 && c <= 13) || c === 32 || c === 0xa0 || c === 0x1680 || (c >= 0x2000 && c <= 0x200a) || c === 0x2028 || c === 0x2029 || c === 0x202f || c === 0x205f || c === 0x3000 || c === 0xfeff;
}

/**
 * The first line break at or after `from` and before `end` that starts a blank line: a line break,
 * white space other than line breaks, then a line break (what /\n[^\S\n]*\n/ matches; the second
 * break may lie past `end`). -1 when there is none. A scan from line break to line break
 * (`indexOf`), allocating nothing: the regex built a match array per blank line and took most of a
 * recount's time on a long document.
 */
export function nextBlankLine(text: string, from: number, end: number): number {
  let i = text.indexOf('\n', from);
  while (i >= 0 && i < end) {
    let j = i + 1;
    let c = 0;
    while (j < text.length && (c = text.charCodeAt(j)) !== 10 && isSpace(c)) j++;
    if (j >= text.length) return -1;
    if (c === 10) return i;
    i = text.indexOf('\n', j);
  }
  return -1;
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
export function blockEnds(text: string, start = 0, end = text.length, maxBlock = MAX_BLOCK): number[] {
  const ends: number[] = [];
  let blockStart = start;
  const push = (cut: number) => {
    if (cut - blockStart > maxBlock) splitLong(text, blockStart, cut, ends, maxBlock);
    else ends.push(cut);
    blockStart = cut;
  };
  for (let at = nextBlankLine(text, start, end); at >= 0; ) {
    const { cut, next } = cutAfterRun(text, at, end);
    if (cut > blockStart) push(cut);
    at = nextBlankLine(text, Math.max(next, at + 1), end);
  }
  if (end > blockStart) push(end);
  return ends;
}

/** The first cut after a single line break in [from, limit), or -1. */
function lineCut(text: string, blockStart: number, from: number, limit: number, end: number): number {
  let i = text.indexOf('\n', from);
  while (i >= 0 && i < limit) {
    // Back up to the start of the whitespace run, so the whole run is judged together.
    let at = i;
    while (at > blockStart && isSpace(text.charCodeAt(at - 1))) at--;
    const { cut, next } = cutAfterRun(text, at, end);
    if (cut > blockStart) return cut;
    i = text.indexOf('\n', Math.max(next, i + 1));
  }
  return -1;
}

function isAsciiLetter(c: number): boolean {
  return (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
}

/**
 * The first point p in [from, end) with a non-space before it, a space at p and a letter after.
 * No piece joins across it: every piece that can hold the non-space stops at a space (letters,
 * digits, punctuation and its `[\r\n/]*` tail), no whitespace piece can hold the non-space, and
 * the space starts a word piece (` word`) that is matched from p alike with or without the text
 * before. The text before p ends in a non-space, which the end of input stops the same way.
 */
function inlineCut(text: string, from: number, end: number): number {
  for (let p = Math.max(from, 1); p + 1 < end; p++) {
    if (text.charCodeAt(p) === 32 && isAsciiLetter(text.charCodeAt(p + 1)) && !isSpace(text.charCodeAt(p - 1))) return p;
  }
  return -1;
}

function splitLong(text: string, start: number, end: number, out: number[], maxBlock: number): void {
  let blockStart = start;
  while (end - blockStart > maxBlock) {
    // Search from half a block on, so that the cut depends on the text near it and an edit
    // earlier in the block moves it only when the edit is within that half.
    const from = blockStart + Math.max(1, maxBlock >> 1);
    let cut = lineCut(text, blockStart, from, Math.min(end, blockStart + maxBlock), end);
    if (cut < 0) cut = inlineCut(text, from, end);
    if (cut < 0) cut = lineCut(text, blockStart, from, end, end);
    if (cut <= blockStart) break;
    out.push(cut);
    blockStart = cut;
  }
  if (end > blockStart) out.push(end);
}

export function splitBlocks(text: string, start = 0, end = text.length, maxBlock = MAX_BLOCK): string[] {
  let at = start;
  return blockEnds(text, start, end, maxBlock).map((e) => text.slice(at, (at = e)));
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
  /** Chunks counted by the tokenizer (cache misses) since creation; tests and the benchmark read it. */
  misses = 0;
  /** Characters of those chunks. */
  missedChars = 0;

  constructor(
    readonly encoding: EncodingName,
    private readonly limit = 50_000,
    /** Tests make it tiny, so that every point where a cut is allowed becomes one. */
    private readonly maxBlock = MAX_BLOCK,
  ) {}

  count(text: string, start = 0, end = text.length): Count {
    return runSteps(this.countSteps(text, start, end));
  }

  /** `count` as steps: a sliced run may pause after each chunk the tokenizer counts (a cache miss) and every 256 cached ones. */
  *countSteps(text: string, start = 0, end = text.length): Steps<Count> {
    encodingCounter(this.encoding);
    const gen = ++this.generation;
    let tokens = 0;
    let longRuns = 0;
    let chunkStart = start;
    let blockStart = start;
    const ends = blockEnds(text, start, end, this.maxBlock);
    for (let i = 0; i < ends.length; i++) {
      const blockEnd = ends[i];
      const last = i === ends.length - 1;
      const close = last || blockEnd - chunkStart >= this.maxBlock || endsChunk(text, blockStart, blockEnd);
      blockStart = blockEnd;
      if (!close) continue;
      const block = text.slice(chunkStart, blockEnd);
      chunkStart = blockEnd;
      let hit = this.cache.get(block);
      if (!hit) {
        // A copy of the block, counted and kept as the key: the block is a piece of the whole text,
        // which the key (and the tokenizer's own cache of the pieces it cuts) would keep alive.
        const own = detached(block);
        const c = countGuarded(own, this.encoding);
        hit = { tokens: c.tokens, longRuns: c.longRuns, used: gen };
        this.cache.set(own, hit);
        this.misses++;
        this.missedChars += block.length;
        tokens += hit.tokens;
        longRuns += hit.longRuns;
        yield 'tokens';
        continue;
      }
      hit.used = gen;
      tokens += hit.tokens;
      longRuns += hit.longRuns;
      if (i % 256 === 255) yield 'tokens';
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
