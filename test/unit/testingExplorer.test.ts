// The Test Explorer's logic without VS Code (client/src/testing: items.ts, reportText.ts,
// inlineResults.ts, codeLenses.ts): the item tree of the example suites, which jobs a selection
// means, where a recorded case replays, the texts and messages of results, the inline results and
// the code lenses.
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { before, test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { testLenses } from '../../client/src/testing/codeLenses';
import { InlineResults } from '../../client/src/testing/inlineResults';
import { jobIdOfRecord, planItems, selectJobs, type ItemData, type ItemNode } from '../../client/src/testing/items';
import { debugMarkdown, failureMessages, isAnnounced, problemAction, recordedFailureMessages, recordedOutput, resultOutput } from '../../client/src/testing/reportText';
import { loadSuite, planJobs, type CaseResult, type RecordedCase, type TestSuite } from '../../server/src/service/testing';
import { readTextUri } from '../../server/src/node/workspaceReads';

const ROOT = path.resolve(__dirname, '..', '..');
const uri = (...p: string[]) => pathToFileURL(path.join(ROOT, ...p)).toString();
let suites: TestSuite[];
before(async () => {
  suites = await Promise.all(['summarize', 'classify-intent'].map((n) => loadSuite(uri('examples', `${n}.tests.yaml`), uri(), readTextUri)));
});

function result(over: Partial<CaseResult> = {}): CaseResult {
  return {
    id: 'examples/summarize.tests.yaml#c',
    caseKey: 'examples/summarize.tests.yaml#c',
    fixtureUri: uri('examples', 'summarize.tests.yaml'),
    promptUri: uri('examples', 'summarize.prompt'),
    fixturePath: 'examples/summarize.tests.yaml',
    promptPath: 'examples/summarize.prompt',
    caseName: 'c',
    caseLine: 9,
    repeat: 1,
    repeats: 1,
    status: 'passed',
    parameters: {},
    vars: { name: 'Ada' },
    cached: false,
    assertions: [],
    reason: 'All 1 assertions passed.',
    ...over,
  };
}

const brief = (nodes: ItemNode[]): unknown => nodes.map((n) => [n.label, n.line, n.description ?? null, n.error ?? null, n.data.kind, n.data.jobId ?? null, brief(n.children)]);

test('the items of the example suites: a prompt each, its cases at their lines, the repeats of a repeated case', () => {
  const items = planItems(suites);
  assert.deepEqual(items.map((n) => [n.id, n.uri]), [
    [uri('examples', 'summarize.prompt'), uri('examples', 'summarize.prompt')],
    [uri('examples', 'classify-intent.prompt'), uri('examples', 'classify-intent.prompt')],
  ]);
  const fixture = uri('examples', 'summarize.tests.yaml');
  assert.deepEqual(brief([items[0]]), [
    ['examples/summarize.prompt', 0, null, null, 'prompt', null, [
      ['ticket reaches the user message', 16, 'render', null, 'case', 'examples/summarize.tests.yaml#ticket reaches the user message', []],
      ['history is listed oldest first', 26, 'render', null, 'case', 'examples/summarize.tests.yaml#history is listed oldest first', []],
      ['footer partial is included', 38, 'render', null, 'case', 'examples/summarize.tests.yaml#footer partial is included', []],
      ['long ticket from a file', 44, 'render', null, 'case', 'examples/summarize.tests.yaml#long ticket from a file', []],
      ['urgent outage summary', 53, '×2', null, 'case', 'examples/summarize.tests.yaml#urgent outage summary', [
        ['run 1 of 2', 53, null, null, 'repeat', 'examples/summarize.tests.yaml#urgent outage summary', []],
        ['run 2 of 2', 53, null, null, 'repeat', 'examples/summarize.tests.yaml#urgent outage summary#2', []],
      ]],
    ]],
  ]);
  const outage = items[0].children[4];
  assert.equal(outage.id, `${fixture}#urgent outage summary`);
  assert.deepEqual(outage.children.map((r) => r.id), [`${fixture}#urgent outage summary#1`, `${fixture}#urgent outage summary#2`]);
  assert.deepEqual(outage.data, { kind: 'case', promptUri: uri('examples', 'summarize.prompt'), fixtureUri: fixture, caseName: 'urgent outage summary', jobId: 'examples/summarize.tests.yaml#urgent outage summary', caseKey: 'examples/summarize.tests.yaml#urgent outage summary' });
});

test('two fixture files of one prompt share its item; a missing prompt is the item\'s error; skipped cases say so', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'pw-items-'));
  writeFileSync(path.join(dir, 'p.prompt'), 'Hello.\n');
  writeFileSync(path.join(dir, 'p.tests.yaml'), 'cases:\n  - name: one\n    provider: render\n    assert: [{ type: contains, value: Hello }]\n');
  writeFileSync(path.join(dir, 'more.tests.yaml'), 'prompt: p.prompt\ncases:\n  - name: two\n    skip: true\n    assert: [{ type: contains, value: Hello }]\n');
  writeFileSync(path.join(dir, 'gone.tests.yaml'), 'prompt: gone.prompt\ncases:\n  - name: three\n    assert: [{ type: contains, value: x }]\n');
  const root = pathToFileURL(dir).toString();
  const load = (f: string) => loadSuite(pathToFileURL(path.join(dir, f)).toString(), root, readTextUri);
  const items = planItems([await load('p.tests.yaml'), await load('gone.tests.yaml'), await load('more.tests.yaml')]);
  assert.deepEqual(items.map((n) => [n.label, n.error ?? null, n.children.map((c) => [c.label, c.description ?? null])]), [
    ['p.prompt', null, [['one', 'render'], ['two', 'skipped']]],
    ['gone.prompt', 'The prompt gone.prompt does not exist.', [['three', null]]],
  ]);
});

test('the jobs of a selection: everything, cases with all their repeats, single repeats, exclusions', () => {
  const all = planJobs(suites);
  const items = planItems(suites);
  const data = (name: string, repeat?: number): ItemData => {
    const c = items.flatMap((p) => p.children).find((n) => n.label === name)!;
    return repeat ? c.children[repeat - 1].data : c.data;
  };
  const ids = (jobs: { id: string }[]) => jobs.map((j) => j.id.replace('examples/', ''));
  assert.equal(selectJobs(all, undefined, []).length, all.length);
  assert.deepEqual(ids(selectJobs(all, [data('urgent outage summary'), data('billing question')], [])), ['summarize.tests.yaml#urgent outage summary', 'summarize.tests.yaml#urgent outage summary#2', 'classify-intent.tests.yaml#billing question']);
  assert.deepEqual(ids(selectJobs(all, [data('urgent outage summary', 2)], [])), ['summarize.tests.yaml#urgent outage summary#2']);
  // Excluding a case excludes its repeats; excluding a repeat only that one; a prompt's data excludes nothing by itself.
  assert.equal(selectJobs(all, undefined, [data('urgent outage summary')]).length, all.length - 2);
  assert.deepEqual(ids(selectJobs(all, [data('urgent outage summary')], [data('urgent outage summary', 1)])), ['summarize.tests.yaml#urgent outage summary#2']);
  assert.equal(selectJobs(all, undefined, [items[0].data]).length, all.length);
});

test('a recorded case replays onto the same job id, or one ending with it', () => {
  const ids = ['examples/summarize.tests.yaml#a', 'examples/summarize.tests.yaml#a#2', 'other/summarize.tests.yaml#b'];
  assert.equal(jobIdOfRecord(ids, 'examples/summarize.tests.yaml#a#2'), 'examples/summarize.tests.yaml#a#2');
  assert.equal(jobIdOfRecord(ids, 'summarize.tests.yaml#b'), 'other/summarize.tests.yaml#b');
  assert.equal(jobIdOfRecord(ids, 'ummarize.tests.yaml#b'), undefined);
  assert.equal(jobIdOfRecord(ids, 'gone.tests.yaml#c'), undefined);
});

test('the output of a result, in CRLF, with its facts and each assertion', () => {
  const r = result({ provider: 'openai', requestedModel: 'gpt-4o-mini', returnedModel: 'gpt-4o-mini-2024', latencyMs: 412.4, usage: { inputTokens: 120, outputTokens: 30 }, cost: 0.000123456, output: 'line one\nline two', assertions: [{ type: 'contains', pass: true, score: 1, weight: 1, reason: 'found', line: 11 }, { type: 'llm-rubric', pass: false, score: 0, weight: 1, reason: 'no judge', error: true, line: 12 }], status: 'error', reason: 'An assertion could not run.' });
  assert.equal(resultOutput(r), '── c ── ERROR · openai · gpt-4o-mini-2024 · 412 ms · 120 in / 30 out tokens · $0.000123\r\nline one\r\nline two\r\n✓ contains (line 12): found\r\n! llm-rubric (line 13): no judge\r\n\r\n');
  assert.equal(resultOutput(result({ status: 'skipped', reason: 'Skipped: offline.', cached: true, repeat: 2, repeats: 3 })), '── c (run 2 of 3) ── SKIPPED · from the cache\r\nSkipped: offline.\r\n\r\n');
});

test('failure messages: a diff per failing weighted assertion at its line, else the reason at the case; an error at its line', () => {
  const failing = result({
    status: 'failed',
    reason: 'Score 0 below 1.',
    assertions: [
      { type: 'equals', pass: false, score: 0, weight: 1, reason: 'differs', expected: 'a', actual: 'b', line: 12 },
      { type: 'regex', pass: false, score: 0, weight: 1, reason: 'no match', line: 14 },
      { type: 'contains', pass: false, score: 0, weight: 0, reason: 'ignored', line: 15 },
      { type: 'contains', pass: true, score: 1, weight: 1, reason: 'found', line: 16 },
    ],
  });
  assert.deepEqual(failureMessages(failing), [
    { text: 'equals: differs', expected: 'a', actual: 'b', line: 12 },
    { text: 'regex: no match', line: 14 },
  ]);
  assert.deepEqual(failureMessages(result({ status: 'failed', reason: 'Score 0.4 below the threshold 0.5.' })), [{ text: 'Score 0.4 below the threshold 0.5.', line: 9 }]);
  assert.deepEqual(failureMessages(result({ status: 'error', reason: 'Bad vars.', error: { kind: 'vars', message: 'Bad vars.', line: 3 } })), [{ text: 'Bad vars.', line: 3 }]);
  assert.deepEqual(failureMessages(result({ status: 'error', reason: 'No key.', error: { kind: 'no-key', message: 'No key.' } })), [{ text: 'No key.', line: 9 }]);
});

test('the debug output document: rendered messages, the answer, each assertion with the judge\'s reasoning, the values', () => {
  const md = debugMarkdown(result({ messages: [{ role: 'system', text: ' Be brief. ' }, { role: 'user', text: 'Hi' }], provider: 'openai', requestedModel: 'gpt-4o', latencyMs: 10, output: 'Hello', assertions: [{ type: 'llm-rubric', pass: true, score: 1, weight: 1, reason: 'ok', reasoning: 'Polite.', line: 4 }] }));
  assert.equal(md, ['# c: passed', '', 'All 1 assertions passed.', '', '## Rendered prompt', '', '### system', '', 'Be brief.', '', '### user', '', 'Hi', '', '## Answer', '', 'Provider openai, model gpt-4o, 10 ms', '', '```', 'Hello', '```', '', '## Assertions', '', '- pass `llm-rubric` (line 5): ok\n  Judge: Polite.', '', '## Values', '', '```json', '{\n  "name": "Ada"\n}', '```'].join('\n'));
});

test('provider problems: which are announced, and the button that fixes each', () => {
  const problem = (kind: NonNullable<CaseResult['error']>['kind'], provider?: CaseResult['provider']) => result({ status: 'error', provider, error: { kind, message: kind } });
  assert.deepEqual(['no-key', 'auth', 'unreachable', 'rate-limited', 'timeout', 'bad-response', 'model', 'unavailable', 'untrusted', 'vars', 'cancelled', 'http'].filter((k) => isAnnounced(problem(k as never))), ['no-key', 'auth', 'unreachable', 'rate-limited', 'timeout', 'bad-response', 'model', 'unavailable']);
  assert.equal(isAnnounced(result()), false);
  assert.deepEqual(problemAction(problem('no-key', 'anthropic')), { button: 'Set API Key', provider: 'anthropic' });
  assert.deepEqual(problemAction(problem('auth', 'vscode-lm')), { button: 'Set API Key', provider: 'openai' });
  assert.deepEqual(problemAction(problem('model', 'anthropic')), { button: 'Open Settings', setting: 'promptWorkbench.providers.anthropic.baseUrl' });
  assert.deepEqual(problemAction(problem('unreachable', 'openai')), { button: 'Open Settings', setting: 'promptWorkbench.providers.openai.baseUrl' });
  assert.deepEqual(problemAction(problem('rate-limited', 'openai')), {});
  assert.deepEqual(problemAction(problem('no-key', 'googleai')), { button: 'Set API Key', provider: 'googleai' });
  assert.deepEqual(problemAction(problem('unreachable', 'googleai')), { button: 'Open Settings', setting: 'promptWorkbench.providers.gemini.baseUrl' });
  // Vertex AI has no key to set: its project (and the machine's credentials) are the fix.
  assert.deepEqual(problemAction(problem('auth', 'vertexai')), { button: 'Open Settings', setting: 'promptWorkbench.providers.vertexai.project' });
  assert.deepEqual(problemAction(problem('unreachable', 'vertexai')), { button: 'Open Settings', setting: 'promptWorkbench.providers.vertexai.baseUrl' });
});

test('a recorded case: its output, and its failures at the recorded (one-based) lines', () => {
  const c = { type: 'case', id: 'x#c', caseKey: 'x#c', fixture: 'x', prompt: 'p', case: 'c', caseLine: 3, repeat: 1, repeats: 1, status: 'failed', provider: null, output: 'a\nb', latencyMs: null, cost: null, reason: 'Failed.', assertions: [{ type: 'equals', pass: false, score: 0, weight: 1, reason: 'differs', expected: 'a', actual: 'b', reasoning: null, error: false, line: 7 }, { type: 'regex', pass: false, score: 0, weight: 1, reason: 'no match', expected: null, actual: 'b', reasoning: null, error: false, line: 8 }] } as RecordedCase;
  assert.equal(recordedOutput(c), '── c ── FAILED · - · - ms\r\na\r\nb\r\n');
  assert.deepEqual(recordedFailureMessages(c), [{ text: 'equals: differs', expected: 'a', actual: 'b', line: 6 }, { text: 'regex: no match', line: 7 }]);
  assert.deepEqual(recordedFailureMessages({ ...c, assertions: [] }), [{ text: 'Failed.' }]);
});

test('inline results: the last result per case line, repeats counted on one line, dropped when the fixture or prompt changes', () => {
  const inline = new InlineResults();
  const fixture = uri('examples', 'summarize.tests.yaml');
  inline.add(result({ latencyMs: 412.4, cost: 0.000123 }));
  inline.add(result({ caseLine: 20, status: 'failed', reason: `Expected ${'x'.repeat(200)}` }));
  inline.add(result({ caseLine: 30, status: 'skipped', reason: 'Skipped.' }));
  assert.deepEqual(inline.of(fixture).map((e) => [e.line, e.status, e.text]), [
    [9, 'passed', '✓ passed · 412 ms · $0.00012'],
    [20, 'failed', `✗ failed — Expected ${'x'.repeat(111)}`],
    [30, 'skipped', '– skipped — Skipped.'],
  ]);
  inline.add(result({ caseLine: 40, repeat: 1, repeats: 3 }));
  assert.deepEqual(inline.of(fixture).at(-1), { line: 40, text: 'runs: 1/1 passed …', status: 'passed', passed: 1, total: 1 });
  inline.add(result({ caseLine: 40, repeat: 2, repeats: 3, status: 'error', reason: 'timeout' }));
  inline.add(result({ caseLine: 40, repeat: 3, repeats: 3 }));
  assert.deepEqual(inline.of(fixture).at(-1), { line: 40, text: 'runs: 2/3 passed', status: 'failed', passed: 2, total: 3 });

  assert.equal(inline.forgetPrompt(uri('examples', 'classify-intent.prompt'), suites), false);
  assert.equal(inline.forgetPrompt(uri('examples', 'summarize.prompt'), suites), true);
  assert.deepEqual(inline.of(fixture), []);
  inline.add(result());
  assert.equal(inline.forgetFixture(fixture), true);
  assert.equal(inline.forgetFixture(fixture), false);
});

test('code lenses: Run and Debug output above each case of a fixture file, Run all tests above a prompt with fixtures', () => {
  const byUri = new Map(suites.map((s) => [s.fixture.uri, s]));
  const fixture = uri('examples', 'classify-intent.tests.yaml');
  const lenses = testLenses(fixture, '/examples/classify-intent.tests.yaml', byUri);
  assert.equal(lenses.length, 8);
  assert.deepEqual(lenses.slice(0, 2), [
    { line: 3, title: '$(play) Run', command: 'promptWorkbench.test.runItem', arguments: [`${fixture}#message and locale reach the template`, false] },
    { line: 3, title: 'Debug output', command: 'promptWorkbench.test.runItem', arguments: [`${fixture}#message and locale reach the template`, true] },
  ]);
  assert.deepEqual(testLenses(uri('examples', 'unknown.tests.yaml'), '/examples/unknown.tests.yaml', byUri), []);
  const prompt = uri('examples', 'summarize.prompt');
  assert.deepEqual(testLenses(prompt, '/examples/summarize.prompt', byUri), [{ line: 0, title: '$(beaker) Run all tests', command: 'promptWorkbench.test.runItem', arguments: [prompt, false] }]);
  assert.deepEqual(testLenses(uri('examples', 'needs-fixing.prompt'), '/examples/needs-fixing.prompt', byUri), []);
});
