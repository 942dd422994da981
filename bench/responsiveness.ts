// Requests answered while a 1 MB prompt is analysed (docs/benchmarks.md, "Requests during a long
// analysis"). One server: a small prompt is open; the large prompt (test/support/bigPrompt.ts) is
// opened, then edited one character at a time; while each version is analysed, the client keeps
// sending hover, completion and documentSymbol requests on the small prompt, one after the other
// with a random gap of 0-10 ms (so that they arrive at any point of the analysis), and times each
// from send to answer. The goal: p95 and max under 100 ms, under the benchmark's load generator.
import { spawn } from 'node:child_process';
import * as os from 'node:os';
import * as path from 'node:path';
import type { PublishDiagnosticsParams } from 'vscode-languageserver-protocol/node';
import { completePromptDiagnostics, lint, PromptDocumentCache, Slicer, type YieldOptions } from '../server/src/service';
import * as tokens from '../server/src/service/tokens';
import { DEFAULT_SETTINGS } from '../server/src/settings';
import { bigPrompt } from '../test/support/bigPrompt';
import { fileUri, ROOT, SERVER, TestLanguageClient } from '../test/support/lspClient';
import { examplePartials } from './engine';
import { rng } from './generate';
import { round, summarize, table, type Summary } from './stats';

export const SMALL_PROMPT = [
  '---',
  'model: openai/gpt-4o-mini',
  'config:',
  '  maxOutputTokens: 200',
  'input:',
  '  schema:',
  '    question: string, what the customer asked',
  '---',
  '{{role "user"}}',
  'Answer the question in <question>{{question}}</question>.',
  '',
].join('\n');

export interface ResponsivenessPhase {
  /** 'open' (a fresh URI: nothing remembered) or 'edit' (one character typed into the open prompt). */
  kind: 'open' | 'edit';
  /** didOpen / didChange -> the large prompt's diagnostics, ms. */
  analysis: number;
  /** Small requests answered while it ran. */
  requests: number;
}

export interface ResponsivenessResult {
  label: string;
  chars: number;
  phases: ResponsivenessPhase[];
  /** Latency of the small requests (send -> answer, ms), all phases. */
  all: Summary;
  open: Summary;
  edit: Summary;
  /** Requests answered in more than 100 ms. */
  over100: number;
  samples: number[];
}

/**
 * `start` gives a fresh server; `guard` rejects when the server dies or stalls. `opens` fresh
 * opens of the large prompt, then `edits` one-character edits.
 */
export async function measureResponsiveness(
  label: string,
  start: () => Promise<TestLanguageClient>,
  guard: <T>(p: Promise<T>, what: string, client: TestLanguageClient) => Promise<T>,
  uriOf: (name: string) => string,
  options: { opens: number; edits: number },
): Promise<ResponsivenessResult> {
  const text = bigPrompt();
  const client = await start();
  const r = rng(4242);
  const samples: { kind: 'open' | 'edit'; ms: number }[] = [];
  const phases: ResponsivenessPhase[] = [];
  const small = uriOf('responsiveness-small.prompt');
  const position = { line: 9, character: 38 }; // inside `{{question}}`
  const requests = [
    () => client.connection.sendRequest('textDocument/hover', { textDocument: { uri: small }, position }),
    () => client.connection.sendRequest('textDocument/completion', { textDocument: { uri: small }, position }),
    () => client.connection.sendRequest('textDocument/documentSymbol', { textDocument: { uri: small } }),
  ];
  try {
    await guard(client.open(small, SMALL_PROMPT), 'open small', client);
    // Its first validation loads the tokenizer data; the barrier waits for that.
    await guard(client.connection.sendRequest('textDocument/foldingRange', { textDocument: { uri: small } }), 'barrier', client);

    /** Sends small requests until `published` settles; returns how many were answered. */
    const during = async (kind: 'open' | 'edit', published: Promise<PublishDiagnosticsParams>): Promise<ResponsivenessPhase> => {
      let done = false;
      const t0 = performance.now();
      let analysis = NaN;
      const finished = guard(published, `${kind} large`, client).then(() => {
        analysis = performance.now() - t0;
        done = true;
      });
      let n = 0;
      while (!done) {
        const s = performance.now();
        const result = await guard(requests[n % requests.length](), 'small request', client);
        if (result === null) throw new Error(`a small request (${['hover', 'completion', 'documentSymbol'][n % requests.length]}) got no answer`);
        // Every request sent while the analysis ran counts, however long it waited.
        samples.push({ kind, ms: performance.now() - s });
        n++;
        await new Promise((resolve) => setTimeout(resolve, Math.floor(r() * 11)));
      }
      await finished;
      return { kind, analysis: round(analysis), requests: n };
    };

    let uri = '';
    for (let i = 0; i < options.opens; i++) {
      if (uri) await client.close(uri);
      uri = uriOf(`responsiveness-large-${i}.prompt`);
      phases.push(await during('open', client.open(uri, text)));
    }
    const line = text.split('\n').findIndex((l, i) => i > 300 && l.length > 20 && !l.includes('{{'));
    for (let i = 0; i < options.edits; i++) {
      const at = { line, character: 5 };
      const edit = i % 2 === 0 ? client.edit(uri, { start: at, end: at }, 'x') : client.edit(uri, { start: at, end: { line, character: 6 } }, '');
      phases.push(await during('edit', edit));
    }
    await client.close(uri);
  } finally {
    await client.stop();
  }
  const pick = (k?: 'open' | 'edit') => samples.filter((s) => !k || s.kind === k).map((s) => s.ms);
  return {
    label,
    chars: text.length,
    phases,
    all: summarize(pick()),
    open: summarize(pick('open')),
    edit: summarize(pick('edit')),
    over100: pick().filter((x) => x > 100).length,
    samples: pick().map((x) => round(x, 2)),
  };
}

/** Prints one result as table rows (see bench/run.ts, table 1c). */
export function responsivenessRows(results: ResponsivenessResult[]): string[][] {
  const ms = (x: number) => (x < 10 ? x.toFixed(2) : x < 100 ? x.toFixed(1) : x.toFixed(0));
  return results.map((r) => {
    const opens = r.phases.filter((p) => p.kind === 'open').map((p) => p.analysis);
    const edits = r.phases.filter((p) => p.kind === 'edit').map((p) => p.analysis);
    const median = (xs: number[]) => (xs.length ? ms(summarize(xs).median) : '-');
    return [r.label, String(r.all.n), ms(r.all.median), ms(r.all.p95), ms(r.all.max), `${r.over100}`, `${ms(r.open.p95)} / ${ms(r.edit.p95)}`, median(opens), median(edits), r.all.p95 < 100 && r.all.max < 100 ? 'PASS (< 100)' : 'FAIL (< 100)'];
  });
}

export const RESPONSIVENESS_HEADER = ['server', 'requests', 'median', 'p95', 'max', '> 100 ms', 'p95 open / edit', 'analysis: open', 'edit', 'goal p95, max'];

// ---- the engine in-process: how long each step of a sliced run is ----

export interface StepTimes {
  step: string;
  /** Longest wall time of one such step, ms. */
  wall: number;
  /** Its CPU time (process.cpuUsage: user + system, all threads, so garbage collection helpers too), ms. */
  cpu: number;
}

export interface StepsResult {
  chars: number;
  /** The first analysis of the document (nothing remembered), then one-character edits. */
  open: StepTimes[];
  edit: StepTimes[];
}

/**
 * The large prompt's validation in-process, as the server runs it, with a pause at every step
 * (`sliceMs: 0`): the parse, then every step of the engine's pipeline, each timed on its own. A step
 * is never cut (long ones pause inside their loops), so the longest one bounds how long a request
 * can wait.
 */
export async function measureSteps(edits: number): Promise<StepsResult> {
  const text = bigPrompt();
  const partials = examplePartials(ROOT);
  const analysis = { partials, customHelpers: DEFAULT_SETTINGS.customHelpers };
  const tokenOptions = { ...DEFAULT_SETTINGS.tokens, analysis };
  const config = lint.resolveLintConfig(lint.RULES);
  const cache = new PromptDocumentCache();
  const uri = fileUri(path.join(ROOT, 'bench', 'generated', 'steps-large.prompt'));
  const line = text.split('\n').findIndex((l, i) => i > 300 && l.length > 20 && !l.includes('{{'));
  const lineStart = text.split('\n').slice(0, line).join('\n').length + 1;
  const cpuMs = (since: NodeJS.CpuUsage) => {
    const d = process.cpuUsage(since);
    return (d.user + d.system) / 1000;
  };
  // As in the server, a small prompt is checked first: it loads secretlint and the tokenizer data
  // (once per process), which would otherwise be timed as steps of the large prompt's analysis.
  const small = cache.get({ uri: fileUri(path.join(ROOT, 'bench', 'generated', 'steps-small.prompt')), version: 1, getText: () => SMALL_PROMPT });
  tokens.loadTokenizer(small, tokenOptions);
  await completePromptDiagnostics(small, { ...analysis, lint: { config, tokens: tokenOptions, countTokens: true } });
  const runs: StepTimes[][] = [];
  for (let v = 1; v <= edits + 1; v++) {
    const current = v % 2 === 0 ? text.slice(0, lineStart + 5) + 'x' + text.slice(lineStart + 5) : text;
    const times: StepTimes[] = [];
    let cpu = process.cpuUsage();
    // As the server runs it: the parse in slices, then the diagnostics with the same slicer.
    const sliced: YieldOptions = {
      sliceMs: 0,
      yieldNow: () => new Promise((resolve) => setImmediate(resolve)),
      onSlice: (ms, step) => {
        times.push({ step, wall: ms, cpu: cpuMs(cpu) });
        cpu = process.cpuUsage();
      },
    };
    const doc = await Slicer.of(sliced).run(cache.getSteps({ uri, version: v, getText: () => current }, { maxTemplateSize: DEFAULT_SETTINGS.maxFileSize }));
    if (!tokens.tokenizerReady(doc, tokenOptions)) tokens.loadTokenizer(doc, tokenOptions);
    await completePromptDiagnostics(doc, { ...analysis, lint: { config, tokens: tokenOptions, countTokens: true }, yield: sliced });
    runs.push(times);
  }
  /** The longest of each step over the runs, longest first. */
  const longest = (rs: StepTimes[][]): StepTimes[] => {
    const by = new Map<string, StepTimes>();
    for (const r of rs)
      for (const s of r) {
        const had = by.get(s.step);
        if (!had || s.wall > had.wall) by.set(s.step, { step: s.step, wall: round(s.wall), cpu: round(s.cpu) });
      }
    return [...by.values()].sort((a, b) => b.wall - a.wall);
  };
  return { chars: text.length, open: longest(runs.slice(0, 1)), edit: longest(runs.slice(1)) };
}

// `node --import tsx bench/responsiveness.ts [--no-load] [--server dist/server.js]`: this section alone
// (after `npm run build`), with the same load generator as `npm run bench`.
if (require.main === module) {
  void (async () => {
    const args = process.argv.slice(2);
    const server = args.includes('--server') ? path.resolve(args[args.indexOf('--server') + 1]) : SERVER;
    const load = args.includes('--no-load') ? undefined : spawn(process.execPath, ['-e', 'let x = 0; for (;;) x = (x * 1103515245 + 12345) | 0;'], { stdio: 'ignore' });
    process.on('exit', () => load?.kill());
    const exits = new WeakMap<TestLanguageClient, Promise<never>>();
    const exited = (client: TestLanguageClient) => {
      let p = exits.get(client);
      if (!p) {
        p = new Promise<never>((_, reject) => client.process.once('exit', () => reject(new Error('the server exited'))));
        p.catch(() => undefined);
        exits.set(client, p);
      }
      return p;
    };
    const guard = <T>(p: Promise<T>, what: string, client: TestLanguageClient): Promise<T> => Promise.race([p, exited(client)]).catch((e: Error) => Promise.reject(new Error(`${what}: ${e.message}`)));
    try {
      const started = new Date().toISOString();
      const load0 = os.loadavg()[0].toFixed(2);
      const steps = await measureSteps(6);
      const result = await measureResponsiveness(path.relative(ROOT, server), () => TestLanguageClient.start({ configuration: true, server }), guard, (n) => fileUri(path.join(ROOT, 'bench', 'generated', n)), { opens: 3, edits: 6 });
      process.stdout.write(`${started}, ${os.cpus()[0]?.model}, ${os.availableParallelism()} cores, node ${process.version}, load generator ${load ? 'on' : 'off'}, load average (1 min) ${load0} at start, ${os.loadavg()[0].toFixed(2)} at end\n`);
      process.stdout.write(table(RESPONSIVENESS_HEADER, responsivenessRows([result])) + '\n');
      process.stdout.write(`analysis ms per phase: ${result.phases.map((p) => `${p.kind} ${p.analysis} (${p.requests} requests)`).join(', ')}\n`);
      process.stdout.write(stepLines(steps).join('\n') + '\n');
    } finally {
      load?.kill();
    }
  })();
}

/** The longest steps, as lines for the report. */
export function stepLines(steps: StepsResult, top = 8): string[] {
  const cell = (s: StepTimes) => `${s.step} ${s.wall < 10 ? s.wall.toFixed(1) : s.wall.toFixed(0)} (${s.cpu < 10 ? s.cpu.toFixed(1) : s.cpu.toFixed(0)})`;
  return [
    `longest steps in-process, ms wall (CPU), ${steps.chars.toLocaleString('en-US')} characters:`,
    `  first analysis: ${steps.open.slice(0, top).map(cell).join(', ')}`,
    `  after an edit:  ${steps.edit.slice(0, top).map(cell).join(', ')}`,
  ];
}
