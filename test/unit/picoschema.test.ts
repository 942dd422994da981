import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parsePromptDocument } from '../../server/src/service';
import { fieldTypeLabel } from '../../server/src/service/picoschema';
import { covered } from '../support/markers';

const withSchema = (schema: string) => parsePromptDocument(`---\ninput:\n  schema:\n${schema}\n---\n`);

test('Picoschema fields: types, descriptions, optional, arrays, objects, enums', () => {
  const doc = withSchema(`    name: string, the user's name
    age?: integer
    tags(array, labels): string
    address(object):
      city: string
    items(array):
      sku: string
    tone(enum, how to sound): [formal, casual]
    anything: any`);
  assert.deepEqual(doc.diagnostics, []);
  assert.equal(doc.input.style, 'picoschema');
  const f = Object.fromEntries(doc.input.fields.map((x) => [x.name, x]));
  assert.deepEqual([f.name.type, f.name.description, f.name.optional], ['string', "the user's name", false]);
  assert.equal(f.age.optional, true);
  assert.equal(fieldTypeLabel(f.tags), 'string[]');
  assert.equal(f.tags.description, 'labels');
  assert.deepEqual(f.address.children!.map((c) => c.name), ['city']);
  assert.equal(fieldTypeLabel(f.items), 'object[]');
  assert.deepEqual(f.tone.enumValues, ['formal', 'casual']);
  assert.equal(covered(doc, f.address.keySpan!), 'address(object)');
});

test('JSON Schema input with required and descriptions', () => {
  const doc = withSchema(`    type: object
    properties:
      message: { type: string, description: the text }
      count: { type: integer }
      meta:
        type: object
        properties:
          lang: { type: string }
    required: [message]`);
  assert.equal(doc.input.style, 'json-schema');
  const [message, count, meta] = doc.input.fields;
  assert.deepEqual([message.name, message.type, message.optional, message.description], ['message', 'string', false, 'the text']);
  assert.deepEqual([count.type, count.optional], ['integer', true]);
  assert.deepEqual(meta.children!.map((c) => c.name), ['lang']);
  assert.equal(covered(doc, message.keySpan!), 'message');
});

test('a misspelt scalar type is a warning with a suggestion', () => {
  const doc = withSchema('    q: strng, the question');
  const d = doc.diagnostics.find((x) => x.code === 'input-schema-type')!;
  assert.equal(d.severity, 'warning');
  assert.equal(covered(doc, d.span), 'strng, the question');
  assert.match(d.message, /Did you mean `string`\?/);
});

test('a capitalised unknown type is taken as a schema registered in code', () => {
  assert.deepEqual(withSchema('    user: UserProfile').diagnostics, []);
});

test('bad parenthetical types and missing types are errors on the key', () => {
  const bad = withSchema('    x(string): hello');
  const d = bad.diagnostics.find((x) => x.code === 'input-schema-invalid')!;
  assert.equal(covered(bad, d.span), 'x(string)');
  assert.match(d.message, /must be array, object or enum/);
  const missing = withSchema('    y:');
  assert.match(missing.diagnostics[0].message, /`y` needs a type/);
  const enumNoList = withSchema('    z(enum): low');
  assert.match(enumNoList.diagnostics[0].message, /needs a list of values/);
});

test('output.schema is checked the same way', () => {
  const doc = parsePromptDocument('---\noutput:\n  schema:\n    answer: nubmer\n---\n');
  assert.match(doc.diagnostics[0].message, /Did you mean `number`\?/);
});
