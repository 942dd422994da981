import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { CompletionItem } from 'vscode-languageserver-types';
import { complete, PartialIndex } from '../../server/src/service';
import { docAtCursor } from '../support/markers';

const HEAD = `---
input:
  schema:
    customerName: string, the customer's name
    items(array):
      sku: string
      qty: integer
    user(object):
      address(object):
        city: string
        zip: string
  default:
    customerName: there
---
`;

function items(body: string, options = {}): CompletionItem[] {
  // Block params use `|`, so fixtures that contain them mark the cursor with `§`.
  const { doc, offset } = docAtCursor(HEAD + body, body.includes('§') ? '§' : '|');
  return complete(doc, offset, options)?.items ?? [];
}
const labels = (body: string, options = {}) => items(body, options).map((i) => i.label);

test('{{cu| offers the declared inputs with type and description', () => {
  const got = items('Hello {{cu|}}');
  const item = got.find((i) => i.label === 'customerName')!;
  assert.equal(item.detail, 'string');
  assert.match(JSON.stringify(item.documentation), /the customer's name/);
  assert.match(JSON.stringify(item.documentation), /Default: `\\"there\\"`/);
  assert.deepEqual(item.textEdit, { range: { start: { line: 14, character: 8 }, end: { line: 14, character: 10 } }, newText: 'customerName' });
});

test('right after {{ the inputs and the helpers are offered', () => {
  const got = labels('{{|}}');
  for (const l of ['customerName', 'items', 'user', 'role', 'history', 'json', 'if', 'each', '@root']) assert.ok(got.includes(l), `${l} in ${got}`);
  assert.ok(!got.includes('@index'), '@index only inside each');
});

test('nested paths complete fields, at any depth', () => {
  assert.deepEqual(labels('{{user.|}}'), ['address']);
  assert.deepEqual(labels('{{user.address.|}}'), ['city', 'zip']);
  assert.deepEqual(labels('{{user.address.ci|}}'), ['city', 'zip']);
  assert.deepEqual(labels('{{@root.user.|}}'), ['address']);
});

test('inside {{#each}}: item fields, this, @index and friends, block params', () => {
  const got = labels('{{#each items as |item idx|}}{{§}}{{/each}}');
  for (const l of ['sku', 'qty', 'this', '@index', '@key', '@first', '@last', 'item', 'idx']) assert.ok(got.includes(l), `${l} in ${got}`);
  assert.ok(!got.includes('customerName'), 'root inputs are not in scope inside each');
  assert.deepEqual(labels('{{#each items as |item|}}{{item.§}}{{/each}}'), ['sku', 'qty']);
  assert.deepEqual(labels('{{#each items}}{{../|}}{{/each}}').includes('customerName'), true);
});

test('@ completes data variables', () => {
  assert.deepEqual(labels('{{#each items}}{{@|}}{{/each}}'), ['@root', '@index', '@key', '@first', '@last', '@metadata', '@state', '@auth']);
  assert.deepEqual(labels('{{@|}}'), ['@root', '@metadata', '@state', '@auth']);
});

test('block params of {{#each}} complete the list and the block helpers carry their closing tag', () => {
  const each = items('{{#ea|}}').find((i) => i.label === 'each')!;
  assert.equal(each.insertTextFormat, 2);
  assert.equal((each.textEdit as { newText: string }).newText, 'each ${1:items}}}\n$0\n{{/each');
  const ifItem = items('{{i|}}').find((i) => i.label === 'if')!;
  assert.equal((ifItem.textEdit as { newText: string }).newText, '#if ${1:condition}}}\n$0\n{{/if');
  const unclosed = items('{{#ea|').find((i) => i.label === 'each')!;
  assert.equal((unclosed.textEdit as { newText: string }).newText, 'each ${1:items}}}\n$0\n{{/each}}');
  assert.ok(!labels('{{#|}}').includes('role'), 'only block helpers after {{#');
});

test('{{/ offers the block to close', () => {
  assert.deepEqual(labels('{{#each items}}{{#if sku}}x{{/|}}'), ['if']);
});

test('{{> completes partials of the workspace', () => {
  const partials = new PartialIndex();
  partials.set('file:///w/_footer.prompt', 'Bye');
  partials.set('file:///w/_header.prompt', 'Hi');
  assert.deepEqual(labels('{{> |}}', { partials }), ['footer', 'header']);
  assert.deepEqual(labels('{{> fo|}}', { partials }), ['footer', 'header']);
});

test('parameters of helpers complete variables', () => {
  const got = labels('{{#if cu|}}{{/if}}');
  assert.ok(got.includes('customerName'));
  assert.ok(!got.includes('each'), 'no helpers in parameter position');
});

test('no completion in text, comments or strings', () => {
  assert.deepEqual(labels('Hello cu|'), []);
  assert.deepEqual(labels('{{! cu| }}'), []);
  assert.deepEqual(labels('{{role "sy|"}}'), []);
});

test('custom helpers from the settings are offered', () => {
  assert.ok(labels('{{up|}}', { customHelpers: ['upper'] }).includes('upper'));
});
