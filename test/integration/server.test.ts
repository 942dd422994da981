// Drives the bundled server (`dist/server.js --stdio`) with a real LSP client library, as an
// editor does, on the files in examples/. Run `npm run build` first (`npm test` does). Each test
// opens the documents it asks about and they are closed after it, so no test depends on another
// having run first (`npm run test:integration:order` runs them reversed and shuffled).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { after, afterEach, before, test } from 'node:test';
import {
  CompletionRequest,
  DocumentSymbolRequest,
  FoldingRangeRequest,
  HoverRequest,
  type CompletionList,
  type Diagnostic,
  type DocumentSymbol,
  type MarkupContent,
} from 'vscode-languageserver-protocol/node';
import { fileUri, ROOT, TestLanguageClient } from '../support/lspClient';

const examples = path.join(ROOT, 'examples');
let client: TestLanguageClient;

function example(name: string): { uri: string; text: string } {
  const file = path.join(examples, name);
  return { uri: fileUri(file), text: readFileSync(file, 'utf8') };
}

/** The documents the running test opened; closed after it. */
const opened = new Set<string>();

async function open(uri: string, text: string) {
  opened.add(uri);
  return client.open(uri, text);
}

/** Opens an example (as an editor would when the user opens it) and returns its text and first diagnostics. */
async function openExample(name: string) {
  const e = example(name);
  return { ...e, published: await open(e.uri, e.text) };
}

afterEach(async () => {
  for (const uri of opened) await client.close(uri);
  opened.clear();
});

function positionOf(text: string, needle: string, delta = 0) {
  const offset = text.indexOf(needle);
  assert.ok(offset >= 0, `"${needle}" not found`);
  const before = text.slice(0, offset + delta).split('\n');
  return { line: before.length - 1, character: before[before.length - 1].length };
}

const summary = (ds: Diagnostic[]) => ds.map((d) => `${d.range.start.line + 1}:${d.range.start.character + 1} ${d.code}`);

before(async () => {
  client = await TestLanguageClient.start();
});

after(async () => {
  await client.stop();
});

test('the valid examples have no errors', async () => {
  for (const name of ['summarize.prompt', 'classify-intent.prompt', '_footer.prompt']) {
    const { published } = await openExample(name);
    assert.deepEqual(published.diagnostics.filter((d) => d.severity === 1), [], `${name}: ${summary(published.diagnostics)}`);
  }
});

test('needs-fixing.prompt: each mistake is reported on the right line and column', async () => {
  const { published } = await openExample('needs-fixing.prompt');
  assert.equal(published.version, 1);
  assert.deepEqual(summary(published.diagnostics), [
    '5:16 frontmatter-schema',
    '6:20 frontmatter-schema',
    '8:11 output-format-unknown',
    '9:1 frontmatter-unknown-key',
    '12:15 input-schema-type',
    '13:5 unused-variable',
    '15:9 unknown-role',
    '16:25 untrusted-input-undelimited',
    '16:27 undefined-variable',
    '16:51 untrusted-input-undelimited',
    '16:53 undefined-variable',
    '17:1 template-unclosed-block',
    '17:9 undefined-variable',
    '19:1 template-unmatched-close',
    '21:5 missing-partial',
    '22:1 template-unclosed-tag',
  ]);
  const hot = published.diagnostics[0];
  assert.equal(hot.severity, 1);
  assert.equal(hot.source, 'prompt-workbench');
  assert.match(String(hot.message), /Expected a number/);
  assert.deepEqual(hot.range, { start: { line: 4, character: 15 }, end: { line: 4, character: 18 } });
  const unused = published.diagnostics.find((d) => d.code === 'unused-variable')!;
  assert.deepEqual(unused.tags, [1], 'unused declarations are marked unnecessary (faded)');
});

test('fixing a mistake clears its diagnostic on the next version', async () => {
  const { uri, text } = await openExample('needs-fixing.prompt');
  const at = positionOf(text, 'hot');
  const published = await client.edit(uri, { start: at, end: { line: at.line, character: at.character + 3 } }, '0.7');
  assert.ok(!summary(published.diagnostics).includes('5:16 frontmatter-schema'));
  assert.equal(published.diagnostics.length, 15);
});

test('completion offers output formats after `format:`', async () => {
  const { uri, text } = await openExample('summarize.prompt');
  const position = positionOf(text, 'format: text', 'format: '.length);
  const result = (await client.connection.sendRequest(CompletionRequest.type, { textDocument: { uri }, position })) as CompletionList;
  assert.deepEqual(result.items.map((i) => i.label), ['json', 'text', 'media', 'array', 'enum', 'jsonl']);
});

test('completion offers config keys for the model family', async () => {
  const uri = fileUri(path.join(examples, 'scratch.prompt'));
  await open(uri, '---\nmodel: anthropic/claude-sonnet-4-5\nconfig:\n  \n---\n');
  const result = (await client.connection.sendRequest(CompletionRequest.type, { textDocument: { uri }, position: { line: 3, character: 2 } })) as CompletionList;
  const labels = result.items.map((i) => i.label);
  assert.ok(labels.includes('temperature') && labels.includes('topK'));
  assert.ok(!labels.includes('frequencyPenalty'));
});

test('hover documents a frontmatter key', async () => {
  const { uri, text } = await openExample('summarize.prompt');
  const hover = await client.connection.sendRequest(HoverRequest.type, { textDocument: { uri }, position: positionOf(text, 'temperature', 3) });
  assert.ok(hover);
  assert.match((hover.contents as MarkupContent).value, /\*\*config\.temperature\*\*: `number \(0 to 2\)`\n\nSampling temperature/);
  assert.deepEqual(hover.range, { start: positionOf(text, 'temperature'), end: positionOf(text, 'temperature', 'temperature'.length) });
});

test('document symbols list the frontmatter keys and messages', async () => {
  const { uri } = await openExample('summarize.prompt');
  const symbols = (await client.connection.sendRequest(DocumentSymbolRequest.type, { textDocument: { uri } })) as DocumentSymbol[];
  assert.deepEqual(symbols.map((s) => s.name), ['frontmatter', 'system', 'user']);
  assert.ok(symbols[0].children!.some((c) => c.name === 'input'));
});

test('folding ranges include the frontmatter and blocks', async () => {
  const { uri, text } = await openExample('summarize.prompt');
  const ranges = await client.connection.sendRequest(FoldingRangeRequest.type, { textDocument: { uri } });
  const lines = text.split('\n');
  const closing = lines.indexOf('---', 1);
  assert.ok(ranges!.some((r) => r.startLine === 0 && r.endLine === closing), 'frontmatter');
  const ifLine = lines.indexOf('{{#if history}}');
  assert.ok(ranges!.some((r) => r.startLine === ifLine), 'the {{#if}} block');
});

test('bad input gets diagnostics or a notice, and the server keeps answering', async () => {
  const cases: [string, string, string][] = [
    ['binary.prompt', '\u0089PNG\r\n\u001a\n\u0000\u0000IHDR', 'file-binary'],
    ['only-dashes.prompt', '---', 'frontmatter-unclosed'],
    ['crlf.prompt', '---\r\nconfig:\r\n  temperature: hot\r\n---\r\nHi\r\n', 'frontmatter-schema'],
    ['bom.prompt', '\uFEFF---\nmodel: 1\n---\n', 'frontmatter-schema'],
    ['bomb.prompt', '---\na: &a [x,x,x,x,x,x,x,x,x,x]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b,*b]\nd: [*c,*c,*c,*c,*c,*c,*c,*c,*c,*c]\n---\n', 'yaml-alias-limit'],
    ['unicode.prompt', '---\nname: résumé 😀\n---\n{{#if 名前}}', 'template-unclosed-block'],
    ['huge.prompt', '---\nmodel: a/b\n---\n' + 'Long line of prompt text {{x}}.\n'.repeat(330_000), 'file-too-large'],
  ];
  for (const [name, text, code] of cases) {
    const published = await open(fileUri(path.join(examples, name)), text);
    assert.ok(published.diagnostics.some((d) => d.code === code), `${name}: ${summary(published.diagnostics)}`);
  }
  // Still answering on a normal document.
  const { uri, text } = await openExample('summarize.prompt');
  const hover = await client.connection.sendRequest(HoverRequest.type, { textDocument: { uri }, position: positionOf(text, 'model', 1) });
  assert.match((hover!.contents as MarkupContent).value, /config|model/);
  assert.equal(client.process.exitCode, null, 'the server process is alive');
  assert.ok(!client.stderr.join('').includes('failed'), client.stderr.join(''));
});

test('requests on unknown documents return empty results instead of errors', async () => {
  const uri = 'file:///never/opened.prompt';
  assert.equal(await client.connection.sendRequest(HoverRequest.type, { textDocument: { uri }, position: { line: 0, character: 0 } }), null);
  assert.deepEqual(await client.connection.sendRequest(DocumentSymbolRequest.type, { textDocument: { uri } }), []);
});
