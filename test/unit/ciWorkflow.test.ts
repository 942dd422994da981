// The GitHub Actions workflow of docs/ci.md: the same text as examples/ci/prompt-workbench.yml,
// valid YAML with the jobs it describes, and every `prompt-workbench` command and flag it runs
// exists in the CLI (its --help, section by section).
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { parse, parseDocument } from 'yaml';
import { runCli } from '../support/cli';

const ROOT = path.resolve(__dirname, '..', '..');
const FILE = readFileSync(path.join(ROOT, 'examples', 'ci', 'prompt-workbench.yml'), 'utf8');

interface Step {
  run?: string;
  uses?: string;
  with?: Record<string, unknown>;
}
interface Job {
  needs?: string | string[];
  permissions?: Record<string, string>;
  strategy?: { matrix: { shard: number[] } };
  steps: Step[];
}

test('docs/ci.md shows the workflow file exactly', () => {
  const doc = readFileSync(path.join(ROOT, 'docs', 'ci.md'), 'utf8');
  const m = /<!-- workflow: examples\/ci\/prompt-workbench\.yml -->\n```yaml\n([\s\S]*?)```\n/.exec(doc);
  assert.ok(m, 'the marked yaml block');
  assert.equal(m[1], FILE);
});

test('the workflow is valid YAML with lint (SARIF upload), sharded tests, the merge and the gate', () => {
  const d = parseDocument(FILE);
  assert.deepEqual(d.errors, []);
  const wf = parse(FILE) as { on: Record<string, unknown>; jobs: Record<string, Job> };
  assert.deepEqual(Object.keys(wf.jobs), ['lint', 'test', 'report', 'gate']);
  const uses = (job: Job) => job.steps.map((s) => s.uses?.split('@')[0]).filter(Boolean);
  assert.ok(uses(wf.jobs.lint).includes('github/codeql-action/upload-sarif'));
  assert.equal(wf.jobs.lint.permissions?.['security-events'], 'write');
  assert.match(wf.jobs.lint.steps.find((s) => s.run?.includes('--format sarif'))!.run!, /> prompts\.sarif/);
  assert.equal(wf.jobs.lint.steps.find((s) => s.uses?.startsWith('github/codeql-action/upload-sarif'))!.with!.sarif_file, 'prompts.sarif');

  // The shards: the matrix, the --shard K/N of the test step, and the folders the merge reads agree.
  const shards = wf.jobs.test.strategy!.matrix.shard;
  assert.deepEqual(shards, [1, 2, 3, 4]);
  assert.match(wf.jobs.test.steps.map((s) => s.run ?? '').join('\n'), new RegExp(`--shard \\$\\{\\{ matrix\\.shard \\}\\}/${shards.length} `));
  assert.equal(wf.jobs.test.steps.find((s) => s.uses?.startsWith('actions/upload-artifact'))!.with!.name, 'records-${{ matrix.shard }}');
  assert.equal(wf.jobs.report.needs, 'test');
  const merge = wf.jobs.report.steps.find((s) => s.run?.includes('--merge'))!.run!;
  assert.deepEqual(merge.match(/shards\/records-\d/g), shards.map((k) => `shards/records-${k}`));
  assert.match(merge, /--junit \S+/);

  // The gate: pull requests only, the base branch, and the comment posted.
  assert.match(String((wf.jobs.gate as unknown as { if: string }).if), /pull_request/);
  assert.equal(wf.jobs.gate.permissions?.['pull-requests'], 'write');
  const steps = wf.jobs.gate.steps.map((s) => s.run ?? '').join('\n');
  assert.match(steps, /--baseline origin\/\$\{\{ github\.base_ref \}\} --reporter markdown --output gate\.md/);
  assert.match(steps, /gh pr comment "\$PR" --body-file gate\.md/);
  assert.ok(wf.jobs.gate.steps.some((s) => (s.with as { 'fetch-depth'?: number } | undefined)?.['fetch-depth'] === 0), 'the base branch history is fetched');
});

test('every prompt-workbench command and flag in the workflow exists in the CLI', async () => {
  const help = await runCli(['--help'], ROOT);
  assert.equal(help.code, 0);
  // Sections of the help: a command's line starts with two spaces and its name.
  const sections = new Map<string, Set<string>>();
  let current: string | undefined;
  for (const line of help.stdout.split('\n')) {
    const m = /^ {2}([a-z]+)\b/.exec(line);
    if (m) current = m[1];
    if (/^\S/.test(line)) current = undefined;
    if (!current) continue;
    if (!sections.has(current)) sections.set(current, new Set());
    for (const f of line.matchAll(/--[a-z][a-z-]*/g)) sections.get(current)!.add(f[0]);
  }
  assert.ok(sections.get('report')?.has('--merge'), 'report --merge is in the help');
  const wf = parse(FILE) as { jobs: Record<string, Job> };
  const calls = Object.values(wf.jobs).flatMap((j) => j.steps.map((s) => s.run ?? '')).flatMap((run) => [...run.matchAll(/npx prompt-workbench ([a-z]+)([^|>;&\n]*)/g)]);
  assert.ok(calls.length >= 6, `found ${calls.length} calls`);
  const used = new Set<string>();
  for (const [, command, rest] of calls) {
    const known = sections.get(command);
    assert.ok(known, `"${command}" is a command of the CLI`);
    for (const flag of rest.match(/--[a-z][a-z-]*/g) ?? []) {
      assert.ok(known.has(flag), `prompt-workbench ${command} ${flag} exists`);
      used.add(`${command} ${flag}`);
    }
  }
  for (const must of ['lint --format', 'test --shard', 'test --baseline', 'report --merge', 'report --junit', 'report --html']) assert.ok(used.has(must), must);
});

test('the workflow commands parse: report --merge and test --baseline reach their own checks', async () => {
  // Folders that do not exist: a usage error about them, not about the flags.
  const merge = await runCli(['report', '--merge', 'no-such/records-1', '--output', 'x.jsonl', '--junit', 'x.xml', '--markdown', 'x.md'], ROOT);
  assert.equal(merge.code, 2);
  assert.match(merge.stderr, /no-such\/records-1 does not exist/);
});
