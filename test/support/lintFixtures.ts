// Shared by the lint tests and bench/lint.ts: adversarial inputs for the ReDoS checks, and the
// corpus of clean prompts (test/corpus/) linted with the default rule set.
import { readFileSync, readdirSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { asyncPromptDiagnostics, lint, parsePromptDocument, PartialIndex, promptDiagnostics, type PromptDiagnostic } from '../../server/src/service';

const SIZE = 100_000;
const fill = (unit: string) => unit.repeat(Math.ceil(SIZE / unit.length)).slice(0, SIZE);

/** Inputs built from what the rules' patterns repeat, each ending so that a match fails late. */
export const ADVERSARIAL: Record<string, string> = {
  letters: fill('a') + '!',
  spaces: fill(' ') + 'x',
  tabs: fill('\t') + 'x',
  digits: fill('1') + 'x',
  'digits-spaced': fill('1 ') + '-',
  'digits-dashed': fill('12-') + 'x',
  'plus-digits': fill('+1 ') + 'x',
  at: fill('a@') + '.',
  'dotted-domain': 'a@' + fill('a.') + '-',
  'open-tags': fill('<a ') + 'x',
  'tag-names': '<' + fill('a') + ' ',
  quotes: fill('"') + 'x',
  backticks: fill('`') + 'x',
  periods: fill('. ') + 'x',
  'respond-words': fill('respond ') + 'jso',
  'json-words': fill('json ') + 'x',
  'always-never': fill('always never ') + '.',
  'be-concise': fill('be very ') + 'x',
  'list-markers': fill('- ') + 'x',
  hashes: fill('#') + ' ',
  'newlines-blank': fill('  \n') + 'x',
  'try-to': fill('try ') + 'x',
  'mixed-punct': fill('a.b,c;d:e!f?g ') + 'x',
};

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

