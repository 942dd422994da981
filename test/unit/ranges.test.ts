import assert from 'node:assert/strict';
import { test } from 'node:test';
import { codeActions, diagnostics, parsePromptDocument, semanticTokens } from '../../server/src/service';
import { toLspDiagnostic } from '../../server/src/service/diagnostic';
import { LineIndex } from '../../server/src/service/text';

test('an unclosed tag on a CRLF line ends before the line break', () => {
  const text = '---\r\nmodel: a/b\r\n---\r\nHello {{name\r\nnext line\r\n';
  const doc = parsePromptDocument(text);
  const unclosed = diagnostics(doc).filter((d) => d.code === 'template-unclosed-tag');
  assert.deepEqual(unclosed.map((d) => d.range), [{ start: { line: 3, character: 6 }, end: { line: 3, character: 12 } }]);
});

test('an unclosed tag on a line ended by a lone CR ends before the CR', () => {
  const doc = parsePromptDocument('Hello {{name\rnext');
  const unclosed = diagnostics(doc).filter((d) => d.code === 'template-unclosed-tag');
  assert.deepEqual(unclosed.map((d) => d.range), [{ start: { line: 0, character: 6 }, end: { line: 0, character: 12 } }]);
});

test('an offset inside a CRLF pair is the end of its line', () => {
  const lines = new LineIndex('ab\r\ncd');
  assert.deepEqual(lines.positionAt(2), { line: 0, character: 2 });
  assert.deepEqual(lines.positionAt(3), { line: 0, character: 2 });
  assert.deepEqual(lines.positionAt(4), { line: 1, character: 0 });
  assert.deepEqual(lines.positionAt(99), { line: 1, character: 2 });
});

test('a diagnostic span that overruns its line or the document still becomes a range inside both', () => {
  const lines = new LineIndex('ab\r\ncd');
  const range = (start: number, end: number) => toLspDiagnostic({ code: 'x', severity: 'error', message: 'm', span: { start, end } }, lines).range;
  assert.deepEqual(range(0, 3), { start: { line: 0, character: 0 }, end: { line: 0, character: 2 } });
  assert.deepEqual(range(5, 40), { start: { line: 1, character: 1 }, end: { line: 1, character: 2 } });
  assert.deepEqual(range(-3, 1), { start: { line: 0, character: 0 }, end: { line: 0, character: 1 } });
  // A reversed or non-numeric span is collapsed at its start rather than sent inverted.
  assert.deepEqual(range(5, 4), { start: { line: 1, character: 1 }, end: { line: 1, character: 1 } });
  assert.deepEqual(range(Number.NaN, 1), { start: { line: 0, character: 0 }, end: { line: 0, character: 1 } });
});

test('removing an unused declaration on the last line of an unclosed frontmatter stays inside the document', () => {
  const doc = parsePromptDocument('---\r\ninput:\r\n  schema:\r\n    diff: string');
  const diags = diagnostics(doc);
  const unused = diags.filter((d) => d.code === 'unused-variable');
  assert.equal(unused.length, 1);
  const edit = codeActions(doc, unused)[0].edit!.changes![doc.uri][0];
  assert.deepEqual(edit.range, { start: { line: 3, character: 0 }, end: { line: 3, character: 16 } });
});

test('a lone CR inside a tag keeps its expressions located, and semantic tokens stay relative and finite', () => {
  const doc = parsePromptDocument('---\ninput:\n  schema:\n    name: string\n---\n{{#if name\r}}x{{/if}} {{json\r name}}');
  const json = doc.template.tags.find((t) => t.name === 'json')!;
  assert.equal(doc.text.slice(json.params[0].span.start, json.params[0].span.end), 'name');
  const data = semanticTokens(doc).data;
  assert.ok(data.every((n) => Number.isInteger(n) && n >= 0), String(data));
  // The last token is `name` in `{{json\r name}}`: line 7 (each lone CR ends a line), character 1.
  let line = 0;
  let char = 0;
  for (let i = 0; i < data.length; i += 5) {
    char = data[i] === 0 ? char + data[i + 1] : data[i + 1];
    line += data[i];
  }
  assert.deepEqual({ line, char, length: data[data.length - 3] }, { line: 7, char: 1, length: 4 });
});
