import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parsePromptDocument } from '../../server/src/service';
import { wholeTemplateDiagnostics, WHOLE_PARSE_LIMIT } from '../../server/src/service/template';
import { covered } from '../support/markers';

const body = (text: string) => parsePromptDocument(text);
const codes = (text: string) => body(text).diagnostics.map((d) => d.code);

test('tags of every kind are recognised with their names', () => {
  const doc = body('{{! c }}{{!-- long }} --}}{{name}}{{{raw}}}{{#each items as |it|}}{{it.x}}{{else}}-{{/each}}{{> footer tone="x"}}{{^empty}}e{{/empty}}{{#> layout}}b{{/layout}}{{#*inline "p"}}i{{/inline}}{{~trim~}}');
  assert.deepEqual(doc.diagnostics, []);
  const kinds = doc.template.tags.map((t) => `${t.kind}:${t.name ?? ''}`);
  assert.deepEqual(kinds, [
    'comment:', 'comment:', 'mustache:name', 'unescaped:raw', 'block-open:each', 'mustache:it.x', 'else:else', 'block-close:each',
    'partial:footer', 'inverse-open:empty', 'block-close:empty', 'partial-block-open:layout', 'block-close:layout',
    'decorator-block-open:inline', 'block-close:inline', 'mustache:trim',
  ]);
  const each = doc.template.tags[4];
  assert.deepEqual(each.blockParams, ['it']);
  assert.equal(each.params[0].kind === 'path' && each.params[0].original, 'items');
  assert.equal(covered(doc, each.params[0].span), 'items');
  assert.equal(doc.template.tags[0].comment, ' c ');
  const partial = doc.template.tags[8];
  assert.equal(partial.hash[0].key, 'tone');
  assert.equal(covered(doc, partial.hash[0].span), 'tone="x"');
});

test('expression locations are exact, also across lines and after the frontmatter', () => {
  const doc = body('---\nmodel: a/b\n---\nHi {{greet\n  user.name (upper title) flag=true}}');
  const tag = doc.template.tags[0];
  assert.equal(covered(doc, tag.nameSpan!), 'greet');
  assert.equal(covered(doc, tag.params[0].span), 'user.name');
  assert.equal(covered(doc, tag.params[1].span), '(upper title)');
  assert.equal(covered(doc, tag.hash[0].value.span), 'true');
});

test('an unclosed block is reported on its opening tag', () => {
  const doc = body('a\n{{#if x}}\nb');
  const d = doc.diagnostics.find((x) => x.code === 'template-unclosed-block')!;
  assert.equal(covered(doc, d.span), '{{#if x}}');
  assert.match(d.message, /never closed\. Add `\{\{\/if\}\}`/);
  assert.equal(doc.template.blocks[0].close, undefined);
});

test('a close that matches nothing is unmatched; a crossed close names the open block', () => {
  const stray = body('a {{/each}}');
  assert.deepEqual(stray.diagnostics.map((d) => d.code), ['template-unmatched-close']);
  assert.match(stray.diagnostics[0].message, /no `\{\{#each\}\}` is open/);
  const crossed = body('{{#each xs}}{{/if}}');
  const d = crossed.diagnostics.find((x) => x.code === 'template-unmatched-close')!;
  assert.match(d.message, /Did you mean `\{\{\/each\}\}`\?/);
  assert.deepEqual(d.data, { expected: 'each' });
});

test('closing an outer block reports the inner unclosed one', () => {
  const doc = body('{{#each xs}}{{#if y}}{{/each}}');
  const d = doc.diagnostics.filter((x) => x.code === 'template-unclosed-block');
  assert.equal(d.length, 1);
  assert.equal(covered(doc, d[0].span), '{{#if y}}');
  assert.equal(doc.template.blocks[0].close?.name, 'each');
});

test('an unclosed {{ is reported up to the end of its line, and scanning recovers', () => {
  const doc = body('Hello {{name\nBye {{other}}');
  assert.deepEqual(doc.diagnostics.map((d) => d.code), ['template-unclosed-tag']);
  assert.equal(covered(doc, doc.diagnostics[0].span), '{{name');
  assert.ok(doc.template.tags.some((t) => t.name === 'other' && t.closed));
});

test('{{ closed by a single } is unclosed; {{{ closed by }} is unbalanced', () => {
  assert.deepEqual(codes('{{name}\n'), ['template-unclosed-tag']);
  const doc = body('x {{{raw}} y');
  assert.deepEqual(doc.diagnostics.map((d) => d.code), ['template-unbalanced-braces']);
  assert.equal(covered(doc, doc.diagnostics[0].span), '{{{raw}}');
});

test('an unclosed long comment is reported', () => {
  assert.deepEqual(codes('{{!-- never ends }}'), ['template-unclosed-comment']);
});

test('escaped mustaches are literal text', () => {
  const doc = body('Write \\{{name}} to insert a value. {{real}}');
  assert.deepEqual(doc.diagnostics, []);
  assert.deepEqual(doc.template.tags.map((t) => t.name), ['real']);
});

test('invalid expressions are reported on the tag, in plain words', () => {
  const doc = body('{{foo bar=}}');
  assert.deepEqual(doc.diagnostics.map((d) => d.code), ['template-expression']);
  assert.match(doc.diagnostics[0].message, /^Invalid Handlebars expression: expected/);
  assert.equal(covered(doc, doc.diagnostics[0].span), '{{foo bar=}}');
});

test('else outside a block and a second plain else are errors', () => {
  assert.deepEqual(codes('{{else}}'), ['template-unmatched-else']);
  assert.deepEqual(codes('{{#if a}}x{{else}}y{{else}}z{{/if}}'), ['template-duplicate-else']);
  assert.deepEqual(codes('{{#if a}}x{{else if b}}y{{else}}z{{/if}}'), []);
});

test('messages follow role and history markers; content before the first marker is a user message', () => {
  const doc = body('---\nmodel: a/b\n---\nIntro\n{{role "system"}}\nYou are kind.\n{{history}}\n{{role "user"}}\n{{question}}\n');
  assert.deepEqual(doc.template.messages.map((m) => `${m.kind}:${m.role}`), ['message:user', 'message:system', 'history:history', 'message:user']);
  const system = doc.template.messages[1];
  assert.match(covered(doc, system.span), /^\{\{role "system"\}\}\nYou are kind\.\n$/);
});

test('a template without markers is one user message; an empty body has none', () => {
  assert.deepEqual(body('Just text').template.messages.map((m) => m.role), ['user']);
  assert.deepEqual(body('---\nmodel: a/b\n---\n').template.messages, []);
});

test('non-ASCII text keeps UTF-16 columns right', () => {
  const doc = body('Grüße 😀 {{#if x}}');
  const d = doc.diagnostics[0];
  assert.deepEqual(doc.lines.positionAt(d.span.start), { line: 0, character: 9 });
  assert.equal(covered(doc, d.span), '{{#if x}}');
});

test('a tag followed by }} (JSON around a value) is reported: Handlebars reads }}}} as a raw-block end', () => {
  const doc = body('{"a": {"b": {{x}}}}');
  assert.deepEqual(doc.diagnostics.map((d) => d.code), ['template-unbalanced-braces']);
  assert.equal(covered(doc, doc.diagnostics[0].span), '{{x}}}}');
  assert.deepEqual(body('{"a": {"b": {{x}} }}').diagnostics, []);
});

test('small bodies also get one whole-body Handlebars parse; large bodies skip it', () => {
  const small = body('{{#*inline "q"}}{{else}}x{{/inline}}');
  assert.deepEqual(wholeTemplateDiagnostics(small.text, small.template).map((d) => d.code), ['template-syntax']);
  const large = body('{{#*inline "q"}}{{else}}x{{/inline}}' + 'a'.repeat(WHOLE_PARSE_LIMIT));
  assert.deepEqual(wholeTemplateDiagnostics(large.text, large.template), []);
});
