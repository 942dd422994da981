// `prompt-workbench test` in-process: usage and config errors (exit 2), reporters, shards, repeats.
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { runCli } from '../support/cli';

const run = (args: string[], cwd: string) => runCli(args, cwd);

function workspace(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'pw-cli-test-'));
  writeFileSync(path.join(dir, 'greet.prompt'), '---\nmodel: openai/gpt-4o\ninput:\n  schema:\n    name: string\n---\nHello {{name}}!\n');
  const cases = ['Ada', 'Bo', 'Cy', 'Di', 'Ed', 'Flo'].map((n) => `  - name: greets ${n}\n    provider: render\n    vars: { name: ${n} }\n    assert:\n      - type: equals\n        value: "Hello ${n}!"\n`).join('');
  writeFileSync(path.join(dir, 'greet.tests.yaml'), `cases:\n${cases}  - name: fails\n    provider: render\n    vars: { name: Zed }\n    assert:\n      - type: contains\n        value: Goodbye\n`);
  return dir;
}

test('usage and configuration errors exit 2 with a message that says what to do', async () => {
  const dir = workspace();
  const cases: [string[], RegExp][] = [
    [['test', 'nope'], /No fixture files \(\*\.tests\.yaml\) found for "nope"/],
    [['test', '--shard', '3/2'], /--shard needs K\/N with 1 <= K <= N/],
    [['test', '--provider', 'gemini'], /Unknown provider "gemini"/],
    [['test', '--provider', 'vscode-lm'], /runs only inside VS Code/],
    [['test', '--reporter', 'xml'], /Unknown reporter "xml"/],
    [['test', '--concurrency', '0'], /--concurrency needs a whole number of 1 or more/],
    [['test', '--bogus'], /Unknown option '--bogus'/],
  ];
  for (const [args, message] of cases) {
    const r = await run(args, dir);
    assert.equal(r.code, 2, args.join(' '));
    assert.match(r.stderr, message);
  }
  writeFileSync(path.join(dir, 'bad.tests.yaml'), 'prompt: missing.prompt\ncases:\n  - name: x\n    repeat: many\n');
  const bad = await run(['test', 'bad.tests.yaml'], dir);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /bad\.tests\.yaml:1:9 {2}error {2}The prompt under test, `missing\.prompt`, does not exist/);
  assert.match(bad.stderr, /bad\.tests\.yaml:4:13 {2}error {2}Expected a number for `cases\[0\]\.repeat`/);
});

test('text report, exit 1 on a failure, and a run record in .prompt-workbench/runs', async () => {
  const dir = workspace();
  const r = await run(['test', 'greet.tests.yaml'], dir);
  assert.equal(r.code, 1);
  assert.match(r.stdout, /PASS {2}greet\.tests\.yaml:2 greets Ada {2}\(render, render, \d+ ms\)/);
  assert.match(r.stdout, /FAIL {2}greet\.tests\.yaml:38 fails[^\n]*\n {6}1 of 1 assertion failed\.\n {6}- contains \(line 42\): The output does not contain "Goodbye"\.\n {8}expected: contains "Goodbye"\n {8}actual: {3}Hello Zed!/);
  assert.match(r.stdout, /6 passed, 1 failed, 0 errors, 0 skipped in [\d.]+ s\nRun record: \.prompt-workbench\/runs\/run-[^\n]+\.jsonl/);
  assert.equal(readdirSync(path.join(dir, '.prompt-workbench', 'runs')).length, 1);
});

test('json reporter, shards that add up to the suite, --repeat and --no-record', async () => {
  const dir = workspace();
  const ids: string[][] = [];
  for (const k of [1, 2, 3]) {
    const r = await run(['test', '--reporter', 'json', '--shard', `${k}/3`, '--no-record'], dir);
    const report = JSON.parse(r.stdout) as { summary: { counts: Record<string, number>; record: null }; results: { id: string; status: string; output: string }[] };
    assert.equal(report.summary.record, null);
    ids.push(report.results.map((x) => x.id));
  }
  assert.deepEqual(ids.flat().sort(), ['fails', 'greets Ada', 'greets Bo', 'greets Cy', 'greets Di', 'greets Ed', 'greets Flo'].map((n) => `greet.tests.yaml#${n}`).sort());
  assert.ok(ids.every((s) => s.length < 7), 'each shard has a part of the suite');
  const repeated = JSON.parse((await run(['test', '--reporter', 'json', '--repeat', '2', '--no-record'], dir)).stdout) as { results: { id: string }[] };
  assert.equal(repeated.results.length, 14);
  assert.ok(repeated.results.some((x) => x.id === 'greet.tests.yaml#greets Ada#2'));
  assert.equal(readdirSync(dir).includes('.prompt-workbench'), false);
});
