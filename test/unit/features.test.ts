import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { CompletionItem, MarkupContent } from 'vscode-languageserver-types';
import { completeFrontmatter, documentSymbols, foldingRanges, hoverFrontmatter, parseDocument } from '../../server/src/service';
import { docAtCursor } from '../support/markers';

function labels(source: string): string[] {
  const { doc, offset } = docAtCursor(source);
  return (completeFrontmatter(doc, offset)?.items ?? []).map((i) => i.label);
}

function item(source: string, label: string): CompletionItem {
  const { doc, offset } = docAtCursor(source);
  const found = completeFrontmatter(doc, offset)?.items.find((i) => i.label === label);
  assert.ok(found, `no completion item ${label}`);
  return found;
}

function hoverText(source: string): string | undefined {
  const { doc, offset } = docAtCursor(source);
  const h = hoverFrontmatter(doc, offset);
  return h ? (h.contents as MarkupContent).value : undefined;
}

test('completes output formats after `format:`', () => {
  assert.deepEqual(labels('---\noutput:\n  format: |\n---\n'), ['json', 'text', 'media', 'array', 'enum', 'jsonl']);
  assert.deepEqual(labels('---\noutput:\n  format: js|\n---\n').includes('json'), true);
});

test('the completion edit replaces the typed prefix', () => {
  const { doc, offset } = docAtCursor('---\noutput:\n  format: js|\n---\n');
  const json = completeFrontmatter(doc, offset)!.items.find((i) => i.label === 'json')!;
  assert.deepEqual(json.textEdit, { range: { start: { line: 2, character: 10 }, end: { line: 2, character: 12 } }, newText: 'json' });
});

test('completes top-level keys that are not already present', () => {
  const got = labels('---\nmodel: openai/gpt-4o\n|\n---\n');
  assert.ok(got.includes('config') && got.includes('input') && got.includes('output'));
  assert.ok(!got.includes('model'), 'model is already there');
});

test('completes keys of nested mappings', () => {
  assert.deepEqual(labels('---\noutput:\n  |\n---\n').sort(), ['format', 'instructions', 'schema']);
  assert.deepEqual(labels('---\ninput:\n  schema:\n    a: string\n  |\n---\n').sort(), ['default']);
});

test('config keys follow the model family', () => {
  const openai = labels('---\nmodel: openai/gpt-4o\nconfig:\n  |\n---\n');
  assert.ok(openai.includes('frequencyPenalty') && openai.includes('temperature'));
  assert.ok(!openai.includes('topK') && !openai.includes('safetySettings'));
  const gemini = labels('---\nmodel: googleai/gemini-2.5-flash\nconfig:\n  |\n---\n');
  assert.ok(gemini.includes('topK') && gemini.includes('safetySettings'));
  assert.ok(!gemini.includes('frequencyPenalty'));
  const unknown = labels('---\nconfig:\n  |\n---\n');
  assert.ok(unknown.includes('topK') && unknown.includes('frequencyPenalty'), 'without a model every key is offered');
});

test('key items carry type, documentation and a snippet', () => {
  const t = item('---\nconfig:\n  tem|\n---\n', 'temperature');
  assert.equal(t.detail, 'number (0 to 2)');
  assert.match((t.documentation as MarkupContent).value, /Sampling temperature/);
  assert.equal(t.textEdit && 'newText' in t.textEdit ? t.textEdit.newText : '', 'temperature: $0');
  const out = item('---\n|\n---\n', 'output');
  assert.equal(out.textEdit && 'newText' in out.textEdit ? out.textEdit.newText : '', 'output:\n  $0');
});

test('Picoschema types are offered as values under input.schema', () => {
  assert.ok(labels('---\ninput:\n  schema:\n    name: |\n---\n').includes('string'));
});

test('no completion in the template body or in user-defined mappings', () => {
  assert.deepEqual(labels('---\nmodel: a/b\n---\nHello |'), []);
  assert.deepEqual(labels('---\nmetadata:\n  team:\n    |\n---\n'), []);
  // `metadata` is yours, beside the fields the prompt catalogue reads, which completion offers.
  assert.deepEqual(labels('---\nmetadata:\n  |\n---\n'), ['owner', 'status', 'tags', 'statusNote']);
});

test('hover documents keys, with the type', () => {
  const h = hoverText('---\nconfig:\n  tempe|rature: 0.2\n---\n')!;
  assert.match(h, /\*\*config\.temperature\*\*: `number \(0 to 2\)`/);
  assert.match(h, /Sampling temperature/);
  assert.match(hoverText('---\nmod|el: openai/gpt-4o\n---\n')!, /provider\/model/);
});

test('hover on an output format value explains it', () => {
  assert.match(hoverText('---\noutput:\n  format: js|on\n---\n')!, /`json`: The model answers with one JSON value/);
});

test('hover on a provider-specific key says which families accept it', () => {
  assert.match(hoverText('---\nmodel: openai/gpt-4o\nconfig:\n  to|pK: 3\n---\n')!, /not by `openai`/);
});

test('hover on an input field shows its declared type', () => {
  assert.match(hoverText('---\ninput:\n  schema:\n    ta|gs(array, labels): string\n---\n')!, /\*\*tags\*\*: `string\[\]`\n\nlabels/);
});

test('hover on a dotted extension key and nothing in the body', () => {
  assert.match(hoverText('---\nmy.ex|t: 1\n---\n')!, /Extension field/);
  assert.equal(hoverText('---\nmodel: a/b\n---\nHel|lo'), undefined);
});

test('document symbols: frontmatter keys nested, then messages with their blocks', () => {
  const { doc } = docAtCursor('---\nmodel: a/b\nconfig:\n  temperature: 1\n---\n{{role "system"}}\nBe kind.\n{{role "user"}}\n{{#each xs}}{{this}}{{/each}}\n|');
  const symbols = documentSymbols(doc);
  assert.deepEqual(symbols.map((s) => s.name), ['frontmatter', 'system', 'user']);
  assert.deepEqual(symbols[0].children!.map((s) => s.name), ['model', 'config']);
  assert.deepEqual(symbols[0].children![1].children!.map((s) => s.name), ['temperature']);
  assert.equal(symbols[1].detail, 'Be kind.');
  assert.deepEqual(symbols[2].children!.map((s) => s.name), ['{{#each xs}}']);
});

test('folding ranges: frontmatter, YAML mappings, blocks, messages', () => {
  const { doc } = docAtCursor('---\nconfig:\n  temperature: 1\n  topP: 1\n---\n{{role "system"}}\nA\n{{#if x}}\nB\nC\n{{/if}}\n{{role "user"}}\nD\n|');
  const ranges = foldingRanges(doc).map((r) => `${r.startLine}-${r.endLine}`);
  assert.ok(ranges.includes('0-4'), `frontmatter in ${ranges}`);
  assert.ok(ranges.includes('1-3'), `config in ${ranges}`);
  assert.ok(ranges.includes('7-9'), `if block (keeping {{/if}} visible) in ${ranges}`);
  assert.ok(ranges.includes('5-10'), `system message in ${ranges}`);
});

test('hover on an item of a list of values documents the list\'s key, over the item', () => {
  for (const source of ['---\ntools: [weather, sea|rch]\n---\n', '---\ntools:\n  - weather\n  - sea|rch\n---\n']) {
    const { doc, offset } = docAtCursor(source);
    const h = hoverFrontmatter(doc, offset)!;
    assert.match((h.contents as MarkupContent).value, /^\*\*tools\*\*: /, source);
    const start = doc.text.indexOf('search');
    assert.deepEqual(h.range, doc.lines.range(start, start + 'search'.length), source);
  }
  // A VS Code prompt file listing models, as its format reads it.
  const text = "---\ndescription: Review\nmodel: ['GPT-4o (copilot)', 'Claude Sonnet 4.5 (copilot)']\n---\nReview the code.\n";
  const doc = parseDocument(text, 'file:///w/.github/prompts/review.prompt.md', 1);
  const at = text.indexOf('Claude');
  const h = hoverFrontmatter(doc, at)!;
  assert.match((h.contents as MarkupContent).value, /^\*\*model\*\*: `string \| string\[\]`/);
  assert.deepEqual(h.range, doc.lines.range(at - 1, text.indexOf("']") + 1));
});
