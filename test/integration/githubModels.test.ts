// GitHub Models prompt files (`*.prompt.yml`) over real LSP stdio from the bundled server: a wrong
// key and a wrong value squiggled where they are written, `{{` completion offering the test data
// variables, rename across messages, rows and evaluators, and a bad file still served. Run
// `npm run build` first (`npm test` does).
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { after, before, test } from 'node:test';
import { CompletionRequest, HoverRequest, RenameRequest, type CompletionItem, type CompletionList, type WorkspaceEdit } from 'vscode-languageserver-protocol/node';
import { fileUri, TestLanguageClient } from '../support/lspClient';

let client: TestLanguageClient;
const dir = mkdtempSync(path.join(tmpdir(), 'pw-ghm-lsp-'));
const LANG = 'github-models-prompt';

before(async () => {
  client = await TestLanguageClient.start({ rootUri: fileUri(dir) });
});

after(async () => {
  await client.stop();
});

test('the example prompt file has no problems; a wrong key and value are squiggled on the exact text', async () => {
  const example = readFileSync(path.join(__dirname, '..', '..', 'examples', 'release-notes.prompt.yml'), 'utf8');
  const uri = fileUri(path.join(dir, 'release-notes.prompt.yml'));
  assert.deepEqual((await client.open(uri, example, LANG)).diagnostics, []);
  const broken = example.replace('  temperature: 0.3', '  temperture: 0.3').replace('maxTokens: 400', 'maxTokens: lots');
  const published = await client.change(uri, broken);
  const lines = broken.split('\n');
  const under = (d: { range: { start: { line: number; character: number }; end: { character: number } } }) => lines[d.range.start.line].slice(d.range.start.character, d.range.end.character);
  const key = published.diagnostics.find((d) => d.code === 'prompt-file-unknown-key');
  assert.ok(key, JSON.stringify(published.diagnostics));
  assert.equal(under(key), 'temperture');
  assert.match(String(key.message), /Did you mean `temperature`\?/);
  const value = published.diagnostics.find((d) => d.code === 'prompt-file-schema');
  assert.ok(value);
  assert.equal(under(value), 'lots');
  await client.close(uri);
});

test('completion after {{ offers the test data variables; rename changes messages, rows and judge prompts', async () => {
  const text = 'messages:\n  - role: user\n    content: "Answer {{question}} for {{"\ntestData:\n  - question: What is 2 + 2?\n    audience: kids\nevaluators:\n  - name: j\n    llm:\n      modelId: openai/gpt-4o\n      prompt: "Is <a>{{completion}}</a> right for <q>{{question}}</q>?"\n      choices: [{choice: "yes", score: 1}]\n';
  const uri = fileUri(path.join(dir, 'ask.prompt.yml'));
  await client.open(uri, text, LANG);
  const at = { line: 2, character: '    content: "Answer {{question}} for {{'.length };
  const result = (await client.connection.sendRequest(CompletionRequest.type, { textDocument: { uri }, position: at })) as CompletionList | CompletionItem[];
  const items = Array.isArray(result) ? result : result.items;
  assert.deepEqual(items.map((i) => i.label), ['question', 'audience']);
  assert.equal(items[0].detail, 'What is 2 + 2?');
  const hover = await client.connection.sendRequest(HoverRequest.type, { textDocument: { uri }, position: { line: 4, character: 6 } });
  assert.match(JSON.stringify(hover?.contents), /test data variable/);
  const edit = (await client.connection.sendRequest(RenameRequest.type, { textDocument: { uri }, position: { line: 4, character: 6 }, newName: 'query' })) as WorkspaceEdit;
  assert.deepEqual(edit.changes![uri].map((e) => e.range.start.line).sort((a, b) => a - b), [2, 4, 10]);
  await client.close(uri);
});

test('a file with a YAML error gets one clear diagnostic, and the server keeps serving', async () => {
  const uri = fileUri(path.join(dir, 'broken.prompt.yml'));
  const published = await client.open(uri, 'name: x\nmessages:\n  - role: user\n    content: "open\n', LANG);
  assert.ok(published.diagnostics.length >= 1);
  assert.ok(published.diagnostics.every((d) => String(d.code).startsWith('yaml')), JSON.stringify(published.diagnostics));
  const fixed = await client.change(uri, 'name: x\nmodelParameters:\n  maxTokens: 50\nmessages:\n  - role: user\n    content: "closed"\n');
  assert.deepEqual(fixed.diagnostics, []);
  await client.close(uri);
});
