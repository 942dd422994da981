// `prompt-workbench catalog` over a real git repository: the four output formats, the filters,
// the exit code of an error-level lifecycle finding (a released prompt changed without a version
// bump), and `--audit` (versions, status changes, the records that verified a text).
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { after, before, test } from 'node:test';
import { catalog as cat } from '../../server/src/service';
import { runCli } from '../support/cli';
import { TempRepo } from '../support/gitRepo';

let repo: TempRepo;

const support = '---\nmodel: openai/gpt-4o-mini\nversion: 1\nmetadata:\n  status: released\n  tags: [support]\n---\nAnswer the customer politely.\n';

function record(text: string, status: 'passed' | 'failed', name: string): void {
  const dir = repo.path('.prompt-workbench/runs');
  mkdirSync(dir, { recursive: true });
  const at = '2026-02-01T10:00:00.000Z';
  writeFileSync(path.join(dir, name), `${JSON.stringify({ type: 'run', version: 1, startedAt: at, finishedAt: at, counts: {} })}\n${JSON.stringify({ type: 'case', id: 'k', caseKey: 'k', fixture: 'x.tests.yaml', prompt: 'prompts/support.prompt', promptHash: cat.sha256(text), case: 'k', caseLine: 1, repeat: 1, repeats: 1, status, provider: 'openai', output: 'ok', latencyMs: 1, cost: 0, reason: '', assertions: [] })}\n`);
}

before(() => {
  repo = TempRepo.init('pw-catalog-');
  repo.write('.github/CODEOWNERS', '* @fallback\n/prompts/ops/ @ops-team\n');
  repo.write('prompt-workbench.yaml', 'catalog:\n  defaults:\n    "prompts/ops/**": review\n');
  repo.write('prompts/support.prompt', support);
  repo.write('prompts/ops/triage.prompt.yml', 'name: Triage\nmodel: openai/gpt-4o\nmessages:\n  - role: user\n    content: "Triage: {{issue}}"\n');
  repo.write('prompts/drafts/idea.prompty', '---\nname: Idea\nmetadata:\n  authors: [ana]\n  status: draft\n---\nsystem:\nThink.\n');
  repo.commit('Add prompts', { author: 'Grace Hopper' });
  record(support, 'passed', 'run-1.jsonl');
});

after(() => repo.remove());

test('catalog: text lists every format with owners, statuses and their sources', async () => {
  const r = await runCli(['catalog'], repo.dir);
  assert.equal(r.code, 0, r.stderr + r.stdout);
  const lines = r.stdout.split('\n');
  assert.match(lines[0], /^Name\s+Path\s+Format\s+Owner\s+Status\s+Version\s+Model\s+Tokens\s+Cost\/run\s+Tests\s+Last change$/);
  const row = (name: string) => lines.find((l) => l.startsWith(`${name} `)) ?? '';
  assert.match(row('Idea'), /prompts\/drafts\/idea\.prompty\s+Prompty\s+ana\s+draft\s/);
  assert.match(row('Triage'), /prompts\/ops\/triage\.prompt\.yml\s+GitHub Models prompt\s+@ops-team \(CODEOWNERS\)\s+review \(config\)/);
  assert.match(row('support'), /@fallback \(CODEOWNERS\)\s+released\s+1\s+openai\/gpt-4o-mini\s+\d+\s+≤\$[\d.]+\s+passed 1\/1 \(100%\)\s+2026-01-05 Grace Hopper: Add prompts/);
  assert.ok(r.stdout.includes('3 prompts.'));
});

test('catalog: json, markdown and csv carry the same rows', async () => {
  const json = JSON.parse((await runCli(['catalog', '--format', 'json'], repo.dir)).stdout) as { prompts: { path: string; format: string; owner: string; ownerSource: string; status: string; tests: { verdict: string } | null; lastChange: { author: string } | null }[] };
  assert.deepEqual(json.prompts.map((p) => [p.path, p.format, p.owner, p.ownerSource, p.status]), [
    ['prompts/drafts/idea.prompty', 'prompty', 'ana', 'file', 'draft'],
    ['prompts/ops/triage.prompt.yml', 'github-models', '@ops-team', 'codeowners', 'review'],
    ['prompts/support.prompt', 'dotprompt', '@fallback', 'codeowners', 'released'],
  ]);
  assert.equal(json.prompts[2].tests?.verdict, 'passed');
  assert.equal(json.prompts[2].lastChange?.author, 'Grace Hopper');
  const md = (await runCli(['catalog', '--format', 'markdown'], repo.dir)).stdout.split('\n');
  assert.equal(md[1], '|---|---|---|---|---|---|---|---|---|---|---|');
  assert.equal(md.length, 2 + 3 + 1);
  const csv = (await runCli(['catalog', '--format', 'csv'], repo.dir)).stdout.split('\r\n');
  assert.equal(csv.length, 1 + 3 + 1);
  assert.ok(csv[2].startsWith('Triage,prompts/ops/triage.prompt.yml,GitHub Models prompt,@ops-team (CODEOWNERS),review (config),-,openai/gpt-4o,'), csv[2]);
});

test('catalog: --status, --owner and --kind filter; bad values are usage errors', async () => {
  const paths = async (...args: string[]) => (JSON.parse((await runCli(['catalog', '--format', 'json', ...args], repo.dir)).stdout) as { prompts: { path: string }[] }).prompts.map((p) => p.path);
  assert.deepEqual(await paths('--status', 'review,draft'), ['prompts/drafts/idea.prompty', 'prompts/ops/triage.prompt.yml']);
  assert.deepEqual(await paths('--owner', '@fallback'), ['prompts/support.prompt']);
  assert.deepEqual(await paths('--kind', 'prompty', '--kind', 'github-models'), ['prompts/drafts/idea.prompty', 'prompts/ops/triage.prompt.yml']);
  assert.deepEqual(await paths('prompts/ops'), ['prompts/ops/triage.prompt.yml']);
  const bad = await runCli(['catalog', '--kind', 'jinja'], repo.dir);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /Unknown prompt format "jinja" for --kind\. Use dotprompt, prompty, github-models/);
  assert.equal((await runCli(['catalog', '--format', 'yaml'], repo.dir)).code, 2);
});

test('catalog: a released prompt changed without a version bump exits 1, with the place', async () => {
  const changed = support.replace('politely', 'politely and briefly');
  repo.write('prompts/support.prompt', changed);
  try {
    const r = await runCli(['catalog'], repo.dir);
    assert.equal(r.code, 1, r.stdout);
    assert.ok(r.stdout.includes('prompts/support.prompt:3:10: error This released prompt changed since its previous commit but its version is still 1: raise `version` with the change. (lifecycle-unversioned-change)'), r.stdout);
    assert.ok(r.stdout.includes('prompts/support.prompt:5:11: warning No run record tested this released prompt'), 'the new text has no record');
    repo.write('prompts/support.prompt', changed.replace('version: 1', 'version: 2'));
    assert.equal((await runCli(['catalog'], repo.dir)).code, 0);
    assert.equal((await runCli(['catalog', '--no-git'], repo.dir)).code, 0);
  } finally {
    repo.write('prompts/support.prompt', support);
  }
});

test('catalog --cache: the second run parses nothing unchanged and prints the same; the rules still see the change', async () => {
  const plain = await runCli(['catalog', '--format', 'json'], repo.dir);
  const cached = await runCli(['catalog', '--format', 'json', '--cache'], repo.dir);
  assert.equal(cached.code, 0, cached.stderr);
  assert.equal(cached.stdout, plain.stdout);
  const folder = repo.path('.prompt-workbench/cache');
  assert.equal(readFileSync(path.join(folder, '.gitignore'), 'utf8').split('\n').filter((l) => l && !l.startsWith('#')).join(), '*');
  const rows = readFileSync(path.join(folder, cat.ROW_CACHE_FILE), 'utf8').trimEnd().split('\n').slice(1).map((l) => JSON.parse(l) as { path: string });
  assert.deepEqual(rows.map((r) => r.path).sort(), ['prompts/drafts/idea.prompty', 'prompts/ops/triage.prompt.yml', 'prompts/support.prompt']);
  const again = await runCli(['catalog', '--format', 'json', '--cache'], repo.dir);
  assert.equal(again.stdout, plain.stdout);
  assert.equal(again.stderr, '');
  // A released prompt changed without a version bump: the cached rows of the others do not hide it.
  repo.write('prompts/support.prompt', support.replace('politely', 'kindly'));
  try {
    const changed = await runCli(['catalog', '--cache'], repo.dir);
    assert.equal(changed.code, 1, changed.stdout);
    assert.ok(changed.stdout.includes('(lifecycle-unversioned-change)'), changed.stdout);
  } finally {
    repo.write('prompts/support.prompt', support);
  }
  // A damaged cache is said on stderr and replaced; the output is the same.
  writeFileSync(path.join(folder, cat.ROW_CACHE_FILE), '{"format":1,');
  const damaged = await runCli(['catalog', '--format', 'json', '--cache'], repo.dir);
  assert.equal(damaged.stdout, plain.stdout);
  assert.match(damaged.stderr, /the row cache in .* was not used \(it is not a row cache of this version\); it is written again/);
  // Another folder: --cache-location, and no .gitignore is written there.
  const elsewhere = repo.path('tmp-cache');
  const located = await runCli(['catalog', '--format', 'json', '--cache-location', 'tmp-cache'], repo.dir);
  assert.equal(located.stdout, plain.stdout);
  assert.ok(existsSync(path.join(elsewhere, cat.ROW_CACHE_FILE)));
  assert.ok(!existsSync(path.join(elsewhere, '.gitignore')));
});

test('catalog --audit: versions, status changes and the records that verified each text', async () => {
  const audit = TempRepo.init('pw-catalog-audit-');
  try {
    const v1 = '---\nmodel: openai/gpt-4o\nmetadata:\n  status: draft\n---\nHello {{name}}\n';
    const v2 = '---\nmodel: openai/gpt-4o-mini\nversion: 1\nmetadata:\n  status: released\n---\nHello {{name}}\n';
    audit.commitFile('a.prompt', v1, 'First draft', { author: 'Ada' });
    audit.commitFile('a.prompt', v2, 'Release', { author: 'Bob' });
    const saved = repo;
    repo = audit;
    record(v2, 'passed', 'run-2.jsonl');
    repo = saved;
    const r = await runCli(['catalog', '--audit', 'a.prompt'], audit.dir);
    assert.equal(r.code, 0, r.stderr);
    const lines = r.stdout.split('\n');
    assert.equal(lines[0], 'Audit trail of a.prompt: 2 versions');
    assert.match(lines[2], /^[0-9a-f]{10}  2026-01-06  Bob  Release$/);
    assert.equal(lines[3], '  change:  model gpt-4o → gpt-4o-mini');
    assert.equal(lines[4], '  status:  draft → released');
    assert.equal(lines[6], '  tests:   passed 1/1 in run-2.jsonl');
    assert.match(lines[8], /^[0-9a-f]{10}  2026-01-05  Ada  First draft$/);
    assert.equal(lines[10], '  status:  (none) → draft');
    assert.equal(lines[11], '  tests:   no run record for this text');
    const json = JSON.parse((await runCli(['catalog', '--audit', 'a.prompt', '--format', 'json'], audit.dir)).stdout) as { versions: { author: string; status?: { to: string } }[] };
    assert.deepEqual(json.versions.map((v) => [v.author, v.status?.to]), [['Bob', 'released'], ['Ada', 'draft']]);
  } finally {
    audit.remove();
  }
});
