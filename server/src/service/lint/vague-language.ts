// vague-language: weasel words in instructions ("maybe", "try to", "some", "etc.") that leave the
// model to guess what is wanted. Only instruction text is checked: not examples, documents, fences
// or quoted data. Quantity words ("some", "a few", ...) only in sentences that give a directive.
import { z } from 'zod';
import type { Sentence } from './prose';
import type { Finding, LintRule } from './types';

const Options = z.strictObject({
  /** Words or phrases not to report (case-insensitive). */
  allow: z.array(z.string()).default([]),
});
type Options = z.infer<typeof Options>;

const ADVICE: Record<string, string> = {
  hedge: 'say whether to do it, and when',
  effort: 'say what to do: "Try to be brief" becomes "Answer in at most three sentences"',
  quantity: 'give a number, or name the items',
  etc: 'list every case, or name the category the examples belong to',
  condition: 'say when: name the condition',
  degree: 'say how much, with a measure the model can check',
  stuff: 'name what you mean',
};

const PHRASES: [RegExp, keyof typeof ADVICE][] = [
  [/\b(?:maybe|perhaps|possibly|might want to)\b/gi, 'hedge'],
  [/\b(?:try to|try and|attempt to|do your best to|aim to)\b/gi, 'effort'],
  [/\b(?:some|several|a few|various|a number of)\b/gi, 'quantity'],
  [/\betc\b\.?|\band so (?:on|forth)\b/gi, 'etc'],
  [/\b(?:if possible|where possible|whenever possible|as needed|as necessary|as appropriate|where appropriate|when appropriate|if appropriate|if necessary|if needed|if relevant|where relevant|when relevant)\b/gi, 'condition'],
  [/\b(?:somewhat|fairly|kind of|sort of|a bit|a little|reasonably|relatively)\b/gi, 'degree'],
  [/\b(?:stuff|things like|and the like)\b/gi, 'stuff'],
];
// A directive: starts with a verb of instruction or speaks to the model.
const DIRECTIVE = /^(?:please |always |never |do not |don't )?(?:use|include|mention|add|write|answer|respond|reply|list|give|provide|ask|explain|summari[sz]e|return|show|suggest|offer|keep|make|describe|check|cite|quote|extract|classify|translate|rewrite|review)\b|\b(?:you|your|should|must|need to)\b/i;

// "this kind of work", "the sort of change": a noun after a determiner, not the hedge "kind of long".
const DETERMINER_BEFORE = /\b(?:the|this|that|these|those|what|which|any|each|every|a|an|one|same|other|no|its|their|our|your)\s+$/i;
// "Do not attempt to guess", "never try to", "**never** try to" (the negation emphasised): the
// effort word is negated, so nothing is left to guess.
const NEGATION_BEFORE = /(?<![a-z])(?:not|never|n't)[*_]{0,3}\s+[*_]{0,3}$/i;

export const PATTERNS = [...PHRASES.map(([re]) => re), DIRECTIVE, DETERMINER_BEFORE, NEGATION_BEFORE];

const MAX_FINDINGS = 200;

function allowed(options: Options): Set<string> {
  return new Set(options.allow.map((a) => a.toLowerCase().trim()));
}

/** Findings in sentence order, then phrase order, stopping at `cap`. */
function findIn(sentences: readonly Sentence[], allow: Set<string>, cap: number): Finding[] {
  const out: Finding[] = [];
  for (const s of sentences) {
    const directive = DIRECTIVE.test(s.words);
    for (const [re, kind] of PHRASES) {
      if (kind === 'quantity' && !directive) continue;
      re.lastIndex = 0;
      for (let m = re.exec(s.words); m; m = re.exec(s.words)) {
        const word = m[0];
        if (allow.has(word.toLowerCase().replace(/\.$/, ''))) continue;
        const before = s.words.slice(Math.max(0, m.index - 12), m.index);
        if (kind === 'degree' && /^(?:kind|sort) of$/i.test(word) && DETERMINER_BEFORE.test(before)) continue;
        if (kind === 'effort' && NEGATION_BEFORE.test(before)) continue;
        out.push({
          message: `Vague: "${word}" leaves the model to guess; ${ADVICE[kind]}.`,
          span: { start: s.span.start + m.index, end: s.span.start + m.index + word.length },
          data: { word },
        });
        if (out.length >= cap) return out;
      }
    }
  }
  return out;
}

export const rule: LintRule<Options> = {
  id: 'vague-language',
  description: 'Weasel words in instructions ("maybe", "try to", "some", "etc.") that leave the model to guess.',
  defaultLevel: 'info',
  category: 'clarity',
  checksPartials: true,
  options: Options,
  patterns: PATTERNS,
  check(ctx) {
    if (ctx.doc.notice) return [];
    if (ctx.block) return findIn(ctx.prose().sentencesIn(ctx.block), allowed(ctx.options), Infinity);
    const out = findIn(ctx.prose().sentences, allowed(ctx.options), MAX_FINDINGS);
    return out.length >= MAX_FINDINGS ? out : out.sort((a, b) => a.span.start - b.span.start);
  },
  blocks: {
    // The whole-document check stops at the cap without sorting: the first findings in text order.
    finish: (_ctx, found) => (found.length >= MAX_FINDINGS ? found.slice(0, MAX_FINDINGS) : found.sort((a, b) => a.span.start - b.span.start)),
  },
};
