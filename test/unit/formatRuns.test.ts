// A test run of a prompt in a format other than Dotprompt: the suite loads through the registry,
// and the request's parameters and output format come from the shared model, not from a `config:`.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { registerFormat } from '../../server/src/service';
import { baseDocument, emptyModel } from '../../server/src/service/formats/model';
import type { PromptFormat } from '../../server/src/service/formats/types';
import { loadSuite, runTests, type ModelCall, type Provider } from '../../server/src/service/testing';

const ID = 'header-test';
/** `key: value` header lines (`model`, `maxTokens`, `temperature`, `format`), a blank line, then one user message. */
const headerFormat: PromptFormat = {
  id: ID,
  displayName: 'Header (test)',
  languageIds: ['header-prompt-test'],
  filePatterns: ['**/*.hprompt'],
  detect: (uri) => uri.endsWith('.hprompt'),
  parse(text, uri, version) {
    const prompt = emptyModel();
    const end = text.indexOf('\n\n');
    let at = 0;
    for (const line of text.slice(0, end).split('\n')) {
      const [key, raw] = line.split(': ');
      const span = { start: at, end: at + line.length };
      const keySpan = { start: at, end: at + key.length };
      const valueSpan = { start: at + key.length + 2, end: at + line.length };
      const value = /^[\d.]+$/.test(raw) ? Number(raw) : raw;
      if (key === 'model') prompt.model = { value: raw, span: valueSpan, keySpan };
      else if (key === 'format') prompt.output = { span, format: { value: raw, span: valueSpan, keySpan } };
      else {
        const name = key === 'maxTokens' ? 'maxOutputTokens' : key === 'temperature' ? 'temperature' : undefined;
        const parameter = { name, key, path: `header.${key}`, value, span, keySpan, valueSpan } as const;
        if (name) prompt.parameters[name] = parameter;
        else prompt.otherParameters.push(parameter);
      }
      at += line.length + 1;
    }
    const start = end + 2;
    prompt.messages = [{ role: 'user', kind: 'message', span: { start, end: text.length }, contentSpan: { start, end: text.length }, tags: [], variables: [] }];
    return baseDocument({ format: ID, uri, version, text, prompt });
  },
  template: { id: 'none', name: 'None', helpers: [], helper: () => undefined, dataVariables: [], roles: ['user'], partials: false },
  check: () => [],
  render: async (doc, values) => ({ values, messages: [{ role: 'user', text: doc.text.slice(doc.prompt.messages[0].contentSpan.start) }] }),
  keyPath: () => undefined,
};

test('a suite of a registered non-Dotprompt format runs with the parameters and output format of its shared model', async (t) => {
  t.after(registerFormat(headerFormat));
  const files: Record<string, string> = {
    'file:///w/ask.hprompt': 'model: openai/gpt-4o\nmaxTokens: 120\ntemperature: 0.2\ntop_logprobs: 5\nformat: json\n\nAnswer in JSON.\n',
    'file:///w/ask.tests.yaml': 'prompt: ask.hprompt\ncases:\n  - name: json\n    config: { temperature: 0.7 }\n    assert:\n      - type: is-json\n',
  };
  const read = async (uri: string) => files[uri] ?? Promise.reject(new Error(`no ${uri}`));
  const suite = await loadSuite('file:///w/ask.tests.yaml', 'file:///w', read);
  assert.equal(suite.prompt?.format, ID);
  const calls: ModelCall[] = [];
  const provider: Provider = { id: 'openai', endpoint: 'test', call: async (c) => (calls.push(c), { output: '{"ok": true}' }) };
  const summary = await runTests([suite], { providerFor: () => provider, concurrency: 1, trusted: true, readText: read });
  assert.equal(summary.results[0].status, 'passed', summary.results[0].reason);
  assert.equal(calls.length, 1);
  assert.equal(calls[0].model, 'gpt-4o');
  assert.deepEqual(calls[0].parameters, { maxOutputTokens: 120, temperature: 0.7, top_logprobs: 5 }, 'shared names, other keys as written, the case overrides');
  assert.equal(calls[0].output?.format, 'json');
  assert.deepEqual(calls[0].messages, [{ role: 'user', text: 'Answer in JSON.\n' }]);
});
