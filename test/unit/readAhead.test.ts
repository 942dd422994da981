// The Node host's `readTexts`: many files read on a reader thread give, in order, what `readText`
// gives each: the text `readFileSync` reads (BOM, multi-byte characters, invalid bytes), an open
// document's text instead of the disk's, undefined for a missing file or a folder, and large files
// or FIFOs sent to `readText`'s own paths (a FIFO is never waited on). The reads fill the host's
// cache; cancelling stops the iteration; a catalogue built through it equals one built file by file.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { createNodeHost } from '../../server/src/node/host';
import { readSmallFile } from '../../server/src/node/readAhead';
import * as nodeFs from 'node:fs';
import { catalog as cat } from '../../server/src/service';
import type { WorkspaceHost } from '../../server/src/service/host';
import { tempWorkspace } from '../support/workspace';

const uri = (file: string) => pathToFileURL(file).toString();

async function collect(iterable: AsyncIterable<string | undefined>): Promise<(string | undefined)[]> {
  const out: (string | undefined)[] = [];
  for await (const t of iterable) out.push(t);
  return out;
}

/** 600 files of assorted content (enough for the reader thread), plus the odd ones. */
function workspace(): { dir: string; uris: string[]; expected: (string | undefined)[] } {
  const dir = tempWorkspace('pw-read-ahead-', {});
  const uris: string[] = [];
  const expected: (string | undefined)[] = [];
  const add = (name: string, bytes: Buffer | undefined) => {
    const file = path.join(dir, name);
    if (bytes) writeFileSync(file, bytes);
    uris.push(uri(file));
    expected.push(bytes ? readFileSync(file, 'utf8') : undefined);
  };
  for (let i = 0; i < 600; i++) {
    const body = i % 3 === 0 ? `\ufeff---\nmodel: x\n---\nCafé ☕ ${i}\n` : i % 3 === 1 ? 'a'.repeat(i * 37) : '';
    add(`f${String(i).padStart(4, '0')}.prompt`, Buffer.from(body, 'utf8'));
    if (i === 100) add('invalid.prompt', Buffer.from([0x68, 0xc3, 0x28, 0xff, 0x0a, 0xe2, 0x82]));
    if (i === 200) add('missing.prompt', undefined);
    if (i === 300) add('big.prompt', Buffer.from('é'.repeat(200_000), 'utf8')); // 400 KB: past the reader's limit
  }
  mkdirSync(path.join(dir, 'folder.prompt'));
  uris.splice(400, 0, uri(path.join(dir, 'folder.prompt')));
  expected.splice(400, 0, undefined);
  return { dir, uris, expected };
}

test('readTexts gives, in order, what readText gives each file: texts, undefined for a missing file or a folder, large files read too', async () => {
  const { dir, uris, expected } = workspace();
  try {
    const host = createNodeHost({ roots: [dir] });
    const got = await collect(host.readTexts!(uris));
    assert.equal(got.length, uris.length);
    for (let i = 0; i < uris.length; i++) assert.equal(got[i], expected[i], uris[i]);
    // Each one as readText says (a rejection is undefined).
    const fresh = createNodeHost({ roots: [dir] });
    for (let i = 0; i < uris.length; i += 7) assert.equal(got[i], await fresh.readText(uris[i]).catch(() => undefined), uris[i]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('readTexts prefers an open document, and fills the host cache the next readText answers from', async () => {
  const { dir, uris, expected } = workspace();
  try {
    const open = new Map([[uris[5], 'open text 5'], [uris[450], 'open text 450']]);
    const host = createNodeHost({ roots: [dir], openText: (u) => open.get(u) });
    const got = await collect(host.readTexts!(uris));
    assert.equal(got[5], 'open text 5');
    assert.equal(got[450], 'open text 450');
    assert.equal(got[6], expected[6]);
    // Cached by modification time and size: the next read answers from the cache (same string), a change reads again.
    const file = new URL(uris[9]);
    assert.equal(await host.readText(uris[9]), got[9]);
    writeFileSync(file, 'changed and longer than before: a new size');
    host.changed(uris[9], 'changed');
    assert.equal(await host.readText(uris[9]), 'changed and longer than before: a new size');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('readTexts never waits on a FIFO, and stops when cancelled', { timeout: 30_000, skip: process.platform === 'win32' ? 'no FIFOs on Windows' : false }, async () => {
  const { dir, uris } = workspace();
  try {
    const fifo = path.join(dir, 'pipe.prompt');
    execFileSync('mkfifo', [fifo]);
    const withFifo = [...uris.slice(0, 300), uri(fifo), ...uris.slice(300)];
    const host = createNodeHost({ roots: [dir] });
    const started = Date.now();
    const got = await collect(host.readTexts!(withFifo));
    assert.equal(got.length, withFifo.length);
    assert.equal(got[300], undefined);
    assert.ok(Date.now() - started < 20_000);
    let cancelled = false;
    const seen: (string | undefined)[] = [];
    await assert.rejects(async () => {
      for await (const t of host.readTexts!(uris, { get isCancellationRequested() { return cancelled; } })) {
        seen.push(t);
        if (seen.length === 70) cancelled = true;
      }
    });
    assert.equal(seen.length, 70);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('readSmallFile answers from the cache when modification time and size match, and reads on a file that grew past its stat', () => {
  const dir = tempWorkspace('pw-read-small-', { 'a.prompt': 'hello' });
  try {
    const file = path.join(dir, 'a.prompt');
    const scratch = { buf: Buffer.alloc(2) };
    const read = readSmallFile(nodeFs, file, 1024, scratch)!;
    assert.equal(read.text, 'hello');
    assert.ok(scratch.buf.length > 5);
    assert.equal(readSmallFile(nodeFs, file, 1024, scratch, (m, s) => (m === read.mtimeMs && s === read.size ? 'from cache' : undefined))?.text, 'from cache');
    assert.equal(readSmallFile(nodeFs, file, 4, scratch), undefined); // larger than max
    assert.equal(readSmallFile(nodeFs, dir, 1024, scratch), undefined); // a folder
    assert.equal(readSmallFile(nodeFs, path.join(dir, 'none'), 1024, scratch), undefined);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a catalogue built through readTexts equals one built with readText per file', async () => {
  const files: Record<string, string> = {};
  for (let i = 0; i < 400; i++) {
    files[`p/t${i % 7}/p${i}.prompt`] = `---\nmodel: openai/gpt-4o-mini\nmetadata:\n  owner: "@o${i % 5}"\n  status: ${i % 2 ? 'draft' : 'review'}\n---\nHello {{name}} ${i}\n`;
    if (i % 10 === 0) files[`q/c${i}.prompty`] = `---\nname: c${i}\nmodel:\n  id: gpt-4o-mini\n---\nuser:\n{{question}}\n`;
  }
  const dir = tempWorkspace('pw-read-ahead-cat-', files);
  try {
    const host = createNodeHost({ roots: [dir] });
    const oneByOne: WorkspaceHost = Object.create(host, { readTexts: { value: undefined } });
    const a = await cat.loadCatalog(host, dir, {});
    const b = await cat.loadCatalog(oneByOne, dir, {});
    assert.equal(a.size, 440);
    assert.deepEqual(a.entries(), b.entries());
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
