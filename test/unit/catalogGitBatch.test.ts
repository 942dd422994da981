// The lifecycle rules' git work, batched: per repository one `git status` and one long-lived
// `git cat-file --batch`, whatever the number of rows. Real repositories in temporary folders; the
// previous texts are compared with the row-by-row answers (a git without the batched methods:
// `repository`, `status`, `show` per row), and the git processes are counted through a git program
// that writes a line per start before running the real git.
import assert from 'node:assert/strict';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, test } from 'node:test';
import { createNodeHost } from '../../server/src/node/host';
import { catalog as cat, lint, type WorkspaceHost } from '../../server/src/service';
import type { Git } from '../../server/src/service/history/git';
import { CatFileBatchReader, parseStatuses } from '../../server/src/service/history/parse';
import { git, TempRepo } from '../support/gitRepo';

const released = (version: string, body: string) => `---\nversion: ${version}\nmetadata:\n  status: released\n---\n${body}`;

let repo: TempRepo;
let empty: TempRepo;
let other: TempRepo;
let outside: string;
let bin: string;
const countLog = () => path.join(bin, 'starts.log');

/** A git program that notes each start (its arguments) and runs the real git. */
function countingGit(): string {
  const file = path.join(bin, 'git');
  writeFileSync(file, `#!/bin/sh\nprintf '%s\\n' "$*" >> '${countLog()}'\nexec git "$@"\n`);
  chmodSync(file, 0o755);
  return file;
}

function starts(): string[] {
  return existsSync(countLog()) ? readFileSync(countLog(), 'utf8').split('\n').filter(Boolean) : [];
}

before(() => {
  bin = mkdtempSync(path.join(tmpdir(), 'pw-gitbatch-bin-'));
  repo = TempRepo.init('pw-gitbatch-');
  repo.write('prompts/committed.prompt', released('1', 'Hello\n'));
  repo.write('prompts/edited.prompt', released('1', 'Hi\n'));
  repo.write('prompts/with space é.prompt', released('2', 'Bonjour\n'));
  repo.write('prompts/new\nline.prompt', released('1', 'Two lines\n'));
  repo.write('prompts/old name.prompt', released('1', 'Renamed soon\n'));
  repo.write('prompts/unstaged.prompt', released('1', 'Unstaged\n'));
  repo.write('other/deep/far.prompt', released('1', 'Far\n'));
  repo.commit('first');
  // A second revision: committed.prompt changes without a version bump (clean: compared with HEAD~1).
  repo.write('prompts/committed.prompt', released('1', 'Hello, world\n'));
  repo.write('other/deep/far.prompt', released('1', 'Far away\n'));
  repo.commit('second');
  repo.write('prompts/committed.prompt', released('1', 'Hello, world!\n'));
  repo.commit('third');
  // Working-tree changes: modified, renamed (staged), removed from the index but kept, untracked.
  repo.write('prompts/edited.prompt', released('1', 'Hi there\n'));
  repo.write('prompts/with space é.prompt', released('2', 'Bonjour à tous\n'));
  repo.write('prompts/new\nline.prompt', released('1', 'Two lines, changed\n'));
  repo.git('mv', 'prompts/old name.prompt', 'prompts/renamed.prompt');
  repo.git('rm', '-q', '--cached', 'prompts/unstaged.prompt');
  repo.write('prompts/untracked.prompt', released('1', 'New\n'));
  // A nested repository with two revisions of its own.
  repo.git('init', '-q', '-b', 'main', 'nested');
  const inner = repo.path('nested');
  for (const args of [['config', 'user.name', 'Ada Lovelace'], ['config', 'user.email', 'ada@example.com']]) git(inner, args);
  repo.write('nested/inner.prompt', released('3', 'Inner\n'));
  git(inner, ['add', '-A']);
  git(inner, ['commit', '-q', '-m', 'inner first']);
  repo.write('nested/inner.prompt', released('3', 'Inner, changed\n'));
  git(inner, ['commit', '-q', '-am', 'inner second']);
  // A folder of another repository, reached through a symbolic link inside this one.
  other = TempRepo.init('pw-gitbatch-other-');
  other.commitFile('sub/o.prompt', released('1', 'Other\n'), 'other first');
  other.commitFile('sub/o.prompt', released('1', 'Other, changed\n'), 'other second');
  symlinkSync(other.path('sub'), repo.path('linked'));
  // A repository without commits, and a folder outside any repository.
  empty = TempRepo.init('pw-gitbatch-empty-');
  empty.write('fresh.prompt', released('1', 'Fresh\n'));
  outside = mkdtempSync(path.join(tmpdir(), 'pw-gitbatch-outside-'));
  writeFileSync(path.join(outside, 'loose.prompt'), released('1', 'Loose\n'));
});

after(() => {
  for (const d of [repo.dir, empty.dir, other.dir, outside, bin]) rmSync(d, { recursive: true, force: true });
});

/** The host over the repository (and the other folders), with a git that has only the row-by-row methods when `rowByRow`. */
function hostOf(options: { rowByRow?: boolean; gitPath?: string; roots?: string[] } = {}): WorkspaceHost {
  const host = createNodeHost({ roots: (options.roots ?? [repo.dir, empty.dir, outside]).map((d) => pathToFileURL(d).toString()), git: options.gitPath ? { gitPath: options.gitPath } : undefined });
  if (!options.rowByRow) return host;
  const g = host.git;
  const basic: Git = { repository: (f) => g.repository(f), log: (r, p, o) => g.log(r, p, o), readBlobs: (r, i) => g.readBlobs(r, i), show: (r, v, p) => g.show(r, v, p), resolve: (r, v) => g.resolve(r, v), status: (r, p) => g.status(r, p) };
  return Object.defineProperty(Object.create(host) as WorkspaceHost, 'git', { value: basic });
}

const ALL = () => [
  'prompts/committed.prompt',
  'prompts/edited.prompt',
  'prompts/with space é.prompt',
  'prompts/new\nline.prompt',
  'prompts/renamed.prompt',
  'prompts/unstaged.prompt',
  'prompts/untracked.prompt',
  'other/deep/far.prompt',
  'nested/inner.prompt',
  'linked/o.prompt',
].map((rel) => repo.path(rel)).concat([path.join(empty.dir, 'fresh.prompt'), path.join(outside, 'loose.prompt')]);

async function previousTexts(host: WorkspaceHost, files: string[], base?: string, announced?: string[]): Promise<Map<string, string | undefined>> {
  const catalog = await cat.loadCatalog(host, repo.dir, { files: files.map((f) => pathToFileURL(f).toString()), tokens: false });
  const ws = cat.hostLifecycleWorkspace(host, catalog, { base, uris: announced?.map((f) => pathToFileURL(f).toString()) });
  const out = new Map<string, string | undefined>();
  try {
    for (const e of catalog.entries()) out.set(path.relative(repo.dir, cat.toPath(e.uri)), (await ws.previousText(e).catch(() => undefined))?.text);
  } finally {
    ws.close?.();
  }
  assert.equal(out.size, files.length, 'every file is a row');
  return out;
}

test('previous texts: batched answers are the row-by-row ones, for every kind of row', async () => {
  const batched = await previousTexts(hostOf(), ALL());
  const rowByRow = await previousTexts(hostOf({ rowByRow: true }), ALL());
  assert.deepEqual([...batched], [...rowByRow]);
  // And what they are: clean rows against HEAD~1, changed rows against HEAD, none without one.
  const at = (rel: string) => batched.get(rel);
  assert.equal(at('prompts/committed.prompt'), released('1', 'Hello, world\n'));
  assert.equal(at('prompts/edited.prompt'), released('1', 'Hi\n'));
  assert.equal(at('prompts/with space é.prompt'), released('2', 'Bonjour\n'));
  assert.equal(at('prompts/new\nline.prompt'), released('1', 'Two lines\n'));
  assert.equal(at('prompts/renamed.prompt'), undefined, 'a renamed file has no previous text under its new name');
  assert.equal(at('prompts/unstaged.prompt'), released('1', 'Unstaged\n'), 'removed from the index: compared with HEAD');
  assert.equal(at('prompts/untracked.prompt'), undefined);
  assert.equal(at('other/deep/far.prompt'), released('1', 'Far away\n'), 'unchanged by the third commit: HEAD~1 has the same text');
  assert.equal(at('nested/inner.prompt'), released('3', 'Inner\n'), 'the nested repository answers for its own file');
  assert.equal(at('linked/o.prompt'), released('1', 'Other\n'), 'through a symbolic link: the repository where it leads');
  assert.equal(at(path.relative(repo.dir, path.join(empty.dir, 'fresh.prompt'))), undefined);
  assert.equal(at(path.relative(repo.dir, path.join(outside, 'loose.prompt'))), undefined);
});

test('previous texts: rows announced (git status of their folder only), and rows asked beyond them', async () => {
  const rowByRow = await previousTexts(hostOf({ rowByRow: true }), ALL());
  for (const announced of [[repo.path('prompts/edited.prompt')], [repo.path('other/deep/far.prompt'), repo.path('prompts/committed.prompt')], ALL()]) {
    rmSync(countLog(), { force: true });
    const batched = await previousTexts(hostOf({ gitPath: countingGit() }), ALL(), undefined, announced);
    assert.deepEqual([...batched], [...rowByRow], announced.join(', '));
    const statuses = starts().filter((c) => / status /.test(c));
    // One announced row: its folder first; the rows asked beyond it then take the whole tree.
    if (announced.length === 1) assert.ok(statuses.some((c) => c.endsWith(' -- prompts/')) && statuses.some((c) => c.endsWith('--untracked-files=all')), statuses.join('\n'));
    if (announced.length === 2) assert.ok(statuses.every((c) => !c.includes(' -- prompts/')), statuses.join('\n'));
  }
});

test('previous texts: an explicit base revision, and one that names no commit', async () => {
  const first = repo.git('rev-list', '--max-parents=0', 'HEAD').trim();
  for (const base of [first, 'HEAD~2', 'no-such-rev', '-x', 'HEAD:prompts']) {
    const batched = await previousTexts(hostOf(), ALL(), base);
    assert.deepEqual([...batched], [...(await previousTexts(hostOf({ rowByRow: true }), ALL(), base))], base);
    if (base === first) assert.equal(batched.get('prompts/committed.prompt'), released('1', 'Hello\n'));
    if (base === 'no-such-rev') assert.ok([...batched.values()].every((t) => t === undefined));
  }
});

test('lifecycle findings: the same findings, at the same places, batched or row by row', async () => {
  const findings = async (host: WorkspaceHost) => {
    const catalog = await cat.loadCatalog(host, repo.dir, { files: ALL().map((f) => pathToFileURL(f).toString()), tokens: false });
    const ws = cat.hostLifecycleWorkspace(host, catalog);
    try {
      return (await cat.lifecycleFindings(catalog, ws, { lint: lint.resolveLintConfig(lint.RULES) })).map((f) => `${path.basename(cat.toPath(f.uri))} ${f.rule} ${f.diagnostic.range.start.line}:${f.diagnostic.range.start.character}-${f.diagnostic.range.end.line}:${f.diagnostic.range.end.character}`);
    } finally {
      ws.close?.();
    }
  };
  const batched = await findings(hostOf());
  assert.deepEqual(batched, await findings(hostOf({ rowByRow: true })));
  const unversioned = batched.filter((f) => f.includes('lifecycle-unversioned-change')).sort();
  // The version's value (`1` on line 2, characters 9-10) is where the finding points.
  assert.deepEqual(unversioned, ['committed.prompt lifecycle-unversioned-change 1:9-1:10', 'edited.prompt lifecycle-unversioned-change 1:9-1:10', 'inner.prompt lifecycle-unversioned-change 1:9-1:10', 'new\nline.prompt lifecycle-unversioned-change 1:9-1:10', 'o.prompt lifecycle-unversioned-change 1:9-1:10', 'with space é.prompt lifecycle-unversioned-change 1:9-1:10']);
});

test('git processes: 50 rows in several folders of one repository start at most 4', async () => {
  const many = TempRepo.init('pw-gitbatch-many-');
  try {
    for (let i = 0; i < 50; i++) many.write(`prompts/team${i % 5}/p${i}.prompt`, released('1', `Prompt ${i}\n`));
    many.commit('first');
    for (let i = 0; i < 50; i += 2) many.write(`prompts/team${i % 5}/p${i}.prompt`, released('1', `Prompt ${i}, changed\n`));
    many.commit('second');
    for (let i = 0; i < 50; i += 5) many.write(`prompts/team${i % 5}/p${i}.prompt`, released('1', `Prompt ${i}, edited\n`));
    rmSync(countLog(), { force: true });
    const host = hostOf({ gitPath: countingGit(), roots: [many.dir] });
    const catalog = await cat.loadCatalog(host, many.dir, { tokens: false });
    assert.equal(catalog.size, 50);
    const ws = cat.hostLifecycleWorkspace(host, catalog);
    let found;
    try {
      found = await cat.lifecycleFindings(catalog, ws, { lint: lint.resolveLintConfig(lint.RULES) });
    } finally {
      ws.close?.();
    }
    const counted = starts();
    assert.ok(counted.length <= 4, `git started ${counted.length} times:\n${counted.join('\n')}`);
    assert.deepEqual(counted.map((c) => c.split(' ').find((w) => !w.startsWith('-') && !w.includes('='))), ['rev-parse', 'status', 'cat-file']);
    // Every changed row is found: the 25 committed changes (vs HEAD~1) and the 10 edits (vs HEAD), 30 files in all.
    const rows = new Set(found.filter((f) => f.rule === 'lifecycle-unversioned-change').map((f) => path.basename(cat.toPath(f.uri))));
    const expected = new Set<string>();
    for (let i = 0; i < 50; i++) if (i % 2 === 0 || i % 5 === 0) expected.add(`p${i}.prompt`);
    assert.deepEqual([...rows].sort(), [...expected].sort());
  } finally {
    many.remove();
  }
});

test('git missing from PATH: no previous texts, no failure', async () => {
  const batched = await previousTexts(hostOf({ gitPath: path.join(bin, 'no-such-git') }), ALL());
  assert.ok([...batched.values()].every((t) => t === undefined));
});

test('parseStatuses: first entry per path, rename sources deleted, folder entries cover their files', async () => {
  const s = parseStatuses(['R  new name.prompt', 'old name.prompt', ' M a/b.prompt', '?? a/b.prompt', '!! build/', '?? é\nx.prompt', ''].join('\0'));
  assert.deepEqual(s.of('new name.prompt'), { state: 'renamed', code: 'R ' });
  assert.deepEqual(s.of('old name.prompt'), { state: 'deleted', code: 'D ' });
  assert.deepEqual(s.of('a/b.prompt'), { state: 'modified', code: ' M' });
  assert.deepEqual(s.of('build/x/y.prompt'), { state: 'ignored', code: '!!' });
  assert.deepEqual(s.of('é\nx.prompt'), { state: 'untracked', code: '??' });
  assert.deepEqual(s.of('a/c.prompt'), { state: 'clean', code: '' });
});

test('CatFileBatchReader: answers split anywhere across chunks, missing objects, empty blobs', () => {
  const bytes = new TextEncoder().encode('HEAD~1^{commit} missing\nabc123 blob 5\nhé\n\n\nabc124 blob 0\n\nx:y missing\n');
  for (let cut = 0; cut <= bytes.length; cut++) {
    for (const step of [1, 3, 7, bytes.length]) {
      const reader = new CatFileBatchReader();
      const answers = [];
      answers.push(...reader.push(bytes.slice(0, cut)));
      for (let i = cut; i < bytes.length; i += step) answers.push(...reader.push(bytes.slice(i, i + step)));
      assert.deepEqual(
        answers.map((a) => (a ? `${a.oid} ${a.type} ${JSON.stringify(new TextDecoder().decode(a.content))}` : 'missing')),
        ['missing', 'abc123 blob "hé\\n\\n"', 'abc124 blob ""', 'missing'],
        `cut ${cut}, step ${step}`,
      );
      assert.equal(reader.buffered, 0);
    }
  }
});
