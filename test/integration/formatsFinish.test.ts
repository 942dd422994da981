// Prompty and GitHub Models files over real LSP stdio and through the CLI (dist/), as a user meets
// them: `x.tests.yaml` beside `x.prompty` (no `prompt:`) is that prompt's fixture (its cases in
// the preview's pick, its variable checks against the Prompty inputs, `prompt-workbench test` runs
// it), a GitHub Models file's `testData` rows are the preview's value sets, and the suite cost
// estimate names the format's own key for the answer's limit.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { after, before, test } from 'node:test';
import { FixtureCasesRequest, RenderRequest, type FixtureCaseItem, type RenderResponse } from '../../server/src/protocol';
import { fileUri, ROOT, TestLanguageClient } from '../support/lspClient';

const CLI = path.join(ROOT, 'dist', 'cli.js');
const PROMPTY = `---
name: Answer
model:
  id: gpt-4o-mini
  provider: openai
  options:
    maxOutputTokens: 250
inputs:
  question:
    kind: string
    default: Where is my parcel?
---
user:
<question>
{{ question }}
</question>
`;
const FIXTURE = `cases:
  - name: the default question
    provider: render
    assert:
      - type: contains
        value: Where is my parcel?
  - name: another question
    provider: render
    vars:
      question: Can I pay by card?
    assert:
      - type: contains
        value: pay by card
`;
const GITHUB = `name: Ticket triage
model: openai/gpt-4o-mini
modelParameters:
  maxTokens: 20
messages:
  - role: user
    content: "Sort <ticket>{{ticket}}</ticket> for the {{plan}} plan"
testData:
  - ticket: I was charged twice.
    plan: premium
  - ticket: My parcel is late.
    plan: basic
evaluators:
  - name: says billing
    string:
      contains: billing
`;

let dir: string;
let client: TestLanguageClient;
const uri = (name: string) => fileUri(path.join(dir, name));

before(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'pw-formats-finish-'));
  writeFileSync(path.join(dir, 'answer.prompty'), PROMPTY);
  writeFileSync(path.join(dir, 'answer.tests.yaml'), FIXTURE);
  writeFileSync(path.join(dir, 'ticket.prompt.yml'), GITHUB);
  mkdirSync(path.join(dir, 'orphan'));
  writeFileSync(path.join(dir, 'orphan', 'lonely.tests.yaml'), FIXTURE);
  client = await TestLanguageClient.startWithRoot(dir);
});

after(async () => {
  await client.stop();
  rmSync(dir, { recursive: true, force: true });
});

function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [CLI, ...args], { cwd: dir, timeout: 120_000 }, (err, stdout, stderr) => resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout: String(stdout), stderr: String(stderr) }));
  });
}

test('the preview pick lists the cases of x.tests.yaml for x.prompty, and renders one as the runner does', async () => {
  await client.open(uri('answer.prompty'), PROMPTY, 'prompty');
  const cases = (await client.connection.sendRequest(FixtureCasesRequest.method, { uri: uri('answer.prompty') })) as FixtureCaseItem[];
  assert.deepEqual(cases.map((c) => [c.fixtureName, c.caseName, c.line]), [['answer.tests.yaml', 'the default question', 1], ['answer.tests.yaml', 'another question', 6]]);
  const r = (await client.connection.sendRequest(RenderRequest.method, { uri: uri('answer.prompty'), case: { fixtureUri: uri('answer.tests.yaml'), caseName: 'another question' } })) as RenderResponse;
  assert.equal(r.ok, true, r.text);
  assert.match(r.text, /^# Rendered: answer\.prompty — case "another question" \(answer\.tests\.yaml\)\n/);
  assert.match(r.text, /<question>\nCan I pay by card\?\n<\/question>/);
});

test('the open fixture is checked against the .prompty inputs; a fixture with no prompt beside it says so', async () => {
  const withTypo = FIXTURE.replace('      question: Can I pay by card?', '      question: Can I pay by card?\n      questoin: typo');
  const published = await client.open(uri('answer.tests.yaml'), withTypo, 'yaml');
  assert.ok(!published.diagnostics.some((d) => d.code === 'fixture-prompt-missing'), JSON.stringify(published.diagnostics));
  // the misspelt variable is found against the Prompty file's inputs, at its key
  const typo = published.diagnostics.find((d) => /questoin/.test(String(d.message)));
  assert.ok(typo, `no diagnostic on questoin: ${JSON.stringify(published.diagnostics)}`);
  assert.equal(typo.code, 'fixture-undeclared-var');
  assert.equal(typo.message, '`questoin` is not an input of answer.prompty. Did you mean `question`? The template never sees it.');
  assert.deepEqual(typo.range, { start: { line: 10, character: 6 }, end: { line: 10, character: 14 } });

  const orphan = await client.open(uri('orphan/lonely.tests.yaml'), FIXTURE, 'yaml');
  const missing = orphan.diagnostics.find((d) => d.code === 'fixture-prompt-missing');
  assert.ok(missing, JSON.stringify(orphan.diagnostics));
  assert.match(String(missing.message), /`lonely\.prompt`, does not exist/);
});

test('the preview pick of a GitHub Models file offers its testData rows; a row renders with its values', async () => {
  await client.open(uri('ticket.prompt.yml'), GITHUB, 'github-models-prompt');
  const cases = (await client.connection.sendRequest(FixtureCasesRequest.method, { uri: uri('ticket.prompt.yml') })) as FixtureCaseItem[];
  assert.deepEqual(cases.map((c) => [c.fixtureUri, c.caseName, c.line, c.description]), [
    [uri('ticket.prompt.yml'), 'row 1', 8, 'ticket: I was charged twice., plan: premium'],
    [uri('ticket.prompt.yml'), 'row 2', 10, 'ticket: My parcel is late., plan: basic'],
  ]);
  const r = (await client.connection.sendRequest(RenderRequest.method, { uri: uri('ticket.prompt.yml'), case: { fixtureUri: uri('ticket.prompt.yml'), caseName: 'row 2' } })) as RenderResponse;
  assert.equal(r.ok, true, r.text);
  assert.match(r.text, /^# Rendered: ticket\.prompt\.yml — case "row 2" \(ticket\.prompt\.yml\)\n/);
  assert.match(r.text, /Sort <ticket>My parcel is late\.<\/ticket> for the basic plan/);
});

test('prompt-workbench test runs x.tests.yaml against x.prompty; --estimate names each format\'s key for the answer\'s limit', async () => {
  const run = await cli(['test', 'answer.tests.yaml', '--no-cache', '--records-dir', path.join(dir, '.runs')]);
  assert.equal(run.code, 0, run.stdout + run.stderr);
  assert.match(run.stdout, /PASS {2}answer\.tests\.yaml:\d+ another question/);
  assert.match(run.stdout, /2 passed, 0 failed/);

  const gh = await cli(['test', '--estimate', 'ticket.prompt.yml']);
  assert.equal(gh.code, 0, gh.stdout + gh.stderr);
  assert.match(gh.stdout, /Output tokens are an upper bound: modelParameters\.maxTokens of the prompt, else the model's maximum output\./);
  assert.doesNotMatch(gh.stdout, /config\.maxOutputTokens/);

  const pr = await cli(['test', '--estimate', 'answer.tests.yaml', '--provider', 'openai']);
  assert.equal(pr.code, 0, pr.stdout + pr.stderr);
  assert.match(pr.stdout, /answer\.prompty/);
  assert.match(pr.stdout, /Output tokens are an upper bound: config\.maxOutputTokens of the case, else model\.options\.maxOutputTokens of the prompt/);
});
