// conflicting-instructions: opposite directives in one prompt, found by a heuristic that favours
// precision: "be concise" against "in detail", and the same action required and forbidden ("Always
// cite the source" / "Never cite the source"). Sentences with a condition (if, when, unless, ...),
// sentences in data (examples, documents), and branches of one {{#if}}/{{else}} are not compared.
import type { Sentence } from './prose';
import { clip } from './util';
import type { Finding, LintRule } from './types';

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
interface Kind {
  /** Unconditional and not too long: compared at all. */
  usable: boolean;
  brief: boolean;
  detailed: boolean;
  directive?: Omit<Directive, 'sentence'>;
}

function kindOf(words: string): Kind {
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

function line(s: Sentence): number {
  return s.line + 1;
}

export const rule: LintRule = {
  id: 'conflicting-instructions',
  description: 'Opposite directives in one prompt ("be concise" / "in detail", "always X" / "never X"). A heuristic.',
  defaultLevel: 'info',
  category: 'clarity',
  checksPartials: true,
  patterns: PATTERNS,
  check(ctx) {
    const doc = ctx.doc;
    if (doc.notice) return [];
    const prose = ctx.prose();
    const out: Finding[] = [];
    const kinds = new Map<Sentence, Kind>();
    for (const s of prose.sentences) {
      const k = ctx.memo(s.words, kindOf);
      if (k.usable) kinds.set(s, k);
    }
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
    const seen = new Map<string, Directive[]>();
    for (const s of usable) {
      const kind = kinds.get(s)!.directive;
      if (!kind) continue;
      const d: Directive = { ...kind, sentence: s };
      const list = seen.get(d.key) ?? [];
      const opposite = list.find((x) => x.negative !== d.negative && compatible(x.sentence, s));
      if (opposite) {
        out.push({
          message: `"${clip(s.words)}" contradicts "${clip(opposite.sentence.words)}" (line ${line(opposite.sentence)}): the same action is ${d.negative ? 'forbidden here and required there' : 'required here and forbidden there'}. Keep one, or say when each applies. (A heuristic.)`,
          span: s.span,
          data: { otherLine: line(opposite.sentence) },
        });
      }
      list.push(d);
      seen.set(d.key, list);
    }
    return out.sort((a, b) => a.span.start - b.span.start);
  },
};
