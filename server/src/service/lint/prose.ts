// The template as text a model reads: literal text with the tags blanked out, the XML-style
// elements, fences and quotes that delimit data, the message (role) of each place, if/else
// branches, and the instruction sentences. Built once per document version for every rule.
import type { PromptDocument } from '../document';
import { allBlocks, type Block, type Tag } from '../template';
import { detached, indexStartingAt, startingIn, type Span } from '../text';
import { textChange } from '../diff';
import { runSteps, type Steps } from '../slice';
import { stateFor, templateBlocks, type BlockMemo, type PreviousBlock, type PreviousVersion } from './blocks';

export interface Element {
  name: string;
  /** From `<name` to the end of `</name>`. */
  span: Span;
  /** Between the open and the close tag. */
  content: Span;
}

export interface Sentence {
  span: Span;
  /** The sentence with its tags blanked out, as the words of the instruction. */
  words: string;
  /** Lower case, tags and markup collapsed: equal for the same instruction written twice. */
  key: string;
  line: number;
}

export interface ProseModel {
  /** The whole document text with every template tag replaced by spaces (line breaks kept): offsets are the document's. */
  masked: string;
  bodyStart: number;
  elements: Element[];
  /** Fenced blocks (``` ~~~ """ '''), from the opening fence line to the closing one. */
  fences: Span[];
  /** Regions holding data rather than instructions: fences, elements that hold a variable or are named like data (`<document>`, `<example>`). */
  dataRegions: Span[];
  /** Instruction sentences and bullets: literal text of the body outside data regions. */
  sentences: Sentence[];
  inData(offset: number): boolean;
  /** The role of the message at `offset` (`user` before the first marker). */
  roleAt(offset: number): string;
  /** `roleAt` for offsets asked in increasing order (a walk along the messages, not a search per offset); any order still gives `roleAt`'s answer. */
  roleCursor(): (offset: number) => string;
  /** Whether two places are in different branches of one `{{#if}}` / `{{else}}` (never rendered together). */
  exclusive(a: number, b: number): boolean;
  /** Whether `offset` is inside an `{{#each}}` body (text repeated per item). */
  inLoop(offset: number): boolean;
  /** The sentences that start in the span (of a block). */
  sentencesIn(span: Span): Sentence[];
  /** Whether the span lies inside one fence. */
  inFence(span: Span): boolean;
  /** Whether the span lies inside the content of an element. */
  inElement(span: Span): boolean;
  /** The template's blocks with what is remembered of them; absent when built from scratch. */
  blocks?: { span: Span; memo: BlockMemo }[];
}

const ELEMENT = /<(\/?)([A-Za-z][\w.:-]*)(?:\s[^<>]*)?>/g;
const FENCE_LINE = /^[ \t]*(`{3,}|~{3,}|"{3}|'{3})/;
const SENTENCE_END = /[.!?]["')\]]?(?=\s)/g;
const LIST_MARKER = /^[ \t]*(?:[-*+•]|\d{1,3}[.)]|#{1,6})[ \t]+/;
// Inline code on one line (`ruff check . && ruff format .`): a full stop inside it ends no sentence.
const INLINE_CODE = /(`+)[^`\n]*?\1/g;
const ABBREVIATION = /(?:^|[\s(])(?:e\.g|i\.e|vs|cf|z\.\s?B|d\.\s?h)$/i;

/** Every regular expression this module runs on document text (for the ReDoS test). */
export const PROSE_PATTERNS: readonly RegExp[] = [ELEMENT, FENCE_LINE, SENTENCE_END, LIST_MARKER, INLINE_CODE, ABBREVIATION];

const DATA_NAMES = new Set(
  'example examples sample samples shot shots demo demos input inputs document documents doc docs context data source sources transcript history quote ticket email mail message messages article text code snippet passage passages conversation reference references chunk chunks record records review diff log logs query question page pages file files content result results search retrieved note notes report'.split(
    ' ',
  ),
);

function isDataName(name: string): boolean {
  return name
    .toLowerCase()
    .split(/[_.:-]/)
    .some((part) => DATA_NAMES.has(part));
}

function blank(s: string): string {
  // Most tags are on one line; building their blanks a character at a time was a cost per keystroke.
  if (s.indexOf('\n') < 0 && s.indexOf('\r') < 0) return ' '.repeat(s.length);
  let out = '';
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    out += c === 10 || c === 13 ? s[i] : ' ';
  }
  return out;
}

function* maskTagsSteps(text: string, tags: Tag[]): Steps<string> {
  if (!tags.length) return text;
  const parts: string[] = [];
  let at = 0;
  let n = 0;
  for (const t of tags) {
    if (++n % (4 * STEP_ITEMS) === 0) yield 'prose: mask';
    if (t.span.start < at) continue;
    parts.push(text.slice(at, t.span.start), blank(text.slice(t.span.start, t.span.end)));
    at = t.span.end;
  }
  parts.push(text.slice(at));
  return parts.join('');
}

/** The masked text of a version, and where it and the text may differ from the previous version's. */
interface Masked {
  masked: string;
  /** Text and masked text are the previous version's before this offset... */
  from: number;
  /** ...and from this offset (in this version) to the end, moved by the edit's length. */
  to: number;
  /** The version compared with. */
  previous: PreviousVersion;
}

/**
 * The masked text, from the previous version's where the edit left text and tags alone: only the
 * part between the first and the last tag (or character) that changed is masked again.
 */
function maskedFrom(doc: PromptDocument, previous: PreviousVersion): Masked {
  const text = doc.text;
  const tags = doc.template.tags;
  const { prefix, suffix, delta } = textChange(previous.text, text);
  const old = previous.tags;
  const same = (t: Tag, o: Tag, by: number) => t.span.start === o.span.start + by && t.span.end === o.span.end + by;
  let i = 0;
  while (i < tags.length && i < old.length && tags[i].span.end <= prefix && same(tags[i], old[i], 0)) i++;
  const a = Math.min(prefix, tags[i]?.span.start ?? Infinity, old[i]?.span.start ?? Infinity);
  const unchangedFrom = text.length - suffix;
  let k = tags.length - 1;
  let l = old.length - 1;
  while (k >= i && l >= i && tags[k].span.start >= unchangedFrom && same(tags[k], old[l], delta)) {
    k--;
    l--;
  }
  const b = Math.max(unchangedFrom, k >= i ? tags[k].span.end : -Infinity, l >= i ? old[l].span.end + delta : -Infinity);
  const parts: string[] = [previous.masked.slice(0, a)];
  let at = a;
  for (let j = i; j <= k; j++) {
    const t = tags[j];
    if (t.span.start < at) continue;
    parts.push(text.slice(at, t.span.start), blank(text.slice(t.span.start, t.span.end)));
    at = t.span.end;
  }
  parts.push(text.slice(at, b), previous.masked.slice(b - delta));
  return { masked: parts.join(''), from: a, to: b, previous };
}

/** Matches (elements), lines (fences) or blocks handled between two pause points of a sliced run. */
const STEP_ITEMS = 256;

function* findElements(masked: string, start: number, end: number): Steps<Element[]> {
  const out: Element[] = [];
  const open: { name: string; start: number; contentStart: number }[] = [];
  const body = masked.slice(0, end);
  // `lastIndex` is the loop's own (a pause lets other runs use the shared expression).
  let from = start;
  let n = 0;
  for (;;) {
    ELEMENT.lastIndex = from;
    const m = ELEMENT.exec(body);
    if (!m) break;
    from = ELEMENT.lastIndex;
    if (++n % STEP_ITEMS === 0) yield 'prose: elements';
    if (m[0].endsWith('/>')) continue;
    const name = m[2];
    if (!m[1]) {
      open.push({ name, start: m.index, contentStart: m.index + m[0].length });
      continue;
    }
    for (let i = open.length - 1; i >= 0; i--) {
      if (open[i].name !== name) continue;
      const o = open[i];
      out.push({ name, span: { start: o.start, end: m.index + m[0].length }, content: { start: o.contentStart, end: m.index } });
      open.length = i;
      break;
    }
  }
  return out.sort((a, b) => a.span.start - b.span.start);
}

/** A fence that holds `offset` or opens at it (`fences` sorted and disjoint), as its index; -1 when none. */
function fenceAt(fences: readonly Span[], offset: number): number {
  let lo = 0;
  let hi = fences.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (fences[mid].end < offset) lo = mid + 1;
    else if (fences[mid].start > offset) hi = mid - 1;
    else return mid;
  }
  return -1;
}

/**
 * The fences of the body. With the previous version's (and where the masking redid the text), the
 * scan starts at the line of the first change (or the fence holding it), with the fences before
 * taken over, and stops at the first line start past the change where neither version has a fence
 * open: the fences after it are the previous version's, moved by the edit's length.
 */
function* findFences(masked: string, start: number, end: number, change?: Masked): Steps<Span[]> {
  const out: Span[] = [];
  let openAt = -1;
  let marker = '';
  let lineStart = start;
  let n = 0;
  const previous = change?.previous;
  const delta = change ? masked.length - change.previous.masked.length : 0;
  const old = previous?.fences;
  // Usable when the body is where it was, and ends where it did (moved by the edit).
  const usable = !!old && previous!.bodyStart === start && previous!.bodyEnd + delta === end && change!.from > start;
  if (usable) {
    let from = masked.lastIndexOf('\n', change!.from - 1) + 1;
    if (from < start) from = start;
    const holding = fenceAt(old!, from);
    if (holding >= 0 && old![holding].start < from) from = old![holding].start;
    for (let i = 0; i < old!.length && old![i].end < from; i++) out.push(old![i]);
    lineStart = from;
  }
  while (lineStart < end) {
    if (++n % (16 * STEP_ITEMS) === 0) yield 'prose: fences';
    if (usable && openAt < 0 && lineStart > change!.to) {
      // The same text from here on: in sync when the previous scan had no fence open here either.
      const k = fenceAt(old!, lineStart - delta);
      if (k < 0 || old![k].start === lineStart - delta) {
        for (let i = k < 0 ? firstFrom(old!, lineStart - delta) : k; i < old!.length; i++) out.push(delta ? { start: old![i].start + delta, end: old![i].end + delta } : old![i]);
        return out;
      }
    }
    let lineEnd = masked.indexOf('\n', lineStart);
    if (lineEnd < 0 || lineEnd > end) lineEnd = end;
    const c = masked.charCodeAt(lineStart);
    // Cheap pre-check: a fence line starts with blanks then ` ~ " or '.
    if (c === 96 || c === 126 || c === 34 || c === 39 || c === 32 || c === 9) {
      const m = FENCE_LINE.exec(masked.slice(lineStart, Math.min(lineEnd, lineStart + 200)));
      if (m) {
        const kind = m[1][0];
        if (openAt < 0) {
          openAt = lineStart;
          marker = kind;
        } else if (kind === marker) {
          out.push({ start: openAt, end: lineEnd });
          openAt = -1;
        }
      }
    }
    lineStart = lineEnd + 1;
  }
  if (openAt >= 0) out.push({ start: openAt, end });
  return out;
}

/** The index of the first span starting at or after `offset` (`spans` sorted). */
function firstFrom(spans: readonly Span[], offset: number): number {
  let lo = 0;
  let hi = spans.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (spans[mid].start < offset) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function merge(spans: Span[]): Span[] {
  const sorted = [...spans].sort((a, b) => a.start - b.start);
  const out: Span[] = [];
  for (const s of sorted) {
    const last = out[out.length - 1];
    if (last && s.start <= last.end) last.end = Math.max(last.end, s.end);
    else out.push({ ...s });
  }
  return out;
}

function within(spans: Span[], offset: number): boolean {
  let lo = 0;
  let hi = spans.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (spans[mid].end <= offset) lo = mid + 1;
    else if (spans[mid].start > offset) hi = mid - 1;
    else return true;
  }
  return false;
}

/** Whether one outer span holds the whole span (`spans` sorted and disjoint). */
function holds(spans: Span[], span: Span): boolean {
  let lo = 0;
  let hi = spans.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (spans[mid].start > span.start) hi = mid - 1;
    else if (spans[mid].end < span.start) lo = mid + 1;
    else if (span.end <= spans[mid].end) return true;
    else lo = mid + 1;
  }
  return false;
}

function bodyEnd(b: Block): number {
  return b.close ? b.close.span.start : b.span.end;
}

/** Levels whose blocks are in order and do not overlap, where a binary search finds what `find` would. */
const ordered = new WeakMap<Block[], boolean>();

function isOrdered(level: Block[]): boolean {
  let hit = ordered.get(level);
  if (hit === undefined) {
    hit = true;
    for (let i = 1; i < level.length && hit; i++) hit = level[i - 1].open.span.end <= level[i].open.span.end && bodyEnd(level[i - 1]) <= level[i].open.span.end;
    ordered.set(level, hit);
  }
  return hit;
}

function blockAt(level: Block[], offset: number): Block | undefined {
  // Rules ask this for every pair of sentences they compare: a linear scan of a long template's
  // top-level blocks made that quadratic.
  if (!isOrdered(level)) return level.find((x) => x.open.span.end <= offset && offset < bodyEnd(x));
  let lo = 0;
  let hi = level.length - 1;
  let last = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (level[mid].open.span.end <= offset) {
      last = mid;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  const b = last >= 0 ? level[last] : undefined;
  return b && offset < bodyEnd(b) ? b : undefined;
}

/** The chain of (block, branch) from the outermost block to the innermost one holding `offset`. */
function branchPath(blocks: Block[], offset: number): [number, number, string][] {
  const path: [number, number, string][] = [];
  let level = blocks;
  for (;;) {
    const b = blockAt(level, offset);
    if (!b) return path;
    const branch = b.elses.filter((e) => e.span.start <= offset).length;
    path.push([b.open.span.start, branch, b.name]);
    level = b.children;
  }
}

const TRAILING = new Set(' \t\n\r"\'`*_.!?:;,');

function normaliseKey(s: string): string {
  const spaced = s.toLowerCase().replace(/\s+/g, ' ').replace(/^[\s"'`*_]+/, '');
  // A loop, not `[…]+$`: that regex retries from every character of a long run of punctuation
  // that does not end the string (`a,,,,…b`), which is quadratic.
  let end = spaced.length;
  while (end > 0 && TRAILING.has(spaced[end - 1])) end--;
  return spaced.slice(0, end).trim();
}

function splitSentences(doc: PromptDocument, masked: string, start: number, end: number, data: Span[]): Sentence[] {
  const out: Sentence[] = [];
  const text = doc.text;
  let lineStart = start;
  while (lineStart < end) {
    let lineEnd = masked.indexOf('\n', lineStart);
    if (lineEnd < 0 || lineEnd > end) lineEnd = end;
    const line = masked.slice(lineStart, lineEnd);
    if (line.trim() && !within(data, lineStart) && !within(data, Math.max(lineStart, lineEnd - 1))) {
      const marker = LIST_MARKER.exec(line);
      const from = lineStart + (marker ? marker[0].length : 0);
      const pieces: Span[] = [];
      let s = from;
      SENTENCE_END.lastIndex = 0;
      const rest = masked.slice(from, lineEnd);
      const code: Span[] = [];
      if (rest.includes('`')) {
        INLINE_CODE.lastIndex = 0;
        for (let c = INLINE_CODE.exec(rest); c; c = INLINE_CODE.exec(rest)) code.push({ start: c.index, end: c.index + c[0].length });
      }
      let k = 0;
      for (let m = SENTENCE_END.exec(rest); m; m = SENTENCE_END.exec(rest)) {
        // Both in order: one pass over the code spans.
        while (k < code.length && code[k].end <= m.index) k++;
        if (k < code.length && code[k].start < m.index) continue;
        // `e.g.`, `i.e.`, `vs.`, `cf.`, `z.B.`, `d.h.`: an abbreviation's full stop ends no sentence.
        if (m[0] === '.' && ABBREVIATION.test(rest.slice(Math.max(0, m.index - 6), m.index))) continue;
        pieces.push({ start: s, end: from + m.index + m[0].length });
        s = from + m.index + m[0].length;
      }
      pieces.push({ start: s, end: lineEnd });
      const lineNo = doc.lines.lineAt(lineStart);
      for (const p of pieces) {
        let a = p.start;
        let b = p.end;
        while (a < b && /\s/.test(masked[a])) a++;
        while (b > a && /\s/.test(masked[b - 1])) b--;
        if (b <= a) continue;
        const words = masked.slice(a, b);
        if (!/[A-Za-z\u00C0-\uFFFF]/.test(words)) continue;
        out.push({ span: { start: a, end: b }, words, key: normaliseKey(text.slice(a, b)), line: lineNo });
      }
    }
    lineStart = lineEnd + 1;
  }
  return out;
}

const memo = new WeakMap<PromptDocument, ProseModel>();

/** Where a block's data regions lie, relative to the block: part of what its sentences depend on. */
function regionsOf(block: Span, data: Span[], from: { i: number }): string {
  while (from.i < data.length && data[from.i].end <= block.start) from.i++;
  let regions = '';
  for (let i = from.i; i < data.length && data[i].start < block.end; i++) regions += `${Math.max(0, data[i].start - block.start)}-${Math.min(block.end, data[i].end) - block.start},`;
  return regions;
}

/** Everything a block's sentences depend on: the character before it, its data regions, its masked and raw text. */
function blockKey(text: string, masked: string, block: Span, regions: string): string {
  const raw = text.slice(block.start, block.end);
  const m = masked.slice(block.start, block.end);
  return `${text[block.start - 1] ?? ''}\u0000${regions}\u0000${m === raw ? '=' : `~${m}`}\u0000${raw}`;
}

/** The block of `blocks` (sorted) that starts at `start`. */
function blockStartingAt<B extends { span: Span }>(blocks: readonly B[], start: number): B | undefined {
  const i = indexStartingAt(blocks, start);
  return i >= 0 ? blocks[i] : undefined;
}

/**
 * The blocks of the template with their memos, reusing those of the previous version: a block
 * before the edit, or after it (moved by the edit's length), whose text, masked text, preceding
 * character and data regions are unchanged keeps its memo; a block the edit touched gets the memo
 * of a touched block of the previous version with the same content, if any, else a new one. Only
 * the new blocks are split into sentences.
 */
function* templateBlockMemos(doc: PromptDocument, masked: string, dataRegions: Span[], change: Masked | undefined, fences: Span[]): Steps<{ span: Span; memo: BlockMemo }[]> {
  const state = stateFor(doc.uri);
  // The version the masking was compared with (a sliced run may have seen another one stored since).
  const previous = change?.previous;
  const text = doc.text;
  let prefix = 0;
  let suffix = 0;
  let delta = 0;
  const touched = new Map<string, BlockMemo>();
  if (previous) {
    // Masking keeps lengths, so the text and its masked form line up offset for offset; both are
    // the previous version's outside the window the masking redid (no second comparison of them).
    prefix = change!.from;
    suffix = text.length - change!.to;
    delta = text.length - previous.text.length;
    const changedEnd = previous.text.length - suffix;
    for (const b of previous.blocks) {
      if (b.span.end > prefix && b.span.start - 1 < changedEnd) touched.set(blockKey(previous.text, previous.masked, b.span, b.regions), b.memo);
    }
  }
  const blocks: PreviousBlock[] = [];
  const cursor = { i: 0 };
  const unchangedFrom = text.length - suffix;
  let split = 0;
  let n = 0;
  for (const span of templateBlocks(doc, change)) {
    if (++n % STEP_ITEMS === 0) yield 'prose: blocks';
    const regions = regionsOf(span, dataRegions, cursor);
    let memo: BlockMemo | undefined;
    if (previous) {
      const shift = span.end <= prefix ? 0 : span.start - 1 >= unchangedFrom ? delta : undefined;
      const old = shift === undefined ? undefined : blockStartingAt(previous.blocks, span.start - shift);
      if (old && old.span.end === span.end - shift! && old.regions === regions) memo = old.memo;
      else if (touched.size) memo = touched.get(blockKey(text, masked, span, regions));
    }
    if (!memo) memo = { findings: new Map() };
    if (!memo.sentences) {
      if (++split % 16 === 0) yield 'prose: sentences';
      const firstLine = doc.lines.lineAt(span.start);
      memo.sentences = splitSentences(doc, masked, span.start, span.end, dataRegions).map((s) => ({
        span: { start: s.span.start - span.start, end: s.span.end - span.start },
        // Copies: a memo lives as long as its block, and a piece of the text would keep this whole version alive.
        words: detached(s.words),
        key: detached(s.key),
        line: s.line - firstLine,
      }));
    }
    blocks.push({ span, regions, memo });
  }
  // Unless a request between two slices built this version's model meanwhile (it is kept, and set this).
  if (!memo.has(doc)) state.previous = { text, masked, tags: doc.template.tags, blocks, fences, bodyStart: doc.template.span.start, bodyEnd: doc.template.span.end };
  return blocks;
}

/** A block's sentences at their place in the document. */
function placed(doc: PromptDocument, block: { span: Span; memo: BlockMemo }, out: Sentence[] = []): Sentence[] {
  const start = block.span.start;
  const firstLine = doc.lines.lineAt(start);
  for (const s of block.memo.sentences!) out.push({ span: { start: s.span.start + start, end: s.span.end + start }, words: s.words, key: s.key, line: s.line + firstLine });
  return out;
}

/**
 * The prose model of a document version. `fresh` builds it from scratch without reading or
 * writing the memory of earlier versions (the reference the incremental path is tested against).
 */
export function proseOf(doc: PromptDocument, fresh = false): ProseModel {
  return runSteps(proseSteps(doc, fresh));
}

/**
 * `proseOf` as steps: a sliced run pauses inside the element and fence scans and between the
 * blocks it splits into sentences. The model is memoised once complete; if a request between two
 * slices built it meanwhile, that one is returned.
 */
export function* proseSteps(doc: PromptDocument, fresh = false): Steps<ProseModel> {
  const hit = fresh ? undefined : memo.get(doc);
  if (hit) return hit;
  const bodyStart = doc.template.span.start;
  const end = doc.template.span.end;
  const previous = fresh || doc.notice ? undefined : stateFor(doc.uri).previous;
  const change = previous ? maskedFrom(doc, previous) : undefined;
  const masked = change ? change.masked : yield* maskTagsSteps(doc.text, doc.template.tags);
  yield 'prose: mask';
  const elements = doc.notice ? [] : yield* findElements(masked, bodyStart, end);
  yield 'prose: elements';
  const fences = doc.notice ? [] : yield* findFences(masked, bodyStart, end, change);
  yield 'prose: fences';
  const interpolations = doc.template.tags.filter((t) => t.kind === 'mustache' || t.kind === 'unescaped' || t.kind === 'partial').map((t) => t.span.start);
  // Interpolation offsets are sorted (tags are): whether one lies in an element is a binary search.
  const interpolationIn = (span: Span) => {
    let lo = 0;
    let hi = interpolations.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (interpolations[mid] < span.start) lo = mid + 1;
      else hi = mid;
    }
    return lo < interpolations.length && interpolations[lo] < span.end;
  };
  const dataElements = elements.filter((e) => isDataName(e.name) || interpolationIn(e.content));
  const dataRegions = merge([...fences, ...dataElements.map((e) => e.span)]);
  const messages = doc.prompt.messages;
  const loops = collectLoops(doc.template.blocks);
  const contents = merge(elements.map((e) => e.content));
  const messagesInOrder = messages.every((m, i) => i === 0 || messages[i - 1].span.start <= m.span.start);
  yield 'prose: regions';
  const blocks = doc.notice || fresh ? undefined : yield* templateBlockMemos(doc, masked, dataRegions, change, fences);
  const done = fresh ? undefined : memo.get(doc);
  if (done) return done;
  // Built on first use: the rules that run per block or keep an index never need the whole list.
  let sentences: Sentence[] | undefined;
  const allSentences = (): Sentence[] => {
    if (sentences) return sentences;
    if (doc.notice) sentences = [];
    else if (!blocks) sentences = splitSentences(doc, masked, bodyStart, end, dataRegions);
    else {
      sentences = [];
      for (const b of blocks) placed(doc, b, sentences);
    }
    return sentences;
  };
  const model: ProseModel = {
    masked,
    bodyStart,
    elements,
    fences,
    dataRegions,
    get sentences() {
      return allSentences();
    },
    blocks,
    inData: (offset) => within(dataRegions, offset),
    roleAt: (offset) => {
      let role = 'user';
      if (!messagesInOrder) {
        for (const m of messages) if (m.span.start <= offset) role = m.role;
        return role;
      }
      let lo = 0;
      let hi = messages.length - 1;
      while (lo <= hi) {
        const mid = (lo + hi) >> 1;
        if (messages[mid].span.start <= offset) {
          role = messages[mid].role;
          lo = mid + 1;
        } else hi = mid - 1;
      }
      return role;
    },
    roleCursor: () => {
      let next = 0;
      let role = 'user';
      let last = -1;
      return (offset) => {
        if (!messagesInOrder || offset < last) return model.roleAt(offset);
        last = offset;
        while (next < messages.length && messages[next].span.start <= offset) role = messages[next++].role;
        return role;
      };
    },
    exclusive: (a, b) => {
      const pa = branchPath(doc.template.blocks, a);
      const pb = branchPath(doc.template.blocks, b);
      for (let i = 0; i < pa.length && i < pb.length; i++) {
        if (pa[i][0] !== pb[i][0]) return false;
        if (pa[i][1] !== pb[i][1]) return true;
      }
      return false;
    },
    inLoop: (offset) => within(loops, offset),
    sentencesIn: (span) => {
      const block = blocks && blockStartingAt(blocks, span.start);
      if (block && block.span.end === span.end) return placed(doc, block);
      return startingIn(allSentences(), span);
    },
    // Fences never overlap; element contents nest, so one holding the span lies inside the outermost.
    inFence: (span) => holds(fences, span),
    inElement: (span) => holds(contents, span),
  };
  if (!fresh) memo.set(doc, model);
  return model;
}

function collectLoops(blocks: Block[]): Span[] {
  const out: Span[] = [];
  for (const b of allBlocks(blocks)) if (b.name === 'each') out.push({ start: b.open.span.end, end: b.close ? b.close.span.start : b.span.end });
  return merge(out);
}
