// `javascript` assertions through the built CLI, copied with the files it loads beside it into a
// folder outside the repository (as an installed package runs): code that reaches for the host,
// loops or allocates without end is stopped and the CLI exits; --no-javascript and the project
// config's `testing.javascript: false` skip them in `test` and in `diff --tests`.
import assert from 'node:assert/strict';
import { execFile, execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { after, before, test } from 'node:test';
import { ROOT } from '../support/lspClient';

const work = mkdtempSync(path.join(tmpdir(), 'pw-sandbox-cli-'));
const bin = path.join(work, 'bin');
const CLI = path.join(bin, 'cli.js');
const project = path.join(work, 'project');
const written = path.join(work, 'written-by-assertion.txt');
/** Long enough for the endless cases to be stopped (2 s each), short enough to catch a hang. */
const KILL_AFTER_MS = 30_000;

const PROMPT = '---\ninput:\n  schema:\n    name: string\n---\nHello {{name}}!\n';
const js = (value: string) => `      - type: javascript\n        value: ${JSON.stringify(value)}\n`;
const FIXTURE = `cases:
  - name: plain
    vars: { name: Ada }
    assert:
      - type: contains
        value: Ada
${js('output.includes(context.vars.name)')}  - name: only javascript
    vars: { name: Ada }
    assert:
${js('output.length > 100')}  - name: reaches for the host
    vars: { name: Ada }
    assert:
${js("(() => { for (const get of [() => process, () => require, () => globalThis.process, () => context.constructor.constructor('return process')()]) { try { if (get() !== undefined) return false; } catch (e) {} } return true; })()")}  - name: writes a file
    vars: { name: Ada }
    assert:
${js(`const p = context.constructor.constructor('return process')(); p.getBuiltinModule('node:fs').writeFileSync(${JSON.stringify(written)}, 'x'); return true;`)}  - name: endless microtasks
    vars: { name: Ada }
    assert:
${js('(Promise.resolve().then(function f () { return Promise.resolve().then(f); }), true)')}  - name: endless flat microtasks
    vars: { name: Ada }
    assert:
${js('(Promise.resolve().then(function f () { Promise.resolve().then(f); }), true)')}  - name: endless loop
    vars: { name: Ada }
    assert:
${js('while (true) {}')}  - name: memory bomb
    vars: { name: Ada }
    assert:
${js('const a = []; for (;;) a.push(new Array(1e6).fill(1));')}`;

before(() => {
  mkdirSync(bin);
  for (const f of readdirSync(path.join(ROOT, 'dist')).filter((f) => f === 'cli.js' || /\.wasm$/.test(f) || /^(tokenizer|lib)-.*\.js$/.test(f) || f === 'genai.js')) copyFileSync(path.join(ROOT, 'dist', f), path.join(bin, f));
  mkdirSync(project);
  writeFileSync(path.join(project, 'greet.prompt'), PROMPT);
  writeFileSync(path.join(project, 'greet.tests.yaml'), FIXTURE);
});
after(() => rmSync(work, { recursive: true, force: true }));

interface Run {
  code: number | null;
  killed: boolean;
  stdout: string;
  stderr: string;
}

function cli(args: string[], cwd = project): Promise<Run> {
  return new Promise((resolve) => {
    const clean = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^(OPENAI|ANTHROPIC|PROMPT_WORKBENCH)_/.test(k)));
    execFile(process.execPath, [CLI, ...args], { cwd, env: clean, timeout: KILL_AFTER_MS, killSignal: 'SIGKILL' }, (err, stdout, stderr) =>
      resolve({ code: err ? ((err as { code?: number }).code ?? null) : 0, killed: !!err?.killed || !!(err as { signal?: string } | null)?.signal, stdout: String(stdout), stderr: String(stderr) }),
    );
  });
}

type Result = { caseName: string; status: string; reason: string; assertions: { type: string; pass: boolean; skipped?: boolean; weight: number; reason: string }[] };
const byName = (stdout: string) => new Map((JSON.parse(stdout).results as Result[]).map((r) => [r.caseName, r]));

test('offline, javascript assertions run boxed: escapes find nothing, endless and memory-hungry code is stopped, and the CLI exits', async () => {
  const r = await cli(['test', '.', '--offline', '--reporter', 'json', '--no-record', '--no-cache']);
  assert.equal(r.killed, false, `the CLI did not exit within ${KILL_AFTER_MS} ms`);
  assert.equal(r.code, 1, r.stderr);
  const results = byName(r.stdout);
  assert.equal(results.get('plain')?.status, 'passed', results.get('plain')?.reason);
  assert.equal(results.get('only javascript')?.status, 'failed');
  assert.equal(results.get('reaches for the host')?.status, 'passed', results.get('reaches for the host')?.reason);
  assert.equal(existsSync(written), false, 'an assertion wrote a file');
  assert.equal(results.get('writes a file')?.status, 'error');
  // The reported loop chains each promise to the next, so it grows until the memory limit or the time limit stops it.
  assert.equal(results.get('endless microtasks')?.status, 'error');
  assert.match(results.get('endless microtasks')!.reason, /longer than 2000 ms|more than 32 MB of memory/);
  assert.match(results.get('endless flat microtasks')!.reason, /longer than 2000 ms/);
  assert.match(results.get('endless loop')!.reason, /longer than 2000 ms/);
  assert.equal(results.get('memory bomb')?.status, 'error');
  assert.match(results.get('memory bomb')!.reason, /memory/);
});

test('--no-javascript skips javascript assertions with the reason; the case\'s other assertions still count', async () => {
  const r = await cli(['test', '.', '--no-javascript', '--reporter', 'json', '--no-record', '--no-cache']);
  assert.equal(r.killed, false);
  assert.equal(r.code, 0, r.stdout + r.stderr);
  const results = byName(r.stdout);
  const plain = results.get('plain')!;
  assert.equal(plain.status, 'passed');
  assert.deepEqual(plain.assertions.map((a) => [a.type, a.pass, !!a.skipped, a.weight]), [['contains', true, false, 1], ['javascript', false, true, 0]]);
  assert.match(plain.assertions[1].reason, /--no-javascript/);
  for (const name of ['only javascript', 'reaches for the host', 'writes a file', 'endless microtasks', 'endless flat microtasks', 'endless loop', 'memory bomb']) {
    assert.equal(results.get(name)?.status, 'skipped', name);
    assert.match(results.get(name)!.reason, /--no-javascript/, name);
  }
});

test('`testing: { javascript: false }` in the project config does the same; an invalid value is a usage error', async () => {
  writeFileSync(path.join(project, 'prompt-workbench.yaml'), 'testing:\n  javascript: false\n');
  try {
    const r = await cli(['test', '.', '--reporter', 'json', '--no-record', '--no-cache']);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    const results = byName(r.stdout);
    assert.equal(results.get('plain')?.status, 'passed');
    assert.equal(results.get('memory bomb')?.status, 'skipped');
    assert.match(results.get('memory bomb')!.reason, /testing\.javascript: false/);
    writeFileSync(path.join(project, 'prompt-workbench.yaml'), 'testing:\n  javascript: maybe\n');
    const bad = await cli(['test', '.', '--no-record', '--no-cache']);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /testing\.javascript/);
  } finally {
    rmSync(path.join(project, 'prompt-workbench.yaml'), { force: true });
  }
});

test('diff --tests honours --no-javascript and the project config, and runs javascript assertions boxed otherwise', async () => {
  const repo = path.join(work, 'repo');
  mkdirSync(repo);
  writeFileSync(path.join(repo, 'greet.prompt'), PROMPT);
  writeFileSync(path.join(repo, 'greet.tests.yaml'), `cases:\n  - name: short\n    vars: { name: Ada }\n    assert:\n${js('output.length < 40')}`);
  const git = (...args: string[]) => execFileSync('git', args, { cwd: repo, env: { ...process.env, GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@e', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@e' } });
  git('init', '-q');
  git('add', '.');
  git('commit', '-qm', 'first');
  writeFileSync(path.join(repo, 'greet.prompt'), PROMPT.replace('Hello {{name}}!', 'Hello {{name}}! Welcome back, it is good to see you again today.'));
  const statuses = (stdout: string) => {
    const tests = JSON.parse(stdout).tests;
    return tests.comparison.cases.map((c: { change: string; a?: { pass: boolean; error?: string }; b?: { pass: boolean; error?: string } }) => [c.change, c.a?.pass, c.b?.pass, c.a?.error ?? null, c.b?.error ?? null]);
  };
  const ran = await cli(['diff', 'greet.prompt', '--tests', '--offline', '--json', '--no-record', '--no-cache'], repo);
  assert.equal(ran.code, 1, ran.stderr);
  assert.deepEqual(statuses(ran.stdout), [['newly-failing', true, false, null, null]]);
  const off = await cli(['diff', 'greet.prompt', '--tests', '--no-javascript', '--json', '--no-record', '--no-cache'], repo);
  assert.equal(off.code, 0, off.stderr);
  const skipped = (reason: RegExp) => (s: unknown[][]) => s.length === 1 && s[0][1] === false && s[0][2] === false && reason.test(String(s[0][3])) && reason.test(String(s[0][4]));
  assert.ok(skipped(/--no-javascript/)(statuses(off.stdout)), off.stdout);
  writeFileSync(path.join(repo, 'prompt-workbench.yaml'), 'testing:\n  javascript: false\n');
  const config = await cli(['diff', 'greet.prompt', '--tests', '--json', '--no-record', '--no-cache'], repo);
  assert.equal(config.code, 0, config.stderr);
  assert.ok(skipped(/testing\.javascript: false/)(statuses(config.stdout)), config.stdout);
});
