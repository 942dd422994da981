// Fixture files seen from the prompt, over stdio as an editor sees them: rename and find
// references reach the variable keys of the fixture files that test the prompt (on disk and open
// in the editor, with their live text), the cases are listed for the preview, and the preview
// renders a chosen case's values.
import assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { after, before, test } from 'node:test';
import { ReferencesRequest, RenameRequest, type Location, type TextEdit, type WorkspaceEdit } from 'vscode-languageserver-protocol/node';
import { FixtureCasesRequest, RenderRequest, type FixtureCaseItem, type RenderResponse } from '../../server/src/protocol';
import { LineIndex } from '../../server/src/service/text';
import { fileUri, ROOT, TestLanguageClient } from '../support/lspClient';

const GOLDEN = path.join(ROOT, 'test', 'golden', 'rename-fixtures');
let dir: string;
let client: TestLanguageClient;
const uri = (name: string) => fileUri(path.join(dir, name));
const golden = (name: string) => readFileSync(path.join(GOLDEN, name), 'utf8');
// The open fixture file's live text differs from the disk: one more case, one that cannot load its values.
const FLOWS_LIVE = `${golden('flows.tests.before.yaml')}  - name: unsaved case
    vars:
      customerName: Unsaved
  - name: values from a missing file
    vars: file://nowhere.yaml
`;

function applyEdits(text: string, edits: TextEdit[] = []): string {
  const lines = new LineIndex(text);
  const sorted = edits.map((e) => ({ start: lines.offsetAt(e.range.start), end: lines.offsetAt(e.range.end), text: e.newText })).sort((a, b) => b.start - a.start);
  let out = text;
  for (const e of sorted) out = out.slice(0, e.start) + e.text + out.slice(e.end);
  return out;
}

before(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'pw-fixture-refs-'));
  copyFileSync(path.join(GOLDEN, 'ticket.prompt'), path.join(dir, 'ticket.prompt'));
  copyFileSync(path.join(GOLDEN, 'ticket.tests.before.yaml'), path.join(dir, 'ticket.tests.yaml'));
  copyFileSync(path.join(GOLDEN, 'flows.tests.before.yaml'), path.join(dir, 'flows.tests.yaml'));
  copyFileSync(path.join(GOLDEN, 'unrelated.tests.yaml'), path.join(dir, 'unrelated.tests.yaml'));
  writeFileSync(path.join(dir, 'unrelated.prompt'), '---\ninput:\n  schema:\n    customerName: string\n---\n{{customerName}}\n');
  client = await TestLanguageClient.startWithRoot(dir);
  await client.open(uri('ticket.prompt'), golden('ticket.prompt'));
  await client.open(uri('flows.tests.yaml'), FLOWS_LIVE, 'yaml');
});

after(async () => {
  await client.stop();
  rmSync(dir, { recursive: true, force: true });
});

const at = { line: 8, character: 10 }; // inside {{customerName}} in the template

test('rename over stdio edits the prompt and the fixture files that test it, open ones with their live text', async () => {
  const edit = (await client.connection.sendRequest(RenameRequest.type, { textDocument: { uri: uri('ticket.prompt') }, position: at, newName: 'clientName' })) as WorkspaceEdit;
  const changes = edit.changes!;
  assert.deepEqual(Object.keys(changes).map((u) => u.split('/').pop()).sort(), ['flows.tests.yaml', 'ticket.prompt', 'ticket.tests.yaml']);
  assert.equal(applyEdits(golden('ticket.tests.before.yaml'), changes[uri('ticket.tests.yaml')]), golden('ticket.tests.after.yaml'));
  assert.equal(applyEdits(FLOWS_LIVE, changes[uri('flows.tests.yaml')]), FLOWS_LIVE.replace(/customerName/g, 'clientName'));
  assert.match(applyEdits(golden('ticket.prompt'), changes[uri('ticket.prompt')]), /^ {4}clientName: string, who wrote in\n[\s\S]*Hello \{\{clientName\}\}/m);
});

test('find references over stdio lists the fixture keys', async () => {
  const refs = (await client.connection.sendRequest(ReferencesRequest.type, { textDocument: { uri: uri('ticket.prompt') }, position: at, context: { includeDeclaration: false } })) as Location[];
  const files = refs.map((r) => `${r.uri.split('/').pop()}:${r.range.start.line}`).sort();
  assert.deepEqual(files, ['flows.tests.yaml:3', 'flows.tests.yaml:7', 'ticket.prompt:8', 'ticket.tests.yaml:18', 'ticket.tests.yaml:3']);
});

test('the cases of the prompt for the preview pick, from disk and the open fixture file', async () => {
  const cases = (await client.connection.sendRequest(FixtureCasesRequest.method, { uri: uri('ticket.prompt') })) as FixtureCaseItem[];
  assert.deepEqual(
    cases.map((c) => `${c.fixtureName}: ${c.caseName}`),
    ['flows.tests.yaml: flow mapping', 'flows.tests.yaml: no own values', 'flows.tests.yaml: unsaved case', 'flows.tests.yaml: values from a missing file', 'ticket.tests.yaml: plain', 'ticket.tests.yaml: other customer'],
  );
});

test('RenderRequest with a case reference renders that case\'s values; a broken case points at its fixture line', async () => {
  const other = (await client.connection.sendRequest(RenderRequest.method, { uri: uri('ticket.prompt'), case: { fixtureUri: uri('ticket.tests.yaml'), caseName: 'other customer' } })) as RenderResponse;
  assert.equal(other.ok, true, other.text);
  assert.match(other.text, /^# Rendered: ticket\.prompt — case "other customer" \(ticket\.tests\.yaml\)\n/);
  assert.match(other.text, /Hello Grace, about Login \(filed by Someone\)\./);

  const plain = (await client.connection.sendRequest(RenderRequest.method, { uri: uri('ticket.prompt'), case: { fixtureUri: uri('ticket.tests.yaml'), caseName: 'plain' } })) as RenderResponse;
  assert.match(plain.text, /Hello Ada, about Refund \(filed by Ticket Owner\)\./);

  // The unsaved case exists only in the editor's text.
  const unsaved = (await client.connection.sendRequest(RenderRequest.method, { uri: uri('ticket.prompt'), case: { fixtureUri: uri('flows.tests.yaml'), caseName: 'unsaved case' } })) as RenderResponse;
  assert.equal(unsaved.ok, false);
  assert.match(unsaved.text, /Case "unsaved case" gives no value for the required input `ticket`/);

  const broken = (await client.connection.sendRequest(RenderRequest.method, { uri: uri('ticket.prompt'), case: { fixtureUri: uri('flows.tests.yaml'), caseName: 'values from a missing file' } })) as RenderResponse;
  assert.equal(broken.ok, false);
  assert.equal(broken.error!.line, 8);
  assert.match(broken.text, /Error \(flows\.tests\.yaml, line 9\): Cannot read the vars file `nowhere\.yaml`/);

  const defaults = (await client.connection.sendRequest(RenderRequest.method, { uri: uri('ticket.prompt') })) as RenderResponse;
  assert.match(defaults.text, /^# Rendered: ticket\.prompt — input defaults\n/);
});
