// `prompt-workbench lint` on the real-world samples (test/samples/dotprompt/): columns with a BOM,
// comment lines before the frontmatter, broken frontmatter, comments holding braces.
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { runCli } from '../support/cli';

const samples = path.resolve(__dirname, '..', 'samples', 'dotprompt');

function workspace(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'pw-realworld-'));
  mkdirSync(path.join(dir, '.git'));
  for (const f of readdirSync(samples)) copyFileSync(path.join(samples, f), path.join(dir, f));
  return dir;
}

interface Finding {
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
  severity: string;
  code: string;
  message: string;
}

async function lintJson(dir: string, file: string): Promise<Finding[]> {
  const r = await runCli(['lint', file, '--format', 'json'], dir);
  return (JSON.parse(r.stdout) as { diagnostics: Finding[] }[])[0].diagnostics;
}

test('a file starting with a BOM: columns on line 1 are the ones an editor shows', async () => {
  const dir = workspace();
  const found = await lintJson(dir, 'bom.prompt');
  // `{{greeting}}` is at columns 1-12 of what the editor shows; `{{undeclaredThing}}` at 18-36.
  const greeting = found.find((d) => d.code === 'undefined-variable' && d.message.startsWith('`greeting`'))!;
  assert.deepEqual([greeting.line, greeting.column, greeting.endLine, greeting.endColumn], [1, 3, 1, 11]);
  const other = found.find((d) => d.code === 'undefined-variable' && d.message.startsWith('`undeclaredThing`'))!;
  assert.deepEqual([other.column, other.endColumn], [20, 35]);
  const text = await runCli(['lint', 'bom.prompt'], dir);
  assert.match(text.stdout, /\n {2}1:3 +info +`greeting` is not declared/);
});

test('comment lines before ---: the frontmatter counts, and a hint says where runtimes differ', async () => {
  const dir = workspace();
  const found = await lintJson(dir, 'license-header.prompt');
  assert.deepEqual(found.filter((d) => ['undefined-variable', 'missing-max-tokens', 'output-format-mismatch'].includes(d.code)), []);
  const hint = found.filter((d) => d.code === 'frontmatter-preamble');
  assert.deepEqual(hint.map((d) => [d.severity, d.line, d.column, d.endLine, d.endColumn]), [['hint', 1, 1, 6, 38]]);
});

test('broken frontmatter: one YAML error and one partial-check note, not one finding per variable', async () => {
  const dir = workspace();
  const r = await runCli(['lint', 'broken-frontmatter.prompt', '--format', 'json'], dir);
  assert.equal(r.code, 1);
  const found = (JSON.parse(r.stdout) as { diagnostics: Finding[] }[])[0].diagnostics;
  assert.deepEqual(found.filter((d) => d.code.startsWith('yaml-')).map((d) => [d.line, d.column, d.endColumn]), [[12, 21, 40]]);
  assert.deepEqual(found.filter((d) => d.code === 'undefined-variable'), []);
  assert.deepEqual(found.filter((d) => d.code === 'variables-unchecked').map((d) => [d.line, d.column]), [[30, 35]]);
});

test('a comment holding {{> partial}} is no error at the command line either', async () => {
  const dir = workspace();
  const found = await lintJson(dir, 'comment-braces.prompt');
  assert.deepEqual(found.filter((d) => d.severity === 'error'), []);
});
