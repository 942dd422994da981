// `file://` values of fixture files over stdio, as an editor sees them: a workspace the client
// says is untrusted gets the preview and the status bar without reading them (and a note on each
// value), trust granted later reads them; a value outside the project root is an error on the
// value itself and is never shown.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { after, before, test } from 'node:test';
import { RenderRequest, TokenSummaryRequest, TrustNotification, type RenderResponse, type TokenSummary } from '../../server/src/protocol';
import { fileUri, TestLanguageClient } from '../support/lspClient';

const SECRET = 'SECRET-FROM-OUTSIDE-THE-PROJECT';
const PROMPT = '---\ninput:\n  schema:\n    body: string\n---\nBody: {{body}}\n';
const FIXTURE = 'cases:\n  - name: inside\n    vars:\n      body: file://data/inside.txt\n  - name: outside\n    vars:\n      body: file://../outside.txt\n';
let tmp: string;
let root: string;
let client: TestLanguageClient;

before(async () => {
  tmp = mkdtempSync(path.join(tmpdir(), 'pw-lsp-file-values-'));
  root = path.join(tmp, 'proj');
  mkdirSync(path.join(root, '.git'), { recursive: true });
  mkdirSync(path.join(root, 'data'));
  writeFileSync(path.join(tmp, 'outside.txt'), SECRET);
  writeFileSync(path.join(root, 'data', 'inside.txt'), 'inside text');
  writeFileSync(path.join(root, 'p.prompt'), PROMPT);
  writeFileSync(path.join(root, 'p.tests.yaml'), FIXTURE);
  client = await TestLanguageClient.start({ rootUri: fileUri(root), initializationOptions: { trusted: false } });
});

after(async () => {
  await client.stop();
  rmSync(tmp, { recursive: true, force: true });
});

const render = (caseName: string) => client.connection.sendRequest(RenderRequest.method, { uri: fileUri(path.join(root, 'p.prompt')), case: { fixtureUri: fileUri(path.join(root, 'p.tests.yaml')), caseName } }) as Promise<RenderResponse>;

test('untrusted, then trusted: notes instead of reads, then the file inside the root, never the one outside', async () => {
  const promptUri = fileUri(path.join(root, 'p.prompt'));
  const fixtureUri = fileUri(path.join(root, 'p.tests.yaml'));
  await client.open(promptUri, PROMPT);
  const untrusted = await client.open(fixtureUri, FIXTURE, 'yaml');
  assert.deepEqual(
    untrusted.diagnostics.map((d) => [d.code, d.severity, d.range.start.line]),
    [
      ['fixture-file-untrusted', 3, 3],
      ['fixture-file-untrusted', 3, 6],
    ],
  );
  const preview = await render('inside');
  assert.equal(preview.ok, true);
  assert.match(preview.text, /Body: \[not read: file:\/\/data\/inside\.txt, untrusted workspace\]/);
  assert.match(preview.text, /- `body`: `file:\/\/data\/inside\.txt` is not read in an untrusted workspace/);
  assert.doesNotMatch(preview.text, /inside text/);
  const summary = (await client.connection.sendRequest(TokenSummaryRequest.method, { uri: promptUri })) as TokenSummary;
  assert.deepEqual(summary.fixtureCases?.unread, [
    { name: 'inside', refs: ['data/inside.txt'] },
    { name: 'outside', refs: ['../outside.txt'] },
  ]);
  assert.match(summary.tooltip, /counted without the `file:\/\/` values not read in an untrusted workspace/);

  const trustedDiagnostics = client.nextDiagnostics(fixtureUri);
  await client.connection.sendNotification(TrustNotification.method, { trusted: true });
  const trusted = await trustedDiagnostics;
  assert.deepEqual(
    trusted.diagnostics.map((d) => [d.code, d.severity, d.range.start.line, d.range.start.character, d.range.end.character]),
    [['fixture-file-refused', 1, 6, 12, 33]],
  );
  assert.match(trusted.diagnostics[0].message as string, /`file:\/\/\.\.\/outside\.txt` is not read: .*outside\.txt is outside the project root .*`fixtures\.allow`/);
  assert.match((await render('inside')).text, /Body: inside text/);
  const outside = await render('outside');
  assert.equal(outside.ok, false);
  assert.match(outside.text, /is outside the project root/);
  assert.doesNotMatch(outside.text, new RegExp(SECRET));
});
