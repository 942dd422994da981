// `npm run fuzz`: the fuzz harness of test/integration/fuzz.test.ts at a larger count.
//   npm run fuzz -- [--seed N] [--count N] [--lsp-every N] [--only I,J,...]
// Failing mutants are written to test-results/fuzz/ with the command that replays them.
import { writeFileSync, mkdirSync } from 'node:fs';
import * as path from 'node:path';
import { DEFAULT_SEED, RESULTS_DIR } from '../test/support/fuzz';
import { byCause, formatSummary, runFuzz } from '../test/support/fuzzRun';

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

async function main(): Promise<void> {
  const seed = Number(arg('seed') ?? process.env.FUZZ_SEED ?? DEFAULT_SEED);
  const count = Number(arg('count') ?? 100_000);
  const lspEvery = Number(arg('lsp-every') ?? 20);
  const only = arg('only')?.split(',').map(Number);
  if (!Number.isInteger(seed) || !Number.isInteger(count) || count < 1 || !Number.isInteger(lspEvery) || lspEvery < 0 || only?.some((i) => !Number.isInteger(i))) {
    console.error('usage: npm run fuzz -- [--seed N] [--count N] [--lsp-every N] [--only I,J,...]');
    process.exit(2);
  }
  console.log(`fuzz: seed ${seed}, ${only ? `mutants ${only.join(', ')}` : `${count} mutants`}, ${lspEvery ? `one in ${lspEvery} over LSP` : 'none over LSP'}`);
  const summary = await runFuzz({
    seed,
    count,
    lspEvery,
    only,
    onProgress: (p) => console.log(`  ${p.done}/${p.total} mutants, ${((p.done / p.ms) * 1000).toFixed(0)}/s, ${p.failed} failing, ${(p.ms / 1000).toFixed(0)} s`),
  });
  console.log(formatSummary(summary));
  mkdirSync(RESULTS_DIR, { recursive: true });
  const out = path.join(RESULTS_DIR, `summary-seed-${seed}.json`);
  writeFileSync(out, JSON.stringify({ ...summary, causes: byCause(summary.failed) }, null, 2) + '\n');
  console.log(`summary written to ${path.relative(process.cwd(), out)}`);
  process.exitCode = summary.failed.length ? 1 : 0;
}

void main();
