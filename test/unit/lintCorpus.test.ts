// Precision: the default rule set on the corpus of clean, realistic prompts in test/corpus/
// reports no error at all (every diagnostic of the engine counts, not only the lint rules').
// bench/lint.ts prints the warnings and infos per rule; docs/benchmarks.md has the table.
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { test } from 'node:test';
import { CORPUS, corpusFiles, lintCorpus } from '../support/lintFixtures';

test('the corpus has at least 50 prompts of the kinds the rules must not misjudge', () => {
  const files = corpusFiles();
  assert.ok(files.length >= 50, `${files.length} files`);
  const folders = new Set(files.map((f) => path.relative(CORPUS, path.dirname(f))));
  for (const kind of ['support', 'summaries', 'extraction', 'classification', 'translation', 'code-review', 'rag', 'agents', 'chat', 'partials']) assert.ok(folders.has(kind), kind);
});

test('the default rule set reports zero errors on the corpus', async () => {
  const results = await lintCorpus();
  const errors = results.flatMap((r) => r.diagnostics.filter((d) => d.severity === 'error').map((d) => `${path.relative(CORPUS, r.file)}: ${d.code}: ${d.message}`));
  assert.deepEqual(errors, []);
});
