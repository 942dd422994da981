// Test-run benchmark (docs/benchmarks.md, "Test runs"): 500 cases against the local mock server
// (OpenAI wire format, 100 ms per answer) at concurrency 8. Wall time against the ideal
// 500 / 8 x 0.1 s = 6.25 s, in-process and as the CLI process; then the same suite with promptfoo
// (npm, run by Node 24) at the same concurrency against the same server, side by side.
//
//   node --import tsx bench/testing.ts [--quick]        (run `npm run build` first for the CLI part)
// `runTestingBench()` is also called by bench/run.ts.
import { execFile, fork, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { createOpenAIProvider, loadSuite, runTests } from '../server/src/service/testing';
import { readTextUri } from '../server/src/node/workspaceReads';

const ROOT = path.resolve(__dirname, '..');
const CASES = 500;
const CONCURRENCY = 8;
const LATENCY_MS = 100;
const IDEAL_MS = (CASES / CONCURRENCY) * LATENCY_MS;
const GOAL_RATIO = 1.15;
const CACHE = path.join(os.homedir(), '.cache', 'prompt-workbench');
const NODE24 = path.join(CACHE, 'code-server', 'node24', 'node_modules', 'node', 'bin', 'node');
const PROMPTFOO = path.join(CACHE, 'promptfoo', 'node_modules', 'promptfoo', 'dist', 'src', 'entrypoint.js');
const PROMPTFOO_BIN = path.join(CACHE, 'promptfoo', 'node_modules', '.bin', 'promptfoo');

export interface ProcessRun {
  wallMs: number;
  peakRssBytes?: number;
  exitCode: number;
  requests: number;
  maxInFlight: number;
}

export interface TestingBenchResult {
  cases: number;
  concurrency: number;
  latencyMs: number;
  idealMs: number;
  inProcess: { wallMs: number[]; medianMs: number; ratioToIdeal: number; requests: number; maxInFlight: number; passed: number; goal: string; pass: boolean };
  cli: { runs: ProcessRun[]; medianMs: number; ratioToIdeal: number; peakRssBytes?: number };
  promptfoo: { skipped?: string; version?: string; runs?: ProcessRun[]; medianMs?: number; ratioToIdeal?: number; peakRssBytes?: number; oursVsPromptfoo?: number };
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

/** The mock server in its own process (bench/mockServerProcess.ts). */
class RemoteMock {
  private constructor(
    private readonly child: ChildProcess,
    readonly url: string,
  ) {}
  static start(latencyMs: number): Promise<RemoteMock> {
    const child = fork(path.join(__dirname, 'mockServerProcess.ts'), [String(latencyMs)], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    return new Promise((resolve, reject) => {
      child.once('message', (m: { url: string }) => resolve(new RemoteMock(child, m.url)));
      child.once('exit', (code) => reject(new Error(`the mock server exited (${code})`)));
    });
  }
  get openaiBaseUrl(): string {
    return `${this.url}/v1`;
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
  async stats(): Promise<{ requests: number; maxInFlight: number }> {
    const { requests, maxInFlight } = await this.ask<{ requests: number; maxInFlight: number }>('stats');
    return { requests, maxInFlight };
  }
  async stop(): Promise<void> {
    const exited = new Promise((r) => this.child.once('exit', r));
    this.child.send({ type: 'stop' });
    await exited;
  }
}

/** A prompt and a fixture file with `n` cases, each with one `contains` assertion. */
function writeSuite(dir: string, n: number): void {
  fs.writeFileSync(path.join(dir, 'hello.prompt'), '---\nmodel: openai/gpt-4o-mini\ninput:\n  schema:\n    n: number\n---\nSay hello to case {{n}}.\n');
  const cases = Array.from({ length: n }, (_, i) => `  - name: case ${i}\n    vars: { n: ${i} }\n    assert:\n      - type: contains\n        value: hello\n`).join('');
  fs.writeFileSync(path.join(dir, 'hello.tests.yaml'), `cases:\n${cases}`);
  const tests = Array.from({ length: n }, (_, i) => `  - vars: { n: ${i} }\n    assert:\n      - type: contains\n        value: hello\n`).join('');
  fs.writeFileSync(path.join(dir, 'promptfooconfig.yaml'), `prompts:\n  - "Say hello to case {{n}}."\nproviders:\n  - openai:chat:gpt-4o-mini\ntests:\n${tests}`);
}

/** Runs a process with a preload that prints its peak RSS on exit (to a file, so output stays clean). */
async function runProcess(node: string, args: string[], env: NodeJS.ProcessEnv, cwd: string, mock: RemoteMock): Promise<ProcessRun> {
  const rssFile = path.join(cwd, `rss-${Date.now()}-${Math.random().toString(16).slice(2)}.txt`);
  const preload = path.join(cwd, 'rss-preload.cjs');
  fs.writeFileSync(preload, `process.on('exit', () => { try { require('fs').writeFileSync(${JSON.stringify(rssFile)}, String(process.resourceUsage().maxRSS * 1024)); } catch {} });\n`);
  await mock.reset();
  const run = await new Promise<Omit<ProcessRun, 'requests' | 'maxInFlight'>>((resolve) => {
    const t0 = performance.now();
    execFile(node, ['--require', preload, ...args], { cwd, env, timeout: 300_000, maxBuffer: 64 * 1024 * 1024 }, (err, _stdout, stderr) => {
      const wallMs = performance.now() - t0;
      let peakRssBytes: number | undefined;
      try {
        peakRssBytes = Number(fs.readFileSync(rssFile, 'utf8'));
      } catch {
        peakRssBytes = undefined;
      }
      const exitCode = err ? Number((err as { code?: number }).code ?? 1) : 0;
      if (exitCode) process.stderr.write(`  exit ${exitCode}: ${String(stderr).trim().split('\n').slice(-5).join(' | ')}\n`);
      resolve({ wallMs, peakRssBytes, exitCode });
    });
  });
  return { ...run, ...(await mock.stats()) };
}

export async function runTestingBench(options: { quick?: boolean; log?: (s: string) => void } = {}): Promise<TestingBenchResult> {
  const runs = options.quick ? 1 : 3;
  const progress = options.log ?? ((s: string) => process.stderr.write(`  ${s}\n`));
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pw-bench-testing-'));
  writeSuite(dir, CASES);
  const mock = await RemoteMock.start(LATENCY_MS);
  try {
    // 1. In-process: the runner as the editor uses it.
    const suite = await loadSuite(pathToFileURL(path.join(dir, 'hello.tests.yaml')).toString(), pathToFileURL(dir).toString(), readTextUri);
    const provider = createOpenAIProvider({ apiKey: 'sk-bench', baseURL: mock.openaiBaseUrl, timeoutMs: 30_000, maxRetries: 0 });
    const walls: number[] = [];
    let passed = 0;
    for (let i = 0; i < runs + 1; i++) {
      await mock.reset();
      const t0 = performance.now();
      const summary = await runTests([suite], { providerFor: () => provider, concurrency: CONCURRENCY, trusted: true, readText: readTextUri });
      const ms = performance.now() - t0;
      passed = summary.counts.passed;
      if (i > 0) walls.push(ms); // the first run warms the JIT and the connection pool
      progress(`in-process run ${i}: ${ms.toFixed(0)} ms (${summary.counts.passed} passed)`);
    }
    const inProcessMedian = median(walls);
    const stats = await mock.stats();
    const inProcess = {
      wallMs: walls.map((x) => Math.round(x)),
      medianMs: Math.round(inProcessMedian),
      ratioToIdeal: Math.round((inProcessMedian / IDEAL_MS) * 1000) / 1000,
      requests: stats.requests,
      maxInFlight: stats.maxInFlight,
      passed,
      goal: `within ${GOAL_RATIO}x of ${IDEAL_MS / 1000} s`,
      pass: inProcessMedian <= IDEAL_MS * GOAL_RATIO,
    };

    // 2. The CLI as a process (start-up, loading, the run, the report).
    const env = { ...process.env, OPENAI_BASE_URL: mock.openaiBaseUrl, OPENAI_API_KEY: 'sk-bench' };
    const cliRuns: ProcessRun[] = [];
    for (let i = 0; i < runs; i++) {
      const r = await runProcess(process.execPath, [path.join(ROOT, 'dist', 'cli.js'), 'test', 'hello.tests.yaml', '--provider', 'openai', '--concurrency', String(CONCURRENCY), '--no-cache', '--no-record', '--reporter', 'json', '--output', 'ours.json'], env, dir, mock);
      cliRuns.push(r);
      progress(`CLI run ${i}: ${r.wallMs.toFixed(0)} ms, exit ${r.exitCode}, ${r.requests} requests, max in flight ${r.maxInFlight}`);
    }
    const cliMedian = median(cliRuns.map((r) => r.wallMs));

    // 3. promptfoo, same suite, same server, same concurrency.
    let pf: TestingBenchResult['promptfoo'];
    const entry = fs.existsSync(PROMPTFOO) ? PROMPTFOO : fs.existsSync(PROMPTFOO_BIN) ? fs.realpathSync(PROMPTFOO_BIN) : undefined;
    if (!fs.existsSync(NODE24) || !entry) {
      pf = { skipped: `promptfoo not measured: it needs ${fs.existsSync(NODE24) ? '' : `Node 24 at ${NODE24} and `}promptfoo installed in ${path.join(CACHE, 'promptfoo')} (npm install --prefix ${path.join(CACHE, 'promptfoo')} promptfoo@0.123.1).` };
      progress(pf.skipped!);
    } else {
      const pfEnv = { ...env, PROMPTFOO_DISABLE_TELEMETRY: '1', PROMPTFOO_DISABLE_UPDATE: '1', PROMPTFOO_DISABLE_REMOTE_GENERATION: 'true', PROMPTFOO_CONFIG_DIR: path.join(dir, '.promptfoo') };
      let version: string | undefined;
      try {
        version = JSON.parse(fs.readFileSync(path.join(CACHE, 'promptfoo', 'node_modules', 'promptfoo', 'package.json'), 'utf8')).version;
      } catch {
        version = undefined;
      }
      const pfRuns: ProcessRun[] = [];
      for (let i = 0; i < runs; i++) {
        const r = await runProcess(NODE24, [entry, 'eval', '-c', 'promptfooconfig.yaml', '--no-cache', '--no-write', '--no-table', '--no-progress-bar', '-j', String(CONCURRENCY)], pfEnv, dir, mock);
        pfRuns.push(r);
        progress(`promptfoo run ${i}: ${r.wallMs.toFixed(0)} ms, exit ${r.exitCode}, ${r.requests} requests, max in flight ${r.maxInFlight}`);
      }
      const pfMedian = median(pfRuns.map((r) => r.wallMs));
      pf = {
        version,
        runs: pfRuns.map((r) => ({ ...r, wallMs: Math.round(r.wallMs) })),
        medianMs: Math.round(pfMedian),
        ratioToIdeal: Math.round((pfMedian / IDEAL_MS) * 1000) / 1000,
        peakRssBytes: Math.max(...pfRuns.map((r) => r.peakRssBytes ?? 0)) || undefined,
        oursVsPromptfoo: Math.round((cliMedian / pfMedian) * 1000) / 1000,
      };
    }
    return {
      cases: CASES,
      concurrency: CONCURRENCY,
      latencyMs: LATENCY_MS,
      idealMs: IDEAL_MS,
      inProcess,
      cli: { runs: cliRuns.map((r) => ({ ...r, wallMs: Math.round(r.wallMs) })), medianMs: Math.round(cliMedian), ratioToIdeal: Math.round((cliMedian / IDEAL_MS) * 1000) / 1000, peakRssBytes: Math.max(...cliRuns.map((r) => r.peakRssBytes ?? 0)) || undefined },
      promptfoo: pf,
    };
  } finally {
    await mock.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

const mb = (b?: number) => (b ? `${(b / 1024 / 1024).toFixed(0)} MB` : '-');

export function printTestingBench(r: TestingBenchResult, log: (s?: string) => void): void {
  log(`${r.cases} cases, ${r.latencyMs} ms per answer, concurrency ${r.concurrency}; ideal ${(r.idealMs / 1000).toFixed(2)} s`);
  log(`in-process runner: median ${(r.inProcess.medianMs / 1000).toFixed(2)} s (${r.inProcess.ratioToIdeal}x ideal; runs ${r.inProcess.wallMs.join(', ')} ms), ${r.inProcess.requests} requests, max ${r.inProcess.maxInFlight} in flight, ${r.inProcess.passed} passed: ${r.inProcess.pass ? 'PASS' : 'FAIL'} (${r.inProcess.goal})`);
  log(`CLI process:       median ${(r.cli.medianMs / 1000).toFixed(2)} s (${r.cli.ratioToIdeal}x ideal; runs ${r.cli.runs.map((x) => x.wallMs).join(', ')} ms), peak RSS ${mb(r.cli.peakRssBytes)}, max ${Math.max(...r.cli.runs.map((x) => x.maxInFlight))} in flight`);
  if (r.promptfoo.skipped) log(`promptfoo:         ${r.promptfoo.skipped}`);
  else log(`promptfoo ${r.promptfoo.version}: median ${((r.promptfoo.medianMs ?? 0) / 1000).toFixed(2)} s (${r.promptfoo.ratioToIdeal}x ideal; runs ${r.promptfoo.runs!.map((x) => x.wallMs).join(', ')} ms), peak RSS ${mb(r.promptfoo.peakRssBytes)}, max ${Math.max(...r.promptfoo.runs!.map((x) => x.maxInFlight))} in flight, exit ${r.promptfoo.runs!.map((x) => x.exitCode).join('/')}; CLI / promptfoo = ${r.promptfoo.oursVsPromptfoo}`);
}

if (require.main === module) {
  void runTestingBench({ quick: process.argv.includes('--quick') }).then((r) => {
    printTestingBench(r, (s = '') => process.stdout.write(`${s}\n`));
    fs.mkdirSync(path.join(ROOT, 'bench', 'results'), { recursive: true });
    fs.writeFileSync(path.join(ROOT, 'bench', 'results', 'testing.json'), JSON.stringify({ date: new Date().toISOString(), node: process.version, cpus: os.cpus()[0]?.model, cores: os.availableParallelism(), loadAverage: os.loadavg()[0], ...r }, null, 2) + '\n');
  });
}
