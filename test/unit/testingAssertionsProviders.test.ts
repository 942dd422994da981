// The checks that need the provider, run by the runner against the local provider server in the
// three wire formats (OpenAI chat completions, Anthropic messages, Gemini generateContent):
// `similar` through each API's embeddings endpoint (none for Anthropic), the tools sent and the
// calls checked, log probabilities asked for only when `perplexity` needs them, finish reasons,
// `factuality` and `model-graded-closedqa` judges; embeddings cached and costed; nothing sent in
// an untrusted workspace.
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { after, before, beforeEach, test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { createAnthropicProvider, createGeminiProvider, createOpenAIProvider, createProviders, estimateSuiteCost, loadSuite, ProviderError, recordLines, ResponseCache, runTests, type CaseResult, type RunOptions } from '../../server/src/service/testing';
import { nodeFileStore } from '../../server/src/node/host';
import { readTextUri } from '../../server/src/node/workspaceReads';
import { MockProvider, type RecordedRequest } from '../support/mockProvider';

const KEYS = { openai: 'sk-openai-SECRET-1234567890', anthropic: 'sk-ant-SECRET-1234567890', googleai: 'AIza-SECRET-1234567890' };
let mock: MockProvider;
before(async () => {
  mock = await MockProvider.start();
});
after(async () => {
  await mock.stop();
});
beforeEach(() => mock.reset());

type Wire = 'openai' | 'anthropic' | 'googleai';
const MODELS: Record<Wire, string> = { openai: 'openai/gpt-4o-mini', anthropic: 'anthropic/claude-haiku-4-5', googleai: 'googleai/gemini-2.5-flash' };
const WIRES: Wire[] = ['openai', 'anthropic', 'googleai'];

async function suiteOf(prompt: string, fixture: string) {
  const dir = mkdtempSync(path.join(tmpdir(), 'pw-assert-'));
  writeFileSync(path.join(dir, 'p.prompt'), prompt);
  writeFileSync(path.join(dir, 'p.tests.yaml'), fixture);
  const suite = await loadSuite(pathToFileURL(path.join(dir, 'p.tests.yaml')).toString(), pathToFileURL(dir).toString(), readTextUri);
  assert.deepEqual(suite.fixture.diagnostics.map((d) => d.message), []);
  return { suite, dir };
}

function providers(extra: Partial<Parameters<typeof createProviders>[0]> = {}) {
  return createProviders({ keys: KEYS, baseUrls: { openai: mock.openaiBaseUrl, anthropic: mock.anthropicBaseUrl, googleai: mock.geminiBaseUrl }, timeoutMs: 5000, maxRetries: 0, trusted: true, ...extra });
}

async function runOne(prompt: string, fixture: string, extra: Partial<RunOptions> = {}, config: Partial<Parameters<typeof createProviders>[0]> = {}): Promise<CaseResult[]> {
  const { suite } = await suiteOf(prompt, fixture);
  const summary = await runTests([suite], { ...providers(config), concurrency: 2, readText: readTextUri, ...extra });
  return summary.results;
}

const PROMPT = (model: string) => `---\nmodel: ${model}\n---\n{{role "user"}}{{question}}\n`;
const chat = (r: RecordedRequest) => !/embed|predict/i.test(r.path);

test('similar: embeddings from OpenAI and Gemini, the score is the cosine similarity; pass and fail', async () => {
  for (const wire of ['openai', 'googleai'] as Wire[]) {
    mock.reset();
    mock.script = (r) => ({ text: r.prompt.includes('cats') ? 'Cats sleep a lot.' : 'zzz qqq' });
    const results = await runOne(PROMPT(MODELS[wire]), 'cases:\n  - name: close\n    vars: { question: cats }\n    assert:\n      - type: similar\n        value: Cats sleep a lot!\n  - name: far\n    vars: { question: dogs }\n    assert:\n      - type: similar\n        value: [Cats sleep a lot., A sunny day]\n        threshold: 0.9\n      - type: not-similar\n        value: Cats sleep a lot.\n');
    const [close, far] = results;
    assert.equal(close.status, 'passed', `${wire}: ${close.reason}`);
    assert.equal(close.assertions[0].score, 1);
    assert.match(close.assertions[0].reason, new RegExp(`similarity to "Cats sleep a lot!" is 1\\.000 \\(${wire === 'openai' ? 'OpenAI text-embedding-3-large' : 'Gemini API gemini-embedding-001'}\\); at least the threshold 0\\.75\\.$`));
    assert.equal(far.status, 'failed');
    assert.equal(far.assertions[0].pass, false);
    assert.ok(far.assertions[0].score < 0.9);
    assert.match(far.assertions[0].reason, /the closest of 2 expected texts/);
    assert.equal(far.assertions[1].pass, true, 'not-similar passes when below the threshold');
    const embeds = mock.requests.filter((r) => !chat(r));
    assert.equal(embeds.length, 3, `${wire}: one embeddings request per check`);
    if (wire === 'openai') {
      assert.match(embeds[0].path, /\/v1\/embeddings$/);
      assert.deepEqual(embeds[0].body.input, ['Cats sleep a lot.', 'Cats sleep a lot!']);
      assert.equal(embeds[0].body.model, 'text-embedding-3-large');
      assert.equal(embeds[0].headers.authorization, `Bearer ${KEYS.openai}`);
    } else {
      assert.match(embeds[0].path, /\/models\/gemini-embedding-001:batchEmbedContents$/);
      assert.equal(embeds[0].headers['x-goog-api-key'], KEYS.googleai);
    }
  }
});

test('similar on Anthropic: no embeddings endpoint is said clearly; a named embedding provider works', async () => {
  mock.script = () => ({ text: 'Cats sleep a lot.' });
  const [bare, named] = await runOne(PROMPT(MODELS.anthropic), 'cases:\n  - name: bare\n    vars: { question: cats }\n    assert:\n      - type: similar\n        value: Cats sleep.\n  - name: named\n    vars: { question: cats }\n    assert:\n      - type: similar\n        value: Cats sleep a lot.\n        provider: openai\n        model: text-embedding-3-small\n');
  assert.equal(bare.status, 'error');
  assert.equal(bare.assertions[0].reason, 'The embeddings could not be fetched: Anthropic has no embeddings endpoint. Name an embedding provider and model on the assertion: `provider: openai` with `model: text-embedding-3-small`, or `provider: googleai` with `model: gemini-embedding-001`.');
  assert.equal(named.status, 'passed', named.reason);
  const embeds = mock.requests.filter((r) => !chat(r));
  assert.equal(embeds.length, 1);
  assert.equal(embeds[0].body.model, 'text-embedding-3-small');
});

test('embedding calls are cached and costed like other calls', async () => {
  const { suite, dir } = await suiteOf(PROMPT(MODELS.openai), 'cases:\n  - name: a\n    vars: { question: cats }\n    assert:\n      - type: similar\n        value: ok\n        model: text-embedding-3-small\n');
  const cache = new ResponseCache(nodeFileStore(path.join(dir, 'cache')));
  const catalogue = { 'text-embedding-3-small': { provider: 'openai', inputPerMTok: 0.02, outputPerMTok: 0 } };
  const first = await runTests([suite], { ...providers(), concurrency: 1, readText: readTextUri, cache, catalogue });
  const tokens = mock.requests.filter((r) => !chat(r)).length;
  assert.equal(tokens, 1);
  // The mock counts one token per word: "ok" and "ok".
  assert.equal(first.results[0].assertionCost, (2 * 0.02) / 1e6);
  const recorded = JSON.parse(recordLines(first, { tool: 't', toolVersion: '0', origin: 'cli' }, () => undefined)[1]);
  assert.equal(recorded.assertionCost, (2 * 0.02) / 1e6, 'the run record keeps it');
  const second = await runTests([suite], { ...providers(), concurrency: 1, readText: readTextUri, cache, catalogue });
  assert.equal(mock.requests.length, 2, 'the second run sends nothing: the answer and the embeddings come from the cache');
  assert.equal(second.results[0].status, 'passed');
  assert.equal(second.results[0].assertionCost, 0);
  // Without a catalogue given, the built-in list price of the embedding model applies ($0.02 per million tokens).
  const third = await runTests([suite], { ...providers(), concurrency: 1, readText: readTextUri });
  assert.equal(third.results[0].assertionCost, (2 * 0.02) / 1e6);
  // A model without a price: the checks' cost is unknown, not zero.
  const unpriced = await suiteOf(PROMPT(MODELS.openai), 'cases:\n  - name: a\n    vars: { question: cats }\n    assert:\n      - type: similar\n        value: ok\n        model: my-own-embedder\n');
  const fourth = await runTests([unpriced.suite], { ...providers(), concurrency: 1, readText: readTextUri });
  assert.equal(fourth.results[0].status, 'passed');
  assert.equal(fourth.results[0].assertionCost, undefined);
});

test('untrusted workspace: a similar check of a render case sends nothing', async () => {
  const results = await runOne('---\n---\nHello {{question}}\n', 'provider: render\ncases:\n  - name: a\n    vars: { question: cats }\n    assert:\n      - type: similar\n        value: Hello cats\n        provider: openai\n', {}, { trusted: false });
  assert.equal(results[0].status, 'error');
  assert.match(results[0].assertions[0].reason, /OpenAI is not used in this run: the workspace is not trusted, so nothing is sent to any provider\./);
  assert.equal(mock.requests.length, 0);
});

const TOOLS_FIXTURE = (assertType: string) => `tools:\n  - name: get_weather\n    description: The weather of a city\n    parameters:\n      type: object\n      properties: { city: { type: string } }\n      required: [city]\ncases:\n  - name: good\n    vars: { question: weather in Oslo }\n    assert:\n      - type: ${assertType}\n      - type: finish-reason\n        value: tool_calls\n  - name: bad\n    vars: { question: weather anywhere }\n    assert:\n      - type: ${assertType}\n`;
const CHECK: Record<Wire, string> = { openai: 'is-valid-openai-tools-call', anthropic: 'is-valid-anthropic-tools-call', googleai: 'is-valid-gemini-tools-call' };

test('tools: sent in each API\'s form, the calls checked against the schema, plain and streaming', async () => {
  for (const wire of WIRES) {
    for (const stream of [false, true]) {
      mock.reset();
      mock.script = (r) => ({ toolCalls: [{ name: 'get_weather', arguments: r.prompt.includes('Oslo') ? { city: 'Oslo' } : { town: 'x' } }] });
      const [good, bad] = await runOne(PROMPT(MODELS[wire]), TOOLS_FIXTURE(CHECK[wire]), {}, { stream });
      const label = `${wire}${stream ? ' (stream)' : ''}`;
      assert.equal(good.status, 'passed', `${label}: ${good.reason}`);
      assert.equal(good.assertions[0].reason, 'The model called `get_weather`, with arguments that match the declared parameters.');
      assert.match(good.output!, /get_weather/, `${label}: the output of a tool-call-only answer is the calls`);
      assert.equal(bad.status, 'failed');
      assert.match(bad.assertions[0].reason, /^0 of 1 tool call is valid: the arguments of `get_weather` do not match its parameters: \(the root\): must have required property 'city'/);
      const body = mock.requests[0].body;
      if (wire === 'openai') assert.deepEqual(body.tools, [{ type: 'function', function: { name: 'get_weather', description: 'The weather of a city', parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] } } }]);
      else if (wire === 'anthropic') assert.deepEqual(body.tools, [{ name: 'get_weather', description: 'The weather of a city', input_schema: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] } }]);
      else assert.deepEqual(body.tools, [{ functionDeclarations: [{ name: 'get_weather', description: 'The weather of a city', parametersJsonSchema: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] } }] }]);
    }
  }
});

test('tools: a prompt that lists tools sends only those; a name the fixture does not define is an error', async () => {
  mock.script = () => ({ text: 'no tools needed' });
  const fixture = 'tools:\n  - name: a\n  - name: b\ncases:\n  - name: c\n    vars: { question: q }\n    assert:\n      - type: contains\n        value: tools\n';
  const [ok] = await runOne(`---\nmodel: ${MODELS.openai}\ntools: [b]\n---\n{{question}}\n`, fixture);
  assert.equal(ok.status, 'passed');
  assert.deepEqual((mock.requests[0].body.tools as { function: { name: string } }[]).map((t) => t.function.name), ['b']);
  mock.reset();
  const [missing] = await runOne(`---\nmodel: ${MODELS.openai}\ntools: [b, lookup]\n---\n{{question}}\n`, fixture);
  assert.equal(missing.status, 'error');
  assert.equal(missing.reason, "The prompt names the tool `lookup`, which the fixture file's `tools:` does not define: add it (name, description, parameters).");
  assert.equal(mock.requests.length, 0);
});

test('finish-reason across the three APIs: length, in each API\'s own words', async () => {
  const raw: Record<Wire, string> = { openai: 'length', anthropic: 'max_tokens', googleai: 'MAX_TOKENS' };
  for (const wire of WIRES) {
    mock.reset();
    mock.script = () => ({ text: 'cut sho', finishReason: raw[wire] });
    const [r] = await runOne(PROMPT(MODELS[wire]), 'cases:\n  - name: a\n    vars: { question: q }\n    assert:\n      - type: finish-reason\n        value: stop\n      - type: finish-reason\n        value: length\n');
    assert.equal(r.assertions[0].pass, false, wire);
    assert.equal(r.assertions[0].reason, `The model stopped with ${wire === 'openai' ? '`length`' : `\`length\` (${wire === 'anthropic' ? 'Anthropic' : 'Gemini API'}: \`${raw[wire]}\`)`}, not \`stop\`.`);
    assert.equal(r.assertions[1].pass, true, wire);
  }
});

test('perplexity: log probabilities asked for only when needed (OpenAI logprobs, Gemini responseLogprobs); Anthropic has none', async () => {
  const fixture = 'cases:\n  - name: confident\n    vars: { question: q }\n    assert:\n      - type: perplexity\n        threshold: 1.5\n      - type: perplexity-score\n        threshold: 0.4\n  - name: plain\n    vars: { question: other }\n    assert:\n      - type: contains\n        value: o\n';
  for (const wire of ['openai', 'googleai'] as Wire[]) {
    for (const stream of [false, true]) {
      mock.reset();
      mock.script = () => ({ text: 'ok', logprobs: [-0.05, -0.15] });
      const [confident, plain] = await runOne(PROMPT(MODELS[wire]), fixture, {}, { stream });
      const label = `${wire}${stream ? ' (stream)' : ''}`;
      assert.equal(confident.status, 'passed', `${label}: ${confident.reason}`);
      assert.equal(confident.assertions[0].reason, `The output's perplexity is ${Math.exp(0.1).toFixed(3)} over 2 tokens; the most that passes is 1.5.`);
      assert.equal(confident.assertions[1].score, 1 / (1 + Math.exp(0.1)));
      assert.equal(plain.status, 'passed');
      const asked = (r: RecordedRequest) => (wire === 'openai' ? r.body.logprobs : (r.body.generationConfig as { responseLogprobs?: boolean } | undefined)?.responseLogprobs);
      const byPrompt = (q: string) => mock.requests.find((r) => r.prompt.includes(q))!;
      assert.equal(asked(byPrompt('q')), true, `${label}: asked for the case with perplexity`);
      assert.equal(asked(byPrompt('other')), undefined, `${label}: not asked otherwise`);
    }
  }
  mock.reset();
  mock.script = () => ({ text: 'ok', logprobs: [-0.05] });
  const [anth] = await runOne(PROMPT(MODELS.anthropic), fixture);
  assert.equal(anth.status, 'error');
  assert.match(anth.reason, /`perplexity` is not available here: Anthropic returns no log probabilities\./);
  // A server that ignores the request: a clear error, not a pass.
  mock.reset();
  mock.script = () => ({ text: 'ok' });
  const [silent] = await runOne(PROMPT(MODELS.openai), fixture);
  assert.equal(silent.status, 'error');
  assert.match(silent.reason, /OpenAI returned no log probabilities for this answer/);
});

test('factuality and model-graded-closedqa: judges in the three APIs, categories and verdicts with their scores', async () => {
  for (const wire of WIRES) {
    mock.reset();
    mock.script = (r) => {
      const system = JSON.stringify(r.body);
      if (system.includes('reference answer')) return { text: !r.prompt.includes('Lyon') ? '{"reason": "Same city.", "choice": "C"}' : 'The answer names another city.\nD' };
      if (system.includes('meets a criterion')) return { text: !r.prompt.includes('Lyon') ? '{"reason": "It is polite.", "verdict": "Y"}' : '{"reason": "It is rude.", "verdict": "N"}' };
      return { text: r.prompt.includes('France') ? 'Paris, of course.' : 'Lyon. Obviously.' };
    };
    const fixture = 'cases:\n  - name: right\n    vars: { question: capital of France? }\n    assert:\n      - type: factuality\n        value: The capital of France is Paris.\n      - type: model-graded-closedqa\n        value: The answer is polite.\n  - name: wrong\n    vars: { question: capital of Frankreich? }\n    assert:\n      - type: factuality\n        value: The capital of France is Paris.\n      - type: model-graded-closedqa\n        value: The answer is polite.\n        weight: 2\n';
    const [right, wrong] = await runOne(PROMPT(MODELS[wire]), fixture);
    assert.equal(right.status, 'passed', `${wire}: ${right.reason}`);
    assert.match(right.assertions[0].reason, /^The judge \(.+\) chose \(C\): the output is the same facts as the reference\. Same city\.$/);
    assert.match(right.assertions[1].reason, /says the output meets the criterion\. It is polite\.$/);
    assert.equal(wrong.status, 'failed');
    assert.equal(wrong.assertions[0].score, 0);
    assert.match(wrong.assertions[0].reason, /chose \(D\): the output is in disagreement with the reference\. The answer names another city\.$/);
    assert.equal(wrong.assertions[1].pass, false);
    assert.equal(wrong.score, 0);
    const judged = mock.requests.filter((r) => JSON.stringify(r.body).includes('reference answer'));
    assert.equal(judged.length, 2, wire);
    assert.match(judged[0].prompt, /<question>\ncapital of France\?\n<\/question>/);
    assert.match(judged[0].prompt, /<reference>\nThe capital of France is Paris\.\n<\/reference>\n\n<answer>\nParis, of course\.\n<\/answer>/);
  }
});

test('embed at the provider level: OpenAI, the Gemini API (batchEmbedContents), Vertex AI (predict); none for Anthropic; errors classified', async () => {
  const texts = ['abc', 'cab', 'zz'];
  const openai = createOpenAIProvider({ apiKey: KEYS.openai, baseURL: mock.openaiBaseUrl, timeoutMs: 5000, maxRetries: 0 });
  const o = await openai.embed!({ model: 'text-embedding-3-small', texts });
  assert.deepEqual(o.vectors.map((v) => v.slice(0, 3)), [[1, 1, 1], [1, 1, 1], [0, 0, 0]]);
  assert.equal(o.inputTokens, 3);
  const g = await createGeminiProvider({ apiKey: KEYS.googleai, baseURL: mock.geminiBaseUrl, timeoutMs: 5000, maxRetries: 0 }).embed!({ model: 'gemini-embedding-001', texts });
  assert.deepEqual(g.vectors.map((v) => v[25]), [0, 0, 2]);
  assert.match(mock.requests[1].path, /^\/v1beta\/models\/gemini-embedding-001:batchEmbedContents/);
  const fakeAdc = { authClient: { getRequestHeaders: async () => new Headers({ authorization: 'Bearer adc-token-123' }) } };
  const v = await createGeminiProvider({ backend: 'vertexai', project: 'my-proj', location: 'europe-west4', googleAuthOptions: fakeAdc, baseURL: mock.geminiBaseUrl, timeoutMs: 5000, maxRetries: 0 }).embed!({ model: 'gemini-embedding-001', texts });
  assert.equal(v.vectors.length, 3);
  assert.match(mock.requests[2].path, /\/projects\/my-proj\/locations\/europe-west4\/publishers\/google\/models\/gemini-embedding-001:predict/);
  assert.equal(mock.requests[2].headers.authorization, 'Bearer adc-token-123');
  assert.equal(createAnthropicProvider({ apiKey: KEYS.anthropic, baseURL: mock.anthropicBaseUrl, timeoutMs: 5000, maxRetries: 0 }).embed, undefined);
  mock.queue.push({ status: 401, text: 'bad key' });
  await assert.rejects(openai.embed!({ model: 'm', texts }), (e: unknown) => e instanceof ProviderError && e.kind === 'auth' && !e.message.includes(KEYS.openai));
  await assert.rejects(createOpenAIProvider({ timeoutMs: 5000, maxRetries: 0 }).embed!({ model: 'm', texts }), (e: unknown) => e instanceof ProviderError && e.kind === 'no-key');
});

test('the cost estimate counts factuality and model-graded-closedqa judge calls, with their own prompts', async () => {
  const { suite } = await suiteOf(`---\nmodel: openai/gpt-4o-mini\nconfig: { maxOutputTokens: 50 }\n---\n{{question}}\n`, 'cases:\n  - name: a\n    repeat: 2\n    vars: { question: capital of France? }\n    assert:\n      - type: factuality\n        value: Paris.\n      - type: model-graded-closedqa\n        value: Polite.\n      - type: similar\n        value: Paris.\n');
  const e = await estimateSuiteCost([suite], { readText: readTextUri });
  const judges = e.prompts[0].judges;
  assert.equal(judges.length, 1);
  assert.equal(judges[0].judgeCalls, 4, 'two judge checks, two repeats');
  assert.equal(e.totals.judgeCalls, 4);
  // Each call's input: its fixed prompt (with the question and the reference or criterion) and the answer's bound.
  assert.ok(judges[0].inputTokens > 4 * 50 + 2 * 100, `${judges[0].inputTokens} tokens`);
  assert.equal(mock.requests.length, 0, 'an estimate sends nothing');
});
