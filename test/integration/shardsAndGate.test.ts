// At scale and in CI's shape: a 400-case suite in 4 shards against the local provider server, the
// shards' records merged (`report --merge`) into one record and one JUnit file with every case run
// once; the trends page written from records (`report --html`); and the pull-request gate
// (`test --baseline REV`) failing on new failures and reusing recorded results by content hash.
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { after, before, test } from 'node:test';
import { runCli } from '../support/cli';
import { git, GIT_ENV } from '../support/gitRepo';
import { MockProvider } from '../support/mockProvider';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { parseStringPromise } = require('xml2js') as { parseStringPromise(xml: string): Promise<Record<string, any>> };

const KEY = 'sk-shards-DUMMY-KEY-1a2b3c4d';
const CASES = 400;
const SHARDS = 4;
let mock: MockProvider;
let env: Record<string, string | undefined>;

before(async () => {
  // The server answers with the user message it got, so a case passes when its text reached the model.
  mock = await MockProvider.start({ script: (r) => ({ text: `echo: ${r.prompt}`, model: 'gpt-4o-mini-2024-07-18', usage: { input: 12, output: 5 } }) });
  env = { OPENAI_BASE_URL: mock.openaiBaseUrl, OPENAI_API_KEY: KEY, GIT_CONFIG_GLOBAL: GIT_ENV.GIT_CONFIG_GLOBAL, GIT_CONFIG_NOSYSTEM: '1' };
});
after(async () => {
  await mock.stop();
});

const PROMPT_V1 = '---\nmodel: openai/gpt-4o-mini\ninput:\n  schema:\n    n: integer\n---\n{{role "user"}}\nSay word-{{n}} please.\n';

/** `count` cases; every tenth expects a word the prompt never says, so it fails. */
function fixture(count: number): string {
  const lines = ['prompt: ./echo.prompt', 'cases:'];
  for (let i = 1; i <= count; i++) lines.push(`  - name: case ${i}`, `    vars: { n: ${i} }`, '    assert:', `      - type: contains`, `        value: "${i % 10 === 0 ? `missing-${i}` : `word-${i} `}"`);
  return `${lines.join('\n')}\n`;
}

function project(count: number): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'pw-shards-'));
  writeFileSync(path.join(dir, 'prompt-workbench.yaml'), 'testing:\n  maxPassRateDrop: 0\n');
  writeFileSync(path.join(dir, 'echo.prompt'), PROMPT_V1);
  writeFileSync(path.join(dir, 'echo.tests.yaml'), fixture(count));
  return dir;
}

function recordCases(file: string): { id: string; status: string }[] {
  return readFileSync(file, 'utf8').trim().split('\n').map((l) => JSON.parse(l)).filter((x) => x.type === 'case');
}

test(`${CASES} cases in ${SHARDS} shards, merged: every case run once, none lost, none twice`, async () => {
  const dir = project(CASES);
  mock.requests.length = 0;
  const shardIds: string[][] = [];
  mkdirSync(path.join(dir, 'junit'));
  for (let k = 1; k <= SHARDS; k++) {
    const r = await runCli(['test', '.', '--provider', 'openai', '--shard', `${k}/${SHARDS}`, '--records-dir', `shards/${k}`, '--reporter', 'junit', '--output', `junit/${k}.xml`, '--no-cache', '--concurrency', '8'], dir, env);
    assert.equal(r.code, 1, r.stderr); // every shard holds some of the failing tenth
    const files = readdirSync(path.join(dir, 'shards', String(k))).filter((f) => f.endsWith('.jsonl'));
    assert.equal(files.length, 1);
    shardIds.push(recordCases(path.join(dir, 'shards', String(k), files[0])).map((c) => c.id));
  }
  assert.equal(mock.requests.length, CASES);
  assert.ok(shardIds.every((ids) => ids.length > CASES / SHARDS / 2), `uneven shards: ${shardIds.map((x) => x.length)}`);
  assert.equal(shardIds.flat().length, CASES);

  const r = await runCli(['report', '--merge', ...Array.from({ length: SHARDS }, (_, i) => `shards/${i + 1}`), '--output', 'merged/run.jsonl', '--junit', 'merged/junit.xml', '--markdown', 'merged/comment.md'], dir, env);
  assert.equal(r.code, 1, r.stderr); // the merged results hold failures
  assert.match(r.stdout, new RegExp(`Merged ${SHARDS} records: ${CASES} case runs \\(${CASES * 0.9} passed, ${CASES / 10} failed, 0 errors, 0 skipped\\); 0 duplicates`));
  const merged = readFileSync(path.join(dir, 'merged', 'run.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
  assert.equal(merged[0].type, 'run');
  assert.deepEqual(merged[0].counts, { passed: CASES * 0.9, failed: CASES / 10, error: 0, skipped: 0 });
  assert.equal(merged[0].merged.records.length, SHARDS);
  const ids = merged.slice(1).map((c) => c.id);
  assert.equal(ids.length, CASES);
  assert.deepEqual(new Set(ids), new Set(Array.from({ length: CASES }, (_, i) => `echo.tests.yaml#case ${i + 1}`)));
  assert.deepEqual(merged.slice(1).filter((c) => c.status === 'failed').map((c) => c.case).sort(), Array.from({ length: CASES / 10 }, (_, i) => `case ${(i + 1) * 10}`).sort());

  const doc = await parseStringPromise(readFileSync(path.join(dir, 'merged', 'junit.xml'), 'utf8'));
  assert.deepEqual([doc.testsuites.$.tests, doc.testsuites.$.failures, doc.testsuites.$.errors], [String(CASES), String(CASES / 10), '0']);
  const names = doc.testsuites.testsuite.flatMap((s: { testcase: { $: { name: string } }[] }) => s.testcase.map((c) => c.$.name));
  assert.equal(new Set(names).size, CASES);
  // The shards' own JUnit files add up to the same cases.
  let shardTests = 0;
  for (let k = 1; k <= SHARDS; k++) shardTests += Number((await parseStringPromise(readFileSync(path.join(dir, 'junit', `${k}.xml`), 'utf8'))).testsuites.$.tests);
  assert.equal(shardTests, CASES);
  assert.match(readFileSync(path.join(dir, 'merged', 'comment.md'), 'utf8'), new RegExp(`${CASES * 0.9}/${CASES} \\(90%\\)`));

  // The same shard given twice (a copy in another folder): its cases are counted once and named.
  mkdirSync(path.join(dir, 'again'));
  const first = readdirSync(path.join(dir, 'shards', '1')).find((f) => f.endsWith('.jsonl'))!;
  copyFileSync(path.join(dir, 'shards', '1', first), path.join(dir, 'again', first));
  const twice = await runCli(['report', '--merge', 'shards/1', 'shards/2', 'shards/3', 'shards/4', 'again', '--output', 'merged/twice.jsonl'], dir, env);
  assert.match(twice.stdout, new RegExp(`${CASES} case runs .*; ${shardIds[0].length} duplicates`));
  assert.equal(twice.stderr.split('\n').filter((l) => l.includes('counted once')).length, shardIds[0].length);
  assert.equal(recordCases(path.join(dir, 'merged', 'twice.jsonl')).length, CASES);

  // The trends page of the merged record: one self-contained file.
  const html = await runCli(['report', 'merged/run.jsonl', '--html', 'trends.html'], dir, env);
  assert.equal(html.code, 0, html.stderr);
  const page = readFileSync(path.join(dir, 'trends.html'), 'utf8');
  assert.match(page, /<h2>echo\.prompt<\/h2>/);
  assert.match(page, /promptWorkbenchCharts/);
  assert.ok(page.length > 100_000, 'the chart library is inlined');
  assert.ok(!/<script[^>]+src=|<link[^>]+href=/.test(page), 'nothing is fetched');
  // The inlined chart library is a browser script: nothing of node's (a `require` would stop it).
  assert.ok(!/\brequire\(/.test(page), 'no require() in the page');
  assert.match(page, /<td class="n">90\.0%<\/td>/);
});

test('the gate: test --baseline REV fails on new failures, then reuses recorded results by content hash', async () => {
  const dir = project(6); // cases 1-6: all pass with the committed text
  git(dir, ['init', '-q', '-b', 'main']);
  git(dir, ['add', '.']);
  git(dir, ['-c', 'user.name=A', '-c', 'user.email=a@example.com', '-c', 'commit.gpgsign=false', 'commit', '-q', '-m', 'v1']);
  mock.requests.length = 0;
  // The working tree drops the variable: every case that passed now fails.
  writeFileSync(path.join(dir, 'echo.prompt'), PROMPT_V1.replace('word-{{n}}', 'a word'));
  const r = await runCli(['test', '.', '--baseline', 'HEAD', '--provider', 'openai', '--reporter', 'markdown', '--no-cache'], dir, env);
  assert.equal(r.code, 1, r.stderr);
  assert.match(r.stdout, /^## Prompt tests against HEAD \([0-9a-f]{7}\): ❌ failed/);
  assert.match(r.stdout, /\*\*6 new failures; the pass rate dropped by 100\.0 points \(allowed: 0\)\.\*\*/);
  assert.match(r.stdout, /Pass rate: 100\.0% \(base\) → 0\.0% \(this change\)/);
  assert.match(r.stdout, /\| `echo\.prompt` \| 6\/6 \| 0\/6 \| 6 \| 0 \| 0 \| 0 \| 6 \| ±\$0 \| 0\/12 \|/);
  assert.match(r.stdout, /- `echo\.prompt` case 1: contains/);
  assert.equal(mock.requests.length, 12);

  // Back to the committed text: both sides are the recorded v1 results, nothing is sent.
  writeFileSync(path.join(dir, 'echo.prompt'), PROMPT_V1);
  const again = await runCli(['test', '.', '--baseline', 'HEAD', '--provider', 'openai', '--no-cache'], dir, env);
  assert.equal(again.code, 0, again.stdout + again.stderr);
  assert.match(again.stdout, /Against HEAD \([0-9a-f]{7}\): passed/);
  assert.match(again.stdout, /6\/6 -> 6\/6; 0 newly failing, 0 newly passing, 0 new, 0 removed \(reused 12, ran 0\)/);
  assert.equal(mock.requests.length, 12);

  // A bad revision and a bad threshold are usage errors.
  assert.equal((await runCli(['test', '.', '--baseline', 'no-such-branch', '--provider', 'openai'], dir, env)).code, 2);
  const bad = await runCli(['test', '.', '--baseline', 'HEAD', '--max-pass-rate-drop', '120'], dir, env);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /--max-pass-rate-drop needs percentage points from 0 to 100/);
});
