// Completion and hover in the project config (prompt-workbench.yaml): sections and keys from the
// schema that validates the file, rule ids under `rules:` with their descriptions, levels, presets,
// and default statuses by the names the same file gives them.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { CompletionItem, MarkupContent } from 'vscode-languageserver-types';
import { completeConfig, hoverConfig, lint } from '../../server/src/service';

const options = { rules: lint.RULES, docsBase: 'https://example.test/rules/' };

/** Completion where `|` is, with the marker removed. */
function at(marked: string): { items: CompletionItem[]; text: string; offset: number } {
  const offset = marked.indexOf('|');
  const text = marked.replace('|', '');
  return { items: completeConfig(text, offset, options)?.items ?? [], text, offset };
}
const labels = (items: CompletionItem[]) => items.map((i) => i.label);

test('top-level sections, with their documentation; sections already written are not offered again', () => {
  const { items } = at('preset: strict\n|');
  const names = labels(items);
  for (const s of ['rules', 'template', 'files', 'tokens', 'fixtures', 'schemas', 'agents', 'catalog', 'testing']) assert.ok(names.includes(s), `${s} in ${names.join(', ')}`);
  assert.ok(!names.includes('preset'), 'preset is written already');
  const catalog = items.find((i) => i.label === 'catalog')!;
  assert.match((catalog.documentation as MarkupContent).value, /lifecycle's status names/);
});

test('keys of a section, and the values of an enum or boolean key', () => {
  assert.deepEqual(labels(at('catalog:\n  requireOwner: true\n  |').items).sort(), ['defaults', 'statuses']);
  assert.deepEqual(labels(at('catalog:\n  statuses:\n    |').items), ['draft', 'review', 'approved', 'released', 'retired']);
  assert.deepEqual(labels(at('catalog:\n  requireOwner: |').items), ['true', 'false']);
  assert.deepEqual(labels(at('preset: |').items), ['recommended', 'strict']);
});

test('rule ids under rules:, each with its description, levels as values', () => {
  const { items, text, offset } = at('rules:\n  secret-in-prompt: error\n  |');
  const names = labels(items);
  assert.equal(names.length, lint.RULES.length - 1, 'every rule but the one written');
  assert.ok(names.includes('vague-language') && !names.includes('secret-in-prompt'));
  const vague = items.find((i) => i.label === 'vague-language')!;
  const rule = lint.RULES.find((r) => r.id === 'vague-language')!;
  assert.ok((vague.documentation as MarkupContent).value.includes(rule.description));
  assert.match((vague.documentation as MarkupContent).value, /\(https:\/\/example\.test\/rules\/vague-language\.md\)/);
  // the edit replaces the typed prefix on the cursor's line
  assert.ok(vague.textEdit && 'range' in vague.textEdit);
  assert.equal((vague.textEdit as { range: { start: { line: number } } }).range.start.line, text.slice(0, offset).split('\n').length - 1);
  assert.deepEqual(labels(at('rules:\n  vague-language: |').items), ['off', 'hint', 'info', 'warning', 'error']);
  assert.deepEqual(labels(at('rules:\n  no-such-rule: |').items), []);
  assert.deepEqual(labels(at('rules:\n  vague-language:\n    level: |').items), ['off', 'hint', 'info', 'warning', 'error']);
  assert.ok(labels(at('rules:\n  vague-language:\n    |').items).includes('level'));
});

test('a default status is offered by the names the same file gives the statuses', () => {
  assert.deepEqual(labels(at('catalog:\n  statuses:\n    released: live\n  defaults:\n    "prompts/**": |').items), ['draft', 'review', 'approved', 'live', 'retired']);
});

test('hover: a key, a rule under rules:, a preset value; where it is', () => {
  const text = 'preset: strict\nrules:\n  vague-language: warning\n  nope: off\ncatalog:\n  requireOwner: true\n';
  const key = hoverConfig(text, text.indexOf('requireOwner') + 2, options)!;
  assert.match((key.contents as MarkupContent).value, /\*\*catalog\.requireOwner\*\*: `boolean`/);
  assert.deepEqual(key.range, { start: { line: 5, character: 2 }, end: { line: 5, character: 14 } });
  const rule = hoverConfig(text, text.indexOf('vague-language') + 1, options)!;
  assert.match((rule.contents as MarkupContent).value, /^\*\*vague-language\*\*/);
  assert.match((rule.contents as MarkupContent).value, /in `recommended`, `warning` in `strict`/);
  assert.match((hoverConfig(text, text.indexOf('nope') + 1, options)!.contents as MarkupContent).value, /`nope` is no lint rule/);
  assert.match((hoverConfig(text, text.indexOf('strict') + 1, options)!.contents as MarkupContent).value, /`strict`: Every rule on/);
  assert.equal(hoverConfig(text, text.length, options), null);
});
