// Running a GitHub Models prompt file's tests as `gh models eval` does: the requests sent (templated
// messages with Go's printed form of non-text values, the parameters, `response_format` as the file
// writes it, a judge asked with the model and the messages only) and the verdicts.
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { parseDocument } from '../../server/src/service';
import { placeholderValueText, substitutePlaceholders } from '../../server/src/service/placeholders';
import { createProviders, embeddedFixture, evaluateAssertion, loadSuite, planJobs, runTests, type AssertionContext, type FixtureAssertion } from '../../server/src/service/testing';
import { renderPromptFile } from '../../server/src/service/formats/github-models/render';
import { promptResponseFormat } from '../../server/src/service/testing/request';
import { readTextUri } from '../../server/src/node/workspaceReads';
import { MockProvider } from '../support/mockProvider';

test('values that are not text are written as Go prints them (gh models is written in Go)', () => {
  assert.equal(placeholderValueText(42), '42');
  assert.equal(placeholderValueText(2.5), '2.5');
  assert.equal(placeholderValueText(0.00001), '1e-05');
  assert.equal(placeholderValueText(1234567.5), '1.2345675e+06');
  assert.equal(placeholderValueText(0.0001), '0.0001');
  assert.equal(placeholderValueText(true), 'true');
  assert.equal(placeholderValueText(null), '<nil>');
  assert.equal(placeholderValueText(['a', 1, { x: 'y' }]), '[a 1 map[x:y]]');
  // A mapping's keys sorted, as Go's fmt prints a map.
  assert.equal(placeholderValueText({ z: 1, a: ['p', 'q'], m: null }), 'map[a:[p q] m:<nil> z:1]');
  // Only `{{name}}` written without spaces is replaced; a missing value stays as written.
  assert.equal(substitutePlaceholders('{{n}} {{ n }} {{missing}}', { n: { k: 1 } }), 'map[k:1] {{ n }} {{missing}}');
});

function ctx(output: string, vars: Record<string, unknown>): AssertionContext {
  return { output, vars, latencyMs: 1, provider: 'github', countTokens: (t) => t.length, trusted: true };
}
const gh = (value: unknown): FixtureAssertion => ({ type: 'e', base: 'gh-string', negate: false, value, weight: 1, span: { start: 0, end: 0 }, line: 0 });

test('a string evaluator reads a number or boolean as its text, as gh models\' YAML reader does; the run is not refused for it', async () => {
  assert.equal((await evaluateAssertion(gh({ contains: 42 }), ctx('The answer is 42.', {}))).pass, true);
  assert.equal((await evaluateAssertion(gh({ equals: true }), ctx(' true ', {}))).pass, true);
  assert.equal((await evaluateAssertion(gh({ contains: 42 }), ctx('forty-two', {}))).pass, false);
  // Still nothing to check: an error, not a verdict.
  assert.equal((await evaluateAssertion(gh({ contains: null }), ctx('x', {}))).error, true);
  const text = 'model: openai/gpt-4o\nmessages:\n  - role: user\n    content: hi\ntestData:\n  - a: 1\nevaluators:\n  - name: n\n    string:\n      contains: 42\n';
  const doc = parseDocument(text, 'file:///w/n.prompt.yml');
  // The lint finding stays (the published schema wants text) ...
  assert.ok(doc.diagnostics.some((d) => d.code === 'prompt-file-schema' && text.slice(d.span.start, d.span.end) === '42'));
  // ... but the row runs, as `gh models eval` runs it.
  assert.deepEqual(embeddedFixture(doc)!.diagnostics, []);
  // A list where text is wanted is still refused.
  const bad = embeddedFixture(parseDocument(text.replace('contains: 42', 'contains: [a]'), 'file:///w/n.prompt.yml'))!;
  assert.deepEqual(bad.diagnostics.map((d) => d.code), ['prompt-file-schema']);
});

test('a string evaluator\'s number or boolean is the text the file writes (1.50, 1e6, True), as gh models\' YAML reader fills its text field', async () => {
  const text = 'model: openai/gpt-4o\nmessages:\n  - role: user\n    content: hi\ntestData:\n  - a: 1\nevaluators:\n  - name: dec\n    string:\n      contains: 1.50\n  - name: exp\n    string:\n      equals: 1e6   # a comment\n  - name: bool\n    string:\n      startsWith: True\n  - name: quoted\n    string:\n      endsWith: "2.0"\n  - name: int\n    string:\n      contains: 0x1F\n';
  const doc = parseDocument(text, 'file:///w/d.prompt.yml');
  const fixture = embeddedFixture(doc)!;
  assert.deepEqual(fixture.diagnostics, []);
  const [dec, exp, bool, quoted, int] = fixture.cases[0].assert;
  assert.deepEqual([dec.value, exp.value, bool.value, quoted.value, int.value], [{ contains: '1.50' }, { equals: '1e6' }, { startsWith: 'True' }, { endsWith: '2.0' }, { contains: '0x1F' }]);
  // Compared as that text: 1.50 is not found in "1.5", 1e6 is not "1000000".
  assert.equal((await evaluateAssertion(dec, ctx('costs 1.50 EUR', {}))).pass, true);
  assert.equal((await evaluateAssertion(dec, ctx('costs 1.5 EUR', {}))).pass, false);
  assert.equal((await evaluateAssertion(exp, ctx('1e6', {}))).pass, true);
  assert.equal((await evaluateAssertion(exp, ctx('1000000', {}))).pass, false);
  assert.equal((await evaluateAssertion(bool, ctx('true story', {}))).pass, true); // startsWith ignores case
  assert.equal((await evaluateAssertion(int, ctx('code 0x1f', {}))).pass, true);
  assert.equal((await evaluateAssertion(int, ctx('code 31', {}))).pass, false);
});

test('schema errors gh models\' YAML reader accepts do not stop the run: a message without content or with a number, an evaluator without name', async () => {
  const row = 'testData:\n  - q: hi\nevaluators:\n  - name: a\n    string:\n      contains: hi\n';
  const cases: [string, { role: string; text: string }[]][] = [
    ['model: m\nmessages:\n  - role: system\n  - role: user\n    content: "{{q}}"\n' + row, [{ role: 'system', text: '' }, { role: 'user', text: 'hi' }]],
    ['model: m\nmessages:\n  - role: user\n    content:\n' + row, [{ role: 'user', text: '' }]],
    ['model: m\nmessages:\n  - role: user\n    content: 1.50\n' + row, [{ role: 'user', text: '1.50' }]],
    ['model: m\nmessages:\n  - role: user\n    content: "{{q}}"\n' + row.replace('  - name: a\n    string:', '  - string:'), [{ role: 'user', text: 'hi' }]],
  ];
  for (const [text, messages] of cases) {
    const doc = parseDocument(text, 'file:///w/s.prompt.yml');
    assert.ok(doc.diagnostics.some((d) => d.code === 'prompt-file-schema'), text);
    assert.deepEqual(embeddedFixture(doc)!.diagnostics, [], text);
    assert.deepEqual((await renderPromptFile(doc, { q: 'hi' })).messages, messages, text);
  }
  // A list or mapping as content is refused, as gh models' reader refuses it.
  const doc = parseDocument('model: m\nmessages:\n  - role: user\n    content: [a]\n' + row, 'file:///w/s.prompt.yml');
  assert.deepEqual(embeddedFixture(doc)!.diagnostics.map((d) => [d.code, doc.text.slice(d.span.start, d.span.end)]), [['prompt-file-schema', '[a]']]);
});

test('a built-in evaluator is found only as github/<name>, as gh models looks it up', async () => {
  const judged: string[] = [];
  const c: AssertionContext = { ...ctx('x', { input: 'q' }), judge: async (req) => (judged.push(String(req.model)), { output: '5', model: req.model } as never) };
  const uses = (value: string): FixtureAssertion => ({ ...gh(value), base: 'gh-uses' });
  const r = await evaluateAssertion(uses('github/coherence'), c);
  assert.deepEqual([r.pass, r.score, judged], [true, 1, ['openai/gpt-4o']]);
  for (const name of ['coherence', 'other/coherence', 'github/constructor']) {
    const miss = await evaluateAssertion(uses(name), c);
    assert.deepEqual([miss.pass, miss.score], [false, 0], name);
    assert.match(miss.reason, /not found/);
  }
  assert.equal(judged.length, 1);
});

test('response_format is sent as the file writes it: its responseFormat, and the jsonSchema object with its own name and strict', () => {
  const hi = 'messages:\n  - role: user\n    content: hi\n';
  const schema = '{"name": "failure_analysis", "strict": true, "schema": {"type": "object"}}';
  assert.deepEqual(promptResponseFormat(parseDocument(`responseFormat: json_schema\njsonSchema: '${schema}'\n${hi}`, 'file:///w/a.prompt.yml')), { type: 'json_schema', json_schema: { name: 'failure_analysis', strict: true, schema: { type: 'object' } } });
  assert.deepEqual(promptResponseFormat(parseDocument(`responseFormat: text\n${hi}`, 'file:///w/a.prompt.yml')), { type: 'text' });
  assert.deepEqual(promptResponseFormat(parseDocument(`responseFormat: json_object\n${hi}`, 'file:///w/a.prompt.yml')), { type: 'json_object' });
  // No responseFormat: none, even with a jsonSchema (gh models sends none either).
  assert.equal(promptResponseFormat(parseDocument(`jsonSchema: '${schema}'\n${hi}`, 'file:///w/a.prompt.yml')), undefined);
});

test('a run sends what gh models eval sends: templated messages, parameters, response_format as written, and a judge asked with no temperature', async () => {
  const mock = await MockProvider.start({ script: (req) => ({ text: req.body.model === 'openai/gpt-4.1-mini' ? 'Rating: 4' : '  {"ok": true, "n": 42}  ' }) });
  try {
    const dir = mkdtempSync(path.join(tmpdir(), 'pw-ghm-eval-'));
    const file = [
      'name: values',
      'model: openai/gpt-4o-mini',
      'modelParameters:',
      '  topP: 0.9',
      '  maxTokens: 50',
      'responseFormat: json_schema',
      'jsonSchema: \'{"name": "answer", "strict": true, "schema": {"type": "object"}}\'',
      'messages:',
      '  - role: System',
      '    content: "n={{n}} f={{f}} list={{list}} map={{map}} nil={{nil}}"',
      '  - role: user',
      '    content: "missing={{missing}} spaced={{ n }}"',
      'testData:',
      '  - n: 42',
      '    f: 0.00001',
      '    nil: null',
      '    list: [a, 1]',
      '    map: {z: 1, a: [p, q]}',
      'evaluators:',
      '  - name: number',
      '    string:',
      '      contains: 42',
      '  - name: exact',
      '    string:',
      '      equals: \'{"ok": true, "n": {{n}}}\'',
      '  - name: judge',
      '    llm:',
      '      modelId: openai/gpt-4.1-mini',
      '      systemPrompt: "Judge {{n}}"',
      '      prompt: "A={{completion}} L={{list}}"',
      '      choices:',
      '        - choice: "5"',
      '          score: 1',
      '        - choice: "4"',
      '          score: 0.5',
      '',
    ].join('\n');
    writeFileSync(path.join(dir, 'values.prompt.yml'), file);
    const uri = pathToFileURL(path.join(dir, 'values.prompt.yml')).toString();
    const suite = await loadSuite(uri, pathToFileURL(dir).toString(), readTextUri);
    const providers = createProviders({ keys: { github: 'ghp_eval' }, baseUrls: { github: mock.openaiBaseUrl }, timeoutMs: 5000, maxRetries: 0, trusted: true });
    const summary = await runTests([suite], { ...providers, concurrency: 1, readText: readTextUri }, planJobs([suite]));
    const [r] = summary.results;
    assert.equal(r.status, 'passed', JSON.stringify(r.assertions));
    assert.deepEqual(r.assertions.map((a) => [a.type, a.pass, a.score]), [['number', true, 1], ['exact', true, 1], ['judge', true, 0.5]]);
    const [main, judge] = mock.requests.map((q) => q.body);
    assert.deepEqual(main.messages, [
      { role: 'system', content: 'n=42 f=1e-05 list=[a 1] map=map[a:[p q] z:1] nil=<nil>' },
      { role: 'user', content: 'missing={{missing}} spaced={{ n }}' },
    ]);
    assert.equal(main.model, 'openai/gpt-4o-mini');
    assert.equal(main.top_p, 0.9);
    assert.equal(main.max_tokens, 50);
    assert.deepEqual(main.response_format, { type: 'json_schema', json_schema: { name: 'answer', strict: true, schema: { type: 'object' } } });
    // The judge: its model, the system prompt as written, the prompt templated with the row and the trimmed answer; no temperature.
    assert.equal(judge.model, 'openai/gpt-4.1-mini');
    assert.deepEqual(judge.messages, [
      { role: 'system', content: 'Judge {{n}}' },
      { role: 'user', content: 'A={"ok": true, "n": 42} L=[a 1]' },
    ]);
    assert.equal('temperature' in judge, false);
    assert.equal('response_format' in judge, false);
  } finally {
    await mock.stop();
  }
});
