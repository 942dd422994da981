// The vscode-lm provider with a fake `vscode.lm` of the API's shape: model selection, messages,
// streaming text, cancellation through the token, and LanguageModelError codes. (A real
// `vscode.lm` needs VS Code with a chat model extension such as Copilot.)
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createVscodeLmProvider, type LmApi, type LmCancellationToken, type LmChatModel } from '../../client/src/testing/vscodeLm';
import { ProviderError } from '../../server/src/service/testing';

function tokenSource() {
  const listeners: (() => unknown)[] = [];
  const token: LmCancellationToken = { isCancellationRequested: false, onCancellationRequested: (l) => (listeners.push(l), { dispose() {} }) };
  return { token, cancel: () => ((token.isCancellationRequested = true), listeners.forEach((l) => l())), dispose() {} };
}

function fakeLm(models: LmChatModel[], log: unknown[]): LmApi {
  return {
    async selectChatModels(selector) {
      log.push(selector);
      return models.filter((m) => (!selector?.vendor || m.vendor === selector.vendor) && (!selector?.id || m.id === selector.id) && (!selector?.family || m.family === selector.family));
    },
  };
}

function model(id: string, family: string, reply: (messages: unknown[], token: LmCancellationToken) => AsyncIterable<string>): LmChatModel {
  return { id, family, vendor: 'copilot', name: id, sendRequest: async (messages, _o, token) => ({ text: reply(messages, token) }) };
}

const factory = { user: (t: string) => ({ role: 'user', t }), assistant: (t: string) => ({ role: 'assistant', t }) };

test('picks the prompt\'s model by id or family, sends user/assistant messages, streams the text', async () => {
  const log: unknown[] = [];
  let sent: unknown[] = [];
  const m = model('gpt-4o-mini-2024', 'gpt-4o-mini', async function* (messages) {
    sent = messages;
    yield 'Hel';
    yield 'lo';
  });
  const p = createVscodeLmProvider(fakeLm([m], log), factory, { tokenSource });
  const reply = await p.call({ model: 'gpt-4o-mini', messages: [{ role: 'system', text: 'Be brief.' }, { role: 'user', text: 'Hi' }, { role: 'model', text: 'Yo' }], parameters: { temperature: 0 } });
  assert.deepEqual([reply.output, reply.model], ['Hello', 'gpt-4o-mini-2024']);
  assert.deepEqual(sent, [{ role: 'user', t: 'Be brief.' }, { role: 'user', t: 'Hi' }, { role: 'assistant', t: 'Yo' }]);
  assert.deepEqual(log, [{ vendor: undefined, id: 'gpt-4o-mini' }, { vendor: undefined, family: 'gpt-4o-mini' }]);
});

test('falls back to the configured family, then any model; none at all is a clear error', async () => {
  const m = model('claude-x', 'claude-sonnet', async function* () {
    yield 'ok';
  });
  assert.equal((await createVscodeLmProvider(fakeLm([m], []), factory, { tokenSource, family: 'claude-sonnet' }).call({ model: 'gpt-5', messages: [{ role: 'user', text: 'x' }], parameters: {} })).model, 'claude-x');
  await assert.rejects(createVscodeLmProvider(fakeLm([], []), factory, { tokenSource }).call({ model: 'gpt-5', messages: [], parameters: {} }), (e: unknown) => e instanceof ProviderError && e.kind === 'unavailable' && /GitHub Copilot/.test(e.message));
});

test('an abort cancels the request through its token', async () => {
  let cancelled = false;
  const m = model('m', 'm', async function* (_messages, token) {
    yield 'partial';
    await new Promise<void>((resolve) => token.onCancellationRequested(() => ((cancelled = true), resolve())));
    throw Object.assign(new Error('Canceled'), { name: 'Canceled' });
  });
  const controller = new AbortController();
  const call = createVscodeLmProvider(fakeLm([m], []), factory, { tokenSource }).call({ model: 'm', messages: [{ role: 'user', text: 'x' }], parameters: {}, signal: controller.signal });
  setTimeout(() => controller.abort(), 10);
  await assert.rejects(call, (e: unknown) => e instanceof ProviderError && e.kind === 'cancelled');
  assert.equal(cancelled, true);
});

test('LanguageModelError codes become clear messages', async () => {
  for (const [code, kind] of [['NoPermissions', 'auth'], ['Blocked', 'rate-limited'], ['NotFound', 'model']] as const) {
    const m: LmChatModel = { id: 'm', family: 'm', vendor: 'copilot', name: 'm', sendRequest: async () => Promise.reject(Object.assign(new Error(`lm ${code}`), { code })) };
    await assert.rejects(createVscodeLmProvider(fakeLm([m], []), factory, { tokenSource }).call({ model: 'm', messages: [{ role: 'user', text: 'x' }], parameters: {} }), (e: unknown) => e instanceof ProviderError && e.kind === kind);
  }
});
