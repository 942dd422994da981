// The openai and anthropic providers against a real local HTTP server (test/support/mockProvider.ts):
// wire formats, streaming, retries honouring Retry-After, timeouts, cancellation closing the
// connection, malformed answers, unreachable servers, and keys kept out of messages.
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { after, before, beforeEach, test } from 'node:test';
import { createAnthropicProvider, createOpenAIProvider, ProviderError, type Provider } from '../../server/src/service/testing';
import { MockProvider } from '../support/mockProvider';

const KEY = 'sk-test-SECRET-0123456789abcdef';
let mock: MockProvider;
before(async () => {
  mock = await MockProvider.start();
});
after(async () => {
  await mock.stop();
});
beforeEach(() => mock.reset());

const openai = (o: Partial<Parameters<typeof createOpenAIProvider>[0]> = {}) => createOpenAIProvider({ apiKey: KEY, baseURL: mock.openaiBaseUrl, timeoutMs: 5000, maxRetries: 2, ...o });
const anthropic = (o: Partial<Parameters<typeof createAnthropicProvider>[0]> = {}) => createAnthropicProvider({ apiKey: KEY, baseURL: mock.anthropicBaseUrl, timeoutMs: 5000, maxRetries: 2, ...o });
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

test('openai: chat completions request and reply, parameters mapped from Dotprompt config', async () => {
  mock.queue.push({ text: 'Summary.', model: 'gpt-4o-mini-2024-07-18', usage: { input: 42, output: 3 } });
  const reply = await openai().call({ model: 'gpt-4o-mini', messages, parameters: { temperature: 0.2, maxOutputTokens: 400, stopSequences: ['\n\n'], topP: 0.9, topK: 5 }, output: { format: 'json' } });
  const { sent, ...answer } = reply;
  assert.deepEqual(answer, { output: 'Summary.', model: 'gpt-4o-mini-2024-07-18', finishReason: 'stop', usage: { inputTokens: 42, outputTokens: 3 } });
  // The request as sent, for the run record: the body the server received, no header.
  assert.deepEqual(sent?.body, mock.requests[0].body);
  assert.equal(new URL(sent!.url).pathname + new URL(sent!.url).search, mock.requests[0].path);
  const req = mock.requests[0];
  assert.equal(req.path, '/v1/chat/completions');
  assert.equal(req.headers.authorization, `Bearer ${KEY}`);
  assert.deepEqual(req.body, {
    model: 'gpt-4o-mini',
    messages: [
      { role: 'system', content: 'Be brief.' },
      { role: 'user', content: 'Hello' },
      { role: 'assistant', content: 'Hi' },
      { role: 'user', content: 'Summarise' },
    ],
    temperature: 0.2,
    max_tokens: 400,
    stop: ['\n\n'],
    top_p: 0.9,
    response_format: { type: 'json_object' },
  });
  await openai().call({ model: 'o3-mini', messages, parameters: { maxOutputTokens: 9 } });
  assert.equal(mock.requests[1].body.max_completion_tokens, 9);
});

test('openai and anthropic stream: text, usage and the time to the first token', async () => {
  mock.script = () => ({ text: 'A streamed answer.', usage: { input: 7, output: 4 } });
  const o = await openai({ stream: true }).call({ model: 'gpt-4o', messages, parameters: {} });
  assert.equal(o.output, 'A streamed answer.');
  assert.deepEqual(o.usage, { inputTokens: 7, outputTokens: 4 });
  assert.equal(typeof o.firstTokenMs, 'number');
  assert.equal(mock.requests[0].body.stream, true);
  const a = await anthropic({ stream: true }).call({ model: 'claude-sonnet-4-5', messages, parameters: {} });
  assert.deepEqual([a.output, a.model, a.usage, a.finishReason], ['A streamed answer.', 'claude-sonnet-4-5', { inputTokens: 7, outputTokens: 4 }, 'end_turn']);
});

test('anthropic: system parameter, roles, required max_tokens, key header', async () => {
  mock.queue.push({ text: 'Done', usage: { input: 11, output: 1 } });
  const reply = await anthropic().call({ model: 'claude-sonnet-4-5', messages, parameters: { temperature: 0, maxOutputTokens: 200, topK: 20, stopSequences: ['END'], seed: 1 } });
  const { sent, ...answer } = reply;
  assert.deepEqual(answer, { output: 'Done', model: 'claude-sonnet-4-5', usage: { inputTokens: 11, outputTokens: 1 }, finishReason: 'end_turn' });
  // The request as sent, for the run record: the body the server received, no header.
  assert.deepEqual(sent?.body, mock.requests[0].body);
  assert.equal(new URL(sent!.url).pathname + new URL(sent!.url).search, mock.requests[0].path);
  const req = mock.requests[0];
  assert.equal(req.path, '/v1/messages');
  // The SDK sends the key as x-api-key or as a bearer token, depending on its version.
  assert.ok(req.headers['x-api-key'] === KEY || req.headers.authorization === `Bearer ${KEY}`, JSON.stringify(req.headers));
  assert.deepEqual(req.body, {
    model: 'claude-sonnet-4-5',
    system: 'Be brief.',
    messages: [
      { role: 'user', content: 'Hello' },
      { role: 'assistant', content: 'Hi' },
      { role: 'user', content: 'Summarise' },
    ],
    max_tokens: 200,
    temperature: 0,
    top_k: 20,
    stop_sequences: ['END'],
  });
  await anthropic().call({ model: 'claude-x', messages: [{ role: 'user', text: 'x' }], parameters: {} });
  assert.equal(mock.requests[1].body.max_tokens, 4096);
});

test('retries: 429 with Retry-After is waited out, 500s are retried, then the error says so', async () => {
  mock.queue.push({ status: 429, text: 'slow down', headers: { 'retry-after': '1' } }, { text: 'after the wait' });
  const reply = await openai().call({ model: 'm', messages, parameters: {} });
  assert.equal(reply.output, 'after the wait');
  assert.equal(mock.requests.length, 2);
  assert.ok(mock.requests[1].startedAt - mock.requests[0].startedAt >= 900, `waited ${mock.requests[1].startedAt - mock.requests[0].startedAt} ms, Retry-After said 1 s`);

  mock.reset();
  mock.queue.push({ status: 500, text: 'boom' }, { status: 503, text: 'busy' }, { text: 'third time' });
  assert.equal((await anthropic().call({ model: 'm', messages, parameters: {} })).output, 'third time');
  assert.equal(mock.requests.length, 3);

  mock.reset();
  mock.script = () => ({ status: 429, text: 'quota', headers: { 'retry-after-ms': '10' } });
  const e = await failure(openai({ maxRetries: 1 }).call({ model: 'm', messages, parameters: {} }));
  assert.equal(e.kind, 'rate-limited');
  assert.match(e.message, /rate-limiting these requests \(HTTP 429 \(after 2 attempts\)\): quota\. Lower the concurrency/);
  assert.equal(mock.requests.length, 2);
});

test('a stalled server times out, and the connection is closed', async () => {
  mock.queue.push({ stall: true });
  const e = await failure(openai({ timeoutMs: 300, maxRetries: 0 }).call({ model: 'm', messages, parameters: {} }));
  assert.equal(e.kind, 'timeout');
  assert.match(e.message, /did not answer within 0\.3 s at http:\/\/127\.0\.0\.1:\d+\/v1\. Raise the timeout/);
  await until(() => mock.requests[0].closedByClient, 'the server sees the connection closed');
});

test('cancellation aborts the request in flight at once: the server sees the connection closed', async () => {
  for (const [name, provider] of [['openai', openai()], ['anthropic', anthropic()]] as [string, Provider][]) {
    mock.reset();
    mock.queue.push({ stall: true });
    const controller = new AbortController();
    const call = provider.call({ model: 'm', messages, parameters: {}, signal: controller.signal });
    await until(() => mock.requests.length === 1, `${name}: the request arrives`);
    controller.abort();
    const e = await failure(call);
    assert.equal(e.kind, 'cancelled', name);
    await until(() => mock.requests[0].closedByClient, `${name}: the server sees the connection closed`);
    assert.equal(mock.requests.length, 1, `${name}: no retry after a cancel`);
  }
});

test('malformed and empty answers are bad responses with a clear message', async () => {
  mock.queue.push({ raw: '{"choices": [ {"mess' });
  const e = await failure(openai({ maxRetries: 0 }).call({ model: 'm', messages, parameters: {} }));
  assert.equal(e.kind, 'bad-response');
  assert.match(e.message, /not valid JSON.*Is http:\/\/127\.0\.0\.1:\d+\/v1 an OpenAI-compatible server\?/);
  mock.queue.push({ raw: '{"id": "x", "choices": []}' });
  const empty = await failure(openai({ maxRetries: 0 }).call({ model: 'm', messages, parameters: {} }));
  assert.equal(empty.kind, 'bad-response');
  assert.match(empty.message, /has no message text/);
  mock.queue.push({ raw: '{"type": "message"}' });
  assert.equal((await failure(anthropic({ maxRetries: 0 }).call({ model: 'm', messages, parameters: {} }))).kind, 'bad-response');
});

test('an unreachable server and a missing key are reported with what to do', async () => {
  const port = await new Promise<number>((resolve) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const p = (s.address() as { port: number }).port;
      s.close(() => resolve(p));
    });
  });
  const e = await failure(createOpenAIProvider({ apiKey: KEY, baseURL: `http://127.0.0.1:${port}/v1`, timeoutMs: 2000, maxRetries: 0 }).call({ model: 'm', messages, parameters: {} }));
  assert.equal(e.kind, 'unreachable');
  assert.match(e.message, /Cannot reach OpenAI at http:\/\/127\.0\.0\.1:\d+\/v1.*Check the base URL/);
  const noKey = await failure(createOpenAIProvider({ timeoutMs: 1000, maxRetries: 0 }).call({ model: 'm', messages, parameters: {} }));
  assert.equal(noKey.kind, 'no-key');
  assert.match(noKey.message, /Set API Key.*OPENAI_API_KEY/);
  assert.equal((await failure(createAnthropicProvider({ timeoutMs: 1000, maxRetries: 0 }).call({ model: 'm', messages, parameters: {} }))).kind, 'no-key');
  // A local OpenAI-compatible server needs no key.
  mock.queue.push({ text: 'local' });
  assert.equal((await createOpenAIProvider({ baseURL: mock.openaiBaseUrl, timeoutMs: 1000, maxRetries: 0 }).call({ model: 'llama3', messages, parameters: {} })).output, 'local');
});

test('a refused key is reported without the key, even when the server echoes it', async () => {
  mock.queue.push({ status: 401, text: `Incorrect API key provided: ${KEY}.` });
  const e = await failure(openai({ maxRetries: 0 }).call({ model: 'm', messages, parameters: {} }));
  assert.equal(e.kind, 'auth');
  assert.ok(!e.message.includes(KEY), e.message);
  assert.match(e.message, /Incorrect API key provided: \[redacted\]/);
});

test('a connection reset mid-answer (plain and streaming) is retried like a network error, within the retry budget', async () => {
  for (const stream of [false, true]) {
    for (const [name, make] of [['openai', openai], ['anthropic', anthropic]] as const) {
      const label = `${name}${stream ? ', streaming' : ''}`;
      mock.reset();
      mock.queue.push({ reset: true, text: 'This answer is cut in the middle.' }, { text: 'The whole answer.' });
      const reply = await make({ stream, maxRetries: 2 }).call({ model: 'm', messages, parameters: {} });
      assert.equal(reply.output, 'The whole answer.', label);
      assert.equal(mock.requests.length, 2, `${label}: one retry`);
      assert.ok(mock.requests[0].resetAfterBytes! > 0, label);
    }
  }
});

test('a connection reset on every attempt says what happened, how much arrived and how often it was retried', async () => {
  for (const stream of [false, true]) {
    for (const [name, make] of [['openai', openai], ['anthropic', anthropic]] as const) {
      const label = `${name}${stream ? ', streaming' : ''}`;
      mock.reset();
      mock.script = () => ({ reset: true, text: 'Never complete.' });
      const e = await failure(make({ stream, maxRetries: 1 }).call({ model: 'm', messages, parameters: {} }));
      assert.equal(e.kind, 'unreachable', label);
      assert.equal(mock.requests.length, 2, `${label}: maxRetries 1 is two attempts in all`);
      const bytes = mock.requests[1].resetAfterBytes;
      assert.match(e.message, new RegExp(`the connection was reset while the answer was being received \\(after ${bytes} bytes\\); retried 1 time\\b`), `${label}: ${e.message}`);
      assert.ok(!/terminated/.test(e.message), e.message);
    }
  }
});
