import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { DocumentSymbol } from 'vscode-languageserver-types';
import { codeActions, diagnostics, documentSymbols, parsePromptDocument } from '../../server/src/service';
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
