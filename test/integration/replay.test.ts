// `prompt-workbench replay` against the local provider server: a case recorded by `test` is sent
// again exactly as recorded (the same wire body), the server answers differently the second
// time, and the replay shows the changed answer (verdict, assertion, text diff, tokens, cost) and
// writes a new record pointing to the one it replays. Another model (provider-qualified), one
// case, offline runs, and records that cannot be replayed.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { after, before, beforeEach, test } from 'node:test';
import { parseRunRecord, type CaseRequest } from '../../server/src/service/testing';
import { runCli } from '../support/cli';
import { MockProvider } from '../support/mockProvider';

const KEY = 'sk-FAKE-REPLAY-KEY-0a1b2c3d4e';
const ANT_KEY = 'sk-ant-FAKE-REPLAY-KEY-9z8y7x';
let mock: MockProvider;
let env: Record<string, string | undefined>;

before(async () => {
  mock = await MockProvider.start();
  env = { OPENAI_API_KEY: KEY, OPENAI_BASE_URL: mock.openaiBaseUrl, ANTHROPIC_API_KEY: ANT_KEY, ANTHROPIC_BASE_URL: mock.anthropicBaseUrl, NO_COLOR: '1', FORCE_COLOR: undefined, PROMPT_WORKBENCH_CACHE_DIR: undefined };
});
after(async () => {
  await mock.stop();
});
beforeEach(() => mock.reset());

function project(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'pw-replay-'));
  writeFileSync(path.join(dir, 'prompt-workbench.yaml'), 'testing: {}\n');
  mkdirSync(path.join(dir, 'prompts'));
  writeFileSync(
    path.join(dir, 'prompts', 'capital.prompt'),
    `---\nmodel: openai/gpt-4o-mini\nconfig:\n  temperature: 0.7\n  maxOutputTokens: 50\ninput:\n  schema:\n    country: string\n---\n{{role "system"}}\nAnswer with the city only.\n{{role "user"}}\nWhat is the capital of {{country}}?\n`,
  );
  writeFileSync(
    path.join(dir, 'prompts', 'capital.tests.yaml'),
    `prompt: capital.prompt\ncases:\n  - name: france\n    vars: { country: France }\n    assert:\n      - type: contains\n        value: Paris\n  - name: japan\n    vars: { country: Japan }\n    assert:\n      - type: contains\n        value: Tokyo\n`,
  );
  return dir;
}

function records(dir: string): string[] {
  return readdirSync(path.join(dir, '.prompt-workbench', 'runs')).filter((f) => f.endsWith('.jsonl')).sort();
}

/** Records a run: Paris for France, Tokyo for Japan (both pass). */
async function recordRun(dir: string): Promise<string> {
  mock.script = (req) => ({ text: req.prompt.includes('France') ? 'Paris' : 'Tokyo', usage: { input: 20, output: 2 }, model: 'gpt-4o-mini-2024-07-18' });
  const r = await runCli(['test', '--no-cache'], dir, env);
  assert.equal(r.code, 0, r.stdout + r.stderr);
  const [name] = records(dir);
  return path.join('.prompt-workbench', 'runs', name);
}

test('a replay of a recorded case shows the changed answer and writes a record that points to the old one', async () => {
  const dir = project();
  const recordFile = await recordRun(dir);
  const recorded = parseRunRecord(readFileSync(path.join(dir, recordFile), 'utf8'));
  const sentFirst = mock.requests.find((r) => r.prompt.includes('France'))!.body;
  mock.reset();
  // The second time the server answers differently: the model's answer drifted.
  mock.script = () => ({ text: 'The capital of France is Lyon, a large city.', usage: { input: 20, output: 11 }, model: 'gpt-4o-mini-2025-01-01' });

  const r = await runCli(['replay', recordFile, '--case', 'france'], dir, env);
  assert.equal(r.code, 1, 'the replayed case fails now');
  assert.equal(mock.requests.length, 1);
  // Sent again exactly: the body that reached the server is the recorded one.
  assert.deepEqual(mock.requests[0].body, sentFirst);
  assert.deepEqual((recorded.cases.find((c) => c.case === 'france')!.request as CaseRequest).sent?.body, sentFirst);

  const out = r.stdout;
  assert.match(out, /^Replaying 1 case of \.prompt-workbench\/runs\/run-.*\.jsonl \(recorded .*\):$/m);
  assert.match(out, /^prompts\/capital\.tests\.yaml#france {2}openai\/gpt-4o-mini$/m);
  assert.match(out, /^ {2}verdict {3}passed -> failed {2}\(1 of 1 assertion failed\.\)$/m);
  assert.match(out, /^ {2}answer {4}changed \(model gpt-4o-mini-2024-07-18 -> gpt-4o-mini-2025-01-01\)$/m);
  assert.match(out, /^ {2}tokens {4}in 20 -> 20 \(±0\), out 2 -> 11 \(\+9\)$/m);
  assert.match(out, /^ {2}cost {6}\$0\.\d{6} -> \$0\.\d{6} \(\+\$0\.\d{6}\)$/m);
  assert.match(out, /^ {2}assertion contains \(line 6\): pass -> fail$/m);
  assert.match(out, /^ {2}--- recorded \(.*\)$/m);
  assert.match(out, /^ {2}\+\+\+ replay \(openai\/gpt-4o-mini\)$/m);
  assert.match(out, /^ {2}-Paris$/m);
  assert.match(out, /^ {2}\+The capital of France is Lyon, a large city\.$/m);
  assert.match(out, /^1 replayed: 1 answer changed, 1 verdict changed; 0 passed, 1 failed, 0 errors, 0 skipped$/m);
  assert.ok(!out.includes('\x1b['), 'NO_COLOR');

  // The new record: beside the old one, pointing to it, with the new request and answer.
  const all = records(dir);
  assert.equal(all.length, 2);
  const newName = all.find((n) => n !== path.basename(recordFile))!;
  assert.match(out, new RegExp(`^Run record: \\.prompt-workbench/runs/${newName.replace(/[.-]/g, '\\$&')} \\(replay of ${path.basename(recordFile).replace(/[.-]/g, '\\$&')}\\)$`, 'm'));
  const text = readFileSync(path.join(dir, '.prompt-workbench', 'runs', newName), 'utf8');
  assert.ok(!text.includes(KEY) && !text.includes(ANT_KEY), 'no key in the replay record');
  const replay = parseRunRecord(text);
  assert.deepEqual(replay.problems, []);
  assert.deepEqual((replay.run as Record<string, unknown>).replayOf, { record: path.basename(recordFile), startedAt: recorded.run!.startedAt });
  assert.equal(replay.cases.length, 1);
  const c = replay.cases[0] as Record<string, unknown>;
  assert.deepEqual(c.replayOf, { record: path.basename(recordFile), id: 'prompts/capital.tests.yaml#france' });
  assert.equal(c.status, 'failed');
  assert.equal(c.output, 'The capital of France is Lyon, a large city.');
  assert.equal(c.returnedModel, 'gpt-4o-mini-2025-01-01');
  assert.equal(c.promptHash, (recorded.cases[0] as Record<string, unknown>).promptHash, 'the record names the version of the prompt that was replayed');
  assert.deepEqual((c.request as CaseRequest).sent?.body, sentFirst);
});

test('replay to another provider-qualified model, as JSON; every case without --case', async () => {
  const dir = project();
  const recordFile = await recordRun(dir);
  mock.reset();
  mock.script = (req) => ({ text: req.prompt.includes('France') ? 'Paris' : 'Kyoto', usage: { input: 25, output: 3 } });
  const r = await runCli(['replay', recordFile, '--model', 'anthropic/claude-3-5-haiku-latest', '--json', '--no-record'], dir, env);
  assert.equal(r.code, 1, r.stderr);
  assert.deepEqual(mock.requests.map((q) => [q.api, q.body.model, (q.body as { system?: string }).system]), [
    ['anthropic', 'claude-3-5-haiku-latest', 'Answer with the city only.'],
    ['anthropic', 'claude-3-5-haiku-latest', 'Answer with the city only.'],
  ]);
  assert.equal(mock.requests[0].body.temperature, 0.7);
  assert.equal(mock.requests[0].body.max_tokens, 50);
  const j = JSON.parse(r.stdout);
  assert.equal(j.replayRecord, null);
  assert.deepEqual(j.cases.map((c: { replay: { id: string; status: string }; outputChanged: boolean; target: { qualified: string } }) => [c.replay.id, c.replay.status, c.outputChanged, c.target.qualified]), [
    ['prompts/capital.tests.yaml#france', 'passed', false, 'anthropic/claude-3-5-haiku-latest'],
    ['prompts/capital.tests.yaml#japan', 'failed', true, 'anthropic/claude-3-5-haiku-latest'],
  ]);
  assert.match(j.cases[0].notes.join(' '), /Sent to anthropic\/claude-3-5-haiku-latest instead of the recorded openai\/gpt-4o-mini\./);
  assert.equal(records(dir).length, 1, '--no-record');
});

test('--offline sends nothing; an unknown case, a model without a provider and a version 1 record are clear errors', async () => {
  const dir = project();
  const recordFile = await recordRun(dir);
  mock.reset();
  const off = await runCli(['replay', recordFile, '--offline', '--no-record'], dir, env);
  assert.equal(off.code, 0, off.stderr);
  assert.equal(mock.requests.length, 0);
  assert.match(off.stdout, /verdict {3}passed -> skipped {2}\(Skipped: --offline runs only render cases \(this replay goes to openai\)\.\)/);

  const unknown = await runCli(['replay', recordFile, '--case', 'spain'], dir, env);
  assert.equal(unknown.code, 2);
  assert.match(unknown.stderr, /--case "spain" is not in the record\. Its cases: prompts\/capital\.tests\.yaml#france, prompts\/capital\.tests\.yaml#japan\./);
  const bare = await runCli(['replay', recordFile, '--model', 'gpt-4o'], dir, env);
  assert.equal(bare.code, 2);
  assert.match(bare.stderr, /--model needs a provider-qualified model/);

  const v1 = path.join(dir, 'old.jsonl');
  writeFileSync(v1, '{"type":"run","version":1,"tool":"prompt-workbench","toolVersion":"0.1.0","origin":"cli","startedAt":"2026-11-01T10:00:00.000Z","finishedAt":"2026-11-01T10:00:02.000Z","durationMs":2000,"counts":{"passed":1,"failed":0,"error":0,"skipped":0},"cache":null}\n{"type":"case","id":"prompts/capital.tests.yaml#france","caseKey":"prompts/capital.tests.yaml#france","fixture":"prompts/capital.tests.yaml","prompt":"prompts/capital.prompt","case":"france","caseLine":3,"repeat":1,"repeats":1,"status":"passed","provider":"openai","output":"Paris","latencyMs":300,"cost":null,"reason":"All 1 assertion passed.","assertions":[]}\n');
  const old = await runCli(['replay', 'old.jsonl'], dir, env);
  assert.equal(old.code, 2);
  assert.match(old.stderr, /No case of this record holds its request .*Run `prompt-workbench test` again to record the requests\./);
  assert.equal(mock.requests.length, 0);
});
