// How close the output is to an expected text: `levenshtein` (edit distance, with fastest-levenshtein)
// and `similar` (cosine similarity of embeddings from the provider's embeddings endpoint).
import { distance } from 'fastest-levenshtein';
import { THRESHOLD_DEFAULTS, type FixtureAssertion } from '../fixtures';
import { ProviderError } from '../providers/types';
import { quote } from './text';
import type { AssertionContext, Check } from './types';

/** Passes when at most `threshold` single-character edits (default 5) turn the output into `value`. */
export function levenshtein(a: FixtureAssertion, ctx: AssertionContext): Check {
  const expected = a.value as string;
  const limit = a.threshold ?? THRESHOLD_DEFAULTS.levenshtein!;
  const d = distance(ctx.output, expected);
  const pass = d <= limit;
  return {
    pass,
    reason: `The output is ${d} edit${d === 1 ? '' : 's'} away from ${quote(expected)}; the most that passes is ${limit}.`,
    expected: `at most ${limit} edits from ${quote(expected, 400)}`,
    actual: ctx.output,
  };
}

/** Cosine similarity of two vectors; 0 when either is all zeros or their lengths differ. */
export function cosineSimilarity(x: readonly number[], y: readonly number[]): number {
  if (x.length !== y.length || !x.length) return 0;
  let dot = 0;
  let nx = 0;
  let ny = 0;
  for (let i = 0; i < x.length; i++) {
    dot += x[i] * y[i];
    nx += x[i] * x[i];
    ny += y[i] * y[i];
  }
  return nx && ny ? dot / Math.sqrt(nx * ny) : 0;
}

/**
 * Embeds the output and the expected text(s) in one call and compares them: passes when the
 * cosine similarity to any expected text reaches `threshold` (default 0.75). The score is the
 * best similarity.
 */
export async function similar(a: FixtureAssertion, ctx: AssertionContext): Promise<Check> {
  if (!ctx.embed) return { pass: false, error: true, reason: 'No embedding model is available for `similar`.' };
  const expected = typeof a.value === 'string' ? [a.value] : (a.value as string[]);
  const threshold = a.threshold ?? THRESHOLD_DEFAULTS.similar!;
  let reply;
  try {
    reply = await ctx.embed({ texts: [ctx.output, ...expected], provider: a.provider, model: a.model, signal: ctx.signal });
  } catch (e) {
    if (e instanceof ProviderError && e.kind === 'cancelled') throw e;
    return { pass: false, error: true, reason: `The embeddings could not be fetched: ${(e as Error).message}` };
  }
  const [out, ...refs] = reply.vectors;
  if (refs.some((v) => v.length !== out.length)) return { pass: false, error: true, reason: `The embedding model (${reply.model}) returned vectors of different lengths.` };
  const sims = refs.map((v) => cosineSimilarity(out, v));
  let best = 0;
  for (let i = 1; i < sims.length; i++) if (sims[i] > sims[best]) best = i;
  const sim = sims[best];
  const pass = sim >= threshold;
  const target = expected.length > 1 ? `the closest of ${expected.length} expected texts, ${quote(expected[best])}` : quote(expected[0]);
  return {
    pass,
    score: Math.max(0, Math.min(1, sim)),
    reason: `The output's similarity to ${target} is ${sim.toFixed(3)} (${reply.provider} ${reply.model}); ${pass ? 'at least' : 'below'} the threshold ${threshold}.`,
    expected: `similarity ≥ ${threshold} to ${expected.map((e) => quote(e, 400)).join(' or ')}`,
    actual: ctx.output,
  };
}
