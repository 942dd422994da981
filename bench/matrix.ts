// Model-matrix benchmark (docs/benchmarks.md, "A model matrix"): 200 cases × 4 variants (two
// OpenAI models, two Gemini models: both wire formats, both SDKs) against the local provider
// server in its own process answering after 100 ms, at concurrency 8. Wall time against the ideal
// 800 / 8 × 0.1 s = 10 s (goal: within 1.15×). Then the runner's own CPU time per case run with
// answers at 0 ms: with an in-memory provider (the runner alone: plan, values, render, assertions,
// cost) and through the SDKs over HTTP (goal for the runner alone: < 0.5 ms). The same figures
// for prompt variants: 200 cases × 2 prompt variants (a git revision read through git, and the
// working copy) × 2 models (OpenAI, Gemini) = 4 variants, 800 case runs.
//
//   node --import tsx bench/matrix.ts [--quick]
// `runMatrixBench()` is also called by bench/run.ts.
import { execFileSync, fork, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { createProviders, loadSuite, planJobs, runTests, type Provider, type TestSuite } from '../server/src/service/testing';
import { readTextUri } from '../server/src/node/workspaceReads';
import { NodeGit } from '../server/src/node/git';

const CASES = 200;
const VARIANTS = ['openai/gpt-4o-mini', 'openai/gpt-4.1-nano', 'googleai/gemini-2.5-flash', 'googleai/gemini-2.0-flash'];
const CONCURRENCY = 8;
const LATENCY_MS = 100;
const RUNS = CASES * VARIANTS.length;
const IDEAL_MS = (RUNS / CONCURRENCY) * LATENCY_MS;
const GOAL_RATIO = 1.15;
const CPU_GOAL_MS = 0.5;

export interface MatrixBenchResult {
  cases: number;
  variants: string[];
  caseRuns: number;
  concurrency: number;
  latencyMs: number;
  idealMs: number;
  wall: { runsMs: number[]; medianMs: number; ratioToIdeal: number; requests: { openai: number; gemini: number }; maxInFlight: number; passed: number; goal: string; pass: boolean };
  /** The same 800 case runs with four OpenAI variants, same server and moment: what the machine gives one SDK. */
  reference: { runsMs: number[]; medianMs: number; ratioToIdeal: number };
  /** 1-minute load average before and after (2 cores shared with other work skew wall times). */
  load: [number, number];
  cpu: { runnerOnlyMsPerCase: number; withSdksMsPerCase: number; goal: string; pass: boolean };
  /** 2 prompt variants (`hello.prompt@HEAD~1`, `hello.prompt`) × 2 models: the same 800 case runs. */
  promptVariants: { variants: string[]; wall: { runsMs: number[]; medianMs: number; ratioToIdeal: number; passed: number; maxInFlight: number; pass: boolean }; cpu: { runnerOnlyMsPerCase: number; pass: boolean }; load: [number, number] };
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

/** The local provider server (test/support/mockProvider.ts) in a process of its own (bench/mockServerProcess.ts). */
class Server {
  private constructor(
    private readonly child: ChildProcess,
    readonly url: string,
  ) {}
  static start(latencyMs: number): Promise<Server> {
    const child = fork(path.join(__dirname, 'mockServerProcess.ts'), [String(latencyMs)], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    return new Promise((resolve, reject) => {
      child.once('message', (m: { url: string }) => resolve(new Server(child, m.url)));
      child.once('exit', (code) => reject(new Error(`the provider server exited (${code})`)));
    });
  }
  private ask<T>(type: string): Promise<T> {
    return new Promise((resolve) => {
      this.child.once('message', (m: T) => resolve(m));
      this.child.send({ type });
    });
  }
  reset(): Promise<unknown> {
    return this.ask('reset');
  }
  stats(): Promise<{ requests: number; maxInFlight: number; byApi?: Record<string, number> }> {
    return this.ask('stats');
  }
  async stop(): Promise<void> {
    const exited = new Promise((r) => this.child.once('exit', r));
    this.child.send({ type: 'stop' });
    await exited;
  }
}

async function writeSuite(dir: string, variants: readonly string[] = VARIANTS, name = 'hello'): Promise<TestSuite> {
  fs.writeFileSync(path.join(dir, 'hello.prompt'), '---\nmodel: openai/gpt-4o-mini\nconfig:\n  maxOutputTokens: 50\ninput:\n  schema:\n    n: number\n---\n{{role "system"}}Be brief.\n{{role "user"}}Say hello to case {{n}}.\n');
  const matrix = variants.map((m) => `  - model: ${m}\n`).join('');
  const cases = Array.from({ length: CASES }, (_, i) => `  - name: case ${i}\n    vars: { n: ${i} }\n    assert:\n      - type: contains\n        value: hello\n`).join('');
  fs.writeFileSync(path.join(dir, `${name}.tests.yaml`), `prompt: hello.prompt\nmatrix:\n${matrix}cases:\n${cases}`);
  return loadSuite(pathToFileURL(path.join(dir, `${name}.tests.yaml`)).toString(), pathToFileURL(dir).toString(), readTextUri);
}

const PROMPT_V1 = '---\nmodel: openai/gpt-4o-mini\nconfig:\n  maxOutputTokens: 50\ninput:\n  schema:\n    n: number\n---\n{{role "system"}}Be brief.\n{{role "user"}}Say hello to case {{n}}.\n';
const PROMPT_V2 = '---\nmodel: openai/gpt-4o-mini\nconfig:\n  maxOutputTokens: 50\ninput:\n  schema:\n    n: number\n---\n{{role "system"}}Be warm and brief.\n{{role "user"}}Please say hello to case number {{n}}.\n';

/** A git repository with two revisions of the prompt, and a suite comparing them on two models. */
async function writeVariantSuite(): Promise<{ dir: string; suite: TestSuite }> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pw-bench-variants-'));
  const git = (...args: string[]) => execFileSync('git', args, { cwd: dir, env: { ...process.env, GIT_CONFIG_GLOBAL: '/dev/null', GIT_CONFIG_NOSYSTEM: '1' }, stdio: 'ignore' });
  git('init', '-q');
  git('config', 'user.name', 'bench');
  git('config', 'user.email', 'bench@example.com');
  fs.writeFileSync(path.join(dir, 'hello.prompt'), PROMPT_V1);
  git('add', '-A');
  git('commit', '-q', '-m', 'v1');
  fs.writeFileSync(path.join(dir, 'hello.prompt'), PROMPT_V2);
  git('commit', '-q', '-am', 'v2');
  const cases = Array.from({ length: CASES }, (_, i) => `  - name: case ${i}\n    vars: { n: ${i} }\n    assert:\n      - type: contains\n        value: hello\n`).join('');
  fs.writeFileSync(path.join(dir, 'hello.tests.yaml'), `variants:\n  - prompt: hello.prompt@HEAD~1\n    label: v1\n  - prompt: hello.prompt\n    label: v2\nmatrix:\n  - model: openai/gpt-4o-mini\n  - model: googleai/gemini-2.5-flash\ncases:\n${cases}`);
  const suite = await loadSuite(pathToFileURL(path.join(dir, 'hello.tests.yaml')).toString(), pathToFileURL(dir).toString(), readTextUri, undefined, { git: new NodeGit() });
  return { dir, suite };
}

export async function runMatrixBench(options: { quick?: boolean; log?: (s: string) => void } = {}): Promise<MatrixBenchResult> {
  const runs = options.quick ? 1 : 3;
  const progress = options.log ?? ((s: string) => process.stderr.write(`  ${s}\n`));
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pw-bench-matrix-'));
  const load0 = os.loadavg()[0];
  const suite = await writeSuite(dir);
  const openaiOnly = await writeSuite(dir, ['openai/gpt-4o-mini', 'openai/gpt-4.1-nano', 'openai/gpt-4o', 'openai/gpt-4.1-mini'], 'openai-only');
  const jobs = (s: TestSuite = suite) => planJobs([s], undefined, { matrix: true });
  const variants = await writeVariantSuite();
  const variantSuite = variants.suite;
  let pvWall: MatrixBenchResult['promptVariants']['wall'];
  let pvLoad: [number, number];
  const providersFor = (url: string) => createProviders({ keys: { openai: 'sk-bench', googleai: 'AIza-bench' }, baseUrls: { openai: `${url}/v1`, googleai: url }, timeoutMs: 30_000, maxRetries: 0, trusted: true });

  // 1. Wall time at 100 ms per answer.
  const server = await Server.start(LATENCY_MS);
  let wall: MatrixBenchResult['wall'];
  let reference: MatrixBenchResult['reference'];
  try {
    const walls: number[] = [];
    let passed = 0;
    let stats = { requests: 0, maxInFlight: 0 } as Awaited<ReturnType<Server['stats']>>;
    for (let i = 0; i < runs + 1; i++) {
      await server.reset();
      const t0 = performance.now();
      const summary = await runTests([suite], { ...providersFor(server.url), concurrency: CONCURRENCY, readText: readTextUri }, jobs());
      const ms = performance.now() - t0;
      passed = summary.counts.passed;
      stats = await server.stats();
      if (i > 0) walls.push(ms); // the first run warms the JIT, loads the Gemini SDK and fills the connection pools
      progress(`matrix run ${i}: ${ms.toFixed(0)} ms (${summary.counts.passed} of ${summary.results.length} passed, max in flight ${stats.maxInFlight})`);
    }
    const m = median(walls);
    wall = {
      runsMs: walls.map((x) => Math.round(x)),
      medianMs: Math.round(m),
      ratioToIdeal: Math.round((m / IDEAL_MS) * 1000) / 1000,
      requests: { openai: stats.byApi?.openai ?? 0, gemini: stats.byApi?.gemini ?? 0 },
      maxInFlight: stats.maxInFlight,
      passed,
      goal: `within ${GOAL_RATIO}x of ${IDEAL_MS / 1000} s`,
      pass: m <= IDEAL_MS * GOAL_RATIO,
    };
    const refWalls: number[] = [];
    for (let i = 0; i < runs; i++) {
      const t0 = performance.now();
      await runTests([openaiOnly], { ...providersFor(server.url), concurrency: CONCURRENCY, readText: readTextUri }, jobs(openaiOnly));
      refWalls.push(performance.now() - t0);
      progress(`reference (four OpenAI variants) run ${i}: ${refWalls[i].toFixed(0)} ms`);
    }
    const rm = median(refWalls);
    reference = { runsMs: refWalls.map((x) => Math.round(x)), medianMs: Math.round(rm), ratioToIdeal: Math.round((rm / IDEAL_MS) * 1000) / 1000 };

    // The prompt variants: one warm-up, then the measured runs.
    const loadV0 = os.loadavg()[0];
    const pvWalls: number[] = [];
    let pvPassed = 0;
    let pvMax = 0;
    for (let i = 0; i < runs + 1; i++) {
      await server.reset();
      const t0 = performance.now();
      const summary = await runTests([variantSuite], { ...providersFor(server.url), concurrency: CONCURRENCY, readText: readTextUri }, jobs(variantSuite));
      const ms = performance.now() - t0;
      if (summary.results.length !== RUNS) throw new Error(`${summary.results.length} prompt-variant case runs, expected ${RUNS}`);
      pvPassed = summary.counts.passed;
      pvMax = (await server.stats()).maxInFlight;
      if (i > 0) pvWalls.push(ms);
      progress(`prompt variants run ${i}: ${ms.toFixed(0)} ms (${summary.counts.passed} of ${summary.results.length} passed, max in flight ${pvMax})`);
    }
    const pm = median(pvWalls);
    pvWall = { runsMs: pvWalls.map((x) => Math.round(x)), medianMs: Math.round(pm), ratioToIdeal: Math.round((pm / IDEAL_MS) * 1000) / 1000, passed: pvPassed, maxInFlight: pvMax, pass: pm <= IDEAL_MS * GOAL_RATIO };
    pvLoad = [Math.round(loadV0 * 100) / 100, Math.round(os.loadavg()[0] * 100) / 100];
  } finally {
    await server.stop();
  }

  // 2. CPU per case run at 0 ms: the runner alone (an in-memory provider), then through the SDKs.
  const memory = (id: 'openai' | 'googleai'): Provider => ({ id, endpoint: 'memory', call: async () => ({ output: 'Well, hello there.', model: 'm', usage: { inputTokens: 12, outputTokens: 4 } }) });
  const cpuOf = async (providerFor: Parameters<typeof runTests>[1]['providerFor'], of: TestSuite = suite): Promise<number> => {
    const samples: number[] = [];
    for (let i = 0; i < runs + 1; i++) {
      const c0 = process.cpuUsage();
      const summary = await runTests([of], { providerFor, trusted: true, concurrency: CONCURRENCY, readText: readTextUri }, jobs(of));
      const c = process.cpuUsage(c0);
      if (summary.counts.passed !== RUNS) throw new Error(`${summary.counts.passed} of ${RUNS} passed: ${summary.results.find((r) => r.status !== 'passed')?.reason}`);
      if (i > 0) samples.push((c.user + c.system) / 1000 / RUNS);
    }
    return Math.round(median(samples) * 1000) / 1000;
  };
  const runnerOnly = await cpuOf((id) => memory(id as 'openai' | 'googleai'));
  progress(`runner alone: ${runnerOnly} ms CPU per case run`);
  const pvRunnerOnly = await cpuOf((id) => memory(id as 'openai' | 'googleai'), variantSuite);
  progress(`runner alone, prompt variants: ${pvRunnerOnly} ms CPU per case run`);
  const fast = await Server.start(0);
  let withSdks: number;
  try {
    const p = providersFor(fast.url);
    withSdks = await cpuOf(p.providerFor);
  } finally {
    await fast.stop();
  }
  progress(`through the SDKs over HTTP: ${withSdks} ms CPU per case run (this process; the server is another)`);
  fs.rmSync(dir, { recursive: true, force: true });
  fs.rmSync(variants.dir, { recursive: true, force: true });
  return {
    cases: CASES,
    variants: VARIANTS,
    caseRuns: RUNS,
    concurrency: CONCURRENCY,
    latencyMs: LATENCY_MS,
    idealMs: IDEAL_MS,
    wall,
    reference,
    load: [Math.round(load0 * 100) / 100, Math.round(os.loadavg()[0] * 100) / 100],
    cpu: { runnerOnlyMsPerCase: runnerOnly, withSdksMsPerCase: withSdks, goal: `runner alone < ${CPU_GOAL_MS} ms per case run`, pass: runnerOnly < CPU_GOAL_MS },
    promptVariants: { variants: ['v1 × openai/gpt-4o-mini', 'v1 × googleai/gemini-2.5-flash', 'v2 × openai/gpt-4o-mini', 'v2 × googleai/gemini-2.5-flash'], wall: pvWall!, cpu: { runnerOnlyMsPerCase: pvRunnerOnly, pass: pvRunnerOnly < CPU_GOAL_MS }, load: pvLoad! },
  };
}

export function printMatrixBench(r: MatrixBenchResult, log: (s?: string) => void): void {
  log(`${r.cases} cases × ${r.variants.length} variants (${r.variants.join(', ')}) = ${r.caseRuns} case runs, ${r.latencyMs} ms per answer, concurrency ${r.concurrency}; ideal ${r.idealMs / 1000} s`);
  log(`wall time: median ${(r.wall.medianMs / 1000).toFixed(2)} s (${r.wall.runsMs.map((x) => (x / 1000).toFixed(2)).join(', ')}), ${r.wall.ratioToIdeal}x the ideal, goal ${r.wall.goal}: ${r.wall.pass ? 'met' : 'NOT met'}`);
  log(`requests per run: ${r.wall.requests.openai} OpenAI + ${r.wall.requests.gemini} Gemini, at most ${r.wall.maxInFlight} in flight; ${r.wall.passed} passed`);
  log(`reference, four OpenAI variants: median ${(r.reference.medianMs / 1000).toFixed(2)} s, ${r.reference.ratioToIdeal}x; load average ${r.load[0]} before, ${r.load[1]} after`);
  log(`CPU per case run at 0 ms: runner alone ${r.cpu.runnerOnlyMsPerCase} ms (goal ${r.cpu.goal}: ${r.cpu.pass ? 'met' : 'NOT met'}); through both SDKs over HTTP ${r.cpu.withSdksMsPerCase} ms`);
  const pv = r.promptVariants;
  log(`prompt variants (hello.prompt@HEAD~1 and hello.prompt × gpt-4o-mini and gemini-2.5-flash): median ${(pv.wall.medianMs / 1000).toFixed(2)} s (${pv.wall.runsMs.map((x) => (x / 1000).toFixed(2)).join(', ')}), ${pv.wall.ratioToIdeal}x the ideal: ${pv.wall.pass ? 'met' : 'NOT met'}; ${pv.wall.passed} passed, at most ${pv.wall.maxInFlight} in flight; load ${pv.load[0]} to ${pv.load[1]}`);
  log(`prompt variants, CPU per case run at 0 ms, runner alone: ${pv.cpu.runnerOnlyMsPerCase} ms (${pv.cpu.pass ? 'met' : 'NOT met'})`);
}

if (require.main === module) {
  void runMatrixBench({ quick: process.argv.includes('--quick') }).then((r) => {
    printMatrixBench(r, (s = '') => console.log(s));
    console.log(JSON.stringify(r, null, 2));
  });
}
