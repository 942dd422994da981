import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { DocumentSymbol } from 'vscode-languageserver-types';
import { documentSymbols, parsePromptDocument } from '../../server/src/service';
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
