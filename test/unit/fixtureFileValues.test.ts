// `file://` values of fixture files: read only inside the project root (or `fixtures.allow`), only
// regular files up to `fixtures.maxFileSize`, never in an untrusted workspace; each refusal is a
// diagnostic on the value, a case error at run time, and nothing of the file reaches a record.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { createNodeHost } from '../../server/src/node/host';
import { parseDocument, renderFixtureCase, formatCaseRendered, type WorkspaceHost } from '../../server/src/service';
import {
  createRenderProvider,
  fileValueAccess,
  fileValueDiagnostics,
  fixtureCaseTokens,
  guardedReader,
  loadSuite,
  parseFixtureFile,
  recordLines,
  runTests,
} from '../../server/src/service/testing';
import { runCli } from '../support/cli';

const SECRET = 'SECRET-FROM-OUTSIDE-THE-PROJECT';
const PROMPT = '---\ninput:\n  schema:\n    body: string\n---\nBody: {{body}}\n';

/** A project (a git root) at `<tmp>/proj` with the prompt in `proj/sub/`, and a file outside it at `<tmp>/outside.txt`. */
function project(fixtureVars: string, config?: string): { tmp: string; root: string; sub: string; fixture: string } {
  const tmp = mkdtempSync(path.join(tmpdir(), 'pw-file-values-'));
  const root = path.join(tmp, 'proj');
  const sub = path.join(root, 'sub');
  mkdirSync(path.join(root, '.git'), { recursive: true });
  mkdirSync(path.join(sub, 'data'), { recursive: true });
  writeFileSync(path.join(tmp, 'outside.txt'), SECRET);
  writeFileSync(path.join(sub, 'data', 'inside.txt'), 'inside text');
  writeFileSync(path.join(sub, 'p.prompt'), PROMPT);
  const fixture = path.join(sub, 'p.tests.yaml');
  writeFileSync(fixture, `cases:\n  - name: one\n    provider: render\n    vars:\n      body: ${fixtureVars}\n`);
  if (config) writeFileSync(path.join(root, 'prompt-workbench.yaml'), config);
  return { tmp, root, sub, fixture };
}

/** The CLI's run of the project: the exit code, what it printed, and every run record's text. */
async function cliRun(root: string): Promise<{ code: number; out: string; records: string }> {
  const r = await runCli(['test', 'sub', '--reporter', 'json'], root);
  const dir = path.join(root, '.prompt-workbench', 'runs');
  const records = existsSync(dir) ? readdirSync(dir).map((f) => readFileSync(path.join(dir, f), 'utf8')).join('\n') : '';
  return { code: r.code, out: r.stdout + r.stderr, records };
}

test('CLI: `file://../../outside.txt` (relative to the fixture) is refused, and its content is neither recorded nor printed', async () => {
  const p = project('file://../../outside.txt');
  const r = await cliRun(p.root);
  assert.equal(r.code, 2, r.out);
  assert.match(r.out, /sub\/p\.tests\.yaml:5:13 {2}error {2}`file:\/\/\.\.\/\.\.\/outside\.txt` is not read: [^\n]*outside\.txt is outside the project root[^\n]*fixtures\.allow[^\n]*fixture-file-refused/);
  assert.equal(r.records, '');
  assert.doesNotMatch(r.out, new RegExp(SECRET));
});

test('CLI: an absolute `file:///etc/hostname` is refused as outside the project root', async () => {
  const p = project('file:///etc/hostname');
  const r = await cliRun(p.root);
  assert.equal(r.code, 2, r.out);
  assert.match(r.out, /`file:\/\/\/etc\/hostname` is not read: \/etc\/hostname is outside the project root \([^)]*proj\)/);
  assert.equal(r.records, '');
});

test('CLI: `file:///dev/zero` returns at once with a refusal, never reading the device', async () => {
  const p = project('file:///dev/zero');
  let t = Date.now();
  const r = await cliRun(p.root);
  assert.ok(Date.now() - t < 5000, `took ${Date.now() - t} ms`);
  assert.equal(r.code, 2, r.out);
  // Outside the root and not allowed: refused before the disk is touched.
  assert.match(r.out, /`file:\/\/\/dev\/zero` is not read: \/dev\/zero is outside the project root/);
  // Allowed by the config, it is still not a regular file.
  writeFileSync(path.join(p.root, 'prompt-workbench.yaml'), 'fixtures:\n  allow: [/dev/zero]\n');
  t = Date.now();
  const allowed = await cliRun(p.root);
  assert.ok(Date.now() - t < 5000, `took ${Date.now() - t} ms`);
  assert.equal(allowed.code, 2, allowed.out);
  assert.match(allowed.out, /`file:\/\/\/dev\/zero` is not read: it is not a regular file/);
});

test('CLI: a symbolic link inside the project to a file outside it is refused', async () => {
  const p = project('file://data/link.txt');
  symlinkSync(path.join(p.tmp, 'outside.txt'), path.join(p.sub, 'data', 'link.txt'));
  const r = await cliRun(p.root);
  assert.equal(r.code, 2, r.out);
  assert.match(r.out, /`file:\/\/data\/link\.txt` is not read: [^\n]*link\.txt, a symbolic link to [^\n]*outside\.txt, is outside the project root/);
  assert.equal(r.records, '');
  assert.doesNotMatch(r.out, new RegExp(SECRET));
});

test('CLI: a path outside the root named in `fixtures.allow` is read, and a file inside the root always is', async () => {
  const p = project('file://../../outside.txt', 'fixtures:\n  allow: [../outside.txt]\n');
  const r = await cliRun(p.root);
  assert.equal(r.code, 0, r.out);
  assert.match(r.out, new RegExp(`Body: ${SECRET}`));
  const glob = project('file://../../outside.txt', 'fixtures:\n  allow: ["../*.txt"]\n');
  assert.equal((await cliRun(glob.root)).code, 0);
  const inside = project('file://data/inside.txt');
  const ri = await cliRun(inside.root);
  assert.equal(ri.code, 0, ri.out);
  assert.match(ri.records, /Body: inside text/);
});

test('CLI: a file over the size cap (1 MB, or `fixtures.maxFileSize`) is refused with what to do', async () => {
  const p = project('file://data/big.txt');
  writeFileSync(path.join(p.sub, 'data', 'big.txt'), 'x'.repeat(1024 * 1024 + 1));
  const r = await cliRun(p.root);
  assert.equal(r.code, 2, r.out);
  assert.match(r.out, /`file:\/\/data\/big\.txt` is not read: it is larger \(1048577 bytes or more\) than `fixtures\.maxFileSize` \(1048576 bytes\)\. Use a smaller file, or raise `fixtures\.maxFileSize`/);
  writeFileSync(path.join(p.root, 'prompt-workbench.yaml'), 'fixtures:\n  maxFileSize: 2000000\n');
  assert.equal((await cliRun(p.root)).code, 0);
  writeFileSync(path.join(p.sub, 'data', 'small.txt'), 'x'.repeat(200));
  writeFileSync(path.join(p.root, 'prompt-workbench.yaml'), 'fixtures:\n  maxFileSize: 100\n');
  writeFileSync(p.fixture, 'cases:\n  - name: one\n    provider: render\n    vars: file://data/small.yaml\n');
  writeFileSync(path.join(p.sub, 'data', 'small.yaml'), `body: ${'y'.repeat(200)}\n`);
  const whole = await cliRun(p.root);
  assert.equal(whole.code, 2);
  assert.match(whole.out, /`file:\/\/data\/small\.yaml` is not read: it is larger/);
});

/** A Node host whose file reads (and stats and link resolutions) are counted. */
function countingHost(): { host: WorkspaceHost; reads: string[] } {
  const inner = createNodeHost();
  const reads: string[] = [];
  const host: WorkspaceHost = Object.assign(Object.create(inner) as WorkspaceHost, {
    readText: (uri: string) => (reads.push(`readText ${uri}`), inner.readText(uri)),
    readLimited: (uri: string, max: number) => (reads.push(`readLimited ${uri}`), inner.readLimited(uri, max)),
    realPath: (uri: string) => (reads.push(`realPath ${uri}`), inner.realPath(uri)),
    stat: (uri: string) => (reads.push(`stat ${uri}`), inner.stat(uri)),
  });
  return { host, reads };
}

test('untrusted workspace: the preview and the status bar read no file value, and say so; the diagnostics touch nothing', async () => {
  const p = project('file://data/inside.txt');
  const { host, reads } = countingHost();
  const access = fileValueAccess(host, { trusted: false });
  const fixtureUri = pathToFileURL(p.fixture).toString();
  const text = readFileSync(p.fixture, 'utf8');
  const prompt = parseDocument(PROMPT, pathToFileURL(path.join(p.sub, 'p.prompt')).toString());
  const preview = await renderFixtureCase(prompt, { uri: fixtureUri, text }, 'one', guardedReader(access));
  assert.equal(preview.error, undefined);
  assert.equal(preview.messages?.[0].text.trim(), 'Body: [not read: file://data/inside.txt, untrusted workspace]');
  assert.match(formatCaseRendered(preview, 'p.prompt'), /Not read, [^\n]*\n- `body`: `file:\/\/data\/inside\.txt` is not read in an untrusted workspace \(Restricted Mode\)\. Trust the workspace to read it/);
  const counts = await fixtureCaseTokens(prompt, [parseFixtureFile(text, fixtureUri)], {}, guardedReader(access), false);
  assert.equal(counts?.counted, 1);
  assert.deepEqual(counts?.unread, [{ name: 'one', refs: ['data/inside.txt'] }]);
  const diagnostics = await fileValueDiagnostics(parseFixtureFile(text, fixtureUri), access);
  assert.deepEqual(
    diagnostics.map((d) => [d.code, d.severity, text.slice(d.span.start, d.span.end)]),
    [['fixture-file-untrusted', 'info', 'file://data/inside.txt']],
  );
  assert.equal(reads.length, 0, reads.join(', '));
  // Trusted, the same case reads the file (once: through the bounded read).
  const trusted = fileValueAccess(host, { trusted: true });
  const read = await renderFixtureCase(prompt, { uri: fixtureUri, text }, 'one', guardedReader(trusted));
  assert.equal(read.messages?.[0].text.trim(), 'Body: inside text');
  assert.equal(reads.filter((r) => r.startsWith('readLimited')).length, 1);
  assert.equal(reads.filter((r) => r.startsWith('readText')).length, 0);
});

test('at run time a refused value makes the case an error with the same message, and nothing of it is sent or recorded', async () => {
  const p = project('file://../../outside.txt');
  const host = createNodeHost();
  const suite = await loadSuite(pathToFileURL(p.fixture).toString(), pathToFileURL(p.root).toString(), (u) => host.readText(u));
  let sent = 0;
  const render = createRenderProvider();
  const summary = await runTests([suite], {
    providerFor: () => ({ ...render, call: (...args: Parameters<typeof render.call>) => (sent++, render.call(...args)) }),
    concurrency: 1,
    trusted: true,
    readText: guardedReader(fileValueAccess(host, { trusted: true })),
  });
  const [r] = summary.results;
  assert.equal(r.status, 'error');
  assert.match(r.error!.message, /^`file:\/\/\.\.\/\.\.\/outside\.txt` is not read: .*outside\.txt is outside the project root/);
  assert.equal(sent, 0);
  const record = recordLines(summary, { tool: 'prompt-workbench', toolVersion: '0', origin: 'cli' }, () => undefined).join('\n');
  assert.doesNotMatch(record, new RegExp(SECRET));
  const diagnostics = await fileValueDiagnostics(suite.fixture, fileValueAccess(host, { trusted: true }));
  assert.equal(diagnostics.length, 1);
  assert.equal(diagnostics[0].message, r.error!.message);
});

test('the host reads at most the cap plus one byte, and never opens a device, a pipe or a folder for reading', async () => {
  const host = createNodeHost();
  const uri = (p: string) => pathToFileURL(p).toString();
  assert.deepEqual(await host.readLimited(uri('/dev/zero'), 10), { kind: 'not-regular' });
  const tmp = mkdtempSync(path.join(tmpdir(), 'pw-limited-'));
  assert.deepEqual(await host.readLimited(uri(tmp), 10), { kind: 'not-regular' });
  if (process.platform !== 'win32') {
    // A named pipe with no writer: opening it must not wait for one.
    execFileSync('mkfifo', [path.join(tmp, 'pipe')]);
    assert.deepEqual(await host.readLimited(uri(path.join(tmp, 'pipe')), 10), { kind: 'not-regular' });
  }
  writeFileSync(path.join(tmp, 'ten.txt'), '0123456789');
  assert.deepEqual(await host.readLimited(uri(path.join(tmp, 'ten.txt')), 10), { kind: 'text', text: '0123456789' });
  assert.deepEqual(await host.readLimited(uri(path.join(tmp, 'ten.txt')), 9), { kind: 'too-large', size: 10 });
  // procfs reports a size of 0 for a file with content: the read itself stops at the cap.
  if (existsSync('/proc/self/status')) assert.deepEqual(await host.readLimited(uri('/proc/self/status'), 10), { kind: 'too-large', size: 11 });
});
