import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { MarkupContent, TextEdit } from 'vscode-languageserver-types';
import { definition, hover, parsePromptDocument, PartialIndex, prepareRename, references, rename, RenameError, semanticTokens } from '../../server/src/service';
import { SEMANTIC_LEGEND } from '../../server/src/service/semanticTokens';
import { docAtCursor } from '../support/markers';

const PICO = `---
input:
  schema:
    customerName?: string, the name
    items(array):
      sku: string
  default:
    customerName: Ada
---
`;

const text = (edits: TextEdit[] | undefined) => (edits ?? []).map((e) => `${e.range.start.line}:${e.range.start.character}-${e.range.end.character}=${e.newText}`);

test('hover on a template variable: type, description, default, declaration line', () => {
  const { doc, offset } = docAtCursor(PICO + 'Hi {{custo|merName}}');
  const value = (hover(doc, offset)!.contents as MarkupContent).value;
  assert.match(value, /\*\*customerName\*\* \(optional\): `string`\n\nthe name/);
  assert.match(value, /Default: `"Ada"`/);
  assert.match(value, /line 4/);
});

test('hover on an undeclared variable, a helper, a block param, @index', () => {
  const h = (src: string) => (hover(docAtCursor(PICO + src, src.includes('§') ? '§' : '|').doc, docAtCursor(PICO + src, src.includes('§') ? '§' : '|').offset)!.contents as MarkupContent).value;
  assert.match(h('{{em|ail}}'), /not declared/);
  assert.match(h('{{#ea|ch items}}{{/each}}'), /\*\*each\*\* \(handlebars helper\)/);
  assert.match(h('{{#each items as |it|}}{{i§t.sku}}{{/each}}'), /block parameter, item of `items`/);
  assert.match(h('{{#each items}}{{@ind|ex}}{{/each}}'), /zero-based position/);
});

test('definition of a variable is its schema key; of a block param its declaration', () => {
  const { doc, offset } = docAtCursor(PICO + '{{customer|Name}}');
  assert.deepEqual(definition(doc, offset).map((l) => l.range.start), [{ line: 3, character: 4 }]);
  const local = docAtCursor(PICO + '{{#each items as |it|}}{{i§t.sku}}{{/each}}', '§');
  const [def] = definition(local.doc, local.offset);
  assert.equal(local.doc.text.slice(local.doc.lines.offsetAt(def.range.start), local.doc.lines.offsetAt(def.range.end)), 'it');
});

test('references include uses in partials', () => {
  const partials = new PartialIndex();
  partials.set('file:///w/_sig.prompt', 'Regards, {{customerName}}');
  const { doc, offset } = docAtCursor(PICO + '{{customerName}} {{> sig}} {{@root.customer|Name}}');
  const refs = references(doc, offset, true, { partials });
  assert.deepEqual(refs.map((r) => r.uri).sort(), ['file:///test.prompt', 'file:///test.prompt', 'file:///test.prompt', 'file:///test.prompt', 'file:///w/_sig.prompt'].sort());
  assert.equal(references(doc, offset, false, { partials }).length, 3);
});

test('rename: declaration name (not its type), default key, every use, @root and partials', () => {
  const partials = new PartialIndex();
  partials.set('file:///w/_sig.prompt', 'Regards, {{customerName}}');
  const { doc, offset } = docAtCursor(PICO + '{{customer|Name}} {{#each items}}{{@root.customerName}}{{../customerName}}{{/each}} {{> sig}}');
  assert.deepEqual(prepareRename(doc, offset, { partials })?.placeholder, 'customerName');
  const edit = rename(doc, offset, 'client', { partials })!;
  assert.deepEqual(text(edit.changes!['file:///test.prompt']), ['3:4-16=client', '7:4-16=client', '9:2-14=client', '9:40-52=client', '9:59-71=client']);
  assert.deepEqual(text(edit.changes!['file:///w/_sig.prompt']), ['0:11-23=client']);
});

test('rename in a JSON Schema also renames the required entry', () => {
  const src = '---\ninput:\n  schema:\n    type: object\n    properties:\n      msg: { type: string }\n    required: [msg]\n---\n{{m|sg}}';
  const { doc, offset } = docAtCursor(src);
  assert.deepEqual(text(rename(doc, offset, 'message')!.changes!['file:///test.prompt']), ['5:6-9=message', '6:15-18=message', '8:2-5=message']);
});

test('rename of a block parameter stays inside its block', () => {
  const { doc, offset } = docAtCursor(PICO + '{{#each items as |it|}}{{i§t.sku}}{{/each}}', '§');
  assert.equal(Object.values(rename(doc, offset, 'entry')!.changes!)[0].length, 2);
});

test('rename refuses invalid or clashing names with a clear message', () => {
  const { doc, offset } = docAtCursor(PICO + '{{customer|Name}}');
  assert.throws(() => rename(doc, offset, '1abc'), RenameError);
  assert.throws(() => rename(doc, offset, 'items'), /already declared/);
  assert.equal(prepareRename(docAtCursor(PICO + 'plain te|xt').doc, docAtCursor(PICO + 'plain te|xt').offset), null);
});

test('semantic tokens: declared, undeclared, helpers and partials', () => {
  const doc = parsePromptDocument(PICO + '{{customerName}} {{email}} {{json items}} {{> sig}}');
  const data = semanticTokens(doc).data;
  const types: string[] = [];
  for (let i = 0; i < data.length; i += 5) types.push(SEMANTIC_LEGEND.tokenTypes[data[i + 3]]);
  assert.deepEqual(types, ['parameter', 'undeclaredVariable', 'function', 'parameter', 'namespace']);
});
