// A long analysis does not hold up other requests, and a stale one publishes nothing. Drives the
// bundled server (`dist/server.js --stdio`) with a real LSP client: a prompt of about 1 MB is opened
// and, while the server analyses it, requests on a small prompt go in round after round. No clock
// is read here: the assertions are about order (rounds of answers arrived before the large prompt's
// diagnostics, which a server that analyses in one go cannot do) and about versions (the unit test
// slicedDiagnostics.test.ts stops runs at chosen points, which a test over stdio cannot time). How fast the
// answers come is measured by `npm run bench` (docs/benchmarks.md).
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { after, before, test } from 'node:test';
import {
  CodeActionRequest,
  CompletionRequest,
  DidChangeTextDocumentNotification,
  DocumentSymbolRequest,
  HoverRequest,
  type CodeAction,
  type CompletionItem,
  type CompletionList,
  type DocumentSymbol,
  type MarkupContent,
  type Position,
  type PublishDiagnosticsParams,
} from 'vscode-languageserver-protocol/node';
import { bigPrompt } from '../support/bigPrompt';
import { fileUri, ROOT, TestLanguageClient } from '../support/lspClient';

const dir = path.join(ROOT, 'examples');
const uriOf = (name: string) => fileUri(path.join(dir, name));

const SMALL = [
  '---',
  'model: openai/gpt-4o-mini',
  'config:',
  '  maxOutputTokens: 200',
  'input:',
  '  schema:',
  '    question: string, what the customer asked',
  '---',
  '{{role "user"}}',
  'Answer the question in <question>{{question}}</question>.',
  '',
].join('\n');

function positionOf(text: string, needle: string, delta = 0): Position {
  const offset = text.indexOf(needle);
  assert.ok(offset >= 0, `"${needle}" not found`);
  const before = text.slice(0, offset + delta).split('\n');
  return { line: before.length - 1, character: before[before.length - 1].length };
}

let client: TestLanguageClient;
const smallUri = uriOf('responsiveness-small.prompt');
const big = bigPrompt();

before(async () => {
  client = await TestLanguageClient.start();
  // The small prompt first: its first validation loads the tokenizer data (once per server), which
  // would otherwise happen in the middle of what is tested here.
  await client.open(smallUri, SMALL);
  await client.connection.sendRequest('textDocument/foldingRange', { textDocument: { uri: smallUri } });
});

after(async () => {
  await client.stop();
});

type Answer = { what: string; value: unknown };

/** One round of requests on the small prompt: hover on the variable, completion inside `{{ }}`, the outline. */
function smallRound(events: string[], round: number): Promise<Answer[]> {
  const textDocument = { uri: smallUri };
  const ask = (what: string, p: Promise<unknown>) =>
    p.then((value) => {
      events.push(`${what} ${round}`);
      return { what, value };
    });
  return Promise.all([
    ask('hover', client.connection.sendRequest(HoverRequest.type, { textDocument, position: positionOf(SMALL, '{{question}}', 4) })),
    ask('completion', client.connection.sendRequest(CompletionRequest.type, { textDocument, position: positionOf(SMALL, '{{question}}', 2) })),
    ask('symbols', client.connection.sendRequest(DocumentSymbolRequest.type, { textDocument })),
  ]);
}

/** Checks the answers of a round: each is the small prompt's, not an empty fallback. */
function checkRound(answers: Answer[], round: number): void {
  const [hover, completion, symbols] = answers.map((a) => a.value);
  const value = (hover as { contents: MarkupContent } | null)?.contents.value ?? '';
  assert.match(value, /question/, `round ${round}: the hover names the input`);
  assert.match(value, /what the customer asked/, `round ${round}: the hover shows its description`);
  const items = Array.isArray(completion) ? (completion as CompletionItem[]) : ((completion as CompletionList | null)?.items ?? []);
  assert.ok(
    items.some((i) => i.label === 'question'),
    `round ${round}: completion offers the input (got ${items.length} items)`,
  );
  const names = (symbols as DocumentSymbol[]).flatMap(function flat(s): string[] {
    return [s.name, ...(s.children ?? []).flatMap(flat)];
  });
  assert.ok(names.some((n) => /question/.test(n)), `round ${round}: the outline lists the input (got ${names.join(', ')})`);
}

test('requests on a small prompt are answered while a 1 MB prompt is analysed, before its diagnostics', async () => {
  assert.ok(big.length > 900_000 && big.length <= 1_000_000, `the large prompt has ${big.length} characters`);
  const uri = uriOf('responsiveness-big.prompt');
  const events: string[] = [];
  const published = client.open(uri, big).then((p) => {
    events.push('big diagnostics');
    return p;
  });
  let analysed = false;
  void published.then(() => (analysed = true));
  // Round after round, each sent when the previous one is answered, until the diagnostics are out.
  // A server that analysed the large prompt in one go could answer at most the first round before
  // publishing (one that slipped in before the analysis began): the second round is sent while it
  // is busy, and answered only after it publishes.
  let rounds = 0;
  while (!analysed) checkRound(await smallRound(events, rounds), rounds++);
  const diagnostics = await published;

  const first = events.indexOf('big diagnostics');
  const answeredBefore = events.slice(0, first);
  const roundsBefore = answeredBefore.filter((e) => e.startsWith('symbols ')).length;
  assert.ok(roundsBefore >= 2, `two rounds or more were answered before the large prompt's diagnostics (${roundsBefore} of ${rounds}): ${events.join(', ')}`);
  console.log(`rounds answered before the diagnostics: ${roundsBefore} of ${rounds}`);

  // The sliced analysis found what the document holds, where it is.
  assert.equal(diagnostics.version, 1);
  const secret = diagnostics.diagnostics.filter((d) => d.code === 'secret-in-prompt');
  assert.equal(secret.length, 1, 'one secret');
  const at = positionOf(big, 'sk-');
  assert.deepEqual(secret[0].range, { start: at, end: { line: at.line, character: at.character + 51 } });
  const email = positionOf(big, 'refunds.team');
  const pii = diagnostics.diagnostics.filter((d) => d.code === 'pii-in-prompt');
  assert.ok(pii.length >= 2, `e-mail addresses and phone numbers are reported (${pii.length})`);
  assert.deepEqual(pii[0].range.start, email, 'the first personal data is the first e-mail address');
  for (const code of ['vague-language', 'duplicate-instruction', 'whitespace']) {
    assert.ok(
      diagnostics.diagnostics.some((d) => d.code === code),
      `${code} is reported`,
    );
  }
  // A 1 MB prompt is far over gpt-4o-mini's context window: the token rule counted all of it.
  assert.deepEqual([...new Set(diagnostics.diagnostics.filter((d) => d.severity === 1).map((d) => d.code))].sort(), ['context-overflow', 'secret-in-prompt'], 'the errors');
  await client.close(uri);
});

test('edits during the analysis: once the server has a newer version, an older one is never published', async () => {
  const uri = uriOf('responsiveness-edited.prompt');
  const from = client.publications.length;
  const mine = () => client.publications.slice(from).filter((p) => p.uri === uri);
  const events: string[] = [];
  // Each version is its own generated prompt (another seed): engine caches keyed by content would
  // make a text analysed before (by this or another test) quick to analyse again.
  const v1 = bigPrompt(990_000, 4);
  void client.open(uri, v1);
  checkRound(await smallRound(events, 0), 0);
  // Version 2 appends an e-mail address; version 3 moves it one line down.
  const v2 = `${bigPrompt(990_000, 2)}Escalate to ops.lead@acme-corp.com when unsure.\n`;
  const v3 = `${bigPrompt(990_000, 3)}\nEscalate to ops.lead@acme-corp.com when unsure.\n`;
  const latest = client.nextDiagnostics(uri, 3);
  await client.connection.sendNotification(DidChangeTextDocumentNotification.type, { textDocument: { uri, version: 2 }, contentChanges: [{ text: v2 }] });
  // The server reads its messages in order: when this round is answered it has read version 2, and
  // what it publishes from then on (the answers and publications come in the order it sends them)
  // must not be version 1. Version 1 may have been published before, if its analysis ended first.
  checkRound(await smallRound(events, 1), 1);
  const afterV2 = mine().length;
  await client.connection.sendNotification(DidChangeTextDocumentNotification.type, { textDocument: { uri, version: 3 }, contentChanges: [{ text: v3 }] });
  checkRound(await smallRound(events, 2), 2);
  const afterV3 = mine().length;
  const diagnostics = await latest;
  // A round answered after the last publication: a stale run still finishing would have published before it.
  checkRound(await smallRound(events, 3), 3);

  const versions = mine().map((p) => p.version);
  assert.deepEqual(versions.slice(afterV2).filter((v) => v === 1), [], `nothing of version 1 once the server has version 2 (published: ${versions.join(', ')})`);
  assert.deepEqual(versions.slice(afterV3).filter((v) => v !== 3), [], `nothing but version 3 once the server has it (published: ${versions.join(', ')})`);
  assert.deepEqual([...versions].sort(), versions, 'versions are published in order');
  assert.equal(new Set(versions).size, versions.length, 'each version at most once');
  assert.equal(versions[versions.length - 1], 3, 'the latest version is published last');
  const at = positionOf(v3, 'ops.lead@');
  const pii = diagnostics.diagnostics.filter((d) => d.code === 'pii-in-prompt' && d.range.start.line === at.line);
  assert.deepEqual(
    pii.map((d) => d.range),
    [{ start: at, end: { line: at.line, character: at.character + 'ops.lead@acme-corp.com'.length } }],
    'the new address is reported on the line version 3 has it',
  );
  await client.close(uri);
});

test('a code action on the prompt being analysed gets the same answer as after the analysis', async () => {
  const uri = uriOf('responsiveness-actions.prompt');
  // An input the frontmatter does not declare: its quick fix reads the template analysis.
  const text = `${bigPrompt(990_000, 5)}Also mention {{undeclaredThing}}.\n`;
  const at = positionOf(text, 'undeclaredThing');
  // What the editor would send back: the diagnostic as the server publishes it (checked below).
  const range = { start: at, end: { line: at.line, character: at.character + 'undeclaredThing'.length } };
  const diagnostic = { range, message: 'undefined', code: 'undefined-variable', source: 'prompt-workbench', severity: 2 as const, data: { name: 'undeclaredThing', root: 'undeclaredThing', path: ['undeclaredThing'], topLevel: true } };
  const events: string[] = [];
  const published = client.open(uri, text).then((p) => {
    events.push('diagnostics');
    return p;
  });
  const ask = () => client.connection.sendRequest(CodeActionRequest.type, { textDocument: { uri }, range: diagnostic.range, context: { diagnostics: [diagnostic] } }) as Promise<CodeAction[]>;
  const during = await ask();
  events.push('code action');
  const diagnostics = await published;
  const afterwards = await ask();
  assert.deepEqual(events, ['code action', 'diagnostics'], 'the code action was answered during the analysis');
  const reported = diagnostics.diagnostics.filter((d) => d.code === 'undefined-variable');
  assert.deepEqual(
    reported.map((d) => ({ range: d.range, severity: d.severity, data: d.data })),
    [{ range, severity: diagnostic.severity, data: diagnostic.data }],
    'the analysis reports the undeclared input as the code action request had it',
  );
  assert.ok(during.length > 0, 'quick fixes are offered');
  assert.ok(
    during.some((a) => /undeclaredThing/.test(a.title)),
    `a fix names the input: ${during.map((a) => a.title).join(' | ')}`,
  );
  assert.deepEqual(during, afterwards);
  await client.close(uri);
});
