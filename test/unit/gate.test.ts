// The pull-request gate's verdict: new failures, the pass-rate drop against the allowed points,
// and its Markdown; and the project config key that sets the allowed drop.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { gateMarkdown, gateResult, isNewFailure, type GatePrompt } from '../../server/src/service/history/gate';
import { compareRuns, type RunRecord } from '../../server/src/service/history/runs';
import { lint } from '../../server/src/service';

function rec(caseId: string, pass: boolean, hash = 'h1'): RunRecord {
  return { promptFile: 'p.prompt', contentHash: hash, provider: 'openai', model: 'm', caseId, output: pass ? 'ok' : 'bad', assertions: [{ type: 'contains', pass, reason: pass ? undefined : 'missing "ok"' }], pass };
}

function prompt(a: RunRecord[], b: RunRecord[]): GatePrompt {
  return { prompt: 'p.prompt', comparison: compareRuns(a, b), base: { reused: a.length, ran: 0, exists: a.length > 0 }, head: { reused: 0, ran: b.length } };
}

test('a case passing in the base and failing now, or a new case failing, is a new failure', () => {
  const p = prompt([rec('a', true), rec('b', false), rec('c', true)], [rec('a', false), rec('b', false), rec('c', true), rec('d', false), rec('e', true)]);
  const failures = p.comparison.cases.filter(isNewFailure).map((c) => c.caseId).sort();
  assert.deepEqual(failures, ['a', 'd']); // b was failing already, e is new and passes
  const g = gateResult('main', [p], 100);
  assert.equal(g.failed, true);
  assert.deepEqual(g.reasons, ['2 new failures']);
});

test('the pass-rate drop in points against the allowed drop, with no new failure', () => {
  // base: a, b pass, c fails, d passes (3/4 = 75%); head: d removed (2/3 = 66.7%): a drop of 8.33 points
  const p = prompt([rec('a', true), rec('b', true), rec('c', false), rec('d', true)], [rec('a', true), rec('b', true), rec('c', false)]);
  const strict = gateResult('main', [p], 5);
  assert.ok(Math.abs(strict.dropPoints - 25 / 3) < 1e-9);
  assert.deepEqual(strict.newFailures, []);
  assert.equal(strict.failed, true);
  assert.deepEqual(strict.reasons, ['the pass rate dropped by 8.3 points (allowed: 5)']);
  assert.equal(gateResult('main', [p], 10).failed, false);
  // No drop at all passes a limit of 0; a rise too.
  assert.equal(gateResult('main', [prompt([rec('a', true)], [rec('a', true)])], 0).failed, false);
  assert.equal(gateResult('main', [prompt([rec('a', false)], [rec('a', true)])], 0).failed, false);
});

test('pass rates pool every prompt; a new prompt has no base', () => {
  const old = prompt([rec('a', true), rec('b', true)], [rec('a', true), rec('b', true)]);
  const added = { ...prompt([], [rec('x', true), rec('y', false)]), prompt: 'new.prompt' };
  const g = gateResult('origin/main (abc1234)', [old, added], 50);
  assert.equal(g.passRate.base, 1);
  assert.equal(g.passRate.head, 3 / 4);
  assert.deepEqual(g.newFailures.map((f) => [f.prompt, f.case.caseId]), [['new.prompt', 'y']]);
  const md = gateMarkdown(g);
  assert.match(md, /^## Prompt tests against origin\/main \(abc1234\): ❌ failed\n/);
  assert.match(md, /\| `new\.prompt` \| new prompt \| 1\/2 \|/);
  assert.match(md, /- `new\.prompt` y \(new case\): contains: missing "ok"/);
});

test('Markdown escapes what could break the table or the page', () => {
  const p = { ...prompt([rec('a|<b>', true)], [rec('a|<b>', false)]), prompt: 'x|y.prompt' };
  const md = gateMarkdown(gateResult('main', [p], 0));
  assert.ok(md.includes('`x\\|y.prompt`'));
  assert.ok(md.includes('a\\|&lt;b&gt;'));
  assert.ok(!md.includes('<b>'));
});

test('testing.maxPassRateDrop in prompt-workbench.yaml: a number of points from 0 to 100', () => {
  const ok = lint.parseLintConfig('testing:\n  maxPassRateDrop: 2.5\n', lint.RULES, 'prompt-workbench.yaml');
  assert.deepEqual([ok.problems, ok.config.testing], [[], { maxPassRateDrop: 2.5 }]);
  for (const bad of ['150', '-1', 'some']) {
    const text = `testing:\n  maxPassRateDrop: ${bad}\n`;
    const r = lint.parseLintConfig(text, lint.RULES, 'prompt-workbench.yaml');
    assert.equal(r.problems.length, 1, bad);
    assert.match(r.problems[0].message, /maxPassRateDrop/);
    assert.equal(text.slice(r.problems[0].span.start, r.problems[0].span.end), bad, 'on the value');
  }
});
