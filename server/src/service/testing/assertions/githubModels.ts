// The evaluators of GitHub Models prompt files, with `gh models eval`'s semantics:
// - `string`: `equals` compares exactly; `contains`, `startsWith`, `endsWith` ignore case; the
//   text is first templated with the row's values; the first of equals / contains / startsWith /
//   endsWith that is set is the one checked; score 1 or 0.
// - `llm` and the built-in `uses: github/...`: the judge prompt templated with the row's values
//   plus `completion` (the answer), sent as a user message after the optional system prompt (not
//   templated) to the judge model; the judge's answer, trimmed and lower-cased, is matched against
//   the choices in order (the first choice it contains wins); the score is that choice's score,
//   and the evaluator passes when the score is above 0. No choice found: score 0, failed.
// The answer itself is trimmed first, as `gh models` trims the model's reply.
import { substitutePlaceholders } from '../../placeholders';
import type { FixtureAssertion } from '../fixtures';
import { ProviderError } from '../providers/types';
import { BUILTIN_JUDGES } from './githubModelsJudges';
import type { AssertionContext, Check } from './types';

export const STRING_CHECKS = ['equals', 'contains', 'startsWith', 'endsWith'] as const;

export interface GitHubStringSpec {
  equals?: string;
  contains?: string;
  startsWith?: string;
  endsWith?: string;
}

export interface GitHubJudgeSpec {
  modelId?: string;
  prompt?: string;
  systemPrompt?: string;
  choices?: { choice?: unknown; score?: unknown }[];
}

export function githubString(a: FixtureAssertion, ctx: AssertionContext): Check {
  const spec = (a.value ?? {}) as Record<string, unknown>;
  // A number or boolean is read as its text, as `gh models`' YAML reader fills a text field.
  const text = (k: (typeof STRING_CHECKS)[number]) => (typeof spec[k] === 'string' ? (spec[k] as string) : typeof spec[k] === 'number' || typeof spec[k] === 'boolean' ? String(spec[k]) : '');
  const which = STRING_CHECKS.find((k) => text(k) !== '');
  if (!which) return { pass: false, error: true, reason: 'This `string` evaluator has no `equals`, `contains`, `startsWith` or `endsWith`.' };
  const expected = substitutePlaceholders(text(which), ctx.vars);
  const output = ctx.output.trim();
  const lower = output.toLowerCase();
  const e = expected.toLowerCase();
  const pass = which === 'equals' ? output === expected : which === 'contains' ? lower.includes(e) : which === 'startsWith' ? lower.startsWith(e) : lower.endsWith(e);
  const verb = { equals: 'is exactly', contains: 'contains', startsWith: 'starts with', endsWith: 'ends with' }[which];
  return {
    pass,
    reason: `The answer ${pass ? '' : 'does not '}${pass ? verb : verb.replace(/^is exactly$/, 'equal').replace(/^contains$/, 'contain').replace(/^starts with$/, 'start with').replace(/^ends with$/, 'end with')} "${expected}"${which === 'equals' ? '' : ' (ignoring case)'}.`,
    expected: which === 'equals' ? expected : `${which}: ${expected}`,
    actual: output,
  };
}

/** The judge of an `llm` evaluator, or of a built-in one (`github/similarity`, ...). */
export function judgeSpec(a: FixtureAssertion): GitHubJudgeSpec | undefined {
  if (a.base === 'gh-llm') return (a.value ?? {}) as GitHubJudgeSpec;
  // Only `github/<name>`, as `gh models` looks them up; `uses: similarity` is no built-in there.
  const m = /^github\/(.+)$/.exec(String(a.value ?? ''));
  return m && Object.hasOwn(BUILTIN_JUDGES, m[1]) ? BUILTIN_JUDGES[m[1]] : undefined;
}

export async function githubJudge(a: FixtureAssertion, ctx: AssertionContext): Promise<Check> {
  const spec = judgeSpec(a);
  if (!spec) return { pass: false, score: 0, reason: `Evaluator \`${String(a.value)}\` not found: the built-in evaluators are ${Object.keys(BUILTIN_JUDGES).map((n) => `github/${n}`).join(', ')}.` };
  if (!ctx.judge) return { pass: false, error: true, reason: 'No judge model is available for this evaluator.' };
  if (typeof spec.prompt !== 'string' || !Array.isArray(spec.choices)) return { pass: false, error: true, reason: 'This `llm` evaluator needs a `prompt` and `choices`.' };
  const output = ctx.output.trim();
  const prompt = substitutePlaceholders(spec.prompt, { ...ctx.vars, completion: output });
  const messages = [...(spec.systemPrompt ? [{ role: 'system', text: spec.systemPrompt }] : []), { role: 'user', text: prompt }];
  let reply;
  try {
    // Only the model and the messages, as `gh models` asks its judge (no temperature).
    reply = await ctx.judge({ messages, provider: a.provider, model: spec.modelId ?? a.model, parameters: {}, signal: ctx.signal });
  } catch (e) {
    if (e instanceof ProviderError && e.kind === 'cancelled') throw e;
    return { pass: false, error: true, reason: `The judge could not be asked: ${(e as Error).message}` };
  }
  const answer = reply.output.trim().toLowerCase();
  for (const c of spec.choices) {
    const choice = String(c?.choice ?? '');
    if (!answer.includes(choice.toLowerCase())) continue;
    const score = typeof c.score === 'number' ? c.score : Number(c.score) || 0;
    return {
      pass: score > 0,
      // The choice's own score, as `gh models` reports it (the built-in judges score 0 to 1).
      score,
      reason: `The judge${reply.model ? ` (${reply.model})` : ''} answered "${choice}": score ${score}${score > 0 ? '' : ' (an evaluator passes above 0)'}.`,
      reasoning: reply.output.slice(0, 2000),
      expected: `a choice scored above 0 (${spec.choices.map((x) => `${String(x?.choice)}: ${String(x?.score)}`).join(', ')})`,
      actual: output,
    };
  }
  return { pass: false, score: 0, reason: `The judge's answer matched none of the choices (${spec.choices.map((x) => `"${String(x?.choice)}"`).join(', ')}).`, reasoning: reply.output.slice(0, 2000), actual: output };
}
