// Checks on the call rather than the text: max-tokens, latency, cost.
import type { FixtureAssertion } from '../fixtures';
import type { AssertionContext, Check } from './types';

export function maxTokens(a: FixtureAssertion, ctx: AssertionContext): Check {
  const limit = a.value as number;
  const reported = ctx.usage?.outputTokens;
  const tokens = reported ?? ctx.countTokens(ctx.output);
  const how = reported !== undefined ? 'as the provider reports' : 'counted with the model\'s tokenizer';
  return { pass: tokens <= limit, reason: `The output has ${tokens} tokens (${how}); the limit is ${limit}.`, expected: `at most ${limit} tokens`, actual: `${tokens} tokens` };
}

export function latency(a: FixtureAssertion, ctx: AssertionContext): Check {
  const limit = a.value as number;
  const ms = Math.round(ctx.latencyMs);
  return { pass: ctx.latencyMs <= limit, reason: `The call took ${ms} ms; the limit is ${limit} ms.`, expected: `at most ${limit} ms`, actual: `${ms} ms` };
}

export function cost(a: FixtureAssertion, ctx: AssertionContext): Check {
  const limit = a.value as number;
  if (ctx.cost === undefined) return { pass: false, error: true, reason: `The cost is unknown: ${ctx.costNote ?? 'the model has no price in the catalogue'}. Add its prices in the setting promptWorkbench.models.` };
  return { pass: ctx.cost <= limit, reason: `The call cost $${ctx.cost.toPrecision(3)}; the limit is $${limit}.`, expected: `at most $${limit}`, actual: `$${ctx.cost.toPrecision(3)}` };
}
