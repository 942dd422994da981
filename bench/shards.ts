// A large suite in shards, as CI runs it: N cases (default 10,000) of one fixture file, run by the
// built CLI (`dist/cli.js test --shard K/S`) one shard after the other against the local provider
// server in its own process, then `report --merge` of the shards' records into one record and one
// JUnit file, and `report --html` of the merged record. Checks that nothing was lost or counted
// twice (every case id once, the failing tenth failing, the server's request count) and prints
// the wall time of each step. See docs/benchmarks.md, "Sharded suites".
//
//   npm run build && node --import tsx bench/shards.ts [--cases N] [--shards S] [--latency MS] [--concurrency C]
import { execFile, fork } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const ROOT = path.resolve(__dirname, '..');
const CLI = path.join(ROOT, 'dist', 'cli.js');
const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const CASES = arg('cases', 10_000);
const SHARDS = arg('shards', 8);
const LATENCY = arg('latency', 20);
const CONCURRENCY = arg('concurrency', 8);

function run(args: string[], cwd: string, env: NodeJS.ProcessEnv): Promise<{ code: number; ms: number; stdout: string; stderr: string }> {
  const t0 = performance.now();
  return new Promise((resolve) => {
    execFile(process.execPath, [CLI, ...args], { cwd, env, maxBuffer: 256 * 1024 * 1024 }, (err, stdout, stderr) => resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, ms: performance.now() - t0, stdout, stderr }));
  });
}

async function main(): Promise<void> {
  const mockProcess = fork(path.join(__dirname, 'mockServerProcess.ts'), [String(LATENCY)], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const url = await new Promise<string>((resolve) => mockProcess.once('message', (m: { url: string }) => resolve(m.url)));
  const stats = () => new Promise<{ requests: number; maxInFlight: number }>((resolve) => {
    mockProcess.once('message', (m: { requests: number; maxInFlight: number }) => resolve(m));
    mockProcess.send({ type: 'stats' });
  });
  const dir = mkdtempSync(path.join(os.tmpdir(), 'pw-bench-shards-'));
  try {
    // The server answers "Well, hello there." to everything: every tenth case expects a word it never says.
    writeFileSync(path.join(dir, 'prompt-workbench.yaml'), 'testing:\n  maxPassRateDrop: 0\n');
    writeFileSync(path.join(dir, 'greet.prompt'), '---\nmodel: openai/gpt-4o-mini\ninput:\n  schema:\n    n: integer\n---\n{{role "user"}}\nGreet visitor number {{n}}.\n');
    const lines = ['prompt: ./greet.prompt', 'cases:'];
    for (let i = 1; i <= CASES; i++) lines.push(`  - name: visitor ${i}`, `    vars: { n: ${i} }`, '    assert:', '      - type: contains', `        value: ${i % 10 === 0 ? 'goodbye' : 'hello'}`);
    writeFileSync(path.join(dir, 'greet.tests.yaml'), `${lines.join('\n')}\n`);
    mkdirSync(path.join(dir, 'junit'));
    const env = { ...process.env, OPENAI_BASE_URL: `${url}/v1`, OPENAI_API_KEY: 'sk-bench-DUMMY' };
    const load0 = os.loadavg()[0];
    const shardRows: string[] = [];
    let total = 0;
    for (let k = 1; k <= SHARDS; k++) {
      const r = await run(['test', '.', '--provider', 'openai', '--shard', `${k}/${SHARDS}`, '--records-dir', `shards/${k}`, '--reporter', 'junit', '--output', `junit/${k}.xml`, '--no-cache', '--concurrency', String(CONCURRENCY)], dir, env);
      if (r.code !== 1) throw new Error(`shard ${k} exited with ${r.code}: ${r.stderr}`);
      const record = readdirSync(path.join(dir, 'shards', String(k))).find((f) => f.endsWith('.jsonl'))!;
      const cases = readFileSync(path.join(dir, 'shards', String(k), record), 'utf8').trim().split('\n').length - 1;
      total += cases;
      shardRows.push(`| ${k}/${SHARDS} | ${cases.toLocaleString('en-US')} | ${(r.ms / 1000).toFixed(1)} s |`);
      process.stderr.write(`  shard ${k}/${SHARDS}: ${cases} cases in ${(r.ms / 1000).toFixed(1)} s\n`);
    }
    const served = await stats();
    const merge = await run(['report', '--merge', ...Array.from({ length: SHARDS }, (_, i) => `shards/${i + 1}`), '--output', 'merged/run.jsonl', '--junit', 'merged/junit.xml'], dir, env);
    const merged = readFileSync(path.join(dir, 'merged', 'run.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { type: string; id: string; status: string; case: string });
    const cases = merged.filter((x) => x.type === 'case');
    const ids = new Set(cases.map((c) => c.id));
    const failed = cases.filter((c) => c.status === 'failed');
    const junit = readFileSync(path.join(dir, 'merged', 'junit.xml'), 'utf8');
    const testcases = (junit.match(/<testcase /g) ?? []).length;
    const html = await run(['report', 'merged/run.jsonl', '--html', 'merged/trends.html'], dir, env);
    const checks = {
      'shard records add up to N': total === CASES,
      'merged: N case lines': cases.length === CASES,
      'merged: N distinct ids': ids.size === CASES,
      'merged: the failing tenth': failed.length === CASES / 10 && failed.every((c) => Number(c.case.split(' ')[1]) % 10 === 0),
      'JUnit: N test cases': testcases === CASES,
      'server: N requests': served.requests === CASES,
      'merge exit 1 (failures)': merge.code === 1,
      'html exit 0': html.code === 0,
    };
    const load1 = os.loadavg()[0];
    const out = [
      `Sharded suite: ${CASES.toLocaleString('en-US')} cases, ${SHARDS} shards run one after the other, concurrency ${CONCURRENCY}, server latency ${LATENCY} ms (${os.cpus().length} cores, load ${load0.toFixed(2)} -> ${load1.toFixed(2)}, ${new Date().toISOString().slice(0, 16)} UTC, node ${process.version})`,
      '',
      '| shard | cases | wall time |',
      '|---|---:|---:|',
      ...shardRows,
      '',
      `| step | wall time | output |`,
      '|---|---:|---|',
      `| report --merge (${SHARDS} records) | ${(merge.ms / 1000).toFixed(2)} s | ${statSync(path.join(dir, 'merged', 'run.jsonl')).size.toLocaleString('en-US')} B record, ${statSync(path.join(dir, 'merged', 'junit.xml')).size.toLocaleString('en-US')} B JUnit |`,
      `| report --html (merged record) | ${(html.ms / 1000).toFixed(2)} s | ${statSync(path.join(dir, 'merged', 'trends.html')).size.toLocaleString('en-US')} B page |`,
      '',
      ...Object.entries(checks).map(([k, v]) => `- ${v ? 'ok  ' : 'FAIL'} ${k}`),
    ];
    process.stdout.write(`${out.join('\n')}\n`);
    if (Object.values(checks).some((v) => !v)) process.exitCode = 1;
  } finally {
    mockProcess.send({ type: 'stop' });
    rmSync(dir, { recursive: true, force: true });
  }
}

void main().catch((e: unknown) => {
  process.stderr.write(`${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exit(1);
});
