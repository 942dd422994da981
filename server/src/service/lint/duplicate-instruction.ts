// duplicate-instruction: the same sentence or bullet twice in the instructions. Repeating an
// instruction costs tokens on every run and usually means one copy was edited and the other not.
// Text in data (examples, documents, fences), in loops and in opposite {{#if}}/{{else}} branches
// is not compared.
import type { PromptDocument } from '../document';
import type { Span } from '../text';
import { derived, syncIndex, syncIndexSteps, warmBlocks, type BlockMemo } from './blocks';
import type { ProseModel, Sentence } from './prose';
import { clip, quickFix, removeLinesEdit } from './util';
import type { Finding, LintRule, RuleContext } from './types';

/** Shorter sentences ("Thanks.", "Answer:") repeat naturally. */
const MIN_CHARS = 20;
const MIN_WORDS = 4;
/**
 * A prompt pasted into itself many times repeats every sentence: at 950 KB that was 10,076
 * findings, which no one reads and which cost more to publish than to find. The first MAX_FINDINGS
 * are reported, then one finding that says how many more there are.
 */
export const MAX_FINDINGS = 50;
/**
 * Earlier copies kept per sentence, to find one not in an opposite branch. Without a bound each
 * copy was compared with every earlier one, quadratic in the number of copies.
 */
const KEEP = 8;
const LIST_MARKER = /^[ \t]*(?:(?:[-*+•]|\d{1,3}[.)]|#{1,6})[ \t]*)?$/;

export function longEnough(key: string): boolean {
  return key.length >= MIN_CHARS && key.split(' ').length >= MIN_WORDS;
}

/** Whether the span is the only content of its line (besides a list marker and blanks). */
function wholeLine(doc: PromptDocument, span: Span): boolean {
  const line = doc.lines.lineAt(span.start);
  if (line !== doc.lines.lineAt(Math.max(span.start, span.end - 1))) return false;
  return LIST_MARKER.test(doc.text.slice(doc.lines.lineStart(line), span.start)) && !doc.text.slice(span.end, doc.lines.lineEnd(line)).trim();
}

const ID = 'duplicate-instruction';

/** Per block: the keys of its sentences long enough to compare, each with how often it occurs there. */
function blockKeys(memo: BlockMemo): Map<string, number> {
  return derived(memo, ID, () => {
    const keys = new Map<string, number>();
    for (const s of memo.sentences!) if (longEnough(s.key)) keys.set(s.key, (keys.get(s.key) ?? 0) + 1);
    return keys;
  });
}

/** Over the blocks of the current version: how often each key occurs, and which blocks hold the keys that occur twice or more. */
interface Index {
  counts: Map<string, number>;
  /** Keys occurring at least twice, with the blocks holding them (and how many times each block is in the version). */
  repeated: Map<string, Map<BlockMemo, number>>;
  holders: Map<string, Map<BlockMemo, number>>;
}

function newIndex(): Index {
  return { counts: new Map(), repeated: new Map(), holders: new Map() };
}

function apply(index: Index, memo: BlockMemo, times: number): void {
  for (const [key, n] of blockKeys(memo)) {
    const count = (index.counts.get(key) ?? 0) + n * times;
    if (count > 0) index.counts.set(key, count);
    else index.counts.delete(key);
    let holders = index.holders.get(key);
    if (!holders) index.holders.set(key, (holders = new Map()));
    const held = (holders.get(memo) ?? 0) + times;
    if (held > 0) holders.set(memo, held);
    else holders.delete(memo);
    if (!holders.size) index.holders.delete(key);
    if (count >= 2) index.repeated.set(key, holders);
    else index.repeated.delete(key);
  }
}

/**
 * The sentences that can be reported or repeated, in text order: with the index, only those whose
 * key occurs twice or more (the others never yield a finding nor change what another key yields).
 */
function candidates(ctx: RuleContext, prose: ProseModel): Sentence[] {
  if (!prose.blocks) return prose.sentences;
  const index = syncIndex<Index>(ctx.doc.uri, ID, prose.blocks, newIndex, apply);
  if (!index.repeated.size) return [];
  const memos = new Set<BlockMemo>();
  for (const holders of index.repeated.values()) for (const memo of holders.keys()) memos.add(memo);
  const out: Sentence[] = [];
  const doc = ctx.doc;
  for (const b of prose.blocks) {
    if (!memos.has(b.memo)) continue;
    const firstLine = doc.lines.lineAt(b.span.start);
    for (const s of b.memo.sentences!) {
      if (index.repeated.has(s.key)) out.push({ span: { start: s.span.start + b.span.start, end: s.span.end + b.span.start }, words: s.words, key: s.key, line: s.line + firstLine });
    }
  }
  return out;
}

export const rule: LintRule = {
  id: ID,
  description: 'The same instruction sentence or bullet appears twice.',
  defaultLevel: 'warning',
  category: 'clarity',
  checksPartials: true,
  fixable: true,
  patterns: [LIST_MARKER],
  // On a large document seen for the first time, most of the work is what each block's sentences
  // give the rule (memoised per block): it is done first, pausing between blocks.
  *checkSteps(ctx) {
    const prose = ctx.doc.notice ? undefined : ctx.prose();
    if (prose?.blocks) {
      yield* warmBlocks(prose, blockKeys, ID);
      yield* syncIndexSteps<Index>(ctx.doc.uri, ID, prose.blocks, newIndex, apply);
    }
    return rule.check!(ctx);
  },
  check(ctx) {
    const doc = ctx.doc;
    if (doc.notice) return [];
    const prose = ctx.prose();
    const firstOf = new Map<string, { span: Span; line: number }[]>();
    const out: Finding[] = [];
    let more = 0;
    for (const s of candidates(ctx, prose)) {
      if (!ctx.memo(s.key, longEnough) || prose.inLoop(s.span.start)) continue;
      const earlier = firstOf.get(s.key);
      const same = earlier?.find((e) => !prose.exclusive(e.span.start, s.span.start));
      if (same && out.length >= MAX_FINDINGS) more++;
      else if (same) {
        out.push({
          message: `This instruction repeats line ${same.line + 1}: "${clip(doc.text.slice(s.span.start, s.span.end))}". Say it once: the copy costs tokens on every run, and two copies drift apart when one is edited.`,
          span: s.span,
          data: { firstLine: same.line + 1, wholeLine: wholeLine(doc, s.span) },
        });
      }
      const list = earlier ?? [];
      if (list.length < KEEP) list.push({ span: s.span, line: s.line });
      firstOf.set(s.key, list);
    }
    if (more) {
      const last = out[out.length - 1];
      out.push({
        message: `${more} more repeated instruction${more === 1 ? '' : 's'} in this document after this one (only the first ${MAX_FINDINGS} are reported).`,
        span: last.span,
        data: { more },
      });
    }
    return out;
  },
  fixes(ctx, diagnostic) {
    const doc = ctx.doc;
    if ((diagnostic.data as { more?: number } | undefined)?.more) return [];
    const span = { start: doc.lines.offsetAt(diagnostic.range.start), end: doc.lines.offsetAt(diagnostic.range.end) };
    if (wholeLine(doc, span)) return [quickFix('Remove the duplicate line', diagnostic, doc.uri, [removeLinesEdit(doc, span)], true)];
    // A sentence inside a line: remove it and the blanks after it.
    let end = span.end;
    while (end < doc.text.length && (doc.text[end] === ' ' || doc.text[end] === '\t')) end++;
    return [quickFix('Remove the duplicate sentence', diagnostic, doc.uri, [{ range: doc.lines.range(span.start, end), newText: '' }], true)];
  },
};
