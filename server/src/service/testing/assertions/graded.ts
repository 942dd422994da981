// Judge-model checks with fixed questions: `factuality` (does the output agree with a reference
// answer? OpenAI evals' five categories A to E) and `model-graded-closedqa` (does the output meet a
// criterion? yes or no, after reasoning). The prompts are written here from those definitions; the
// judge is called like `llm-rubric`'s, through the run's providers, at temperature 0.
import type { FixtureAssertion } from '../fixtures';
import { ProviderError, type ChatMessage, type ModelReply } from '../providers/types';
import { findJsonValues } from './json';
import type { AssertionContext, Check } from './types';

/** The question the output answers: the rendered prompt's user turns (else all of it). */
export function questionOf(messages: readonly ChatMessage[] | undefined): string {
  const all = messages ?? [];
  const user = all.filter((m) => m.role === 'user');
  return (user.length ? user : all).map((m) => m.text.trim()).filter(Boolean).join('\n\n');
}

export const FACTUALITY_SYSTEM = [
  'You check whether an answer agrees in substance with a reference answer written by an expert.',
  'Consider only the facts: ignore wording, style, grammar and punctuation.',
  'Put the answer in exactly one of these categories:',
  '(A) Every fact in the answer is also in the reference, which says more: the answer is a consistent subset of it.',
  '(B) The answer has every fact of the reference and more, and does not contradict it: a consistent superset.',
  '(C) The answer and the reference state the same facts.',
  '(D) The answer contradicts the reference on at least one fact.',
  '(E) The two differ, but only in ways that do not change the facts.',
  'Reply with one JSON object and nothing else: {"reason": "<one or two sentences>", "choice": "<A, B, C, D or E>"}',
].join('\n');

export const CLOSEDQA_SYSTEM = [
  'You decide whether a submitted answer to a task meets a criterion.',
  'Think it through step by step first, then decide: "Y" if the answer meets the criterion, "N" if it does not.',
  'Reply with one JSON object and nothing else: {"reason": "<your reasoning, briefly>", "verdict": "<Y or N>"}',
].join('\n');

export function factualityMessages(question: string, reference: string, output: string): ChatMessage[] {
  return [
    { role: 'system', text: FACTUALITY_SYSTEM },
    { role: 'user', text: `<question>\n${question}\n</question>\n\n<reference>\n${reference}\n</reference>\n\n<answer>\n${output}\n</answer>` },
  ];
}

export function closedQaMessages(task: string, criterion: string, output: string): ChatMessage[] {
  return [
    { role: 'system', text: CLOSEDQA_SYSTEM },
    { role: 'user', text: `<task>\n${task}\n</task>\n\n<answer>\n${output}\n</answer>\n\n<criterion>\n${criterion}\n</criterion>` },
  ];
}

/** What the categories mean, and their score: agreeing categories pass, a contradiction fails. */
export const FACTUALITY_CATEGORIES: Record<string, { meaning: string; score: number }> = {
  A: { meaning: 'a consistent subset of the reference', score: 1 },
  B: { meaning: 'a consistent superset of the reference', score: 1 },
  C: { meaning: 'the same facts as the reference', score: 1 },
  D: { meaning: 'in disagreement with the reference', score: 0 },
  E: { meaning: 'different from the reference only in ways that do not affect the facts', score: 1 },
};

async function ask(a: FixtureAssertion, ctx: AssertionContext, messages: ChatMessage[]): Promise<{ reply: ModelReply } | { error: Check }> {
  if (!ctx.judge) return { error: { pass: false, error: true, reason: `No judge model is available for \`${a.base}\`.` } };
  try {
    return { reply: await ctx.judge({ messages, provider: a.provider, model: a.model, signal: ctx.signal }) };
  } catch (e) {
    if (e instanceof ProviderError && e.kind === 'cancelled') throw e;
    return { error: { pass: false, error: true, reason: `The judge could not be asked: ${(e as Error).message}` } };
  }
}

/** The judge's JSON object, else a bare letter on the last line. */
function verdictOf(output: string, key: 'choice' | 'verdict', letters: RegExp): { letter?: string; reason?: string } {
  const obj = findJsonValues(output).find((v) => v && typeof v === 'object' && !Array.isArray(v)) as Record<string, unknown> | undefined;
  const fromJson = typeof obj?.[key] === 'string' ? (obj[key] as string).trim().replace(/^\(|\)$/g, '').toUpperCase() : undefined;
  if (fromJson && letters.test(fromJson)) return { letter: fromJson, reason: typeof obj?.reason === 'string' ? obj.reason : undefined };
  const last = output.trim().split('\n').pop()?.trim().replace(/^\(|\)\.?$/g, '').toUpperCase();
  return last && letters.test(last) ? { letter: last, reason: output.trim().split('\n').slice(0, -1).join(' ').trim() || undefined } : {};
}

export async function factuality(a: FixtureAssertion, ctx: AssertionContext): Promise<Check> {
  const reference = a.value as string;
  const asked = await ask(a, ctx, factualityMessages(questionOf(ctx.messages), reference, ctx.output));
  if ('error' in asked) return asked.error;
  const { reply } = asked;
  const who = `The judge${reply.model ? ` (${reply.model})` : ''}`;
  const { letter, reason } = verdictOf(reply.output, 'choice', /^[A-E]$/);
  if (!letter) return { pass: false, error: true, reason: `${who} did not answer with a category A to E.`, reasoning: reply.output.slice(0, 2000) };
  const category = FACTUALITY_CATEGORIES[letter];
  const pass = a.threshold !== undefined ? category.score >= a.threshold : category.score > 0;
  return {
    pass,
    score: category.score,
    reason: `${who} chose (${letter}): the output is ${category.meaning}.${reason ? ` ${reason}` : ''}`,
    reasoning: reason,
    expected: `consistent with: ${reference}`,
    actual: ctx.output,
  };
}

export async function modelGradedClosedQa(a: FixtureAssertion, ctx: AssertionContext): Promise<Check> {
  const criterion = a.value as string;
  const asked = await ask(a, ctx, closedQaMessages(questionOf(ctx.messages), criterion, ctx.output));
  if ('error' in asked) return asked.error;
  const { reply } = asked;
  const who = `The judge${reply.model ? ` (${reply.model})` : ''}`;
  const { letter, reason } = verdictOf(reply.output, 'verdict', /^[YN]$/);
  if (!letter) return { pass: false, error: true, reason: `${who} did not answer Y or N.`, reasoning: reply.output.slice(0, 2000) };
  const pass = letter === 'Y';
  return { pass, reason: `${who} says the output ${pass ? 'meets' : 'does not meet'} the criterion.${reason ? ` ${reason}` : ''}`, reasoning: reason, expected: `meets: ${criterion}`, actual: ctx.output };
}
