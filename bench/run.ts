// `npm run bench`: builds, then measures the language server over real LSP stdio, the engine
// in-process, bundle and VSIX sizes, and a few bad inputs. Prints tables and writes
// bench/results/latest.json. See docs/benchmarks.md for what each number means.
//
//   node --import tsx bench/run.ts [--quick] [--no-vsix] [--no-extra] [--baseline REF | --no-baseline] [--no-load] [--no-floor]
//
// By default a child process keeps one core busy for the whole run (--no-load turns it off): an
// editor's machine is rarely idle, and on two cores the figures of a quiet machine flattered us.
//
// The edit latency at 1,000 and 10,000 lines is also measured for the server of a baseline commit
// (bench/baseline.txt unless --baseline names another), built in a temporary folder, in the same
// run and interleaved edit by edit with the current server, so a change to the engine can show it
// made typing no slower on the same machine under the same load.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileUri, ROOT, SERVER, TestLanguageClient } from '../test/support/lspClient';
import { Engine, examplePartials, type EngineTiming } from './engine';
import { aliasBombPrompt, applyEdit, editScript, generatePrompt, largePrompt, lineStartsOf, type EditKind } from './generate';
import { measureResponsiveness, measureSteps, RESPONSIVENESS_HEADER, responsivenessRows, stepLines, type ResponsivenessResult, type StepsResult } from './responsiveness';
import { bytes, count, ms, round, summarize, table, type Summary } from './stats';
import { BUNDLES, bundleSizes, packageVsix, type VsixResult } from './vsix';

const argv = process.argv.slice(2);
const args = new Set(argv);
const QUICK = args.has('--quick');
const LOAD = !args.has('--no-load');
/** Table 1's floor: a server that analyses nothing measured beside the real one (--no-floor turns it off). */
const FLOOR = !args.has('--no-floor');
const FLOOR_SERVER = path.join(ROOT, 'dist', 'bench', 'floor-server.js');
const SIZES = [
  { lines: 100, edits: QUICK ? 40 : 200, rounds: 1, goalP95: undefined as number | undefined, compare: false },
  { lines: 1_000, edits: QUICK ? 40 : 200, rounds: 2, goalP95: 10, compare: true },
  { lines: 10_000, edits: QUICK ? 20 : 100, rounds: 2, goalP95: 40, compare: true },
];
const BASELINE_FILE = path.join(__dirname, 'baseline.txt');
/**
 * Current p95 may exceed the baseline's by this much and still count as "not worse". With the same
 * code on both sides the two p95s agreed within 3% on a quiet machine, but moved by up to 18%
 * with other work on the two cores (docs/benchmarks.md, 4.8): the margin is for a quiet machine.
 */
const NOISE = { factor: 1.1, ms: 1 };
/** Edits applied (and waited for) before measuring; an even number, so the text is clean again. */
const WARMUP = 20;
/** Fresh documents opened per size; the first one is the cold open of a just-started server. */
const OPENS = QUICK ? 3 : 8;
const TIMEOUT_MS = 120_000;
const KINDS: EditKind[] = ['body-prose', 'body-tag-name', 'body-brace', 'frontmatter-description', 'frontmatter-key'];
const ACTIVATION_NOTE = 'Activation: not measured here (it needs VS Code); measured in code-server, see docs/benchmarks.md, section 5 "Extension activation".';

function log(s = ''): void {
  process.stdout.write(s + '\n');
}
function progress(s: string): void {
  process.stderr.write(`  ${s}\n`);
}

/** Resolves with `p`, or rejects when the server exits or nothing arrives in time. */
function guard<T>(p: Promise<T>, what: string, client: TestLanguageClient): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  let onExit: ((code: number | null, signal: string | null) => void) | undefined;
  const tail = () => {
    const err = client.stderr.join('');
    return /FATAL ERROR[^\n]*/.exec(err)?.[0] ?? err.trim().split('\n').slice(-3).join(' | ').slice(-600);
  };
  return Promise.race([
    p,
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${what}: no diagnostics after ${TIMEOUT_MS / 1000} s. ${tail()}`)), TIMEOUT_MS);
      onExit = (code, signal) => reject(new Error(`${what}: the server exited (${signal ?? `code ${code}`}). ${tail()}`));
      if (client.process.exitCode !== null || client.process.signalCode !== null) onExit(client.process.exitCode, client.process.signalCode);
      else client.process.once('exit', onExit);
    }),
  ]).finally(() => {
    clearTimeout(timer);
    if (onExit) client.process.off('exit', onExit);
  });
}

/** The harness answers workspace/configuration with defaults, as VS Code does on a first validation. */
const startServer = (bundle = SERVER) => TestLanguageClient.start({ configuration: true, server: bundle });
const docUri = (name: string) => fileUri(path.join(ROOT, 'bench', 'generated', name));

/**
 * Waits until the server has done the work it queued after the last publish (e.g. loading tokenizer
 * data and re-checking), by sending a request it answers in order: its reply comes after that work.
 */
async function barrier(client: TestLanguageClient, uri: string): Promise<void> {
  await guard(client.connection.sendRequest('textDocument/foldingRange', { textDocument: { uri } }), 'barrier', client);
}

/** The server's peak resident memory (Linux: VmHWM), read before it is stopped. */
function serverPeakRss(client: TestLanguageClient): number | undefined {
  try {
    const status = fs.readFileSync(`/proc/${client.process.pid}/status`, 'utf8');
    const kb = /VmHWM:\s+(\d+) kB/.exec(status);
    return kb ? Number(kb[1]) * 1024 : undefined;
  } catch {
    return undefined;
  }
}

// ---- 1. edit -> published diagnostics over LSP stdio ----

interface EditResult {
  lines: number;
  chars: number;
  variables: number;
  edits: number;
  all: Summary;
  byKind: Partial<Record<EditKind, Summary>>;
  /** Diagnostic codes published for the unedited prompt (expected: none). */
  initialCodes: string[];
  /** Measured versions whose published diagnostics were not empty (the transient problems the edits cause). */
  versionsWithDiagnostics: number;
  samples: number[];
}

/** What the edit loops of one server bundle collect, over all rounds. */
interface EditRun {
  label: string;
  /** The transport-only server (bench/floorServer.ts): left out of the version-by-version comparison. */
  floor?: boolean;
  /** This round's server process. */
  client?: TestLanguageClient;
  samples: number[];
  kinds: Map<EditKind, number[]>;
  withDiagnostics: number;
  initialCodes: string[];
  /** Codes and ranges of the diagnostics last published, to compare the servers version by version. */
  lastKey: string;
}

interface EditMeasurement {
  /** One per server, in the order given. */
  results: EditResult[];
  /**
   * Measured versions whose diagnostics (codes and ranges) differed between the servers: a faster
   * server that reports less is not an improvement.
   */
  versionsDiffering: number;
  firstDifference?: string;
}

const diagnosticsKey = (p: { diagnostics: { code?: unknown; range: { start: { line: number; character: number }; end: { line: number; character: number } } }[] }) =>
  p.diagnostics
    .map((d) => `${String(d.code)}@${d.range.start.line}:${d.range.start.character}-${d.range.end.line}:${d.range.end.character}`)
    .sort()
    .join(' ');

/** The diagnostics one server published and another did not, a few of each. */
function difference(runs: EditRun[]): string {
  const sets = runs.map((r) => new Set(r.lastKey.split(' ').filter(Boolean)));
  return runs
    .map((r, i) => {
      const only = [...sets[i]].filter((d) => sets.some((other, j) => j !== i && !other.has(d)));
      return only.length ? `only ${r.label}: ${only.slice(0, 3).join(', ')}${only.length > 3 ? ` and ${only.length - 3} more` : ''}` : '';
    })
    .filter(Boolean)
    .join('; ');
}

/**
 * `servers`: the bundles measured side by side, edit by edit. One marked `floor` is the
 * transport-only server: it is started with the diagnostics the first server published for the
 * unedited prompt and publishes them for every version.
 */
async function measureEdits(lines: number, n: number, rounds = 1, servers: { label: string; bundle: string; floor?: boolean }[] = [{ label: 'current', bundle: SERVER }]): Promise<EditMeasurement> {
  const { text, variables } = generatePrompt(lines);
  const script = editScript(text, WARMUP + n);
  const uri = docUri(`edits-${lines}.prompt`);
  const runs: EditRun[] = servers.map(({ label, floor }) => ({ label, floor, samples: [], kinds: new Map(), withDiagnostics: 0, initialCodes: [], lastKey: '' }));
  const compared = runs.filter((r) => !r.floor);
  let versionsDiffering = 0;
  let firstDifference: string | undefined;
  // Two processes of the same bundle, measured side by side, can differ by a few percent over a
  // whole loop (docs/benchmarks.md, 4.8), so with rounds > 1 each round starts fresh servers, opens
  // the prompt, repeats the warm-up and measures its own share of the script. `n / rounds` is
  // even: each share starts on the clean text.
  const share = n / rounds;
  for (let pass = 0; pass < rounds; pass++) {
    const measured = script.slice(WARMUP + pass * share, WARMUP + (pass + 1) * share);
    const steps = [...script.slice(0, WARMUP).map((e) => ({ e, warmup: true })), ...measured.map((e) => ({ e, warmup: false }))];
    try {
      let first: unknown[] = [];
      for (let k = 0; k < runs.length; k++) {
        const run = runs[k];
        run.client = run.floor ? await TestLanguageClient.start({ configuration: true, server: servers[k].bundle, initializationOptions: { diagnostics: first } }) : await startServer(servers[k].bundle);
        const opened = await guard(run.client.open(uri, text), 'open', run.client);
        if (k === 0) first = opened.diagnostics;
        if (pass === 0) run.initialCodes = opened.diagnostics.map((d) => String(d.code));
      }
      for (let i = 0; i < steps.length; i++) {
        const { e, warmup } = steps[i];
        // Every server gets each edit before the next one, so a burst of load from elsewhere hits
        // them alike. The order flips every two edits (a type and its delete), so that no server
        // always runs right after the other.
        const order = (i >> 1) % 2 ? [...runs].reverse() : runs;
        for (const run of order) {
          const client = run.client!;
          const t0 = performance.now();
          const published = await guard(client.edit(uri, e.range, e.text), `edit ${i}`, client);
          const dt = performance.now() - t0;
          if (compared.length > 1 && !run.floor) run.lastKey = diagnosticsKey(published);
          if (warmup) continue;
          run.samples.push(dt);
          if (!run.kinds.has(e.kind)) run.kinds.set(e.kind, []);
          run.kinds.get(e.kind)!.push(dt);
          if (published.diagnostics.length) run.withDiagnostics++;
        }
        if (!warmup && compared.some((r) => r.lastKey !== compared[0].lastKey)) {
          versionsDiffering++;
          firstDifference ??= `round ${pass + 1}, version ${i + 2} (${e.kind}): ${difference(compared)}`;
        }
      }
      for (const run of runs) await run.client!.close(uri);
    } finally {
      for (const run of runs) await run.client?.stop();
      for (const run of runs) run.client = undefined;
    }
  }
  const results = runs.map((run): EditResult => {
    const byKind: Partial<Record<EditKind, Summary>> = {};
    for (const [k, v] of run.kinds) byKind[k] = summarize(v);
    return {
      lines,
      chars: text.length,
      variables,
      edits: n,
      all: summarize(run.samples),
      byKind,
      initialCodes: run.initialCodes,
      versionsWithDiagnostics: run.withDiagnostics,
      samples: run.samples.map((x) => round(x, 3)),
    };
  });
  return { results, versionsDiffering, firstDifference };
}

// ---- 1b. the baseline's server ----

/** The command line's --baseline, else bench/baseline.txt; undefined with --no-baseline. */
function baselineChoice(): { ref: string; from: string } | undefined {
  if (args.has('--no-baseline')) return undefined;
  const i = argv.findIndex((a) => a === '--baseline' || a.startsWith('--baseline='));
  if (i >= 0) {
    const ref = argv[i].includes('=') ? argv[i].slice(argv[i].indexOf('=') + 1) : argv[i + 1];
    if (!ref || ref.startsWith('-')) throw new Error('--baseline needs a commit, e.g. --baseline 89f9c38');
    return { ref, from: '--baseline' };
  }
  if (!fs.existsSync(BASELINE_FILE)) throw new Error(`${path.relative(ROOT, BASELINE_FILE)} is missing; pass --baseline REF, or --no-baseline`);
  const ref = fs
    .readFileSync(BASELINE_FILE, 'utf8')
    .split('\n')
    .map((l) => l.trim())
    .find((l) => l && !l.startsWith('#'));
  if (!ref) throw new Error(`${path.relative(ROOT, BASELINE_FILE)} names no commit`);
  return { ref, from: path.relative(ROOT, BASELINE_FILE) };
}

function exec(file: string, fileArgs: string[], cwd: string, timeout = 600_000): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(file, fileArgs, { cwd, timeout, maxBuffer: 64 * 1024 * 1024, env: { ...process.env, FORCE_COLOR: '0', NO_COLOR: '1' } }, (err, stdout, stderr) => {
      if (!err) return resolve(String(stdout));
      const tail = String(stderr || stdout).trim().split('\n').slice(-4).join(' | ');
      reject(new Error(`${path.basename(file)} ${fileArgs.join(' ')} failed (${err.killed ? 'timed out' : `exit ${err.code}`})${tail ? `: ${tail}` : ''}`));
    });
  });
}

interface BaselineInfo {
  ref: string;
  /** Where the ref came from: --baseline or bench/baseline.txt. */
  from: string;
  commit: string;
  /** The working tree the current server is built from. */
  head: string;
  /** Tracked files of the working tree that differ from the baseline commit. */
  changedSinceBaseline: string[];
  /** 'linked': this tree's node_modules; 'npm ci': the baseline's lockfile differs, installed in the temporary folder. */
  dependencies: 'linked' | 'npm ci';
  prepareMs: number;
}

interface Baseline {
  info: BaselineInfo;
  server: string;
  /** Removes the temporary folder; safe to call more than once. */
  dispose(): void;
}

/**
 * Extracts the baseline commit into a temporary folder outside the repository and builds its
 * server bundle there with its own esbuild.mjs. `git archive` rather than `git worktree add`:
 * it only reads the repository, so nothing is left registered in .git if the run is killed.
 */
async function prepareBaseline(ref: string, from: string): Promise<Baseline> {
  const started = performance.now();
  const git = (...a: string[]) => exec('git', ['-C', ROOT, ...a], ROOT).then((o) => o.trim());
  const commit = await git('rev-parse', '--verify', '--quiet', '--end-of-options', `${ref}^{commit}`).catch(() => {
    throw new Error(`baseline ${ref} (from ${from}) is no commit of this repository: fetch it (a shallow clone lacks older commits), or pass --no-baseline`);
  });
  const head = await git('rev-parse', 'HEAD');
  const changedSinceBaseline = (await git('--no-optional-locks', 'diff', '--name-only', commit, '--')).split('\n').filter(Boolean);

  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'pw-bench-baseline-'));
  const repo = path.join(tmp, 'repo');
  let disposed = false;
  const dispose = () => {
    if (disposed) return;
    disposed = true;
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    try {
      if (fs.lstatSync(path.join(repo, 'node_modules')).isSymbolicLink()) fs.unlinkSync(path.join(repo, 'node_modules')); // the link only, never what it points to
    } catch {
      // not created
    }
    fs.rmSync(tmp, { recursive: true, force: true });
  };
  // A signal ends the process without running `finally`; the folder would be left in /tmp.
  const onSignal = (signal: NodeJS.Signals) => {
    dispose();
    process.exit(signal === 'SIGINT' ? 130 : 143);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    const tar = path.join(tmp, 'src.tar');
    await git('archive', '--format=tar', `--output=${tar}`, commit);
    fs.mkdirSync(repo);
    await exec('tar', ['-xf', tar, '-C', repo], tmp);
    fs.rmSync(tar);

    const lock = (dir: string) => {
      try {
        return fs.readFileSync(path.join(dir, 'package-lock.json'), 'utf8');
      } catch {
        return undefined;
      }
    };
    const baselineLock = lock(repo);
    let dependencies: BaselineInfo['dependencies'] = 'linked';
    if (baselineLock !== undefined && baselineLock === lock(ROOT)) {
      fs.symlinkSync(fs.realpathSync(path.join(ROOT, 'node_modules')), path.join(repo, 'node_modules'), 'dir');
    } else {
      dependencies = 'npm ci';
      progress(`baseline ${commit.slice(0, 7)}: its package-lock.json differs from the current one; installing its dependencies with npm ci in ${repo}...`);
      // Under `npm run`, the npm that runs us; otherwise the one on PATH.
      const npm = process.env.npm_execpath;
      await (npm ? exec(process.execPath, [npm, 'ci', '--no-audit', '--no-fund'], repo) : exec('npm', ['ci', '--no-audit', '--no-fund'], repo));
    }
    await exec(process.execPath, ['esbuild.mjs'], repo);
    const server = path.join(repo, 'dist', 'server.js');
    if (!fs.existsSync(server)) throw new Error(`the baseline's esbuild.mjs wrote no dist/server.js`);
    return { info: { ref, from, commit, head, changedSinceBaseline, dependencies, prepareMs: Math.round(performance.now() - started) }, server, dispose };
  } catch (e) {
    dispose();
    throw e;
  }
}

interface Comparison {
  lines: number;
  edits: number;
  baseline: Summary;
  current: Summary;
  /** (current p95 - baseline p95) / baseline p95, in %. */
  p95ChangePercent: number;
  /** The largest current p95 that still counts as not worse. */
  limit: number;
  notWorse: boolean;
  versionsDiffering: number;
  firstDifference?: string;
  baselineSamples: number[];
  currentSamples: number[];
}

function compare(m: EditMeasurement): Comparison {
  const [current, baseline] = m.results;
  const limit = round(baseline.all.p95 * NOISE.factor + NOISE.ms);
  return {
    lines: current.lines,
    edits: current.edits,
    baseline: baseline.all,
    current: current.all,
    p95ChangePercent: round(((current.all.p95 - baseline.all.p95) / baseline.all.p95) * 100, 1),
    limit,
    notWorse: current.all.p95 <= limit,
    versionsDiffering: m.versionsDiffering,
    firstDifference: m.firstDifference,
    baselineSamples: baseline.samples,
    currentSamples: current.samples,
  };
}

// ---- 2. didOpen -> first diagnostics ----

interface OpenResult {
  lines: number;
  /** The first document opened in a freshly started server (cold JIT, first configuration request). */
  cold: number;
  /** Further fresh documents (different seeds and URIs) in the same server. */
  warm: Summary;
  samples: number[];
}

async function measureOpens(lines: number): Promise<OpenResult> {
  const client = await startServer();
  try {
    const samples: number[] = [];
    for (let i = 0; i < OPENS; i++) {
      const { text } = generatePrompt(lines, 100 + i);
      const uri = docUri(`open-${lines}-${i}.prompt`);
      const t0 = performance.now();
      await guard(client.open(uri, text), `open ${i}`, client);
      samples.push(performance.now() - t0);
      await client.close(uri);
      await barrier(client, uri);
    }
    return { lines, cold: round(samples[0]), warm: summarize(samples.slice(1)), samples: samples.map((x) => round(x, 3)) };
  } finally {
    await client.stop();
  }
}

// ---- 3. the engine in-process, on the same versions as (1) ----

interface EngineResult {
  lines: number;
  parse: Summary;
  analysis: Summary;
  wholeParse: Summary;
  tokens: Summary;
  lint: Summary;
  total: Summary;
  totalSamples: number[];
}

function measureEngine(engine: Engine, lines: number, n: number): EngineResult {
  const { text } = generatePrompt(lines);
  const script = editScript(text, WARMUP + n);
  const timings: EngineTiming[] = [];
  let current = text;
  for (let i = 0; i < script.length; i++) {
    current = applyEdit(current, lineStartsOf(current), script[i]);
    const t = engine.validate(current, `file:///bench/engine-${lines}.prompt`, i + 2);
    if (i >= WARMUP) timings.push(t);
  }
  const pick = (k: keyof EngineTiming) => summarize(timings.map((t) => t[k]));
  return { lines, parse: pick('parse'), analysis: pick('analysis'), wholeParse: pick('wholeParse'), tokens: pick('tokens'), lint: pick('lint'), total: pick('total'), totalSamples: timings.map((t) => round(t.total, 3)) };
}

// ---- 6. bad inputs ----

interface BadResult {
  name: string;
  chars: number;
  /** didOpen -> diagnostics, first document in a fresh server. */
  open?: number;
  /** Single-character edits on the same document, when measured. */
  edits?: Summary;
  codes: string[];
  serverPeakRss?: number;
  /** The engine in-process (in a child process), median total and peak RSS. */
  engine?: { total: number; parse: number; analysis: number; wholeParse: number; tokens: number; peakRss: number };
  errors: string[];
}

function engineInChild(which: string, runs: number): Promise<BadResult['engine'] | string> {
  return new Promise((resolve) => {
    execFile(process.execPath, ['--import', 'tsx', path.join(__dirname, 'engineWorker.ts'), which, String(runs)], { cwd: ROOT, timeout: 600_000, maxBuffer: 16 * 1024 * 1024 }, (err, stdout, stderr) => {
      try {
        if (err) throw new Error(/heap out of memory/i.test(String(stderr)) ? 'the engine ran out of heap (node default limit)' : `${err.message.split('\n')[0]} ${String(stderr).trim().split('\n').slice(-2).join(' | ')}`);
        const out = JSON.parse(String(stdout).trim().split('\n').pop()!) as { runs: EngineTiming[]; peakRssBytes: number };
        const med = (k: keyof EngineTiming) => summarize(out.runs.map((r) => r[k])).median;
        resolve({ total: med('total'), parse: med('parse'), analysis: med('analysis'), wholeParse: med('wholeParse'), tokens: med('tokens'), peakRss: out.peakRssBytes });
      } catch (e) {
        resolve(e instanceof Error ? e.message : String(e));
      }
    });
  });
}

async function measureBad(name: string, which: string, text: string, edits: number, engineRuns: number): Promise<BadResult> {
  const result: BadResult = { name, chars: text.length, codes: [], errors: [] };
  const engine = await engineInChild(which, engineRuns);
  if (typeof engine === 'string') result.errors.push(`in-process engine: ${engine}`);
  else result.engine = engine;

  const client = await startServer();
  try {
    const uri = docUri(`bad-${which.replace(/\W+/g, '-')}.prompt`);
    const t0 = performance.now();
    const published = await guard(client.open(uri, text), `open ${name}`, client);
    result.open = round(performance.now() - t0);
    result.codes = [...new Set(published.diagnostics.map((d) => String(d.code)))];
    await barrier(client, uri);
    if (edits) {
      // Type and delete a letter in the first prose line of the template.
      const lines = text.slice(0, 200_000).split('\n');
      const close = lines.indexOf('---', 1);
      const line = lines.findIndex((l, i) => i > close && l.length > 10 && !l.includes('{{'));
      const samples: number[] = [];
      for (let i = 0; i < edits; i++) {
        const at = { line, character: 3 };
        const [range, t] = i % 2 === 0 ? [{ start: at, end: at }, 'x'] : [{ start: at, end: { line, character: 4 } }, ''];
        const s = performance.now();
        await guard(client.edit(uri, range, t), `edit ${name}`, client);
        samples.push(performance.now() - s);
      }
      result.edits = summarize(samples);
    }
    result.serverPeakRss = serverPeakRss(client);
    await client.close(uri);
  } catch (e) {
    result.errors.push(`server: ${e instanceof Error ? e.message : String(e)}`);
  } finally {
    await client.stop();
  }
  return result;
}

// ---- other suites in bench/ ----

/**
 * Benchmarks that other parts of the project keep in bench/ (template intelligence, tokens) run
 * here too when their files are present; each prints its own lines and documents its own section
 * of docs/benchmarks.md. Loaded by path so this file does not depend on them; never fatal.
 */
interface ExtraSuite {
  name: string;
  file: string;
  run: (mod: Record<string, unknown>, log: (s?: string) => void) => Promise<unknown>;
}

const EXTRA_SUITES: ExtraSuite[] = [
  {
    name: 'Template intelligence (bench/template.ts)',
    file: 'template.ts',
    run: async (mod, out) => {
      const result = (await (mod.benchTemplate as () => Promise<Record<string, unknown>>)()) ?? {};
      for (const [key, value] of Object.entries(result)) {
        const v = value as Partial<Summary> & Record<string, unknown>;
        out(`   ${key.padEnd(22)} ${typeof v.median === 'number' ? `median ${ms(v.median)} / p95 ${ms(v.p95)} / max ${ms(v.max)} ms (n=${v.n})` : JSON.stringify(value)}`);
      }
      return result;
    },
  },
  {
    name: 'Lint rules (bench/lint.ts)',
    file: 'lint.ts',
    run: async (mod, out) => {
      const result = await (mod.runLintBench as (o: { quick?: boolean }) => Promise<unknown>)({ quick: QUICK });
      (mod.printLintBench as (r: unknown, l: (s?: string) => void) => void)(result, (s = '') => out(`   ${s}`));
      return result;
    },
  },
  {
    name: 'Tokens (bench/tokens.ts)',
    file: 'tokens.ts',
    run: async (mod, out) => {
      const result = await (mod.runTokenBench as (o: { quick?: boolean }) => Promise<unknown>)({ quick: QUICK });
      if (typeof mod.printTokenBench === 'function') (mod.printTokenBench as (r: unknown, l: (s?: string) => void) => void)(result, (s = '') => out(`   ${s}`));
      return result;
    },
  },
  {
    name: 'Prompt history (bench/history.ts)',
    file: 'history.ts',
    run: async (mod, out) => {
      const result = await (mod.runHistoryBench as (o: { quick?: boolean }) => Promise<unknown>)({ quick: QUICK });
      (mod.printHistoryBench as (r: unknown, l: (s?: string) => void) => void)(result, (s = '') => out(`   ${s}`));
      return result;
    },
  },
  {
    name: 'Prompt catalogue (bench/catalog.ts)',
    file: 'catalog.ts',
    run: async (mod, out) => {
      const result = await (mod.runCatalogBench as (o: { quick?: boolean }) => Promise<unknown>)({ quick: QUICK });
      (mod.printCatalogBench as (r: unknown, l: (s?: string) => void) => void)(result, (s = '') => out(`   ${s}`));
      return result;
    },
  },
  {
    name: 'Rename through fixture files (bench/fixtureRefs.ts)',
    file: 'fixtureRefs.ts',
    run: async (mod, out) => {
      const result = await (mod.runFixtureRefsBench as (o: { quick?: boolean }) => Promise<unknown>)({ quick: QUICK });
      (mod.printFixtureRefsBench as (r: unknown, l: (s?: string) => void) => void)(result, (s = '') => out(`   ${s}`));
      return result;
    },
  },
  {
    name: 'Test runs (bench/testing.ts)',
    file: 'testing.ts',
    run: async (mod, out) => {
      const result = await (mod.runTestingBench as (o: { quick?: boolean }) => Promise<unknown>)({ quick: QUICK });
      (mod.printTestingBench as (r: unknown, l: (s?: string) => void) => void)(result, (s = '') => out(`   ${s}`));
      return result;
    },
  },
  {
    name: 'A model matrix (bench/matrix.ts)',
    file: 'matrix.ts',
    run: async (mod, out) => {
      const result = await (mod.runMatrixBench as (o: { quick?: boolean }) => Promise<unknown>)({ quick: QUICK });
      (mod.printMatrixBench as (r: unknown, l: (s?: string) => void) => void)(result, (s = '') => out(`   ${s}`));
      return result;
    },
  },
  {
    name: 'javascript assertions in their sandbox (bench/sandbox.ts)',
    file: 'sandbox.ts',
    run: async (mod, out) => {
      const result = await (mod.runSandboxBench as (o: { quick?: boolean }) => Promise<unknown>)({ quick: QUICK });
      (mod.printSandboxBench as (r: unknown, l: (s?: string) => void) => void)(result, (s = '') => out(`   ${s}`));
      return result;
    },
  },
];

async function runExtraSuites(out: string[]): Promise<Record<string, unknown>> {
  const results: Record<string, unknown> = {};
  for (const suite of EXTRA_SUITES) {
    const file = path.join(__dirname, suite.file);
    if (!fs.existsSync(file)) continue;
    progress(`suite: ${suite.name}...`);
    out.push(suite.name);
    try {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const mod = require(file) as Record<string, unknown>;
      results[suite.file] = await suite.run(mod, (s = '') => out.push(s));
    } catch (e) {
      const message = e instanceof Error ? e.message.split('\n')[0] : String(e);
      out.push(`   FAILED: ${message}`);
      results[suite.file] = { error: message };
    }
    out.push('');
  }
  return results;
}

// ---- main ----

function machine() {
  const cpus = os.cpus();
  return {
    cpu: cpus[0]?.model ?? 'unknown',
    cores: os.availableParallelism(),
    memory: bytes(os.totalmem()),
    node: process.version,
    platform: `${os.platform()} ${os.release()} ${os.arch()}`,
    /** 1-minute load average; other processes on a 2-core machine skew the numbers. */
    loadAverage: round(os.loadavg()[0]),
  };
}

async function main(): Promise<void> {
  if (!fs.existsSync(SERVER)) throw new Error(`${SERVER} is missing; run \`npm run build\` first (\`npm run bench\` does).`);
  const started = new Date();
  const m = machine();
  log(`Prompt Workbench benchmark, ${started.toISOString()}`);
  log(`${m.cpu}, ${m.cores} cores, ${m.memory}, node ${m.node}, ${m.platform}, load ${m.loadAverage}${QUICK ? '  [--quick: fewer iterations]' : ''}`);
  log();

  // dist/ as `npm run bench` just built it (used when --no-vsix skips the builds in a copy).
  const distBundlesAtStart = bundleSizes(path.join(ROOT, 'dist'));

  // Before any measurement, so that a baseline that cannot be built stops the run at once and its
  // build does not load the machine while something is timed.
  const choice = baselineChoice();
  let baseline: Baseline | undefined;
  if (choice) {
    progress(`baseline ${choice.ref} (from ${choice.from}): extracting and building its server in a temporary folder...`);
    baseline = await prepareBaseline(choice.ref, choice.from);
  }
  // Started after the baseline's build, so that only measurements run beside it.
  const load = LOAD ? startLoad() : undefined;
  try {
    await measureAll(started, m, distBundlesAtStart, baseline);
  } finally {
    load?.kill();
    baseline?.dispose();
  }
}

/** A process spinning on a CPU-bound loop: one core busy, as when a build or tests run beside the editor. */
function startLoad(): ChildProcess {
  const child = spawn(process.execPath, ['-e', 'let x = 0; for (;;) x = (x * 1103515245 + 12345) | 0;'], { stdio: 'ignore' });
  child.unref();
  // A signal skips `finally`, and without a handler it skips 'exit' too: kill the spinner on both.
  process.on('exit', () => child.kill());
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      child.kill();
      process.exit(signal === 'SIGINT' ? 130 : 143);
    });
  }
  progress(`load generator: pid ${child.pid} spinning on one core (--no-load turns it off)`);
  return child;
}

async function measureAll(started: Date, m: ReturnType<typeof machine>, distBundlesAtStart: Record<string, number | undefined>, baseline: Baseline | undefined): Promise<void> {
  // In-process first, while no server is running.
  progress('engine in-process...');
  const engine = new Engine(examplePartials(ROOT));
  const engineResults = SIZES.map((s) => measureEngine(engine, s.lines, s.edits));
  progress('engine in-process: the steps of a sliced 1 MB analysis...');
  const steps: StepsResult = await measureSteps(QUICK ? 2 : 6);

  const edits: EditResult[] = [];
  /** Per size: the floor server's loop, measured beside the real server's (undefined with --no-floor). */
  const floors: (EditResult | undefined)[] = [];
  const comparisons: Comparison[] = [];
  const loadAroundEdits = [round(os.loadavg()[0])];
  for (const s of SIZES) {
    const both = baseline && s.compare;
    progress(`edits: ${count(s.lines)} lines${both ? ', current and baseline interleaved' : ''}${FLOOR ? ', with the floor server' : ''}...`);
    const servers: { label: string; bundle: string; floor?: boolean }[] = [{ label: 'current', bundle: SERVER }];
    if (both) servers.push({ label: 'baseline', bundle: baseline.server });
    if (FLOOR) servers.push({ label: 'floor', bundle: FLOOR_SERVER, floor: true });
    const measured = await measureEdits(s.lines, s.edits, s.rounds, servers);
    edits.push(measured.results[0]);
    floors.push(FLOOR ? measured.results[servers.length - 1] : undefined);
    if (both) comparisons.push(compare(measured));
  }
  loadAroundEdits.push(round(os.loadavg()[0]));
  // Requests on a small prompt while a 1 MB prompt is analysed; the baseline's server too, when built.
  progress('requests during a 1 MB analysis...');
  const responsiveness: ResponsivenessResult[] = [await measureResponsiveness('current', () => startServer(), guard, docUri, { opens: QUICK ? 1 : 3, edits: QUICK ? 2 : 6 })];
  if (baseline) {
    progress('requests during a 1 MB analysis, baseline server...');
    responsiveness.push(await measureResponsiveness(`baseline ${baseline.info.commit.slice(0, 7)}`, () => startServer(baseline.server), guard, docUri, { opens: 1, edits: QUICK ? 1 : 2 }));
  }
  // Only the edit loops use it; no need to keep the build around for the rest of the run.
  baseline?.dispose();
  const opens: OpenResult[] = [];
  for (const s of SIZES) {
    progress(`opens: ${count(s.lines)} lines...`);
    opens.push(await measureOpens(s.lines));
  }

  const bad: BadResult[] = [];
  progress('bad input: 10 MB prompt...');
  bad.push(await measureBad('10 MB prompt', 'large:10000000', largePrompt(10_000_000), QUICK ? 4 : 10, 3));
  progress('bad input: 0.95 MB prompt...');
  bad.push(await measureBad('0.95 MB prompt (under the limit)', 'large:950000', largePrompt(950_000), 2, 1));
  progress('bad input: alias bomb...');
  bad.push(await measureBad('YAML alias bomb', 'alias-bomb', aliasBombPrompt(), 0, 5));

  let devBundles = distBundlesAtStart;
  let vsix: VsixResult | undefined;
  if (!args.has('--no-vsix')) {
    progress('production build + vsce package (in a temporary copy)...');
    vsix = await packageVsix(ROOT);
    if (vsix.devBundles) devBundles = vsix.devBundles;
  }
  const extraLines: string[] = [];
  const extras = args.has('--no-extra') ? {} : await runExtraSuites(extraLines);

  // ---- tables ----
  const goal = (p95: number, g: number | undefined) => (g === undefined ? '' : p95 < g ? `PASS (< ${g})` : `FAIL (< ${g}; ${ms(p95 - g)} over)`);
  log('1. Edit -> published diagnostics, real server over LSP stdio (ms; measured in the client process:');
  log('   includes JSON-RPC encode/decode and pipe transfer both ways, applying the incremental edit, parsing and diagnostics)');
  log(
    table(
      ['prompt', 'chars', 'vars', 'edits', 'median', 'p95', 'max', 'goal p95'],
      edits.map((e, i) => [`${count(e.lines)} lines`, count(e.chars), String(e.variables), String(e.edits), ms(e.all.median), ms(e.all.p95), ms(e.all.max), goal(e.all.p95, SIZES[i].goalP95)]),
    ),
  );
  if (FLOOR) {
    log();
    log('   floor: a server that analyses nothing (bench/floorServer.ts), measured edit by edit beside the real one;');
    log('   it publishes the diagnostics the real server published for the unedited prompt, for every version');
    log(table(['prompt', 'diagnostics', 'median', 'p95', 'max', 'real server p95 above floor p95'], edits.map((e, i) => {
      const f = floors[i];
      return f ? [`${count(e.lines)} lines`, String(e.initialCodes.length), ms(f.all.median), ms(f.all.p95), ms(f.all.max), ms(e.all.p95 - f.all.p95)] : [`${count(e.lines)} lines`, '-', '-', '-', '-', '-'];
    })));
  }
  for (const e of edits) if (e.initialCodes.length) log(`   note: the unedited ${count(e.lines)}-line prompt has diagnostics: ${[...new Set(e.initialCodes)].join(', ')}`);
  log();
  log('   by edit position (median / p95 ms)');
  log(table(['prompt', ...KINDS], edits.map((e) => [`${count(e.lines)} lines`, ...KINDS.map((k) => (e.byKind[k] ? `${ms(e.byKind[k]!.median)} / ${ms(e.byKind[k]!.p95)}` : '-'))])));
  log();
  log('1b. Edit -> published diagnostics, baseline commit against the current tree, same prompts and edit script,');
  log('    both servers running, each edit sent to one then the other (ms)');
  if (!baseline) log('   skipped (--no-baseline)');
  else {
    const b = baseline.info;
    const changed = b.changedSinceBaseline;
    const changes = changed.length ? `; files changed since the baseline: ${changed.slice(0, 6).join(', ')}${changed.length > 6 ? ` and ${changed.length - 6} more` : ''}` : '; no file changed since the baseline';
    const serverInputs = changed.filter((f) => f.startsWith('server/') || ['package.json', 'package-lock.json', 'esbuild.mjs', 'tsconfig.json'].includes(f));
    const same = serverInputs.length ? '' : ' (none in server/, the build or the dependencies: the same server, so any difference is noise)';
    log(`   baseline: ${b.commit.slice(0, 10)} (${b.ref} from ${b.from}), built with its own esbuild.mjs in a temporary folder, node_modules ${b.dependencies === 'linked' ? 'linked from this tree (same package-lock.json)' : 'installed there with npm ci (its package-lock.json differs)'}; prepared in ${ms(b.prepareMs / 1000)} s`);
    log(`   current:  dist/server.js of the working tree (HEAD ${b.head.slice(0, 10)})${changes}${same}`);
    log(
      table(
        ['prompt', 'edits', 'baseline median', 'p95', 'max', 'current median', 'p95', 'max', 'p95 change', 'limit', 'verdict'],
        comparisons.map((c) => [
          `${count(c.lines)} lines`,
          String(c.edits),
          ms(c.baseline.median),
          ms(c.baseline.p95),
          ms(c.baseline.max),
          ms(c.current.median),
          ms(c.current.p95),
          ms(c.current.max),
          `${c.p95ChangePercent > 0 ? '+' : ''}${c.p95ChangePercent.toFixed(1)}%`,
          ms(c.limit),
          c.notWorse ? 'not worse' : `WORSE (${ms(c.current.p95 - c.limit)} over)`,
        ]),
      ),
    );
    log(`   verdict: "not worse" when current p95 <= baseline p95 x ${NOISE.factor.toFixed(2)} + ${NOISE.ms} ms (the noise margin; "limit" is that bound)${QUICK ? '; --quick: too few edits for a p95 to mean much' : ''}`);
    log(`   ${SIZES.filter((s) => s.compare).map((s) => `${count(s.lines)} lines: ${s.rounds} rounds of fresh servers`).join(', ')}; load average (1 min) ${loadAroundEdits[0]} before the edit loops, ${loadAroundEdits[1]} after`);
    // The benchmark alone keeps the load near 1. Above that, two servers of the same code have
    // differed by more than the margin (docs/benchmarks.md, 4.8), so a verdict says little.
    if (Math.max(...loadAroundEdits) > 1.5) log(`   note: other processes were using the CPU (load above 1.5 on ${m.cores} cores); the p95s move more than the margin then, run again on a quiet machine before trusting a WORSE`);
    for (const c of comparisons) {
      if (c.versionsDiffering) log(`   note: at ${count(c.lines)} lines the two servers published different diagnostics for ${c.versionsDiffering} of ${c.edits} versions; first: ${c.firstDifference}`);
    }
  }
  log();
  log('1c. Requests answered during a 1 MB analysis: hover, completion and documentSymbol on a small prompt, one after the');
  log('    other (random gap 0-10 ms), while a 958 KB prompt is opened (fresh URI) or edited (one character); ms from send to answer');
  log(table(RESPONSIVENESS_HEADER, responsivenessRows(responsiveness)));
  for (const r of responsiveness) log(`   ${r.label}: analysis (didOpen/didChange -> diagnostics) ${r.phases.map((p) => `${p.kind} ${ms(p.analysis)}`).join(', ')}`);
  for (const l of stepLines(steps)) log(`   ${l}`);
  log('   a step is never cut: the longest bounds how long a request can wait (docs/benchmarks.md, "Requests during a long analysis")');
  log();
  log('2. didOpen -> first diagnostics over LSP stdio (ms; cold = first document of a fresh server, warm = further fresh documents)');
  log(table(['prompt', 'cold', `warm median (n=${OPENS - 1})`, 'warm max'], opens.map((o) => [`${count(o.lines)} lines`, ms(o.cold), ms(o.warm.median), ms(o.warm.max)])));
  log();
  log('3. Engine in-process on the same versions as (1), as the server validates (ms, median / p95):');
  log('   parse = parsePromptDocument (via PromptDocumentCache, as the server), analysis = diagnostics() (template analysis,');
  log('   whole-body Handlebars check, LSP conversion), of which "hbs whole" = the whole-body Handlebars parse; tokens = token-budget diagnostics;');
  log('   lint = the synchronous lint rules (default levels)');
  const mp = (s: Summary) => `${ms(s.median)} / ${ms(s.p95)}`;
  log(
    table(
      ['prompt', 'parse', 'analysis', '(hbs whole)', 'tokens', 'lint', 'total', 'total max', 'LSP median - engine median'],
      engineResults.map((e, i) => [`${count(e.lines)} lines`, mp(e.parse), mp(e.analysis), mp(e.wholeParse), mp(e.tokens), mp(e.lint), mp(e.total), ms(e.total.max), ms(edits[i].all.median - e.total.median)]),
    ),
  );
  log();
  log('4. Bundles (dev = `node esbuild.mjs`, production = `node esbuild.mjs --production` (minified, as packaged); both built in a temporary copy)');
  log(table(['bundle', 'dev build', 'production'], BUNDLES.map((b) => [`dist/${b}`, bytes(devBundles[b]), bytes(vsix?.productionBundles?.[b])])));
  log(`   ${ACTIVATION_NOTE}`);
  log();
  log('5. VSIX (`vsce package --no-dependencies` after `node esbuild.mjs --production`, in a temporary copy of the tree)');
  if (!vsix) log('   skipped (--no-vsix)');
  else if (vsix.ok) log(`   ${bytes(vsix.size)} (${vsix.size} bytes), ${vsix.files ?? '?'} files; build ${vsix.buildMs} ms, package ${vsix.packageMs} ms${vsix.flags.length ? `; flags: ${vsix.flags.join(' ')}` : ''}`);
  else {
    log(`   FAILED: ${vsix.error}`);
    if (vsix.sizeWithPlaceholderUrls !== undefined) {
      log(`   Size when packaged with placeholder URLs (${vsix.placeholderFlags!.join(' ')}; README links broken, for the size only):`);
      log(`   ${bytes(vsix.sizeWithPlaceholderUrls)} (${vsix.sizeWithPlaceholderUrls} bytes), ${vsix.files ?? '?'} files`);
    }
  }
  for (const w of vsix?.warnings ?? []) log(`   vsce warning: ${w}`);
  for (const l of vsix?.listing ?? []) log(`   ${l}`);
  log();
  log('6. Bad inputs (ms; open = didOpen -> diagnostics in a fresh server; edit = type/delete one letter; engine = in-process, median)');
  log(
    table(
      ['input', 'chars', 'open', 'edit median / max', 'engine', 'server peak RSS', 'engine peak RSS', 'diagnostics'],
      bad.map((b) => [
        b.name,
        count(b.chars),
        ms(b.open),
        b.edits ? `${ms(b.edits.median)} / ${ms(b.edits.max)}` : '-',
        ms(b.engine?.total),
        bytes(b.serverPeakRss),
        bytes(b.engine?.peakRss),
        b.codes.join(', ') || (b.open === undefined ? '-' : '(none)'),
      ]),
    ),
  );
  for (const b of bad) for (const e of b.errors) log(`   ${b.name}: ${e}`);
  log();

  if (extraLines.length) {
    log('7. Other suites in bench/ (documented in their own sections of docs/benchmarks.md)');
    for (const l of extraLines) log(l);
  }
  const loadAfter = round(os.loadavg()[0]);
  log(`Load generator: ${LOAD ? 'on (one core kept busy by a spinning child process during all measurements)' : 'off (--no-load)'}.`);
  log(`Load average (1 min) at start ${m.loadAverage}, at end ${loadAfter}; total time ${ms((Date.now() - started.getTime()) / 1000)} s.`);
  const results = {
    date: started.toISOString(),
    quick: QUICK,
    loadGenerator: LOAD,
    machine: m,
    loadAverageAtEnd: loadAfter,
    notes: {
      transport: 'stdio (VS Code itself starts this server over node IPC); times are client-measured round trips',
      warmupEdits: WARMUP,
      activation: ACTIVATION_NOTE,
    },
    edits: edits.map((e, i) => ({ ...e, goalP95: SIZES[i].goalP95, pass: SIZES[i].goalP95 === undefined ? undefined : e.all.p95 < SIZES[i].goalP95!, floor: floors[i] ? { all: floors[i]!.all, byKind: floors[i]!.byKind, samples: floors[i]!.samples } : null })),
    baseline: baseline ? { ...baseline.info, noiseMargin: NOISE, loadAroundEdits, comparisons } : null,
    opens,
    responsiveness,
    steps,
    engine: engineResults,
    bundles: { dev: devBundles, production: vsix?.productionBundles },
    vsix: vsix ?? null,
    badInputs: bad,
    suites: extras,
  };
  const dir = path.join(ROOT, 'bench', 'results');
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'latest.json'), JSON.stringify(results, null, 2) + '\n');
  log(`Wrote ${path.relative(process.cwd(), path.join(dir, 'latest.json'))}`);
}

main().catch((e) => {
  process.stderr.write(`bench failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exit(1);
});
