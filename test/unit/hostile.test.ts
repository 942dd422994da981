// Hostile inputs users reported: each one ran the engine out of stack or froze it. Every case runs
// in a child process with a time limit, so a regression fails here instead of hanging the runner.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { test } from 'node:test';
import { HOSTILE } from '../support/hostileWorker';

const WORKER = path.join(__dirname, '..', 'support', 'hostileWorker.ts');
/** Before the fixes these crashed, or took 5 s (100,000 commas) to 60 s; fixed, each takes under 5 s on a loaded 2-core machine. */
const LIMIT_S = 30;
const BUDGET_MS = 10_000;

function runCase(name: string): { ms: number; codes: string[]; messages: string[] } {
  const r = spawnSync(process.execPath, ['--import', 'tsx', WORKER, name], { encoding: 'utf8', timeout: LIMIT_S * 1000, maxBuffer: 1 << 24 });
  assert.ok(!r.error, `${name}: ${r.error?.message} (no answer within ${LIMIT_S} s)`);
  assert.equal(r.status, 0, `${name} crashed:\n${r.stderr.slice(0, 2000)}`);
  const out = JSON.parse(r.stdout) as { ms: number; codes: string[]; messages: string[] };
  console.log(`${name}: ${out.ms.toFixed(0)} ms`);
  return out;
}

for (const name of Object.keys(HOSTILE)) {
  test(`hostile input ${name} is analysed quickly and without a crash`, () => {
    const { ms } = runCase(name);
    assert.ok(ms < BUDGET_MS, `${name}: ${ms.toFixed(0)} ms`);
  });
}

test('blocks nested past the limit get one diagnostic saying where and what to do', () => {
  const { codes, messages } = runCase('nested-if-4500');
  assert.ok(codes.includes('template-too-deep'));
  assert.equal(messages.length, 1);
  assert.match(messages[0], /nested deeper than 1,000 levels/);
});

test('sub-expressions nested past the limit are reported, not handed to Handlebars', () => {
  const { codes, messages } = runCase('subexpression-depth-5000');
  assert.ok(codes.includes('template-too-deep'));
  assert.ok(!codes.includes('template-expression'), 'no "Maximum call stack size exceeded" from Handlebars');
  assert.match(messages[0], /deeper than 100 levels/);
});
