import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parsePromptDocument } from '../../server/src/service';
import { covered } from '../support/markers';

const codes = (text: string) => parsePromptDocument(text).diagnostics.map((d) => d.code);

test('no frontmatter: the whole file is the template', () => {
  const doc = parsePromptDocument('Hello {{name}}');
  assert.equal(doc.frontmatter.present, false);
  assert.equal(doc.template.span.start, 0);
  assert.deepEqual(doc.diagnostics, []);
});

test('frontmatter and body are split at the closing --- line', () => {
  const text = '---\nmodel: openai/gpt-4o\n---\nHello';
  const doc = parsePromptDocument(text);
  assert.equal(doc.frontmatter.closed, true);
  assert.equal(covered(doc, doc.frontmatter.content), 'model: openai/gpt-4o');
  assert.equal(text.slice(doc.template.span.start), 'Hello');
  assert.equal(doc.model, 'openai/gpt-4o');
});

test('a file with only --- is an unclosed frontmatter, not a crash', () => {
  const doc = parsePromptDocument('---');
  assert.deepEqual(doc.diagnostics.map((d) => d.code), ['frontmatter-unclosed']);
  assert.deepEqual(doc.lines.range(doc.diagnostics[0].span.start, doc.diagnostics[0].span.end), { start: { line: 0, character: 0 }, end: { line: 0, character: 3 } });
});

test('an unclosed frontmatter still validates what is there', () => {
  const doc = parsePromptDocument('---\nmodel: openai/gpt-4o\nconfig:\n  temperature: hot\n');
  assert.deepEqual(doc.diagnostics.map((d) => d.code).sort(), ['frontmatter-schema', 'frontmatter-unclosed']);
});

test('empty frontmatter: Dotprompt reads the whole file as the template, so it is a warning (see dotpromptConformance.test.ts)', () => {
  assert.deepEqual(codes('---\n---\nHi'), ['frontmatter-empty']);
  assert.deepEqual(codes('---\n# only a comment\n---\nHi'), []);
});

test('CRLF line endings: ranges stay on the right line and column', () => {
  const text = '---\r\nmodel: openai/gpt-4o\r\nconfig:\r\n  temperature: hot\r\n---\r\nHello {{#if x}}\r\n';
  const doc = parsePromptDocument(text);
  const schema = doc.diagnostics.find((d) => d.code === 'frontmatter-schema')!;
  assert.equal(covered(doc, schema.span), 'hot');
  assert.deepEqual(doc.lines.positionAt(schema.span.start), { line: 3, character: 15 });
  const unclosed = doc.diagnostics.find((d) => d.code === 'template-unclosed-block')!;
  assert.deepEqual(doc.lines.positionAt(unclosed.span.start), { line: 5, character: 6 });
  assert.equal(covered(doc, doc.frontmatter.content), 'model: openai/gpt-4o\r\nconfig:\r\n  temperature: hot');
});

test('a UTF-8 BOM before the frontmatter is skipped', () => {
  const doc = parsePromptDocument('\uFEFF---\nmodel: 42\n---\nHi');
  assert.equal(doc.frontmatter.present, true);
  const d = doc.diagnostics.find((x) => x.code === 'frontmatter-schema')!;
  assert.equal(covered(doc, d.span), '42');
  assert.deepEqual(doc.lines.positionAt(d.span.start), { line: 1, character: 7 });
});

test('invalid YAML is reported where it is, with the yaml-syntax code', () => {
  const doc = parsePromptDocument('---\nmodel: [unclosed\nname: x\n---\nHi');
  const d = doc.diagnostics.find((x) => x.code === 'yaml-syntax');
  assert.ok(d, `expected yaml-syntax, got ${doc.diagnostics.map((x) => x.code)}`);
  assert.ok(doc.lines.positionAt(d.span.start).line >= 1);
  assert.match(d.message, /^Invalid YAML in the frontmatter: /);
});

test('duplicate keys are a YAML error on the second key', () => {
  const doc = parsePromptDocument('---\nmodel: a/b\nmodel: c/d\n---\n');
  const d = doc.diagnostics.find((x) => x.code === 'yaml-duplicate-key')!;
  assert.equal(doc.lines.positionAt(d.span.start).line, 2);
});

test('a YAML alias bomb is stopped with a diagnostic', () => {
  const bomb = ['---', 'a: &a ["x","x","x","x","x","x","x","x","x"]', 'b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]', 'c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]', 'd: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]', 'e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]', 'f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]', 'g: [*f,*f,*f,*f,*f,*f,*f,*f,*f]', '---', 'Hi'].join('\n');
  const started = Date.now();
  const doc = parsePromptDocument(bomb);
  assert.ok(Date.now() - started < 5000);
  assert.ok(doc.diagnostics.some((d) => d.code === 'yaml-alias-limit'), doc.diagnostics.map((d) => d.code).join());
  assert.equal(doc.frontmatter.value, undefined);
});
