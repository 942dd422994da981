// Test runs of Prompty files through the providers, against the local provider server
// (test/support/mockProvider.ts): the file's `provider` picks ours (`azure` is Azure OpenAI through
// the openai SDK's AzureOpenAI client, endpoint and key from the environment), its options map to
// the request, its messages are the rendered role-line messages, the inputs' defaults fill cases.
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { after, before, beforeEach, test } from 'node:test';
import { runCli } from '../support/cli';
import { MockProvider } from '../support/mockProvider';

const KEY = 'azure-test-KEY-0123456789abcdef';
let mock: MockProvider;
before(async () => {
  mock = await MockProvider.start();
});
after(async () => {
  await mock.stop();
});
beforeEach(() => mock.reset());

function project(prompt: string): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'pw-prompty-run-'));
  writeFileSync(path.join(dir, 'reply.prompty'), prompt);
  writeFileSync(path.join(dir, 'reply.tests.yaml'), 'prompt: reply.prompty\ncases:\n  - name: defaults\n    assert:\n      - type: contains\n        value: ok\n  - name: another ticket\n    vars:\n      ticket: Refund please\n    assert:\n      - type: contains\n        value: ok\n');
  return dir;
}

const BODY = '---\nname: reply\nmodel:\n  id: support-deployment\n  provider: azure\n  connection:\n    kind: key\n    endpoint: ${env:AZURE_OPENAI_ENDPOINT}\n    apiKey: ${env:AZURE_OPENAI_API_KEY}\n  options:\n    temperature: 0.1\n    maxOutputTokens: 50\ninputs:\n  - name: ticket\n    kind: string\n    default: Where is my order?\n---\nsystem:\nBe brief.\n\nuser:\n{{ ticket }}\n';

test('provider: azure runs with the AzureOpenAI client: deployment URL, api-key header, api-version, options, messages', async () => {
  mock.script = () => ({ text: 'ok' });
  const dir = project(BODY);
  const r = await runCli(['test', 'reply.tests.yaml', '--no-record', '--no-cache'], dir, { AZURE_OPENAI_API_KEY: KEY, AZURE_OPENAI_ENDPOINT: mock.url, OPENAI_API_VERSION: undefined, OPENAI_API_KEY: undefined });
  assert.equal(r.code, 0, r.stdout + r.stderr);
  assert.match(r.stdout, /2 passed, 0 failed/);
  assert.equal(mock.requests.length, 2);
  const first = mock.requests[0];
  assert.equal(first.path, '/openai/deployments/support-deployment/chat/completions?api-version=2024-10-21');
  assert.equal(first.headers['api-key'], KEY);
  assert.equal(first.headers.authorization, undefined);
  assert.equal(first.body.temperature, 0.1);
  assert.equal(first.body.max_tokens, 50);
  assert.deepEqual(first.body.messages, [
    { role: 'system', content: 'Be brief.' },
    { role: 'user', content: 'Where is my order?' },
  ]);
  assert.deepEqual((mock.requests[1].body.messages as { content: string }[])[1], { role: 'user', content: 'Refund please' });
  assert.ok(!r.stdout.includes(KEY) && !r.stderr.includes(KEY), 'the key is never printed');
});

test('provider: azure without an endpoint or key says what to set; nothing is sent', async () => {
  const dir = project(BODY);
  const noEndpoint = await runCli(['test', 'reply.tests.yaml', '--no-record', '--no-cache'], dir, { AZURE_OPENAI_API_KEY: KEY, AZURE_OPENAI_ENDPOINT: undefined });
  assert.equal(noEndpoint.code, 1);
  assert.match(noEndpoint.stdout, /No Azure OpenAI endpoint: set promptWorkbench\.providers\.azureOpenAI\.endpoint \(or AZURE_OPENAI_ENDPOINT for the CLI\)/);
  const noKey = await runCli(['test', 'reply.tests.yaml', '--no-record', '--no-cache'], dir, { AZURE_OPENAI_API_KEY: undefined, AZURE_OPENAI_ENDPOINT: mock.url });
  assert.equal(noKey.code, 1);
  assert.match(noKey.stdout, /No Azure OpenAI API key\. .*AZURE_OPENAI_API_KEY/);
  assert.equal(mock.requests.length, 0);
});

test('provider: openai and anthropic map to ours, with the model id the file names', async () => {
  mock.script = () => ({ text: 'ok' });
  const openai = project(BODY.replace('provider: azure', 'provider: openai').replace('support-deployment', 'gpt-4o-mini'));
  const o = await runCli(['test', 'reply.tests.yaml', '--no-record', '--no-cache'], openai, { OPENAI_API_KEY: KEY, OPENAI_BASE_URL: mock.openaiBaseUrl });
  assert.equal(o.code, 0, o.stdout + o.stderr);
  assert.equal(mock.requests[0].path, '/v1/chat/completions');
  assert.equal(mock.requests[0].body.model, 'gpt-4o-mini');
  mock.reset();
  mock.script = () => ({ text: 'ok' });
  const anthropic = project(BODY.replace('provider: azure', 'provider: anthropic').replace('support-deployment', 'claude-sonnet-4-5'));
  const a = await runCli(['test', 'reply.tests.yaml', '--no-record', '--no-cache'], anthropic, { ANTHROPIC_API_KEY: KEY, ANTHROPIC_BASE_URL: mock.anthropicBaseUrl });
  assert.equal(a.code, 0, a.stdout + a.stderr);
  assert.equal(mock.requests[0].api, 'anthropic');
  assert.equal(mock.requests[0].body.model, 'claude-sonnet-4-5');
  assert.equal(mock.requests[0].body.system, 'Be brief.');
  assert.equal(mock.requests[0].body.max_tokens, 50);
});
