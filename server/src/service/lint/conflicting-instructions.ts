// conflicting-instructions: opposite directives in one prompt, found by a heuristic that favours
// precision: "be concise" against "in detail", and the same action required and forbidden ("Always
// cite the source" / "Never cite the source"). Sentences with a condition (if, when, unless, ...),
// sentences in data (examples, documents), and branches of one {{#if}}/{{else}} are not compared.
import { derived, syncIndex, syncIndexSteps, warmBlocks, type BlockMemo } from './blocks';
import type { ProseModel, Sentence } from './prose';
import { clip } from './util';
import type { Finding, LintRule, RuleContext } from './types';

const BRIEF =
  /\b(?:be (?:very |extremely |really )?(?:concise|brief|succinct|terse)|keep (?:it|(?:your |the |each )?(?:answer|answers|response|responses|reply|replies|summary|output|message))(?: very)? (?:short|brief|concise)|(?:answer|respond|reply|write) (?:briefly|concisely|succinctly|tersely)|(?:short|brief|concise|terse) (?:answer|answers|response|responses|reply|replies))\b/i;
const DETAILED =
  /\b(?:in (?:great |full |as much |exhaustive )?detail|be (?:very )?(?:detailed|thorough|comprehensive|exhaustive|verbose)|(?:detailed|thorough|comprehensive|exhaustive|long|lengthy|verbose) (?:answer|answers|response|responses|explanation|explanations|reply|replies)|at (?:great )?length)\b/i;
// Sentences that say when they apply are scoped, not contradictory.
const CONDITION = /\b(?:if|when|whenever|unless|except|only|otherwise|but|however|instead|while|for (?:each|every|the)|in (?:the|each|every|your) (?!detail)\w+)\b/i;
const NEGATED_BEFORE = /\b(?:not|never|don't|no|avoid)\b[^.]{0,20}$/i;
// "Always X" / "X." (imperative) against "Never X" / "Do not X".
const DIRECTIVE = /^(?:(?:you )?(?:always|must|should) |please )?(never |not |do not |don't |must not |mustn't |should not |shouldn't |you must not |you should never |you must never )?([a-z]+)\b(.*)$/i;
const IMPERATIVES = new Set(
  'use include mention add write answer respond reply start begin end finish return cite quote list explain ask translate keep format provide give show reveal repeat output summarise summarize call apologise apologize refer greet sign address offer suggest recommend share disclose invent guess assume make put follow stay switch speak copy link number mark label'.split(' '),
);
const STOPWORDS = new Set('the a an your you to of for with any all every each this that these those it its their our my in on at by as be is are'.split(' '));

export const PATTERNS = [BRIEF, DETAILED, CONDITION, NEGATED_BEFORE, DIRECTIVE];

interface Directive {
  sentence: Sentence;
  negative: boolean;
  key: string;
}

function directiveOf(words: string): Omit<Directive, 'sentence'> | undefined {
  const m = DIRECTIVE.exec(words.replace(/\s+/g, ' ').trim());
  if (!m) return undefined;
  const verb = m[2].toLowerCase();
  if (!IMPERATIVES.has(verb)) return undefined;
  const clause = m[3].split(/[,;:.!?]| and | or | but /)[0];
  const content = clause
    .toLowerCase()
    .split(/[^a-z0-9']+/)
    .filter((w) => w && !STOPWORDS.has(w));
  if (!content.length) return undefined;
  return { negative: !!m[1], key: `${verb} ${[...new Set(content)].sort().join(' ')}` };
}

/** What a sentence says, from its words alone (remembered per sentence between versions). */
export interface Kind {
  /** Unconditional and not too long: compared at all. */
  usable: boolean;
  brief: boolean;
  detailed: boolean;
  directive?: Omit<Directive, 'sentence'>;
}

export function kindOf(words: string): Kind {
  if (CONDITION.test(words) || words.length >= 400) return { usable: false, brief: false, detailed: false };
  const b = BRIEF.exec(words);
  const d = DETAILED.exec(words);
  const both = !!b && !!d; // both in one sentence: a deliberate contrast
  return {
    usable: true,
    brief: !both && !!b && !NEGATED_BEFORE.test(words.slice(0, b.index)),
    detailed: !both && !!d && !NEGATED_BEFORE.test(words.slice(0, d.index)),
    directive: directiveOf(words),
  };
}

const ID = 'conflicting-instructions';

/** Per block: its sentences that take part in a comparison (usable, and brief, detailed or a directive), by index. */
function blockKinds(memo: BlockMemo): [number, Kind][] {
  return derived(memo, ID, () => {
    const out: [number, Kind][] = [];
    memo.sentences!.forEach((s, i) => {
      const k = kindOf(s.words);
      if (k.usable && (k.brief || k.detailed || k.directive)) out.push([i, k]);
    });
    return out;
  });
}

/** Over the blocks of the current version: which blocks hold brief or detailed sentences, and the directives by key and polarity. */
interface Index {
  length: Map<BlockMemo, number>;
  directives: Map<string, { negative: number; positive: number; holders: Map<BlockMemo, number> }>;
}

function newIndex(): Index {
  return { length: new Map(), directives: new Map() };
}

function apply(index: Index, memo: BlockMemo, times: number): void {
  let length = false;
  for (const [, k] of blockKinds(memo)) {
    if (k.brief || k.detailed) length = true;
    if (!k.directive) continue;
    let d = index.directives.get(k.directive.key);
    if (!d) index.directives.set(k.directive.key, (d = { negative: 0, positive: 0, holders: new Map() }));
    if (k.directive.negative) d.negative += times;
    else d.positive += times;
    const held = (d.holders.get(memo) ?? 0) + times;
    if (held > 0) d.holders.set(memo, held);
    else d.holders.delete(memo);
    if (!d.holders.size) index.directives.delete(k.directive.key);
  }
  if (length) {
    const held = (index.length.get(memo) ?? 0) + times;
    if (held > 0) index.length.set(memo, held);
    else index.length.delete(memo);
  }
}

/**
 * The usable sentences that can take part in a finding, with their kinds, in text order: with the
 * index, the brief and detailed ones when both kinds occur, and the directives whose key occurs
 * both required and forbidden. The others never yield a finding nor change what another yields.
 */
function candidates(ctx: RuleContext, prose: ProseModel): Map<Sentence, Kind> {
  const kinds = new Map<Sentence, Kind>();
  if (!prose.blocks) {
    for (const s of prose.sentences) {
      const k = ctx.memo(s.words, kindOf);
      if (k.usable) kinds.set(s, k);
    }
    return kinds;
  }
  const index = syncIndex<Index>(ctx.doc.uri, ID, prose.blocks, newIndex, apply);
  let brief = false;
  let detailed = false;
  for (const memo of index.length.keys()) {
    for (const [, k] of blockKinds(memo)) {
      brief ||= k.brief;
      detailed ||= k.detailed;
    }
    if (brief && detailed) break;
  }
  const lengths = brief && detailed;
  const conflicting = new Set<string>();
  const memos = new Set<BlockMemo>(lengths ? index.length.keys() : []);
  for (const [key, d] of index.directives) {
    if (d.negative <= 0 || d.positive <= 0) continue;
    conflicting.add(key);
    for (const memo of d.holders.keys()) memos.add(memo);
  }
  if (!memos.size) return kinds;
  const doc = ctx.doc;
  for (const b of prose.blocks) {
    if (!memos.has(b.memo)) continue;
    const firstLine = doc.lines.lineAt(b.span.start);
    for (const [i, k] of blockKinds(b.memo)) {
      if (!(lengths && (k.brief || k.detailed)) && !(k.directive && conflicting.has(k.directive.key))) continue;
      const s = b.memo.sentences![i];
      kinds.set({ span: { start: s.span.start + b.span.start, end: s.span.end + b.span.start }, words: s.words, key: s.key, line: s.line + firstLine }, k);
    }
  }
  return kinds;
}

function line(s: Sentence): number {
  return s.line + 1;
}

export const rule: LintRule = {
  id: ID,
  description: 'Opposite directives in one prompt ("be concise" / "in detail", "always X" / "never X"). A heuristic.',
  defaultLevel: 'info',
  category: 'clarity',
  checksPartials: true,
  patterns: PATTERNS,
  // On a large document seen for the first time, most of the work is what each block's sentences
  // give the rule (memoised per block): it is done first, pausing between blocks.
  *checkSteps(ctx) {
    const prose = ctx.doc.notice ? undefined : ctx.prose();
    if (prose?.blocks) {
      yield* warmBlocks(prose, blockKinds, ID);
      yield* syncIndexSteps<Index>(ctx.doc.uri, ID, prose.blocks, newIndex, apply);
    }
    return rule.check!(ctx);
  },
  check(ctx) {
    const doc = ctx.doc;
    if (doc.notice) return [];
    const prose = ctx.prose();
    const out: Finding[] = [];
    const kinds = candidates(ctx, prose);
    const usable = [...kinds.keys()];
    const compatible = (a: Sentence, b: Sentence) => !prose.exclusive(a.span.start, b.span.start) && !prose.inLoop(a.span.start) && !prose.inLoop(b.span.start);

    // Length: concise against detailed.
    const brief: Sentence[] = [];
    const detailed: Sentence[] = [];
    for (const s of usable) {
      const k = kinds.get(s)!;
      if (k.brief) brief.push(s);
      if (k.detailed) detailed.push(s);
    }
    if (brief.length && detailed.length) {
      const all = [...brief, ...detailed].sort((a, b) => a.span.start - b.span.start);
      const first = all[0];
      const firstIsBrief = brief.includes(first);
      const other = (firstIsBrief ? detailed : brief).find((s) => compatible(first, s));
      if (other) {
        out.push({
          message: `"${clip(other.words)}" contradicts "${clip(first.words)}" (line ${line(first)}): one asks for a ${firstIsBrief ? 'detailed' : 'short'} answer, the other for a ${firstIsBrief ? 'short' : 'detailed'} one. Keep one, or say when each applies. (A heuristic: if both are meant, make the scope explicit.)`,
          span: other.span,
          data: { otherLine: line(first) },
        });
      }
    }

    // The same action required and forbidden.
    // Per key, the earlier directives of each polarity apart: a directive repeated many times is
    // compared with the opposite ones only (comparing it with every copy of itself was quadratic).
    const seen = new Map<string, { negative: Directive[]; positive: Directive[] }>();
    for (const s of usable) {
      const kind = kinds.get(s)!.directive;
      if (!kind) continue;
      const d: Directive = { ...kind, sentence: s };
      let lists = seen.get(d.key);
      if (!lists) seen.set(d.key, (lists = { negative: [], positive: [] }));
      // A directive inside a loop is compatible with none: it is neither compared nor kept.
      if (prose.inLoop(s.span.start)) continue;
      const opposite = (d.negative ? lists.positive : lists.negative).find((x) => compatible(x.sentence, s));
      if (opposite) {
        out.push({
          message: `"${clip(s.words)}" contradicts "${clip(opposite.sentence.words)}" (line ${line(opposite.sentence)}): the same action is ${d.negative ? 'forbidden here and required there' : 'required here and forbidden there'}. Keep one, or say when each applies. (A heuristic.)`,
          span: s.span,
          data: { otherLine: line(opposite.sentence) },
        });
      }
      (d.negative ? lists.negative : lists.positive).push(d);
    }
    return out.sort((a, b) => a.span.start - b.span.start);
  },
};
