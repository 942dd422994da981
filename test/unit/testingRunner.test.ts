// The runner against the local mock server: the example suites with render and openai, bounded
// concurrency, cache hits and misses, records written atomically and read back, cancellation,
// sharding, and the API key never appearing in any file written.
import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { after, before, beforeEach, test } from 'node:test';
import { pathToFileURL } from 'node:url';
import {
  contentHash,
  createOpenAIProvider,
  createRenderProvider,
  inShard,
  loadSuite,
  parseRunRecord,
  planJobs,
  ProviderError,
  ResponseCache,
  runTests,
  writeRunRecord,
  type CaseResult,
  type RunOptions,
  type TestSuite,
} from '../../server/src/service/testing';
import { nodeFileStore } from '../../server/src/node/host';
import { loadPartialIndex, readTextUri } from '../../server/src/node/workspaceReads';
import { exampleReplies, MockProvider } from '../support/mockProvider';

const ROOT = path.resolve(__dirname, '..', '..');
const ROOT_URI = pathToFileURL(ROOT).toString();
const KEY = 'sk-live-RUNNER-SECRET-9f8e7d6c5b4a';
let mock: MockProvider;

before(async () => {
  mock = await MockProvider.start();
});
after(async () => {
  await mock.stop();
});
beforeEach(() => mock.reset());

async function exampleSuites(): Promise<TestSuite[]> {
  return Promise.all(['summarize', 'classify-intent'].map((n) => loadSuite(pathToFileURL(path.join(ROOT, 'examples', `${n}.tests.yaml`)).toString(), ROOT_URI, readTextUri)));
}

let partials: Awaited<ReturnType<typeof loadPartialIndex>>;
before(async () => {
  partials = await loadPartialIndex([path.join(ROOT, 'examples')]);
});

function options(extra: Partial<RunOptions> = {}): RunOptions {
  return {
    analysis: { partials },
    providerFor: (id) => {
      if (id === 'render') return createRenderProvider();
      if (id === 'openai') return createOpenAIProvider({ apiKey: KEY, baseURL: mock.openaiBaseUrl, timeoutMs: 5000, maxRetries: 0 });
      throw new ProviderError('no-key', `No key for ${id}.`, id);
    },
    concurrency: 4,
    trusted: true,
    readText: readTextUri,
    secrets: [KEY],
    ...extra,
  };
}

async function tempSuite(prompt: string, fixture: string): Promise<{ suite: TestSuite; dir: string }> {
  const dir = mkdtempSync(path.join(tmpdir(), 'pw-run-'));
  writeFileSync(path.join(dir, 'p.prompt'), prompt);
  writeFileSync(path.join(dir, 'p.tests.yaml'), fixture);
  return { suite: await loadSuite(pathToFileURL(path.join(dir, 'p.tests.yaml')).toString(), pathToFileURL(dir).toString(), readTextUri), dir };
}

const brief = (rs: CaseResult[]) => rs.map((r) => `${r.id} ${r.status}`);

test('the example suites offline: render cases pass, the others are skipped with the reason', async () => {
  const summary = await runTests(await exampleSuites(), options({ offline: { reason: 'offline run' } }));
  assert.deepEqual(brief(summary.results), [
    'examples/summarize.tests.yaml#ticket reaches the user message passed',
    'examples/summarize.tests.yaml#history is listed oldest first passed',
    'examples/summarize.tests.yaml#footer partial is included passed',
    'examples/summarize.tests.yaml#long ticket from a file passed',
    'examples/summarize.tests.yaml#urgent outage summary skipped',
    'examples/summarize.tests.yaml#urgent outage summary#2 skipped',
    'examples/classify-intent.tests.yaml#message and locale reach the template passed',
    'examples/classify-intent.tests.yaml#no locale line without a locale passed',
    'examples/classify-intent.tests.yaml#billing question skipped',
    'examples/classify-intent.tests.yaml#technical question skipped',
  ]);
  assert.match(summary.results[4].reason, /Skipped: offline run \(this case runs with openai\)/);
  assert.equal(mock.requests.length, 0);
  const rendered = summary.results[0];
  assert.equal(rendered.cost, 0);
  assert.equal(rendered.provider, 'render');
  assert.match(rendered.output!, /^\[system\]\nYou summarise support tickets/);
});

test('the example suites against the openai provider on the local server: results, usage, cost, judge', async () => {
  mock.script = exampleReplies;
  const seen: string[] = [];
  const summary = await runTests(await exampleSuites(), options({ defaultProvider: 'openai', onResult: (r) => seen.push(r.id) }));
  assert.deepEqual(summary.counts, { passed: 10, failed: 0, error: 0, skipped: 0 }, JSON.stringify(summary.results.filter((r) => r.status !== 'passed').map((r) => [r.id, r.reason, r.assertions.filter((a) => !a.pass)])));
  assert.equal(seen.length, 10);
  const outage = summary.results.find((r) => r.caseName === 'urgent outage summary')!;
  assert.deepEqual([outage.provider, outage.requestedModel, outage.returnedModel, outage.usage], ['openai', 'openai/gpt-4o-mini', 'gpt-4o-mini', { inputTokens: 120, outputTokens: 30 }]);
  assert.ok(outage.cost! > 0);
  assert.equal(outage.parameters.temperature, 0.2);
  assert.match(outage.assertions.find((a) => a.type === 'llm-rubric')!.reasoning!, /Three bullets/);
  // Dotprompt's config reached the API in its names; the foreign model name was sent as written.
  const summarizeCall = mock.requests.find((r) => r.body.model === 'gpt-4o-mini')!;
  assert.deepEqual([summarizeCall.body.max_tokens, summarizeCall.body.stop], [400, ['\n\n\n']]);
  const classify = mock.requests.find((r) => r.body.model === 'anthropic/claude-sonnet-4-5')!;
  assert.equal((classify.body.response_format as { type: string }).type, 'json_schema');
  // 2 repeats + 2 judges for the outage case, 2 classification calls.
  assert.equal(mock.requests.length, 6);
});

test('failures and errors per case: assertion diff, render error with its line, missing key', async () => {
  mock.script = () => ({ text: 'Nothing useful' });
  const { suite } = await tempSuite(
    '---\nmodel: openai/gpt-4o\ninput:\n  schema:\n    q: string\n---\nAnswer {{q}}\n',
    'cases:\n  - name: wrong\n    vars: { q: a }\n    assert:\n      - type: contains\n        value: Paris\n  - name: no value\n    vars: {}\n  - name: anthropic\n    provider: anthropic\n    vars: { q: b }\n',
  );
  const { results } = await runTests([suite], options());
  assert.deepEqual(brief(results), ['p.tests.yaml#wrong failed', 'p.tests.yaml#no value error', 'p.tests.yaml#anthropic error']);
  assert.deepEqual([results[0].assertions[0].reason, results[0].assertions[0].line, results[0].output], ['The output does not contain "Paris".', 4, 'Nothing useful']);
  assert.match(results[1].reason, /No value for the required input `q`.*\(p\.prompt, line 5\)/);
  assert.deepEqual([results[2].error?.kind, results[2].reason], ['no-key', 'No key for anthropic.']);
});

test('concurrency: never more requests in flight than the bound', async () => {
  mock.latencyMs = 40;
  const cases = Array.from({ length: 24 }, (_, i) => `  - name: c${i}\n    vars: { q: "${i}" }\n`).join('');
  const { suite } = await tempSuite('---\nmodel: openai/gpt-4o\ninput:\n  schema:\n    q: string\n---\n{{q}}\n', `cases:\n${cases}`);
  const summary = await runTests([suite], options({ concurrency: 3 }));
  assert.equal(summary.counts.passed, 24);
  assert.equal(mock.requests.length, 24);
  assert.equal(mock.maxInFlight, 3);
});

test('cache: a second run is served from disk; repeats and parameters get their own entries; errors are not cached', async () => {
  const cacheDir = mkdtempSync(path.join(tmpdir(), 'pw-cache-'));
  const { suite } = await tempSuite('---\nmodel: openai/gpt-4o\ninput:\n  schema:\n    q: string\n---\n{{q}}\n', 'cases:\n  - name: a\n    vars: { q: one }\n    repeat: 2\n  - name: b\n    vars: { q: one }\n    config: { temperature: 1 }\n  - name: c\n    vars: { q: two }\n');
  const run = () => runTests([suite], options({ cache: new ResponseCache(nodeFileStore(cacheDir), { secrets: [KEY] }) }));
  mock.script = (_r, i) => ({ text: `answer ${i}` });
  const first = await run();
  assert.deepEqual(first.cache, { hits: 0, misses: 4, writes: 4 });
  assert.equal(mock.requests.length, 4);
  assert.notEqual(first.results[0].output, first.results[1].output, 'repeats are separate calls');
  const second = await run();
  assert.deepEqual(second.cache, { hits: 4, misses: 0, writes: 0 });
  assert.equal(mock.requests.length, 4, 'no new requests');
  assert.deepEqual(second.results.map((r) => [r.output, r.cached]), first.results.map((r) => [r.output, true]));

  // A failed call is not cached: the next run asks again.
  const dir2 = mkdtempSync(path.join(tmpdir(), 'pw-cache-'));
  mock.reset();
  mock.queue.push({ status: 500, text: 'down' });
  const failing = await runTests([suite], options({ cache: new ResponseCache(nodeFileStore(dir2)) }));
  assert.equal(failing.counts.error, 1);
  const again = await runTests([suite], options({ cache: new ResponseCache(nodeFileStore(dir2)) }));
  assert.deepEqual(again.cache, { hits: 3, misses: 1, writes: 1 });
  assert.equal(again.counts.passed, 4);
});

test('records: one JSON Lines file per run with every field, read back; a cancelled run writes none', async () => {
  mock.script = exampleReplies;
  const recordsDir = mkdtempSync(path.join(tmpdir(), 'pw-records-'));
  const store = nodeFileStore(recordsDir);
  const summary = await runTests(await exampleSuites(), options({ defaultProvider: 'openai' }));
  const prompts = new Map<string, string>();
  const name = await writeRunRecord(store, summary, { tool: 'prompt-workbench', toolVersion: '0.1.0', provider: 'openai', origin: 'cli' }, (uri) => ({ hash: contentHash(prompts.get(uri) ?? readFileSync(new URL(uri), 'utf8')), git: { commit: 'abc123', dirty: false } }), [KEY]);
  assert.match(name!, /^run-\d{4}-\d\d-\d\dT[\d-]+Z-[0-9a-f]{6}\.jsonl$/);
  assert.deepEqual(readdirSync(recordsDir), [name]);
  const text = readFileSync(path.join(recordsDir, name!), 'utf8');
  const parsed = parseRunRecord(text);
  assert.deepEqual(parsed.problems, []);
  assert.equal(parsed.cases.length, 10);
  assert.deepEqual(parsed.run?.counts, { passed: 10, failed: 0, error: 0, skipped: 0 });
  const c = parsed.cases.find((x) => x.case === 'billing question')! as Record<string, unknown>;
  for (const field of ['prompt', 'promptHash', 'gitCommit', 'provider', 'requestedModel', 'returnedModel', 'parameters', 'vars', 'output', 'usage', 'latencyMs', 'cost', 'assertions']) assert.ok(c[field] !== undefined && c[field] !== null, `field ${field}`);
  assert.equal(c.prompt, 'examples/classify-intent.prompt');
  assert.equal(c.promptHash, contentHash(readFileSync(path.join(ROOT, 'examples', 'classify-intent.prompt'), 'utf8')));
  assert.deepEqual((c.assertions as { type: string; pass: boolean; line: number }[]).map((a) => [a.type, a.pass, a.line]), [['json-schema', true, 29], ['javascript', true, 30], ['latency', true, 32]]);
  assert.deepEqual(parseRunRecord('{"type":"case"}\nnot json\n').problems.length, 3);

  // Cancel while requests are in flight: nothing is written, the connections are closed.
  mock.reset();
  mock.script = () => ({ stall: true });
  const controller = new AbortController();
  const cancelledDir = mkdtempSync(path.join(tmpdir(), 'pw-records-'));
  const running = runTests(await exampleSuites(), options({ defaultProvider: 'openai', signal: controller.signal }));
  while (mock.requests.length < 4) await new Promise((r) => setTimeout(r, 5));
  controller.abort();
  const cancelled = await running;
  assert.equal(cancelled.cancelled, true);
  assert.equal(await writeRunRecord(nodeFileStore(cancelledDir), cancelled, { tool: 'prompt-workbench', toolVersion: '0.1.0', origin: 'cli' }, () => undefined), undefined);
  assert.deepEqual(readdirSync(cancelledDir), []);
  while (mock.requests.some((r) => !r.closedByClient)) await new Promise((r) => setTimeout(r, 5));
  assert.equal(mock.requests.length, 4, 'no new request after the cancel');
});

test('sharding splits cases deterministically, repeats stay together', async () => {
  const jobs = planJobs(await exampleSuites());
  const shards = [1, 2, 3].map((k) => jobs.filter((j) => inShard(j.caseKey, k, 3)).map((j) => j.id));
  assert.deepEqual(shards.flat().sort(), jobs.map((j) => j.id).sort());
  assert.equal(new Set(shards.flat()).size, jobs.length);
  const outage = shards.findIndex((s) => s.includes('examples/summarize.tests.yaml#urgent outage summary'));
  assert.ok(shards[outage].includes('examples/summarize.tests.yaml#urgent outage summary#2'));
  assert.deepEqual([1, 2, 3].map((k) => jobs.filter((j) => inShard(j.caseKey, k, 3)).map((j) => j.id)), shards);
});

test('the API key appears in no file written: cache, records, logs', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'pw-secret-'));
  const cacheDir = path.join(dir, 'cache');
  const recordsDir = path.join(dir, 'runs');
  const log = path.join(dir, 'run.log');
  // The server echoes the key: in an answer, and in a 401 error body.
  mock.script = (req) => (req.prompt.includes('two') ? { status: 401, text: `Incorrect API key provided: ${KEY}` } : { text: `Your key is ${KEY}, the header said ${String(req.headers.authorization)}` });
  const { suite } = await tempSuite('---\nmodel: openai/gpt-4o\ninput:\n  schema:\n    q: string\n---\n{{q}}\n', 'cases:\n  - name: one\n    vars: { q: one }\n    assert:\n      - type: not-contains\n        value: sk-\n  - name: two\n    vars: { q: two }\n');
  const lines: string[] = [];
  const summary = await runTests([suite], options({ cache: new ResponseCache(nodeFileStore(cacheDir), { secrets: [KEY] }), onResult: (r) => lines.push(`${r.id} ${r.status} ${r.reason} ${r.output ?? ''} ${r.assertions.map((a) => `${a.reason} ${a.actual}`).join(' ')}`) }));
  writeFileSync(log, lines.join('\n'));
  await writeRunRecord(nodeFileStore(recordsDir), summary, { tool: 'prompt-workbench', toolVersion: '0.1.0', origin: 'cli' }, () => undefined, [KEY]);
  assert.equal(mock.requests.length, 2);
  assert.equal(mock.requests[0].headers.authorization, `Bearer ${KEY}`, 'the key was really sent');
  const files: string[] = [];
  const walk = (d: string) => {
    for (const f of readdirSync(d)) {
      const p = path.join(d, f);
      if (statSync(p).isDirectory()) walk(p);
      else files.push(p);
    }
  };
  walk(dir);
  assert.ok(files.length >= 3, files.join(', '));
  for (const f of files) assert.ok(!readFileSync(f, 'utf8').includes(KEY), `${f} contains the key`);
  assert.match(summary.results[0].output!, /Your key is \[redacted\]/);
  assert.match(summary.results[1].reason, /Incorrect API key provided: \[redacted\]/);
});

test('every abort listener a call adds to the run signal is removed when the call ends (cases, judges, resets, errors)', async () => {
  let n = 0;
  mock.script = (req) => {
    n++;
    if (req.prompt.includes('You grade')) return { text: '{"reason": "fine", "score": 1, "pass": true}' };
    return n % 5 === 0 ? { reset: true } : n % 7 === 0 ? { status: 500 } : { text: 'ok' };
  };
  const cases = Array.from({ length: 30 }, (_, i) => `  - name: c${i}\n    vars: { q: "${i}" }\n${i % 3 === 0 ? '    assert:\n      - type: llm-rubric\n        value: Says ok.\n' : ''}`).join('');
  const { suite } = await tempSuite('---\nmodel: openai/gpt-4o\ninput:\n  schema:\n    q: string\n---\n{{q}}\n', `cases:\n${cases}`);
  const controller = new AbortController();
  const summary = await runTests([suite], options({ signal: controller.signal, concurrency: 4 }));
  assert.equal(summary.results.length, 30);
  assert.equal(EventEmitter.getEventListeners(controller.signal, 'abort').length, 0);
});
