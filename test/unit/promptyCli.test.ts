// The CLI on the Prompty examples: `lint` finds `.prompty` files in folders and reports only what
// is wrong, `tokens` counts each message for the model the file names, `test` runs a fixture that
// names a `.prompty` file, `diff` summarises a change between commits. Plus the message-text lint
// rules on a Prompty body.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { completePromptDiagnostics, lint, parseDocument } from '../../server/src/service';
import { runCli } from '../support/cli';
import { TempRepo } from '../support/gitRepo';

const ROOT = path.resolve(__dirname, '..', '..');
const o200k: (text: string) => number = require('gpt-tokenizer/encoding/o200k_base').countTokens;

test('lint: a folder\'s .prompty files are found; the clean ones report nothing, version 1 only hints', async () => {
  const r = await runCli(['lint', 'examples', '--format', 'json'], ROOT);
  const report = JSON.parse(r.stdout) as { file: string; diagnostics: { code: string; severity: string }[] }[];
  const files = new Map(report.map((f) => [f.file.replace(/\\/g, '/'), f.diagnostics]));
  for (const name of ['support-reply.prompty', 'translate.prompty', 'legacy-v1.prompty', 'short-forms/no-frontmatter.prompty', 'short-forms/empty-frontmatter.prompty', 'short-forms/name-only.prompty', 'short-forms/model-string.prompty']) {
    assert.ok(files.has(`examples/${name}`), `${name} was linted: ${[...files.keys()].join(', ')}`);
  }
  assert.deepEqual(files.get('examples/support-reply.prompty'), []);
  assert.deepEqual(files.get('examples/translate.prompty'), []);
  const legacy = files.get('examples/legacy-v1.prompty')!;
  assert.ok(legacy.length > 5 && legacy.every((d) => d.code === 'prompty-v1-field' && d.severity === 'hint'), JSON.stringify(legacy));
  // The short forms are valid Prompty: the default preset reports nothing; `strict` adds only the
  // opinionated rules (off in `recommended`): the missing output limit, at Prompty's key, and the
  // missing description.
  for (const name of ['no-frontmatter', 'empty-frontmatter', 'name-only', 'model-string']) {
    assert.deepEqual(files.get(`examples/short-forms/${name}.prompty`), [], name);
  }
  const strict = await runCli(['lint', 'examples/short-forms', '--format', 'json', '--preset', 'strict'], ROOT);
  const strictFiles = new Map((JSON.parse(strict.stdout) as { file: string; diagnostics: { code: string; message: string }[] }[]).map((f) => [f.file.replace(/\\/g, '/'), f.diagnostics]));
  for (const name of ['no-frontmatter', 'empty-frontmatter', 'name-only', 'model-string']) {
    const found = strictFiles.get(`examples/short-forms/${name}.prompty`) ?? [];
    assert.deepEqual(found.map((d) => d.code).sort(), ['missing-max-tokens', 'missing-metadata'], name);
    assert.match(found.find((d) => d.code === 'missing-max-tokens')!.message, /`model\.options\.maxOutputTokens`/, name);
  }
});

test('tokens: each message counted for the model the file names, equal to gpt-tokenizer', async () => {
  const file = path.join(ROOT, 'examples', 'support-reply.prompty');
  const text = readFileSync(file, 'utf8');
  const r = await runCli(['tokens', 'examples/support-reply.prompty', '--json'], ROOT);
  assert.equal(r.code, 0, r.stderr);
  const [result] = JSON.parse(r.stdout) as { model: string; modelId: string; messages: { role: string; content: number }[] }[];
  assert.equal(result.model, 'openai/gpt-4o-mini');
  assert.equal(result.modelId, 'gpt-4o-mini');
  const system = text.slice(text.indexOf('system:\n') + 8, text.indexOf('\n\nuser:'));
  const user = text.slice(text.indexOf('user:\n') + 6).trimEnd();
  assert.deepEqual(result.messages.map((m) => [m.role, m.content]), [['system', o200k(system)], ['user', o200k(user)]]);
});

test('test: a fixture naming a .prompty file runs its render cases, with the inputs\' defaults', async () => {
  const r = await runCli(['test', 'examples/support-reply.tests.yaml', '--reporter', 'json', '--no-record', '--no-cache'], ROOT);
  assert.equal(r.code, 0, r.stdout + r.stderr);
  const report = JSON.parse(r.stdout) as { summary?: { counts: { passed: number; failed: number } } };
  assert.equal(report.summary?.counts.passed, 2, r.stdout.slice(0, 400));
  assert.equal(report.summary?.counts.failed, 0);
});

test('diff: model, option, input and message changes between two commits of a .prompty file', async () => {
  const repo = TempRepo.init('pw-prompty-');
  const before = readFileSync(path.join(ROOT, 'examples', 'support-reply.prompty'), 'utf8');
  repo.write('support-reply.prompty', before);
  repo.commit('First version');
  const after = before
    .replace('id: gpt-4o-mini', 'id: gpt-4o')
    .replace('temperature: 0.2', 'temperature: 0.5')
    .replace('  - name: ticket\n', '  - name: tone\n    kind: string\n    default: friendly\n  - name: ticket\n')
    .replace('user:\nRecent orders', 'Write in a {{ tone }} tone.\n\nassistant:\nUnderstood.\n\nuser:\nRecent orders');
  repo.write('support-reply.prompty', after);
  repo.commit('Bigger model, a tone');
  const r = await runCli(['diff', 'support-reply.prompty', '--json'], repo.dir);
  assert.equal(r.code, 0, r.stderr);
  const s = JSON.parse(r.stdout).summary;
  assert.deepEqual(s.model, { from: 'openai/gpt-4o-mini', to: 'openai/gpt-4o' });
  assert.deepEqual(s.parameters, [{ key: 'temperature', path: 'model.options.temperature', from: '0.2', to: '0.5' }]);
  assert.deepEqual(s.variables, { added: ['tone'], removed: [] });
  assert.deepEqual(s.messages, [{ role: 'assistant', delta: 1 }]);
  assert.ok(s.tokenDelta > 0);
});

test('lint: the message-text rules run on a Prompty body, on the text at fault', async () => {
  const text = '---\nmodel:\n  id: gpt-4o\n  options:\n    maxOutputTokens: 100\ninputs:\n  - name: q\n    kind: string\n---\nsystem:\nTry to be somewhat helpful. Always answer in English.\nNever answer in English.\nWrite to ana.silva@contoso.com for refunds.\n\nassistant:\n\nuser:\n<q>{{ q }}</q>\n';
  const doc = parseDocument(text, 'file:///w/rules.prompty');
  const ds = await completePromptDiagnostics(doc, { lint: { config: lint.resolveLintConfig(lint.RULES) } });
  const found = ds.filter((d) => d.code !== 'prompty-v1-field').map((d) => [d.code, text.slice(d.span.start, d.span.end)]);
  for (const expected of [
    ['vague-language', 'Try to'],
    ['vague-language', 'somewhat'],
    ['conflicting-instructions', 'Never answer in English.'],
    ['pii-in-prompt', 'ana.silva@contoso.com'],
    ['empty-message', 'assistant:'],
  ]) {
    assert.ok(found.some((f) => f[0] === expected[0] && f[1] === expected[1]), `${expected.join(' ')} in ${JSON.stringify(found)}`);
  }
});

test('lint: an input written into a Prompty system message is variable-in-system-role; a number, a condition or a user message is not', async () => {
  const text = '---\nmodel:\n  id: gpt-4o\n  options:\n    maxOutputTokens: 100\ninputs:\n  - name: name\n    kind: string\n  - name: limit\n    kind: integer\n  - name: vip\n    kind: string\n---\nsystem:\nYou serve {{ name }} in at most {{ limit }} words.\n{% if vip %}Be extra kind.{% endif %}\n\nuser:\n<name>{{ name }}</name>\n';
  const doc = parseDocument(text, 'file:///w/roles.prompty');
  const ds = await completePromptDiagnostics(doc, { lint: { config: lint.resolveLintConfig(lint.RULES) } });
  const found = ds.filter((d) => d.code === 'variable-in-system-role').map((d) => text.slice(d.span.start, d.span.end));
  assert.deepEqual(found, ['{{ name }}']);
  assert.ok(text.indexOf('{{ name }}') < text.indexOf('user:'), 'the system one');
});
