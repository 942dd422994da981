// The server and the project: settings are read before any parse (the same diagnostics whatever
// request comes first), helpers from the project config, and the one list of skipped folders for
// every search (references, the preview's fixture cases, the status bar's token summary).
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { CompletionRequest, FoldingRangeRequest, HoverRequest, ReferencesRequest, type CompletionList, type Hover, type Location, type MarkupContent } from 'vscode-languageserver-protocol/node';
import { FixtureCasesRequest, TokenSummaryRequest } from '../../server/src/protocol';
import { fileUri, TestLanguageClient } from '../support/lspClient';
import { tempWorkspace } from '../support/workspace';

const PROMPT = '---\nmodel: openai/gpt-4o\ninput:\n  schema:\n    name: string\n---\n{{role "user"}}\nHello <name>{{name}}</name>, {{shout name}}.\n';

const workspace = (files: Record<string, string>): string => tempWorkspace('pw-project-', files);

const codes = (ds: { code?: string | number }[]) => ds.map((d) => String(d.code)).sort();

test('settings before parsing: maxFileSize applies whatever request reaches the server first', async () => {
  const dir = workspace({ 'a.prompt': PROMPT, 'b.prompt': PROMPT });
  // The editor answers configuration requests late, as a busy one may.
  const settings = { delayMs: 150, values: (_uri: string | undefined, section: string | undefined) => (section === 'promptWorkbench' ? { maxFileSize: 20, template: { helpers: ['shout'] } } : null) };
  const client = await TestLanguageClient.start({ rootUri: fileUri(dir), settings });
  try {
    // a: folding and hover are asked before the document's settings have arrived.
    const a = fileUri(path.join(dir, 'a.prompt'));
    const aPublished = client.open(a, PROMPT);
    await Promise.all([client.connection.sendRequest(FoldingRangeRequest.type, { textDocument: { uri: a } }), client.connection.sendRequest(HoverRequest.type, { textDocument: { uri: a }, position: { line: 7, character: 20 } })]);
    const first = await aPublished;
    // b: diagnostics first, then the same requests.
    const b = fileUri(path.join(dir, 'b.prompt'));
    const second = await client.open(b, PROMPT);
    await client.connection.sendRequest(FoldingRangeRequest.type, { textDocument: { uri: b } });
    assert.deepEqual(codes(first.diagnostics), codes(second.diagnostics));
    assert.ok(codes(first.diagnostics).includes('file-too-large'), `the 20-character limit applies: ${codes(first.diagnostics).join(', ')}`);
  } finally {
    await client.stop();
  }
});

test('a helper in the project config silences unknown-helper in the server', async () => {
  const dir = workspace({ 'p.prompt': PROMPT });
  let client = await TestLanguageClient.start({ rootUri: fileUri(dir) });
  const uri = fileUri(path.join(dir, 'p.prompt'));
  try {
    const without = await client.open(uri, PROMPT);
    const unknown = without.diagnostics.find((d) => d.code === 'unknown-helper');
    assert.ok(unknown, 'without a config, `shout` is unknown');
    assert.equal(unknown.range.start.line, 7);
  } finally {
    await client.stop();
  }
  writeFileSync(path.join(dir, 'prompt-workbench.yaml'), 'template:\n  helpers: [shout]\n');
  client = await TestLanguageClient.start({ rootUri: fileUri(dir) });
  try {
    const withConfig = await client.open(uri, PROMPT);
    assert.deepEqual(
      withConfig.diagnostics.filter((d) => d.code === 'unknown-helper'),
      [],
    );
  } finally {
    await client.stop();
  }
});

test('the same skipped folders for references, fixture cases and the token summary, files.exclude included', async () => {
  const fixture = (name: string) => `prompt: ../p.prompt\ncases:\n  - name: ${name}\n    vars: { name: Ada }\n`;
  const dir = workspace({
    'prompt-workbench.yaml': 'template:\n  helpers: [shout]\nfiles:\n  exclude: [generated]\n',
    'p.prompt': PROMPT,
    'tests/p.tests.yml': fixture('kept'),
    'dist/p.tests.yaml': fixture('in dist'),
    'out/p.tests.yaml': fixture('in out'),
    'generated/p.tests.yaml': fixture('in generated'),
    'node_modules/x/p.tests.yaml': fixture('in node_modules'),
  });
  const client = await TestLanguageClient.start({ rootUri: fileUri(dir) });
  const uri = fileUri(path.join(dir, 'p.prompt'));
  try {
    await client.open(uri, PROMPT);
    const cases = (await client.connection.sendRequest(FixtureCasesRequest.method, { uri })) as { caseName: string; fixtureUri: string }[];
    assert.deepEqual(
      cases.map((c) => c.caseName),
      ['kept'],
    );
    const refs = (await client.connection.sendRequest(ReferencesRequest.type, { textDocument: { uri }, position: { line: 7, character: 15 }, context: { includeDeclaration: false } })) as Location[];
    const files = [...new Set(refs.map((r) => path.relative(dir, new URL(r.uri).pathname)))].sort();
    assert.deepEqual(files, ['p.prompt', path.join('tests', 'p.tests.yml')]);
    const summary = (await client.connection.sendRequest(TokenSummaryRequest.method, { uri })) as { fixtureCases?: { cases: number } };
    assert.equal(summary.fixtureCases?.cases, 1, 'one case, from tests/ only');
  } finally {
    await client.stop();
  }
});

test('completion and hover in the open project config', async () => {
  const text = 'rules:\n  vague-language: warning\n  \n';
  const dir = workspace({ 'prompt-workbench.yaml': text });
  const uri = fileUri(path.join(dir, 'prompt-workbench.yaml'));
  const client = await TestLanguageClient.start({ rootUri: fileUri(dir) });
  try {
    await client.open(uri, text, 'yaml');
    const list = (await client.connection.sendRequest(CompletionRequest.type, { textDocument: { uri }, position: { line: 2, character: 2 } })) as CompletionList;
    const names = list.items.map((i) => String(i.label));
    assert.ok(names.includes('secret-in-prompt') && !names.includes('vague-language'), names.join(', '));
    const h = (await client.connection.sendRequest(HoverRequest.type, { textDocument: { uri }, position: { line: 1, character: 4 } })) as Hover;
    assert.match((h.contents as MarkupContent).value, /^\*\*vague-language\*\*/);
    assert.deepEqual(h.range, { start: { line: 1, character: 2 }, end: { line: 1, character: 16 } });
  } finally {
    await client.stop();
  }
});
