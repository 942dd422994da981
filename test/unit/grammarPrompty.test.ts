// The Prompty TextMate grammar (syntaxes/prompty.tmLanguage.json), tokenised with VS Code's own
// engine (vscode-textmate + vscode-oniguruma): YAML frontmatter, role lines, Jinja2 and Mustache tags.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { grammarTokenizer } from '../support/textmate';

const tokens = grammarTokenizer('source.prompty', 'prompty.tmLanguage.json');

function scopeOf(lines: { text: string; scopes: string[] }[][], line: number, text: string, nth = 0): string[] {
  const t = lines[line].filter((x) => x.text === text)[nth];
  assert.ok(t, `no token ${JSON.stringify(text)} on line ${line + 1}: ${JSON.stringify(lines[line].map((x) => x.text))}`);
  return t.scopes;
}

const has = (scopes: string[], prefix: string) => scopes.some((s) => s === prefix || s.startsWith(prefix + '.'));

const SAMPLE = [
  '---', // 0
  'name: Support',
  'model:',
  '  id: gpt-4o',
  '---',
  'system:', // 5
  'You help {{ customer | upper }}.',
  '{% for o in orders %}- {{ o.id }} {{ loop.index }}{% endfor %}',
  '{# a note #}',
  '# User:',
  '{{#items}}{{name}}{{/items}} {{! mustache note }} {{{raw}}}', // 10
  'sytem:',
  'The user: not a role line',
  'user[name="Ana Lima", age=30]:',
  'user[]:',
  'user[Ana]:', // 15
].join('\n');

test('prompty grammar: frontmatter is embedded YAML, the body is outside it', async () => {
  const t = await tokens(SAMPLE);
  assert.ok(has(scopeOf(t, 1, 'name'), 'entity.name.tag.yaml'));
  assert.ok(has(scopeOf(t, 0, '---'), 'punctuation.definition.frontmatter.prompty'));
  assert.ok(has(scopeOf(t, 4, '---'), 'punctuation.definition.frontmatter.prompty'));
  for (const line of t.slice(5)) for (const tok of line) assert.ok(!has(tok.scopes, 'meta.embedded.block.frontmatter'), tok.text);
});

test('prompty grammar: role lines, with or without #, in any case; look-alikes are text', async () => {
  const t = await tokens(SAMPLE);
  assert.ok(has(scopeOf(t, 5, 'system'), 'entity.name.section.role.prompty'));
  assert.ok(has(scopeOf(t, 9, 'User'), 'entity.name.section.role.prompty'));
  assert.ok(has(scopeOf(t, 9, '#'), 'punctuation.definition.heading.prompty'));
  assert.ok(!t[11].some((x) => has(x.scopes, 'meta.role.prompty')), 'sytem: is not a role line');
  assert.ok(!t[12].some((x) => has(x.scopes, 'meta.role.prompty')), 'text with a colon is not a role line');
  assert.ok(has(scopeOf(t, 13, 'user'), 'entity.name.section.role.prompty'));
  assert.ok(has(scopeOf(t, 13, '[name="Ana Lima", age=30]'), 'meta.attribute.role.prompty'));
  assert.ok(!t[14].some((x) => has(x.scopes, 'meta.role.prompty')), 'user[]: is no role line for the runtimes');
  assert.ok(!t[15].some((x) => has(x.scopes, 'meta.role.prompty')), 'user[Ana]: is no role line for the runtimes');
});

test('prompty grammar: Jinja2 expressions, filters, statements, loop and comments', async () => {
  const t = await tokens(SAMPLE);
  assert.ok(has(scopeOf(t, 6, 'customer'), 'variable.other.prompty'));
  assert.ok(has(scopeOf(t, 6, 'upper'), 'support.function.filter.jinja'));
  assert.ok(has(scopeOf(t, 6, '{{ '.trim()), 'punctuation.definition.tag.begin.prompty'));
  assert.ok(has(scopeOf(t, 7, 'for'), 'keyword.control.jinja'));
  assert.ok(has(scopeOf(t, 7, 'in'), 'keyword.operator.word.jinja'));
  assert.ok(has(scopeOf(t, 7, 'endfor'), 'keyword.control.jinja'));
  assert.ok(has(scopeOf(t, 7, 'id'), 'variable.other.property.jinja'));
  assert.ok(has(scopeOf(t, 7, 'loop'), 'variable.language.loop.jinja'));
  assert.ok(has(scopeOf(t, 8, ' a note '), 'comment.block.jinja'));
  assert.ok(!t[7].some((x) => x.text.includes('- ') && has(x.scopes, 'meta.tag.statement.jinja')), 'text between tags is not inside a tag');
});

test('prompty grammar: Mustache sections, comments and triple braces', async () => {
  const t = await tokens(SAMPLE);
  assert.ok(has(scopeOf(t, 10, '#'), 'keyword.control.section.mustache'));
  assert.ok(has(scopeOf(t, 10, '/'), 'keyword.control.section.mustache'));
  assert.ok(has(scopeOf(t, 10, 'items'), 'variable.other.prompty'));
  assert.ok(has(scopeOf(t, 10, ' mustache note '), 'comment.block.mustache'));
  assert.ok(has(scopeOf(t, 10, 'raw'), 'meta.tag.unescaped.mustache'));
});
