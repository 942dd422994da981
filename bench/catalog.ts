// Prompt catalogue benchmark (docs/benchmarks.md, "Prompt catalogue"): a workspace of 10,000
// generated prompts (bench/catalogWorkspace.ts). Measures the catalogue built cold (a fresh process:
// the file search, every read, parse, token count and row, tokenizer data loaded on the way), one
// row updated after one file changes (read + parse + count + row), the view's grouping of every
// row, the same build again in that process (warm: what of the cold build is warm-up), and a new
// process with the row cache the previous one wrote (the editor's start after an earlier session).
// Goals: < 3 s cold, < 50 ms per change. The measured side (bench/catalogChild.ts) runs as the
// product runs: bundled by `node esbuild.mjs --bench` (which `npm run bench` does) into
// dist/bench/catalog.js; run alone, this file builds that bundle first.
//
//   node --import tsx bench/catalog.ts [--quick]
//   node --import tsx bench/catalog.ts --baseline REF [--runs 8] [--workspace DIR]
//   node --import tsx bench/catalog.ts --node PATH[,PATH...] [--runs 8] [--workspace DIR]
// With --baseline, commit REF's bundle (built in a temporary folder) and this tree's build the same
// workspace cold in turns, --runs times each, and the medians of wall and CPU time are printed with
// the load average: on a loaded machine only such same-minute, alternating figures compare.
// With --node, this tree's bundle runs under this Node and under each given Node binary in turns
// (in VS Code the language server, which builds the view's catalogue, runs on the editor's own
// Node; the CLI runs on the user's).
// `runCatalogBench()` is also called by bench/run.ts.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import * as os from 'node:os';
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
  /** The same build again in that process (modules loaded, code optimised): the cold build minus its warm-up. */
  warmMs: number;
  /** A new process again, with the row cache an earlier process wrote (every file unchanged): wall and CPU time, rows taken back. */
  cached: { ms: number; cpuMs: number; hits: number };
  update: { medianMs: number; p95Ms: number; maxMs: number; changes: number };
  goals: { cold: string; update: string; coldPass: boolean; updatePass: boolean };
}

export async function runCatalogBench(options: { quick?: boolean } = {}): Promise<CatalogBenchResult> {
  const n = options.quick ? 2000 : 10_000;
  const dir = makeWorkspace(n);
  try {
    if (!existsSync(CHILD)) throw new Error(`${CHILD} is missing: run \`node esbuild.mjs --bench\` first (\`npm run bench\` does)`);
    const out = execFileSync(process.execPath, [CHILD, dir, String(options.quick ? 20 : 100), String(options.quick ? 1 : 3)], { encoding: 'utf8', maxBuffer: 1 << 24 });
    const r = JSON.parse(out) as { files: number; cpuMs: number; buildMs: number; groupMs: number; updateMedianMs: number; updateP95Ms: number; updateMaxMs: number; changes: number; rebuildMs: number[] };
    // The row cache: one process writes it, the next one (what is timed) takes the rows back.
    const cacheDir = mkdtempSync(path.join(os.tmpdir(), 'pw-catalog-cache-'));
    let cached: { buildMs: number; cpuMs: number; cacheHits: number };
    try {
      execFileSync(process.execPath, [CHILD, dir, '0', '0', cacheDir], { encoding: 'utf8', maxBuffer: 1 << 24 });
      cached = JSON.parse(execFileSync(process.execPath, [CHILD, dir, '0', '0', cacheDir], { encoding: 'utf8', maxBuffer: 1 << 24 })) as typeof cached;
    } finally {
      rmSync(cacheDir, { recursive: true, force: true });
    }
    return {
      files: r.files,
      coldMs: r.buildMs,
      coldCpuMs: r.cpuMs,
      groupMs: r.groupMs,
      warmMs: median(r.rebuildMs),
      cached: { ms: cached.buildMs, cpuMs: cached.cpuMs, hits: cached.cacheHits },
      update: { medianMs: r.updateMedianMs, p95Ms: r.updateP95Ms, maxMs: r.updateMaxMs, changes: r.changes },
      goals: { cold: `< ${GOAL_COLD_MS} ms`, update: `< ${GOAL_UPDATE_MS} ms (p95)`, coldPass: r.buildMs < GOAL_COLD_MS, updatePass: r.updateP95Ms < GOAL_UPDATE_MS },
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export function printCatalogBench(r: CatalogBenchResult, log: (s?: string) => void = console.log): void {
  log(`${r.files.toLocaleString('en-US')} prompt files: catalogue built cold in ${r.coldMs.toFixed(0)} ms wall, ${r.coldCpuMs.toFixed(0)} ms CPU (goal ${r.goals.cold}: ${r.goals.coldPass ? 'met' : 'NOT met'})`);
  log(`the same build again in that process (warm, ${r.files.toLocaleString('en-US')} files): ${r.warmMs.toFixed(0)} ms wall; the rest of the cold build is warm-up (module loading, tokenizer data, compilation)`);
  log(`a new process with the row cache of an earlier one (every file unchanged): ${r.cached.ms.toFixed(0)} ms wall, ${r.cached.cpuMs.toFixed(0)} ms CPU, ${r.cached.hits.toLocaleString('en-US')} rows taken back`);
  log(`one file changed, its row updated: median ${r.update.medianMs.toFixed(2)} ms, p95 ${r.update.p95Ms.toFixed(2)} ms, max ${r.update.maxMs.toFixed(2)} ms over ${r.update.changes} changes (goal ${r.goals.update}: ${r.goals.updatePass ? 'met' : 'NOT met'})`);
  log(`the view's grouping of every row by status: ${r.groupMs.toFixed(1)} ms`);
}

const ROOT = path.join(__dirname, '..');

function option(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

function median(values: number[]): number {
  const v = [...values].sort((a, b) => a - b);
  return v.length % 2 ? v[(v.length - 1) / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
}

/** Commit REF's tree in a temporary folder (this node_modules linked), its bench bundle built. */
function buildBaseline(ref: string): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'pw-catalog-baseline-'));
  const archive = execFileSync('git', ['archive', '--format=tar', ref], { cwd: ROOT, maxBuffer: 1 << 30 });
  execFileSync('tar', ['-x', '-C', dir], { input: archive, maxBuffer: 1 << 30 });
  symlinkSync(path.join(ROOT, 'node_modules'), path.join(dir, 'node_modules'));
  execFileSync(process.execPath, ['esbuild.mjs', '--bench'], { cwd: dir, stdio: ['ignore', 'ignore', 'inherit'] });
  return dir;
}

interface Side {
  name: string;
  /** The Node binary that runs the child. */
  node: string;
  child: string;
}

/** Cold builds of one workspace by each side in turns, `runs` times; medians of wall and CPU time. */
function alternate(sides: Side[], runs: number, dir: string): void {
  const load = () => os.loadavg().map((l) => l.toFixed(2)).join(' ');
  const measured = sides.map((side) => ({ ...side, build: [] as number[], cpu: [] as number[] }));
  console.log(`load average at the start: ${load()}`);
  for (let k = 0; k < runs; k++) {
    for (const side of measured) {
      const r = JSON.parse(execFileSync(side.node, [side.child, dir, '0'], { encoding: 'utf8', maxBuffer: 1 << 24 })) as { files: number; buildMs: number; cpuMs: number };
      side.build.push(r.buildMs);
      side.cpu.push(r.cpuMs);
    }
  }
  for (const side of measured) {
    console.log(`${side.name}: cold build median ${median(side.build).toFixed(0)} ms wall, ${median(side.cpu).toFixed(0)} ms CPU over ${runs} runs (wall ${side.build.map((v) => v.toFixed(0)).join(' ')}; CPU ${side.cpu.map((v) => v.toFixed(0)).join(' ')})`);
  }
  console.log(`load average at the end: ${load()}`);
}

/** The baseline's and this tree's cold builds of one workspace, in turns. */
function compare(ref: string, runs: number, workspace: string | undefined): void {
  const dir = workspace ?? makeWorkspace(10_000);
  const baseline = buildBaseline(ref);
  try {
    alternate(
      [
        { name: `baseline ${ref}`, node: process.execPath, child: path.join(baseline, 'dist', 'bench', 'catalog.js') },
        { name: 'current', node: process.execPath, child: CHILD },
      ],
      runs,
      dir,
    );
  } finally {
    rmSync(baseline, { recursive: true, force: true });
    if (!workspace) rmSync(dir, { recursive: true, force: true });
  }
}

/** This tree's cold build under this Node and under each of `nodes` (other Node binaries), in turns. */
function compareRuntimes(nodes: string[], runs: number, workspace: string | undefined): void {
  const dir = workspace ?? makeWorkspace(10_000);
  const version = (node: string) => execFileSync(node, ['--version'], { encoding: 'utf8' }).trim();
  try {
    alternate([process.execPath, ...nodes].map((node) => ({ name: `Node ${version(node)} (${node})`, node, child: CHILD })), runs, dir);
  } finally {
    if (!workspace) rmSync(dir, { recursive: true, force: true });
  }
}

if (require.main === module) {
  execFileSync(process.execPath, ['esbuild.mjs', '--bench'], { cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'] });
  const ref = option('baseline');
  const nodes = option('node');
  if (ref) compare(ref, Number(option('runs') ?? 8), option('workspace'));
  else if (nodes) compareRuntimes(nodes.split(','), Number(option('runs') ?? 8), option('workspace'));
  else void runCatalogBench({ quick: process.argv.includes('--quick') }).then((r) => printCatalogBench(r));
}
