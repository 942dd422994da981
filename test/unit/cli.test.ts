import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { runCli } from '../support/cli';

const run = (args: string[], cwd: string) => runCli(args, cwd);

function workspace(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'pw-cli-'));
  mkdirSync(path.join(dir, 'prompts', 'sub dir'), { recursive: true });
  writeFileSync(path.join(dir, 'prompts', 'good.prompt'), '---\nmodel: openai/gpt-4o\ninput:\n  schema:\n    name: string\n---\nHello {{name}}\n');
  writeFileSync(path.join(dir, 'prompts', 'sub dir', 'bad.prompt'), '---\nconfig:\n  temperature: hot\ndescripton: x\n---\n{{#if a}}\n');
  writeFileSync(path.join(dir, 'prompts', 'warn.prompt'), '---\ndescripton: x\n---\nHi\n');
  // These tests are about the template checks; the lint rules have their own (lintCli.test.ts).
  writeFileSync(path.join(dir, '.promptlintrc.yaml'), 'rules:\n  missing-max-tokens: off\n  untrusted-input-undelimited: off\n');
  return dir;
}

test('lint reports problems with file:line:col and exits 1 on errors', async () => {
  const dir = workspace();
  const r = await run(['lint', 'prompts'], dir);
  assert.equal(r.code, 1);
  assert.match(r.stdout, /prompts\/sub dir\/bad\.prompt\n {2}3:16 +error +Expected a number \(0 to 2\) for `config\.temperature`, got the text "hot"\. {2}frontmatter-schema/);
  assert.match(r.stdout, /6:1 +error +The block `\{\{#if\}\}` is never closed/);
  assert.match(r.stdout, /5 problems \(2 errors, 2 warnings, 1 other\) in 3 files/);
});

test('warnings alone exit 0 unless --max-warnings is exceeded', async () => {
  const dir = workspace();
  assert.equal((await run(['lint', 'prompts/warn.prompt'], dir)).code, 0);
  const r = await run(['lint', 'prompts/warn.prompt', '--max-warnings', '0'], dir);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /Too many warnings: 1 \(maximum 0\)/);
});

test('--format json gives machine-readable results, --quiet keeps errors only', async () => {
  const dir = workspace();
  const r = await run(['lint', 'prompts/**/*.prompt', '--format', 'json', '--quiet'], dir);
  const results = JSON.parse(r.stdout) as { file: string; diagnostics: { code: string; line: number; column: number; severity: string }[] }[];
  assert.deepEqual(results.map((x) => x.file), ['prompts/good.prompt', 'prompts/sub dir/bad.prompt', 'prompts/warn.prompt']);
  assert.deepEqual(results[1].diagnostics.map((d) => [d.code, d.line, d.column, d.severity]), [
    ['frontmatter-schema', 3, 16, 'error'],
    ['template-unclosed-block', 6, 1, 'error'],
  ]);
});

test('usage errors exit 2 with a message that says what to do', async () => {
  const dir = workspace();
  const missing = await run(['lint', 'nope/*.prompt'], dir);
  assert.equal(missing.code, 2);
  assert.match(missing.stderr, /No prompt files \(\*\.prompt, \*\.prompty, \*\.prompt\.yml, \*\.prompt\.yaml, or agent instruction files: AGENTS\.md, \*\.instructions\.md, CLAUDE\.md, \.\.\.\) found for "nope\/\*\.prompt"/);
  assert.equal((await run(['frobnicate'], dir)).code, 2);
  assert.equal((await run(['lint', '--format', 'xml'], dir)).code, 2);
  assert.equal((await run(['lint', '--max-warnings', 'many'], dir)).code, 2);
  assert.equal((await run(['lint', '--nope'], dir)).code, 2);
  assert.equal((await run([], dir)).code, 2);
  assert.equal((await run(['--help'], dir)).code, 0);
});

test('schema prints the frontmatter JSON Schema', async () => {
  const r = await run(['schema'], process.cwd());
  const schema = JSON.parse(r.stdout);
  assert.equal(schema.properties.config.properties.temperature.maximum, 2);
});
