// A Prompty file over real LSP stdio from the bundled server, as an editor opens it (language id
// `prompty`): diagnostics on the exact place, completion of inputs and loop variables, hover,
// definition and rename, token code lenses, the rendered preview (input defaults and a fixture case)
// and the quick fix of a version 1 field.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { after, before, test } from 'node:test';
import { CodeActionRequest, CodeLensRequest, CompletionRequest, DefinitionRequest, HoverRequest, RenameRequest, type CodeAction, type CodeLens, type CompletionList, type Location, type MarkupContent, type WorkspaceEdit } from 'vscode-languageserver-protocol/node';
import { RenderRequest, TokenSummaryRequest, type RenderResponse, type TokenSummary } from '../../server/src/protocol';
import { fileUri, ROOT, TestLanguageClient } from '../support/lspClient';

const examples = path.join(ROOT, 'examples');
let client: TestLanguageClient;

function example(name: string): { uri: string; text: string } {
  const file = path.join(examples, name);
  return { uri: fileUri(file), text: readFileSync(file, 'utf8') };
}

function position(text: string, offset: number) {
  const before = text.slice(0, offset).split('\n');
  return { line: before.length - 1, character: before[before.length - 1].length };
}

before(async () => {
  client = await TestLanguageClient.start();
});

after(async () => {
  await client.stop();
});

test('a clean Prompty file has no problems; a broken one gets each diagnostic on its place', async () => {
  const { uri, text } = example('support-reply.prompty');
  const clean = await client.open(uri, text, 'prompty');
  assert.deepEqual(clean.diagnostics.filter((d) => d.severity !== 4).map((d) => d.message), []);

  const badUri = fileUri(path.join(examples, 'broken.prompty'));
  const bad = 'sytem:\nHello {{ nam }}\n{% for x in xs %}{{ x }}\n\nuser:\nHi\n';
  const published = await client.open(badUri, bad, 'prompty');
  const byCode = new Map(published.diagnostics.map((d) => [String(d.code), d]));
  assert.deepEqual(byCode.get('prompty-unknown-role')?.range, { start: { line: 0, character: 0 }, end: { line: 0, character: 5 } });
  assert.deepEqual(byCode.get('prompty-template-unclosed')?.range.start, { line: 2, character: 0 });
  assert.ok(!published.diagnostics.some((d) => d.code === 'template-unclosed-tag' || d.code === 'undefined-variable'), 'no Handlebars checks on a Prompty file');
});

test('completion offers the inputs with their kind, the nested fields and the loop variable', async () => {
  const { uri, text } = example('support-reply.prompty');
  const edited = text.replace('- {{ order.id }}', '- {{ order. }}');
  await client.change(uri, edited);
  const at = edited.indexOf('{{ order. }}') + '{{ order.'.length;
  const fields = (await client.connection.sendRequest(CompletionRequest.type, { textDocument: { uri }, position: position(edited, at) })) as CompletionList;
  assert.deepEqual(fields.items.map((i) => i.label).sort(), ['id', 'status']);
  const top = edited.indexOf('{{ ticket }}') + 3;
  const names = (await client.connection.sendRequest(CompletionRequest.type, { textDocument: { uri }, position: position(edited, top) })) as CompletionList;
  const customer = names.items.find((i) => i.label === 'customer');
  assert.equal(customer?.detail, 'object');
  await client.change(uri, text);
});

test('hover, definition and rename between the inputs and the body', async () => {
  const { uri, text } = example('support-reply.prompty');
  await client.change(uri, text);
  const use = text.indexOf('{{ ticket }}') + 4;
  const hover = await client.connection.sendRequest(HoverRequest.type, { textDocument: { uri }, position: position(text, use) });
  assert.match((hover!.contents as MarkupContent).value, /\*\*ticket\*\* \(optional\): `string`\n\nThe text of the ticket\./);
  const def = (await client.connection.sendRequest(DefinitionRequest.type, { textDocument: { uri }, position: position(text, use) })) as Location[];
  assert.equal(def[0].range.start.line, position(text, text.indexOf('name: ticket') + 6).line);
  const edit = (await client.connection.sendRequest(RenameRequest.type, { textDocument: { uri }, position: position(text, use), newName: 'message' })) as WorkspaceEdit;
  assert.equal(edit.changes![uri].length, 2);
});

test('token code lenses per message and for the prompt, for the model the file names', async () => {
  const { uri } = example('support-reply.prompty');
  const lenses = ((await client.connection.sendRequest(CodeLensRequest.type, { textDocument: { uri } })) ?? []) as CodeLens[];
  const titles = lenses.map((l) => l.command?.title ?? '');
  assert.ok(titles.some((t) => /^system: \d+ tokens/.test(t)), titles.join('\n'));
  assert.ok(titles.some((t) => /^user: \d+ tokens/.test(t)), titles.join('\n'));
  assert.ok(titles.some((t) => /^Prompt: \d+ tokens · gpt-4o-mini · /.test(t)), titles.join('\n'));
  const summary = (await client.connection.sendRequest(TokenSummaryRequest.method, { uri })) as TokenSummary | null;
  assert.ok(summary && summary.estimated === false, JSON.stringify(summary));
});

test('the preview renders with the inputs\' defaults or a fixture case, message by message', async () => {
  const { uri } = example('support-reply.prompty');
  const defaults = (await client.connection.sendRequest(RenderRequest.method, { uri })) as RenderResponse;
  assert.equal(defaults.ok, true, defaults.text);
  assert.match(defaults.text, /## system\n\nYou are a support agent[\s\S]*## user\n\nRecent orders of <customer>Ada<\/customer>:\n<orders>\n\n- A-1001: shipped[\s\S]*<ticket>\nWhere is my order A-1001\?\n<\/ticket>/);
  const fixtureUri = fileUri(path.join(examples, 'support-reply.tests.yaml'));
  const c = (await client.connection.sendRequest(RenderRequest.method, { uri, case: { fixtureUri, caseName: 'a customer without orders' } })) as RenderResponse;
  assert.equal(c.ok, true, c.text);
  assert.match(c.text, /Recent orders of <customer>Grace<\/customer>:\n<orders>\n\n- \(none\)/);
  assert.match(c.text, /Can I change my address\?/);
});

test('a version 1 field has a hint and a quick fix with the version 2 spelling', async () => {
  const { uri, text } = example('legacy-v1.prompty');
  const published = await client.open(uri, text, 'prompty');
  const hint = published.diagnostics.find((d) => d.code === 'prompty-v1-field' && /max_tokens/.test(String(d.message)))!;
  assert.equal(hint.severity, 4);
  const actions = (await client.connection.sendRequest(CodeActionRequest.type, { textDocument: { uri }, range: hint.range, context: { diagnostics: [hint] } })) as CodeAction[];
  const fix = actions.find((a) => a.title === 'Rename `max_tokens` to `maxOutputTokens` (Prompty version 2)');
  assert.ok(fix, actions.map((a) => a.title).join('\n'));
  assert.deepEqual(fix.edit!.changes![uri], [{ range: hint.range, newText: 'maxOutputTokens' }]);
});
