// Shared by the lint tests, bench/lint.ts and scripts/noise.ts: adversarial inputs for the ReDoS
// checks, and the corpus of clean prompts (test/corpus/, and examples/ but for the deliberately
// broken needs-fixing.prompt) linted with the default rule set or a given one.
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

export const EXAMPLES = path.resolve(__dirname, '..', '..', 'examples');
/** The example that shows diagnostics on purpose (README: "Open examples/needs-fixing.prompt to see the diagnostics"). */
export const BROKEN_EXAMPLES = ['needs-fixing.prompt'];

/** The clean, realistic prompts the noise figure is measured on: the corpus and the clean examples. */
export function cleanPromptFiles(): string[] {
  const examples = readdirSync(EXAMPLES)
    .filter((n) => n.endsWith('.prompt') && !BROKEN_EXAMPLES.includes(n))
    .map((n) => path.join(EXAMPLES, n));
  return [...corpusFiles(), ...examples];
}

/**
 * Every diagnostic the CLI would report for each file (by default the corpus), with the given lint
 * configuration (by default the built-in one: the `recommended` preset). The partials are the
 * `_name.prompt` files among them.
 */
export async function lintCorpus(config: lint.ResolvedLintConfig = lint.resolveLintConfig(lint.RULES), files: string[] = corpusFiles()): Promise<{ file: string; diagnostics: PromptDiagnostic[] }[]> {
  const partials = new PartialIndex();
  for (const f of files) if (path.basename(f).startsWith('_')) partials.set(pathToFileURL(f).toString(), readFileSync(f, 'utf8'));
  const out: { file: string; diagnostics: PromptDiagnostic[] }[] = [];
  for (const file of files) {
    const doc = parsePromptDocument(readFileSync(file, 'utf8'), pathToFileURL(file).toString());
    const options = { partials, lint: { config, tokens: { analysis: { partials } } } };
    out.push({ file, diagnostics: [...promptDiagnostics(doc, options), ...(await asyncPromptDiagnostics(doc, options))] });
  }
  return out;
}

