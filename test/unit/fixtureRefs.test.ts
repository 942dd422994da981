// The fixture files of a prompt, seen from the prompt: rename and find references reach the
// variable keys of the fixture files that test it (golden before/after in
// test/golden/rename-fixtures/), and the preview renders a case's values exactly as the runner does.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { before, test } from 'node:test';
import { pathToFileURL } from 'node:url';
import type { TextEdit } from 'vscode-languageserver-types';
import { fixtureCasesOf, formatRendered, parsePromptDocument, references, rename, RenameError, renderFixtureCase, type FixtureText } from '../../server/src/service';
import { createRenderProvider, loadSuite, runTests, type RunOptions } from '../../server/src/service/testing';
import { loadPartialIndex, readTextUri } from '../../server/src/node/workspaceReads';
import { LineIndex } from '../../server/src/service/text';

const GOLDEN = path.resolve(__dirname, '..', 'golden', 'rename-fixtures');
const ROOT = path.resolve(__dirname, '..', '..');
const read = (name: string) => readFileSync(path.join(GOLDEN, name), 'utf8');

function applyEdits(text: string, edits: TextEdit[] = []): string {
  const lines = new LineIndex(text);
  const sorted = edits.map((e) => ({ start: lines.offsetAt(e.range.start), end: lines.offsetAt(e.range.end), text: e.newText })).sort((a, b) => b.start - a.start);
  let out = text;
  for (const e of sorted) out = out.slice(0, e.start) + e.text + out.slice(e.end);
  return out;
}

const PROMPT_URI = 'file:///golden/ticket.prompt';
const fixtures = (): FixtureText[] => [
  { uri: 'file:///golden/ticket.tests.yaml', text: read('ticket.tests.before.yaml') },
  { uri: 'file:///golden/flows.tests.yaml', text: read('flows.tests.before.yaml') },
  { uri: 'file:///golden/unrelated.tests.yaml', text: read('unrelated.tests.yaml') },
];

function promptAt(needle: string) {
  const text = read('ticket.prompt');
  const doc = parsePromptDocument(text, PROMPT_URI);
  const offset = text.indexOf(needle);
  assert.ok(offset >= 0);
  return { doc, offset, text };
}

test('rename of an input renames its keys in the fixture files that test the prompt (golden)', () => {
  const { doc, offset, text } = promptAt('{{customerName}}');
  const edit = rename(doc, offset + 2, 'clientName', { fixtures: fixtures() })!;
  const changes = edit.changes!;
  assert.deepEqual(Object.keys(changes).sort(), ['file:///golden/flows.tests.yaml', 'file:///golden/ticket.prompt', 'file:///golden/ticket.tests.yaml']);
  // The prompt: the declaration and the use, not the nested field `ticket.customerName`.
  const prompt = applyEdits(text, changes[PROMPT_URI]);
  assert.match(prompt, /^ {4}clientName: string, who wrote in$/m);
  assert.match(prompt, /Hello \{\{clientName\}\}, .*\{\{ticket\.customerName\}\}/);
  assert.match(prompt, /^ {6}customerName\?: string/m);
  // The fixture files: defaults.vars and case keys (quoted, flow mappings), not nested fields or values.
  assert.equal(applyEdits(read('ticket.tests.before.yaml'), changes['file:///golden/ticket.tests.yaml']), read('ticket.tests.after.yaml'));
  assert.equal(applyEdits(read('flows.tests.before.yaml'), changes['file:///golden/flows.tests.yaml']), read('flows.tests.after.yaml'));
  assert.equal(changes['file:///golden/unrelated.tests.yaml'], undefined);
});

test('rename without fixture texts changes only the prompt', () => {
  const { doc, offset } = promptAt('{{customerName}}');
  assert.deepEqual(Object.keys(rename(doc, offset + 2, 'clientName')!.changes!), [PROMPT_URI]);
});

test('rename refuses a name a case already sets (two values for one key)', () => {
  const { doc, offset } = promptAt('{{customerName}}');
  const clash = [{ uri: 'file:///golden/ticket.tests.yaml', text: 'cases:\n  - name: a\n    vars:\n      customerName: A\n      clientName: B\n' }];
  assert.throws(() => rename(doc, offset + 2, 'clientName', { fixtures: clash }), (e: unknown) => e instanceof RenameError && /ticket\.tests\.yaml already sets `clientName` in case "a" \(line 5\)/.test(e.message));
});

test('find references lists the fixture keys too', () => {
  const { doc, offset } = promptAt('{{customerName}}');
  const refs = references(doc, offset + 2, false, { fixtures: fixtures() });
  const where = refs.map((r) => `${r.uri.split('/').pop()}:${r.range.start.line}:${r.range.start.character}`).sort();
  assert.deepEqual(where, ['flows.tests.yaml:3:12', 'ticket.prompt:8:8', 'ticket.tests.yaml:18:7', 'ticket.tests.yaml:3:4']);
});

test('the cases of a prompt, file by file, with their lines', () => {
  assert.deepEqual(
    fixtureCasesOf(PROMPT_URI, fixtures()).map((c) => `${c.fixtureName} ${c.name} ${c.line}`),
    ['flows.tests.yaml flow mapping 2', 'flows.tests.yaml no own values 4', 'ticket.tests.yaml plain 8', 'ticket.tests.yaml other customer 15'],
  );
});

let partials: Awaited<ReturnType<typeof loadPartialIndex>>;
before(async () => {
  partials = await loadPartialIndex([path.join(ROOT, 'examples')]);
});

test('rendering a case gives exactly what the runner renders for it (examples/summarize)', async () => {
  const fixtureUri = pathToFileURL(path.join(ROOT, 'examples', 'summarize.tests.yaml')).toString();
  const suite = await loadSuite(fixtureUri, pathToFileURL(ROOT).toString(), readTextUri);
  const options: RunOptions = { analysis: { partials }, providerFor: () => createRenderProvider(), defaultProvider: 'render', concurrency: 2, trusted: false, readText: readTextUri };
  const { results } = await runTests([suite], options);
  const prompt = suite.prompt!;
  const fixture = { uri: fixtureUri, text: readFileSync(path.join(ROOT, 'examples', 'summarize.tests.yaml'), 'utf8') };
  let compared = 0;
  for (const c of suite.fixture.cases) {
    const ran = results.find((r) => r.caseName === c.name && r.repeat === 1)!;
    assert.ok(ran.messages?.length, `${c.name}: the runner rendered nothing (${ran.reason})`);
    const ours = await renderFixtureCase(prompt, fixture, c.name, readTextUri, { partials });
    assert.equal(ours.error, undefined, ours.error?.message);
    assert.deepEqual(ours.messages?.map((m) => ({ role: m.role, text: m.text })), ran.messages, c.name);
    assert.deepEqual(ours.values, ran.vars, c.name);
    assert.equal(ours.label, `case "${c.name}" (summarize.tests.yaml)`);
    compared++;
  }
  assert.equal(compared, 5);
  // The file-loaded case really used the file's values.
  const fromFile = await renderFixtureCase(prompt, fixture, 'long ticket from a file', readTextUri, { partials });
  assert.match(fromFile.messages!.map((m) => m.text).join('\n'), /Invoice INV-2291/);
});

test('a case whose values are invalid: the error names the fixture file and line', async () => {
  const prompt = parsePromptDocument('---\ninput:\n  schema:\n    q: string\n    r?: string\n---\n{{q}} {{r}}', 'file:///w/p.prompt');
  const text = 'cases:\n  - name: ok\n    vars: { q: one }\n  - name: missing file\n    vars: file://nowhere.yaml\n  - name: no q\n    vars: { r: two }\n';
  const fixture = { uri: 'file:///w/p.tests.yaml', text };
  const noFiles = async (uri: string): Promise<string> => {
    throw Object.assign(new Error(`ENOENT ${uri}`), { code: 'ENOENT' });
  };
  const ok = await renderFixtureCase(prompt, fixture, 'ok', noFiles);
  assert.deepEqual(ok.messages, [{ role: 'user', text: 'one ', parts: [{ kind: 'text', text: 'one ' }] }]);

  const missing = await renderFixtureCase(prompt, fixture, 'missing file', noFiles);
  assert.match(missing.error!.message, /Cannot read the vars file `nowhere.yaml`.*no such file/);
  assert.equal(missing.error!.file, 'file:///w/p.tests.yaml');
  assert.equal(missing.error!.line, 3);
  assert.match(formatRendered(missing, `p.prompt — ${missing.label}`), /^# Rendered: p\.prompt — case "missing file" \(p\.tests\.yaml\)\n\nError \(p\.tests\.yaml, line 4\): Cannot read/);

  const noQ = await renderFixtureCase(prompt, fixture, 'no q', noFiles);
  assert.match(noQ.error!.message, /^Case "no q" gives no value for the required input `q`\. Add it/);
  assert.equal(noQ.error!.line, 5);

  const gone = await renderFixtureCase(prompt, fixture, 'renamed since', noFiles);
  assert.match(gone.error!.message, /has no case named "renamed since" any more/);
  const other = await renderFixtureCase(parsePromptDocument('hi', 'file:///w/other.prompt'), fixture, 'ok', noFiles);
  assert.match(other.error!.message, /p\.tests\.yaml tests p\.prompt, not this prompt/);
});
