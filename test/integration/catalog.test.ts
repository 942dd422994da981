// The language server's prompt catalogue over LSP: the rows of every format once built, a file
// changed on disk arriving as one changed row (a watched-file event, no rescan), an edit in the
// editor updating its row, and the lifecycle findings joining the open prompt's diagnostics.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { CompletionRequest, DidChangeWatchedFilesNotification, HoverRequest, type CompletionList, type Hover, type MarkupContent } from 'vscode-languageserver-protocol/node';
import { CatalogChangedNotification, CatalogRequest, type CatalogChange, type CatalogSnapshot } from '../../server/src/protocol';
import { fileUri, TestLanguageClient } from '../support/lspClient';

const RELEASED = '---\nmodel: openai/gpt-4o-mini\nversion: 1\nmetadata:\n  owner: "@support"\n  status: released\n---\nHello\n';

test('the catalogue: every format, one row per change, lifecycle findings on the open prompt', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'pw-catalog-lsp-'));
  const write = (rel: string, text: string) => {
    mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
    writeFileSync(path.join(dir, rel), text);
    return fileUri(path.join(dir, rel));
  };
  const a = write('a.prompt', RELEASED);
  write('b.prompty', '---\nname: B\nmetadata:\n  authors: [ana]\n---\nsystem:\nHi\n');
  const c = write('sub/c.prompt.yml', 'name: C\nmessages:\n  - role: user\n    content: Hi\n');
  write('CODEOWNERS', '/sub/ @sub-team\n');
  const client = await TestLanguageClient.start({ rootUri: fileUri(dir) });
  const changes: CatalogChange[] = [];
  client.connection.onNotification(CatalogChangedNotification, (p: CatalogChange) => void changes.push(p));
  const until = async <T>(what: string, probe: () => T | undefined | Promise<T | undefined>): Promise<T> => {
    for (let i = 0; i < 300; i++) {
      const v = await probe();
      if (v !== undefined) return v;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`timed out waiting for ${what}`);
  };
  try {
    const snapshot = await until('the catalogue', async () => {
      const s: CatalogSnapshot = await client.connection.sendRequest(CatalogRequest);
      return s.ready ? s : undefined;
    });
    assert.deepEqual(snapshot.rows.map((r) => [r.path, r.format, r.owner ?? null, r.status]).sort(), [
      ['a.prompt', 'dotprompt', '@support', 'released'],
      ['b.prompty', 'prompty', 'ana', 'draft'],
      ['sub/c.prompt.yml', 'github-models', '@sub-team', 'draft'],
    ]);

    // A change on disk: one changed row, not the catalogue.
    changes.length = 0;
    writeFileSync(path.join(dir, 'sub', 'c.prompt.yml'), 'name: C\nmetadata:\n  status: review\nmessages:\n  - role: user\n    content: Hi\n');
    await client.connection.sendNotification(DidChangeWatchedFilesNotification.type, { changes: [{ uri: c, type: 2 }] });
    const change = await until('the changed row', () => changes.find((ch) => ch.changed.some((r) => r.uri === c && r.status === 'review')));
    assert.equal(change.reset, undefined);
    assert.deepEqual(change.changed.map((r) => r.uri), [c]);

    // The open released prompt has no run record: lifecycle-unverified joins its diagnostics, on the status.
    const published = await client.open(a, RELEASED);
    const lifecycle = published.diagnostics.find((d) => d.code === 'lifecycle-unverified') ?? (await until('the lifecycle finding', async () => (await client.nextDiagnostics(a)).diagnostics.find((d) => d.code === 'lifecycle-unverified')));
    assert.deepEqual(lifecycle.range, { start: { line: 5, character: 10 }, end: { line: 5, character: 18 } }); // `released` of `status: released`
    assert.match(String(lifecycle.message), /No run record tested this released prompt/);
  } finally {
    await client.stop();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('status completion and hover over LSP read the project config\'s status names', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'pw-catalog-names-'));
  writeFileSync(path.join(dir, 'prompt-workbench.yaml'), 'catalog:\n  statuses:\n    released: live\n    review: in-review\n');
  const text = '---\nmetadata:\n  status: live\n---\nHello\n';
  writeFileSync(path.join(dir, 'p.prompt'), text);
  const uri = fileUri(path.join(dir, 'p.prompt'));
  const client = await TestLanguageClient.start({ rootUri: fileUri(dir) });
  try {
    await client.open(uri, text);
    const list = (await client.connection.sendRequest(CompletionRequest.type, { textDocument: { uri }, position: { line: 2, character: 10 } })) as CompletionList;
    assert.deepEqual(list.items.map((i) => i.label), ['draft', 'in-review', 'approved', 'live', 'retired']);
    const h = (await client.connection.sendRequest(HoverRequest.type, { textDocument: { uri }, position: { line: 2, character: 12 } })) as Hover;
    assert.match((h.contents as MarkupContent).value, /`live`: Lifecycle status 4 of 5 \(the project's name for `released`\)/);
  } finally {
    await client.stop();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a prompt opened from outside the workspace folders, or from a skipped folder, is no row of the catalogue', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'pw-catalog-outside-'));
  const elsewhere = mkdtempSync(path.join(tmpdir(), 'pw-catalog-elsewhere-'));
  const inside = path.join(dir, 'inside.prompt');
  writeFileSync(inside, 'Hello\n');
  mkdirSync(path.join(dir, 'node_modules', 'pkg'), { recursive: true });
  const skipped = path.join(dir, 'node_modules', 'pkg', 'vendored.prompt');
  writeFileSync(skipped, 'Vendored\n');
  const outside = path.join(elsewhere, 'loose.prompt');
  writeFileSync(outside, 'Loose\n');
  const client = await TestLanguageClient.start({ rootUri: fileUri(dir) });
  const changes: CatalogChange[] = [];
  client.connection.onNotification(CatalogChangedNotification, (p: CatalogChange) => void changes.push(p));
  try {
    for (let i = 0; i < 300 && !(await client.connection.sendRequest(CatalogRequest)).ready; i++) await new Promise((r) => setTimeout(r, 100));
    await client.open(fileUri(outside), 'Loose\n');
    await client.edit(fileUri(outside), { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, 'A ');
    await client.open(fileUri(skipped), 'Vendored\n');
    await client.edit(fileUri(skipped), { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, 'A ');
    // The edit inside comes last: once its row has changed, the others' (earlier) row updates are done.
    await client.open(fileUri(inside), 'Hello\n');
    await client.edit(fileUri(inside), { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, 'A ');
    for (let i = 0; i < 300 && !changes.some((c) => c.changed.some((r) => r.uri === fileUri(inside))); i++) await new Promise((r) => setTimeout(r, 50));
    // Rows come after a pause in typing, one by one in the background: watch for a stray one for 3 s.
    let rows = (await client.connection.sendRequest(CatalogRequest)).rows;
    for (let i = 0; i < 30 && rows.length === 1; i++) {
      await new Promise((r) => setTimeout(r, 100));
      rows = (await client.connection.sendRequest(CatalogRequest)).rows;
    }
    assert.deepEqual(rows.map((r) => r.path), ['inside.prompt']);
    assert.ok(!changes.some((c) => c.changed.some((r) => r.uri !== fileUri(inside))), 'no row for the file outside or in node_modules');
  } finally {
    await client.stop();
    rmSync(dir, { recursive: true, force: true });
    rmSync(elsewhere, { recursive: true, force: true });
  }
});

test('the row cache: a second session takes back the rows of unchanged files from the extension storage; an untrusted one keeps none', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'pw-catalog-cache-'));
  const storage = mkdtempSync(path.join(tmpdir(), 'pw-catalog-storage-'));
  const untrustedStorage = mkdtempSync(path.join(tmpdir(), 'pw-catalog-untrusted-'));
  writeFileSync(path.join(dir, 'a.prompt'), RELEASED);
  writeFileSync(path.join(dir, 'b.prompty'), '---\nname: B\n---\nsystem:\nHi\n');
  const cacheFile = path.join(storage, 'catalog', 'catalog-rows.jsonl');
  const rowsOf = async (initializationOptions: unknown) => {
    const client = await TestLanguageClient.start({ rootUri: fileUri(dir), initializationOptions });
    try {
      for (let i = 0; i < 300; i++) {
        const s: CatalogSnapshot = await client.connection.sendRequest(CatalogRequest);
        if (s.ready) return new Map(s.rows.map((r) => [r.path, r]));
        await new Promise((r) => setTimeout(r, 100));
      }
      throw new Error('timed out waiting for the catalogue');
    } finally {
      await client.stop();
    }
  };
  try {
    const first = await rowsOf({ trusted: true, storageDir: storage });
    assert.equal(first.get('b.prompty')?.name, 'B');
    const [header, ...kept] = readFileSync(cacheFile, 'utf8').trimEnd().split('\n').map((l) => JSON.parse(l) as { path: string; name: string });
    assert.deepEqual(kept.map((r) => r.path), ['a.prompt', 'b.prompty']);
    // Mark the kept row of b.prompty: the next session shows the mark only if it took the row back.
    kept.find((r) => r.path === 'b.prompty')!.name = 'B (from the row cache)';
    writeFileSync(cacheFile, `${[header, ...kept].map((r) => JSON.stringify(r)).join('\n')}\n`);
    writeFileSync(path.join(dir, 'a.prompt'), RELEASED.replace('Hello', 'Hello again'));
    const second = await rowsOf({ trusted: true, storageDir: storage });
    assert.equal(second.get('b.prompty')?.name, 'B (from the row cache)');
    assert.equal(second.get('a.prompt')?.status, 'released');
    assert.notEqual(second.get('a.prompt')?.tokens, first.get('a.prompt')?.tokens, 'the changed file is parsed again');

    const untrusted = await rowsOf({ trusted: false, storageDir: untrustedStorage });
    assert.equal(untrusted.get('b.prompty')?.name, 'B');
    assert.deepEqual(readdirSync(untrustedStorage), [], 'nothing written outside the workspace');
  } finally {
    rmSync(dir, { recursive: true, force: true });
    rmSync(storage, { recursive: true, force: true });
    rmSync(untrustedStorage, { recursive: true, force: true });
  }
});
