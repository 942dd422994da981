// `prompt-workbench diff <prompt> [rev-a] [rev-b]`: what changed between two versions of a prompt,
// in prompt terms (model, parameters, variables, messages, tokens), as text or JSON, for review
// bots and CI. Revisions are anything git accepts; `working` (the default for rev-b) is the file
// on disk. `--tests` also runs the prompt's fixture suites against both versions (reusing recorded
// results of the same text) and compares them case by case; `--runs` compares two run records.
import { readFile } from 'node:fs/promises';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { pathToFileURL } from 'node:url';
import { NodeGit } from '../node/git';
import { formatComparisonText } from '../service/history/report';
import { compareRuns, type RunComparison } from '../service/history/runs';
import { NoFixturesError, runRecordsFromFile, runVersionTests, type VersionTestRun } from '../service/history/versionTests';
import { PROVIDER_IDS, ResponseCache, type ProviderId } from '../service/testing';
import { FIXTURE_GLOBS, loadPartialIndex } from '../service';
import { cliFileValues, cliProject, runLocations, workbenchStore } from './project';
import { cliProviders } from './providers';
import { javascriptSwitch } from './test';
import { describeChange, describeChangeLines } from '../service/history/describe';
import { GitError, type Git, type RepositoryInfo } from '../service/history/git';
import { defaultRevisions, exactTime, fileAtRevision, readFullHistory, type HistoryEntry } from '../service/history/history';
import { summarizeChange, type ChangeSummary } from '../service/history/summary';
import { VERSION } from '../version';
import { promptSections, sideBySide, unifiedDiff } from '../service/history/textDiff';
import { colorEnabled, paintDiffLine, painter } from './color';

export const DIFF_USAGE = `  diff <prompt> [rev-a] [rev-b]
                             What changed between two versions of a prompt: model,
                             parameters, variables, messages by role, tokens. Revisions
                             are git revisions (HEAD~1, a hash, a tag) or "working" (the
                             file on disk, the default for rev-b). Without revisions: the
                             uncommitted changes, else the last commit that touched it.
      --json                 JSON output.
      --tests                Also run the prompt's fixture suites (*.tests.yaml naming it)
                             against both versions, with the same provider and settings,
                             and compare per case; results recorded for the same text are
                             reused. Exit 1 when a case newly fails.
      --provider P, --offline, --no-javascript, --concurrency N, --no-cache, --records-dir DIR,
      --no-record
                             As for \`test\` (keys from OPENAI_API_KEY, ANTHROPIC_API_KEY).
      --all                  List unchanged cases too.
      --text                 The text diff of the two versions instead (frontmatter and
                             messages; each hunk names the part it touches: frontmatter,
                             message: system, ...), unified; coloured on a terminal.
      --side-by-side         With --text: the two versions in columns (width: the
                             terminal's, or COLUMNS).
      --no-color             No colours (also NO_COLOR).
  diff --runs <record-a.jsonl> <record-b.jsonl>
                             Compare two run records (e.g. one version weeks apart: drift).`;

export interface DiffCommandOptions {
  json: boolean;
  tests: boolean;
  /** For tests: the Git implementation (default: the `git` program). */
  git?: Git;
  /** Options of the test runs (`--tests`). */
  run?: TestRunFlags;
  /** List unchanged cases too. */
  all?: boolean;
  /** Print the text diff of the two versions (`unified` or `side-by-side`) instead of the summary. */
  text?: 'unified' | 'side-by-side';
  color?: boolean;
  /** Columns of the side-by-side view. */
  width?: number;
}

export interface TestRunFlags {
  provider?: ProviderId;
  offline?: boolean;
  /** Skip javascript assertions (`--no-javascript`); the project config's `testing.javascript: false` does too. */
  noJavascript?: boolean;
  concurrency?: number;
  cache?: boolean;
  recordsDir?: string;
  record?: boolean;
  env?: NodeJS.ProcessEnv;
  signal?: AbortSignal;
}

/** One side of the comparison as printed. */
export interface DiffSideInfo {
  /** What the user asked for (`HEAD~1`, `working`), or what the default chose. */
  rev: string;
  /** The commit; absent for the working copy or a side where the file does not exist. */
  commit?: string;
  /** The file's path at that revision, relative to the repository root. */
  path: string;
  subject?: string;
  author?: string;
  date?: string;
  /** False when the file does not exist on this side (added or deleted in between). */
  exists: boolean;
}

export interface DiffResult {
  file: string;
  repository: string;
  a: DiffSideInfo;
  b: DiffSideInfo;
  /** Why these revisions, when they were chosen by default. */
  defaulted?: string;
  summary: ChangeSummary;
  /** The one-line summary (`model gpt-4o -> gpt-4o-mini, +1 variable, -120 tokens`). */
  short: string;
  notes: string[];
  /** With --tests: the comparison of the fixture results of A and B. */
  tests?: { comparison: RunComparison; a: Omit<VersionTestRun, 'records'>; b: Omit<VersionTestRun, 'records'> };
}

export class DiffUsageError extends Error {}

const WORKING = new Set(['working', 'worktree', 'WORKING']);

function fromEntry(e: HistoryEntry, rev: string): DiffSideInfo {
  return { rev, commit: e.hash, path: e.path, subject: e.subject, author: e.authorName, date: e.authorDate, exists: true };
}

export async function computeDiff(fileArg: string, revA: string | undefined, revB: string | undefined, cwd: string, git: Git): Promise<DiffResult> {
  const file = path.resolve(cwd, fileArg);
  const repo: RepositoryInfo = await git.repository(file);
  const notes: string[] = [];
  if (repo.shallow) notes.push('This is a shallow clone: commits older than its first one are missing. Run "git fetch --unshallow" for all of history.');
  const readWorking = async (): Promise<string | undefined> => readFile(file, 'utf8').catch(() => undefined);
  let history: HistoryEntry[] | undefined;
  const fullHistory = async () => (history ??= await readFullHistory(git, repo));
  const find = async (commit: string) => (await fullHistory()).find((e) => e.hash === commit);

  const side = async (rev: string): Promise<{ info: DiffSideInfo; text?: string }> => {
    if (WORKING.has(rev)) {
      const text = await readWorking();
      return { info: { rev: 'working', path: repo.path, exists: text !== undefined }, text };
    }
    try {
      const at = await fileAtRevision(git, repo, rev, await fullHistory());
      const e = await find(at.commit);
      return { info: e ? { ...fromEntry(e, rev), path: at.path } : { rev, commit: at.commit, path: at.path, exists: true }, text: at.text };
    } catch (e) {
      if (e instanceof GitError && e.kind === 'not-found') {
        const commit = await git.resolve(repo.root, rev);
        notes.push(e.message);
        return { info: { rev, commit, path: repo.path, exists: false } };
      }
      throw e;
    }
  };

  let a: { info: DiffSideInfo; text?: string };
  let b: { info: DiffSideInfo; text?: string };
  let defaulted: string | undefined;
  if (revA === undefined) {
    const status = await git.status(repo.root, repo.path);
    const d = await defaultRevisions(git, repo, status);
    defaulted = d.reason;
    if (!d.a && !d.b) {
      if (status.state === 'ignored') throw new GitError('not-found', `${repo.path} is ignored by git (.gitignore or an exclude rule), so it has no history to compare.`);
      const text = await readWorking();
      if (text === undefined) throw new GitError('not-found', `${fileArg} does not exist and has no history.`);
      notes.push(`${repo.path} is not committed yet: it is compared with nothing (the whole file is new).`);
      a = { info: { rev: '(none)', path: repo.path, exists: false } };
      b = { info: { rev: 'working', path: repo.path, exists: true }, text };
    } else {
      a = d.a ? { info: fromEntry(d.a, d.a.hash.slice(0, 7)), text: await git.show(repo.root, d.a.hash, d.a.path) } : { info: { rev: '(none)', path: repo.path, exists: false } };
      b = d.b ? { info: fromEntry(d.b, d.b.hash.slice(0, 7)), text: await git.show(repo.root, d.b.hash, d.b.path) } : await side('working');
      if (d.b && d.b.truncated) notes.push('That commit is the oldest of this shallow clone: its parent is missing, so it is shown as adding the file.');
    }
  } else {
    a = await side(revA);
    b = await side(revB ?? 'working');
  }
  if (!a.info.exists && !b.info.exists) throw new GitError('not-found', `${repo.path} exists in neither ${a.info.rev} nor ${b.info.rev}.`);
  const summary = summarizeChange(a.text, b.text, {}, pathToFileURL(file).toString());
  const result: DiffResult = { file: path.relative(cwd, file) || file, repository: repo.root, a: a.info, b: b.info, defaulted, summary, short: describeChange(summary, { arrow: '->' }), notes };
  texts.set(result, { a: a.text, b: b.text, file });
  return result;
}

/** The two texts behind a DiffResult (kept out of the JSON). */
const texts = new WeakMap<DiffResult, { a?: string; b?: string; file: string }>();

/** `working copy`, `1a2b3c4` (a hash given), or `HEAD~1 (1a2b3c4)`. */
function revLabel(s: DiffSideInfo): string {
  if (s.rev === 'working') return 'working copy';
  if (!s.commit) return s.rev;
  const short = s.commit.slice(0, 7);
  return s.commit.startsWith(s.rev) ? short : `${s.rev} (${short})`;
}

function sideLabel(s: DiffSideInfo): string {
  return s.rev === 'working' ? 'working copy' : s.commit ? `${s.rev === s.commit.slice(0, 7) ? s.rev : `${s.rev} (${s.commit.slice(0, 7)})`}` : s.rev;
}

/** Runs the fixture suites against both sides of a diff and compares them. */
export async function compareTests(result: DiffResult, cwd: string, flags: TestRunFlags): Promise<NonNullable<DiffResult['tests']>> {
  const t = texts.get(result);
  if (!t) throw new DiffUsageError('Internal: the texts of this diff are gone.');
  const env = flags.env ?? process.env;
  const providers = cliProviders(env, { offline: flags.offline });
  const { secrets } = providers;
  const promptUri = pathToFileURL(t.file).toString();
  // The fixture files are searched, and ids, records and the cache anchored, at the prompt's project root.
  const project = await cliProject(cwd);
  const where = runLocations([t.file], cwd, project.host, { recordsDir: flags.recordsDir, cacheDir: env.PROMPT_WORKBENCH_CACHE_DIR });
  const fixtureUris = await project.host.findFiles(FIXTURE_GLOBS, { roots: [where.rootUri] });
  const store = flags.record === false ? undefined : workbenchStore(project.host, where.recordsDir);
  const cache = flags.cache === false ? undefined : new ResponseCache(workbenchStore(project.host, where.cacheDir), { secrets });
  const partials = await loadPartialIndex(project.host, [...new Set([cwd, where.root, path.dirname(t.file)])]);
  const readTextUri = (uri: string) => project.host.readText(uri);
  const run = {
    ...providers,
    defaultProvider: flags.provider,
    concurrency: flags.concurrency ?? 4,
    cache,
    readText: cliFileValues(project, cwd).read,
    analysis: { partials, customHelpers: project.config?.helpers, schemas: project.schemas },
    javascriptOff: javascriptSwitch(flags.noJavascript, project.config),
  };
  const host = { fixtureUris: async () => fixtureUris, readText: readTextUri, records: store };
  const options = { rootUri: where.rootUri, run, signal: flags.signal, meta: { tool: 'prompt-workbench', toolVersion: VERSION, provider: flags.provider, origin: 'cli' as const } };
  const sides: VersionTestRun[] = [];
  for (const [side, text] of [
    [result.a, t.a],
    [result.b, t.b],
  ] as const) {
    if (text === undefined) throw new DiffUsageError(`--tests needs the prompt on both sides; it does not exist in ${sideLabel(side)}.`);
    try {
      sides.push(await runVersionTests({ promptUri, text, commit: side.commit, label: sideLabel(side) }, host, options));
    } catch (e) {
      if (e instanceof NoFixturesError) throw new DiffUsageError(`--tests: ${e.message}`);
      throw e;
    }
    if (sides[sides.length - 1].cancelled) throw new DiffUsageError('cancelled; nothing compared.');
  }
  const strip = ({ records: _records, ...rest }: VersionTestRun) => rest;
  return { comparison: compareRuns(sides[0].records, sides[1].records), a: strip(sides[0]), b: strip(sides[1]) };
}

function label(s: DiffSideInfo): string {
  if (s.rev === 'working') return 'working copy';
  if (!s.commit) return s.rev;
  const short = s.commit.slice(0, 7);
  const head = s.rev === short || s.rev === s.commit ? short : `${s.rev} (${short})`;
  return s.subject ? `${head} "${s.subject}" (${s.author}, ${exactTime(s.date ?? '').slice(0, 10)})` : head;
}

export function printDiff(r: DiffResult, out: NodeJS.WritableStream): void {
  out.write(`${r.file}\n`);
  out.write(`  A: ${label(r.a)}${r.a.exists && r.a.path !== r.b.path ? ` [${r.a.path}]` : ''}${r.a.exists ? '' : ' (file absent)'}\n`);
  out.write(`  B: ${label(r.b)}${r.b.exists ? '' : ' (file absent)'}\n`);
  if (r.defaulted) out.write(`  (default: ${r.defaulted})\n`);
  out.write(`\n  ${r.short}\n\n`);
  for (const l of describeChangeLines(r.summary, { arrow: '->' })) out.write(`  ${l}\n`);
  for (const n of r.notes) out.write(`  note: ${n}\n`);
}

export async function diffCommand(positionals: string[], options: DiffCommandOptions, cwd: string, stdout: NodeJS.WritableStream): Promise<number> {
  const [file, revA, revB, ...extra] = positionals;
  if (!file) throw new DiffUsageError('diff needs a prompt file: prompt-workbench diff <prompt> [rev-a] [rev-b] [--json]');
  if (extra.length) throw new DiffUsageError(`diff takes one prompt and at most two revisions; got also ${extra.map((x) => `"${x}"`).join(', ')}.`);
  let result: DiffResult;
  try {
    result = await computeDiff(file, revA, revB, cwd, options.git ?? new NodeGit());
  } catch (e) {
    if (e instanceof GitError) throw new DiffUsageError(e.message);
    throw e;
  }
  if (options.text) {
    const t = texts.get(result)!;
    const labelA = `a/${result.a.path} (${revLabel(result.a)})`;
    const labelB = `b/${result.b.path} (${revLabel(result.b)})`;
    const text = versionTextDiff(t.a, t.b, t.file, { mode: options.text, labelA, labelB, color: !options.json && !!options.color, width: options.width ?? 160 });
    if (options.json) stdout.write(`${JSON.stringify({ file: result.file, a: result.a, b: result.b, notes: result.notes, diff: text }, null, 2)}\n`);
    else stdout.write(text || `${result.file}: no difference between ${revLabel(result.a)} and ${revLabel(result.b)}.\n`);
    return 0;
  }
  if (options.tests) result.tests = await compareTests(result, cwd, options.run ?? {});
  if (options.json) stdout.write(`${JSON.stringify(result, null, 2)}\n`);
  else {
    printDiff(result, stdout);
    if (result.tests) {
      const { a, b, comparison } = result.tests;
      stdout.write(`\nTest results (${a.fixtures.join(', ')}):\n`);
      stdout.write(`  A: ${a.ran} run, ${a.reused} reused${a.recordFile ? ` (record ${a.recordFile})` : ''}; B: ${b.ran} run, ${b.reused} reused${b.recordFile ? ` (record ${b.recordFile})` : ''}\n\n`);
      stdout.write(formatComparisonText(comparison, { labels: { a: sideLabel(result.a), b: sideLabel(result.b) }, all: options.all }));
    }
  }
  return result.tests && result.tests.comparison.counts['newly-failing'] > 0 ? 1 : 0;
}

/**
 * The text diff of two versions of a prompt (either may be absent: added or deleted), unified or
 * side by side, each hunk labelled with the part of the prompt it touches.
 */
export function versionTextDiff(a: string | undefined, b: string | undefined, file: string, o: { mode: 'unified' | 'side-by-side'; labelA: string; labelB: string; color: boolean; width: number }): string {
  const uri = pathToFileURL(file).toString();
  const inA = promptSections(a, uri);
  const inB = promptSections(b, uri);
  // A hunk is named after the new version's part, else the old one's (a deleted message).
  const section = (la: number, lb: number) => (b !== undefined ? inB(lb) : undefined) ?? (a !== undefined ? inA(la) : undefined);
  const paint = painter(o.color);
  if (o.mode === 'unified') return unifiedDiff(a ?? '', b ?? '', { labelA: a === undefined ? '/dev/null' : o.labelA, labelB: b === undefined ? '/dev/null' : o.labelB, section }).map((l) => `${paintDiffLine(l, paint)}\n`).join('');
  const rows = sideBySide(a ?? '', b ?? '', { section });
  if (!rows.length) return '';
  const num = 4;
  const col = Math.max(20, Math.floor((o.width - 3) / 2) - num - 1);
  const wrap = (s: string | undefined) => {
    if (s === undefined) return [''];
    const chunks: string[] = [];
    for (let i = 0; i < s.length; i += col) chunks.push(s.slice(i, i + col));
    return chunks.length ? chunks : [''];
  };
  const out = [paint('bold', `${o.labelA.slice(0, col + num).padEnd(col + num + 1)} │ ${o.labelB}`)];
  for (const r of rows) {
    if (r.kind === 'hunk') {
      out.push(paint('cyan', r.left ?? ''));
      continue;
    }
    const left = wrap(r.left);
    const right = wrap(r.right);
    for (let i = 0; i < Math.max(left.length, right.length); i++) {
      const ln = i === 0 && r.leftLine !== undefined ? String(r.leftLine).padStart(num) : ' '.repeat(num);
      const rn = i === 0 && r.rightLine !== undefined ? String(r.rightLine).padStart(num) : ' '.repeat(num);
      const l = (left[i] ?? '').padEnd(col);
      const rt = right[i] ?? '';
      const changed = r.kind === 'changed';
      const mark = !changed ? ' ' : r.left === undefined ? '>' : r.right === undefined ? '<' : '|';
      out.push(`${ln} ${changed && r.left !== undefined ? paint('red', l) : l} ${mark} ${rn} ${changed && r.right !== undefined ? paint('green', rt) : rt}`.trimEnd());
    }
  }
  return out.join('\n') + '\n';
}

/** `diff --runs A B`: two run records compared case by case (drift of one version over time). */
export async function diffRuns(files: string[], options: { json: boolean; all?: boolean }, cwd: string, stdout: NodeJS.WritableStream): Promise<number> {
  if (files.length !== 2) throw new DiffUsageError('diff --runs takes two run record files: prompt-workbench diff --runs <record-a.jsonl> <record-b.jsonl>');
  const sides = [];
  for (const f of files) {
    const text = await readFile(path.resolve(cwd, f), 'utf8').catch((e: Error) => {
      throw new DiffUsageError(`Cannot read ${f}: ${e.message}`);
    });
    const parsed = runRecordsFromFile(text);
    if (!parsed.run) throw new DiffUsageError(`${f}: ${parsed.problems[0] ?? 'not a run record'}`);
    sides.push(parsed);
  }
  const comparison = compareRuns(sides[0].records, sides[1].records);
  const labels = { a: `${files[0]} (${sides[0].run?.startedAt ?? '?'})`, b: `${files[1]} (${sides[1].run?.startedAt ?? '?'})` };
  if (options.json) stdout.write(`${JSON.stringify({ a: labels.a, b: labels.b, problems: [...sides[0].problems, ...sides[1].problems], comparison }, null, 2)}\n`);
  else stdout.write(formatComparisonText(comparison, { labels, all: options.all }));
  return comparison.counts['newly-failing'] > 0 ? 1 : 0;
}

function positiveInt(name: string, v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw new DiffUsageError(`--${name} needs a whole number of 1 or more; got "${v}".`);
  return n;
}

/** The `diff` command with its own options (main.ts hands it the arguments after `diff`). */
export async function diffMain(argv: string[], cwd: string, stdout: NodeJS.WritableStream, env: NodeJS.ProcessEnv = process.env): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        json: { type: 'boolean', default: false },
        format: { type: 'string', default: 'text' },
        tests: { type: 'boolean', default: false },
        runs: { type: 'boolean', default: false },
        all: { type: 'boolean', default: false },
        provider: { type: 'string' },
        offline: { type: 'boolean', default: false },
        'no-javascript': { type: 'boolean', default: false },
        concurrency: { type: 'string' },
        'no-cache': { type: 'boolean', default: false },
        'records-dir': { type: 'string' },
        'no-record': { type: 'boolean', default: false },
        text: { type: 'boolean', default: false },
        'side-by-side': { type: 'boolean', default: false },
        'no-color': { type: 'boolean', default: false },
      },
    });
  } catch (e) {
    throw new DiffUsageError((e as Error).message);
  }
  const { values, positionals } = parsed;
  if (values.format !== 'text' && values.format !== 'json') throw new DiffUsageError(`Unknown format "${values.format}". Use --json or --format json.`);
  const json = values.json || values.format === 'json';
  if (values.runs) return diffRuns(positionals, { json, all: values.all }, cwd, stdout);
  if (values['side-by-side'] && !values.text) throw new DiffUsageError('--side-by-side goes with --text: prompt-workbench diff <prompt> A B --text --side-by-side');
  if (values.text && values.tests) throw new DiffUsageError('--text and --tests are separate views: run them one at a time.');
  const provider = values.provider as ProviderId | undefined;
  if (provider && (!(PROVIDER_IDS as readonly string[]).includes(provider) || provider === 'vscode-lm')) throw new DiffUsageError(`Unknown provider "${provider}". Use render, openai, anthropic, googleai or vertexai.`);
  return diffCommand(
    positionals,
    {
      json,
      tests: values.tests,
      all: values.all,
      text: values.text ? (values['side-by-side'] ? 'side-by-side' : 'unified') : undefined,
      color: colorEnabled(stdout, env, values['no-color']),
      width: (stdout as { columns?: number }).columns ?? (Number(env.COLUMNS) || undefined),
      run: { provider, offline: values.offline, noJavascript: values['no-javascript'], concurrency: positiveInt('concurrency', values.concurrency), cache: !values['no-cache'], recordsDir: values['records-dir'], record: !values['no-record'], env },
    },
    cwd,
    stdout,
  );
}
