import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { test } from 'node:test';
import type { DocumentSymbol } from 'vscode-languageserver-types';
import { codeActions, diagnostics, documentSymbols, parsePromptDocument } from '../../server/src/service';
import { deeperThan } from '../../server/src/service/formats/frontmatter';
import { MAX_OUTLINE_DEPTH } from '../../server/src/service/symbols';

function depthOf(symbols: DocumentSymbol[] | undefined): number {
  let deepest = 0;
  let level = symbols ?? [];
  while (level.length) {
    deepest++;
    level = level.flatMap((s) => s.children ?? []);
  }
  return deepest;
}

const count = (symbols: DocumentSymbol[]): number => symbols.reduce((n, s) => n + 1 + count(s.children ?? []), 0);

test('the outline of thousands of nested blocks is capped in depth and keeps every block', () => {
  const n = 3000;
  const doc = parsePromptDocument('{{#if a}}'.repeat(n) + 'x' + '{{/if}}'.repeat(n));
  const symbols = documentSymbols(doc);
  assert.equal(depthOf(symbols), MAX_OUTLINE_DEPTH);
  assert.equal(count(symbols), n + 1);
  // The answer must survive being sent as JSON.
  assert.doesNotThrow(() => JSON.stringify(symbols));
});

test('the outline of deeply nested frontmatter is capped in depth', () => {
  const lines = Array.from({ length: 200 }, (_, i) => `${' '.repeat(i)}k${i}:`).join('\n');
  const doc = parsePromptDocument(`---\n${lines} 1\n---\nhi`);
  const symbols = documentSymbols(doc);
  assert.equal(depthOf(symbols), MAX_OUTLINE_DEPTH);
  assert.doesNotThrow(() => JSON.stringify(symbols));
});

test('quick fixes for thousands of nested blocks with undeclared names stay fast', async () => {
  const names = Array.from({ length: 300 }, (_, i) => `{{v${i}}}`).join('\n');
  const doc = parsePromptDocument(`---\ninput:\n  schema:\n    a: string\n---\n${'{{#if a}}'.repeat(2000)}${names}${'{{/if}}'.repeat(2000)}`);
  const diags = diagnostics(doc);
  assert.ok(diags.filter((d) => d.code === 'undefined-variable').length >= 300);
  const t0 = performance.now();
  const actions = codeActions(doc, diags);
  assert.ok(actions.some((a) => a.title === 'Declare `v0` in input.schema'));
  assert.ok(performance.now() - t0 < 2000, `took ${(performance.now() - t0).toFixed(0)} ms`);
});

test('frontmatter nested thousands of levels deep is a diagnostic, not an exception', () => {
  for (const yaml of ['- '.repeat(5000) + 'x', '['.repeat(5000), Array.from({ length: 3000 }, (_, i) => `${' '.repeat(i)}k${i}:`).join('\n') + ' 1']) {
    const doc = parsePromptDocument(`---\n${yaml}\n---\nhi {{name}}`);
    const d = diagnostics(doc);
    assert.ok(d.some((x) => x.code === 'yaml-syntax'), d.map((x) => x.code).join());
    assert.doesNotThrow(() => JSON.stringify(documentSymbols(doc)));
  }
});

test('deep frontmatter after deep frontmatter does not end the process', () => {
  // Seen as a fatal "RegExpCompiler Allocation failed": the YAML parser's recursion had exhausted
  // the stack where V8 compiled a regular expression. Run in a child process, which it would end.
  const service = path.join(__dirname, '..', '..', 'server', 'src', 'service');
  const code = `const { parsePromptDocument, diagnostics } = require(${JSON.stringify(service)});
for (const y of ['- '.repeat(5000) + 'x', '['.repeat(5000)]) diagnostics(parsePromptDocument('---\\n' + y + '\\n---\\nhi'));
console.log('alive');`;
  const run = spawnSync(process.execPath, ['--import', 'tsx', '-e', code], { encoding: 'utf8', timeout: 60_000 });
  assert.equal(run.status, 0, run.stderr.slice(0, 500));
  assert.match(run.stdout, /alive/);
});

test('the depth bound counts indentation, sequence dashes and flow brackets', () => {
  assert.equal(deeperThan('a:\n  b:\n    c: 1\n', 2), true);
  assert.equal(deeperThan('a:\n  b:\n    c: 1\n', 3), false);
  assert.equal(deeperThan('- - - x', 2), true);
  assert.equal(deeperThan('a: [[[1]]]', 3), true);
  assert.equal(deeperThan('a: [1]\nb: {c: [2]}\n', 3), false);
  assert.equal(deeperThan('a:\n  - b: 1\n    c: 2\n  - d\ne: 3\n', 3), false);
});
