// createProviders, the one place every door gets its providers from: what exists offline and in an
// untrusted workspace (render only, so no base URL is ever contacted, not even by a judge), keys
// and base URLs reaching the SDKs, the missing-key errors, injected providers, and the judge.
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { after, before, beforeEach, test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { createProviders, createRenderProvider, loadSuite, ProviderError, runTests, UNTRUSTED_REASON, type ProvidersConfig, type TestSuite } from '../../server/src/service/testing';
import { readTextUri } from '../../server/src/node/workspaceReads';
import { exampleReplies, MockProvider } from '../support/mockProvider';

const KEY = 'sk-test-FACTORY-0123456789';
let mock: MockProvider;
before(async () => {
  mock = await MockProvider.start();
});
after(async () => {
  await mock.stop();
});
beforeEach(() => mock.reset());

const messages = [{ role: 'user', text: 'Hello' }];

function config(extra: Partial<ProvidersConfig> = {}): ProvidersConfig {
  return { keys: { openai: KEY, anthropic: KEY }, baseUrls: { openai: mock.openaiBaseUrl, anthropic: mock.anthropicBaseUrl }, timeoutMs: 5000, maxRetries: 0, trusted: true, ...extra };
}

function failure(f: () => unknown): ProviderError {
  try {
    f();
  } catch (e) {
    assert.ok(e instanceof ProviderError, `expected a ProviderError, got ${String(e)}`);
    return e;
  }
  assert.fail('expected providerFor to throw');
}

async function rejection(p: Promise<unknown>): Promise<ProviderError> {
  try {
    await p;
  } catch (e) {
    assert.ok(e instanceof ProviderError, `expected a ProviderError, got ${String(e)}`);
    return e;
  }
  assert.fail('expected the call to fail');
}

/** A render case whose llm-rubric judge is OpenAI: the one way a render case can reach a model. */
async function judgedRenderSuite(): Promise<TestSuite> {
  const dir = mkdtempSync(path.join(tmpdir(), 'pw-factory-'));
  writeFileSync(path.join(dir, 'p.prompt'), '---\nmodel: openai/gpt-4o-mini\n---\nSay hello.\n');
  writeFileSync(path.join(dir, 'p.tests.yaml'), 'cases:\n  - name: judged\n    provider: render\n    assert:\n      - type: llm-rubric\n        value: Greets.\n        provider: openai\n        model: gpt-4o-mini\n');
  return loadSuite(pathToFileURL(path.join(dir, 'p.tests.yaml')).toString(), pathToFileURL(dir).toString(), readTextUri);
}

test('trusted: every provider exists, with the keys and base URLs given; the keys are the secrets to redact', async () => {
  const p = createProviders(config({ keys: { openai: KEY, anthropic: 'sk-ant-other' } }));
  assert.deepEqual([p.trusted, p.offline, p.judge], [true, undefined, undefined]);
  assert.deepEqual(p.secrets, [KEY, 'sk-ant-other', undefined, undefined, undefined]);
  assert.equal(p.providerFor('render').id, 'render');
  const openai = p.providerFor('openai');
  assert.equal(openai.endpoint, mock.openaiBaseUrl.replace(/\/+$/, ''));
  mock.queue.push({ text: 'hi' });
  assert.equal((await openai.call({ model: 'gpt-4o-mini', messages, parameters: {} })).output, 'hi');
  assert.equal(mock.requests[0].headers.authorization, `Bearer ${KEY}`);
  assert.equal(p.providerFor('anthropic').endpoint, mock.anthropicBaseUrl.replace(/\/+$/, ''));
  // No base URL (or a blank one): the providers' own servers.
  const own = createProviders(config({ baseUrls: { openai: '  ' } }));
  assert.deepEqual([own.providerFor('openai').endpoint, own.providerFor('anthropic').endpoint], ['https://api.openai.com/v1', 'https://api.anthropic.com']);
});

test('offline: only render exists; the others say why, and the run gets the reason for its skips', () => {
  const p = createProviders(config({ offline: '--offline runs only render cases' }));
  assert.deepEqual([p.trusted, p.offline], [true, { reason: '--offline runs only render cases' }]);
  assert.equal(p.providerFor('render').id, 'render');
  for (const id of ['openai', 'anthropic', 'vscode-lm'] as const) {
    const e = failure(() => p.providerFor(id));
    assert.equal(e.kind, 'unavailable');
    assert.match(e.message, /is not used in this run: --offline runs only render cases\./);
  }
});

test('untrusted: render only, extra providers are not built, and the base URL is never contacted, not even by a judge', async () => {
  let built = 0;
  const p = createProviders(config({ trusted: false, extra: { 'vscode-lm': () => (built++, createRenderProvider()) } }));
  assert.deepEqual([p.trusted, p.offline], [false, { reason: UNTRUSTED_REASON }]);
  assert.equal(p.providerFor('render').id, 'render');
  for (const id of ['openai', 'anthropic', 'vscode-lm'] as const) {
    const e = failure(() => p.providerFor(id));
    assert.equal(e.kind, 'untrusted');
    assert.ok(!e.message.includes(mock.url), e.message);
  }
  assert.equal(built, 0);

  const summary = await runTests([await judgedRenderSuite()], { ...p, concurrency: 2, readText: readTextUri });
  const [result] = summary.results;
  assert.equal(result.status, 'error');
  assert.match(result.assertions[0].reason, /OpenAI is not used in this run: the workspace is not trusted/);
  assert.equal(mock.requests.length, 0);
});

test('a missing key: the existing message by default, the door\'s own hint when it gives one; a local server needs none', async () => {
  const noKeys = createProviders(config({ keys: {}, baseUrls: {} }));
  const openai = await rejection(noKeys.providerFor('openai').call({ model: 'm', messages, parameters: {} }));
  assert.equal(openai.kind, 'no-key');
  assert.equal(openai.message, 'No OpenAI API key. Set one with "Prompt Workbench: Set API Key" (kept in VS Code\'s secret storage), or OPENAI_API_KEY for the CLI.');
  const anthropic = await rejection(noKeys.providerFor('anthropic').call({ model: 'm', messages, parameters: {} }));
  assert.equal(anthropic.message, 'No Anthropic API key. Set one with "Prompt Workbench: Set API Key" (kept in VS Code\'s secret storage), or ANTHROPIC_API_KEY for the CLI.');

  const hinted = createProviders(config({ keys: {}, baseUrls: {}, keyHint: (id) => `Set ${id === 'openai' ? 'OPENAI_API_KEY' : 'ANTHROPIC_API_KEY'}.` }));
  assert.equal((await rejection(hinted.providerFor('anthropic').call({ model: 'm', messages, parameters: {} }))).message, 'No Anthropic API key. Set ANTHROPIC_API_KEY.');
  assert.equal(mock.requests.length, 0);

  mock.queue.push({ text: 'local' });
  const local = createProviders(config({ keys: {} }));
  assert.equal((await local.providerFor('openai').call({ model: 'llama3', messages, parameters: {} })).output, 'local');
});

test('vscode-lm exists only where the door injects it', () => {
  const injected = createRenderProvider();
  assert.equal(createProviders(config({ extra: { 'vscode-lm': () => injected } })).providerFor('vscode-lm'), injected);
  const e = failure(() => createProviders(config()).providerFor('vscode-lm'));
  assert.equal(e.kind, 'unavailable');
  assert.match(e.message, /runs only inside VS Code/);
});

test('the judge: empty means none, set means the runner judges with it; an unknown provider is a clear error', async () => {
  assert.equal(createProviders(config({ judge: {} })).judge, undefined);
  assert.equal(createProviders(config({ judge: { provider: undefined, model: '' } })).judge, undefined);
  assert.deepEqual(createProviders(config({ judge: { model: 'gpt-4o' } })).judge, { provider: undefined, model: 'gpt-4o' });

  const suite = await judgedRenderSuite();
  // The assertion names no judge here, so the run's judge decides.
  suite.fixture.cases[0].assert[0].provider = undefined;
  suite.fixture.cases[0].assert[0].model = undefined;
  mock.script = exampleReplies;
  const summary = await runTests([suite], { ...createProviders(config({ judge: { provider: 'openai', model: 'gpt-4.1-nano' } })), concurrency: 2, readText: readTextUri });
  assert.equal(summary.results[0].status, 'passed', summary.results[0].reason);
  assert.deepEqual(mock.requests.map((r) => r.body.model), ['gpt-4.1-nano']);

  const unknown = failure(() => createProviders(config()).providerFor('gemini' as never));
  assert.equal(unknown.kind, 'config');
  assert.match(unknown.message, /Unknown provider "gemini"\. Use render, openai, anthropic, azure-openai, googleai, vertexai, vscode-lm, github\./);
});
