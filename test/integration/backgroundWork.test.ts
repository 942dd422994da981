// The catalogue's background work never runs ahead of an edit's diagnostics. Drives the bundled
// server (`dist/server.js --stdio`) over a workspace of many prompts, with the server's trace on
// (`$/logTrace`): the server traces each validation it queues and each slice of background work it
// starts (a file of the catalogue's build, a git call, a row's lifecycle rules). Messages arrive in
// the order the server sent them, so no clock is read: the assertions are about order.
// - the open document's first diagnostics, and edits typed while the catalogue builds: between a
//   version's validation being queued and its diagnostics, no background slice starts;
// - and the build still finishes while the edits go on (background work runs between them);
// - a validation that never ends (the editor never answers its configuration request) holds the
//   build back for a few seconds only, and the server's log names the document.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { after, before, test } from 'node:test';
import { editScript, generatePrompt } from '../../bench/generate';
import { CatalogChangedNotification } from '../../server/src/protocol';
import { fileUri, TestLanguageClient } from '../support/lspClient';

const PROMPTS = 1500;
let dir: string;

before(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'pw-background-'));
  for (let i = 0; i < PROMPTS; i++) {
    const folder = path.join(dir, 'prompts', `team${i % 30}`);
    mkdirSync(folder, { recursive: true });
    writeFileSync(path.join(folder, `p${i}.prompt`), `---\nmodel: openai/gpt-4o-mini\nversion: ${i % 4}\ninput:\n  schema:\n    order: string\nmetadata:\n  status: ${['draft', 'review', 'released'][i % 3]}\n---\nAnswer about order {{order}} politely (prompt ${i}).\n`);
  }
});

after(() => {
  rmSync(dir, { recursive: true, force: true });
});

/** A trace line and how many publications had arrived before it (both come in the server's order). */
type Trace = { message: string; after: number };

test('background work: no slice runs between an open or an edit and its diagnostics, and the build goes on between edits', async () => {
  const client = await TestLanguageClient.start({ rootUri: fileUri(dir), trace: 'verbose' });
  const traces: Trace[] = [];
  const uri = fileUri(path.join(dir, 'prompts', 'edited.prompt'));
  client.connection.onNotification('$/logTrace', (p: { message: string }) => void traces.push({ message: p.message, after: client.publications.length }));
  let ready!: () => void;
  const catalogueReady = new Promise<void>((resolve) => (ready = resolve));
  let isReady = false;
  client.connection.onNotification(CatalogChangedNotification, (c) => {
    if (!c.reset) return;
    isReady = true;
    ready();
  });
  try {
    const { text } = generatePrompt(1000);
    await client.open(uri, text);
    // Edits one after another, each awaited, until the catalogue is built (or the script ends).
    let version = 1;
    const edited: number[] = [];
    for (const e of editScript(text, 400)) {
      if (isReady) break;
      await client.edit(uri, e.range, e.text);
      edited.push(++version);
    }
    await catalogueReady;

    const publication = (v: number) => client.publications.findIndex((p) => p.uri === uri && p.version === v);
    const slices = (t: Trace) => t.message.startsWith('background ');
    assert.ok(traces.some((t) => t.message === 'background catalogue build'), 'the build ran');

    // Between the open's or an edit's validation being queued and its publication: no background
    // slice starts. (The build may start before the document is opened: partials indexed first.)
    for (const v of [1, ...edited]) {
      const queued = traces.findIndex((t) => t.message === `validation queued ${uri} v${v}`);
      const out = publication(v);
      assert.ok(queued >= 0 && out >= 0, `version ${v}: queued at ${queued}, published at ${out}: ${JSON.stringify(traces.slice(0, 20))}`);
      const between = traces.slice(queued + 1).filter((t) => t.after <= out && slices(t));
      assert.deepEqual(between, [], `version ${v}: background work ran between the edit and its diagnostics`);
    }

    // The edits overlapped the build, and the build went on between them.
    assert.ok(edited.length >= 3, `only ${edited.length} edit(s) before the catalogue was ready`);
    const duringEdits = traces.filter((t) => t.message === 'background catalogue build' && t.after > publication(1) && t.after <= publication(edited[edited.length - 1]));
    assert.ok(duringEdits.length >= 2, `the build made ${duringEdits.length} slice(s) of progress during the edits`);
  } finally {
    await client.stop();
  }
});

test('background work: a validation that never ends does not stop the catalogue; the server says which document holds it', async () => {
  const stuck = fileUri(path.join(dir, 'prompts', 'stuck.prompt'));
  // The editor never answers the configuration request for this one document (within the test);
  // every other file's settings come at once.
  const client = await TestLanguageClient.start({ rootUri: fileUri(dir), settings: { values: () => null, delayFor: (scope) => (scope === stuck ? 600_000 : undefined) } });
  const logs: string[] = [];
  client.connection.onNotification('window/logMessage', (p: { message: string }) => void logs.push(p.message));
  let rows = -1;
  const catalogueReady = new Promise<void>((resolve) =>
    client.connection.onNotification(CatalogChangedNotification, (c) => {
      if (!c.reset) return;
      rows = c.changed.length;
      resolve();
    }),
  );
  try {
    void client.open(stuck, 'Answer about order {{order}}.\n');
    // A failure guard, not a speed goal: without the fix the build waits for the stuck validation for ever.
    const guard = new Promise<'guard'>((resolve) => setTimeout(() => resolve('guard'), 60_000).unref());
    assert.equal(await Promise.race([catalogueReady.then(() => 'ready' as const), guard]), 'ready', 'the catalogue was built while a validation was stuck');
    assert.equal(rows, PROMPTS, 'every prompt on disk is a row');
    assert.equal(client.publications.filter((p) => p.uri === stuck).length, 0, 'the stuck document really had no diagnostics');
    const warning = logs.find((m) => m.includes('kept the server busy'));
    assert.ok(warning?.includes(stuck), `the log names the stuck document: ${JSON.stringify(logs.slice(-5))}`);
  } finally {
    await client.stop();
  }
});
