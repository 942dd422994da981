// A prompt's history over the Git interface: pages of commits that touched the file (following
// renames), their change summaries computed on demand, the file at any revision, and the
// revisions `diff` compares by default. It does not parse prompts (summary.ts does), so the VS Code
// client can use it without bundling the language engine.
import { GitError, type Git, type LogEntry, type RepositoryInfo, type WorkingStatus } from './git';

export interface HistoryEntry extends LogEntry {
  /**
   * The oldest commit a shallow clone has: its parents are missing, so git shows it as adding the
   * file even when it did not. Its summary is not a real change.
   */
  truncated: boolean;
}

export interface HistoryPage {
  entries: HistoryEntry[];
  /** More entries exist after these. */
  more: boolean;
}

/** One page of the file's history, newest first. */
export async function readHistoryPage(git: Git, repo: RepositoryInfo, skip: number, limit: number): Promise<HistoryPage> {
  if (!repo.head) return { entries: [], more: false };
  const log = await git.log(repo.root, repo.path, { skip, limit: limit + 1 });
  const shallow = new Set(repo.shallowCommits);
  const entries = log.slice(0, limit).map((e) => ({ ...e, truncated: shallow.has(e.hash) }));
  return { entries, more: log.length > limit };
}

/** Every entry of the file's history (paged under the hood). */
export async function readFullHistory(git: Git, repo: RepositoryInfo, pageSize = 500): Promise<HistoryEntry[]> {
  const all: HistoryEntry[] = [];
  for (let skip = 0; ; skip += pageSize) {
    const page = await readHistoryPage(git, repo, skip, pageSize);
    all.push(...page.entries);
    if (!page.more) return all;
  }
}

/** Two texts to compare: `undefined` means the file did not exist on that side. */
export interface TextPair {
  before?: string;
  after?: string;
}

/** The texts each entry's summary compares: the file in the commit's first parent, and in the commit. */
export async function entryTexts(git: Git, repo: RepositoryInfo, entries: readonly LogEntry[]): Promise<TextPair[]> {
  const ids = new Set<string>();
  for (const e of entries) {
    if (e.blob) ids.add(e.blob);
    if (e.previousBlob) ids.add(e.previousBlob);
  }
  const blobs = ids.size ? await git.readBlobs(repo.root, [...ids]) : new Map<string, string>();
  const pairs: TextPair[] = [];
  for (const e of entries) {
    // Without blob ids (git printed no raw line), read the file by revision and path.
    const after = e.blob ? blobs.get(e.blob) : e.change === 'D' ? undefined : await git.show(repo.root, e.hash, e.path);
    const before = e.previousBlob ? blobs.get(e.previousBlob) : e.change === 'A' || !e.parents.length ? undefined : await git.show(repo.root, e.parents[0], e.previousPath ?? e.path);
    pairs.push({ before, after });
  }
  return pairs;
}

/** The file at a revision, with the path it had there (it may have been renamed since). */
export interface FileAtRevision {
  commit: string;
  path: string;
  text: string;
}

/**
 * Finds the file at `rev`: under its current path, else under any path it had in its history.
 * Throws GitError `bad-revision` when `rev` names no commit, `not-found` when the file is not in it.
 */
export async function fileAtRevision(git: Git, repo: RepositoryInfo, rev: string, history?: readonly LogEntry[]): Promise<FileAtRevision> {
  const commit = await git.resolve(repo.root, rev);
  if (!commit) throw new GitError('bad-revision', `"${rev}" is not a commit in ${repo.root}. Use a commit hash, a branch or tag name, or HEAD~N.`);
  const direct = await git.show(repo.root, commit, repo.path);
  if (direct !== undefined) return { commit, path: repo.path, text: direct };
  const tried = new Set([repo.path]);
  for (const e of history ?? (await readFullHistory(git, repo))) {
    for (const p of [e.path, e.previousPath]) {
      if (!p || tried.has(p)) continue;
      tried.add(p);
      const text = await git.show(repo.root, commit, p);
      if (text !== undefined) return { commit, path: p, text };
    }
  }
  throw new GitError('not-found', `${repo.path} does not exist in ${rev} (${commit.slice(0, 7)}), under this name or any earlier one.`);
}

/** Whether the working copy of the file differs from HEAD in a way history shows as "uncommitted". */
export function hasUncommittedChanges(status: WorkingStatus): boolean {
  return status.state !== 'clean' && status.state !== 'ignored';
}

/**
 * What `prompt-workbench diff <prompt>` compares without revisions: the working copy against the
 * last commit that touched the file when there are uncommitted changes, else the last commit
 * against the one before it (so the latest change is shown either way). `undefined` for `b`
 * means the working copy.
 */
export async function defaultRevisions(git: Git, repo: RepositoryInfo, status: WorkingStatus): Promise<{ a?: HistoryEntry; b?: HistoryEntry; reason: string }> {
  const page = await readHistoryPage(git, repo, 0, 2);
  const [latest, previous] = page.entries;
  if (!latest) return { reason: 'The file has no commits yet.' };
  if (hasUncommittedChanges(status)) return { a: latest, reason: 'uncommitted changes against the last commit that touched the file' };
  if (!previous) return { a: undefined, b: latest, reason: 'the only commit that touched the file (it added it)' };
  return { a: previous, b: latest, reason: 'the last commit that touched the file against the one before it' };
}

/** `3 days ago`, `just now`, `in 5 minutes` (clock skew): the relative date of history entries. */
export function relativeTime(iso: string, now: number): string {
  const then = Date.parse(iso);
  if (Number.isNaN(then)) return iso;
  const seconds = Math.round((now - then) / 1000);
  const abs = Math.abs(seconds);
  const units: [number, string][] = [
    [60, 'second'],
    [60, 'minute'],
    [24, 'hour'],
    [7, 'day'],
    [4.35, 'week'],
    [12, 'month'],
    [Infinity, 'year'],
  ];
  if (abs < 45) return 'just now';
  let value = abs;
  for (const [size, unit] of units) {
    if (value < size) {
      const n = Math.max(1, Math.round(value));
      const label = `${n} ${unit}${n === 1 ? '' : 's'}`;
      return seconds >= 0 ? `${label} ago` : `in ${label}`;
    }
    value /= size;
  }
  return iso;
}

/** `2026-11-22 05:03:11 +01:00`: the exact date in the author's time zone, as git recorded it. */
export function exactTime(iso: string): string {
  const m = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2}:\d{2})(Z|[+-]\d{2}:\d{2})$/.exec(iso);
  return m ? `${m[1]} ${m[2]} ${m[3] === 'Z' ? '+00:00' : m[3]}` : iso;
}
