// `prompt-workbench diff <prompt> [rev-a] [rev-b]`: what changed between two versions of a prompt,
// in prompt terms (model, parameters, variables, messages, tokens), as text or JSON, for review
// bots and CI. Revisions are anything git accepts; `working` (the default for rev-b) is the file
// on disk.
import { readFile } from 'node:fs/promises';
import * as path from 'node:path';
import { NodeGit } from '../node/git';
import { describeChange, describeChangeLines } from '../service/history/describe';
import { GitError, type Git, type RepositoryInfo } from '../service/history/git';
import { defaultRevisions, exactTime, fileAtRevision, readFullHistory, type HistoryEntry } from '../service/history/history';
import { summarizeChange, type ChangeSummary } from '../service/history/summary';

export interface DiffCommandOptions {
  json: boolean;
  tests: boolean;
  /** For tests: the Git implementation (default: the `git` program). */
  git?: Git;
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
  const summary = summarizeChange(a.text, b.text);
  return { file: path.relative(cwd, file) || file, repository: repo.root, a: a.info, b: b.info, defaulted, summary, short: describeChange(summary, { arrow: '->' }), notes };
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
  if (options.tests) throw new DiffUsageError('diff --tests compares fixture results between the two versions; this version of prompt-workbench cannot run fixture suites yet, so only the prompt summary is available (run without --tests).');
  let result: DiffResult;
  try {
    result = await computeDiff(file, revA, revB, cwd, options.git ?? new NodeGit());
  } catch (e) {
    if (e instanceof GitError) throw new DiffUsageError(e.message);
    throw e;
  }
  if (options.json) stdout.write(`${JSON.stringify(result, null, 2)}\n`);
  else printDiff(result, stdout);
  return 0;
}
