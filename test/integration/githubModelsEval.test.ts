// `prompt-workbench test` on a GitHub Models prompt file (dist/cli.js), with the openai provider
// pointed at the local mock server: each testData row is a case, each evaluator a check with
// `gh models eval`'s semantics (string checks ignoring case after templating, a judge's answer
// mapped to a choice and its score, the built-in `github/fluency` judge), the JSON report's
// per-evaluator summary, JUnit, and a run record.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { after, before, test } from 'node:test';
import { ROOT } from '../support/lspClient';
import { MockProvider, type RecordedRequest } from '../support/mockProvider';

const CLI = path.join(ROOT, 'dist', 'cli.js');
const KEY = 'sk-ghm-DUMMY-KEY-1a2b3c4d';
let mock: MockProvider;

/** The model answers; the custom judge says "correct" for row 1 and "wrong" for row 2; the fluency judge rates 4. */
function replies(req: RecordedRequest) {
  const messages = (req.body.messages as { role: string; content: string }[]) ?? [];
  const system = messages.find((m) => m.role === 'system')?.content ?? '';
  if (system.includes('You rate answers')) return { text: '4' };
  if (system.includes('You grade release notes')) return { text: req.prompt.includes('Dark mode') ? 'Yes.' : 'No, it does not.' };
  if (req.prompt.includes('#101')) return { text: "  What's new\n- Dark mode in the editor\n- Empty titles no longer crash  " };
  return { text: 'Release notes:\n- Export as PDF' };
}

before(async () => {
  mock = await MockProvider.start({ script: replies });
});
after(async () => {
  await mock.stop();
});

function cli(args: string[], env: Record<string, string> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const clean = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^(OPENAI|ANTHROPIC|GITHUB)_/.test(k)));
    execFile(process.execPath, [CLI, 'test', ...args], { cwd: ROOT, env: { ...clean, ...env }, timeout: 60_000, maxBuffer: 16 * 1024 * 1024 }, (err, stdout, stderr) => resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout: String(stdout), stderr: String(stderr) }));
  });
}

test('each row a case, each evaluator a check: gh models semantics, the per-evaluator summary, a record', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'pw-ghm-'));
  mock.requests.length = 0;
  const r = await cli(['examples/release-notes.prompt.yml', '--provider', 'openai', '--reporter', 'json', '--records-dir', path.join(dir, 'runs'), '--no-cache'], { OPENAI_BASE_URL: mock.openaiBaseUrl, OPENAI_API_KEY: KEY });
  assert.equal(r.code, 1, r.stderr);
  const report = JSON.parse(r.stdout);
  const results = report.results as { caseName: string; status: string; caseKey: string; assertions: { type: string; pass: boolean; score: number; line: number; reason: string }[] }[];
  assert.deepEqual(results.map((x) => [x.caseName, x.status]), [['row 1', 'passed'], ['row 2', 'failed']]);
  assert.equal(results[0].caseKey, 'examples/release-notes.prompt.yml#row 1');
  const row2 = Object.fromEntries(results[1].assertions.map((a) => [a.type, a]));
  // startsWith ignores case and the answer is trimmed first; row 2's answer does not start with it.
  assert.equal(row2['starts with the heading'].pass, false);
  assert.equal(results[0].assertions[0].pass, true);
  // The check's line is its evaluator's, zero-based (`  - name: starts with the heading`).
  assert.equal(row2['starts with the heading'].line, 28);
  // The custom judge: "no" is a choice scored 0, so it fails; the built-in fluency judge rated 4 -> 0.75, a pass.
  assert.equal(row2["names the product's change"].pass, false);
  assert.equal(row2["names the product's change"].score, 0);
  assert.match(row2["names the product's change"].reason, /answered "no"/);
  assert.equal(row2['reads well'].pass, true);
  assert.equal(row2['reads well'].score, 0.75);
  // What the judges were sent: the judge prompt templated with the row and the trimmed answer, to the judge's model.
  const judge = mock.requests.find((q) => ((q.body.messages as { content: string }[])[0]?.content ?? '').includes('You grade release notes') && q.prompt.includes('Dark mode'))!;
  assert.ok(judge, 'the custom judge was asked about row 1');
  assert.equal(judge.body.model, 'gpt-4o-mini');
  assert.match(judge.prompt, /<pulls>#101 Add dark mode to the editor\n#102 Fix crash when a note title is empty\n<\/pulls>/);
  assert.match(judge.prompt, /<notes>What's new\n- Dark mode in the editor\n- Empty titles no longer crash<\/notes>/);
  const fluency = mock.requests.find((q) => ((q.body.messages as { content: string }[])[0]?.content ?? '').includes('You rate answers'))!;
  assert.equal(fluency.body.model, 'gpt-4o');
  // The main request: the row's values in the messages, maxTokens and temperature sent.
  const main = mock.requests.find((q) => q.prompt.includes('#120 Export notes as PDF') && !q.prompt.includes('<notes>'))!;
  assert.match(main.prompt, /Write the release notes of <product>Acme Notes<\/product>/);
  assert.equal(main.body.temperature, 0.3);
  assert.equal(main.body.max_tokens ?? main.body.max_completion_tokens, 400);
  // The summary per evaluator, comparable to gh models eval --json.
  assert.equal(report.evaluators.length, 1);
  const s = report.evaluators[0];
  assert.deepEqual([s.file, s.name, s.model], ['examples/release-notes.prompt.yml', 'Release notes writer', 'openai/gpt-4o-mini']);
  assert.deepEqual(s.summary, { totalTests: 2, passedTests: 1, failedTests: 1, passRate: 50 });
  assert.deepEqual(s.evaluators.map((e: { name: string; passed: number; passRate: number; meanScore: number }) => [e.name, e.passed, e.passRate, e.meanScore]), [
    ['starts with the heading', 1, 50, 0.5],
    ["names the product's change", 1, 50, 0.5],
    ['reads well', 2, 100, 0.75],
  ]);
  assert.equal(readdirSync(path.join(dir, 'runs')).length, 1);
});

test('a folder: prompt files with test data are suites beside fixture files; a broken prompt file stops the run with its errors', async () => {
  const r = await cli(['examples', '--offline', '--reporter', 'json', '--no-record', '--no-cache']);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /examples\/needs-fixing\.prompt\.yml:6:17 {2}error {2}`responseFormat: json_schema` needs a `jsonSchema`/);
  assert.match(r.stderr, /examples\/needs-fixing\.prompt\.yml:8:11 {2}error {2}Unknown role `sytem`/);
  const ok = await cli(['examples/release-notes.prompt.yml', 'examples/support-reply.prompt.yml', '--offline', '--reporter', 'json', '--no-record', '--no-cache']);
  const report = JSON.parse(ok.stdout);
  assert.deepEqual(report.results.map((x: { caseKey: string; status: string }) => [x.caseKey, x.status]), [
    ['examples/release-notes.prompt.yml#row 1', 'skipped'],
    ['examples/release-notes.prompt.yml#row 2', 'skipped'],
    ['examples/support-reply.prompt.yml#row 1', 'skipped'],
    ['examples/support-reply.prompt.yml#row 2', 'skipped'],
  ]);
});

test('the github provider: GitHub Models by default for a prompt file, the token as bearer, the model named as GitHub names it, structured output sent', async () => {
  mock.requests.length = 0;
  const TOKEN = 'ghp_DUMMYtoken0123456789abcdefABCDEF0123';
  const r = await cli(['examples/support-reply.prompt.yml', '--reporter', 'json', '--no-record', '--no-cache'], { GITHUB_MODELS_BASE_URL: mock.openaiBaseUrl, GITHUB_TOKEN: TOKEN });
  const report = JSON.parse(r.stdout);
  assert.deepEqual(report.results.map((x: { provider: string }) => x.provider), ['github', 'github']);
  assert.ok(mock.requests.length >= 2);
  assert.ok(mock.requests.every((q) => q.headers.authorization === `Bearer ${TOKEN}`));
  const main = mock.requests.find((q) => q.prompt.includes('How do I point my domain'))!;
  assert.equal(main.body.model, 'openai/gpt-4o-mini');
  assert.deepEqual((main.body.response_format as { type: string }).type, 'json_schema');
  assert.deepEqual((main.body.response_format as { json_schema: { schema: { required: string[] } } }).json_schema.schema.required, ['reply', 'escalate']);
  // The token is nowhere in the report.
  assert.ok(!r.stdout.includes(TOKEN));
  // Without a token: the cases error with a message that says what to do.
  const none = await cli(['examples/support-reply.prompt.yml', '--reporter', 'json', '--no-record', '--no-cache'], { GITHUB_MODELS_BASE_URL: mock.openaiBaseUrl });
  assert.equal(none.code, 1);
  assert.match(JSON.parse(none.stdout).results[0].reason, /No GitHub token for GitHub Models\. .*GITHUB_TOKEN/);
});
