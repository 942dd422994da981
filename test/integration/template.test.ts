// Template intelligence over stdio, as an editor sees it: completion, hover, definition,
// references, rename, quick fixes, semantic tokens and rendering on examples/.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { after, before, test } from 'node:test';
import {
  CodeActionRequest,
  CompletionRequest,
  DefinitionRequest,
  HoverRequest,
  PrepareRenameRequest,
  ReferencesRequest,
  RenameRequest,
  SemanticTokensRequest,
  type CodeAction,
  type CompletionList,
  type Location,
  type MarkupContent,
  type WorkspaceEdit,
} from 'vscode-languageserver-protocol/node';
import { RenderRequest, type RenderResponse } from '../../server/src/protocol';
import { fileUri, ROOT, TestLanguageClient } from '../support/lspClient';

const examples = path.join(ROOT, 'examples');
let client: TestLanguageClient;

function example(name: string) {
  const file = path.join(examples, name);
  return { uri: fileUri(file), text: readFileSync(file, 'utf8') };
}

function positionOf(text: string, needle: string, delta = 0) {
  const offset = text.indexOf(needle);
  assert.ok(offset >= 0, `"${needle}" not found`);
  const lines = text.slice(0, offset + delta).split('\n');
  return { line: lines.length - 1, character: lines[lines.length - 1].length };
}

before(async () => {
  client = await TestLanguageClient.start();
  for (const name of ['summarize.prompt', 'needs-fixing.prompt', 'classify-intent.prompt']) {
    const { uri, text } = example(name);
    await client.open(uri, text);
  }
});

after(async () => {
  await client.stop();
});

test('typing {{cu offers customerName with its type', async () => {
  const { uri, text } = example('summarize.prompt');
  const at = positionOf(text, 'Customer: {{customerName}}', 'Customer: {{cu'.length);
  const list = (await client.connection.sendRequest(CompletionRequest.type, { textDocument: { uri }, position: at })) as CompletionList;
  const item = list.items.find((i) => i.label === 'customerName');
  assert.ok(item, list.items.map((i) => i.label).join());
  assert.equal(item.detail, 'string');
  assert.match((item.documentation as MarkupContent).value, /the customer's display name/);
});

test('nested paths complete the fields of an object', async () => {
  const { uri, text } = example('summarize.prompt');
  const at = positionOf(text, '{{ticket.subject}}', '{{ticket.'.length);
  const list = (await client.connection.sendRequest(CompletionRequest.type, { textDocument: { uri }, position: at })) as CompletionList;
  assert.deepEqual(list.items.map((i) => i.label), ['subject', 'body', 'priority']);
});

test('partials complete after {{> and go to their file', async () => {
  const { uri, text } = example('summarize.prompt');
  const at = positionOf(text, '{{> footer}}', '{{> '.length);
  const list = (await client.connection.sendRequest(CompletionRequest.type, { textDocument: { uri }, position: at })) as CompletionList;
  assert.deepEqual(list.items.map((i) => i.label), ['footer']);
  const defs = (await client.connection.sendRequest(DefinitionRequest.type, { textDocument: { uri }, position: { line: at.line, character: at.character + 2 } })) as Location[];
  assert.equal(defs[0].uri, fileUri(path.join(examples, '_footer.prompt')));
});

test('hover on a variable shows type, description, default and declaration line', async () => {
  const { uri, text } = example('summarize.prompt');
  const hover = await client.connection.sendRequest(HoverRequest.type, { textDocument: { uri }, position: positionOf(text, '{{customerName}}', 4) });
  const value = (hover!.contents as MarkupContent).value;
  assert.match(value, /\*\*customerName\*\*: `string`/);
  assert.match(value, /the customer's display name/);
  assert.match(value, /Default: `"there"`/);
  assert.match(value, /Declared in `input.schema`, line 12/);
});

test('go to definition jumps to the schema entry', async () => {
  const { uri, text } = example('summarize.prompt');
  const defs = (await client.connection.sendRequest(DefinitionRequest.type, { textDocument: { uri }, position: positionOf(text, '{{customerName}}', 4) })) as Location[];
  assert.deepEqual(defs.map((d) => d.range.start), [positionOf(text, 'customerName: string')]);
});

test('find references lists the declaration and every use', async () => {
  const { uri, text } = example('summarize.prompt');
  const refs = (await client.connection.sendRequest(ReferencesRequest.type, { textDocument: { uri }, position: positionOf(text, '{{ticket.body}}', 3), context: { includeDeclaration: true } })) as Location[];
  // Four in the prompt (declaration, three uses) and the `ticket` key of summarize.tests.yaml's defaults.vars.
  assert.equal(refs.filter((r) => r.uri === uri).length, 4, JSON.stringify(refs.map((r) => r.range.start)));
  assert.deepEqual(refs.filter((r) => r.uri !== uri).map((r) => `${r.uri.split('/').pop()}:${r.range.start.line + 1}`), ['summarize.tests.yaml:7']);
});

test('rename changes the declaration and every use in one edit', async () => {
  const { uri, text } = example('summarize.prompt');
  const position = positionOf(text, '{{ticket.subject}}', 3);
  const prepared = await client.connection.sendRequest(PrepareRenameRequest.type, { textDocument: { uri }, position });
  assert.deepEqual(prepared as unknown, { range: { start: { line: position.line, character: position.character - 1 }, end: { line: position.line, character: position.character - 1 + 'ticket'.length } }, placeholder: 'ticket' });
  const edit = (await client.connection.sendRequest(RenameRequest.type, { textDocument: { uri }, position, newName: 'issue' })) as WorkspaceEdit;
  const edits = edit.changes![uri];
  assert.equal(edits.length, 4);
  assert.ok(edits.every((e) => e.newText === 'issue'));
  assert.ok(edits.some((e) => e.range.start.line === positionOf(text, 'ticket(object').line));
  // The fixture file that tests the prompt gets its `ticket` key renamed in the same edit.
  const fixture = edit.changes![fileUri(path.join(examples, 'summarize.tests.yaml'))];
  assert.deepEqual(fixture?.map((e) => `${e.range.start.line + 1}:${e.newText}`), ['7:issue']);
});

test('an undeclared {{email}} gets a quick fix that declares it', async () => {
  const { uri } = example('needs-fixing.prompt');
  const diagnostic = client.published.get(uri)!.diagnostics.find((d) => d.code === 'undefined-variable' && String(d.message).includes('email'))!;
  const actions = (await client.connection.sendRequest(CodeActionRequest.type, { textDocument: { uri }, range: diagnostic.range, context: { diagnostics: [diagnostic] } })) as CodeAction[];
  const declare = actions.find((a) => a.title === 'Declare `email` in input.schema');
  assert.ok(declare, actions.map((a) => a.title).join());
  const [edit] = declare.edit!.changes![uri];
  assert.equal(edit.newText, '\n    email: string');
  assert.equal(edit.range.start.line, 12);
});

test('a near miss gets a "change to" quick fix', async () => {
  const { uri } = example('needs-fixing.prompt');
  const diagnostic = client.published.get(uri)!.diagnostics.find((d) => d.code === 'undefined-variable' && String(d.message).includes('custmerName'))!;
  const actions = (await client.connection.sendRequest(CodeActionRequest.type, { textDocument: { uri }, range: diagnostic.range, context: { diagnostics: [diagnostic] } })) as CodeAction[];
  assert.equal(actions[0].title, 'Change to `customerName`');
  assert.equal(actions[0].isPreferred, true);
});

test('semantic tokens mark inputs, undeclared names and helpers differently', async () => {
  const { uri } = example('needs-fixing.prompt');
  const tokens = await client.connection.sendRequest(SemanticTokensRequest.type, { textDocument: { uri } });
  const types = new Set<number>();
  for (let i = 3; i < tokens!.data.length; i += 5) types.add(tokens!.data[i]);
  // 3 = function (helpers), 5 = undeclaredVariable, 4 = namespace (partials)
  assert.ok(types.has(3) && types.has(5) && types.has(4), [...types].join());
});

test('the render request returns the messages the dotprompt package renders', async () => {
  const { uri } = example('classify-intent.prompt');
  const result = (await client.connection.sendRequest(RenderRequest.method, { uri, values: { message: 'My invoice is wrong', locale: 'en-GB' } })) as RenderResponse;
  assert.equal(result.ok, true, result.text);
  assert.match(result.text, /## system\n\nClassify the customer's message/);
  assert.match(result.text, /## user\n\nThe customer writes in en-GB\.\n<message>\nMy invoice is wrong\n<\/message>/);
  const missing = (await client.connection.sendRequest(RenderRequest.method, { uri })) as RenderResponse;
  assert.equal(missing.ok, false);
  assert.match(missing.error!.message, /No value for the required input `message`/);
});
