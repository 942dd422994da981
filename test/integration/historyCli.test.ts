// `prompt-workbench history` and `diff --text` on real temporary git repositories: the commits that
// changed a prompt across a rename with the view's change summaries, the text diff of two versions
// (unified and side by side, hunks named after the part of the prompt) for Dotprompt, Prompty and
// GitHub Models files, colours only when asked for, and a clear message outside a repository.
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { after, before, test } from 'node:test';
import { TempRepo } from '../support/gitRepo';
import { runCli } from '../support/cli';
import type { HistoryListing } from '../../server/src/cli/history';

const V1 = `---
model: openai/gpt-4o
config:
  temperature: 0.2
input:
  schema:
    name: string
---
{{role "system"}}
You greet people politely.

{{role "user"}}
Say hello to {{name}}.
`;
const V2 = V1.replace('openai/gpt-4o\n', 'openai/gpt-4o-mini\n').replace('politely', 'warmly and briefly');
const V3 = V2.replace('Say hello to {{name}}.', 'Say hello to {{name}} from {{city}}.').replace('    name: string\n', '    name: string\n    city: string\n');

let repo: TempRepo;
const hashes: string[] = [];
before(() => {
  repo = TempRepo.init('pw-history-cli-');
  hashes.push(repo.commitFile('prompts/greet.prompt', V1, 'Add greet'));
  hashes.push(repo.commitFile('prompts/greet.prompt', V2, 'Smaller model'));
  repo.git('mv', 'prompts/greet.prompt', 'prompts/hello.prompt');
  hashes.push(repo.commit('Rename greet to hello'));
  hashes.push(repo.commitFile('prompts/hello.prompt', V3, 'Ask for the city'));
});
after(() => repo.remove());

const NO_TTY = { NO_COLOR: undefined, FORCE_COLOR: undefined };

test('history lists the commits across the rename with the change summaries, as JSON', async () => {
  const r = await runCli(['history', 'prompts/hello.prompt', '--format', 'json'], repo.dir, NO_TTY);
  assert.equal(r.code, 0, r.stderr);
  const h = JSON.parse(r.stdout) as HistoryListing;
  assert.equal(h.path, 'prompts/hello.prompt');
  assert.deepEqual(h.entries.map((e) => [e.hash, e.subject, e.path, e.previousPath ?? null, e.change]), [
    [hashes[3], 'Ask for the city', 'prompts/hello.prompt', 'prompts/hello.prompt', 'M'],
    [hashes[2], 'Rename greet to hello', 'prompts/hello.prompt', 'prompts/greet.prompt', 'R'],
    [hashes[1], 'Smaller model', 'prompts/greet.prompt', 'prompts/greet.prompt', 'M'],
    [hashes[0], 'Add greet', 'prompts/greet.prompt', null, 'A'],
  ]);
  assert.deepEqual(
    h.entries.map((e) => e.short),
    ['+1 variable, +4 tokens', 'renamed from greet.prompt', 'model gpt-4o -> gpt-4o-mini, +2 tokens', 'created, gpt-4o, 25 tokens, 1 variable'],
  );
  assert.deepEqual(h.entries[0].summary?.variables, { added: ['city'], removed: [] });
  assert.equal(h.more, false);
  assert.equal(h.uncommitted, undefined);
});

test('history as text: one line per commit and its summary; --limit pages; --details adds the lines', async () => {
  const r = await runCli(['history', 'prompts/hello.prompt', '--limit', '2', '--details'], repo.dir, NO_TTY);
  assert.equal(r.code, 0, r.stderr);
  const lines = r.stdout.split('\n');
  assert.equal(lines[0], 'prompts/hello.prompt  (2+ commits, following renames)');
  assert.equal(lines[2], `${hashes[3].slice(0, 7)}  2026-01-08  Ada Lovelace  Ask for the city`);
  assert.equal(lines[3], '         +1 variable, +4 tokens');
  assert.ok(lines.includes('    Variables added: city'), r.stdout);
  assert.ok(lines.includes(`${hashes[2].slice(0, 7)}  2026-01-07  Ada Lovelace  Rename greet to hello`), r.stdout);
  assert.ok(lines.includes('         renamed from greet.prompt'), r.stdout);
  assert.ok(!r.stdout.includes('Smaller model'), 'the third commit is beyond --limit 2');
  assert.match(r.stdout, /More commits: --limit 4/);
  assert.ok(!r.stdout.includes('\x1b['), 'no colour when the output is not a terminal');
});

test('history lists uncommitted changes first, with their summary', async () => {
  repo.write('prompts/hello.prompt', V3.replace('temperature: 0.2', 'temperature: 0.7'));
  try {
    const r = await runCli(['history', 'prompts/hello.prompt', '--json'], repo.dir, NO_TTY);
    const h = JSON.parse(r.stdout) as HistoryListing;
    assert.equal(h.uncommitted?.state, 'modified');
    assert.equal(h.uncommitted?.short, 'temperature 0.2 -> 0.7');
    const text = await runCli(['history', 'prompts/hello.prompt'], repo.dir, NO_TTY);
    assert.equal(text.stdout.split('\n')[2], 'uncommitted changes  temperature 0.2 -> 0.7');
  } finally {
    repo.write('prompts/hello.prompt', V3);
  }
});

test('outside a git repository: a clear message and exit 2; bad options too', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'pw-nogit-'));
  writeFileSync(path.join(dir, 'a.prompt'), V1);
  const r = await runCli(['history', 'a.prompt'], dir, NO_TTY);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /is not in a git repository, so prompts there have no history\. Run "git init" and commit the prompt to start one\./);
  const d = await runCli(['diff', 'a.prompt', 'HEAD~1', 'HEAD', '--text'], dir, NO_TTY);
  assert.equal(d.code, 2);
  assert.match(d.stderr, /is not in a git repository/);
  assert.match((await runCli(['history', 'prompts/hello.prompt', '--limit', '0'], repo.dir)).stderr, /--limit needs a whole number of 1 or more/);
  assert.match((await runCli(['history', 'prompts/hello.prompt', '--format', 'xml'], repo.dir)).stderr, /Unknown format "xml"/);
});

test('diff --text: a unified diff of two versions across the rename, hunks named after the part they touch', async () => {
  const r = await runCli(['diff', 'prompts/hello.prompt', hashes[0], hashes[3], '--text'], repo.dir, NO_TTY);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(
    r.stdout,
    [
      `--- a/prompts/greet.prompt (${hashes[0].slice(0, 7)})`,
      `+++ b/prompts/hello.prompt (${hashes[3].slice(0, 7)})`,
      '@@ -1,13 +1,14 @@ frontmatter',
      ' ---',
      '-model: openai/gpt-4o',
      '+model: openai/gpt-4o-mini',
      ' config:',
      '   temperature: 0.2',
      ' input:',
      '   schema:',
      '     name: string',
      '+    city: string',
      ' ---',
      ' {{role "system"}}',
      '-You greet people politely.',
      '+You greet people warmly and briefly.',
      ' ',
      ' {{role "user"}}',
      '-Say hello to {{name}}.',
      '+Say hello to {{name}} from {{city}}.',
      '',
    ].join('\n'),
  );
  const same = await runCli(['diff', 'prompts/hello.prompt', hashes[2], hashes[1], '--text'], repo.dir, NO_TTY);
  assert.equal(same.stdout, `prompts/hello.prompt: no difference between ${hashes[2].slice(0, 7)} and ${hashes[1].slice(0, 7)}.\n`);
});

test('diff --text --side-by-side: the versions in columns, changed rows marked', async () => {
  const r = await runCli(['diff', 'prompts/hello.prompt', hashes[1], hashes[3], '--text', '--side-by-side'], repo.dir, { ...NO_TTY, COLUMNS: '90' });
  assert.equal(r.code, 0, r.stderr);
  const lines = r.stdout.split('\n');
  assert.match(lines[0], /^a\/prompts\/greet\.prompt \(.{7}\) +│ b\/prompts\/hello\.prompt \(.{7}\)$/);
  assert.equal(lines[1], '@@ line 5 / 5 frontmatter');
  // 90 columns: 4 digits, a space, 38 characters, ' > ' or ' | ', 4 digits, a space, the right side.
  assert.ok(lines.includes(`${' '.repeat(4)} ${' '.repeat(38)} >    8     city: string`), r.stdout);
  assert.ok(lines.includes(`  13 ${'Say hello to {{name}}.'.padEnd(38)} |   14 Say hello to {{name}} from {{city}}.`), r.stdout);
  // Changes far apart: a gap, and the next part's name.
  const two = await runCli(['diff', 'prompts/hello.prompt', hashes[0], hashes[1], '--text', '--side-by-side'], repo.dir, { ...NO_TTY, COLUMNS: '90' });
  assert.deepEqual(two.stdout.split('\n').filter((l) => l.startsWith('@@')), ['@@ line 1 / 1 frontmatter', '@@ line 7 / 7 message: system']);
});

test('diff --text colours on request (FORCE_COLOR), never with NO_COLOR or --no-color', async () => {
  const args = ['diff', 'prompts/hello.prompt', hashes[0], hashes[1], '--text'];
  const coloured = await runCli(args, repo.dir, { NO_COLOR: undefined, FORCE_COLOR: '1' });
  assert.ok(coloured.stdout.includes('\x1b[31m-model: openai/gpt-4o\x1b[0m'), JSON.stringify(coloured.stdout));
  assert.ok(coloured.stdout.includes('\x1b[32m+model: openai/gpt-4o-mini\x1b[0m'));
  assert.ok(coloured.stdout.includes('\x1b[36m@@ -1,5 +1,5 @@ frontmatter\x1b[0m'));
  assert.ok(!(await runCli(args, repo.dir, { NO_COLOR: '1', FORCE_COLOR: '1' })).stdout.includes('\x1b['));
  assert.ok(!(await runCli([...args, '--no-color'], repo.dir, { NO_COLOR: undefined, FORCE_COLOR: '1' })).stdout.includes('\x1b['));
});

test('diff --text works for every format: Prompty and GitHub Models hunks name their messages', async () => {
  const prompty = (q: string) => `---\nname: ask\nmodel:\n  api: chat\n  configuration:\n    type: openai\n    name: gpt-4o-mini\n---\nsystem:\nYou answer questions.\n\nuser:\n${q}\n`;
  const gh = (sys: string) => `name: ask\nmodel: openai/gpt-4o-mini\nmessages:\n  - role: system\n    content: ${sys}\n  - role: user\n    content: "{{question}}"\n`;
  const a = repo.commitFile('other/ask.prompty', prompty('What is {{question}}?'), 'Add ask.prompty');
  repo.write('other/ask.prompt.yml', gh('You answer briefly.'));
  repo.commit('Add ask.prompt.yml');
  const b = repo.commitFile('other/ask.prompty', prompty('Please explain {{question}}.'), 'Reword the question');
  repo.write('other/ask.prompt.yml', gh('You answer in one sentence.'));
  const c = repo.commit('Shorter answers');
  const p = await runCli(['diff', 'other/ask.prompty', a, b, '--text'], repo.dir, NO_TTY);
  assert.match(p.stdout, /^@@ -10,4 \+10,4 @@ message: user$/m);
  assert.match(p.stdout, /^-What is \{\{question\}\}\?$/m);
  const y = await runCli(['diff', 'other/ask.prompt.yml', `${c}~1`, c, '--text'], repo.dir, NO_TTY);
  assert.match(y.stdout, /^@@ -2,6 \+2,6 @@ message: system$/m);
  assert.match(y.stdout, /^\+    content: You answer in one sentence\.$/m);
});
