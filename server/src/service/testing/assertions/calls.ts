// Checks on the call's metadata: `finish-reason` (why the model stopped, in the common vocabulary of
// finishReason.ts), the tool-call checks (each call names a declared tool and its arguments match
// that tool's JSON Schema, with ajv), and `perplexity` / `perplexity-score` from the output tokens'
// log probabilities (exp of minus their mean), which only some APIs return.
import type { BaseAssertionType, FixtureAssertion } from '../fixtures';
import { normalizeFinishReason } from '../providers/finishReason';
import { PROVIDER_LABELS, type ToolCall, type ToolCallFormat } from '../providers/types';
import { describeSchemaErrors, validator } from './json';
import { quote } from './text';
import type { AssertionContext, Check } from './types';

function label(provider: string): string {
  return (PROVIDER_LABELS as Record<string, string>)[provider] ?? provider;
}

export function finishReason(a: FixtureAssertion, ctx: AssertionContext): Check {
  const want = (a.value as string).trim().toLowerCase();
  const common = normalizeFinishReason({ finishReason: ctx.finishReason, toolCalls: ctx.toolCalls as ToolCall[] | undefined });
  if (!common) return { pass: false, error: true, reason: `${label(ctx.provider)} reported no finish reason, so \`${a.type}\` cannot be checked.` };
  const raw = ctx.finishReason!.trim().toLowerCase();
  const pass = want === common || want === raw;
  const shown = raw === common ? `\`${common}\`` : `\`${common}\` (${label(ctx.provider)}: \`${ctx.finishReason}\`)`;
  return { pass, reason: `The model stopped with ${shown}${pass ? '' : `, not \`${want}\``}.`, expected: want, actual: common };
}

/** Which providers answer in which tool-call format. */
const FORMAT_OF: Record<string, ToolCallFormat> = { openai: 'openai', 'azure-openai': 'openai', github: 'openai', anthropic: 'anthropic', googleai: 'gemini', vertexai: 'gemini' };
const FORMAT_CHECK: Record<ToolCallFormat, BaseAssertionType> = { openai: 'is-valid-openai-tools-call', anthropic: 'is-valid-anthropic-tools-call', gemini: 'is-valid-gemini-tools-call' };
const FORMAT_NAME: Record<ToolCallFormat, string> = { openai: 'OpenAI `tool_calls`', anthropic: 'Anthropic `tool_use` blocks', gemini: 'Gemini `functionCall` parts' };

/**
 * `is-valid-openai-tools-call`, `is-valid-anthropic-tools-call`, `is-valid-gemini-tools-call`
 * (each for its API's format) and `is-valid-function-call` (any): the model called at least one
 * tool, and every call names a tool the fixture file declares, with arguments that match its
 * `parameters` schema. The score is the share of valid calls.
 */
export function toolsCall(a: FixtureAssertion, ctx: AssertionContext): Check {
  const format = (Object.entries(FORMAT_CHECK).find(([, t]) => t === a.base)?.[0] as ToolCallFormat | undefined) ?? undefined;
  const calls = ctx.toolCalls ?? [];
  const actualFormat = calls[0]?.format ?? FORMAT_OF[ctx.provider];
  if (format && actualFormat !== format) {
    const other = actualFormat ? FORMAT_CHECK[actualFormat] : undefined;
    return { pass: false, error: true, reason: `\`${a.base}\` checks ${FORMAT_NAME[format]}, but this case ran on ${label(ctx.provider)}${other ? `: use \`${other}\`, or \`is-valid-function-call\` for any provider` : ', which returns no tool calls'}.` };
  }
  const tools = ctx.tools ?? [];
  if (!tools.length) return { pass: false, error: true, reason: `\`${a.base}\` checks the calls against the declared tools, and none were sent: add \`tools:\` (name, description, parameters) to the fixture file.` };
  const expected = `calls of ${tools.map((t) => `\`${t.name}\``).join(', ')} with valid arguments`;
  if (!calls.length) return { pass: false, reason: `The model called no tool${ctx.output ? ` (it answered ${quote(ctx.output, 60)})` : ''}.`, expected, actual: ctx.output };
  const problems: string[] = [];
  for (const c of calls) {
    const tool = tools.find((t) => t.name === c.name);
    if (!tool) {
      problems.push(`\`${c.name}\` is not a declared tool (declared: ${tools.map((t) => `\`${t.name}\``).join(', ')})`);
      continue;
    }
    let args: unknown = c.arguments;
    if (typeof args === 'string') {
      try {
        args = args.trim() ? JSON.parse(args) : {};
      } catch (e) {
        problems.push(`the arguments of \`${c.name}\` are not valid JSON (${(e as Error).message})`);
        continue;
      }
    }
    if (!args || typeof args !== 'object' || Array.isArray(args)) {
      problems.push(`the arguments of \`${c.name}\` are not a JSON object`);
      continue;
    }
    let validate;
    try {
      validate = validator(tool.parameters);
    } catch (e) {
      return { pass: false, error: true, reason: `The parameters schema of the tool \`${tool.name}\` is invalid: ${(e as Error).message}.` };
    }
    if (!validate(args)) problems.push(`the arguments of \`${c.name}\` do not match its parameters: ${describeSchemaErrors(validate.errors)}`);
  }
  const valid = calls.length - problems.length;
  const names = calls.map((c) => `\`${c.name}\``).join(', ');
  const actual = JSON.stringify(calls.map((c) => ({ name: c.name, arguments: c.arguments })), null, 2);
  if (problems.length) return { pass: false, score: valid / calls.length, reason: `${valid} of ${calls.length} tool call${calls.length === 1 ? ' is' : 's are'} valid: ${problems.join('; ')}.`, expected, actual };
  return { pass: true, reason: `The model called ${names}, with arguments that match the declared parameters.`, expected, actual };
}

/** Perplexity of the output from its tokens' log probabilities: exp(-mean log probability). */
export function perplexityOf(logprobs: readonly number[]): number {
  const mean = logprobs.reduce((s, x) => s + x, 0) / logprobs.length;
  return Math.exp(-mean);
}

function noLogprobs(a: FixtureAssertion, ctx: AssertionContext): Check {
  const why = ctx.provider === 'anthropic' || ctx.provider === 'vscode-lm' || ctx.provider === 'render' ? `${label(ctx.provider)} returns no log probabilities` : `${label(ctx.provider)} returned no log probabilities for this answer (the request asked for them; the model or server may not support them)`;
  return { pass: false, error: true, reason: `\`${a.type}\` is not available here: ${why}. It needs OpenAI-compatible (\`logprobs\`) or Gemini (\`responseLogprobs\`) models.` };
}

/** Passes when the perplexity is at most `threshold` (1 or more; lower is a more confident model). */
export function perplexity(a: FixtureAssertion, ctx: AssertionContext): Check {
  if (!ctx.logprobs?.length) return noLogprobs(a, ctx);
  const ppl = perplexityOf(ctx.logprobs);
  const limit = a.threshold!;
  const pass = ppl <= limit;
  return { pass, reason: `The output's perplexity is ${ppl.toFixed(3)} over ${ctx.logprobs.length} tokens; the most that passes is ${limit}.`, expected: `perplexity ≤ ${limit}`, actual: ppl.toFixed(3) };
}

/** The score 1 / (1 + perplexity), from 0 to 1, higher is better; passes from `threshold` when given. */
export function perplexityScore(a: FixtureAssertion, ctx: AssertionContext): Check {
  if (!ctx.logprobs?.length) return noLogprobs(a, ctx);
  const ppl = perplexityOf(ctx.logprobs);
  const score = 1 / (1 + ppl);
  const pass = a.threshold === undefined || score >= a.threshold;
  return { pass, score, reason: `The output's perplexity score is ${score.toFixed(3)} (perplexity ${ppl.toFixed(3)} over ${ctx.logprobs.length} tokens)${a.threshold !== undefined ? `; passing from ${a.threshold}` : ''}.`, expected: a.threshold !== undefined ? `perplexity score ≥ ${a.threshold}` : undefined, actual: score.toFixed(3) };
}
