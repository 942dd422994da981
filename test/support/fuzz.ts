// A seeded fuzzer for the engine and the server: mutants of the repository's own prompts and
// fixture files, each made from (seed, index) alone so that any one of them can be rebuilt and
// replayed, and checks that hold for every input: nothing throws, every range is a valid LSP range
// (inside the document and inside its line), every request is answered in time.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';
import type { Diagnostic, Position, Range } from 'vscode-languageserver-types';
import * as engine from '../../server/src/service';
import { wholeTemplateDiagnostics } from '../../server/src/service/template';
import { LineIndex } from '../../server/src/service/text';
import * as testing from '../../server/src/service/testing';
import * as tokens from '../../server/src/service/tokens';

export const ROOT = path.resolve(__dirname, '..', '..');
export const RESULTS_DIR = path.join(ROOT, 'test-results', 'fuzz');
export const DEFAULT_SEED = 20261122;
/** A request slower than this is a failure, in-process and over LSP alike. */
export const REQUEST_LIMIT_MS = 1000;

export interface Seed {
  /** Path relative to the repository root. */
  file: string;
  text: string;
  kind: 'prompt' | 'fixture';
}

function walk(dir: string, out: string[]): void {
  for (const name of readdirSync(dir)) {
    const p = path.join(dir, name);
    if (statSync(p).isDirectory()) walk(p, out);
    else out.push(p);
  }
}

/** The inputs mutated: examples, the corpus, the quick-fix goldens and the e2e and grammar fixtures, sorted so a seed means the same everywhere. */
export function loadSeeds(): Seed[] {
  const files: string[] = [];
  for (const dir of ['examples', 'test/corpus', 'test/golden', 'test/e2e/scenarios', 'test/grammar/fixtures']) walk(path.join(ROOT, dir), files);
  return files
    .map((f) => path.relative(ROOT, f).split(path.sep).join('/'))
    .filter((f) => f.endsWith('.prompt') || f.endsWith('.tests.yaml'))
    .sort()
    .map((file) => ({ file, text: readFileSync(path.join(ROOT, file), 'utf8'), kind: file.endsWith('.tests.yaml') ? ('fixture' as const) : ('prompt' as const) }));
}

// ---------------------------------------------------------------------------------------------
// PRNG and mutations

/** mulberry32: small, fast and the same on every platform. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The generator of mutant `index`: independent of every other index, so one mutant replays alone. */
export function mutantRng(seed: number, index: number): () => number {
  let h = (seed ^ Math.imul(index + 1, 0x9e3779b1)) >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b) >>> 0;
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35) >>> 0;
  return prng((h ^ (h >>> 16)) >>> 0);
}

// Characters and sequences the scanners of the template, the frontmatter and YAML give meaning to,
// plus line breaks of every kind and UTF-16 edge cases (a surrogate pair, a lone surrogate).
const TOKENS = [
  '{', '}', '{{', '}}', '{{{', '}}}', '{{{{', '}}}}', '#', '/', '!', '-', '~', '"', "'", '\\',
  '\r\n', '\n', '\r', '---', '\n---\n', '---\r\n', '{{#', '{{/', '{{!', '{{!--', '--}}', '{{>', '{{else}}',
  '{{~', '~}}', '{{^', '(', ')', '=', '|', '@', '.', ':', ' ', '\t', '[', ']', '&', '*', '%', '>',
  'é', '😀', '\ud800', '{{#if x}}', '{{/if}}', '{{#each items as |it|}}', '{{/each}}', '{{role "user"}}', '{{history}}',
];

const NESTS: [string, string][] = [
  ['{{#if a}}', '{{/if}}'],
  ['{{#each items}}', '{{/each}}'],
  ['{{#with x as |y|}}', '{{/with}}'],
  ['{{#unless b}}', '{{/unless}}'],
  ['{{f (g ', ')}}'],
  ['(', ')'],
  ['{{!-- ', ' --}}'],
  ['[', ']'],
  ['{"a": ', '}'],
  ['- ', '\n'],
];

const pick = <T>(rng: () => number, xs: readonly T[]): T => xs[Math.floor(rng() * xs.length)];
const int = (rng: () => number, n: number) => Math.floor(rng() * n);

/** A position, half the time next to a character that matters (a brace, a line break, a dash). */
function place(rng: () => number, text: string): number {
  const at = int(rng, text.length + 1);
  if (rng() < 0.5) {
    const near = text.indexOf(pick(rng, ['{', '}', '\n', '-', '#', ':', '"']), at);
    if (near >= 0) return near + int(rng, 2);
  }
  return at;
}

function depth(rng: () => number): number {
  const r = rng();
  if (r < 0.5) return 2 + int(rng, 18);
  if (r < 0.85) return 20 + int(rng, 280);
  return 300 + int(rng, 2700);
}

export interface Mutant {
  index: number;
  seed: Seed;
  text: string;
  ops: string[];
}

export function makeMutant(seeds: Seed[], seed: number, index: number): Mutant {
  const rng = mutantRng(seed, index);
  const source = pick(rng, seeds);
  let text = source.text;
  const ops: string[] = [];
  const count = 1 + int(rng, 4);
  for (let n = 0; n < count; n++) {
    const r = rng();
    if (r < 0.4) {
      const at = place(rng, text);
      const tok = pick(rng, TOKENS);
      text = text.slice(0, at) + tok + text.slice(at);
      ops.push(`insert ${JSON.stringify(tok)} at ${at}`);
    } else if (r < 0.52) {
      const at = place(rng, text);
      const tok = pick(rng, TOKENS);
      text = text.slice(0, at) + tok + text.slice(at + 1);
      ops.push(`replace 1 at ${at} with ${JSON.stringify(tok)}`);
    } else if (r < 0.65) {
      const at = place(rng, text);
      const len = 1 + int(rng, 32);
      text = text.slice(0, at) + text.slice(at + len);
      ops.push(`delete ${len} at ${at}`);
    } else if (r < 0.78) {
      const from = int(rng, text.length + 1);
      const len = 1 + int(rng, 200);
      const to = int(rng, text.length + 1);
      const slice = text.slice(from, from + len);
      const times = rng() < 0.8 ? 1 : 2 + int(rng, 30);
      text = text.slice(0, to) + slice.repeat(times) + text.slice(to);
      ops.push(`duplicate ${from}..${from + len} x${times} at ${to}`);
    } else if (r < 0.9) {
      const [open, close] = pick(rng, NESTS);
      const d = depth(rng);
      const at = place(rng, text);
      const end = at + int(rng, text.length - at + 1);
      const closes = rng() < 0.8;
      text = text.slice(0, at) + open.repeat(d) + text.slice(at, end) + (closes ? close.repeat(d) : '') + text.slice(end);
      ops.push(`nest ${JSON.stringify(open)} x${d} at ${at}${closes ? ` closed at ${end}` : ' unclosed'}`);
    } else if (r < 0.95) {
      const crlf = !text.includes('\r\n');
      text = crlf ? text.replace(/\n/g, '\r\n') : text.replace(/\r\n/g, '\n');
      ops.push(crlf ? 'LF -> CRLF' : 'CRLF -> LF');
    } else {
      const at = int(rng, text.length + 1);
      text = text.slice(0, at);
      ops.push(`truncate at ${at}`);
    }
  }
  return { index, seed: source, text, ops };
}

/** LSP positions for the position requests: anywhere, next to braces, inside a CRLF, and a few past the end as a stale editor might send. */
export function requestPositions(index: number, seed: number, text: string, n = 4): Position[] {
  const rng = mutantRng(seed ^ 0x5bd1e995, index);
  const lines = new LineIndex(text);
  const out: Position[] = [];
  for (let k = 0; k < n; k++) {
    const r = rng();
    if (r < 0.1) out.push({ line: int(rng, lines.lineCount + 3), character: int(rng, 200) });
    else if (r < 0.2 && text.includes('\r\n')) {
      const at = text.indexOf('\r\n', int(rng, text.length));
      out.push(lines.positionAt(at < 0 ? text.length : at + 1));
    } else out.push(lines.positionAt(place(rng, text)));
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Checks

export interface Failure {
  /** What went wrong and where, without the details that differ between mutants: failures group by it. */
  cause: string;
  detail: string;
}

function badPosition(lines: LineIndex, p: Position | undefined): string | undefined {
  if (!p || !Number.isInteger(p.line) || !Number.isInteger(p.character)) return `not a position: ${JSON.stringify(p)}`;
  if (p.line < 0 || p.line >= lines.lineCount) return `line ${p.line} outside the document (${lines.lineCount} lines)`;
  const len = lines.lineEnd(p.line) - lines.lineStart(p.line);
  if (p.character < 0 || p.character > len) return `character ${p.character} outside line ${p.line} (length ${len})`;
  return undefined;
}

/** Inside the document, each end inside its line (not on its line break), and not reversed. */
export function badRange(lines: LineIndex, r: Range | undefined): string | undefined {
  if (!r) return 'no range';
  const bad = badPosition(lines, r.start) ?? badPosition(lines, r.end);
  if (bad) return bad;
  if (r.end.line < r.start.line || (r.end.line === r.start.line && r.end.character < r.start.character)) return `reversed range ${JSON.stringify(r)}`;
  return undefined;
}

export function rangeFailures(request: string, lines: LineIndex, items: { range?: Range; code?: unknown }[], out: Failure[]): void {
  for (const item of items) {
    const bad = badRange(lines, item.range);
    if (bad) out.push({ cause: `range ${request}${item.code !== undefined ? ` ${String(item.code)}` : ''}`, detail: `${bad}: ${JSON.stringify(item.range)}` });
  }
}

/** The ranges inside a request's answer that an editor would apply or draw. */
export function rangesIn(value: unknown, out: Range[] = [], depthLeft = 8): Range[] {
  if (!value || typeof value !== 'object' || depthLeft < 0) return out;
  if (Array.isArray(value)) {
    for (const v of value) rangesIn(v, out, depthLeft - 1);
    return out;
  }
  const o = value as Record<string, unknown>;
  for (const key of ['range', 'selectionRange', 'insert', 'replace']) {
    const r = o[key] as Range | undefined;
    if (r && typeof r === 'object' && 'start' in r && 'end' in r) out.push(r);
  }
  for (const [key, v] of Object.entries(o)) if (key !== 'range' && key !== 'selectionRange' && key !== 'data' && typeof v === 'object') rangesIn(v, out, depthLeft - 1);
  return out;
}

export function semanticTokenFailures(lines: LineIndex, data: number[], out: Failure[]): void {
  let line = 0;
  let char = 0;
  for (let i = 0; i + 4 < data.length; i += 5) {
    line += data[i];
    char = data[i] === 0 ? char + data[i + 1] : data[i + 1];
    const len = data[i + 2];
    const bad = badPosition(lines, { line, character: char }) ?? badPosition(lines, { line, character: char + len });
    if (bad) {
      out.push({ cause: 'range semanticTokens', detail: `token ${i / 5} at ${line}:${char} length ${len}: ${bad}` });
      return;
    }
  }
}

/** The first frame of the project's own code in a stack: which module threw. */
export function whereThrown(e: unknown): string {
  const stack = e instanceof Error ? (e.stack ?? '') : '';
  for (const line of stack.split('\n').slice(1)) {
    const m = /server[/\\]src[/\\]([^:)]+):\d+/.exec(line);
    if (m) return m[1].split('\\').join('/');
  }
  // Thrown inside a dependency, with none of the project's frames left on an exhausted stack.
  const dep = /node_modules[/\\]((?:@[^/\\]+[/\\])?[^/\\]+)/.exec(stack);
  return dep ? `the ${dep[1]} package` : 'unknown';
}

export function crash(request: string, e: unknown): Failure {
  const name = e instanceof Error ? e.name : typeof e;
  const message = e instanceof Error ? e.message : String(e);
  const kind = /Maximum call stack/.test(message) ? 'stack overflow' : name;
  return { cause: `crash ${request}: ${kind} in ${whereThrown(e)}`, detail: e instanceof Error ? (e.stack ?? message).split('\n').slice(0, 8).join('\n') : message };
}

// ---------------------------------------------------------------------------------------------
// The engine, in-process, as the server calls it

export interface EngineContext {
  partials: engine.PartialIndex;
  /** The example prompt that fixture mutants test (their diagnostics check case variables against it). */
  prompt: engine.PromptDocument;
  options: engine.DiagnosticOptions;
  tokenOptions: tokens.TokenOptions;
}

export function engineContext(): EngineContext {
  const partials = new engine.PartialIndex();
  const footer = path.join(ROOT, 'examples', '_footer.prompt');
  partials.set(`file://${footer}`, readFileSync(footer, 'utf8'));
  const tokenOptions: tokens.TokenOptions = { warnAtShare: 0.8, analysis: { partials } };
  const options: engine.DiagnosticOptions = {
    partials,
    lint: { config: engine.lint.resolveLintConfig(engine.lint.RULES), tokens: tokenOptions, countTokens: true },
  };
  const promptFile = path.join(ROOT, 'examples', 'summarize.prompt');
  const prompt = engine.parseDocument(readFileSync(promptFile, 'utf8'), `file://${promptFile}`, 1);
  tokens.loadTokenizer(prompt, tokenOptions);
  return { partials, prompt, options, tokenOptions };
}

/** A URI that gets the mutant parsed as the server would parse its seed file. */
export function mutantUri(m: Mutant, dir = path.join(ROOT, 'examples')): string {
  const base = path.basename(m.seed.file);
  return `file://${dir}/fuzz-${m.index}-${base}`;
}

export interface Timed {
  request: string;
  ms: number;
}

/** Where slow diagnostics spend their time, on a fresh parse: which module to look at. */
async function diagnosticParts(m: Mutant, ctx: EngineContext): Promise<string> {
  const parts: string[] = [];
  const time = async (name: string, fn: () => unknown) => {
    const t0 = performance.now();
    try {
      await fn();
    } catch {
      // reported by the request itself
    }
    parts.push(`${name} ${(performance.now() - t0).toFixed(0)} ms`);
  };
  let doc: engine.PromptDocument | undefined;
  await time('parse', () => (doc = engine.parseDocument(m.text, `${mutantUri(m)}.parts`, 1)));
  if (!doc) return parts.join(', ');
  const d = doc;
  await time('whole-template Handlebars parse', () => wholeTemplateDiagnostics(d.text, d.template));
  await time('template checks', () => engine.formatOf(d).check(d, ctx.options));
  await time('token diagnostics', () => tokens.tokenDiagnostics(d, ctx.tokenOptions));
  await time('lint rules', () => engine.lint.lintDiagnostics(d, ctx.options.lint!, ctx.options));
  return parts.join(', ');
}

/** Runs every request on one mutant in-process; returns its failures (empty: it passed). */
export async function checkEngine(m: Mutant, seed: number, ctx: EngineContext, timings?: Timed[]): Promise<Failure[]> {
  const failures: Failure[] = [];
  const positions = requestPositions(m.index, seed, m.text);
  // In-process the limit applies to the CPU time the request took, not the wall time: the machine
  // is shared, and a request is slow because of what it computes, not because it waited.
  const run = async <T>(request: string, fn: () => T | Promise<T>): Promise<T | undefined> => {
    const t0 = performance.now();
    const c0 = process.cpuUsage();
    try {
      return await fn();
    } catch (e) {
      failures.push(crash(request, e));
      return undefined;
    } finally {
      const used = process.cpuUsage(c0);
      const cpuMs = (used.user + used.system) / 1000;
      const ms = performance.now() - t0;
      timings?.push({ request, ms });
      if (cpuMs > REQUEST_LIMIT_MS) failures.push({ cause: `slow ${request}`, detail: `${cpuMs.toFixed(0)} ms of CPU, ${ms.toFixed(0)} ms wall (limit ${REQUEST_LIMIT_MS} ms)${request === 'diagnostics' ? `; ${await diagnosticParts(m, ctx)}` : ''}` });
    }
  };
  const uri = mutantUri(m);
  if (m.seed.kind === 'fixture') {
    const file = await run('parse', () => testing.parseFixtureFile(m.text, uri));
    if (!file) return failures;
    const lines = file.lines;
    const diags = await run('diagnostics', () => testing.fixtureLspDiagnostics(file, ctx.prompt));
    if (diags) rangeFailures('diagnostics', lines, diags, failures);
    for (const p of positions) {
      const offset = lines.offsetAt(p);
      const c = await run('completion', () => testing.completeFixture(file.text, offset, lines, ctx.prompt));
      rangeFailures('completion', lines, rangesIn(c).map((range) => ({ range })), failures);
      const h = await run('hover', () => testing.hoverFixture(file, offset, ctx.prompt));
      rangeFailures('hover', lines, rangesIn(h).map((range) => ({ range })), failures);
    }
    return failures;
  }
  const doc = await run('parse', () => engine.parseDocument(m.text, uri, 1));
  if (!doc) return failures;
  const lines = doc.lines;
  const analysis: engine.AnalysisOptions = { partials: ctx.partials };
  const diags: Diagnostic[] = (await run('diagnostics', () => engine.documentDiagnostics(doc, ctx.options))) ?? [];
  rangeFailures('diagnostics', lines, diags, failures);
  for (const p of positions) {
    const offset = lines.offsetAt(p);
    const c = await run('completion', () => engine.complete(doc, offset, analysis));
    rangeFailures('completion', lines, rangesIn(c).map((range) => ({ range })), failures);
    const h = await run('hover', () => engine.hover(doc, offset, { ...analysis, tokens: ctx.tokenOptions }));
    rangeFailures('hover', lines, rangesIn(h).map((range) => ({ range })), failures);
  }
  const symbols = await run('documentSymbols', () => engine.documentSymbols(doc));
  rangeFailures('documentSymbols', lines, rangesIn(symbols).map((range) => ({ range })), failures);
  const folds = await run('foldingRanges', () => engine.foldingRanges(doc));
  for (const f of folds ?? []) {
    if (!(f.startLine >= 0 && f.startLine <= f.endLine && f.endLine < lines.lineCount)) failures.push({ cause: 'range foldingRanges', detail: JSON.stringify(f) });
  }
  const sem = await run('semanticTokens', () => engine.semanticTokens(doc, analysis));
  if (sem) semanticTokenFailures(lines, sem.data, failures);
  const lenses = await run('codeLens', () => tokens.tokenCodeLenses(doc, ctx.tokenOptions));
  rangeFailures('codeLens', lines, lenses ?? [], failures);
  // The editor asks for the actions of the diagnostics under the cursor, and of all of them at once.
  const at = lines.offsetAt(positions[0]);
  const under = diags.filter((d) => lines.offsetAt(d.range.start) <= at && at <= lines.offsetAt(d.range.end));
  for (const set of [under, diags]) {
    const actions = await run('codeActions', () => engine.allCodeActions(doc, set, analysis));
    rangeFailures('codeActions', lines, rangesIn(actions).map((range) => ({ range })), failures);
  }
  return failures;
}
