// Fixture cases give the renderer what Dotprompt's runtime gets beside the input: `context:` (the
// `@` data variables: `@state`, `@auth`, ...) and `history:` (earlier messages for `{{history}}`),
// validated with ranges, used alike by the runner (render provider), the preview of a case and the
// cost estimate.
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { parsePromptDocument, renderFixtureCase } from '../../server/src/service';
import { createRenderProvider, fixtureDiagnostics, loadSuite, parseFixtureFile, runTests } from '../../server/src/service/testing';
import { readTextUri } from '../../server/src/node/workspaceReads';
import { completeFixture, hoverFixture } from '../../server/src/service/testing/language';
import { LineIndex } from '../../server/src/service/text';

const PROMPT = `---
input:
  schema:
    question: string
---
{{role "system"}}You help {{@auth.name}} (plan {{@state.plan}}).
{{history}}
{{role "user"}}{{question}}
`;

const FIXTURE = `defaults:
  context:
    auth: { name: Ada }
    state: { plan: free }
  history:
    - role: user
      text: Hello
    - role: model
      text: Hi! How can I help?
cases:
  - name: pro plan
    vars: { question: Can I export? }
    context:
      state: { plan: pro }
  - name: no history
    vars: { question: Why? }
    history: []
`;

const cover = (text: string, span: { start: number; end: number }) => text.slice(span.start, span.end);

test('context and history are read from defaults and cases; a case overrides context keys and replaces the history', () => {
  const file = parseFixtureFile(FIXTURE, 'file:///w/p.tests.yaml');
  assert.deepEqual(file.diagnostics, []);
  const [pro, none] = file.cases;
  assert.deepEqual(pro.context, { auth: { name: 'Ada' }, state: { plan: 'pro' } });
  assert.deepEqual(pro.history, [{ role: 'user', text: 'Hello' }, { role: 'model', text: 'Hi! How can I help?' }]);
  assert.equal(cover(FIXTURE, pro.contextKeySpans.state), 'state');
  assert.ok(pro.contextKeySpans.state.start > FIXTURE.indexOf('cases:'), 'the case\'s own key, not the default\'s');
  assert.deepEqual(none.history, []);
  assert.deepEqual(none.context, { auth: { name: 'Ada' }, state: { plan: 'free' } });
});

test('the preview of a case renders its context and history like the runtime', async () => {
  const prompt = parsePromptDocument(PROMPT, 'file:///w/p.prompt');
  const r = await renderFixtureCase(prompt, { uri: 'file:///w/p.tests.yaml', text: FIXTURE }, 'pro plan', readTextUri);
  assert.equal(r.error, undefined, r.error?.message);
  assert.deepEqual(
    r.messages?.map((m) => [m.role, m.text, m.metadata?.purpose]),
    [
      ['system', 'You help Ada (plan pro).\n', undefined],
      ['user', 'Hello', 'history'],
      ['model', 'Hi! How can I help?', 'history'],
      ['user', 'Can I export?', undefined],
    ],
  );
});

test('the runner renders each case with its context and history (render provider)', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'pw-ctx-'));
  writeFileSync(path.join(dir, 'p.prompt'), PROMPT);
  writeFileSync(path.join(dir, 'p.tests.yaml'), FIXTURE);
  const suite = await loadSuite(pathToFileURL(path.join(dir, 'p.tests.yaml')).toString(), pathToFileURL(dir).toString(), readTextUri);
  const { results } = await runTests([suite], { providerFor: () => createRenderProvider(), concurrency: 1, trusted: true, readText: readTextUri, secrets: [] });
  const byName = Object.fromEntries(results.map((r) => [r.caseName, r]));
  assert.deepEqual(byName['pro plan'].messages?.map((m) => m.text), ['You help Ada (plan pro).\n', 'Hello', 'Hi! How can I help?', 'Can I export?']);
  assert.deepEqual(byName['no history'].messages?.map((m) => m.text), ['You help Ada (plan free).\n', 'Why?']);
});

test('invalid history and context are reported where they are written', () => {
  const text = `cases:
  - name: a
    context: [state]
    history:
      - role: assistant
        text: hi
      - role: user
      - role: user
        txt: typo
`;
  const file = parseFixtureFile(text, 'file:///w/p.tests.yaml');
  const found = file.diagnostics.map((d) => `${d.code}|${cover(text, d.span)}|${d.message}`);
  assert.ok(found.some((f) => f.startsWith('fixture-schema|[state]|') && /a mapping/.test(f)), found.join('\n'));
  assert.ok(found.some((f) => f.startsWith('fixture-schema|assistant|') && /`user`, `model`, `system`, `tool`/.test(f)), found.join('\n'));
  assert.ok(found.some((f) => f.startsWith('fixture-schema|role: user|') && /says nothing: give `text:`/.test(f)), found.join('\n'));
  assert.ok(found.some((f) => f.startsWith('fixture-unknown-key|txt|') && /Did you mean `text`\?/.test(f)), found.join('\n'));
});

test('a context key the template never reads is a warning on the key; history without {{history}} is information', () => {
  const prompt = parsePromptDocument('{{role "system"}}Plan {{@state.plan}}\n{{role "user"}}Go', 'file:///w/p.prompt');
  const text = `cases:
  - name: a
    context:
      state: { plan: pro }
      auht: { uid: 1 }
    history:
      - { role: user, text: earlier }
`;
  const file = parseFixtureFile(text, 'file:///w/p.tests.yaml');
  const found = fixtureDiagnostics(file, prompt).map((d) => `${d.code}|${d.severity}|${cover(text, d.span)}|${d.message}`);
  assert.deepEqual(found, [
    'fixture-unused-context|warning|auht|p.prompt never reads `@auht` (it reads `@state`); this context value is not used.',
    'fixture-history-placement|info|history|p.prompt has no `{{history}}`: Dotprompt inserts these messages before its last user message (or after its last message when that is not a user message).',
  ]);
});

test('a prompt with `{{@this}}` (a data path naming nothing): the context keys are checked against the names it reads, no crash', () => {
  const prompt = parsePromptDocument('{{role "system"}}{{@this}} {{@state.plan}}\n{{role "user"}}Go', 'file:///w/p.prompt');
  const text = 'cases:\n  - name: a\n    context:\n      state: { plan: pro }\n      stat: 1\n';
  const found = fixtureDiagnostics(parseFixtureFile(text, 'file:///w/p.tests.yaml'), prompt).map((d) => `${d.code}|${cover(text, d.span)}|${d.message}`);
  assert.deepEqual(found, ['fixture-unused-context|stat|p.prompt never reads `@stat`. Did you mean `state`?; this context value is not used.']);
});

test('completion and hover know context and history', () => {
  const at = (text: string) => {
    const offset = text.indexOf('|');
    const clean = text.replace('|', '');
    return completeFixture(clean, offset, new LineIndex(clean), undefined)?.items.map((i) => i.label) ?? [];
  };
  const caseKeys = at('cases:\n  - name: a\n    |');
  assert.ok(caseKeys.includes('context') && caseKeys.includes('history'), caseKeys.join(', '));
  assert.deepEqual(at('cases:\n  - name: a\n    history:\n      - |'), ['role', 'text', 'content']);
  assert.deepEqual(at('cases:\n  - name: a\n    history:\n      - role: |'), ['user', 'model', 'system', 'tool']);
  const text = 'cases:\n  - name: a\n    history:\n      - role: user\n        text: hi\n';
  const hover = hoverFixture(parseFixtureFile(text, 'file:///w/p.tests.yaml'), text.indexOf('history') + 2, undefined);
  assert.match((hover!.contents as { value: string }).value, /^\*\*history\*\*\n\nThe conversation so far, for `\{\{history\}\}`/);
});
