// `prompt-workbench diff <prompt> [rev-a] [rev-b] [--json]` on real git repositories, in-process
// and through the built CLI bundle.
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import type { DiffResult } from '../../server/src/cli/diff';
import { prompt, TempRepo } from '../support/gitRepo';
import { BODIES, fiveCommitRepo, VERSIONS } from '../support/historyFixtures';
import { runCli } from '../support/cli';

const o200k: (text: string) => number = require('gpt-tokenizer/encoding/o200k_base').countTokens;
const CLI = path.resolve(__dirname, '..', '..', 'dist', 'cli.js');

const run = (args: string[], cwd: string) => runCli(args, cwd);

test('diff without revisions on a clean file: the last commit against the one before it', async () => {
  const { repo, hashes } = fiveCommitRepo();
  const r = await run(['diff', 'prompts/summarize.prompt'], repo.dir);
  assert.equal(r.code, 0, r.stderr);
  const lines = r.stdout.split('\n');
  assert.equal(lines[0], 'prompts/summarize.prompt');
  assert.equal(lines[1], `  A: ${hashes[3].slice(0, 7)} "Switch to mini, add a tone" (Ada Lovelace, 2026-01-08)`);
  assert.equal(lines[2], `  B: ${hashes[4].slice(0, 7)} "Add a system message" (Ada Lovelace, 2026-01-10)`);
  assert.equal(lines[3], '  (default: the last commit that touched the file against the one before it)');
  assert.match(r.stdout, /\n {2}\+1 system message, \+\d+ tokens\n\n {2}Version: 1\.1\.0 -> 1\.2\.0\n {2}Added 1 system message \(0 -> 1\)\n/);
});

test('diff with revisions, with the working copy, and as JSON', async () => {
  const { repo, hashes } = fiveCommitRepo();
  const r = await run(['diff', 'prompts/summarize.prompt', 'HEAD~3', 'HEAD~2', '--json'], repo.dir);
  assert.equal(r.code, 0, r.stderr);
  const json = JSON.parse(r.stdout) as DiffResult;
  // HEAD~3 is "Cap the answer length", HEAD~2 "Switch to mini, add a tone" (HEAD~1 touched another file).
  assert.equal(json.a.commit, hashes[2]);
  assert.equal(json.b.commit, hashes[3]);
  assert.equal(json.a.rev, 'HEAD~3');
  assert.deepEqual(json.summary.model, { from: 'openai/gpt-4o', to: 'openai/gpt-4o-mini' });
  assert.deepEqual(json.summary.variables, { added: ['tone'], removed: [] });
  assert.equal(json.summary.tokenDelta, o200k(BODIES.SHORT_BODY) - o200k(BODIES.LONG_BODY));
  assert.equal(json.short, `model gpt-4o -> gpt-4o-mini, +1 variable, ${json.summary.tokenDelta} tokens`);

  // Uncommitted changes: the default compares them with the last commit.
  repo.write('prompts/summarize.prompt', VERSIONS.v5.replace('temperature: 0.7', 'temperature: 0.3'));
  const w = await run(['diff', 'prompts/summarize.prompt'], repo.dir);
  assert.equal(w.code, 0, w.stderr);
  assert.match(w.stdout, /\n {2}B: working copy\n/);
  assert.match(w.stdout, /\n {2}temperature 0\.7 -> 0\.3\n/);
  // One revision: against the working copy.
  const one = JSON.parse((await run(['diff', 'prompts/summarize.prompt', hashes[0], '--json'], repo.dir)).stdout) as DiffResult;
  assert.equal(one.b.rev, 'working');
  assert.deepEqual(one.summary.parameters.map((p) => p.key), ['temperature', 'maxOutputTokens']);
});

test('diff follows renames: an old revision is read under the name it had', async () => {
  const repo = TempRepo.init();
  const rest = Array.from({ length: 8 }, (_, i) => `Rule ${i + 1}: keep it short.\n`).join('');
  repo.commitFile('drafts/first draft.prompt', prompt('model: openai/gpt-4o', `One {{a}}\n${rest}`), 'Create');
  repo.git('mv', 'drafts/first draft.prompt', 'final.prompt');
  repo.commit('Rename');
  repo.commitFile('final.prompt', prompt('model: anthropic/claude-sonnet-4-5', `One {{a}}\n${rest}`), 'Claude');
  const r = await run(['diff', 'final.prompt', 'HEAD~2', 'HEAD', '--json'], repo.dir);
  assert.equal(r.code, 0, r.stderr);
  const json = JSON.parse(r.stdout) as DiffResult;
  assert.equal(json.a.path, 'drafts/first draft.prompt');
  assert.equal(json.b.path, 'final.prompt');
  assert.deepEqual(json.summary.model, { from: 'openai/gpt-4o', to: 'anthropic/claude-sonnet-4-5' });
  const text = await run(['diff', 'final.prompt', 'HEAD~2', 'HEAD'], repo.dir);
  assert.match(text.stdout, / {2}A: HEAD~2 \(\w{7}\) "Create" \(Ada Lovelace, 2026-01-05\) \[drafts\/first draft\.prompt\]\n/);
  assert.match(text.stdout, /Tokens: \d+ -> ≈\d+ \([+-]\d+\) \(o200k_base -> claude\)/);
});

test('diff errors: not a repository, bad revision, not committed, usage', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'pw-diff-not-repo-'));
  writeFileSync(path.join(dir, 'x.prompt'), 'x\n');
  const notRepo = await run(['diff', 'x.prompt'], dir);
  assert.equal(notRepo.code, 2);
  assert.match(notRepo.stderr, /^prompt-workbench: .* is not in a git repository, so prompts there have no history\. Run "git init"/);

  const { repo } = fiveCommitRepo();
  const bad = await run(['diff', 'prompts/summarize.prompt', 'no-such-rev'], repo.dir);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /"no-such-rev" is not a commit in .*Use a commit hash, a branch or tag name, or HEAD~N\./);

  repo.write('prompts/new.prompt', prompt('model: openai/gpt-4o', 'New {{x}}\n'));
  const fresh = await run(['diff', 'prompts/new.prompt'], repo.dir);
  assert.equal(fresh.code, 0, fresh.stderr);
  assert.match(fresh.stdout, /created, gpt-4o, \d+ tokens, 1 variable/);
  assert.match(fresh.stdout, /note: prompts\/new\.prompt is not committed yet/);
  const missingAtRev = await run(['diff', 'prompts/new.prompt', 'HEAD', 'working', '--json'], repo.dir);
  assert.equal(missingAtRev.code, 0, missingAtRev.stderr);
  assert.equal((JSON.parse(missingAtRev.stdout) as DiffResult).a.exists, false);

  const usage = await run(['diff'], repo.dir);
  assert.equal(usage.code, 2);
  assert.match(usage.stderr, /diff needs a prompt file/);
  const tests = await run(['diff', 'prompts/summarize.prompt', '--tests'], repo.dir);
  assert.equal(tests.code, 2);
  assert.match(tests.stderr, /--tests/);
  assert.match((await run(['--help'], repo.dir)).stdout, /diff <prompt> \[rev-a\] \[rev-b\]/);
});

test('the built CLI runs diff on Node 20 with git as a child process (no shell)', () => {
  assert.ok(existsSync(CLI), `${CLI} is missing: run npm run build first (npm test does)`);
  const { repo } = fiveCommitRepo();
  const r = spawnSync(process.execPath, [CLI, 'diff', 'prompts/summarize.prompt', 'HEAD~4', '--json'], { cwd: repo.dir, encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  const json = JSON.parse(r.stdout) as DiffResult;
  assert.equal(json.a.subject, 'Warmer answers');
  assert.equal(json.b.rev, 'working');
  assert.equal(execFileSync('git', ['status', '--porcelain'], { cwd: repo.dir, encoding: 'utf8' }), '', 'diff changes nothing in the repository');
});
