import assert from 'node:assert/strict';
import { test } from 'node:test';
import { completeFrontmatter, diagnostics, documentSymbols, foldingRanges, hoverFrontmatter, parsePromptDocument } from '../../server/src/service';

function exerciseAll(text: string): void {
  const doc = parsePromptDocument(text);
  diagnostics(doc);
  documentSymbols(doc);
  foldingRanges(doc);
  for (const offset of [0, 1, Math.floor(text.length / 2), text.length]) {
    completeFrontmatter(doc, offset);
    hoverFrontmatter(doc, offset);
  }
}

test('a binary file gets a notice and is not analysed', () => {
  const doc = parsePromptDocument('\u0089PNG\r\n\u001a\n\u0000\u0000\u0000\rIHDR---{{#if');
  assert.equal(doc.notice, 'binary');
  assert.deepEqual(doc.diagnostics.map((d) => d.code), ['file-binary']);
  assert.match(doc.diagnostics[0].message, /binary data/);
});

test('a 10 MB file gets frontmatter checks and a notice, not a full analysis', () => {
  const line = 'Summarise the following text for {{audience}} in plain words.\n';
  const text = '---\nmodel: openai/gpt-4o\nconfig:\n  temperature: hot\n---\n' + line.repeat(Math.ceil(10_000_000 / line.length));
  const doc = parsePromptDocument(text);
  assert.equal(doc.notice, 'too-large');
  assert.deepEqual(doc.diagnostics.map((d) => d.code).sort(), ['file-too-large', 'frontmatter-schema']);
  assert.match(doc.diagnostics.find((d) => d.code === 'file-too-large')!.message, /10\.0 MB.*promptWorkbench\.maxFileSize/);
});

test('the size limit is an option', () => {
  const doc = parsePromptDocument('x'.repeat(100) + '{{#if a}}', 'u', 0, { maxTemplateSize: 50 });
  assert.equal(doc.notice, 'too-large');
  assert.equal(parsePromptDocument('x'.repeat(100) + '{{#if a}}', 'u', 0, { maxTemplateSize: 500 }).notice, undefined);
});

test('non-ASCII and emoji in frontmatter and body', () => {
  const doc = parsePromptDocument('---\nname: résumé-写作\ndescription: "Схема 😀"\nconfig:\n  temperature: 温度\n---\n{{role "system"}}\nÉcris {{nom}} 😀\n');
  const d = doc.diagnostics.find((x) => x.code === 'frontmatter-schema')!;
  assert.equal(doc.text.slice(d.span.start, d.span.end), '温度');
  assert.equal(doc.diagnostics.length, 1);
});

test('the engine never throws, whatever the input (seeded random texts)', () => {
  // A deterministic PRNG so a failure can be reproduced.
  let seed = 0x2f6e2b1;
  const rand = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
  const pieces = ['---', '\n', '\r\n', '{{', '}}', '{{{', '}}}', '{{#', '{{/', '{{else}}', '{{>', '{{!--', '--}}', '{{!', 'if', 'each', ' ', ':', '  ', '- ', '[', ']', '{', '}', '"', "'", '&a', '*a', '|', '~', '(', ')', '=', 'model', 'config', 'temperature', 'input', 'schema', 'x(array)', '?', '\\', '\uFEFF', '😀', '\t', '#', 'null', '1.5', 'role "system"'];
  for (let i = 0; i < 1500; i++) {
    const n = 1 + Math.floor(rand() * 60);
    let text = '';
    for (let j = 0; j < n; j++) text += pieces[Math.floor(rand() * pieces.length)];
    assert.doesNotThrow(() => exerciseAll(text), `input: ${JSON.stringify(text)}`);
  }
});

test('pathological lines do not hang the scanner', () => {
  const started = Date.now();
  exerciseAll('{{'.repeat(50_000));
  exerciseAll('---\n' + 'a: '.repeat(20_000) + '\n---\n' + '{'.repeat(100_000));
  exerciseAll('{{"'.repeat(30_000));
  assert.ok(Date.now() - started < 10_000, `took ${Date.now() - started} ms`);
});
