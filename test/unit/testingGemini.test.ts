// The `googleai` and `vertexai` providers (Google's `@google/genai` SDK) against the local provider
// server speaking Gemini's wire format: the request (contents, roles, systemInstruction, the
// parameters Dotprompt writes, structured output), the reply (text, usage, modelVersion), streaming,
// Vertex AI's path and credentials, retries of 429 and 500, a clear 400, garbage bodies, timeouts
// and cancellation closing the connection.
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { after, before, beforeEach, test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { createGeminiProvider, createProviders, geminiParameters, loadSuite, ProviderError, runTests, type GeminiProviderOptions } from '../../server/src/service/testing';
import { readTextUri } from '../../server/src/node/workspaceReads';
import { MockProvider } from '../support/mockProvider';

const KEY = 'AIza-test-GEMINI-0123456789abcdef';
let mock: MockProvider;
before(async () => {
  mock = await MockProvider.start();
});
after(async () => {
  await mock.stop();
});
beforeEach(() => mock.reset());

const gemini = (o: Partial<GeminiProviderOptions> = {}) => createGeminiProvider({ apiKey: KEY, baseURL: mock.geminiBaseUrl, timeoutMs: 5000, maxRetries: 2, ...o });
/** google-auth-library's GoogleAuth takes any client with getRequestHeaders: no network, a fixed token. */
const fakeAdc = { authClient: { getRequestHeaders: async () => new Headers({ authorization: 'Bearer adc-token-123' }) } };
const vertex = (o: Partial<GeminiProviderOptions> = {}) => gemini({ backend: 'vertexai', apiKey: undefined, project: 'my-proj', location: 'europe-west4', googleAuthOptions: fakeAdc, ...o });
const messages = [
  { role: 'system', text: 'Be brief.' },
  { role: 'user', text: 'Hello' },
  { role: 'model', text: 'Hi' },
  { role: 'user', text: 'Summarise' },
];

async function failure(p: Promise<unknown>): Promise<ProviderError> {
  try {
    await p;
  } catch (e) {
    assert.ok(e instanceof ProviderError, `expected a ProviderError, got ${String(e)}`);
    return e;
  }
  assert.fail('expected the call to fail');
}

async function until(check: () => boolean, what: string, ms = 3000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) assert.fail(`timed out waiting for: ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

test('googleai: generateContent request (roles, systemInstruction, Dotprompt config) and reply (text, usage, modelVersion)', async () => {
  mock.queue.push({ text: 'Summary.', model: 'gemini-2.5-flash-001', usage: { input: 42, output: 3 } });
  const safetySettings = [{ category: 'HARM_CATEGORY_HATE_SPEECH', threshold: 'BLOCK_LOW_AND_ABOVE' }];
  const reply = await gemini().call({
    model: 'gemini-2.5-flash',
    messages,
    parameters: { temperature: 0.2, maxOutputTokens: 400, topK: 5, topP: 0.9, stopSequences: ['\n\n'], safetySettings, thinkingConfig: { thinkingBudget: 128 }, seed: 7 },
  });
  const { sent, ...answer } = reply;
  assert.deepEqual(answer, { output: 'Summary.', model: 'gemini-2.5-flash-001', finishReason: 'STOP', usage: { inputTokens: 42, outputTokens: 3 } });
  // The request as sent, for the run record: the body the server received, no header.
  assert.deepEqual(sent?.body, (({ model: _m, ...b }) => b)(mock.requests[0].body));
  assert.equal(new URL(sent!.url).pathname + new URL(sent!.url).search, mock.requests[0].path);
  const req = mock.requests[0];
  assert.equal(req.api, 'gemini');
  assert.equal(req.path, '/v1beta/models/gemini-2.5-flash:generateContent');
  assert.equal(req.headers['x-goog-api-key'], KEY);
  const { model: _model, ...body } = req.body;
  assert.deepEqual(body, {
    contents: [
      { role: 'user', parts: [{ text: 'Hello' }] },
      { role: 'model', parts: [{ text: 'Hi' }] },
      { role: 'user', parts: [{ text: 'Summarise' }] },
    ],
    systemInstruction: { parts: [{ text: 'Be brief.' }], role: 'user' },
    generationConfig: { temperature: 0.2, maxOutputTokens: 400, topK: 5, topP: 0.9, stopSequences: ['\n\n'], thinkingConfig: { thinkingBudget: 128 }, seed: 7 },
    safetySettings,
  });
});

test('structured output: output.format json with a schema asks for application/json and the JSON Schema', async () => {
  mock.queue.push({ text: '{"team":"billing"}' });
  const schema = { type: 'object', properties: { team: { type: 'string', enum: ['billing', 'technical'] } }, required: ['team'] };
  const reply = await gemini().call({ model: 'gemini-2.5-flash', messages: [{ role: 'user', text: 'Route this.' }], parameters: {}, output: { format: 'json', schema } });
  assert.equal(reply.output, '{"team":"billing"}');
  const config = mock.requests[0].body.generationConfig as Record<string, unknown>;
  assert.equal(config.responseMimeType, 'application/json');
  assert.deepEqual(config.responseJsonSchema, schema);
  mock.queue.push({ text: '{}' });
  await gemini().call({ model: 'gemini-2.5-flash', messages: [{ role: 'user', text: 'x' }], parameters: {}, output: { format: 'json' } });
  assert.deepEqual(mock.requests[1].body.generationConfig, { responseMimeType: 'application/json' });
});

test('parameters: reasoningEffort becomes a thinking level, Genkit\'s version picks the model, its apiKey is never sent', async () => {
  assert.deepEqual(geminiParameters({ reasoningEffort: 'low', maxOutputTokens: 10 }), { thinkingConfig: { thinkingLevel: 'LOW' }, maxOutputTokens: 10 });
  assert.deepEqual(geminiParameters({ reasoningEffort: 'high', thinkingConfig: { thinkingBudget: 0 } }), { thinkingConfig: { thinkingBudget: 0 } });
  mock.queue.push({ text: 'v' });
  await gemini().call({ model: 'gemini-2.5-flash', messages: [{ role: 'user', text: 'x' }], parameters: { version: 'gemini-2.5-flash-002', apiKey: 'AIza-from-config' } });
  assert.equal(mock.requests[0].path, '/v1beta/models/gemini-2.5-flash-002:generateContent');
  assert.ok(!JSON.stringify(mock.requests[0].body).includes('AIza-from-config'));
  // A prompt of system text only still sends one user turn (generateContent needs contents).
  mock.queue.push({ text: 'ok' });
  await gemini().call({ model: 'm', messages: [{ role: 'system', text: 'Only rules.' }], parameters: {} });
  assert.deepEqual(mock.requests[1].body.contents, [{ role: 'user', parts: [{ text: '(begin)' }] }]);
});

test('streaming: streamGenerateContent?alt=sse, text pieces joined, usage and model from the last chunk', async () => {
  mock.script = () => ({ text: 'A streamed answer.', usage: { input: 7, output: 4 }, model: 'gemini-2.5-pro-002' });
  const reply = await gemini({ stream: true }).call({ model: 'gemini-2.5-pro', messages, parameters: {} });
  assert.deepEqual([reply.output, reply.model, reply.usage, reply.finishReason], ['A streamed answer.', 'gemini-2.5-pro-002', { inputTokens: 7, outputTokens: 4 }, 'STOP']);
  assert.equal(typeof reply.firstTokenMs, 'number');
  assert.equal(mock.requests[0].path, '/v1beta/models/gemini-2.5-pro:streamGenerateContent?alt=sse');
});

test('vertexai: the project and location path, a bearer token from the credentials, no API key', async () => {
  mock.queue.push({ text: 'From Vertex.', usage: { input: 5, output: 2 } });
  const p = vertex();
  assert.equal(p.id, 'vertexai');
  const reply = await p.call({ model: 'gemini-2.5-flash', messages, parameters: { maxOutputTokens: 50 } });
  assert.equal(reply.output, 'From Vertex.');
  const req = mock.requests[0];
  assert.equal(req.path, '/v1beta1/projects/my-proj/locations/europe-west4/publishers/google/models/gemini-2.5-flash:generateContent');
  assert.equal(req.headers.authorization, 'Bearer adc-token-123');
  assert.equal(req.headers['x-goog-api-key'], undefined);
  assert.deepEqual(req.body.generationConfig, { maxOutputTokens: 50 });
  // Without a project there is nothing to call: the message says where to set one.
  const e = await failure(vertex({ project: undefined }).call({ model: 'm', messages, parameters: {} }));
  assert.equal(e.kind, 'config');
  assert.match(e.message, /promptWorkbench\.providers\.vertexai\.project.*GOOGLE_CLOUD_PROJECT/);
  // The default endpoints are the SDK's.
  assert.equal(createGeminiProvider({ backend: 'vertexai', project: 'p', location: 'us-central1', timeoutMs: 1, maxRetries: 0 }).endpoint, 'https://us-central1-aiplatform.googleapis.com');
  assert.equal(createGeminiProvider({ backend: 'vertexai', project: 'p', timeoutMs: 1, maxRetries: 0 }).endpoint, 'https://aiplatform.googleapis.com');
  assert.equal(createGeminiProvider({ apiKey: KEY, timeoutMs: 1, maxRetries: 0 }).endpoint, 'https://generativelanguage.googleapis.com');
});

test('retries: 429 and 500 are retried by the SDK, then the error says how often', async () => {
  mock.queue.push({ status: 429, text: 'Resource has been exhausted' }, { status: 500, text: 'Internal error' }, { text: 'third time' });
  assert.equal((await gemini().call({ model: 'm', messages, parameters: {} })).output, 'third time');
  assert.equal(mock.requests.length, 3);

  mock.reset();
  mock.script = () => ({ status: 429, text: 'Quota exceeded for this project.' });
  const e = await failure(gemini({ maxRetries: 1 }).call({ model: 'm', messages, parameters: {} }));
  assert.equal(e.kind, 'rate-limited');
  assert.equal(e.status, 429);
  assert.match(e.message, /^Gemini API is rate-limiting these requests \(HTTP 429 \(after 2 attempts\)\): Quota exceeded for this project\. Lower the concurrency/);
  assert.equal(mock.requests.length, 2);
});

test('a 400 is not retried and its message is the server\'s; a refused key is reported without the key', async () => {
  mock.queue.push({ status: 400, text: '* GenerateContentRequest.generation_config.top_k: must be positive' });
  const e = await failure(gemini().call({ model: 'm', messages, parameters: { topK: -1 } }));
  assert.equal(e.kind, 'http');
  assert.equal(e.message, 'Gemini API rejected the request (HTTP 400): * GenerateContentRequest.generation_config.top_k: must be positive.');
  assert.equal(mock.requests.length, 1);

  mock.queue.push({ status: 403, text: `API key not valid: ${KEY}` });
  const auth = await failure(gemini().call({ model: 'm', messages, parameters: {} }));
  assert.equal(auth.kind, 'auth');
  assert.ok(!auth.message.includes(KEY), auth.message);
  assert.match(auth.message, /API key not valid: \[redacted\].*GEMINI_API_KEY/);
});

test('garbage and empty bodies are bad responses with a clear message', async () => {
  mock.queue.push({ raw: '{"candidates": [ {"cont' });
  const e = await failure(gemini({ maxRetries: 0 }).call({ model: 'm', messages, parameters: {} }));
  assert.equal(e.kind, 'bad-response');
  assert.match(e.message, /^Gemini API sent a response that is not valid JSON .*Is http:\/\/127\.0\.0\.1:\d+ a Gemini API server\?$/);
  mock.queue.push({ raw: '{"usageMetadata": {}}' });
  const empty = await failure(gemini({ maxRetries: 0 }).call({ model: 'm', messages, parameters: {} }));
  assert.equal(empty.kind, 'bad-response');
  assert.match(empty.message, /has no candidate/);
  mock.queue.push({ raw: '{"promptFeedback": {"blockReason": "SAFETY"}}' });
  const blocked = await failure(gemini({ maxRetries: 0 }).call({ model: 'm', messages, parameters: {} }));
  assert.equal(blocked.kind, 'model');
  assert.match(blocked.message, /blocked the prompt \(SAFETY\)\. Change the prompt or its safetySettings/);
});

test('a stalled server times out (per attempt), and the connection is closed', async () => {
  mock.queue.push({ stall: true });
  const e = await failure(gemini({ timeoutMs: 300, maxRetries: 0 }).call({ model: 'm', messages, parameters: {} }));
  assert.equal(e.kind, 'timeout');
  assert.match(e.message, /^Gemini API did not answer within 0\.3 s at http:\/\/127\.0\.0\.1:\d+\. Raise the timeout/);
  await until(() => mock.requests[0].closedByClient, 'the server sees the connection closed');
});

test('cancellation aborts the request in flight at once, plain and streaming, without a retry', async () => {
  for (const stream of [false, true]) {
    mock.reset();
    mock.queue.push({ stall: true });
    const controller = new AbortController();
    const call = gemini({ stream }).call({ model: 'm', messages, parameters: {}, signal: controller.signal });
    await until(() => mock.requests.length === 1, 'the request arrives');
    controller.abort();
    const e = await failure(call);
    assert.equal(e.kind, 'cancelled');
    await until(() => mock.requests[0].closedByClient, 'the server sees the connection closed');
    assert.equal(mock.requests.length, 1);
  }
});

test('a connection reset mid-answer is retried, plain and streaming', async () => {
  for (const stream of [false, true]) {
    mock.reset();
    mock.queue.push({ reset: true, text: 'This answer is cut in the middle.' }, { text: 'The whole answer.' });
    const reply = await gemini({ stream }).call({ model: 'm', messages, parameters: {} });
    assert.equal(reply.output, 'The whole answer.', `stream: ${stream}`);
    assert.equal(mock.requests.length, 2);
  }
});

test('an unreachable server and a missing key say what to do', async () => {
  const port = await new Promise<number>((resolve) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const p = (s.address() as { port: number }).port;
      s.close(() => resolve(p));
    });
  });
  const e = await failure(gemini({ baseURL: `http://127.0.0.1:${port}`, maxRetries: 0 }).call({ model: 'm', messages, parameters: {} }));
  assert.equal(e.kind, 'unreachable');
  assert.match(e.message, /^Cannot reach Gemini API at http:\/\/127\.0\.0\.1:\d+ \(ECONNREFUSED\)\. Check the base URL \(setting promptWorkbench\.providers\.gemini\.baseUrl, or GOOGLE_GEMINI_BASE_URL/);
  const noKey = await failure(gemini({ apiKey: undefined }).call({ model: 'm', messages, parameters: {} }));
  assert.equal(noKey.kind, 'no-key');
  assert.match(noKey.message, /Set API Key.*GEMINI_API_KEY/);
  assert.equal(mock.requests.length, 0);
});

test('createProviders: googleai and vertexai with their keys, base URLs and project; the Gemini key is a secret to redact; untrusted builds neither', async () => {
  const config = { keys: { googleai: KEY }, baseUrls: { googleai: mock.geminiBaseUrl, vertexai: mock.geminiBaseUrl }, vertex: { project: 'proj-1', location: 'us-east1', googleAuthOptions: fakeAdc }, timeoutMs: 5000, maxRetries: 0, trusted: true };
  const p = createProviders(config);
  assert.ok(p.secrets.includes(KEY));
  const g = p.providerFor('googleai');
  assert.deepEqual([g.id, g.endpoint], ['googleai', mock.geminiBaseUrl]);
  mock.script = () => ({ text: 'ok' });
  await g.call({ model: 'gemini-2.0-flash', messages, parameters: {} });
  await p.providerFor('vertexai').call({ model: 'gemini-2.0-flash', messages, parameters: {} });
  assert.deepEqual(mock.requests.map((r) => r.path), ['/v1beta/models/gemini-2.0-flash:generateContent', '/v1beta1/projects/proj-1/locations/us-east1/publishers/google/models/gemini-2.0-flash:generateContent']);
  const untrusted = createProviders({ ...config, trusted: false });
  assert.throws(() => untrusted.providerFor('googleai'), (e: ProviderError) => e.kind === 'untrusted');
  assert.throws(() => untrusted.providerFor('vertexai'), (e: ProviderError) => e.kind === 'untrusted');
});

test('a run: a googleai/ prompt goes to the googleai provider with its config and output schema; usage, returned model and cost are recorded', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'pw-gemini-'));
  writeFileSync(path.join(dir, 'route.prompt'), '---\nmodel: googleai/gemini-2.5-flash\nconfig:\n  temperature: 0\n  maxOutputTokens: 100\n  topK: 3\n  safetySettings:\n    - category: HARM_CATEGORY_HARASSMENT\n      threshold: BLOCK_NONE\noutput:\n  format: json\n  schema:\n    team: string\n---\n{{role "system"}}Route tickets.\n{{role "user"}}{{message}}\n');
  writeFileSync(path.join(dir, 'route.tests.yaml'), 'cases:\n  - name: billing\n    vars: { message: charged twice }\n    assert:\n      - type: is-json\n');
  const suite = await loadSuite(pathToFileURL(path.join(dir, 'route.tests.yaml')).toString(), pathToFileURL(dir).toString(), readTextUri);
  mock.queue.push({ text: '{"team":"billing"}', model: 'gemini-2.5-flash-preview-09', usage: { input: 1_000_000, output: 200_000 } });
  const summary = await runTests([suite], { ...createProviders({ keys: { googleai: KEY }, baseUrls: { googleai: mock.geminiBaseUrl }, timeoutMs: 5000, maxRetries: 0, trusted: true }), concurrency: 2, readText: readTextUri });
  const r = summary.results[0];
  assert.equal(r.status, 'passed', r.reason);
  assert.deepEqual([r.provider, r.requestedModel, r.returnedModel, r.endpoint], ['googleai', 'googleai/gemini-2.5-flash', 'gemini-2.5-flash-preview-09', mock.geminiBaseUrl]);
  assert.deepEqual(r.usage, { inputTokens: 1_000_000, outputTokens: 200_000 });
  // gemini-2.5-flash: $0.30 per million input tokens, $2.50 per million output tokens.
  assert.ok(Math.abs(r.cost! - (0.3 + 0.5)) < 1e-9, String(r.cost));
  const req = mock.requests[0];
  assert.equal(req.path, '/v1beta/models/gemini-2.5-flash:generateContent');
  assert.deepEqual(req.body.systemInstruction, { parts: [{ text: 'Route tickets.' }], role: 'user' });
  assert.deepEqual(req.body.contents, [{ role: 'user', parts: [{ text: 'charged twice' }] }]);
  assert.deepEqual(req.body.safetySettings, [{ category: 'HARM_CATEGORY_HARASSMENT', threshold: 'BLOCK_NONE' }]);
  const config = req.body.generationConfig as Record<string, unknown>;
  assert.deepEqual([config.temperature, config.maxOutputTokens, config.topK, config.responseMimeType], [0, 100, 3, 'application/json']);
  assert.deepEqual((config.responseJsonSchema as { properties: unknown }).properties, { team: { type: 'string' } });
});

test('the SDK reads none of its environment variables: the key, base URL and project are the ones the door passed', async () => {
  const saved = { ...process.env };
  Object.assign(process.env, { GEMINI_API_KEY: 'AIza-from-env', GOOGLE_API_KEY: 'AIza-other-env', GOOGLE_GEMINI_BASE_URL: 'http://127.0.0.1:9', GOOGLE_VERTEX_BASE_URL: 'http://127.0.0.1:9', GOOGLE_CLOUD_PROJECT: 'env-project', GOOGLE_CLOUD_LOCATION: 'env-location' });
  try {
    mock.script = () => ({ text: 'ok' });
    await gemini().call({ model: 'm', messages, parameters: {} });
    await vertex().call({ model: 'm', messages, parameters: {} });
    assert.equal(mock.requests[0].headers['x-goog-api-key'], KEY);
    assert.equal(mock.requests[1].path, '/v1beta1/projects/my-proj/locations/europe-west4/publishers/google/models/m:generateContent');
    assert.equal(mock.requests[1].headers['x-goog-api-key'], undefined);
    assert.equal(createGeminiProvider({ apiKey: KEY, timeoutMs: 1, maxRetries: 0 }).endpoint, 'https://generativelanguage.googleapis.com');
  } finally {
    for (const k of ['GEMINI_API_KEY', 'GOOGLE_API_KEY', 'GOOGLE_GEMINI_BASE_URL', 'GOOGLE_VERTEX_BASE_URL', 'GOOGLE_CLOUD_PROJECT', 'GOOGLE_CLOUD_LOCATION']) {
      if (saved[k] === undefined) delete process.env[k];
      else process.env[k] = saved[k];
    }
  }
});
