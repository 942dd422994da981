// Complete run records: every provider's case keeps the request as its SDK sent it (rendered
// messages, parameters, output format, tools, the wire body) and the raw answer (text, finish
// reason, usage, returned model, latency, time to first token), never a key or an auth header;
// each line is valid against the committed JSON Schema; records written in the version 1 shape
// still load.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { after, before, beforeEach, test } from 'node:test';
import { pathToFileURL } from 'node:url';
import Ajv2020 from 'ajv/dist/2020';
import { createProviders, loadSuite, parseRunRecord, runRecordJsonSchema, runTests, writeRunRecord, type CaseRequest, type TestSuite } from '../../server/src/service/testing';
import { nodeFileStore } from '../../server/src/node/host';
import { readTextUri } from '../../server/src/node/workspaceReads';
import { MockProvider } from '../support/mockProvider';
import { sentRequest } from '../../server/src/service/testing/providers/transport';

const ROOT = path.resolve(__dirname, '..', '..');
/** A recognisable fake key per provider: none may appear in a record. */
const KEYS = { openai: 'sk-FAKE-openai-RECORDKEY-11111', anthropic: 'sk-ant-FAKE-RECORDKEY-22222', 'azure-openai': 'azure-FAKE-RECORDKEY-33333', googleai: 'AIza-FAKE-RECORDKEY-44444', github: 'ghp_FAKE_RECORDKEY_55555' } as const;
const ADC_TOKEN = 'ya29.FAKE-ADC-RECORDTOKEN-66666';
let mock: MockProvider;

before(async () => {
  mock = await MockProvider.start();
});
after(async () => {
  await mock.stop();
});
beforeEach(() => mock.reset());

const PROMPT = `---
model: openai/gpt-4o-mini
config:
  temperature: 0.3
  maxOutputTokens: 120
  topP: 0.9
tools: [lookupOrder]
input:
  schema:
    topic: string
output:
  format: json
  schema:
    answer: string
---
{{role "system"}}
You answer in JSON.
{{role "user"}}
Tell me about {{topic}}.
`;

const CASES: [string, string][] = [
  ['openai', 'gpt-4o-mini'],
  ['anthropic', 'claude-3-5-haiku-latest'],
  ['googleai', 'gemini-2.5-flash'],
  ['vertexai', 'gemini-2.5-pro'],
  ['github', 'openai/gpt-4.1-mini'],
  ['azure-openai', 'my-deployment'],
];

async function suite(): Promise<{ suite: TestSuite; dir: string }> {
  const dir = mkdtempSync(path.join(tmpdir(), 'pw-record-req-'));
  writeFileSync(path.join(dir, 'ask.prompt'), PROMPT);
  const cases = CASES.map(([provider, model]) => `  - name: via ${provider}\n    provider: ${provider}\n    model: ${model}\n    vars: { topic: tea }\n    assert:\n      - type: contains\n        value: answer\n`).join('');
  const tools = 'tools:\n  - name: lookupOrder\n    description: Finds an order by its id.\n    parameters:\n      type: object\n      properties: { id: { type: string } }\n      required: [id]\n';
  writeFileSync(path.join(dir, 'ask.tests.yaml'), `prompt: ask.prompt\n${tools}cases:\n${cases}`);
  return { suite: await loadSuite(pathToFileURL(path.join(dir, 'ask.tests.yaml')).toString(), pathToFileURL(dir).toString(), readTextUri), dir };
}

function providers(stream: boolean) {
  return createProviders({
    keys: { ...KEYS },
    baseUrls: { openai: mock.openaiBaseUrl, anthropic: mock.anthropicBaseUrl, googleai: mock.geminiBaseUrl, vertexai: mock.geminiBaseUrl, github: mock.openaiBaseUrl, 'azure-openai': mock.url },
    vertex: { project: 'proj-1', location: 'europe-west4', googleAuthOptions: { authClient: { getRequestHeaders: async () => new Headers({ authorization: `Bearer ${ADC_TOKEN}` }) } } },
    timeoutMs: 5000,
    maxRetries: 0,
    stream,
    trusted: true,
  });
}

for (const stream of [false, true]) {
  test(`every provider's case records the request as sent and the raw answer, without keys${stream ? ' (streaming)' : ''}`, async () => {
    mock.script = (req) => ({ text: '{"answer": "green tea"}', model: `${String(req.body.model ?? 'm')}-2026-01-01`, usage: { input: 31, output: 7 } });
    const { suite: s, dir } = await suite();
    const p = providers(stream);
    const summary = await runTests([s], { ...p, concurrency: 1, readText: readTextUri });
    assert.deepEqual(summary.results.map((r) => [r.caseName, r.status]), CASES.map(([id]) => [`via ${id}`, 'passed']));
    const name = await writeRunRecord(nodeFileStore(dir), summary, { tool: 'prompt-workbench', toolVersion: '0', origin: 'cli' }, () => undefined, p.secrets);
    const text = readFileSync(path.join(dir, name!), 'utf8');
    for (const secret of [...Object.values(KEYS), ADC_TOKEN]) assert.ok(!text.includes(secret), `the record holds ${secret}`);
    assert.ok(!/authorization|api-key|x-goog-api-key|x-api-key/i.test(text), 'no auth header name in the record');

    const parsed = parseRunRecord(text);
    assert.deepEqual(parsed.problems, []);
    assert.equal(parsed.run?.version, 2);
    assert.equal(mock.requests.length, CASES.length);
    for (const [i, [provider, model]] of CASES.entries()) {
      const c = parsed.cases[i] as Record<string, unknown>;
      const request = c.request as CaseRequest;
      const wire = mock.requests[i];
      assert.equal(c.provider, provider);
      assert.deepEqual(request.messages, [
        { role: 'system', text: '\nYou answer in JSON.\n' },
        { role: 'user', text: '\nTell me about tea.' },
      ]);
      assert.deepEqual(request.parameters, { temperature: 0.3, maxOutputTokens: 120, topP: 0.9 });
      assert.deepEqual(request.output, { format: 'json', schema: { type: 'object', properties: { answer: { type: 'string' } }, required: ['answer'], additionalProperties: false } });
      // The definition sent, from the fixture file's `tools:` (the prompt names it).
      assert.deepEqual(request.tools, [{ name: 'lookupOrder', description: 'Finds an order by its id.', parameters: { type: 'object', properties: { id: { type: 'string' } }, required: ['id'] } }]);
      assert.equal(request.model, provider === 'github' ? 'openai/gpt-4.1-mini' : model);
      // The wire body is what reached the server, exactly (the mock adds Gemini's model from the path).
      const body = { ...wire.body };
      if (wire.api === 'gemini') {
        delete body.model;
        delete body.stream;
      }
      assert.deepEqual(request.sent?.body, body, `${provider}: the recorded body is the one sent`);
      assert.equal(new URL(request.sent!.url).pathname + new URL(request.sent!.url).search, wire.path, `${provider}: the URL sent`);
      assert.equal(request.sent?.method, 'POST');
      // The raw answer.
      assert.equal(c.output, '{"answer": "green tea"}');
      assert.ok(typeof c.finishReason === 'string' && c.finishReason.length > 0, `${provider}: finish reason`);
      assert.deepEqual(c.usage, { inputTokens: 31, outputTokens: 7 });
      assert.match(String(c.returnedModel), /-2026-01-01$/);
      assert.equal(typeof c.latencyMs, 'number');
      if (stream) assert.equal(typeof c.firstTokenMs, 'number', `${provider}: time to first token`);
      else assert.equal(c.firstTokenMs, null);
    }
    // Parameters reach each wire format under its own names.
    const bodies = Object.fromEntries(CASES.map(([id], i) => [id, parsed.cases[i].request!.sent!.body as Record<string, unknown>]));
    assert.equal(bodies.openai.max_tokens, 120);
    assert.deepEqual(bodies.openai.response_format, { type: 'json_schema', json_schema: { name: 'output', schema: parsed.cases[0].request!.output!.schema, strict: false } });
    assert.equal(bodies.anthropic.max_tokens, 120);
    assert.equal(bodies.anthropic.system, 'You answer in JSON.');
    assert.equal((bodies.googleai.generationConfig as Record<string, unknown>).maxOutputTokens, 120);
    assert.match(parsed.cases[3].request!.sent!.url, /projects\/proj-1\/locations\/europe-west4\/publishers\/google\/models\/gemini-2\.5-pro/);
    assert.match(parsed.cases[5].request!.sent!.url, /\/openai\/deployments\/my-deployment\/chat\/completions\?api-version=/);

    // Every line is valid against the committed schema.
    const schema = JSON.parse(readFileSync(path.join(ROOT, 'schemas', 'run-record.schema.json'), 'utf8'));
    const validate = new Ajv2020({ strict: false }).compile(schema);
    for (const line of text.trim().split('\n')) assert.ok(validate(JSON.parse(line)), JSON.stringify(validate.errors));
  });
}

test('the committed record schema is the one the code generates', () => {
  const committed = JSON.parse(readFileSync(path.join(ROOT, 'schemas', 'run-record.schema.json'), 'utf8'));
  assert.deepEqual(committed, runRecordJsonSchema(), 'run `node dist/cli.js schema run-record > schemas/run-record.schema.json`');
});

test('a record of the version 1 shape still loads; its cases have no request', () => {
  const v1 = [
    '{"type":"run","version":1,"tool":"prompt-workbench","toolVersion":"0.1.0","origin":"cli","startedAt":"2026-11-01T10:00:00.000Z","finishedAt":"2026-11-01T10:00:02.000Z","durationMs":2000,"counts":{"passed":1,"failed":0,"error":0,"skipped":0},"cache":null}',
    '{"type":"case","id":"a.tests.yaml#one","caseKey":"a.tests.yaml#one","fixture":"a.tests.yaml","prompt":"a.prompt","promptHash":"ab","gitCommit":null,"gitDirty":null,"case":"one","caseLine":3,"repeat":1,"repeats":1,"status":"passed","provider":"openai","endpoint":"https://api.openai.com/v1","requestedModel":"openai/gpt-4o-mini","returnedModel":"gpt-4o-mini-2024-07-18","parameters":{"temperature":0},"vars":{"x":1},"output":"hello","usage":{"inputTokens":5,"outputTokens":1},"latencyMs":300,"firstTokenMs":null,"cost":0.00001,"cached":false,"score":1,"reason":"All 1 assertion passed.","error":null,"checks":"cd","assertions":[{"type":"contains","pass":true,"score":1,"weight":1,"reason":"ok","expected":"hello","actual":null,"reasoning":null,"error":false,"line":5}]}',
  ].join('\n');
  const parsed = parseRunRecord(v1);
  assert.deepEqual(parsed.problems, []);
  assert.equal(parsed.run?.version, 1);
  assert.equal(parsed.cases.length, 1);
  assert.equal(parsed.cases[0].output, 'hello');
  assert.equal(parsed.cases[0].request, undefined);
});

test('the request kept from the wire drops credentials in the URL and never reads headers', () => {
  const sent = sentRequest('https://user:pw@example.test/v1beta/models/m:generateContent?alt=sse&key=AIza-SECRET&api-version=1', { method: 'post', headers: { authorization: 'Bearer SECRET' }, body: '{"a":1}' });
  assert.deepEqual(sent, { method: 'POST', url: 'https://example.test/v1beta/models/m:generateContent?alt=sse&api-version=1', body: { a: 1 } });
  assert.ok(!JSON.stringify(sent).includes('SECRET'));
});
