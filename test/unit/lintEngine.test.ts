// The lint engine: the config file (validation with positions, precedence against the settings),
// inline suppression, the quick fixes and the docs link.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import type { CodeAction, TextEdit } from 'vscode-languageserver-types';
import { allCodeActions, diagnostics, lint, parsePromptDocument } from '../../server/src/service';
import { LineIndex } from '../../server/src/service/text';

const PROMPT = '---\nmodel: openai/gpt-4o\ninput:\n  schema:\n    question: string\n---\nTry to answer: {{question}}\n';

function applyEdits(text: string, edits: TextEdit[]): string {
  const lines = new LineIndex(text);
  const sorted = edits.map((e) => ({ start: lines.offsetAt(e.range.start), end: lines.offsetAt(e.range.end), text: e.newText })).sort((a, b) => b.start - a.start);
  let out = text;
  for (const e of sorted) out = out.slice(0, e.start) + e.text + out.slice(e.end);
  return out;
}

function lintOf(text: string, config = lint.resolveLintConfig(lint.RULES), uri = 'file:///w/p.prompt') {
  const doc = parsePromptDocument(text, uri);
  return { doc, diags: diagnostics(doc, { lint: { config, docsBase: 'file:///ext/docs/rules/' } }) };
}

const codes = (text: string, config?: lint.ResolvedLintConfig) => lintOf(text, config).diags.map((d) => d.code);

test('the config file: levels and options are read; problems sit on the YAML node at fault', () => {
  const ok = lint.parseLintConfig('rules:\n  vague-language: off\n  untrusted-input-undelimited:\n    level: error\n    trusted: [question]\n', lint.RULES);
  assert.deepEqual(ok.problems, []);
  assert.deepEqual(ok.config.rules['vague-language'], { level: 'off' });
  assert.deepEqual(ok.config.rules['untrusted-input-undelimited'], { level: 'error', options: { untrusted: ['*'], trusted: ['question'] } });

  const text = 'rules:\n  vauge-language: off\n  whitespace: warn\n  missing-metadata:\n    required: description\n  duplicate-instruction:\n    minWords: 3\nignore: []\n';
  const bad = lint.parseLintConfig(text, lint.RULES, '.promptlintrc.yaml');
  const at = (p: { span: { start: number; end: number } }) => text.slice(p.span.start, p.span.end);
  const messages = bad.problems.map((p) => [at(p), p.message]);
  assert.deepEqual(
    messages.map(([a]) => a),
    ['ignore', 'vauge-language', 'warn', 'description', 'minWords'],
  );
  assert.match(messages[1][1], /Unknown rule `vauge-language`\. Did you mean `vague-language`\?/);
  assert.match(messages[2][1], /`whitespace`: expected one of off, hint, info, warning, error; got "warn"\. Did you mean "warning"\?/);
  assert.match(messages[3][1], /`missing-metadata\.required`: expected a list/);
  assert.match(messages[4][1], /has no options/);
  // Valid entries still apply.
  assert.deepEqual(Object.keys(bad.config.rules), []);
  const partly = lint.parseLintConfig('rules:\n  whitespace: error\n  nope: off\n', lint.RULES);
  assert.deepEqual(partly.config.rules.whitespace, { level: 'error' });
  assert.equal(partly.problems.length, 1);
  assert.match(lint.parseLintConfig('rules: [', lint.RULES).problems[0].message, /YAML syntax/);
  assert.match(lint.formatConfigProblem('.promptlintrc.yaml', text, bad.problems[2]), /^\.promptlintrc\.yaml:3:15: /);
});

test('precedence: built-in default < config file < editor setting (unless "default")', () => {
  const file = lint.parseLintConfig('rules:\n  vague-language: error\n  missing-metadata: warning\n', lint.RULES).config;
  assert.equal(lint.resolveLintConfig(lint.RULES).levels['vague-language'], 'info');
  assert.equal(lint.resolveLintConfig(lint.RULES, file).levels['vague-language'], 'error');
  assert.equal(lint.resolveLintConfig(lint.RULES, file, { 'vague-language': 'off' }).levels['vague-language'], 'off');
  assert.equal(lint.resolveLintConfig(lint.RULES, file, { 'vague-language': 'default' }).levels['vague-language'], 'error');
  assert.equal(lint.resolveLintConfig(lint.RULES, file, { 'vague-language': 'loud' }).levels['vague-language'], 'error', 'an invalid setting is ignored');
  assert.equal(lint.resolveLintConfig(lint.RULES, file).levels['missing-metadata'], 'warning');
  // The level decides the severity, and `off` removes the diagnostics.
  assert.ok(codes(PROMPT).includes('vague-language'));
  const off = lint.resolveLintConfig(lint.RULES, undefined, { 'vague-language': 'off' });
  assert.ok(!codes(PROMPT, off).includes('vague-language'));
  const error = lintOf(PROMPT, lint.resolveLintConfig(lint.RULES, file)).diags.find((d) => d.code === 'vague-language')!;
  assert.equal(error.severity, 1);
});

test('the config file is found by walking up to the stop folder', () => {
  const root = mkdtempSync(path.join(tmpdir(), 'pw-lintrc-'));
  mkdirSync(path.join(root, 'a', 'b'), { recursive: true });
  writeFileSync(path.join(root, '.promptlintrc.yml'), 'rules: {}\n');
  assert.equal(lint.findLintConfig(path.join(root, 'a', 'b'), root, existsSync), path.join(root, '.promptlintrc.yml'));
  writeFileSync(path.join(root, 'a', '.promptlintrc.yaml'), 'rules: {}\n');
  assert.equal(lint.findLintConfig(path.join(root, 'a', 'b'), root, existsSync), path.join(root, 'a', '.promptlintrc.yaml'));
  assert.equal(lint.findLintConfig(path.join(root, 'a', 'b'), path.join(root, 'a', 'b'), existsSync), undefined, 'stops at the workspace folder');
  assert.ok(lint.isConfigFile('file:///x/.promptlintrc.yaml') && !lint.isConfigFile('file:///x/rc.yaml'));
});

test('lint diagnostics link their docs page (codeDescription)', () => {
  const d = lintOf(PROMPT).diags.find((x) => x.code === 'untrusted-input-undelimited')!;
  assert.equal(d.codeDescription?.href, 'file:///ext/docs/rules/untrusted-input-undelimited.md');
  assert.equal(d.source, 'prompt-workbench');
});

test('inline suppression: next line, file level, several ids, YAML comments in the frontmatter', () => {
  const base = codes(PROMPT);
  assert.ok(base.includes('untrusted-input-undelimited') && base.includes('vague-language'));
  const nextLine = PROMPT.replace('Try to', '{{! prompt-workbench-disable-next-line untrusted-input-undelimited }}\nTry to');
  assert.deepEqual(codes(nextLine).filter((c) => c === 'untrusted-input-undelimited'), []);
  assert.ok(codes(nextLine).includes('vague-language'), 'other rules still report');
  const two = PROMPT.replace('Try to', '{{!-- prompt-workbench-disable-next-line untrusted-input-undelimited, vague-language -- reviewed --}}\nTry to');
  assert.ok(!codes(two).some((c) => c === 'untrusted-input-undelimited' || c === 'vague-language'));
  const file = PROMPT + '{{! prompt-workbench-disable vague-language }}\n';
  assert.ok(!codes(file).includes('vague-language') && codes(file).includes('untrusted-input-undelimited'));
  const all = PROMPT + '{{! prompt-workbench-disable }}\n';
  assert.deepEqual(codes(all).filter((c) => lint.RULES.some((r) => r.id === c)), []);
  const yaml = '---\n# prompt-workbench-disable-next-line unknown-model\nmodel: acme/nothing-1\nconfig:\n  maxOutputTokens: 5\n---\nHi\n';
  assert.ok(!codes(yaml).includes('unknown-model'));
  assert.ok(codes(yaml.replace('# prompt-workbench-disable-next-line unknown-model\n', '')).includes('unknown-model'));
  // Not a directive: a longer word.
  assert.ok(codes(PROMPT.replace('Try to', '{{! prompt-workbench-disabled vague-language }}\nTry to')).includes('vague-language'));
});

function fixWith(text: string, code: string, title: string | RegExp, uri = 'file:///w/p.prompt'): string {
  // The strict preset: every rule on (missing-max-tokens is off in `recommended`).
  const { doc, diags } = lintOf(text, lint.resolveLintConfig(lint.RULES, undefined, { preset: 'strict' }), uri);
  const d = diags.find((x) => x.code === code);
  assert.ok(d, `no ${code} in ${diags.map((x) => x.code)}`);
  const actions: CodeAction[] = allCodeActions(doc, [d]);
  const action = actions.find((a) => (typeof title === 'string' ? a.title === title : title.test(a.title)));
  assert.ok(action, `no "${title}" in ${actions.map((a) => a.title)}`);
  return applyEdits(text, action.edit!.changes![uri]);
}

test('quick fix: "Disable <id> for this line" inserts a comment above, keeping the indentation', () => {
  const text = '---\nmodel: openai/gpt-4o\nconfig:\n  maxOutputTokens: 5\n---\n{{#if true}}\n  Maybe answer.\n{{/if}}\n';
  const after = fixWith(text, 'vague-language', 'Disable vague-language for this line');
  assert.equal(after, text.replace('  Maybe', '  {{! prompt-workbench-disable-next-line vague-language }}\n  Maybe'));
  assert.ok(!codes(after).includes('vague-language'));
  const fmText = '---\nmodel: openai/o3-mini\nconfig:\n  temperature: 0.2\n  maxOutputTokens: 5\n---\nHi\n';
  const fmAfter = fixWith(fmText, 'deprecated-parameter', 'Disable deprecated-parameter for this line');
  assert.equal(fmAfter, fmText.replace('  temperature', '  # prompt-workbench-disable-next-line deprecated-parameter\n  temperature'));
  assert.ok(!codes(fmAfter).includes('deprecated-parameter'));
  const fileAfter = fixWith(fmText, 'deprecated-parameter', 'Disable deprecated-parameter for this file');
  assert.ok(fileAfter.startsWith('---\n# prompt-workbench-disable deprecated-parameter\nmodel:'));
  assert.ok(!codes(fileAfter).includes('deprecated-parameter'));
});

test('quick fix: wrap an input in a tag', () => {
  const inline = '---\nmodel: openai/gpt-4o\nconfig:\n  maxOutputTokens: 5\ninput:\n  schema:\n    x: string\n---\nSay {{x}} now.\n';
  assert.equal(fixWith(inline, 'untrusted-input-undelimited', 'Wrap in <x> tags'), inline.replace('{{x}}', '<x>{{x}}</x>'));
  const alone = inline.replace('Say {{x}} now.', '  {{x}}');
  assert.equal(fixWith(alone, 'untrusted-input-undelimited', 'Wrap in <x> tags'), alone.replace('  {{x}}', '  <x>\n  {{x}}\n  </x>'));
});

test('quick fix: add maxOutputTokens (under config, creating config or the frontmatter)', () => {
  const withConfig = '---\nmodel: openai/gpt-4o\nconfig:\n  temperature: 0.2\noutput:\n  format: text\n---\nHi\n';
  assert.equal(fixWith(withConfig, 'missing-max-tokens', 'Add `maxOutputTokens: 1024` to config'), withConfig.replace('  temperature: 0.2\n', '  temperature: 0.2\n  maxOutputTokens: 1024\n'));
  const noConfig = '---\nmodel: openai/gpt-4o\ndescription: x\n---\nHi\n';
  assert.equal(fixWith(noConfig, 'missing-max-tokens', /Add/), '---\nmodel: openai/gpt-4o\nconfig:\n  maxOutputTokens: 1024\ndescription: x\n---\nHi\n');
  const emptyConfig = '---\nconfig:\nmodel: openai/gpt-4o\n---\nHi\n';
  assert.equal(fixWith(emptyConfig, 'missing-max-tokens', /Add/), '---\nconfig:\n  maxOutputTokens: 1024\nmodel: openai/gpt-4o\n---\nHi\n');
  const none = 'Hello there.\n';
  const after = fixWith(none, 'missing-max-tokens', /Add/);
  assert.equal(after, '---\nconfig:\n  maxOutputTokens: 1024\n---\nHello there.\n');
  assert.ok(!codes(after).includes('missing-max-tokens'));
  const crlf = '---\r\nmodel: openai/gpt-4o\r\nconfig:\r\n  temperature: 1\r\n---\r\nHi\r\n';
  assert.equal(fixWith(crlf, 'missing-max-tokens', /Add/), crlf.replace('  temperature: 1\r\n', '  temperature: 1\r\n  maxOutputTokens: 1024\r\n'));
});

test('quick fixes: remove a duplicate, remove a rejected parameter, normalise whitespace, change a model, remove an empty message', () => {
  const dup = '---\nmodel: openai/gpt-4o\nconfig:\n  maxOutputTokens: 5\n---\n- Answer in the customer language.\n- Be kind.\n- Answer in the customer language.\n';
  assert.equal(fixWith(dup, 'duplicate-instruction', 'Remove the duplicate line'), dup.replace(/- Answer in the customer language\.\n$/, ''));
  const param = '---\nmodel: openai/o3-mini\nconfig:\n  temperature: 0.2\n  maxOutputTokens: 5\n---\nHi\n';
  assert.equal(fixWith(param, 'deprecated-parameter', 'Remove `temperature`'), param.replace('  temperature: 0.2\n', ''));
  const ws = '---\nmodel: openai/gpt-4o  \nconfig:\n  maxOutputTokens: 5\n---\nHi \r\nthere\n';
  const normal = fixWith(ws, 'whitespace', 'Normalise whitespace in this file');
  assert.equal(normal, '---\nmodel: openai/gpt-4o\nconfig:\n  maxOutputTokens: 5\n---\nHi\nthere\n');
  assert.ok(!codes(normal).includes('whitespace'));
  const model = '---\nmodel: "openai/gpt-4o-mnii"\nconfig:\n  maxOutputTokens: 5\n---\nHi\n';
  assert.equal(fixWith(model, 'unknown-model', 'Change to `openai/gpt-4o-mini`'), model.replace('gpt-4o-mnii', 'gpt-4o-mini'));
  const empty = '---\nmodel: openai/gpt-4o\nconfig:\n  maxOutputTokens: 5\n---\n{{role "system"}}\n{{role "user"}}\nHi\n';
  assert.equal(fixWith(empty, 'empty-message', 'Remove the empty message'), empty.replace('{{role "system"}}\n', ''));
});

test('partials get only the rules that make sense for fragments', () => {
  const partial = 'Try to be brief.\n{{name}}\n';
  const strict = lint.resolveLintConfig(lint.RULES, undefined, { preset: 'strict' });
  const got = codes(partial, strict);
  const asPartial = lintOf(partial, strict, 'file:///w/_footer.prompt').diags.map((d) => d.code);
  assert.ok(got.includes('missing-max-tokens'));
  assert.ok(!asPartial.includes('missing-max-tokens') && asPartial.includes('vague-language'));
});

test('a rule that throws is skipped and reported; the other rules still run', () => {
  const rule = lint.RULES.find((r) => r.id === 'vague-language')!;
  const original = rule.check;
  rule.check = () => {
    throw new Error('boom');
  };
  try {
    const errors: string[] = [];
    const doc = parsePromptDocument(PROMPT, 'file:///w/p.prompt');
    const ds = diagnostics(doc, { lint: {}, onLintError: (id) => errors.push(id) });
    assert.deepEqual(errors, ['vague-language']);
    assert.ok(ds.some((d) => d.code === 'untrusted-input-undelimited'));
  } finally {
    rule.check = original;
  }
});
