// `javascript` assertions run in a sandbox: the code reaches neither the host process nor the
// file system, and the time and memory limits hold for synchronous code, microtasks and async code.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { after, test } from 'node:test';
import { lint } from '../../server/src/service';
import { caseVerdict, evaluateAssertion, parseFixtureFile, type AssertionContext, type AssertionResult } from '../../server/src/service/testing';

const dir = mkdtempSync(path.join(tmpdir(), 'pw-sandbox-'));
after(() => rmSync(dir, { recursive: true, force: true }));

async function js(code: string, extra: Partial<AssertionContext> = {}): Promise<AssertionResult> {
  const f = parseFixtureFile(`cases:\n  - name: a\n    assert:\n      - type: javascript\n        value: ${JSON.stringify(code)}\n`, 'file:///w/x.tests.yaml');
  assert.deepEqual(f.diagnostics.map((d) => d.message), []);
  return evaluateAssertion(f.cases[0].assert[0], { output: 'Hi Ada', vars: { name: 'Ada' }, latencyMs: 1, provider: 'render', countTokens: () => 0, trusted: true, ...extra });
}

// Each escape returns what it found; the assertion passes only when nothing was found.
const reaches = (expr: string) => `(() => { try { const v = ${expr}; return v === undefined || v === null ? 'nothing' : typeof v; } catch (e) { return 'nothing'; } })() === 'nothing'`;

test('the code cannot reach the host: process, require, globalThis.process, the Function constructor of values passed in', async () => {
  for (const expr of [
    'process',
    'require',
    'globalThis.process',
    'module',
    "output.constructor.constructor('return process')()",
    "context.constructor.constructor('return process')()",
    "context.vars.constructor.constructor('return process')()",
    "Function('return this')().process",
    "(function () { return this })().process",
  ]) {
    const r = await js(reaches(expr));
    assert.equal(r.pass, true, `${expr} reached the host: ${r.reason}`);
  }
});

test('the code cannot write a file', async () => {
  const target = path.join(dir, 'written.txt');
  const code = `const p = context.constructor.constructor('return process')(); p.getBuiltinModule('node:fs').writeFileSync(${JSON.stringify(target)}, 'x'); return true;`;
  const r = await js(code);
  assert.equal(existsSync(target), false, 'the assertion wrote a file');
  assert.equal(r.pass, false);
});

test('an endless synchronous loop is stopped at the time limit', async () => {
  const t = performance.now();
  const r = await js('while (true) {}', { javascriptTimeoutMs: 100 });
  assert.deepEqual([r.pass, r.error], [false, true]);
  assert.match(r.reason, /longer than 100 ms/);
  assert.ok(performance.now() - t < 2000);
});

test('a memory bomb is stopped at the memory limit, not by the host running out', async () => {
  const r = await js('const a = []; for (let i = 0; i < 200; i++) a.push(new Array(131072).fill(i)); return true;');
  assert.deepEqual([r.pass, r.error], [false, true]);
  assert.match(r.reason, /memory/i);
  const s = await js("let s = 'x'; for (;;) s += s; return true;");
  assert.deepEqual([s.pass, s.error], [false, true]);
});

test('deep recursion is a RangeError inside the sandbox, and the assertions after it still run', async () => {
  const r = await js('function f () { return f() + 1; } return f();');
  assert.deepEqual([r.pass, r.error], [false, true]);
  assert.match(r.reason, /stack|call/i);
  assert.equal((await js('output.length === 6')).pass, true);
});

test('assertions running at once, one of them stopped for memory, do not disturb each other', async () => {
  const results = await Promise.all([js('output.length === 6'), js('const a = []; for (;;) a.push(new Array(1e6).fill(1));'), js('context.vars.name === "Ada"'), js('while (true) {}', { javascriptTimeoutMs: 50 }), js('output.startsWith("Hi")')]);
  assert.deepEqual(results.map((r) => [r.pass, !!r.error]), [[true, false], [false, true], [true, false], [false, true], [true, false]]);
});

test('async code: a resolved Promise is awaited, within the same time limit', async () => {
  assert.equal((await js('Promise.resolve(output.length > 3)')).pass, true);
  const r = await js('(async () => { await null; return { pass: true, score: 0.8, reason: "awaited" }; })()');
  assert.deepEqual([r.pass, r.score, r.reason], [true, 0.8, 'awaited']);
  const never = await js('new Promise(() => {})', { javascriptTimeoutMs: 100 });
  assert.deepEqual([never.pass, never.error], [false, true]);
  assert.match(never.reason, /never settled|did not settle/);
  const rejected = await js('Promise.reject(new Error("nope"))');
  assert.match(rejected.reason, /threw: nope/);
});

test('what the code receives crosses as JSON, and what it returns too', async () => {
  const r = await js('JSON.stringify(Object.keys(context).sort()) === JSON.stringify(["cost","latencyMs","model","provider","usage","vars"]) && context.vars.name === "Ada" && output === "Hi Ada"');
  assert.equal(r.pass, true, r.reason);
  const obj = await js('({ pass: false, score: 0.25, reason: "too short" })');
  assert.deepEqual([obj.pass, obj.score, obj.reason], [false, 0.25, 'too short']);
  assert.match((await js('undefined')).reason, /returned nothing/);
  assert.match((await js('syntax error here (')).reason, /does not compile|threw/);
});

test('a run can turn javascript assertions off: each is reported with the reason and counts for nothing', async () => {
  const off = await js('false', { javascriptOff: '--no-javascript' });
  assert.deepEqual([off.pass, off.skipped, off.weight, off.error], [false, true, 0, undefined]);
  assert.match(off.reason, /off in this run \(--no-javascript\)/);
  const contains: AssertionResult = { type: 'contains', pass: true, score: 1, weight: 1, reason: 'ok', line: 0 };
  assert.deepEqual([caseVerdict([contains, off], undefined).pass, caseVerdict([contains, off], undefined).skipped], [true, undefined]);
  const alone = caseVerdict([off], undefined);
  assert.deepEqual([alone.skipped, alone.error], [true, undefined]);
  assert.match(alone.reason, /^Skipped: no assertion of this case ran\. .*--no-javascript/);
});

test('the project config\'s `testing.javascript` switch: parsed in its own section, checked like the others', () => {
  const ok = lint.parseLintConfig('testing:\n  javascript: false\n', lint.RULES, 'prompt-workbench.yaml');
  assert.deepEqual([ok.problems, ok.config.testing], [[], { javascript: false }]);
  const typo = lint.parseLintConfig('testing:\n  javascrip: false\n', lint.RULES, 'prompt-workbench.yaml');
  assert.match(typo.problems[0]?.message ?? '', /Unknown key `javascrip` in `testing:`.*Did you mean `javascript`\?/);
  const wrong = lint.parseLintConfig('testing:\n  javascript: sometimes\n', lint.RULES, 'prompt-workbench.yaml');
  assert.match(wrong.problems[0]?.message ?? '', /testing\.javascript/);
  assert.equal(wrong.config.testing, undefined);
});
