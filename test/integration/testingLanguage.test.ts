// Fixture files over LSP stdio, as the editor sends them (`*.tests.yaml`, language id yaml): the
// schema and variable diagnostics, completion and hover, and re-checking when the prompt changes.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { after, before, test } from 'node:test';
import { CompletionRequest, HoverRequest, type CompletionList, type MarkupContent } from 'vscode-languageserver-protocol/node';
import { fileUri, ROOT, TestLanguageClient } from '../support/lspClient';

let client: TestLanguageClient;
before(async () => {
  client = await TestLanguageClient.start();
});
after(async () => {
  await client.stop();
});

test('the example fixture files have no diagnostics (their prompts are read from disk)', async () => {
  for (const name of ['summarize.tests.yaml', 'classify-intent.tests.yaml']) {
    const file = path.join(ROOT, 'examples', name);
    const published = await client.open(fileUri(file), readFileSync(file, 'utf8'), 'yaml');
    assert.deepEqual(published.diagnostics, [], name);
  }
});

test('variable checks follow the prompt as it is edited in the editor', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'pw-lsp-fixture-'));
  const promptText = '---\ninput:\n  schema:\n    name: string\n---\nHello {{name}}\n';
  writeFileSync(path.join(dir, 'greet.prompt'), promptText);
  const fixtureUri = fileUri(path.join(dir, 'greet.tests.yaml'));
  const fixtureText = 'cases:\n  - name: plain\n    vars:\n      name: Ada\n      nmae: typo\n';
  const first = await client.open(fixtureUri, fixtureText, 'yaml');
  assert.deepEqual(first.diagnostics.map((d) => [d.code, d.range.start.line, d.range.start.character]), [['fixture-undeclared-var', 4, 6]]);

  // Open the prompt and declare a new required input: the fixture is re-checked.
  const promptUri = fileUri(path.join(dir, 'greet.prompt'));
  await client.open(promptUri, promptText);
  // Every publish for the fixture after the edit, until the re-check shows the new input.
  const edited = (async () => {
    for (;;) {
      const p = await client.nextDiagnostics(fixtureUri);
      if (p.diagnostics.some((d) => d.code === 'fixture-missing-var')) return p;
    }
  })();
  await client.change(promptUri, '---\ninput:\n  schema:\n    name: string\n    nmae: string\n    city: string\n---\nHello {{name}} {{nmae}} {{city}}\n');
  const again = await edited;
  assert.deepEqual(again.diagnostics.map((d) => [d.code, d.range.start.line]), [['fixture-missing-var', 2]]);
  assert.match(String(again.diagnostics[0].message), /required input `city` \(string\)/);
});

test('schema errors, completion and hover in a fixture file', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'pw-lsp-fixture-'));
  writeFileSync(path.join(dir, 'p.prompt'), '---\ninput:\n  schema:\n    topic: string, what to write about\n---\n{{topic}}\n');
  const uri = fileUri(path.join(dir, 'p.tests.yaml'));
  const text = 'cases:\n  - name: a\n    vars:\n      topic: cats\n    assert:\n      - type: icontain\n        value: cat\n';
  const published = await client.open(uri, text, 'yaml');
  assert.deepEqual(published.diagnostics.map((d) => [d.code, d.range.start.line, d.range.start.character, d.range.end.character]), [['fixture-schema', 5, 14, 22]]);
  assert.match(String(published.diagnostics[0].message), /Did you mean `icontains`\?/);

  const list = (await client.connection.sendRequest(CompletionRequest.type, { textDocument: { uri }, position: { line: 5, character: 14 } })) as CompletionList;
  assert.ok(list.items.some((i) => i.label === 'icontains'));
  const hover = await client.connection.sendRequest(HoverRequest.type, { textDocument: { uri }, position: { line: 3, character: 8 } });
  assert.match((hover?.contents as MarkupContent).value, /\*\*topic\*\*: `string`\n\nwhat to write about/);

  // Not a prompt: prompt features stay quiet on fixture files.
  const symbols = await client.connection.sendRequest('textDocument/documentSymbol', { textDocument: { uri } });
  assert.deepEqual(symbols, []);
});
