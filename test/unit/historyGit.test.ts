// Prompt history over real git repositories in temporary folders: entries, renames, branches and
// merges, summaries, file contents at revisions, and the unusual cases (shallow clone, detached
// HEAD, not a repository, not committed, ignored, git missing, odd paths and subjects).
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { NodeGit } from '../../server/src/node/git';
import { describeChange, fileAtRevision, GitError, readFullHistory, readHistoryPage, summarizeEntries, defaultRevisions } from '../../server/src/service/history';
import { prompt, TempRepo } from '../support/gitRepo';
import { BODIES, fiveCommitRepo, SUBJECTS, VERSIONS } from '../support/historyFixtures';

const o200k: (text: string) => number = require('gpt-tokenizer/encoding/o200k_base').countTokens;
const git = new NodeGit();

test('a prompt with five commits: entries newest first, only the commits that touched it, with authors, dates and blobs', async () => {
  const { repo, file, hashes } = fiveCommitRepo();
  const info = await git.repository(file);
  assert.equal(info.path, 'prompts/summarize.prompt');
  assert.equal(info.branch, 'main');
  assert.equal(info.shallow, false);
  assert.equal(info.head, repo.head());
  const entries = await readFullHistory(git, info);
  assert.deepEqual(entries.map((e) => e.subject), [...SUBJECTS].reverse());
  assert.deepEqual(entries.map((e) => e.hash), [...hashes].reverse());
  assert.deepEqual(entries.map((e) => e.authorName), ['Ada Lovelace', 'Ada Lovelace', 'Ada Lovelace', 'Grace Hopper', 'Ada Lovelace']);
  // Fixed dates: one day apart, in the author's +01:00 zone.
  assert.equal(entries[4].authorDate, '2026-01-05T10:30:00+01:00');
  assert.deepEqual(entries.map((e) => e.change), ['M', 'M', 'M', 'M', 'A']);
  assert.equal(entries[4].previousBlob, undefined);
  assert.equal(entries[0].previousBlob, entries[1].blob, 'each commit starts from the previous version');
  assert.equal(repo.git('cat-file', 'blob', entries[2].blob!), VERSIONS.v3);
});

test('summaries say what changed in prompt terms: parameters, version, model, variables, messages, tokens', async () => {
  const { file } = fiveCommitRepo();
  const info = await git.repository(file);
  const entries = await readFullHistory(git, info);
  const [s5, s4, s3, s2, s1] = await summarizeEntries(git, info, entries);
  assert.equal(s1.kind, 'added');
  assert.equal(describeChange(s1), `created, gpt-4o, ${s1.after!.tokens} tokens, 1 variable`);
  assert.equal(s1.after!.tokens, o200k(BODIES.LONG_BODY) + 7, 'one user message: content + 3 + "user" + 3 to prime the reply');

  assert.deepEqual(s2.parameters, [{ key: 'temperature', path: 'config.temperature', from: '0.2', to: '0.7' }]);
  assert.equal(s2.tokenDelta, 0);
  assert.equal(describeChange(s2), 'temperature 0.2 → 0.7');

  assert.deepEqual(s3.version, { from: '1.0.0', to: '1.1.0' });
  assert.deepEqual(s3.parameters, [{ key: 'maxOutputTokens', path: 'config.maxOutputTokens', from: undefined, to: '400' }]);
  assert.equal(describeChange(s3), '+maxOutputTokens 400');

  const delta = o200k(BODIES.SHORT_BODY) - o200k(BODIES.LONG_BODY);
  assert.ok(delta < -40);
  assert.deepEqual(s4.model, { from: 'openai/gpt-4o', to: 'openai/gpt-4o-mini' });
  assert.deepEqual(s4.variables, { added: ['tone'], removed: [] });
  assert.equal(s4.tokenDelta, delta);
  assert.equal(describeChange(s4, { arrow: '->' }), `model gpt-4o -> gpt-4o-mini, +1 variable, ${delta} tokens`);

  assert.deepEqual(s5.messages, [{ role: 'system', delta: 1 }]);
  assert.deepEqual(s5.version, { from: '1.1.0', to: '1.2.0' });
  assert.match(describeChange(s5), /^\+1 system message, \+\d+ tokens$/);
});

test('renames are followed through several names, with spaces and non-ASCII characters', async () => {
  const repo = TempRepo.init();
  // Enough unchanged lines that git sees a rename with an edit as a rename (over 50% similar).
  const rest = Array.from({ length: 8 }, (_, i) => `Rule ${i + 1}: answer in plain words and cite the source.\n`).join('');
  const v = (first: string) => prompt('model: openai/gpt-4o', `${first}\n${rest}`);
  repo.commitFile('a.prompt', v('Version one of the prompt.'), 'Create a.prompt');
  repo.commitFile('a.prompt', v('Version two of the prompt.'), 'Edit a.prompt');
  repo.git('mv', 'a.prompt', 'b c.prompt');
  repo.commit('Rename to "b c.prompt"');
  repo.write('b c.prompt', v('Version three of the prompt.'));
  repo.commit('Edit b c.prompt');
  repo.write('deep/dir/x', 'keep the folder\n');
  repo.git('mv', 'b c.prompt', 'deep/dir/ünïcødé 名前.prompt');
  repo.write('deep/dir/ünïcødé 名前.prompt', v('Version three of the prompt, slightly edited.'));
  repo.commit('Move and edit at once');
  repo.git('mv', 'deep/dir/ünïcødé 名前.prompt', 'final name.prompt');
  repo.commit('Rename again');

  const info = await git.repository(repo.path('final name.prompt'));
  const entries = await readFullHistory(git, info);
  assert.deepEqual(
    entries.map((e) => [e.subject, e.change, e.previousPath, e.path]),
    [
      ['Rename again', 'R', 'deep/dir/ünïcødé 名前.prompt', 'final name.prompt'],
      ['Move and edit at once', 'R', 'b c.prompt', 'deep/dir/ünïcødé 名前.prompt'],
      ['Edit b c.prompt', 'M', 'b c.prompt', 'b c.prompt'],
      ['Rename to "b c.prompt"', 'R', 'a.prompt', 'b c.prompt'],
      ['Edit a.prompt', 'M', 'a.prompt', 'a.prompt'],
      ['Create a.prompt', 'A', undefined, 'a.prompt'],
    ],
  );
  assert.equal(entries[0].similarity, 100);
  assert.ok(entries[1].similarity! < 100);
  // The file at each commit, under the name it had there.
  assert.match((await git.show(info.root, entries[4].hash, entries[4].path))!, /Version two/);
  assert.equal(await git.show(info.root, entries[4].hash, 'final name.prompt'), undefined);
  const old = await fileAtRevision(git, info, `${entries[4].hash}`);
  assert.equal(old.path, 'a.prompt');
  assert.match(old.text, /Version two/);
  const summaries = await summarizeEntries(git, info, entries);
  assert.equal(summaries[0].kind, 'unchanged', 'a pure rename changes no text');
  assert.deepEqual(summaries[1].lines, { added: 1, removed: 1 });
  assert.equal(summaries[5].kind, 'added');
});

test('branches and merges: commits from both sides, and a merge that resolved a conflict, compared with its first parent', async () => {
  const repo = TempRepo.init();
  const base = prompt('model: openai/gpt-4o\nconfig:\n  temperature: 0.2', 'Line one.\nLine two.\n');
  repo.commitFile('p.prompt', base, 'Base');
  repo.git('checkout', '-q', '-b', 'feature');
  repo.commitFile('p.prompt', base.replace('temperature: 0.2', 'temperature: 0.9'), 'Feature: hotter');
  repo.git('checkout', '-q', 'main');
  repo.commitFile('p.prompt', base.replace('Line two.', 'Line two, on main.'), 'Main: edit line two');
  repo.commitFile('notes.txt', 'unrelated\n', 'Unrelated on main');
  assert.equal(repo.merge('feature', 'Merge feature').conflicted, false);
  // A second branch that conflicts with main.
  repo.git('checkout', '-q', '-b', 'conflict', 'HEAD~1');
  repo.commitFile('p.prompt', base.replace('temperature: 0.2', 'temperature: 0.5').replace('Line two.', 'Line two, on conflict.'), 'Conflict: edit line two');
  repo.git('checkout', '-q', 'main');
  assert.equal(repo.merge('conflict', 'Merge conflict').conflicted, true);
  const resolved = prompt('model: openai/gpt-4o-mini\nconfig:\n  temperature: 0.9', 'Line one.\nLine two, resolved.\n');
  repo.write('p.prompt', resolved);
  repo.commit('Merge conflict, resolved');

  const info = await git.repository(repo.path('p.prompt'));
  const entries = await readFullHistory(git, info);
  const subjects = entries.map((e) => e.subject);
  for (const s of ['Merge conflict, resolved', 'Merge feature', 'Feature: hotter', 'Main: edit line two', 'Conflict: edit line two', 'Base']) assert.ok(subjects.includes(s), `${s} in ${subjects.join(' | ')}`);
  assert.ok(!subjects.includes('Unrelated on main'));
  assert.equal(subjects[0], 'Merge conflict, resolved');
  assert.equal(entries[0].parents.length, 2);
  const [merge] = await summarizeEntries(git, info, [entries[0]]);
  // Against the first parent (main before the merge: temperature 0.9 from the feature merge).
  assert.deepEqual(merge.model, { from: 'openai/gpt-4o', to: 'openai/gpt-4o-mini' });
  assert.deepEqual(merge.parameters, []);
  assert.deepEqual(merge.lines, { added: 2, removed: 2 });
});

test('a shallow clone says its history is truncated and marks its oldest commit', async () => {
  const { repo } = fiveCommitRepo();
  const clone = TempRepo.clone(repo, ['--depth', '2']);
  const info = await git.repository(clone.path('prompts/summarize.prompt'));
  assert.equal(info.shallow, true);
  assert.equal(info.shallowCommits.length, 1);
  const page = await readHistoryPage(git, info, 0, 10);
  // Depth 2 holds v5 and the commit before it, which did not touch the prompt: without its parent,
  // git shows it as adding the file. That is why the oldest commit is marked truncated.
  assert.deepEqual(page.entries.map((e) => [e.subject, e.change, e.truncated]), [
    ['Add a system message', 'M', false],
    ['Another prompt', 'A', true],
  ]);
  assert.equal(page.more, false);
});

test('a detached HEAD works: the history is the one of the checked-out commit', async () => {
  const { repo, file } = fiveCommitRepo();
  repo.git('checkout', '-q', '--detach', 'HEAD~3');
  const info = await git.repository(file);
  assert.equal(info.branch, undefined);
  const entries = await readFullHistory(git, info);
  assert.deepEqual(entries.map((e) => e.subject), ['Cap the answer length', 'Warmer answers', 'Add the summarize prompt']);
});

test('a folder that is not a repository, a missing git and a missing folder give clear errors', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'pw-not-a-repo-'));
  const file = path.join(dir, 'x.prompt');
  writeFileSync(file, prompt('model: openai/gpt-4o', 'Hi\n'));
  await assert.rejects(git.repository(file), (e: unknown) => e instanceof GitError && e.kind === 'not-a-repository' && /is not in a git repository/.test(e.message) && /git init/.test(e.message));
  const missing = new NodeGit({ gitPath: path.join(dir, 'no-such-git') });
  await assert.rejects(missing.repository(file), (e: unknown) => e instanceof GitError && e.kind === 'git-missing' && /not installed or not on PATH/.test(e.message));
  await assert.rejects(git.repository(path.join(dir, 'no', 'such', 'folder', 'x.prompt')), (e: unknown) => e instanceof GitError && /does not exist/.test(e.message));
});

test('a file not committed yet, an ignored file, uncommitted changes and an empty repository', async () => {
  const { repo, file } = fiveCommitRepo();
  const fresh = repo.write('prompts/new.prompt', prompt('model: openai/gpt-4o', 'Brand new.\n'));
  const info = await git.repository(fresh);
  assert.deepEqual(await git.status(info.root, info.path), { state: 'untracked', code: '??' });
  assert.deepEqual((await readHistoryPage(git, info, 0, 10)).entries, []);
  await assert.rejects(fileAtRevision(git, info, 'HEAD'), (e: unknown) => e instanceof GitError && e.kind === 'not-found');
  await assert.rejects(fileAtRevision(git, info, 'no-such-branch'), (e: unknown) => e instanceof GitError && e.kind === 'bad-revision' && /"no-such-branch" is not a commit/.test(e.message));

  repo.write('.gitignore', 'ignored/\n');
  const ignored = repo.write('ignored/x.prompt', 'x\n');
  const ii = await git.repository(ignored);
  assert.equal((await git.status(ii.root, ii.path)).state, 'ignored');

  const main = await git.repository(file);
  assert.equal((await git.status(main.root, main.path)).state, 'clean');
  repo.write('prompts/summarize.prompt', VERSIONS.v5.replace('careful editor', 'meticulous editor'));
  assert.deepEqual(await git.status(main.root, main.path), { state: 'modified', code: ' M' });
  const d = await defaultRevisions(git, main, await git.status(main.root, main.path));
  assert.equal(d.a?.subject, 'Add a system message');
  assert.equal(d.b, undefined, 'the working copy');

  const empty = TempRepo.init();
  const e = await git.repository(empty.write('p.prompt', 'x\n'));
  assert.equal(e.head, undefined);
  assert.deepEqual(await readHistoryPage(git, e, 0, 10), { entries: [], more: false });
});

test('odd commit subjects and authors parse exactly (quotes, tabs, separators, non-ASCII, empty)', async () => {
  const repo = TempRepo.init();
  const subjects = ['Quote "this" | pipe; semi \\ backslash', 'Tab\there and %x00 literal', 'Unicode: 日本語 ✓ émoji 🎉', '\u001e record separator \u001f unit separator', ':100644 looks like a raw line'];
  subjects.forEach((s, i) => repo.commitFile('p.prompt', `---\nmodel: openai/gpt-4o\n---\nv${i}\n`, s, { author: i === 2 ? 'Zoë Ünïcode' : undefined }));
  repo.write('p.prompt', '---\nmodel: openai/gpt-4o\n---\nlast\n');
  repo.git('add', '-A');
  repo.git('commit', '-q', '--allow-empty-message', '-m', '');
  const info = await git.repository(repo.path('p.prompt'));
  const entries = await readFullHistory(git, info);
  assert.deepEqual(entries.map((e) => e.subject), ['', ...[...subjects].reverse()]);
  assert.equal(entries[3].authorName, 'Zoë Ünïcode');
  assert.ok(entries.every((e) => e.path === 'p.prompt' && /^[0-9a-f]{40}$/.test(e.hash)));
});

test('pages: skip and limit over a long history with other commits in between, no overlap, "more" until the end', async () => {
  const repo = TempRepo.init();
  for (let i = 0; i < 12; i++) {
    repo.commitFile('p.prompt', `---\nmodel: openai/gpt-4o\n---\nRevision ${i}\n`, `Commit ${i}`);
    // Commits that do not touch the prompt must not count for paging (git's --skip would count them).
    for (let k = 0; k < 2; k++) repo.commitFile(`other${k}.txt`, `${i}\n`, `Other ${i}.${k}`);
  }
  const info = await git.repository(repo.path('p.prompt'));
  const p1 = await readHistoryPage(git, info, 0, 5);
  const p2 = await readHistoryPage(git, info, 5, 5);
  const p3 = await readHistoryPage(git, info, 10, 5);
  assert.deepEqual([p1.more, p2.more, p3.more], [true, true, false]);
  assert.deepEqual([...p1.entries, ...p2.entries, ...p3.entries].map((e) => e.subject), Array.from({ length: 12 }, (_, i) => `Commit ${11 - i}`));
  const blobs = await git.readBlobs(info.root, [p1.entries[0].blob!, p3.entries[1].blob!, 'f'.repeat(40)]);
  assert.equal(blobs.get(p1.entries[0].blob!), '---\nmodel: openai/gpt-4o\n---\nRevision 11\n');
  assert.equal(blobs.get(p3.entries[1].blob!), '---\nmodel: openai/gpt-4o\n---\nRevision 0\n');
  assert.equal(blobs.size, 2, 'a missing object is left out');
});
