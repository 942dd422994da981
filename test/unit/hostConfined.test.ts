// The Node host in an untrusted workspace: nothing outside the workspace folders is read, looked
// at or found to exist (symbolic links judged by where they lead); the open documents and the
// files inside stay readable, and a trusted workspace reads anywhere.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { test } from 'node:test';
import { createNodeHost } from '../../server/src/node/host';

function layout() {
  const base = mkdtempSync(path.join(tmpdir(), 'pw-confined-'));
  const root = path.join(base, 'workspace');
  const outside = path.join(base, 'elsewhere');
  mkdirSync(root);
  mkdirSync(outside);
  writeFileSync(path.join(root, 'inside.prompt'), 'inside');
  writeFileSync(path.join(outside, 'secret.prompt'), 'secret');
  symlinkSync(path.join(outside, 'secret.prompt'), path.join(root, 'link.prompt'));
  const uri = (p: string) => pathToFileURL(p).toString();
  return { root, outside, uri };
}

test('untrusted: a file outside the workspace folders is neither read, nor stat-ed, nor found to exist', async () => {
  const { root, outside, uri } = layout();
  let trusted = false;
  const host = createNodeHost({ roots: [uri(root)], confined: () => !trusted });
  const secret = path.join(outside, 'secret.prompt');
  await assert.rejects(host.readText(uri(secret)), (e: Error) => e.message.includes(secret) && /outside the workspace folders/.test(e.message) && /not trusted/.test(e.message));
  assert.equal(await host.stat(uri(secret)), undefined);
  assert.equal(host.exists(secret), false);
  // a link inside the workspace that leads outside is judged by its target
  await assert.rejects(host.readText(uri(path.join(root, 'link.prompt'))), /outside the workspace folders/);
  // inside: read as always
  assert.equal(await host.readText(uri(path.join(root, 'inside.prompt'))), 'inside');
  assert.equal((await host.stat(uri(path.join(root, 'inside.prompt'))))?.isFile, true);
  // once trusted, the same file is read
  trusted = true;
  assert.equal(await host.readText(uri(secret)), 'secret');
  assert.equal(await host.readText(uri(path.join(root, 'link.prompt'))), 'secret');
});

test('untrusted: an open document is served from the editor wherever it is', async () => {
  const { root, outside, uri } = layout();
  const secret = uri(path.join(outside, 'secret.prompt'));
  const host = createNodeHost({ roots: [uri(root)], confined: () => true, openText: (u) => (u === secret ? 'from the editor' : undefined) });
  assert.equal(await host.readText(secret), 'from the editor');
});
