// The catalogue's build through the Node host (files read ahead, small files read synchronously)
// gives, for every example prompt and every prompt of the test corpora in every registered format,
// exactly the row computed from the file's text on its own (`catalogEntry`): same fields, same
// token counts, same errors, same places. And a change after the build updates that one row.
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync, mkdtempSync, rmSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { test } from 'node:test';
import { createNodeHost } from '../../server/src/node/host';
import { catalog as cat, parseDocument, registeredFormats } from '../../server/src/service';

const REPO = path.resolve(__dirname, '../..');
const FOLDERS = ['examples', 'test/corpus', 'test/e2e', 'test/golden', 'test/grammar', 'test/samples'].map((f) => path.join(REPO, f));

test('every example and corpus prompt: the built row equals the row of its text alone', async () => {
  const host = createNodeHost({ roots: FOLDERS });
  const config = { defaults: { 'examples/**': 'review' } };
  const built = await cat.loadCatalog(host, REPO, { config });
  assert.ok(built.size >= 100, `only ${built.size} prompt files found`);
  const options = { root: REPO, config, codeowners: await cat.readCodeowners(host, REPO) };
  const seen = new Set<string>();
  for (const row of built.entries()) {
    assert.deepEqual(row, cat.catalogEntry(row.uri, readFileSync(fileURLToPath(row.uri), 'utf8'), options), row.path);
    seen.add(row.format);
  }
  for (const f of registeredFormats()) assert.ok(seen.has(f.id), `no ${f.id} file among the examples and corpora`);
  assert.ok(built.entries().some((r) => r.errors > 0), 'some prompt with errors is compared');
  assert.ok(built.entries().some((r) => r.tokens !== undefined && r.costPerRun !== undefined), 'some prompt with tokens and cost is compared');
});

test('a build over many files, then one changed file: its row only, with the new text', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'pw-catalog-build-'));
  try {
    for (let i = 0; i < 150; i++) {
      mkdirSync(path.join(dir, `f${i % 7}`), { recursive: true });
      writeFileSync(path.join(dir, `f${i % 7}`, `p${i}.prompt`), `---\nmetadata:\n  status: ${i % 2 ? 'review' : 'draft'}\n---\nHello ${i}\n`);
    }
    const host = createNodeHost({ roots: [dir] });
    let pauses = 0;
    const catalog = await cat.loadCatalog(host, dir, { pause: async () => void pauses++ });
    assert.equal(catalog.size, 150);
    assert.equal(pauses, 150); // before each file (the server decides when to give a turn)
    assert.deepEqual(catalog.entries().map((e) => e.path), [...Array(150).keys()].map((i) => `f${i % 7}/p${i}.prompt`).sort());
    const file = path.join(dir, 'f3', 'p3.prompt');
    writeFileSync(file, '---\nmetadata:\n  status: released\n---\nChanged, and longer than before.\n');
    const uri = pathToFileURL(file).toString();
    host.changed(uri, 'changed');
    const row = catalog.set(uri, await host.readText(uri));
    assert.equal(row?.status, 'released');
    assert.equal(catalog.get(uri)?.contentHash, cat.sha256(readFileSync(file, 'utf8')));
    assert.equal(catalog.get(pathToFileURL(path.join(dir, 'f4', 'p4.prompt')).toString())?.status, 'draft');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a row made from a parse the caller already has (an open document\'s) reads that parse, and equals the row of the text alone', () => {
  const uri = 'file:///ws/support.prompt';
  const text = '---\nmodel: openai/gpt-4o-mini\nversion: 2\nmetadata:\n  owner: "@support"\n  status: released\n---\n{{role "system"}}\nYou help customers.\n{{role "user"}}\n{{question}}\n';
  const options = { root: '/ws' };
  const parsed = parseDocument(text, uri);
  let reads = 0;
  // The same parse, with its model read counted.
  const spy = Object.create(parsed, { prompt: { get: () => (reads++, parsed.prompt) } }) as typeof parsed;
  const row = cat.catalogEntry(uri, text, options, undefined, spy);
  assert.ok(reads > 0, 'the given parse was read');
  assert.deepEqual(row, cat.catalogEntry(uri, text, options));
  // A parse of another text is not used: the row is the new text's.
  const edited = text.replace('status: released', 'status: retired');
  reads = 0;
  const other = cat.catalogEntry(uri, edited, options, undefined, spy);
  assert.equal(reads, 0);
  assert.equal(other.status, 'retired');
  assert.deepEqual(other, cat.catalogEntry(uri, edited, options));
});
