// 2,000 seeded mutants of the repository's prompts and fixture files, through the engine and (one
// in 20) the real server. FUZZ_SEED picks another seed; a failure prints the seed, the failing
// mutants (also written to test-results/fuzz/) and the command that replays each.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { test } from 'node:test';
import { DEFAULT_SEED } from '../support/fuzz';
import { byCause, formatSummary, runFuzz } from '../support/fuzzRun';
import { SERVER } from '../support/lspClient';

const seed = Number(process.env.FUZZ_SEED ?? DEFAULT_SEED);

test(`2,000 mutants: no crash, ranges inside their lines, every request answered (seed ${seed})`, { timeout: 600_000 }, async () => {
  assert.ok(existsSync(SERVER), `${SERVER} is missing: run npm run build first (npm test does)`);
  const summary = await runFuzz({ seed, count: 2000, lspEvery: 20 });
  console.log(formatSummary(summary));
  assert.deepEqual(byCause(summary.failed), [], `fuzz seed ${seed} found failures:\n${formatSummary(summary)}`);
});
