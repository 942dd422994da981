// What the lint rules remember from one version of a document to the next, so that a keystroke
// re-lints only the blocks of the template it touched. The template is cut into blocks of whole
// lines (at blank lines); each block's memo is keyed by everything its results depend on and is
// carried to the next version while a block with that key still exists, so the memory held is one
// version's worth of blocks per document.
import type { PromptDocument } from '../document';
import { LastVersions } from '../lastVersions';
import { runSteps, type Steps } from '../slice';
import type { Tag } from '../template';
import { indexStartingAt, type Span } from '../text';
import type { Finding } from './types';
import { forgetCounts } from '../tokens/count';
import { forgetSecretBlocks } from './secret-in-prompt';

export { commonPrefix, commonSuffix } from '../diff';

/** Results of one block, positions relative to its start (so a block that moved is reused as is). */
export interface BlockMemo {
  /** The block's sentences (`span` relative to the block, `line` relative to its first line). */
  sentences?: { span: Span; words: string; key: string; line: number }[];
  /** Per-block findings of the block-local rules, by rule id and options. */
  findings: Map<string, Finding[]>;
  /** What the cross-block rules derive from the block's sentences alone, by rule id (their index entries). */
  derived?: Map<string, unknown>;
}

/** One block of the last version linted, with what its memo was found under. */
export interface PreviousBlock {
  span: Span;
  /** Its data regions, relative to the block (part of what its sentences depend on). */
  regions: string;
  memo: BlockMemo;
}

/** The last version's text, masked text and blocks: what the next version's blocks are matched against. */
export interface PreviousVersion {
  text: string;
  masked: string;
  /** The template's tags (what was masked). */
  tags: readonly Tag[];
  blocks: PreviousBlock[];
  /** The body's fences (prose.ts), and the body they were found in. */
  fences: readonly Span[];
  bodyStart: number;
  bodyEnd: number;
}

interface TextMemo {
  /** The version the entries in `next` are for. */
  doc: PromptDocument;
  prev: Map<string, unknown>;
  next: Map<string, unknown>;
}

interface DocState {
  previous?: PreviousVersion;
  memos: Map<string, TextMemo>;
  /** The cross-block rules' indexes over the current blocks, by rule id. */
  indexes: Map<string, unknown>;
  /** The last interpolations listed (inputs.ts), with the references they came from and the index of each one's reference. */
  interpolations?: { refs: readonly object[]; out: readonly unknown[]; refIndex: readonly number[] };
}

/** The lint state of the 32 documents linted last. */
const states = new LastVersions<DocState>(32);

export function stateFor(uri: string): DocState {
  const s = states.get(uri) ?? { memos: new Map(), indexes: new Map() };
  states.keep(uri, s);
  return s;
}

/**
 * Results of a pure function of a piece of text (a sentence), remembered from the previous version
 * of the document: entries the current version does not ask for are dropped at the next version.
 */
export function textMemo(doc: PromptDocument, purpose: string): <T>(text: string, compute: (text: string) => T) => T {
  const memos = stateFor(doc.uri).memos;
  let m = memos.get(purpose);
  if (!m) memos.set(purpose, (m = { doc, prev: new Map(), next: new Map() }));
  else if (m.doc !== doc) {
    m.prev = m.next;
    m.next = new Map();
    m.doc = doc;
  }
  const { prev, next } = m;
  return <T>(text: string, compute: (text: string) => T): T => {
    if (next.has(text)) return next.get(text) as T;
    const v = prev.has(text) ? (prev.get(text) as T) : compute(text);
    next.set(text, v);
    return v;
  };
}

/** Drops what was remembered for a document (closed, or for tests: everything). */
export function forgetLintState(uri?: string): void {
  states.forget(uri);
  forgetSecretBlocks(uri);
  // The token counts kept for the next version go with it.
  forgetCounts(uri);
}

/**
 * Blocks longer than this many lines are also cut at lines picked by a hash of their text, so a
 * template without blank lines still re-lints a part of itself, and an inserted line moves only
 * the cuts of its own block.
 */
const LONG_BLOCK = 64;

function isBlank(text: string, start: number, end: number): boolean {
  for (let i = start; i < end; i++) {
    const c = text.charCodeAt(i);
    if (c !== 32 && c !== 9 && c !== 13) return false;
  }
  return true;
}

function lineHash(text: string, start: number, end: number): number {
  let h = 0;
  for (let i = start; i < end; i++) h = (Math.imul(h, 31) + text.charCodeAt(i)) | 0;
  return h;
}

/** Where the text and the masked text of a version may differ from the previous version's (prose.ts `Masked`). */
export interface BlocksSince {
  previous: PreviousVersion;
  /** The same before this offset... */
  from: number;
  /** ...and from this one (in this version) on, moved by the edit's length. */
  to: number;
}


/**
 * The template body cut into blocks of whole lines: after every blank line, and in long blocks
 * after lines whose hash picks them. Lines never span two blocks, and the rules that run per block
 * look at nothing across a line break, so a block's results do not depend on where the cuts are.
 * With `since`, only the lines from the block of the first change to the first cut past the change
 * that the previous version also made are scanned; the previous version's blocks fill in the rest.
 * An edit wholly before the body scans nothing: the blocks are the previous version's, moved.
 */
export function templateBlocks(doc: PromptDocument, since?: BlocksSince): Span[] {
  const text = doc.text;
  const start = doc.template.span.start;
  const end = doc.template.span.end;
  const out: Span[] = [];
  let blockStart = start;
  let lines = 0;
  let lineStart = start;
  const old = since?.previous.blocks;
  const delta = since ? text.length - since.previous.text.length : 0;
  // The edit lies wholly before the body (a frontmatter keystroke): the body's text is the previous
  // one, moved, and the cuts depend on nothing but that text, so they are the previous ones, moved.
  if (old && since!.to <= start && since!.previous.bodyStart + delta === start && since!.previous.bodyEnd + delta === end) {
    for (const b of old) out.push(delta ? { start: b.span.start + delta, end: b.span.end + delta } : b.span);
    return out;
  }
  // Usable when the body starts where it did and ends where it did, moved by the edit.
  const usable = !!old && since!.previous.bodyStart === start && since!.previous.bodyEnd + delta === end && since!.from > start;
  if (usable) {
    // The blocks that end before the first change are cut as before: the scan goes on after them.
    for (let i = 0; i < old!.length && old![i].span.end < since!.from && old![i].span.end < since!.previous.bodyEnd; i++) out.push(old![i].span);
    if (out.length) blockStart = lineStart = out[out.length - 1].end;
  }
  while (lineStart < end) {
    let lineEnd = text.indexOf('\n', lineStart);
    if (lineEnd < 0 || lineEnd >= end) break;
    lines++;
    const next = lineEnd + 1;
    if (isBlank(text, lineStart, lineEnd) || (lines > LONG_BLOCK && (lineHash(text, lineStart, lineEnd) & 15) === 0)) {
      if (next < end) {
        out.push({ start: blockStart, end: next });
        blockStart = next;
        lines = 0;
        if (usable && next > since!.to) {
          // The same text from here on: where the previous version also cut here, its blocks follow, moved.
          const k = indexStartingAt(old!, next - delta);
          if (k >= 0) {
            for (let i = k; i < old!.length; i++) out.push(delta ? { start: old![i].span.start + delta, end: old![i].span.end + delta } : old![i].span);
            return out;
          }
        }
      }
    }
    lineStart = next;
  }
  if (blockStart < end || !out.length) out.push({ start: blockStart, end });
  return out;
}

interface IndexEntry<I> {
  index: I;
  /** The memos the index holds, with how many blocks of the version carry each. */
  members: Map<BlockMemo, number>;
}

/**
 * A cross-block rule's index over the blocks of the document's current version (sums over the
 * blocks: counts by sentence key, which blocks hold what). It is brought up to date by applying
 * only the blocks that came (`times` > 0) and went (`times` < 0) since the rule last ran, so an
 * edit costs the rule a pass over the list of blocks, not over their text.
 */
export function syncIndex<I>(uri: string, ruleId: string, blocks: readonly { memo: BlockMemo }[], create: () => I, apply: (index: I, memo: BlockMemo, times: number) => void): I {
  return runSteps(syncIndexSteps(uri, ruleId, blocks, create, apply));
}

/**
 * `syncIndex` as steps: a pause point every 64 blocks applied. The members are updated with each
 * block applied, so a run stopped at a pause leaves an index that holds exactly its members, and
 * the next sync goes on from there.
 */
export function* syncIndexSteps<I>(uri: string, ruleId: string, blocks: readonly { memo: BlockMemo }[], create: () => I, apply: (index: I, memo: BlockMemo, times: number) => void): Steps<I> {
  const indexes = stateFor(uri).indexes;
  let entry = indexes.get(ruleId) as IndexEntry<I> | undefined;
  if (!entry) indexes.set(ruleId, (entry = { index: create(), members: new Map() }));
  const current = new Map<BlockMemo, number>();
  for (const b of blocks) current.set(b.memo, (current.get(b.memo) ?? 0) + 1);
  let applied = 0;
  // Callbacks rather than `for…of` over the maps' entries: no entry array per block and keystroke.
  const gone: BlockMemo[] = [];
  entry.members.forEach((_had, memo) => {
    if (!current.has(memo)) gone.push(memo);
  });
  for (const memo of gone) {
    apply(entry.index, memo, -(entry.members.get(memo) ?? 0));
    entry.members.delete(memo);
    if (++applied % 64 === 0) yield ruleId;
  }
  const changed: BlockMemo[] = [];
  current.forEach((n, memo) => {
    if (n !== (entry.members.get(memo) ?? 0)) changed.push(memo);
  });
  for (const memo of changed) {
    const n = current.get(memo)!;
    apply(entry.index, memo, n - (entry.members.get(memo) ?? 0));
    entry.members.set(memo, n);
    if (++applied % 64 === 0) yield ruleId;
  }
  return entry.index;
}

/**
 * Computes what a cross-block rule derives from each block (`derive`, memoised per block memo),
 * with a step after every 16 blocks it computes: a sliced run pauses between them.
 */
export function* warmBlocks(prose: { blocks?: readonly { memo: BlockMemo }[] }, derive: (memo: BlockMemo) => unknown, ruleId: string): Steps<void> {
  let n = 0;
  for (const b of prose.blocks ?? []) {
    if (b.memo.derived?.has(ruleId)) continue;
    derive(b.memo);
    if (++n % 16 === 0) yield ruleId;
  }
}

/** What a cross-block rule derives from one block's sentences, computed once per block memo. */
export function derived<T>(memo: BlockMemo, ruleId: string, compute: () => T): T {
  const map = (memo.derived ??= new Map());
  if (map.has(ruleId)) return map.get(ruleId) as T;
  const value = compute();
  map.set(ruleId, value);
  return value;
}
