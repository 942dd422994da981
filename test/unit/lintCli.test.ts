// `prompt-workbench lint` with the lint rules: the nearest config file, --config, exit codes
// 0/1/2, --max-warnings, GitHub Actions annotations.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { runCli } from '../support/cli';

const run = (args: string[], cwd: string, github = false) => runCli(args, cwd, { GITHUB_ACTIONS: github ? 'true' : undefined });

const KEY = `sk-proj-${'Ab1Cd2Ef3Gh4Ij5Kl6Mn7Op8Qr9St0Uv1Wx2Yz3Ab4Cd5Ef6Gh7Ij8Kl9Mn0Op1Qr2St3Uv4Wx5Yz6Zz'.slice(0, 74)}`;

function workspace(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'pw-lintcli-'));
  mkdirSync(path.join(dir, '.git'));
  mkdirSync(path.join(dir, 'team', 'sub'), { recursive: true });
  writeFileSync(path.join(dir, 'vague.prompt'), '---\nmodel: openai/gpt-4o\nconfig:\n  maxOutputTokens: 100\n---\nTry to be brief.\n');
  writeFileSync(path.join(dir, 'team', 'sub', 'secret.prompt'), `---\nmodel: openai/gpt-4o\nconfig:\n  maxOutputTokens: 100\n---\nUse ${KEY}T3BlbkFJ${KEY.slice(8)} for the call.\n`);
  return dir;
}

test('lint runs the rules: a leaked key is a masked error (exit 1), vague words an info', async () => {
  const dir = workspace();
  const r = await run(['lint', '.'], dir);
  assert.equal(r.code, 1);
  assert.match(r.stdout, /team\/sub\/secret\.prompt\n {2}6:5 +error +Secret in the prompt: OpenAI API token "sk-p…"/);
  assert.ok(!r.stdout.includes(KEY.slice(0, 15)), 'the key is never printed');
  assert.match(r.stdout, /vague\.prompt\n {2}6:1 +info +Vague: "Try to"/);
});

test('the nearest .promptlintrc.yaml applies (up to the repository root); --config overrides it', async () => {
  const dir = workspace();
  writeFileSync(path.join(dir, '.promptlintrc.yaml'), 'rules:\n  vague-language: error\n');
  writeFileSync(path.join(dir, 'team', '.promptlintrc.yml'), 'rules:\n  secret-in-prompt: warning\n');
  const r = await run(['lint', '.', '--format', 'json'], dir);
  const results = JSON.parse(r.stdout) as { file: string; diagnostics: { code: string; severity: string }[] }[];
  const sev = (file: string, code: string) => results.find((x) => x.file === file)!.diagnostics.find((d) => d.code === code)?.severity;
  assert.equal(sev('vague.prompt', 'vague-language'), 'error');
  assert.equal(sev(path.join('team', 'sub', 'secret.prompt'), 'secret-in-prompt'), 'warning');
  assert.equal(r.code, 1);
  writeFileSync(path.join(dir, 'quiet.yaml'), 'rules:\n  vague-language: off\n  secret-in-prompt: off\n');
  const q = await run(['lint', '.', '--config', 'quiet.yaml'], dir);
  assert.equal(q.code, 0, q.stdout);
  assert.match(q.stdout, /No problems in 2 files\./);
});

test('an invalid config exits 2 with file:line:col and what to do', async () => {
  const dir = workspace();
  writeFileSync(path.join(dir, '.promptlintrc.yaml'), 'rules:\n  vauge-language: off\n  whitespace: loud\n');
  const r = await run(['lint', '.'], dir);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /\.promptlintrc\.yaml:2:3: Unknown rule `vauge-language`\. Did you mean `vague-language`\?/);
  assert.match(r.stderr, /\.promptlintrc\.yaml:3:15: `whitespace`: expected one of off, hint, info, warning, error; got "loud"/);
  const missing = await run(['lint', '.', '--config', 'nope.yaml'], dir);
  assert.equal(missing.code, 2);
  assert.match(missing.stderr, /Cannot read the lint config nope\.yaml: no such file/);
});

test('--max-warnings counts lint warnings', async () => {
  const dir = workspace();
  writeFileSync(path.join(dir, '.promptlintrc.yaml'), 'rules:\n  vague-language: warning\n  secret-in-prompt: off\n');
  assert.equal((await run(['lint', '.'], dir)).code, 0);
  const r = await run(['lint', '.', '--max-warnings', '0'], dir);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /Too many warnings: 1 \(maximum 0\)/);
});

test('GITHUB_ACTIONS=true adds workflow annotations: stdout with text, stderr with sarif/json', async () => {
  const dir = workspace();
  const text = await run(['lint', '.'], dir, true);
  assert.match(text.stdout, /^::error file=team\/sub\/secret\.prompt,line=6,col=5,endLine=6,endColumn=\d+,title=secret-in-prompt::Secret in the prompt/m);
  assert.match(text.stdout, /^::notice file=vague\.prompt,line=6,col=1,.*title=vague-language::Vague/m);
  const sarif = await run(['lint', '.', '--format', 'sarif'], dir, true);
  JSON.parse(sarif.stdout);
  assert.match(sarif.stderr, /^::error file=team\/sub\/secret\.prompt/m);
  const plain = await run(['lint', '.'], dir, false);
  assert.ok(!plain.stdout.includes('::error'));
});
