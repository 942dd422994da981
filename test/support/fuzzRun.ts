// Runs the fuzzer: most mutants through the engine in a child process (fuzzWorker.ts), every
// `lspEvery`-th through the real server (`dist/server.js`) over LSP. Used by
// test/integration/fuzz.test.ts and `npm run fuzz` (scripts/fuzz.ts).
import { fork, type ChildProcess } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import type { Diagnostic } from 'vscode-languageserver-types';
import { LineIndex } from '../../server/src/service/text';
import { badRange, loadSeeds, makeMutant, mutantUri, rangeFailures, rangesIn, requestPositions, RESULTS_DIR, REQUEST_LIMIT_MS, ROOT, semanticTokenFailures, type Failure, type Mutant, type Seed } from './fuzz';
import type { WorkerJob, WorkerMessage } from './fuzzWorker';
import { TestLanguageClient } from './lspClient';

/** A mutant the engine has not finished after this long is a hang: its process is killed. */
const HANG_MS = 20_000;
/** Over LSP: past the 1 s limit a request is slow; past this it is unanswered and the server is restarted. */
const UNANSWERED_MS = 10_000;

export interface FuzzOptions {
  seed: number;
  count: number;
  /** Every n-th mutant goes through the server over LSP (0: none). */
  lspEvery: number;
  /** Replays these mutants only. */
  only?: number[];
  onProgress?: (p: Progress) => void;
  /** Where failing mutants are written (default test-results/fuzz/). */
  resultsDir?: string;
}

export interface Progress {
  done: number;
  total: number;
  failed: number;
  ms: number;
}

export interface FailedMutant {
  index: number;
  via: 'engine' | 'lsp';
  source: string;
  ops: string[];
  failures: Failure[];
  file: string;
}

export interface FuzzSummary {
  seed: number;
  count: number;
  engine: number;
  lsp: number;
  ms: number;
  /** Requests over LSP, with the slowest. */
  lspRequests: number;
  lspSlowestMs: number;
  lspSlowest: string;
  failed: FailedMutant[];
}

function record(seed: number, m: Mutant, via: 'engine' | 'lsp', failures: Failure[], dir: string): FailedMutant {
  mkdirSync(dir, { recursive: true });
  const ext = m.seed.kind === 'fixture' ? '.tests.yaml' : '.prompt';
  const file = path.join(dir, `seed-${seed}-${m.index}${ext}`);
  writeFileSync(file, m.text);
  const out: FailedMutant = { index: m.index, via, source: m.seed.file, ops: m.ops, failures, file: path.relative(ROOT, file) };
  writeFileSync(file.replace(/\.(prompt|tests\.yaml)$/, '.json'), JSON.stringify({ seed, ...out, replay: `npm run fuzz -- --seed ${seed} --only ${m.index}` }, null, 2) + '\n');
  return out;
}

/** The engine share: one child process at a time, restarted after a mutant that kills or hangs it. */
async function runEngine(seed: number, indices: number[], onDone: (index: number, failures: Failure[]) => void): Promise<void> {
  let rest = indices;
  while (rest.length) {
    let finished = 0;
    const current = await new Promise<{ index: number | undefined; why?: string }>((resolve) => {
      let index: number | undefined;
      let timer: NodeJS.Timeout | undefined;
      const child: ChildProcess = fork(path.join(__dirname, 'fuzzWorker.ts'), [], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
      const arm = () => {
        clearTimeout(timer);
        timer = setTimeout(() => {
          child.kill('SIGKILL');
          resolve({ index, why: `hang: no answer after ${HANG_MS / 1000} s` });
        }, HANG_MS);
      };
      child.on('message', (msg: WorkerMessage) => {
        if (msg.type === 'start') {
          index = msg.index;
          arm();
        } else if (msg.type === 'done') {
          clearTimeout(timer);
          onDone(msg.index, msg.failures);
          finished++;
          index = undefined;
        } else if (msg.type === 'end') {
          clearTimeout(timer);
          resolve({ index: undefined });
        }
      });
      child.on('exit', (code, signal) => {
        clearTimeout(timer);
        resolve({ index, why: `the engine process exited (${signal ?? `code ${code}`})` });
      });
      child.send({ seed, indices: rest } satisfies WorkerJob);
      arm();
    });
    if (current.why === undefined) return;
    if (current.index !== undefined) onDone(current.index, [{ cause: current.why.split(':')[0], detail: current.why }]);
    rest = rest.slice(finished + (current.index === undefined ? 0 : 1));
  }
}

function within<T>(p: Promise<T>, ms: number): Promise<T | 'unanswered'> {
  let timer: NodeJS.Timeout;
  return Promise.race([p, new Promise<'unanswered'>((r) => (timer = setTimeout(() => r('unanswered'), ms)))]).finally(() => clearTimeout(timer));
}

/** The LSP share: one server, restarted only if a mutant kills it or leaves a request unanswered. */
class LspFuzzer {
  private client: TestLanguageClient | undefined;
  private logged: string[] = [];
  requests = 0;
  slowestMs = 0;
  slowest = '';

  private async server(): Promise<TestLanguageClient> {
    if (this.client && this.client.process.exitCode === null && this.client.process.signalCode === null) return this.client;
    if (this.client) await this.client.stop();
    const client = await TestLanguageClient.start();
    client.connection.onNotification('window/logMessage', (p: { type: number; message: string }) => {
      if (p.type === 1) this.logged.push(p.message);
    });
    // The first document loads the tokenizer data: done here, so it counts against no mutant.
    const warm = mutantUri({ index: -1, seed: { file: 'warm.prompt', text: '', kind: 'prompt' }, text: '', ops: [] });
    await client.open(warm, '---\nmodel: openai/gpt-4o\n---\n{{role "user"}}\nhello\n');
    await within(client.nextDiagnostics(warm, 1), 5000);
    await client.close(warm);
    this.client = client;
    return client;
  }

  async check(m: Mutant, seed: number): Promise<Failure[]> {
    const failures: Failure[] = [];
    const client = await this.server();
    this.logged = [];
    const uri = mutantUri(m);
    const lines = new LineIndex(m.text);
    const timed = async <T>(request: string, send: () => Promise<T>): Promise<T | undefined> => {
      const t0 = performance.now();
      const answer = await within(send().catch((e: unknown) => ({ error: e }) as never), UNANSWERED_MS);
      const ms = performance.now() - t0;
      this.requests++;
      if (ms > this.slowestMs) {
        this.slowestMs = ms;
        this.slowest = `${request} of mutant ${m.index}`;
      }
      if (answer === 'unanswered') {
        failures.push({ cause: `unanswered ${request}`, detail: `no answer after ${UNANSWERED_MS} ms` });
        return undefined;
      }
      if (ms > REQUEST_LIMIT_MS) failures.push({ cause: `slow ${request} (lsp)`, detail: `${ms.toFixed(0)} ms (limit ${REQUEST_LIMIT_MS} ms)` });
      if (answer && typeof answer === 'object' && 'error' in answer) failures.push({ cause: `error ${request} (lsp)`, detail: String((answer as { error: unknown }).error) });
      return answer as T;
    };
    const published = await timed('diagnostics', () => client.open(uri, m.text, m.seed.kind === 'fixture' ? 'yaml' : 'dotprompt'));
    const diags: Diagnostic[] = published?.diagnostics ?? [];
    rangeFailures('diagnostics (lsp)', lines, diags, failures);
    const doc = { textDocument: { uri } };
    const positions = requestPositions(m.index, seed, m.text);
    for (const position of positions) {
      const c = await timed('completion', () => client.connection.sendRequest('textDocument/completion', { ...doc, position }));
      rangeFailures('completion (lsp)', lines, rangesIn(c).map((range) => ({ range })), failures);
      const h = await timed('hover', () => client.connection.sendRequest('textDocument/hover', { ...doc, position }));
      rangeFailures('hover (lsp)', lines, rangesIn(h).map((range) => ({ range })), failures);
    }
    const symbols = await timed('documentSymbol', () => client.connection.sendRequest('textDocument/documentSymbol', doc));
    rangeFailures('documentSymbol (lsp)', lines, rangesIn(symbols).map((range) => ({ range })), failures);
    await timed('foldingRange', () => client.connection.sendRequest('textDocument/foldingRange', doc));
    const sem = await timed('semanticTokens', () => client.connection.sendRequest<{ data: number[] } | null>('textDocument/semanticTokens/full', doc));
    if (sem) semanticTokenFailures(lines, sem.data, failures);
    await timed('codeLens', () => client.connection.sendRequest('textDocument/codeLens', doc));
    const range = { start: positions[0], end: positions[0] };
    const actions = await timed('codeAction', () => client.connection.sendRequest('textDocument/codeAction', { ...doc, range, context: { diagnostics: diags.filter((d) => !badRange(lines, d.range)) } }));
    rangeFailures('codeAction (lsp)', lines, rangesIn(actions).map((r) => ({ range: r })), failures);
    await client.close(uri);
    // A request the server answers after the close: everything queued for this mutant is done.
    await timed('documentSymbol', () => client.connection.sendRequest('textDocument/documentSymbol', doc));
    for (const message of this.logged) failures.push({ cause: `server error: ${message.split('\n')[0].replace(/file:\S+/g, '<uri>').replace(/\d+/g, 'N').slice(0, 120)}`, detail: message.slice(0, 2000) });
    if (client.process.exitCode !== null || client.process.signalCode !== null) failures.push({ cause: 'server exited', detail: `exit ${client.process.exitCode ?? client.process.signalCode}: ${client.stderr.join('').slice(-2000)}` });
    if (failures.some((f) => f.cause.startsWith('unanswered'))) {
      await client.stop();
      this.client = undefined;
    }
    return failures;
  }

  async stop(): Promise<void> {
    await this.client?.stop();
  }
}

export async function runFuzz(o: FuzzOptions): Promise<FuzzSummary> {
  const seeds: Seed[] = loadSeeds();
  const dir = o.resultsDir ?? RESULTS_DIR;
  const all = o.only ?? Array.from({ length: o.count }, (_, i) => i);
  const viaLsp = (i: number) => o.lspEvery > 0 && i % o.lspEvery === o.lspEvery - 1;
  const lspIndices = all.filter(viaLsp);
  const engineIndices = all.filter((i) => !viaLsp(i));
  const failed: FailedMutant[] = [];
  const t0 = performance.now();
  let done = 0;
  let lastReport = 0;
  const progress = () => {
    done++;
    const now = performance.now();
    if (o.onProgress && (now - lastReport > 5000 || done === all.length)) {
      lastReport = now;
      o.onProgress({ done, total: all.length, failed: failed.length, ms: now - t0 });
    }
  };
  await runEngine(o.seed, engineIndices, (index, failures) => {
    if (failures.length) failed.push(record(o.seed, makeMutant(seeds, o.seed, index), 'engine', failures, dir));
    progress();
  });
  const lsp = new LspFuzzer();
  try {
    for (const index of lspIndices) {
      const m = makeMutant(seeds, o.seed, index);
      const failures = await lsp.check(m, o.seed);
      if (failures.length) failed.push(record(o.seed, m, 'lsp', failures, dir));
      progress();
    }
  } finally {
    await lsp.stop();
  }
  failed.sort((a, b) => a.index - b.index);
  return { seed: o.seed, count: all.length, engine: engineIndices.length, lsp: lspIndices.length, ms: performance.now() - t0, lspRequests: lsp.requests, lspSlowestMs: lsp.slowestMs, lspSlowest: lsp.slowest, failed };
}

/** Failures grouped by cause, most frequent first, each with the mutants that show it. */
export function byCause(failed: FailedMutant[]): { cause: string; mutants: number[] }[] {
  const groups = new Map<string, Set<number>>();
  for (const f of failed) for (const x of f.failures) groups.set(x.cause, (groups.get(x.cause) ?? new Set()).add(f.index));
  return [...groups].map(([cause, s]) => ({ cause, mutants: [...s] })).sort((a, b) => b.mutants.length - a.mutants.length || a.cause.localeCompare(b.cause));
}

export function formatSummary(s: FuzzSummary): string {
  const out = [
    `fuzz seed ${s.seed}: ${s.count} mutants (${s.engine} engine in-process, ${s.lsp} over LSP) in ${(s.ms / 1000).toFixed(1)} s (${((s.count / s.ms) * 1000).toFixed(0)}/s); ${s.lspRequests} LSP requests, slowest ${s.lspSlowestMs.toFixed(0)} ms (${s.lspSlowest || 'none'})`,
    `${s.failed.length} failing mutants`,
  ];
  for (const g of byCause(s.failed)) out.push(`  ${String(g.mutants.length).padStart(5)}  ${g.cause}  (mutants ${g.mutants.slice(0, 8).join(', ')}${g.mutants.length > 8 ? ', …' : ''})`);
  for (const f of s.failed.slice(0, 10)) {
    out.push(`mutant ${f.index} (${f.via}) of ${f.source}: ${f.ops.join('; ').slice(0, 300)}`, `  written to ${f.file}; replay: npm run fuzz -- --seed ${s.seed} --only ${f.index}`);
    for (const x of f.failures.slice(0, 3)) out.push(`  ${x.cause}: ${x.detail.split('\n').slice(0, 4).join('\n    ')}`);
  }
  return out.join('\n');
}
