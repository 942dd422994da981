// Dotprompt's Picoschema as the reference implementation (the `dotprompt` package) reads it, on
// minimal files: each test converts the same schema with the package and asserts that our model
// agrees, or that we report where the package fails or names a field differently than it looks.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Dotprompt, picoschema } from 'dotprompt';
import { parseDocument, promptDiagnostics } from '../../server/src/service';
import type { SchemaField } from '../../server/src/service/formats/types';

const URI = 'file:///w/p.prompt';
const fileWith = (schema: string, body = 'Hi\n') => `---\ninput:\n  schema:\n${schema}\n---\n${body}`;

/** The package's JSON Schema for the file's `input.schema`, or its error message. */
async function reference(text: string): Promise<Record<string, any> | string> {
  try {
    const parsed = new Dotprompt().parse(text);
    return ((await picoschema(parsed.input?.schema)) ?? {}) as Record<string, any>;
  } catch (e) {
    return (e as Error).message;
  }
}

const byName = (fields: readonly SchemaField[]) => Object.fromEntries(fields.map((f) => [f.name, f]));
const at = (text: string, d: { span: { start: number; end: number } }) => text.slice(d.span.start, d.span.end);

test('a description keeps what follows the first comma, leading blanks dropped, as the package splits it', async () => {
  const text = fileWith('    a: string,desc, more\n    b: "integer,   spaced  "');
  const ref = await reference(text);
  assert.equal(typeof ref, 'object');
  const f = byName(parseDocument(text, URI).input.fields);
  assert.equal(f.a.description, (ref as any).properties.a.description);
  assert.equal(f.b.description, (ref as any).properties.b.description);
  assert.equal(f.b.description, 'spaced  ');
  assert.equal(f.b.type, (ref as any).properties.b.type);
});

test('a blank before the comma: the package fails on the type `string `, and we report it as an error on the value', async () => {
  const text = fileWith('    a: string , the text');
  assert.match(String(await reference(text)), /unsupported scalar type 'string '/);
  const d = promptDiagnostics(parseDocument(text, URI)).filter((x) => x.code === 'input-schema-type');
  assert.equal(d.length, 1);
  assert.equal(d[0].severity, 'error');
  assert.equal(at(text, d[0]), 'string , the text');
  assert.equal(d[0].data?.replacement, 'string, the text');
  // Without the blank, the package loads it and we report nothing.
  const fixed = fileWith('    a: string, the text');
  assert.equal(typeof (await reference(fixed)), 'object');
  assert.deepEqual(promptDiagnostics(parseDocument(fixed, URI)).filter((x) => x.code.startsWith('input-schema')), []);
});

test('blanks inside the parentheses: the package refuses the type; we report an error on the key', async () => {
  for (const key of ['a( array ): string', 'a(array , list): string']) {
    const text = fileWith(`    ${key}`);
    assert.match(String(await reference(text)), /parenthetical types must be/, key);
    const d = promptDiagnostics(parseDocument(text, URI)).filter((x) => x.code === 'input-schema-invalid');
    assert.equal(d.length, 1, key);
    assert.equal(d[0].severity, 'error');
    assert.equal(at(text, d[0]), key.slice(0, key.indexOf(':')));
  }
});

test('a blank before `(` or `?`: the package names the field with the blank; we warn on the key', async () => {
  for (const [key, name] of [['tags (array): string', 'tags '], ['who ?: string', 'who ']]) {
    const text = fileWith(`    ${key}`, `{{${name.trim()}}}\n`);
    const ref = await reference(text);
    assert.deepEqual(Object.keys((ref as any).properties), [name], key);
    const d = promptDiagnostics(parseDocument(text, URI)).filter((x) => x.code === 'input-schema-invalid');
    assert.equal(d.length, 1, key);
    assert.equal(d[0].severity, 'warning');
    assert.equal(at(text, d[0]), key.slice(0, key.indexOf(':')));
    assert.match(d[0].message, new RegExp(`\`${name}\`, blanks included`));
  }
});

test('the (*) wildcard: names the package accepts are declared, with the wildcard type', async () => {
  const text = fileWith('    a: string\n    (*): number\n    box(object):\n      (*): string', '{{a}} {{other}} {{box.anything}} {{#each box.list}}{{this}}{{/each}}\n');
  const ref = (await reference(text)) as any;
  assert.deepEqual(ref.additionalProperties, { type: 'number' });
  assert.deepEqual(ref.properties.box.additionalProperties, { type: 'string' });
  const doc = parseDocument(text, URI);
  assert.equal(doc.input.additional?.type, 'number');
  assert.equal(byName(doc.input.fields).box.additional?.type, 'string');
  assert.deepEqual(promptDiagnostics(doc).filter((d) => d.code === 'undefined-variable').map((d) => at(text, d)), []);
  // Without a wildcard the same names are undeclared, where they are written.
  const closed = fileWith('    a: string\n    box(object):\n      b: string', '{{a}} {{other}} {{box.anything}}\n');
  assert.equal((await reference(closed) as any).additionalProperties, false);
  assert.deepEqual(promptDiagnostics(parseDocument(closed, URI)).filter((d) => d.code === 'undefined-variable').map((d) => at(closed, d)), ['other', 'anything']);
});

test('JSON Schema or Picoschema: decided as the package decides (`type: any`, `properties` holding a type)', async () => {
  // `properties: string` is a Picoschema field named "properties".
  const pico = fileWith('    properties: string\n    b: string');
  const ref = (await reference(pico)) as any;
  assert.deepEqual(Object.keys(ref.properties), ['properties', 'b']);
  const doc = parseDocument(pico, URI);
  assert.equal(doc.input.style, 'picoschema');
  assert.deepEqual(doc.input.fields.map((f) => [f.name, f.type]), [['properties', 'string'], ['b', 'string']]);
  // A mapping under `properties` is JSON Schema, as is a root `type: any` (passed through by the package as written).
  const js = fileWith('    properties:\n      q: { type: string }');
  assert.deepEqual(Object.keys(((await reference(js)) as any).properties), ['q']);
  assert.equal(parseDocument(js, URI).input.style, 'json-schema');
  const any = fileWith('    type: any\n    name: string');
  assert.deepEqual(await reference(any), { type: 'any', name: 'string' });
  assert.equal(parseDocument(any, URI).input.style, 'json-schema');
});

test("the model's messages are the package's rendered messages: text before the first marker, built-in block tags, comments", async () => {
  const bodies = [
    'Intro\n{{role "system"}}\nBe nice.\n{{role "user"}}\nHi {{name}}',
    '{{#if name}}{{role "system"}}S{{/if}}{{role "user"}}U',
    '{{#unless off}}\n{{role "system"}}S\n{{/unless}}\n{{role "user"}}U',
    '{{! note }}{{#with name}}{{role "model"}}M{{/with}}{{role "user"}}U',
    '{{role "system"}}{{! c }}\n{{role "user"}}\nU',
    '   \n{{role "system"}}S',
    '{{role "user"}}Look {{media url="http://x/y.png"}} now{{section "q"}}',
  ];
  for (const body of bodies) {
    const text = `---\ninput:\n  schema:\n    name?: string\n    off?: boolean\n---\n${body}`;
    const ref = await new Dotprompt().render(text, { input: { name: 'N' } });
    const doc = parseDocument(text, URI);
    assert.deepEqual(doc.prompt.messages.map((m) => m.role), ref.messages.map((m) => m.role), body);
  }
  // A custom block's opening tag may write text, so the message before it is kept.
  const custom = parseDocument('---\n---\n{{#shout}}{{/shout}}{{role "system"}}S', URI);
  assert.deepEqual(custom.prompt.messages.map((m) => m.role), ['user', 'system']);
});
