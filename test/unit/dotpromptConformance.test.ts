// Dotprompt's Picoschema as the reference implementation (the `dotprompt` package) reads it, on
// minimal files: each test converts the same schema with the package and asserts that our model
// agrees, or that we report where the package fails or names a field differently than it looks.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Dotprompt, picoschema } from 'dotprompt';
import { allCodeActions, diagnostics, parseDocument, PartialIndex, promptDiagnostics, renderPrompt } from '../../server/src/service';
import type { SchemaField } from '../../server/src/service/formats/types';
import { countMessages, documentTokens, resolveDocumentModel } from '../../server/src/service/tokens/count';

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
  const custom = parseDocument('---\nmodel: m\n---\n{{#shout}}{{/shout}}{{role "system"}}S', URI);
  assert.deepEqual(custom.prompt.messages.map((m) => m.role), ['user', 'system']);
});

test('each render reads the partials as they are now: an edited partial, a same-named partial in another folder', async () => {
  const partials = new PartialIndex();
  const text = '---\nmodel: m\n---\n{{role "system"}}{{> rules}}\n{{role "user"}}Hi';
  const a = parseDocument(text, 'file:///w/a/p.prompt');
  const b = parseDocument(text, 'file:///w/b/p.prompt');
  partials.set('file:///w/a/_rules.prompt', 'Rules A1');
  partials.set('file:///w/b/_rules.prompt', 'Rules B');
  const first = await renderPrompt(a, {}, { partials });
  assert.deepEqual(first.messages?.map((m) => m.text), ['Rules A1\n', 'Hi']);
  // The package's own result for the same texts.
  const ref = await new Dotprompt({ partialResolver: async () => 'Rules A1' }).render(text, {});
  assert.deepEqual(ref.messages.map((m) => m.content.map((p) => p.text).join('')), ['Rules A1\n', 'Hi']);
  assert.deepEqual((await renderPrompt(b, {}, { partials })).messages?.map((m) => m.text), ['Rules B\n', 'Hi']);
  partials.set('file:///w/a/_rules.prompt', 'Rules A2');
  assert.deepEqual((await renderPrompt(a, {}, { partials })).messages?.map((m) => m.text), ['Rules A2\n', 'Hi']);
  // Renders at the same time each get their own partial.
  const both = await Promise.all([renderPrompt(a, {}, { partials }), renderPrompt(b, {}, { partials })]);
  assert.deepEqual(both.map((r) => r.messages?.[0].text), ['Rules A2\n', 'Rules B\n']);
});

test('an empty frontmatter: warned exactly where the package reads the whole file as the template', async () => {
  const cases = ['---\n---\nHi', '---\n\n---\nHi', '---\n\n\n---\nHi', '---\r\n---\r\nHi', '---\n# note\n---\nHi', '---\n  \n---\nHi', '---\nmodel: m\n---\nHi'];
  const warned: string[] = [];
  for (const text of cases) {
    const ref = new Dotprompt().parse(text);
    const allTemplate = ref.template.includes('---');
    const d = promptDiagnostics(parseDocument(text, URI)).filter((x) => x.code === 'frontmatter-empty');
    assert.equal(d.length, allTemplate ? 1 : 0, JSON.stringify(text));
    if (d.length) {
      assert.equal(d[0].span.start, 0);
      assert.equal(text.slice(d[0].span.end), 'Hi', JSON.stringify(text));
      warned.push(text);
    }
  }
  assert.deepEqual(warned, cases.slice(0, 4));
  // The preview renders through the package: the `---` lines are in the message, as Dotprompt sends them.
  const rendered = await renderPrompt(parseDocument('---\n---\nHi', URI), {});
  assert.deepEqual(rendered.messages?.map((m) => m.text), ['---\n---\nHi']);
  // The quick fix removes the block.
  const doc = parseDocument('---\n---\nHi', URI);
  const diags = diagnostics(doc);
  const fix = allCodeActions(doc, diags).find((a) => a.title === 'Remove the empty frontmatter');
  assert.ok(fix);
  assert.deepEqual(fix.edit!.changes![URI], [{ range: { start: { line: 0, character: 0 }, end: { line: 2, character: 0 } }, newText: '' }]);
});

test('`array` or `object` written as a type: the package fails to load the prompt; we warn on the value', async () => {
  for (const type of ['array', 'object']) {
    const text = fileWith(`    items: ${type}`);
    assert.match(String(await reference(text)), new RegExp(`unsupported scalar type '${type}'`));
    const d = promptDiagnostics(parseDocument(text, URI)).filter((x) => x.code === 'input-schema-type');
    assert.equal(d.length, 1, type);
    assert.equal(d[0].severity, 'warning');
    assert.equal(at(text, d[0]), type);
    assert.match(d[0].message, /fails to load/);
  }
});

test("`variant:` against the file name: Genkit finds a prompt by the file name's variant", () => {
  const text = '---\nmodel: m\nvariant: formal\n---\nHi\n';
  const of = (uri: string) => promptDiagnostics(parseDocument(text, uri)).filter((d) => d.code === 'variant-file-name');
  assert.deepEqual(of('file:///w/prompts/hello.formal.prompt'), []);
  const none = of('file:///w/prompts/hello.prompt');
  assert.equal(none.length, 1);
  assert.equal(at(text, none[0]), 'formal');
  assert.match(none[0].message, /loaded as `hello` with no variant/);
  assert.match(none[0].message, /`hello\.formal\.prompt`/);
  const other = of('file:///w/prompts/hello.casual.prompt');
  assert.equal(other.length, 1);
  assert.match(other[0].message, /the variant `casual` of `hello`/);
  // Partials are not prompts Genkit loads by name.
  assert.deepEqual(of('file:///w/prompts/_hello.prompt'), []);
  // A third part of the name is not read: `hello.formal.v2.prompt` is `hello`, variant `formal`.
  const dotted = of('file:///w/prompts/hello.formal.v2.prompt');
  assert.equal(dotted.length, 1);
  assert.equal(at(text, dotted[0]), '---');
  assert.match(dotted[0].message, /the variant `formal` of `hello`, and `\.v2` is not read/);
  assert.match(dotted[0].message, /`hello\.formal-v2\.prompt`/);
  assert.equal(of('file:///w/prompts/hello.casual.x.y.prompt').length, 2); // the dotted name, and `variant: formal` against `casual`
});

test('text after `{{history}}` with no role marker is a `model` message, as the package sends it, and its tokens count', async () => {
  const text = '---\nmodel: openai/gpt-4o\n---\n{{role "system"}}S\n{{history}}\nThen the answer so far';
  const ref = await new Dotprompt().render(text, { messages: [{ role: 'user', content: [{ text: 'old' }] }] });
  assert.deepEqual(ref.messages.map((m) => [m.role, m.metadata?.purpose ?? null]), [['system', null], ['user', 'history'], ['model', null]]);
  const doc = parseDocument(text, URI);
  const model = doc.prompt.messages;
  assert.deepEqual(model.map((m) => [m.role, m.kind]), [['system', 'message'], ['history', 'history'], ['model', 'message']]);
  assert.equal(text.slice(model[2].contentSpan.start, model[2].contentSpan.end), '\nThen the answer so far');
  const counted = documentTokens(doc).messages;
  assert.deepEqual(counted.map((m) => m.role), ['system', 'history', 'model']);
  assert.ok(counted[2].content > 0);
  assert.equal(counted[1].tokens, 0);
});

test('the template count leaves out what the package does not send: comments and the blank lines around the body', async () => {
  const text = '---\nmodel: openai/gpt-4o\n---\n\n\n{{! a note for authors, not for the model }}\n{{role "system"}}\n  Be brief.  \n{{!-- another note --}}\n{{role "user"}}\n\nSay hello.\n\n\n';
  const doc = parseDocument(text, URI);
  const rendered = await renderPrompt(doc, {});
  const ref = await new Dotprompt().render(text, {});
  assert.deepEqual(rendered.messages?.map((m) => m.text), ref.messages.map((m) => m.content.map((p) => p.text).join('')));
  const model = resolveDocumentModel(doc);
  const sent = countMessages(rendered.messages!, model).messages.map((m) => m.tokens);
  const counted = documentTokens(doc).messages.map((m) => m.tokens);
  assert.equal(counted.length, 2);
  // The user message is sent as "\nSay hello." and counted so; the system one differs only by Handlebars
  // removing the comment's standalone line, one line break.
  assert.equal(counted[1], sent[1]);
  assert.ok(Math.abs(counted[0] - sent[0]) <= 1, `${counted[0]} vs ${sent[0]}`);
});
