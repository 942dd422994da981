// Lint benchmark: all synchronous rules on a 1,000-line prompt (goal: p95 < 10 ms), secretlint
// (asynchronous) separately, every rule regular expression on 100 KB of adversarial input (goal:
// < 50 ms each), and the findings per rule on the corpus (test/corpus/).
//   node --import tsx bench/lint.ts [--quick]
import * as path from 'node:path';
import { asyncPromptDiagnostics, lint, parsePromptDocument, promptDiagnostics } from '../server/src/service';
import { lintDiagnostics } from '../server/src/service/lint';
import { PROSE_PATTERNS } from '../server/src/service/lint/prose';
import { ADVERSARIAL, CORPUS, lintCorpus } from '../test/support/lintFixtures';
import { generatePrompt } from './generate';
import { summarize, type Summary } from './stats';

export interface LintBench {
  lines: number;
  characters: number;
  findings: number;
  syncRules: Summary;
  perRule: Record<string, number>;
  secretlintCold: number;
  secretlintWarm: Summary;
  secretlintEdit: Summary;
  regexWorst: { pattern: string; input: string; ms: number }[];
  regexOver50: number;
  corpus: { files: number; counts: Record<string, Record<string, number>> };
}

function time(fn: () => void): number {
  const t = performance.now();
  fn();
  return performance.now() - t;
}

export async function runLintBench(options: { quick?: boolean } = {}): Promise<LintBench> {
  const runs = options.quick ? 50 : 300;
  const text = generatePrompt(1000, 7).text;
  const config = lint.resolveLintConfig(lint.RULES, undefined, { 'missing-metadata': 'warning' });
  const uri = 'file:///bench/lint-1000.prompt';
  // Each run lints a new version (one character changed), as a keystroke does: the parse is done
  // outside the timing, the rules' memoised models (prose, suppressions) are rebuilt inside it.
  const docs = Array.from({ length: runs + 10 }, (_, i) => parsePromptDocument(text.replace(/\n\n/, `\n${i}\n`), uri, i + 1));
  const analysis = {};
  for (const d of docs.slice(0, 10)) lintDiagnostics(d, { config, countTokens: false }, analysis);
  const samples: number[] = [];
  const perRuleTotals: Record<string, number> = {};
  for (const d of docs.slice(10)) {
    promptDiagnostics(d); // the template analysis the rules share is done by the engine before them
    samples.push(time(() => lintDiagnostics(d, { config, countTokens: false }, analysis)));
  }
  // Per rule: each rule alone on a fresh version.
  for (const rule of lint.RULES) {
    if (!rule.check) continue;
    const only = lint.resolveLintConfig(lint.RULES, undefined, Object.fromEntries(lint.RULES.map((r) => [r.id, r.id === rule.id ? 'warning' : 'off'])));
    const ms: number[] = [];
    for (let i = 0; i < 20; i++) {
      const d = parsePromptDocument(text.replace(/\n\n/, `\n${rule.id}${i}\n`), uri, 10_000 + i);
      promptDiagnostics(d);
      ms.push(time(() => lintDiagnostics(d, { config: only, countTokens: false }, analysis)));
    }
    perRuleTotals[rule.id] = summarize(ms).median;
  }
  const findings = lintDiagnostics(docs[docs.length - 1], { config, countTokens: false }, analysis).length;

  // secretlint: cold (first call loads it), warm on a new text, and an edit (one block changed).
  const secretOnly = lint.resolveLintConfig(lint.RULES, undefined, Object.fromEntries(lint.RULES.map((r) => [r.id, r.id === 'secret-in-prompt' ? 'error' : 'off'])));
  let t = performance.now();
  await asyncPromptDiagnostics(parsePromptDocument(text, uri, 1), { lint: { config: secretOnly } });
  const secretlintCold = performance.now() - t;
  const warm: number[] = [];
  for (let i = 0; i < (options.quick ? 5 : 20); i++) {
    const fresh = parsePromptDocument(text.replace(/\n/g, ` s${i}\n`), uri, 1);
    t = performance.now();
    await asyncPromptDiagnostics(fresh, { lint: { config: secretOnly } });
    warm.push(performance.now() - t);
  }
  const edit: number[] = [];
  for (const d of docs.slice(10, 10 + (options.quick ? 20 : 100))) {
    t = performance.now();
    await asyncPromptDiagnostics(d, { lint: { config: secretOnly } });
    edit.push(performance.now() - t);
  }

  // Regular expressions on adversarial input.
  const patterns = [...PROSE_PATTERNS.map((re, i) => ({ name: `prose#${i}`, re })), ...lint.RULES.flatMap((r) => (r.patterns ?? []).map((re, i) => ({ name: `${r.id}#${i}`, re })))];
  const regex: { pattern: string; input: string; ms: number }[] = [];
  for (const { name, re } of patterns) {
    for (const [kind, input] of Object.entries(ADVERSARIAL)) {
      const copy = new RegExp(re.source, re.flags.includes('g') ? re.flags : `${re.flags}g`);
      const ms = time(() => {
        for (let m = copy.exec(input); m; m = copy.exec(input)) if (m[0] === '') copy.lastIndex++;
      });
      regex.push({ pattern: `${name} /${re.source.slice(0, 40)}${re.source.length > 40 ? '…' : ''}/`, input: kind, ms });
    }
  }
  regex.sort((a, b) => b.ms - a.ms);

  // The corpus: findings per rule and severity.
  const results = await lintCorpus();
  const counts: Record<string, Record<string, number>> = {};
  for (const r of results) for (const d of r.diagnostics) ((counts[d.code] ??= {})[d.severity] = (counts[d.code]?.[d.severity] ?? 0) + 1);

  return {
    lines: text.split('\n').length,
    characters: text.length,
    findings,
    syncRules: summarize(samples),
    perRule: perRuleTotals,
    secretlintCold,
    secretlintWarm: summarize(warm),
    secretlintEdit: summarize(edit),
    regexWorst: regex.slice(0, 5),
    regexOver50: regex.filter((r) => r.ms >= 50).length,
    corpus: { files: results.length, counts },
  };
}

export function printLintBench(r: LintBench, log: (s?: string) => void = console.log): void {
  const f = (n: number) => n.toFixed(2);
  log(`All synchronous rules, ${r.lines}-line prompt (${r.characters.toLocaleString('en-US')} chars, ${r.findings} findings): median ${f(r.syncRules.median)} / p95 ${f(r.syncRules.p95)} / max ${f(r.syncRules.max)} ms (n=${r.syncRules.n}; goal p95 < 10 ms)`);
  log(`Per rule (median ms): ${Object.entries(r.perRule).map(([k, v]) => `${k} ${f(v)}`).join(', ')}`);
  log(`secret-in-prompt (secretlint, async): cold ${f(r.secretlintCold)} ms; new text median ${f(r.secretlintWarm.median)} / p95 ${f(r.secretlintWarm.p95)} ms; one block edited median ${f(r.secretlintEdit.median)} / p95 ${f(r.secretlintEdit.p95)} ms`);
  log(`Regular expressions on 100 KB adversarial inputs: ${r.regexOver50} runs at or over 50 ms; slowest: ${r.regexWorst.map((x) => `${x.pattern} on ${x.input} ${f(x.ms)} ms`).join('; ')}`);
  log(`Corpus (${r.corpus.files} files in ${path.relative(process.cwd(), CORPUS)}): ${JSON.stringify(r.corpus.counts)}`);
}

if (require.main === module) {
  void runLintBench({ quick: process.argv.includes('--quick') }).then((r) => printLintBench(r));
}
