// The Prompt History view's tree logic (client/src/history/model.ts) in plain node, against real
// git repositories: entries and their labels, lazy summaries per page, paging, the uncommitted
// entry, the two versions each diff command opens (with their contents), and the notices.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { HistoryModel, type CommitNode, type HistoryHost, type HistoryNode, type WorkingNode } from '../../client/src/history/model';
import { NodeGit } from '../../server/src/node/git';
import { summarizeChange } from '../../server/src/service/history';
import { prompt, TempRepo } from '../support/gitRepo';
import { BODIES, fiveCommitRepo, SUBJECTS, VERSIONS } from '../support/historyFixtures';

const o200k: (text: string) => number = require('gpt-tokenizer/encoding/o200k_base').countTokens;
const NOW = Date.parse('2026-01-10T12:00:00Z');

function makeHost(options: { summarizeFails?: boolean } = {}) {
  const calls: number[] = [];
  const changes: (HistoryNode | undefined)[] = [];
  const buffers = new Map<string, string>();
  const host: HistoryHost = {
    git: new NodeGit(),
    summarize: async (pairs) => {
      calls.push(pairs.length);
      if (options.summarizeFails) throw new Error('The language server is not running');
      return pairs.map((p) => summarizeChange(p.before, p.after));
    },
    workingText: async (file) => buffers.get(file) ?? (await readFile(file, 'utf8').catch(() => undefined)),
    isDirty: (file) => buffers.has(file),
    now: () => NOW,
    changed: (node) => changes.push(node),
  };
  return { host, calls, changes, buffers };
}

const commits = (model: HistoryModel) => model.children().filter((n): n is CommitNode => n.kind === 'commit');

test('five commits: one entry each, newest first, with subject, summary, relative date, author and short hash', async () => {
  const { file, hashes } = fiveCommitRepo();
  const { host, calls } = makeHost();
  const model = new HistoryModel(host, { pageSize: 30 });
  await model.setFile(file);
  const nodes = model.children();
  assert.deepEqual(nodes.map((n) => n.kind), ['commit', 'commit', 'commit', 'commit', 'commit'], 'no uncommitted entry, no "Load more"');
  assert.deepEqual(nodes.map((n) => model.item(n).label), [...SUBJECTS].reverse());
  await model.idle();
  assert.deepEqual(calls, [5], 'one summary request for the page');
  const items = nodes.map((n) => model.item(n));
  const delta = o200k(BODIES.SHORT_BODY) - o200k(BODIES.LONG_BODY);
  const short = (i: number) => hashes[i].slice(0, 7);
  assert.equal(items[1].description, `model gpt-4o → gpt-4o-mini, +1 variable, ${delta} tokens · 2 days ago · Ada Lovelace · ${short(3)}`);
  assert.equal(items[2].description, `v1.1.0 · +maxOutputTokens 400 · 3 days ago · Ada Lovelace · ${short(2)}`, 'the version shows when it changed');
  assert.equal(items[3].description, `temperature 0.2 → 0.7 · 4 days ago · Grace Hopper · ${short(1)}`);
  assert.match(items[4].description!, new RegExp(`^created, gpt-4o, \\d+ tokens, 1 variable · 5 days ago · Ada Lovelace · ${short(0)}$`));
  assert.match(items[0].description!, /^v1\.2\.0 · \+1 system message, \+\d+ tokens · 3 hours ago · /);
  // The tooltip: exact date in the author's zone, full hash prefix, every detail.
  const tip = items[2].tooltip!;
  assert.match(tip, /^\*\*Cap the answer length\*\*/);
  assert.ok(tip.includes('2026-01-07 10:30:00 +01:00 (3 days ago)'), tip);
  assert.ok(tip.includes(`\`${hashes[2].slice(0, 10)}\``));
  assert.ok(tip.includes('Version: 1\\.0\\.0 → 1\\.1\\.0'), tip);
  assert.ok(tip.includes('config\\.maxOutputTokens: \\(unset\\) → 400'), tip);
  assert.deepEqual([items[0].icon, items[0].contextValue, items[0].action], ['git-commit', 'commit', 'openDiff']);
  assert.match(model.item(nodes[1]).tooltip!, /Model: openai/);
});

test('summaries are computed lazily: one request per listed page, never for entries not listed', async () => {
  const repo = TempRepo.init();
  for (let i = 0; i < 12; i++) repo.commitFile('p.prompt', prompt('model: openai/gpt-4o', `Revision ${i}\n`), `Commit ${i}`);
  const { host, calls } = makeHost();
  const model = new HistoryModel(host, { pageSize: 5 });
  await model.setFile(repo.path('p.prompt'));
  // The first page is listed before its summaries arrive.
  assert.equal(model.item(model.children()[0]).description?.split(' · ')[0], '…');
  await model.idle();
  assert.deepEqual(calls, [5]);
  let nodes = model.children();
  assert.equal(nodes.length, 6);
  assert.deepEqual(model.item(nodes[5]), { label: 'Load more…', contextValue: 'more', icon: 'ellipsis', action: 'loadMore', tooltip: 'Show the next 5 commits.' });
  await model.loadMore();
  await model.idle();
  assert.deepEqual(calls, [5, 5]);
  nodes = model.children();
  assert.equal(nodes.length, 11);
  assert.ok(nodes.slice(0, 10).every((n) => (n as CommitNode).summary), 'listed entries have summaries');
  await model.loadMore();
  await model.idle();
  assert.deepEqual(calls, [5, 5, 2]);
  assert.deepEqual(commits(model).map((n) => n.entry.subject), Array.from({ length: 12 }, (_, i) => `Commit ${11 - i}`));
  assert.ok(model.children().every((n) => n.kind === 'commit'), 'no "Load more" at the end');
});

test('uncommitted changes come first, from the file on disk or from unsaved edits in an editor', async () => {
  const { repo, file } = fiveCommitRepo();
  const { host, buffers } = makeHost();
  const model = new HistoryModel(host);
  const edited = VERSIONS.v5.replace('temperature: 0.7', 'temperature: 1.0');
  repo.write('prompts/summarize.prompt', edited);
  await model.setFile(file);
  await model.idle();
  const [first] = model.children();
  assert.equal(first.kind, 'working');
  const item = model.item(first);
  assert.equal(item.label, 'Uncommitted changes');
  assert.equal(item.description, 'temperature 0.7 → 1');
  // Click: HEAD against the working copy.
  const diff = model.diffWithWorking(first as WorkingNode);
  assert.equal(diff.left.kind, 'revision');
  assert.equal(diff.right.kind, 'working');
  assert.equal(await model.textOf(diff.left), VERSIONS.v5);
  assert.equal(await model.textOf(diff.right), edited);

  // Unsaved edits only: the file on disk equals HEAD, the editor's buffer does not.
  repo.write('prompts/summarize.prompt', VERSIONS.v5);
  buffers.set(file, VERSIONS.v5.replace('model: openai/gpt-4o-mini', 'model: openai/gpt-4.1'));
  await model.refresh();
  await model.idle();
  const [w] = model.children();
  assert.equal(w.kind, 'working');
  assert.equal(model.item(w).description, 'model gpt-4o-mini → gpt-4.1');
  assert.match(model.item(w).tooltip!, /with unsaved edits/);

  // Further edits: only the uncommitted entry is re-checked; undoing them removes it.
  const listed = commits(model);
  buffers.set(file, VERSIONS.v5.replace('temperature: 0.7', 'temperature: 0.1'));
  await model.refreshWorking();
  assert.equal(model.item(model.children()[0]).description, 'temperature 0.7 → 0.1');
  assert.deepEqual(commits(model), listed, 'the same commit nodes, summaries kept');
  buffers.delete(file);
  await model.refreshWorking();
  assert.equal(model.children()[0].kind, 'commit');
});

test('diff commands: with the working copy, with the previous version, between two selected versions (older on the left)', async () => {
  const { repo, file, hashes } = fiveCommitRepo();
  const { host } = makeHost();
  const model = new HistoryModel(host);
  await model.setFile(file);
  const [n5, n4, , , n1] = commits(model);

  const toWorking = model.diffWithWorking(n4);
  assert.deepEqual(toWorking.left, { kind: 'revision', root: repo.dir, rev: hashes[3], path: 'prompts/summarize.prompt', label: `summarize.prompt (${hashes[3].slice(0, 7)})` });
  assert.deepEqual(toWorking.right, { kind: 'working', file, label: 'summarize.prompt (working copy)' });
  assert.equal(toWorking.title, `summarize.prompt (${hashes[3].slice(0, 7)}) ↔ summarize.prompt (working copy)`);
  assert.equal(await model.textOf(toWorking.left), VERSIONS.v4);

  const previous = model.diffWithPrevious(n4);
  assert.equal(previous.left.kind === 'revision' && previous.left.rev, hashes[2]);
  assert.equal(await model.textOf(previous.left), VERSIONS.v3);
  assert.equal(await model.textOf(previous.right), VERSIONS.v4);

  const first = model.diffWithPrevious(n1);
  assert.equal(first.left.kind, 'empty', 'the first commit added the file');
  assert.equal(await model.textOf(first.left), undefined);

  for (const [a, b] of [
    [n1, n5],
    [n5, n1],
  ]) {
    const between = model.diffBetween(a, b);
    assert.equal(await model.textOf(between.left), VERSIONS.v1);
    assert.equal(await model.textOf(between.right), VERSIONS.v5);
  }
  assert.deepEqual(model.versionsToTest([n4]), model.diffWithWorking(n4));
  assert.equal(model.versionsToTest([]), undefined);
});

test('renamed prompts: each version opens under the name it had, "renamed from" in the description', async () => {
  const repo = TempRepo.init();
  const rest = Array.from({ length: 8 }, (_, i) => `Rule ${i + 1}: keep it short.\n`).join('');
  repo.commitFile('old name.prompt', prompt('model: openai/gpt-4o', `One\n${rest}`), 'Create');
  repo.git('mv', 'old name.prompt', 'nouveau-nom-é.prompt');
  repo.commit('Rename');
  repo.commitFile('nouveau-nom-é.prompt', prompt('model: openai/gpt-4o', `Two\n${rest}`), 'Edit');
  const { host } = makeHost();
  const model = new HistoryModel(host);
  await model.setFile(repo.path('nouveau-nom-é.prompt'));
  await model.idle();
  const [edit, rename, create] = commits(model);
  assert.match(model.item(rename).description!, /^renamed from old name\.prompt · /);
  assert.match(model.item(rename).tooltip!, /Renamed from `old name.prompt` \(100% similar\)/);
  const d = model.diffWithPrevious(rename);
  assert.equal(d.left.kind === 'revision' && d.left.path, 'old name.prompt');
  assert.equal(d.right.kind === 'revision' && d.right.path, 'nouveau-nom-é.prompt');
  assert.equal(await model.textOf(d.left), await model.textOf(d.right));
  assert.match((await model.textOf(model.diffWithWorking(create).left))!, /^---\nmodel: openai\/gpt-4o\n---\nOne/);
  assert.match(model.item(edit).description!, /^text: \+1 -1 lines, same tokens|^[+-]\d+ tokens/);
});

test('notices: no file, not a repository, not committed yet, shallow clone; detached HEAD works', async () => {
  const { host } = makeHost();
  const model = new HistoryModel(host);
  await model.setFile(undefined);
  assert.equal(model.message, 'Open a .prompt file to see its history.');
  assert.deepEqual(model.children(), []);

  const dir = mkdtempSync(path.join(tmpdir(), 'pw-view-not-repo-'));
  writeFileSync(path.join(dir, 'a.prompt'), 'x\n');
  await model.setFile(path.join(dir, 'a.prompt'));
  assert.match(model.message!, /is not in a git repository/);
  assert.deepEqual(model.children(), []);

  const { repo, file } = fiveCommitRepo();
  const fresh = repo.write('prompts/fresh.prompt', prompt('model: openai/gpt-4o\ninput:\n  schema:\n    q: string', 'Answer {{q}}.\n'));
  await model.setFile(fresh);
  await model.idle();
  assert.equal(model.message, 'fresh.prompt is not committed yet: its history starts with its first commit.');
  const [w] = model.children();
  assert.equal(model.item(w).label, 'Not committed yet');
  assert.match(model.item(w).description!, /^created, gpt-4o, \d+ tokens, 1 variable$/);
  assert.equal(model.diffWithWorking(w as WorkingNode).left.kind, 'empty');

  const clone = TempRepo.clone(repo, ['--depth', '3']);
  await model.setFile(clone.path('prompts/summarize.prompt'));
  await model.idle();
  assert.match(model.message!, /shallow clone: history older than its first commit is missing.*git fetch --unshallow/);
  const list = commits(model);
  const oldest = list[list.length - 1];
  assert.equal(oldest.entry.truncated, true);
  assert.match(model.item(oldest).description!, /^oldest commit in this shallow clone · /);
  assert.equal(model.diffWithPrevious(oldest).left.label, 'summarize.prompt (parent missing: shallow clone)');

  repo.git('checkout', '-q', '--detach', 'HEAD~2');
  await model.setFile(file);
  assert.equal(model.message, undefined);
  assert.equal(model.repo?.branch, undefined);
  assert.deepEqual(commits(model).map((c) => c.entry.subject), SUBJECTS.slice(0, 4).reverse());
});

test('a newer file wins over a slower load, and a failing summary says so instead of hanging', async () => {
  const a = fiveCommitRepo();
  const b = TempRepo.init();
  b.commitFile('b.prompt', prompt('model: openai/gpt-4o', 'B\n'), 'Only B');
  const { host } = makeHost();
  const model = new HistoryModel(host);
  const first = model.setFile(a.file);
  const second = model.setFile(b.path('b.prompt'));
  await Promise.all([first, second]);
  await model.idle();
  assert.deepEqual(commits(model).map((c) => c.entry.subject), ['Only B']);

  const failing = makeHost({ summarizeFails: true });
  const m2 = new HistoryModel(failing.host);
  await m2.setFile(a.file);
  await m2.idle();
  const item = m2.item(m2.children()[0]);
  assert.match(item.description!, /^summary unavailable · /);
  assert.match(item.tooltip!, /could not be computed/);
});
