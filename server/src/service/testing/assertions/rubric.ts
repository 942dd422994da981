// `llm-rubric`: a judge model grades the output against a rubric and explains its grade. The judge
// is called through the same Provider interface as the model under test.
import type { FixtureAssertion } from '../fixtures';
import { ProviderError } from '../providers/types';
import { findJsonValues } from './json';
import type { AssertionContext, Check } from './types';

export const JUDGE_SYSTEM = [
  'You grade the output of an AI system against a rubric.',
  'Read the rubric and the output, then answer with one JSON object and nothing else:',
  '{"reason": "<one or two sentences on why>", "score": <a number from 0 to 1>, "pass": <true or false>}',
].join('\n');

export function judgeMessages(rubric: string, output: string) {
  return [
    { role: 'system', text: JUDGE_SYSTEM },
    { role: 'user', text: `<rubric>\n${rubric}\n</rubric>\n\n<output>\n${output}\n</output>` },
  ];
}

export async function llmRubric(a: FixtureAssertion, ctx: AssertionContext): Promise<Check> {
  if (!ctx.judge) return { pass: false, error: true, reason: 'No judge model is available for `llm-rubric`.' };
  let reply;
  try {
    reply = await ctx.judge({ messages: judgeMessages(a.value as string, ctx.output), provider: a.provider, model: a.model, signal: ctx.signal });
  } catch (e) {
    if (e instanceof ProviderError && e.kind === 'cancelled') throw e;
    return { pass: false, error: true, reason: `The judge could not be asked: ${(e as Error).message}` };
  }
  const verdict = findJsonValues(reply.output).find((v) => v && typeof v === 'object' && !Array.isArray(v)) as { reason?: unknown; score?: unknown; pass?: unknown } | undefined;
  if (!verdict) return { pass: false, error: true, reason: `The judge${reply.model ? ` (${reply.model})` : ''} did not answer with a JSON verdict.`, reasoning: reply.output.slice(0, 2000) };
  const score = typeof verdict.score === 'number' ? Math.max(0, Math.min(1, verdict.score)) : verdict.pass === true ? 1 : 0;
  const pass = a.threshold !== undefined ? score >= a.threshold : typeof verdict.pass === 'boolean' ? verdict.pass : score >= 0.5;
  const reasoning = typeof verdict.reason === 'string' ? verdict.reason : JSON.stringify(verdict);
  return {
    pass,
    score,
    reason: `The judge${reply.model ? ` (${reply.model})` : ''} gave ${score.toFixed(2)}${a.threshold !== undefined ? ` (passing from ${a.threshold})` : ''}: ${reasoning}`,
    reasoning,
    expected: `rubric: ${String(a.value)}`,
    actual: ctx.output,
  };
}
