// Findings per YAML mistake: test/samples/dotprompt/incident-triage.prompt (21 variable uses) with
// one common mistake at a time, linted by a built CLI with the default rules. Usage:
//   node --import tsx bench/yamlMistakes.ts [path/to/dist/cli.js]
// Point it at another commit's build to compare (docs/benchmarks.md, "Findings per YAML mistake").
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';

const cli = path.resolve(process.argv[2] ?? path.join(__dirname, '..', 'dist', 'cli.js'));
const base = readFileSync(path.join(__dirname, '..', 'test', 'samples', 'dotprompt', 'incident-triage.prompt'), 'utf8');
const valid = base.replace('    severity: "low" | "medium" | "high"\n', '    severity: string\n');
const mistakes: Record<string, string> = {
  'none (valid)': valid,
  'enum written as TypeScript (`"low" \\| "high"`)': base,
  'unclosed quote': valid.replace('    title: string', '    title: "string'),
  'tab in the indentation': valid.replace('    startedAt: string', '\tstartedAt: string'),
  'key indented by 3 spaces': valid.replace('    detectedBy: string', '   detectedBy: string'),
  'unclosed `[`': valid.replace('    alerts(array): string', '    alerts(array): [string'),
  'missing colon': valid.replace('    environment: string', '    environment string'),
};
const dir = mkdtempSync(path.join(tmpdir(), 'pw-yaml-mistakes-'));
mkdirSync(path.join(dir, '.git'));
console.log('| mistake | findings | yaml-* | undefined-variable | variables-unchecked |');
console.log('|---|---|---|---|---|');
for (const [name, text] of Object.entries(mistakes)) {
  writeFileSync(path.join(dir, 'triage.prompt'), text);
  let out: string;
  try {
    out = execFileSync(process.execPath, [cli, 'lint', 'triage.prompt', '--format', 'json'], { cwd: dir, encoding: 'utf8' });
  } catch (e) {
    out = (e as { stdout: string }).stdout; // exit 1 on errors
  }
  const found = (JSON.parse(out) as { diagnostics: { code: string }[] }[])[0].diagnostics;
  const n = (p: (c: string) => boolean) => found.filter((d) => p(d.code)).length;
  console.log(`| ${name} | ${found.length} | ${n((c) => c.startsWith('yaml-'))} | ${n((c) => c === 'undefined-variable')} | ${n((c) => c === 'variables-unchecked')} |`);
}
