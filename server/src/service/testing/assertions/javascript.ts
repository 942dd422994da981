// `javascript`: a user's expression or function body of `output` and `context`, run with node:vm
// under a time limit. vm is not a security boundary (code can escape it), which is why these
// assertions run only in trusted workspaces (and always in the CLI, which runs the user's own files).
import * as vm from 'node:vm';
import type { FixtureAssertion } from '../fixtures';
import type { AssertionContext, Check } from './types';

export const DEFAULT_JAVASCRIPT_TIMEOUT_MS = 2000;
const scripts = new Map<string, vm.Script>();

function compile(code: string): vm.Script {
  let script = scripts.get(code);
  if (script) return script;
  const wrap = (body: string) => new vm.Script(`'use strict';\n(function (output, context) {\n${body}\n})(output, context)`, { filename: 'javascript-assertion.js' });
  try {
    // An expression (`output.includes("x")`) first, then a function body with `return`.
    script = wrap(`return (${code.trim().replace(/;+\s*$/, '')}\n);`);
  } catch {
    script = wrap(code);
  }
  scripts.set(code, script);
  return script;
}

export function javascript(a: FixtureAssertion, ctx: AssertionContext): Check {
  if (!ctx.trusted) return { pass: false, error: true, reason: 'Not run: `javascript` assertions run only in a trusted workspace (Workspace Trust), because the code runs on your machine.' };
  const code = a.value as string;
  let script: vm.Script;
  try {
    script = compile(code);
  } catch (e) {
    return { pass: false, error: true, reason: `The code does not compile: ${(e as Error).message}.` };
  }
  const context = JSON.parse(JSON.stringify({ vars: ctx.vars, usage: ctx.usage ?? null, latencyMs: ctx.latencyMs, model: ctx.model ?? null, provider: ctx.provider, cost: ctx.cost ?? null }));
  const timeout = ctx.javascriptTimeoutMs ?? DEFAULT_JAVASCRIPT_TIMEOUT_MS;
  let result: unknown;
  try {
    result = script.runInNewContext({ output: ctx.output, context }, { timeout });
  } catch (e) {
    const err = e as Error & { code?: string };
    if (err.code === 'ERR_SCRIPT_EXECUTION_TIMEOUT') return { pass: false, error: true, reason: `The code ran longer than ${timeout} ms and was stopped.` };
    return { pass: false, error: true, reason: `The code threw: ${err?.message ?? String(e)}.` };
  }
  const threshold = a.threshold ?? 0.5;
  if (typeof result === 'boolean') return { pass: result, reason: `The code returned ${String(result)}.`, expected: 'true', actual: String(result) };
  if (typeof result === 'number' && Number.isFinite(result)) {
    const score = Math.max(0, Math.min(1, result));
    return { pass: score >= threshold, score, reason: `The code returned the score ${result} (passing from ${threshold}).`, expected: `score ≥ ${threshold}`, actual: String(result) };
  }
  if (result && typeof result === 'object' && typeof (result as { then?: unknown }).then === 'function') return { pass: false, error: true, reason: 'The code returned a Promise: assertions must return synchronously (true/false, a score, or `{ pass, score, reason }`).' };
  if (result && typeof result === 'object') {
    const r = result as { pass?: unknown; score?: unknown; reason?: unknown };
    const score = typeof r.score === 'number' ? Math.max(0, Math.min(1, r.score)) : undefined;
    const pass = typeof r.pass === 'boolean' ? r.pass : score !== undefined ? score >= threshold : false;
    return { pass, score, reason: typeof r.reason === 'string' ? r.reason : `The code returned ${JSON.stringify(result).slice(0, 200)}.` };
  }
  return { pass: false, error: true, reason: `The code returned ${result === undefined ? 'nothing (use `return`, or write a single expression)' : JSON.stringify(result)}; expected true/false, a score from 0 to 1, or \`{ pass, score, reason }\`.` };
}
