// `prompt-workbench tokens` and the token checks of `lint`.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import type { FileTokens } from '../../server/src/cli/tokens';
import { runCli } from '../support/cli';

const o200k: (text: string) => number = require('gpt-tokenizer/encoding/o200k_base').countTokens;
const gpt4oChat: (chat: { role: string; content: string }[]) => number = require('gpt-tokenizer/model/gpt-4o').countTokens;

const run = (args: string[], cwd: string) => runCli(args, cwd);

const GREET = '---\nmodel: openai/gpt-4o\ninput:\n  schema:\n    name: string\n  default:\n    name: Grace Hopper\n---\n{{role "system"}}\nYou are terse.\n{{role "user"}}\nSay hello to {{name}}.\n';

function workspace(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'pw-tokens-'));
  mkdirSync(path.join(dir, 'prompts'), { recursive: true });
  writeFileSync(path.join(dir, 'prompts', 'greet.prompt'), GREET);
  writeFileSync(path.join(dir, 'prompts', 'claude.prompt'), '---\nmodel: anthropic/claude-haiku-4-5\n---\nSummarise the text below in one line.\n\n{{text}}\n');
  writeFileSync(path.join(dir, 'big.prompt'), `---\nmodel: openai/gpt-4\n---\n${'All work and no play makes Jack a dull boy.\n\n'.repeat(1000)}`);
  return dir;
}

test('tokens prints per-message counts, template and rendered totals, window share and cost', async () => {
  const dir = workspace();
  const r = await run(['tokens', 'prompts/greet.prompt'], dir);
  assert.equal(r.code, 0, r.stderr);
  const sys = o200k('\nYou are terse.\n') + 4;
  const user = o200k('\nSay hello to {{name}}.\n') + 4;
  assert.match(r.stdout, /^prompts\/greet\.prompt {2}gpt-4o \(o200k_base\)\n/);
  assert.match(r.stdout, new RegExp(`\\n {2}system \\(line 9\\) +${sys}\\n`));
  assert.match(r.stdout, new RegExp(`\\n {2}user \\(line 11\\) +${user}\\n`));
  const rendered = gpt4oChat([{ role: 'system', content: '\nYou are terse.\n' }, { role: 'user', content: '\nSay hello to Grace Hopper.\n' }]);
  assert.match(r.stdout, new RegExp(`\\n {2}template +${sys + user + 3} +\\d+% of 128,000 +≤\\$[\\d.]+\\n`));
  assert.match(r.stdout, new RegExp(`\\n {2}rendered +${rendered} +\\d+% of 128,000 +≤\\$[\\d.]+\\n`));
  assert.match(r.stdout, /window and cost include 16,384 output tokens \(model default\)/);
});

test('tokens --json gives the same numbers for scripts; --model overrides and estimates are flagged', async () => {
  const dir = workspace();
  const r = await run(['tokens', 'prompts/*.prompt', '--json'], dir);
  assert.equal(r.code, 0, r.stderr);
  const results = JSON.parse(r.stdout) as FileTokens[];
  assert.deepEqual(results.map((x) => x.file), ['prompts/claude.prompt', 'prompts/greet.prompt']);
  const greet = results[1];
  assert.equal(greet.modelId, 'gpt-4o');
  assert.equal(greet.estimated, false);
  assert.deepEqual(greet.messages.map((m) => [m.role, m.line, m.content]), [
    ['system', 9, o200k('\nYou are terse.\n')],
    ['user', 11, o200k('\nSay hello to {{name}}.\n')],
  ]);
  assert.ok(greet.rendered.available);
  assert.equal(greet.contextWindow, 128_000);
  assert.ok(greet.cost!.total > 0);
  const claude = results[0];
  assert.equal(claude.estimated, true);
  // `{{text}}` is not declared in an input schema, so nothing is required: it renders empty.
  assert.equal(claude.rendered.available, true);

  const over = JSON.parse((await run(['tokens', 'prompts/greet.prompt', '--model', 'anthropic/claude-sonnet-4-5', '--format', 'json'], dir)).stdout) as FileTokens[];
  assert.equal(over[0].modelId, 'claude-sonnet-4-5');
  assert.equal(over[0].estimated, true);
  const text = await run(['tokens', 'prompts/greet.prompt', '--model', 'anthropic/claude-sonnet-4-5'], dir);
  assert.match(text.stdout, /template +≈\d+/);
  assert.match(text.stdout, /≈ marks estimates\./);
});

test('tokens exits 1 when a prompt overflows its model’s window; lint reports it too', async () => {
  const dir = workspace();
  const r = await run(['tokens', 'big.prompt'], dir);
  assert.equal(r.code, 1);
  assert.match(r.stdout, /error: This prompt needs [\d,]+ tokens \([\d,]+ prompt tokens\), but `gpt-4` has a context window of 8,192 tokens: [\d,]+ over\. .*  context-overflow\n/);
  const lint = await run(['lint', 'big.prompt'], dir);
  assert.equal(lint.code, 1);
  assert.match(lint.stdout, /2:8 +error +This prompt needs/);
  // The same prompt fits a larger model.
  assert.equal((await run(['lint', 'big.prompt', '--model', 'openai/gpt-4o'], dir)).code, 0);
});

test('tokens: usage errors exit 2', async () => {
  const dir = workspace();
  const missing = await run(['tokens', 'nope/*.prompt'], dir);
  assert.equal(missing.code, 2);
  assert.match(missing.stderr, /No prompt files \(\*\.prompt, \*\.prompty, \*\.prompt\.yml, \*\.prompt\.yaml, or agent instruction files: AGENTS\.md, \*\.instructions\.md, CLAUDE\.md, \.\.\.\) found/);
  assert.equal((await run(['tokens', '--format', 'xml'], dir)).code, 2);
});

test('tokens: a frontmatter row only for a file that has frontmatter', async () => {
  const dir = workspace();
  writeFileSync(path.join(dir, 'bare.prompt'), 'Say hello to {{name}}.\n');
  const text = await run(['tokens', 'bare.prompt', 'prompts/greet.prompt'], dir);
  assert.equal(text.code, 0, text.stderr);
  const [bare, greet] = text.stdout.split(/\n(?=prompts\/greet\.prompt)/);
  assert.doesNotMatch(bare, /frontmatter \(not sent\)/);
  assert.match(greet, new RegExp(`\\n {2}frontmatter \\(not sent\\) +${o200k(GREET.slice(0, GREET.indexOf('\n---\n') + 5))}\\n`));
  const json = await run(['tokens', 'bare.prompt', 'prompts/greet.prompt', '--json'], dir);
  const [b, g] = JSON.parse(json.stdout) as FileTokens[];
  assert.equal(b.frontmatter, null);
  assert.equal(typeof g.frontmatter, 'number');
});
