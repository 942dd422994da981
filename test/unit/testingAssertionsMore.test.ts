// The checks without a model call: icontains-any/-all, levenshtein, is-xml, contains-xml,
// finish-reason (one vocabulary for the three APIs), the tool-call checks, perplexity and
// perplexity-score from given log probabilities, their `not-` forms, weights, thresholds, and the
// fixture schema's checks of their values and threshold ranges (with the range of each finding).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parsePromptDocument } from '../../server/src/service';
import { caseVerdict, completeFixture, evaluateAssertion, fixtureDiagnostics, hoverFixture, normalizeFinishReason, parseFixtureFile, type AssertionContext, type AssertionResult, type FixtureAssertion } from '../../server/src/service/testing';

function parse(yaml: string) {
  return parseFixtureFile(`cases:\n  - name: a\n    assert:\n${yaml.replace(/^/gm, '      ')}\n`, 'file:///w/x.tests.yaml');
}

function assertion(yaml: string): FixtureAssertion {
  const f = parse(yaml);
  assert.deepEqual(f.diagnostics.map((d) => d.message), []);
  return f.cases[0].assert[0];
}

function ctx(output: string, extra: Partial<AssertionContext> = {}): AssertionContext {
  return { output, vars: {}, latencyMs: 120, provider: 'openai', model: 'gpt-4o-mini', countTokens: (t) => t.split(/\s+/).filter(Boolean).length, trusted: true, ...extra };
}

async function run(yaml: string, output: string, extra: Partial<AssertionContext> = {}): Promise<AssertionResult> {
  return evaluateAssertion(assertion(yaml), ctx(output, extra));
}

test('icontains-any and icontains-all ignore case; icontains-all scores the share found', async () => {
  const any = await run('- type: icontains-any\n  value: [REFUND, Credit]', 'We issued a refund.');
  assert.equal(any.pass, true);
  assert.equal(any.reason, 'The output contains "REFUND" (ignoring case).');
  const none = await run('- type: icontains-any\n  value: [refund, credit]', 'Thanks.');
  assert.equal(none.pass, false);
  assert.equal(none.reason, 'The output contains none of "refund", "credit", even ignoring case.');
  const all = await run('- type: icontains-all\n  value: [ORDER, refund, Apology]', 'order REFUND');
  assert.equal(all.pass, false);
  assert.equal(all.score, 2 / 3);
  assert.equal(all.reason, 'The output lacks "Apology", even ignoring case (2 of 3 found).');
  const not = await run('- type: not-icontains-any\n  value: [SORRY]', 'sorry!');
  assert.equal(not.pass, false);
  assert.equal(not.score, 0);
  assert.match(not.reason, /contains "SORRY" \(ignoring case\)\. \(`not-icontains-any` expects the opposite\.\)/);
});

test('levenshtein: threshold is the largest edit distance that passes (default 5)', async () => {
  const near = await run('- type: levenshtein\n  value: kitten\n  threshold: 3', 'sitting');
  assert.equal(near.pass, true);
  assert.equal(near.reason, 'The output is 3 edits away from "kitten"; the most that passes is 3.');
  const far = await run('- type: levenshtein\n  value: kitten\n  threshold: 2', 'sitting');
  assert.equal(far.pass, false);
  assert.equal(far.score, 0);
  assert.equal(far.expected, 'at most 2 edits from "kitten"');
  // Default 5: "hello world" -> "hello there" is 4 edits... and "goodbye" is more.
  assert.equal((await run('- type: levenshtein\n  value: hello world', 'hello word')).pass, true);
  const dflt = await run('- type: levenshtein\n  value: hello world', 'goodbye');
  assert.equal(dflt.pass, false);
  assert.match(dflt.reason, /the most that passes is 5\.$/);
  assert.equal((await run('- type: not-levenshtein\n  value: kitten\n  threshold: 1', 'sitting')).pass, true);
});

test('is-xml: one well-formed document, with requiredElements by path; not-is-xml', async () => {
  const ok = await run('- type: is-xml', '<root><child>Content</child></root>');
  assert.equal(ok.pass, true);
  assert.equal(ok.reason, 'The output is well-formed XML.');
  const open = await run('- type: is-xml', '<root><child>Content</child></root');
  assert.equal(open.pass, false);
  assert.match(open.reason, /^The output is not well-formed XML: Closing tag 'root' doesn't have proper closing \(line 1, column \d+\)\.$/);
  const two = await run('- type: is-xml', '<a/><b/>');
  assert.equal(two.reason, 'The output is not well-formed XML: it has 2 top-level elements; a document has one root element.');
  assert.match((await run('- type: is-xml', 'Sure: <a/>')).reason, /^The output is not well-formed XML: char 'S' is not expected/);
  assert.match((await run('- type: is-xml', '<!DOCTYPE r [<!ENTITY x "y">]><r>&x;</r>')).reason, /DTD internal subset/);
  const req = '- type: is-xml\n  value:\n    requiredElements: [analysis.classification, analysis.color]';
  assert.equal((await run(req, '<?xml version="1.0"?><analysis><classification>T-shirt</classification><color>Red</color></analysis>')).pass, true);
  const missing = await run(req, '<analysis><classification>T-shirt</classification></analysis>');
  assert.equal(missing.pass, false);
  assert.equal(missing.score, 0.5);
  assert.equal(missing.reason, 'The output is well-formed XML but lacks `analysis.color`.');
  // Repeated elements: any of them may hold the path; empty elements count.
  assert.equal((await run('- type: is-xml\n  value: { requiredElements: [r.item.id] }', '<r><item/><item><id>2</id></item></r>')).pass, true);
  assert.equal((await run('- type: is-xml\n  value: { requiredElements: [r.empty] }', '<r><empty/></r>')).pass, true);
  assert.equal((await run('- type: not-is-xml', 'plain text')).pass, true);
});

test('contains-xml: a fragment among other text, required elements from its root', async () => {
  const text = 'Sure, here is your xml:\n<root><child>Content</child></root>\nlet me know!';
  const r = await run('- type: contains-xml\n  value: { requiredElements: [root.child] }', text);
  assert.equal(r.pass, true);
  assert.match(r.reason, /^The output contains well-formed XML \("<root><child>Content<\/child><\/root>"\) with `root.child`\.$/);
  const wrapped = await run('- type: contains-xml\n  value: { requiredElements: [root.child] }', 'x <wrapper><root><child/></root></wrapper> y');
  assert.equal(wrapped.pass, false);
  assert.match(wrapped.reason, /but none with `root.child`/);
  assert.equal((await run('- type: contains-xml\n  value: { requiredElements: [wrapper.root.child] }', 'x <wrapper><root><child/></root></wrapper> y')).pass, true);
  const none = await run('- type: contains-xml', 'a < b and c > d, <broken>');
  assert.equal(none.pass, false);
  assert.equal(none.reason, 'The output contains no well-formed XML element.');
  assert.equal((await run('- type: contains-xml', 'Self-closing: <br/> here')).pass, true);
  assert.equal((await run('- type: not-contains-xml', 'no markup')).pass, true);
});

test('finish-reason: one vocabulary for OpenAI, Anthropic and Gemini, the API\'s own name matches too', async () => {
  assert.equal(normalizeFinishReason({ finishReason: 'end_turn' }), 'stop');
  assert.equal(normalizeFinishReason({ finishReason: 'max_tokens' }), 'length');
  assert.equal(normalizeFinishReason({ finishReason: 'MAX_TOKENS' }), 'length');
  assert.equal(normalizeFinishReason({ finishReason: 'tool_use' }), 'tool_calls');
  assert.equal(normalizeFinishReason({ finishReason: 'SAFETY' }), 'content_filter');
  assert.equal(normalizeFinishReason({ finishReason: 'STOP', toolCalls: [{ format: 'gemini', name: 'f', arguments: {} }] }), 'tool_calls');
  assert.equal(normalizeFinishReason({ finishReason: 'MALFORMED_FUNCTION_CALL' }), 'malformed_function_call');
  const cut = await run('- type: finish-reason\n  value: stop', 'An answer cut', { provider: 'anthropic', finishReason: 'max_tokens' });
  assert.equal(cut.pass, false);
  assert.equal(cut.reason, 'The model stopped with `length` (Anthropic: `max_tokens`), not `stop`.');
  assert.equal(cut.actual, 'length');
  assert.equal((await run('- type: finish-reason\n  value: length', 'x', { provider: 'googleai', finishReason: 'MAX_TOKENS' })).pass, true);
  assert.equal((await run('- type: finish-reason\n  value: MAX_TOKENS', 'x', { provider: 'googleai', finishReason: 'MAX_TOKENS' })).pass, true);
  assert.equal((await run('- type: not-finish-reason\n  value: length', 'x', { finishReason: 'stop' })).pass, true);
  const none = await run('- type: finish-reason\n  value: stop', 'x', { provider: 'render' });
  assert.equal(none.error, true);
  assert.equal(none.reason, 'render reported no finish reason, so `finish-reason` cannot be checked.');
});

const TOOLS = [{ name: 'get_weather', description: 'Weather of a city', parameters: { type: 'object', properties: { city: { type: 'string' }, days: { type: 'integer', minimum: 1 } }, required: ['city'], additionalProperties: false } }];

test('tool-call checks: declared names, arguments against the JSON Schema, the format of each API', async () => {
  const ok = await run('- type: is-valid-openai-tools-call', '[]', { tools: TOOLS, toolCalls: [{ format: 'openai', name: 'get_weather', arguments: '{"city":"Oslo","days":2}' }] });
  assert.equal(ok.pass, true);
  assert.equal(ok.reason, 'The model called `get_weather`, with arguments that match the declared parameters.');
  const bad = await run('- type: is-valid-openai-tools-call', '[]', {
    tools: TOOLS,
    toolCalls: [
      { format: 'openai', name: 'get_weather', arguments: '{"days":0}' },
      { format: 'openai', name: 'book_flight', arguments: '{}' },
      { format: 'openai', name: 'get_weather', arguments: '{"city": Oslo}' },
      { format: 'openai', name: 'get_weather', arguments: '{"city":"Rome"}' },
    ],
  });
  assert.equal(bad.pass, false);
  assert.equal(bad.score, 0.25);
  assert.match(bad.reason, /^1 of 4 tool calls are valid: the arguments of `get_weather` do not match its parameters: \(the root\): must have required property 'city'.*\/days: must be >= 1.*; `book_flight` is not a declared tool \(declared: `get_weather`\); the arguments of `get_weather` are not valid JSON/);
  const anth = await run('- type: is-valid-anthropic-tools-call', '', { provider: 'anthropic', tools: TOOLS, toolCalls: [{ format: 'anthropic', name: 'get_weather', arguments: { city: 'Oslo', extra: 1 } }] });
  assert.equal(anth.pass, false);
  assert.match(anth.reason, /must NOT have additional properties \(`extra`\)/);
  const gem = await run('- type: is-valid-gemini-tools-call', '', { provider: 'googleai', tools: TOOLS, toolCalls: [{ format: 'gemini', name: 'get_weather', arguments: { city: 'Oslo' } }] });
  assert.equal(gem.pass, true);
  const wrong = await run('- type: is-valid-openai-tools-call', '', { provider: 'anthropic', tools: TOOLS, toolCalls: [{ format: 'anthropic', name: 'get_weather', arguments: { city: 'Oslo' } }] });
  assert.equal(wrong.error, true);
  assert.equal(wrong.reason, '`is-valid-openai-tools-call` checks OpenAI `tool_calls`, but this case ran on Anthropic: use `is-valid-anthropic-tools-call`, or `is-valid-function-call` for any provider.');
  assert.equal((await run('- type: is-valid-function-call', '', { provider: 'anthropic', tools: TOOLS, toolCalls: [{ format: 'anthropic', name: 'get_weather', arguments: { city: 'Oslo' } }] })).pass, true);
  const text = await run('- type: is-valid-openai-tools-call', 'It is sunny.', { tools: TOOLS });
  assert.equal(text.pass, false);
  assert.equal(text.reason, 'The model called no tool (it answered "It is sunny.").');
  assert.equal((await run('- type: not-is-valid-openai-tools-call', 'It is sunny.', { tools: TOOLS })).pass, true);
  const noTools = await run('- type: is-valid-openai-tools-call', '', { toolCalls: [{ format: 'openai', name: 'x', arguments: '{}' }] });
  assert.equal(noTools.error, true);
  assert.match(noTools.reason, /add `tools:` \(name, description, parameters\) to the fixture file/);
});

test('perplexity = exp(-mean logprob) against a maximum; perplexity-score = 1/(1+perplexity); no log probabilities is an error', async () => {
  const logprobs = [-0.1, -0.3, -0.2];
  const ppl = Math.exp(0.2);
  const p = await run('- type: perplexity\n  threshold: 1.5', 'abc', { logprobs });
  assert.equal(p.pass, true);
  assert.equal(p.reason, `The output's perplexity is ${ppl.toFixed(3)} over 3 tokens; the most that passes is 1.5.`);
  const f = await run('- type: perplexity\n  threshold: 1.1', 'abc', { logprobs });
  assert.equal(f.pass, false);
  assert.equal(f.score, 0);
  const s = await run('- type: perplexity-score\n  threshold: 0.5', 'abc', { logprobs });
  assert.equal(s.score, 1 / (1 + ppl));
  assert.equal(s.pass, false);
  assert.match(s.reason, /perplexity score is 0\.450 \(perplexity 1\.221 over 3 tokens\); passing from 0\.5\./);
  assert.equal((await run('- type: perplexity-score\n  threshold: 0.4', 'abc', { logprobs })).pass, true);
  const anthropic = await run('- type: perplexity\n  threshold: 2', 'abc', { provider: 'anthropic' });
  assert.equal(anthropic.error, true);
  assert.equal(anthropic.reason, '`perplexity` is not available here: Anthropic returns no log probabilities. It needs OpenAI-compatible (`logprobs`) or Gemini (`responseLogprobs`) models.');
  const openai = await run('- type: not-perplexity-score', 'abc', { provider: 'openai' });
  assert.equal(openai.error, true, 'not- does not turn a missing measurement into a pass');
  assert.match(openai.reason, /OpenAI returned no log probabilities for this answer/);
});

test('weights and the case threshold count the new checks like the others', async () => {
  const results = [
    await run('- type: levenshtein\n  value: abc\n  threshold: 0\n  weight: 3', 'abc'),
    await run('- type: icontains-all\n  value: [a, z]\n  weight: 1', 'A'),
  ];
  const v = caseVerdict(results, 0.8);
  assert.equal(v.score, (3 * 1 + 1 * 0.5) / 4);
  assert.equal(v.pass, true);
  assert.equal(caseVerdict(results, undefined).pass, false);
});

test('the fixture schema checks values and threshold ranges per type, at the value or threshold', () => {
  const cases: [string, string, RegExp][] = [
    ['- type: levenshtein\n  value: x\n  threshold: 1.5', 'threshold', /of `levenshtein` is the largest edit distance that passes: a whole number of 0 or more, got 1\.5\./],
    ['- type: perplexity', 'type', /`perplexity` needs `threshold`: the largest perplexity that passes \(1 or more/],
    ['- type: perplexity\n  threshold: 0.5', 'threshold', /perplexity is never below 1\), got 0\.5\./],
    ['- type: similar\n  value: x\n  threshold: 2', 'threshold', /`threshold` of `similar` is a score from 0 to 1, got 2\./],
    ['- type: llm-rubric\n  value: x\n  threshold: 1.2', 'threshold', /`threshold` of `llm-rubric` is a score from 0 to 1, got 1\.2\./],
    ['- type: similar\n  value: 3', 'value', /`similar` needs `value`: the expected text, or a list of texts/],
    ['- type: icontains-all\n  value: x', 'value', /`icontains-all` needs `value`: a list of texts, got/],
    ['- type: is-xml\n  value: { requiredElements: [] }', 'value', /takes an optional `value` with `requiredElements`/],
    ['- type: is-xml\n  value: { requiredElements: [a], other: 1 }', 'value', /requiredElements/],
    ['- type: is-valid-openai-tools-call\n  value: x', 'value', /takes no `value` \(the tools are the fixture file's `tools:`\)\./],
    ['- type: perplexity-score\n  value: 1', 'value', /takes no `value` \(the limit is `threshold`\)\./],
    ['- type: factuality', 'type', /`factuality` needs `value`: a text/],
  ];
  for (const [yaml, at, message] of cases) {
    const f = parse(yaml);
    assert.equal(f.diagnostics.length, 1, yaml);
    const d = f.diagnostics[0];
    assert.match(d.message, message, yaml);
    const line = f.lines.positionAt(d.span.start).line;
    const want = yaml.split('\n').findIndex((l) => l.includes(`${at}:`)) + 3;
    assert.equal(line, want, `${yaml}: the finding is on the ${at} line`);
    assert.equal(f.cases[0].assert.length, 0);
  }
  assert.deepEqual(parse('- type: not-similar\n  value: [a, b]\n  threshold: 0.9\n  weight: 2\n  provider: openai\n  model: text-embedding-3-small').diagnostics, []);
  assert.deepEqual(parse('- type: perplexity\n  threshold: 1.8').diagnostics, []);
});

test('tools: in the fixture file: parsed with lines, duplicate and bad names reported where they are', () => {
  const text = 'tools:\n  - name: get_weather\n    description: Weather\n    parameters: { type: object, properties: { city: { type: string } } }\n  - name: lookup\n  - name: get_weather\n  - name: "bad name"\ncases:\n  - name: a\n';
  const f = parseFixtureFile(text, 'file:///w/x.tests.yaml');
  assert.deepEqual(f.tools.map((t) => [t.name, t.line]), [['get_weather', 1], ['lookup', 4]]);
  assert.deepEqual(f.tools[1].parameters, { type: 'object', properties: {} });
  const msgs = f.diagnostics.map((d) => [f.lines.positionAt(d.span.start).line, d.message]);
  assert.equal(msgs.length, 2);
  assert.deepEqual(msgs.find((m) => m[0] === 5), [5, 'Another tool is already named `get_weather` (line 2). Tool names must be unique.']);
  assert.match(String(msgs.find((m) => m[0] === 6)?.[1]), /tools\[3\]\.name/);
});

test('editing: completion and hover of the new types and of tools:, and the prompt\'s tools the fixture must define', () => {
  const prompt = parsePromptDocument('---\nmodel: openai/gpt-4o-mini\ntools: [get_weather, lookup]\n---\n{{question}}\n', 'file:///w/x.prompt');
  const complete = (src: string) => {
    const offset = src.indexOf('|');
    const text = src.replace('|', '');
    const f = parseFixtureFile(text, 'file:///w/x.tests.yaml');
    return completeFixture(text, offset, f.lines, prompt)?.items ?? [];
  };
  const types = complete('cases:\n  - name: a\n    assert:\n      - type: |');
  const lev = types.find((i) => i.label === 'levenshtein');
  assert.match(JSON.stringify(lev?.documentation), /at most `threshold` single-character edits/);
  assert.ok(types.some((i) => i.label === 'not-model-graded-closedqa'));
  assert.deepEqual(complete('tools:\n  - |').map((i) => i.label).sort(), ['description', 'name', 'parameters']);
  assert.deepEqual(complete('tools:\n  - name: |').map((i) => i.label), ['get_weather', 'lookup']);
  const text = 'tools:\n  - name: get_weather\n    parameters: { type: object }\ncases:\n  - name: a\n    vars: { question: q }\n    assert:\n      - type: perplexity-score\n';
  const f = parseFixtureFile(text, 'file:///w/x.tests.yaml');
  const hover = (needle: string) => JSON.stringify(hoverFixture(f, text.indexOf(needle) + 1, prompt)?.contents ?? null);
  assert.match(hover('perplexity-score'), /1 \/ \(1 \+ perplexity\)/);
  assert.match(hover('parameters'), /arguments as JSON Schema/);
  const d = fixtureDiagnostics(f, prompt).filter((x) => x.code === 'fixture-undefined-tool');
  assert.equal(d.length, 1);
  assert.equal(d[0].message, 'x.prompt lists the tool `lookup`, which `tools:` does not define: add it (name, description, parameters), or every case is an error.');
  assert.deepEqual([d[0].span.start, d[0].span.end], [0, 5]);
});
