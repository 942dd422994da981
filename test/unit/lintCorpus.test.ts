// Precision: the default rule set on the corpus of clean, realistic prompts in test/corpus/
// reports no error at all (every diagnostic of the engine counts, not only the lint rules').
// bench/lint.ts prints the warnings and infos per rule; docs/benchmarks.md has the table.
import assert from 'node:assert/strict';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { test } from 'node:test';
import { asyncPromptDiagnostics, lint, parsePromptDocument, PartialIndex, promptDiagnostics, type PromptDiagnostic } from '../../server/src/service';

export const CORPUS = path.resolve(__dirname, '..', 'corpus');

export function corpusFiles(dir = CORPUS): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = path.join(dir, name);
    return statSync(p).isDirectory() ? corpusFiles(p) : name.endsWith('.prompt') ? [p] : [];
  });
}

/** Every diagnostic the CLI would report for each corpus file, with the default lint configuration. */
export async function lintCorpus(): Promise<{ file: string; diagnostics: PromptDiagnostic[] }[]> {
  const files = corpusFiles();
  const partials = new PartialIndex();
  for (const f of files) if (path.basename(f).startsWith('_')) partials.set(pathToFileURL(f).toString(), readFileSync(f, 'utf8'));
  const out: { file: string; diagnostics: PromptDiagnostic[] }[] = [];
  for (const file of files) {
    const doc = parsePromptDocument(readFileSync(file, 'utf8'), pathToFileURL(file).toString());
    const options = { partials, lint: { config: lint.resolveLintConfig(lint.RULES), tokens: { analysis: { partials } } } };
    out.push({ file, diagnostics: [...promptDiagnostics(doc, options), ...(await asyncPromptDiagnostics(doc, options))] });
  }
  return out;
}

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
