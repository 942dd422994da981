// The catalogue's row cache (server/src/service/catalog/rowCache.ts): a second build through the
// Node host takes back every row of an unchanged file and gives the rows a build without the cache
// gives; a changed, new or deleted file, another build of the engine, other settings, another
// CODEOWNERS, a damaged or forged file all lead back to the parse; test verdicts are read anew; a
// cache that cannot be written changes nothing but the report.
import assert from 'node:assert/strict';
import { readFileSync, rmSync, writeFileSync, unlinkSync, mkdirSync } from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { createNodeHost } from '../../server/src/node/host';
import { catalog as cat } from '../../server/src/service';
import { tempWorkspace } from '../support/workspace';

const FILES: Record<string, string> = {
  'a/hello.prompt': '---\nmodel: openai/gpt-4o-mini\nversion: 2\nmetadata:\n  owner: "@me"\n  status: review\n  tags: [x, y]\n---\nHello {{name}} {{> footer}}\n',
  'a/_footer.prompt': 'Thanks, {{name}}.\n',
  'a/broken.prompt': '---\nmodel: [broken\n---\nBody\n',
  'b/chat.prompty': '---\nname: chat\nmodel:\n  id: gpt-4o-mini\nmetadata:\n  authors: [me]\n  status: draft\n---\nsystem:\nYou help with {{topic}}.\n\nuser:\n{{question}}\n',
  'b/plain.prompt': 'Plain {{x}}\n',
  'c/ask.prompt.yml': 'name: ask\nmodel: openai/gpt-4o-mini\nmessages:\n  - role: user\n    content: "{{question}}"\n',
  'AGENTS.md': '# Agent\n\nUse `npm test`.\n',
  '.github/CODEOWNERS': '* @everyone\n/b/ @bee\n',
};

const json = (rows: readonly cat.CatalogEntry[]) => JSON.parse(JSON.stringify(rows)) as unknown;

/** The cache file's header and rows (JSON Lines). */
function readCache(file: string): { header: cat.RowCacheHeader; rows: Record<string, unknown>[] } {
  const [head, ...rows] = readFileSync(file, 'utf8').trimEnd().split('\n');
  return { header: JSON.parse(head) as cat.RowCacheHeader, rows: rows.map((r) => JSON.parse(r) as Record<string, unknown>) };
}

function writeCache(file: string, data: { header: cat.RowCacheHeader; rows: Record<string, unknown>[] }): void {
  writeFileSync(file, `${[data.header, ...data.rows].map((r) => JSON.stringify(r)).join('\n')}\n`);
}

async function build(dir: string, cacheDir: string, opts: { build?: string; config?: cat.CatalogConfig } = {}) {
  const host = createNodeHost({ roots: [dir] });
  return cat.loadCatalog(host, dir, { config: opts.config ?? { defaults: { 'c/**': 'review' } }, cache: { dir: cacheDir, build: opts.build ?? 'build-1' } });
}

test('a second build takes back every unchanged row and gives the rows of a build without the cache', async () => {
  const dir = tempWorkspace('pw-row-cache-', FILES);
  const cacheDir = path.join(dir, '.cache');
  try {
    const first = await build(dir, cacheDir);
    assert.deepEqual({ ...first.rowCacheReport }, { hits: 0, kept: 0, ignored: undefined, wrote: true });
    const written = readCache(path.join(cacheDir, cat.ROW_CACHE_FILE));
    assert.equal(written.rows.length, first.size);
    assert.equal(written.header.format, 1);

    const second = await build(dir, cacheDir);
    assert.deepEqual({ ...second.rowCacheReport }, { hits: first.size, kept: first.size, ignored: undefined, wrote: false });
    const plain = await cat.loadCatalog(createNodeHost({ roots: [dir] }), dir, { config: { defaults: { 'c/**': 'review' } } });
    assert.deepEqual(json(second.entries()), json(plain.entries()));
    const byPath = new Map(second.entries().map((r) => [r.path, r]));
    assert.equal(byPath.get('b/chat.prompty')?.owner, 'me');
    assert.equal(byPath.get('c/ask.prompt.yml')?.status, 'review');
    assert.ok(byPath.get('a/broken.prompt')!.errors > 0);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a changed, new or deleted file is parsed or dropped; the file is written again', async () => {
  const dir = tempWorkspace('pw-row-cache-', FILES);
  const cacheDir = path.join(dir, '.cache');
  try {
    const first = await build(dir, cacheDir);
    writeFileSync(path.join(dir, 'a/hello.prompt'), FILES['a/hello.prompt'].replace('status: review', 'status: released'));
    writeFileSync(path.join(dir, 'a/new.prompt'), 'New {{x}}\n');
    unlinkSync(path.join(dir, 'AGENTS.md'));
    const second = await build(dir, cacheDir);
    assert.equal(second.size, first.size);
    assert.deepEqual({ ...second.rowCacheReport }, { hits: first.size - 2, kept: first.size, ignored: undefined, wrote: true });
    const byPath = new Map(second.entries().map((r) => [r.path, r]));
    assert.equal(byPath.get('a/hello.prompt')?.status, 'released');
    assert.ok(byPath.has('a/new.prompt'));
    assert.ok(!byPath.has('AGENTS.md'));
    const third = await build(dir, cacheDir);
    assert.equal(third.rowCacheReport?.hits, third.size);
    assert.equal(third.rowCacheReport?.wrote, false);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a build of some files keeps the rows of the others; a whole build drops the rows of files that are gone', async () => {
  const dir = tempWorkspace('pw-row-cache-', FILES);
  const cacheDir = path.join(dir, '.cache');
  const uriOf = (rel: string) => pathToFileURL(path.join(dir, rel)).toString();
  try {
    const first = await build(dir, cacheDir);
    writeFileSync(path.join(dir, 'a/hello.prompt'), `${FILES['a/hello.prompt']}More.\n`);
    const some = await cat.loadCatalog(createNodeHost({ roots: [dir] }), dir, { config: { defaults: { 'c/**': 'review' } }, files: [uriOf('a/hello.prompt'), uriOf('b/plain.prompt')], cache: { dir: cacheDir, build: 'build-1' } });
    assert.deepEqual({ ...some.rowCacheReport }, { hits: 1, kept: first.size, ignored: undefined, wrote: true });
    assert.equal(some.size, 2);
    const whole = await build(dir, cacheDir);
    assert.equal(whole.rowCacheReport?.hits, first.size, 'every row, the changed one from the build of some files');
    unlinkSync(path.join(dir, 'b/plain.prompt'));
    const after = await build(dir, cacheDir);
    assert.deepEqual({ ...after.rowCacheReport }, { hits: first.size - 1, kept: first.size, ignored: undefined, wrote: true });
    assert.equal((await build(dir, cacheDir)).rowCacheReport?.kept, first.size - 1);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('another build of the engine, another config or another CODEOWNERS: the rows are not used', async () => {
  const dir = tempWorkspace('pw-row-cache-', FILES);
  const cacheDir = path.join(dir, '.cache');
  try {
    await build(dir, cacheDir);
    const otherBuild = await build(dir, cacheDir, { build: 'build-2' });
    assert.equal(otherBuild.rowCacheReport?.hits, 0);
    assert.match(otherBuild.rowCacheReport?.ignored ?? '', /another build or with other settings/);

    const otherConfig = await build(dir, cacheDir, { build: 'build-2', config: { defaults: { 'c/**': 'approved' } } });
    assert.equal(otherConfig.rowCacheReport?.hits, 0);
    assert.equal(otherConfig.entries().find((r) => r.path === 'c/ask.prompt.yml')?.status, 'approved');

    writeFileSync(path.join(dir, '.github/CODEOWNERS'), '* @everyone\n/b/ @bees\n');
    const otherOwners = await build(dir, cacheDir, { build: 'build-2', config: { defaults: { 'c/**': 'approved' } } });
    assert.equal(otherOwners.rowCacheReport?.hits, 0);
    assert.equal(otherOwners.entries().find((r) => r.path === 'b/chat.prompty')?.owner, 'me');
    assert.equal(otherOwners.entries().find((r) => r.path === 'b/plain.prompt')?.owner, '@bees');
    assert.equal(otherOwners.entries().find((r) => r.path === 'c/ask.prompt.yml')?.owner, '@everyone');
    assert.equal(otherOwners.entries().find((r) => r.path === 'a/_footer.prompt')?.owner, '@everyone');
    const bee = await build(dir, cacheDir, { build: 'build-2', config: { defaults: { 'c/**': 'approved' } } });
    assert.equal(bee.rowCacheReport?.hits, bee.size);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a damaged cache or a row whose text changed is not used; the rows are those of the files', async () => {
  const dir = tempWorkspace('pw-row-cache-', FILES);
  const cacheDir = path.join(dir, '.cache');
  const file = path.join(cacheDir, cat.ROW_CACHE_FILE);
  try {
    const first = await build(dir, cacheDir);
    const good = readFileSync(file, 'utf8');

    writeFileSync(file, good.slice(0, Math.floor(good.length / 2)));
    const truncated = await build(dir, cacheDir);
    assert.match(truncated.rowCacheReport?.ignored ?? '', /its line \d+ is not a row/);
    assert.equal(truncated.rowCacheReport?.hits, 0);
    assert.deepEqual(json(truncated.entries()), json(first.entries()));

    writeFileSync(file, 'not a cache\n');
    const foreign = await build(dir, cacheDir);
    assert.match(foreign.rowCacheReport?.ignored ?? '', /not a row cache of this version/);
    assert.deepEqual(json(foreign.entries()), json(first.entries()));

    const data = readCache(file);
    data.rows[2].errors = '0';
    writeCache(file, data);
    const damaged = await build(dir, cacheDir);
    assert.match(damaged.rowCacheReport?.ignored ?? '', /its line 4 is not a row/);
    assert.deepEqual(json(damaged.entries()), json(first.entries()));

    // A row that says something else of a text than its parse: used only while the text is the one it names.
    const forged = readCache(file);
    const hello = forged.rows.find((r) => r.path === 'a/hello.prompt')!;
    hello.status = 'retired';
    writeCache(file, forged);
    writeFileSync(path.join(dir, 'a/hello.prompt'), `${FILES['a/hello.prompt']}More.\n`);
    const edited = await build(dir, cacheDir);
    assert.equal(edited.entries().find((r) => r.path === 'a/hello.prompt')?.status, 'review');
    assert.equal(edited.rowCacheReport?.hits, edited.size - 1);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('test verdicts are read from the run records of this build, not kept in the cache', async () => {
  const dir = tempWorkspace('pw-row-cache-', FILES);
  const cacheDir = path.join(dir, '.cache');
  try {
    const first = await build(dir, cacheDir);
    const hello = first.entries().find((r) => r.path === 'a/hello.prompt')!;
    assert.equal(hello.tests, undefined);
    const at = '2026-01-02T00:00:00Z';
    const record = `${JSON.stringify({ type: 'run', version: 1, startedAt: at, finishedAt: at, counts: { passed: 1 } })}\n${JSON.stringify({ type: 'case', id: 'c1', caseKey: 'c1', fixture: 'f', prompt: 'a/hello.prompt', promptHash: hello.contentHash, case: 'c1', caseLine: 1, repeat: 1, repeats: 1, status: 'passed', provider: 'p', output: null, latencyMs: null, cost: null, reason: '', assertions: [] })}\n`;
    mkdirSync(path.join(dir, '.prompt-workbench', 'runs'), { recursive: true });
    writeFileSync(path.join(dir, '.prompt-workbench', 'runs', 'r1.jsonl'), record);
    const second = await build(dir, cacheDir);
    assert.equal(second.rowCacheReport?.hits, second.size);
    assert.equal(second.entries().find((r) => r.path === 'a/hello.prompt')?.tests?.verdict, 'passed');
    assert.ok(!readFileSync(path.join(cacheDir, cat.ROW_CACHE_FILE), 'utf8').includes('"tests"'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a cache folder that cannot be written: the same rows, the failure in the report', async () => {
  const dir = tempWorkspace('pw-row-cache-', FILES);
  const blocked = path.join(dir, 'not-a-folder');
  writeFileSync(blocked, 'a file where the folder would be\n');
  try {
    const built = await build(dir, blocked);
    assert.equal(built.rowCacheReport?.wrote, false);
    assert.ok(built.rowCacheReport?.writeError);
    const plain = await cat.loadCatalog(createNodeHost({ roots: [dir] }), dir, { config: { defaults: { 'c/**': 'review' } } });
    assert.deepEqual(json(built.entries()), json(plain.entries()));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
