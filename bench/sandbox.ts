// Sandbox benchmark (docs/benchmarks.md, "javascript assertions"): what one `javascript`
// assertion costs in its QuickJS sandbox once the WebAssembly module is loaded (a fresh runtime
// and context each time), what the first one costs in a fresh process (loading the module), and,
// for scale, the same code with `node:vm` in a fresh context as it ran before the sandbox.
//
//   node --import tsx bench/sandbox.ts [--quick]
// `runSandboxBench()` is also called by bench/run.ts.
import { execFileSync } from 'node:child_process';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vm from 'node:vm';
import { evaluateAssertion, parseFixtureFile, type AssertionContext, type FixtureAssertion } from '../server/src/service/testing';
import { loadSandbox } from '../server/src/service/testing/assertions/sandbox';

const ROOT = path.resolve(__dirname, '..');
const GOAL_MS = 1;

export interface SandboxBenchResult {
  machine: { cpu: string; cores: number; loadavg: number[]; node: string; date: string };
  firstLoad: { moduleMs: number; firstAssertionMs: number; processes: number };
  perAssertion: Record<string, { medianMs: number; p95Ms: number; n: number }>;
  nodeVmPerAssertion: { medianMs: number; p95Ms: number; n: number };
  goal: string;
  pass: boolean;
}

const CODES: Record<string, string> = {
  expression: 'output.includes(context.vars.name)',
  body: 'const data = JSON.parse(output);\nreturn { pass: data.items.length === 3, score: data.items.length / 3, reason: `${data.items.length} items` };',
  async: '(async () => { await null; return output.length > 10; })()',
};
const OUTPUT = JSON.stringify({ items: ['Ada', 'Grace', 'Edsger'], note: 'x'.repeat(2000) });

function assertionOf(code: string): FixtureAssertion {
  return parseFixtureFile(`cases:\n  - name: a\n    assert:\n      - type: javascript\n        value: ${JSON.stringify(code)}\n`, 'file:///bench/x.tests.yaml').cases[0].assert[0];
}

const context = (): AssertionContext => ({ output: OUTPUT, vars: { name: 'Ada', ticket: { subject: 'Checkout fails', body: 'y'.repeat(500) } }, latencyMs: 120, provider: 'render', countTokens: () => 0, trusted: true });

function stats(xs: number[]): { medianMs: number; p95Ms: number; n: number } {
  const s = [...xs].sort((a, b) => a - b);
  const r3 = (x: number) => Math.round(x * 1000) / 1000;
  return { medianMs: r3(s[Math.floor(s.length / 2)]), p95Ms: r3(s[Math.floor(s.length * 0.95)]), n: s.length };
}

/** In a fresh process: the module load, then the first assertion (child of runSandboxBench). */
async function firstLoadHere(): Promise<void> {
  const t0 = performance.now();
  await loadSandbox();
  const moduleMs = performance.now() - t0;
  const r = await evaluateAssertion(assertionOf(CODES.expression), context());
  process.stdout.write(JSON.stringify({ moduleMs, firstAssertionMs: performance.now() - t0, pass: r.pass }));
}

export async function runSandboxBench(options: { quick?: boolean } = {}): Promise<SandboxBenchResult> {
  const n = options.quick ? 300 : 2000;
  const processes = options.quick ? 3 : 7;
  const loads: { moduleMs: number; firstAssertionMs: number }[] = [];
  for (let i = 0; i < processes; i++) {
    const out = execFileSync(process.execPath, ['--import', 'tsx', __filename, '--first-load'], { cwd: ROOT, encoding: 'utf8' });
    loads.push(JSON.parse(out));
  }
  const med = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

  await loadSandbox();
  const perAssertion: SandboxBenchResult['perAssertion'] = {};
  for (const [name, code] of Object.entries(CODES)) {
    const a = assertionOf(code);
    for (let i = 0; i < 50; i++) await evaluateAssertion(a, context());
    const times: number[] = [];
    for (let i = 0; i < n; i++) {
      const t = performance.now();
      const r = await evaluateAssertion(a, context());
      times.push(performance.now() - t);
      if (!r.pass) throw new Error(`${name}: ${r.reason}`);
    }
    perAssertion[name] = stats(times);
  }

  // How the expression ran before: a cached vm.Script in a fresh context per assertion.
  const script = new vm.Script(`'use strict';\n(function (output, context) {\nreturn (${CODES.expression});\n})(output, context)`);
  const vmTimes: number[] = [];
  for (let i = 0; i < n + 50; i++) {
    const t = performance.now();
    const c = context();
    script.runInNewContext({ output: c.output, context: JSON.parse(JSON.stringify({ vars: c.vars })) }, { timeout: 2000 });
    if (i >= 50) vmTimes.push(performance.now() - t);
  }

  const worst = Math.max(...Object.values(perAssertion).map((s) => s.medianMs));
  return {
    machine: { cpu: os.cpus()[0]?.model ?? '?', cores: os.cpus().length, loadavg: os.loadavg().map((x) => Math.round(x * 100) / 100), node: process.version, date: new Date().toISOString() },
    firstLoad: { moduleMs: Math.round(med(loads.map((l) => l.moduleMs)) * 10) / 10, firstAssertionMs: Math.round(med(loads.map((l) => l.firstAssertionMs)) * 10) / 10, processes },
    perAssertion,
    nodeVmPerAssertion: stats(vmTimes),
    goal: `median per assertion after warm-up < ${GOAL_MS} ms`,
    pass: worst < GOAL_MS,
  };
}

export function printSandboxBench(r: SandboxBenchResult, log: (s?: string) => void = console.log): void {
  log(`machine: ${r.machine.cpu}, ${r.machine.cores} cores, load ${r.machine.loadavg.join(' / ')}, Node ${r.machine.node}, ${r.machine.date}`);
  log(`first load (fresh process, median of ${r.firstLoad.processes}): module ${r.firstLoad.moduleMs} ms, first assertion done at ${r.firstLoad.firstAssertionMs} ms`);
  for (const [name, s] of Object.entries(r.perAssertion)) log(`per assertion, ${name.padEnd(10)} median ${s.medianMs} ms, p95 ${s.p95Ms} ms (n=${s.n})`);
  log(`for scale, node:vm fresh context (before): median ${r.nodeVmPerAssertion.medianMs} ms, p95 ${r.nodeVmPerAssertion.p95Ms} ms`);
  log(`goal: ${r.goal}: ${r.pass ? 'met' : 'NOT met'}`);
}

if (require.main === module) {
  if (process.argv.includes('--first-load')) void firstLoadHere();
  else void runSandboxBench({ quick: process.argv.includes('--quick') }).then((r) => printSandboxBench(r));
}
