// `javascript`: a user's expression or function body of `output` and `context`, run in the QuickJS
// sandbox (sandbox.ts) under a time and a memory limit. The editor still runs it only in a trusted
// workspace, as it does everything that executes what a workspace contains.
import type { FixtureAssertion } from '../fixtures';
import { runInSandbox, SANDBOX_MEMORY_BYTES } from './sandbox';
import type { AssertionContext, Check } from './types';

export const DEFAULT_JAVASCRIPT_TIMEOUT_MS = 2000;
/** The reason shown when the project config turns `javascript` assertions off. */
export const JAVASCRIPT_OFF_BY_CONFIG = '`testing.javascript: false` in the project config';

// The outer function parses the input inside the sandbox; the user's code gets its own function
// scope with `output` and `context` only, in strict mode, as before.
const wrap = (body: string) => `'use strict';\n(function (__input) {\nconst __args = JSON.parse(__input);\nreturn (function (output, context) {\n${body}\n}).call(undefined, __args[0], __args[1]);\n})`;

export async function javascript(a: FixtureAssertion, ctx: AssertionContext): Promise<Check> {
  if (ctx.javascriptOff) return { pass: false, skipped: true, reason: `Not run: \`javascript\` assertions are off in this run (${ctx.javascriptOff}).` };
  if (!ctx.trusted) return { pass: false, error: true, reason: 'Not run: `javascript` assertions run only in a trusted workspace (Workspace Trust), because the code comes from the workspace.' };
  const code = a.value as string;
  const context = { vars: ctx.vars, usage: ctx.usage ?? null, latencyMs: ctx.latencyMs, model: ctx.model ?? null, provider: ctx.provider, cost: ctx.cost ?? null };
  const input = JSON.stringify([ctx.output, context]);
  const timeout = ctx.javascriptTimeoutMs ?? DEFAULT_JAVASCRIPT_TIMEOUT_MS;
  // An expression (`output.includes("x")`) first, then a function body with `return`.
  const outcome = await runInSandbox([wrap(`return (${code.trim().replace(/;+\s*$/, '')}\n);`), wrap(code)], input, { timeoutMs: timeout });
  switch (outcome.kind) {
    case 'syntax':
      return { pass: false, error: true, reason: `The code does not compile: ${outcome.message}.` };
    case 'threw':
      return { pass: false, error: true, reason: `The code threw: ${outcome.message}.` };
    case 'timeout':
      return { pass: false, error: true, reason: `The code ran longer than ${timeout} ms and was stopped.` };
    case 'memory':
      return { pass: false, error: true, reason: `The code used more than ${SANDBOX_MEMORY_BYTES / (1024 * 1024)} MB of memory and was stopped.` };
    case 'unsettled':
      return { pass: false, error: true, reason: 'The code returned a Promise that never settled (the sandbox has no timers or I/O, so nothing else could settle it).' };
  }
  const result: unknown = outcome.json === undefined ? undefined : JSON.parse(outcome.json);
  const threshold = a.threshold ?? 0.5;
  if (typeof result === 'boolean') return { pass: result, reason: `The code returned ${String(result)}.`, expected: 'true', actual: String(result) };
  if (outcome.type === 'number' && typeof result === 'number' && Number.isFinite(result)) {
    const score = Math.max(0, Math.min(1, result));
    return { pass: score >= threshold, score, reason: `The code returned the score ${result} (passing from ${threshold}).`, expected: `score ≥ ${threshold}`, actual: String(result) };
  }
  if (result && typeof result === 'object') {
    const r = result as { pass?: unknown; score?: unknown; reason?: unknown };
    const score = typeof r.score === 'number' ? Math.max(0, Math.min(1, r.score)) : undefined;
    const pass = typeof r.pass === 'boolean' ? r.pass : score !== undefined ? score >= threshold : false;
    return { pass, score, reason: typeof r.reason === 'string' ? r.reason : `The code returned ${JSON.stringify(result).slice(0, 200)}.` };
  }
  const shown = outcome.type === 'undefined' ? 'nothing (use `return`, or write a single expression)' : outcome.type === 'number' ? 'a number that is not finite' : (outcome.json ?? outcome.type).slice(0, 200);
  return { pass: false, error: true, reason: `The code returned ${shown}; expected true/false, a score from 0 to 1, or \`{ pass, score, reason }\`.` };
}
