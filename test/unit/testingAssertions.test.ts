// Every assertion type, its `not-` form, weights and the case threshold; every failure says why.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { caseVerdict, evaluateAssertion, parseFixtureFile, type AssertionContext, type AssertionResult, type FixtureAssertion } from '../../server/src/service/testing';

function assertion(yaml: string): FixtureAssertion {
  const f = parseFixtureFile(`cases:\n  - name: a\n    assert:\n${yaml.replace(/^/gm, '      ')}\n`, 'file:///w/x.tests.yaml');
  assert.deepEqual(f.diagnostics.map((d) => d.message), []);
  return f.cases[0].assert[0];
}

function ctx(output: string, extra: Partial<AssertionContext> = {}): AssertionContext {
  return { output, vars: { name: 'Ada' }, latencyMs: 120, provider: 'openai', model: 'gpt-4o-mini', countTokens: (t) => t.split(/\s+/).filter(Boolean).length, trusted: true, ...extra };
}

async function run(yaml: string, output: string, extra: Partial<AssertionContext> = {}): Promise<AssertionResult> {
  return evaluateAssertion(assertion(yaml), ctx(output, extra));
}

test('text checks pass and fail with the reason, expected and actual', async () => {
  const eq = await run('- type: equals\n  value: Hello Ada', 'Hello Ada ');
  assert.equal(eq.pass, false);
  assert.match(eq.reason, /differs from the expected text \(only in leading or trailing whitespace\)/);
  assert.equal(eq.expected, 'Hello Ada');
  assert.equal(eq.actual, 'Hello Ada ');
  assert.equal((await run('- type: equals\n  value: { team: billing, n: 1 }', '{"n":1,"team":"billing"}')).pass, true);
  assert.match((await run('- type: equals\n  value: { team: billing }', 'billing')).reason, /output is not valid JSON/);

  const c = await run('- type: contains\n  value: refund', 'We will look into it.');
  assert.equal(c.pass, false);
  assert.equal(c.reason, 'The output does not contain "refund".');
  assert.equal(c.line, 3);
  assert.equal((await run('- type: icontains\n  value: REFUND', 'a refund')).pass, true);
  assert.equal((await run('- type: contains-any\n  value: [x, y]', 'only y')).pass, true);
  const all = await run('- type: contains-all\n  value: [a, b, c, d]', 'a b');
  assert.equal(all.pass, false);
  assert.equal(all.score, 0.5);
  assert.match(all.reason, /lacks "c", "d" \(2 of 4 found\)/);
  const sw = await run('- type: starts-with\n  value: "{"', 'Sure! {"a":1}');
  assert.equal(sw.reason, 'The output starts with "Sure! {\\"a\\":1}", not "{".');
  const re = await run('- type: regex\n  value: "^\\\\d+ items$"\n  flags: m', 'total\n12 items');
  assert.equal(re.pass, true);
  assert.match(re.reason, /matches \/\^\\d\+ items\$\/m \(at "12 items"\)/);
  assert.match((await run('- type: regex\n  value: "^x"', 'y')).reason, /does not match \/\^x\//);
});

test('not- forms invert the verdict and say what was found', async () => {
  const r = await run('- type: not-contains\n  value: "@"', 'mail me at a@b.c');
  assert.equal(r.pass, false);
  assert.equal(r.reason, 'The output contains "@". (`not-contains` expects the opposite.)');
  assert.equal(r.expected, 'not: contains "@"');
  assert.equal((await run('- type: not-regex\n  value: "\\\\d"', 'no digits')).pass, true);
  const partial = await run('- type: not-contains-all\n  value: [a, b]', 'a');
  assert.equal(partial.pass, true);
  assert.equal(partial.score, 0.5);
});

test('JSON checks: is-json, contains-json, json-schema with the failing path', async () => {
  assert.match((await run('- type: is-json', 'Sure: {"a":1}')).reason, /not valid JSON/);
  assert.equal((await run('- type: is-json', '{"a":1}')).pass, true);
  const schema = '  value:\n    type: object\n    required: [team, confidence]\n    properties:\n      team: { enum: [billing, technical] }\n      confidence: { type: number, maximum: 1 }';
  const bad = await run(`- type: is-json\n${schema}`, '{"team":"sales","confidence":3}');
  assert.equal(bad.pass, false);
  assert.match(bad.reason, /\/team: must be equal to one of the allowed values \("billing", "technical"\) \[schema #\/properties\/team\/enum\]/);
  assert.match(bad.reason, /\/confidence: must be <= 1 \[schema #\/properties\/confidence\/maximum\]/);
  const fenced = await run(`- type: contains-json\n${schema}`, 'Here:\n```json\n{"team":"billing","confidence":0.9}\n```');
  assert.equal(fenced.pass, true);
  assert.match((await run('- type: contains-json', 'no json { here')).reason, /contains no JSON/);

  const outputSchema = { type: 'object', properties: { team: { type: 'string' } }, required: ['team'], additionalProperties: false };
  const js = await run('- type: json-schema', '{"team":"x","extra":1}', { outputSchema });
  assert.equal(js.pass, false);
  assert.match(js.reason, /against the prompt's output\.schema.*must NOT have additional properties \(`extra`\)/);
  const none = await run('- type: json-schema', '{}');
  assert.equal(none.error, true);
  assert.match(none.reason, /no `output.schema`/);
});

test('max-tokens, latency and cost use the call\'s figures', async () => {
  assert.match((await run('- type: max-tokens\n  value: 2', 'one two three')).reason, /3 tokens \(counted with the model's tokenizer\); the limit is 2/);
  assert.equal((await run('- type: max-tokens\n  value: 5', 'x', { usage: { outputTokens: 5 } })).pass, true);
  assert.match((await run('- type: latency\n  value: 100', 'x')).reason, /took 120 ms; the limit is 100 ms/);
  assert.equal((await run('- type: cost\n  value: 0.01', 'x', { cost: 0.002 })).pass, true);
  const unknown = await run('- type: cost\n  value: 0.01', 'x', { costNote: 'no price for `my-model`' });
  assert.equal(unknown.error, true);
  assert.match(unknown.reason, /no price for `my-model`/);
});

test('javascript: expressions, bodies, scores, objects; errors and timeouts are reported; untrusted does not run', async () => {
  assert.equal((await run("- type: javascript\n  value: output.includes(context.vars.name)", 'Hi Ada')).pass, true);
  assert.equal((await run('- type: javascript\n  value: |\n    const n = output.length;\n    return n < 3;', 'long')).pass, false);
  const score = await run('- type: javascript\n  value: \"0.4\"\n  threshold: 0.3', 'x');
  assert.deepEqual([score.pass, score.score], [true, 0.4]);
  const obj = await run("- type: javascript\n  value: \"({ pass: false, score: 0.2, reason: 'too short' })\"", 'x');
  assert.deepEqual([obj.pass, obj.reason], [false, 'too short']);
  assert.match((await run('- type: javascript\n  value: "throw new Error(\'boom\')"', 'x')).reason, /threw: boom/);
  const loop = await run('- type: javascript\n  value: "while (true) {}"', 'x', { javascriptTimeoutMs: 50 });
  assert.deepEqual([loop.pass, loop.error], [false, true]);
  assert.match(loop.reason, /longer than 50 ms/);
  assert.match((await run('- type: javascript\n  value: "let x = 1"', 'x')).reason, /returned nothing/);
  assert.match((await run('- type: javascript\n  value: "typeof require + typeof process"', 'x')).reason, /returned "undefinedundefined"/);
  let ran = false;
  const untrusted = await run('- type: javascript\n  value: "true"', 'x', { trusted: false, judge: async () => ((ran = true), { output: '' }) });
  assert.equal(untrusted.error, true);
  assert.match(untrusted.reason, /only in a trusted workspace/);
  assert.equal(ran, false);
});

test('llm-rubric asks the judge through the provider interface and shows its reasoning', async () => {
  let asked: string[] = [];
  const judge: AssertionContext['judge'] = async (r) => {
    asked = r.messages.map((m) => m.text);
    return { output: 'Verdict: {"reason": "Three bullets and an action line.", "score": 0.9, "pass": true}', model: 'judge-1' };
  };
  const r = await run('- type: llm-rubric\n  value: At most three bullets', '- a\n- b', { judge });
  assert.equal(r.pass, true);
  assert.equal(r.reasoning, 'Three bullets and an action line.');
  assert.match(r.reason, /The judge \(judge-1\) gave 0\.90: Three bullets/);
  assert.match(asked[1], /<rubric>\nAt most three bullets\n<\/rubric>[\s\S]*<output>\n- a\n- b\n<\/output>/);
  const strict = await run('- type: llm-rubric\n  value: x\n  threshold: 0.95', 'y', { judge });
  assert.equal(strict.pass, false);
  const garbled = await run('- type: llm-rubric\n  value: x', 'y', { judge: async () => ({ output: 'I think it is fine.' }) });
  assert.deepEqual([garbled.pass, garbled.error, garbled.reasoning], [false, true, 'I think it is fine.']);
});

test('weights and thresholds decide the case; weight 0 only reports; errors make the case an error', () => {
  const r = (pass: boolean, weight = 1, score = pass ? 1 : 0): AssertionResult => ({ type: 'contains', pass, score, weight, reason: '', line: 0 });
  assert.deepEqual(caseVerdict([r(true), r(false, 0)], undefined).pass, true);
  assert.equal(caseVerdict([r(true), r(false)], undefined).pass, false);
  assert.equal(caseVerdict([r(true, 3), r(false, 1)], undefined).score, 0.75);
  assert.equal(caseVerdict([r(true, 3), r(false, 1)], 0.75).pass, true);
  assert.equal(caseVerdict([r(true, 3), r(false, 1)], 0.8).pass, false);
  assert.match(caseVerdict([r(true, 3), r(false, 1)], 0.8).reason, /Score 0\.75 < threshold 0\.8/);
  const errored = caseVerdict([r(true), { ...r(false), error: true, reason: 'Not run: untrusted' }], undefined);
  assert.deepEqual([errored.pass, errored.error], [false, 'Not run: untrusted']);
  assert.equal(caseVerdict([], undefined).pass, true);
});
