// Prompt catalogue benchmark (docs/benchmarks.md, "Prompt catalogue"): a workspace of 10,000
// generated prompts (bench/catalogWorkspace.ts). Measures the catalogue built cold (a fresh process:
// the file search, every read, parse, token count and row, tokenizer data loaded on the way), one
// row updated after one file changes (read + parse + count + row), and the view's grouping of
// every row. Goals: < 3 s cold, < 50 ms per change. The measured side (bench/catalogChild.ts) runs
// as the product runs: bundled by `node esbuild.mjs --bench` (which `npm run bench` does) into
// dist/bench/catalog.js; run alone, this file builds that bundle first.
//
//   node --import tsx bench/catalog.ts [--quick]
// `runCatalogBench()` is also called by bench/run.ts.
import { execFileSync } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
import * as path from 'node:path';

import { makeWorkspace } from './catalogWorkspace';

export { makeWorkspace };

const CHILD = path.join(__dirname, '..', 'dist', 'bench', 'catalog.js');
const GOAL_COLD_MS = 3000;
const GOAL_UPDATE_MS = 50;

export interface CatalogBenchResult {
  files: number;
  coldMs: number;
  /** CPU time of the build (user + system): what the machine's load does not inflate. */
  coldCpuMs: number;
  groupMs: number;
  update: { medianMs: number; p95Ms: number; maxMs: number; changes: number };
  goals: { cold: string; update: string; coldPass: boolean; updatePass: boolean };
}

export async function runCatalogBench(options: { quick?: boolean } = {}): Promise<CatalogBenchResult> {
  const n = options.quick ? 2000 : 10_000;
  const dir = makeWorkspace(n);
  try {
    if (!existsSync(CHILD)) throw new Error(`${CHILD} is missing: run \`node esbuild.mjs --bench\` first (\`npm run bench\` does)`);
    const out = execFileSync(process.execPath, [CHILD, dir, String(options.quick ? 20 : 100)], { encoding: 'utf8', maxBuffer: 1 << 24 });
    const r = JSON.parse(out) as { files: number; cpuMs: number; buildMs: number; groupMs: number; updateMedianMs: number; updateP95Ms: number; updateMaxMs: number; changes: number };
    return {
      files: r.files,
      coldMs: r.buildMs,
      coldCpuMs: r.cpuMs,
      groupMs: r.groupMs,
      update: { medianMs: r.updateMedianMs, p95Ms: r.updateP95Ms, maxMs: r.updateMaxMs, changes: r.changes },
      goals: { cold: `< ${GOAL_COLD_MS} ms`, update: `< ${GOAL_UPDATE_MS} ms (p95)`, coldPass: r.buildMs < GOAL_COLD_MS, updatePass: r.updateP95Ms < GOAL_UPDATE_MS },
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export function printCatalogBench(r: CatalogBenchResult, log: (s?: string) => void = console.log): void {
  log(`${r.files.toLocaleString('en-US')} prompt files: catalogue built cold in ${r.coldMs.toFixed(0)} ms wall, ${r.coldCpuMs.toFixed(0)} ms CPU (goal ${r.goals.cold}: ${r.goals.coldPass ? 'met' : 'NOT met'})`);
  log(`one file changed, its row updated: median ${r.update.medianMs.toFixed(2)} ms, p95 ${r.update.p95Ms.toFixed(2)} ms, max ${r.update.maxMs.toFixed(2)} ms over ${r.update.changes} changes (goal ${r.goals.update}: ${r.goals.updatePass ? 'met' : 'NOT met'})`);
  log(`the view's grouping of every row by status: ${r.groupMs.toFixed(1)} ms`);
}

if (require.main === module) {
  execFileSync(process.execPath, ['esbuild.mjs', '--bench'], { cwd: path.join(__dirname, '..'), stdio: ['ignore', 'ignore', 'inherit'] });
  void runCatalogBench({ quick: process.argv.includes('--quick') }).then((r) => printCatalogBench(r));
}
