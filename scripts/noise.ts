// Noise on clean prompts: the warnings and infos per rule that the lint presets report on the
// corpus of realistic prompts (test/corpus/ and the clean examples/), next to the levels of 0.1
// (bench/noise-0.1-levels.yaml). docs/benchmarks.md has the table; test/unit/lintPresets.test.ts
// asserts the bound (under `recommended`, at most one warning per five clean prompts).
//   npm run noise                 # Markdown table
//   npm run noise -- --json       # the counts as JSON
//   npm run noise -- --files      # also the warnings under `recommended`, file by file
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { lint, type PromptDiagnostic } from '../server/src/service';
import { cleanPromptFiles, lintCorpus } from '../test/support/lintFixtures';

/** At most this many warnings per clean prompt under `recommended`. */
export const NOISE_BOUND = 0.2;

export interface NoiseColumn {
  name: string;
  warnings: number;
  infos: number;
  errors: number;
  /** Per diagnostic code: warnings and infos. */
  byCode: Record<string, { warnings: number; infos: number; errors: number }>;
  /** Files with at least one warning: relative path and the codes. */
  warned: { file: string; codes: string[] }[];
}

export interface NoiseReport {
  files: number;
  columns: NoiseColumn[];
}

const ROOT = path.resolve(__dirname, '..');
export const BEFORE_LEVELS = path.join(ROOT, 'bench', 'noise-0.1-levels.yaml');

function column(name: string, results: { file: string; diagnostics: PromptDiagnostic[] }[]): NoiseColumn {
  const col: NoiseColumn = { name, warnings: 0, infos: 0, errors: 0, byCode: {}, warned: [] };
  for (const r of results) {
    const codes: string[] = [];
    for (const d of r.diagnostics) {
      const c = (col.byCode[d.code] ??= { warnings: 0, infos: 0, errors: 0 });
      if (d.severity === 'warning') {
        c.warnings++;
        col.warnings++;
        codes.push(d.code);
      } else if (d.severity === 'info') {
        c.infos++;
        col.infos++;
      } else if (d.severity === 'error') {
        c.errors++;
        col.errors++;
      }
    }
    if (codes.length) col.warned.push({ file: path.relative(ROOT, r.file), codes });
  }
  return col;
}

export async function measureNoise(): Promise<NoiseReport> {
  const files = cleanPromptFiles();
  const before = lint.parseLintConfig(readFileSync(BEFORE_LEVELS, 'utf8'), lint.RULES, BEFORE_LEVELS);
  if (before.problems.length) throw new Error(`${BEFORE_LEVELS}: ${before.problems.map((p) => p.message).join(' ')}`);
  const columns = [column('0.1 levels', await lintCorpus(lint.resolveLintConfig(lint.RULES, before.config), files))];
  for (const preset of lint.PRESETS) columns.push(column(preset, await lintCorpus(lint.resolveLintConfig(lint.RULES, undefined, { preset }), files)));
  return { files: files.length, columns };
}

export function noiseTable(r: NoiseReport): string {
  const codes = [...new Set([...lint.RULES.map((x) => x.id), ...r.columns.flatMap((c) => Object.keys(c.byCode))])];
  const cell = (c: NoiseColumn, code: string) => {
    const n = c.byCode[code];
    return n ? `${n.warnings} / ${n.infos}${n.errors ? ` (${n.errors} errors)` : ''}` : '0 / 0';
  };
  const per = (c: NoiseColumn) => (c.warnings / r.files).toFixed(2);
  const lines = [
    `Clean prompts: ${r.files} (test/corpus/ and examples/ but needs-fixing.prompt). Cells: warnings / infos.`,
    '',
    `| rule or check | ${r.columns.map((c) => c.name).join(' | ')} |`,
    `|---|${r.columns.map(() => '---:').join('|')}|`,
    ...codes.map((code) => `| ${lint.ruleById(code) ? `\`${code}\`` : `\`${code}\` (check)`} | ${r.columns.map((c) => cell(c, code)).join(' | ')} |`),
    `| **total** | ${r.columns.map((c) => `**${c.warnings} / ${c.infos}**${c.errors ? ` (${c.errors} errors)` : ''}`).join(' | ')} |`,
    `| warnings per clean prompt | ${r.columns.map(per).join(' | ')} |`,
    `| prompts with a warning | ${r.columns.map((c) => c.warned.length).join(' | ')} |`,
  ];
  return lines.join('\n');
}

if (require.main === module) {
  void measureNoise().then((r) => {
    if (process.argv.includes('--json')) {
      console.log(JSON.stringify(r, null, 2));
      return;
    }
    console.log(noiseTable(r));
    const rec = r.columns.find((c) => c.name === 'recommended')!;
    console.log(`\nrecommended: ${(rec.warnings / r.files).toFixed(2)} warnings per clean prompt (bound ${NOISE_BOUND}): ${rec.warnings / r.files <= NOISE_BOUND ? 'within' : 'OVER'}`);
    if (process.argv.includes('--files')) for (const w of rec.warned) console.log(`  ${w.file}: ${w.codes.join(', ')}`);
  });
}
