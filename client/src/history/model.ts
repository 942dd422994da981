// The Prompt History view's logic without `vscode`: which file it shows, pages of entries, lazy
// change summaries, the label / description / tooltip of each entry, and which two versions each
// diff command compares. view.ts adapts it to a TreeDataProvider; tests drive it in plain node.
import * as path from 'node:path';
import { describeChange, describeChangeLines, describeEntry } from '../../../server/src/service/history/describe';
import { GitError, type Git, type RepositoryInfo, type WorkingStatus } from '../../../server/src/service/history/git';
import { entryTexts, exactTime, hasUncommittedChanges, readHistoryPage, relativeTime, type HistoryEntry, type TextPair } from '../../../server/src/service/history/history';
import type { ChangeSummary } from '../../../server/src/service/history/summary';

export interface HistoryHost {
  git: Git;
  /** Summaries of pairs of texts (the language server in VS Code, the engine in tests); null when one fails. */
  summarize(pairs: TextPair[], file: string): Promise<(ChangeSummary | null)[]>;
  /** The working copy's text: the editor's buffer when it is open, else the file on disk. */
  workingText(file: string): Promise<string | undefined>;
  /** Whether an editor holds unsaved changes of the file. */
  isDirty?(file: string): boolean;
  now(): number;
  /** Nodes changed: one node (its summary arrived) or, with no argument, the whole list. */
  changed(node?: HistoryNode): void;
}

export interface CommitNode {
  kind: 'commit';
  id: string;
  entry: HistoryEntry;
  /** undefined: not computed yet; null: could not be computed. */
  summary?: ChangeSummary | null;
}

export interface WorkingNode {
  kind: 'working';
  id: string;
  status: WorkingStatus;
  summary?: ChangeSummary | null;
}

export interface MoreNode {
  kind: 'more';
  id: string;
}

export type HistoryNode = CommitNode | WorkingNode | MoreNode;

/** What the view shows for a node; `tooltip` is Markdown. */
export interface HistoryItem {
  label: string;
  description?: string;
  tooltip?: string;
  /** `commit`, `working` or `more` (menus use it in `when` clauses as `viewItem`). */
  contextValue: string;
  /** A codicon id. */
  icon: string;
  /** What a click does. */
  action?: 'openDiff' | 'loadMore';
}

/** One side of a diff: a file at a revision, the working copy, or nothing (the file did not exist). */
export type DiffSide =
  | { kind: 'revision'; root: string; rev: string; path: string; label: string }
  | { kind: 'working'; file: string; label: string }
  | { kind: 'empty'; root: string; path: string; label: string };

export interface DiffRequest {
  left: DiffSide;
  right: DiffSide;
  title: string;
}

export interface HistoryModelOptions {
  /** Entries per page (the view loads one page, then one more per "Load more…"). */
  pageSize: number;
}

export const DEFAULT_PAGE_SIZE = 30;

function escapeMarkdown(s: string): string {
  return s.replace(/[\\`*_{}[\]()#+\-.!|<>~]/g, (c) => `\\${c}`);
}

export class HistoryModel {
  /** The prompt file shown (an absolute path). */
  file?: string;
  repo?: RepositoryInfo;
  status?: WorkingStatus;
  /** A notice above the list: why there is no history, or that it is truncated. */
  message?: string;
  private commits: CommitNode[] = [];
  private working?: WorkingNode;
  private more = false;
  private generation = 0;
  private pending?: Promise<void>;

  constructor(
    private readonly host: HistoryHost,
    private readonly options: HistoryModelOptions = { pageSize: DEFAULT_PAGE_SIZE },
  ) {}

  /** Shows the history of `file` (or nothing). Resolves when the first page is listed; summaries follow. */
  async setFile(file: string | undefined): Promise<void> {
    if (file === this.file && this.pending) return this.pending;
    this.file = file;
    return this.reload();
  }

  /** Reads the current file's history again (after a commit, a checkout, a save). */
  refresh(): Promise<void> {
    return this.reload();
  }

  private reload(): Promise<void> {
    const generation = ++this.generation;
    this.commits = [];
    this.working = undefined;
    this.more = false;
    this.repo = undefined;
    this.status = undefined;
    this.message = undefined;
    const file = this.file;
    if (!file) {
      this.message = 'Open a .prompt file to see its history.';
      this.host.changed();
      return (this.pending = Promise.resolve());
    }
    this.pending = this.load(file, generation);
    return this.pending;
  }

  private async load(file: string, generation: number): Promise<void> {
    try {
      const repo = await this.host.git.repository(file);
      if (generation !== this.generation) return;
      this.repo = repo;
      const [status, page] = await Promise.all([this.host.git.status(repo.root, repo.path), readHistoryPage(this.host.git, repo, 0, this.options.pageSize)]);
      if (generation !== this.generation) return;
      this.status = status;
      this.commits = page.entries.map((entry) => ({ kind: 'commit', id: `${file}#${entry.hash}`, entry }));
      this.more = page.more;
      const name = path.basename(file);
      if (status.state === 'ignored' && !this.commits.length) this.message = `${name} is ignored by git (.gitignore or an exclude rule), so it has no history.`;
      else if (status.state === 'untracked' && !this.commits.length) this.message = `${name} is not committed yet: its history starts with its first commit.`;
      else if (!repo.head) this.message = `The repository at ${repo.root} has no commits yet.`;
      else if (!this.commits.length) this.message = `No commit on ${repo.branch ?? 'this detached HEAD'} touches ${name}.`;
      if (repo.shallow) this.message = `${this.message ? `${this.message} ` : ''}This is a shallow clone: history older than its first commit is missing. Run "git fetch --unshallow" to see all of it.`;
      if (hasUncommittedChanges(status) || this.host.isDirty?.(file)) this.working = { kind: 'working', id: `${file}#working`, status };
      this.host.changed();
      void this.summarize(this.working ? [this.working, ...this.commits] : this.commits, generation);
    } catch (e) {
      if (generation !== this.generation) return;
      this.message = e instanceof GitError ? e.message : `Reading the history failed: ${e instanceof Error ? e.message : String(e)}`;
      this.host.changed();
    }
  }

  /**
   * Re-checks only the uncommitted entry (after edits in an editor): the listed commits, their
   * summaries and the pages loaded stay as they are.
   */
  async refreshWorking(): Promise<void> {
    if (this.pending) await this.pending;
    const { repo, file } = this;
    if (!repo || !file) return;
    const generation = this.generation;
    const status = await this.host.git.status(repo.root, repo.path);
    if (generation !== this.generation) return;
    this.status = status;
    const wanted = hasUncommittedChanges(status) || !!this.host.isDirty?.(file);
    if (!wanted) {
      if (this.working) {
        this.working = undefined;
        this.host.changed();
      }
      return;
    }
    const appeared = !this.working;
    this.working = { kind: 'working', id: `${file}#working`, status, summary: this.working?.summary };
    if (appeared) this.host.changed();
    await this.summarize([this.working], generation);
  }

  /** Lists the next page. */
  async loadMore(): Promise<void> {
    if (this.pending) await this.pending;
    const { repo, file } = this;
    if (!repo || !file || !this.more) return;
    const generation = this.generation;
    const work = (async () => {
      const page = await readHistoryPage(this.host.git, repo, this.commits.length, this.options.pageSize);
      if (generation !== this.generation) return;
      const added: CommitNode[] = page.entries.map((entry) => ({ kind: 'commit', id: `${file}#${entry.hash}`, entry }));
      this.commits.push(...added);
      this.more = page.more;
      this.host.changed();
      void this.summarize(added, generation);
    })();
    this.pending = work;
    await work;
  }

  /** Whether a summary is still being computed (tests wait for it). */
  private summarizing = new Set<Promise<void>>();

  async idle(): Promise<void> {
    if (this.pending) await this.pending;
    while (this.summarizing.size) await Promise.all([...this.summarizing]);
  }

  /** Computes summaries for the listed nodes only: one blob read and one summary request per page. */
  private summarize(nodes: (CommitNode | WorkingNode)[], generation: number): Promise<void> {
    const run = (async () => {
      const { repo, file } = this;
      if (!repo || !file || !nodes.length) return;
      try {
        const commits = nodes.filter((n): n is CommitNode => n.kind === 'commit');
        const pairs = await entryTexts(this.host.git, repo, commits.map((c) => c.entry));
        const working = nodes.find((n): n is WorkingNode => n.kind === 'working');
        if (working) {
          const head = repo.head && working.status.state !== 'untracked' && working.status.state !== 'added' ? await this.host.git.show(repo.root, 'HEAD', repo.path) : undefined;
          pairs.unshift({ before: head, after: await this.host.workingText(file) });
        }
        const ordered = working ? [working, ...commits] : commits;
        const summaries = await this.host.summarize(pairs, file);
        if (generation !== this.generation) return;
        ordered.forEach((n, i) => {
          n.summary = summaries[i] ?? null;
          this.host.changed(n);
        });
      } catch {
        if (generation !== this.generation) return;
        for (const n of nodes) {
          n.summary = null;
          this.host.changed(n);
        }
      }
    })();
    this.summarizing.add(run);
    void run.finally(() => this.summarizing.delete(run));
    return run;
  }

  /** The list: uncommitted changes first, then commits newest first, then "Load more…". */
  children(): HistoryNode[] {
    const out: HistoryNode[] = [];
    if (this.working) out.push(this.working);
    out.push(...this.commits);
    if (this.more) out.push({ kind: 'more', id: `${this.file}#more` });
    return out;
  }

  /** The listed commits (newest first). */
  entries(): HistoryEntry[] {
    return this.commits.map((c) => c.entry);
  }

  item(node: HistoryNode): HistoryItem {
    if (node.kind === 'more') return { label: 'Load more…', contextValue: 'more', icon: 'ellipsis', action: 'loadMore', tooltip: `Show the next ${this.options.pageSize} commits.` };
    if (node.kind === 'working') {
      const untracked = node.status.state === 'untracked' || node.status.state === 'added';
      const summary = node.summary ? describeChange(node.summary) : node.summary === null ? 'summary unavailable' : '…';
      const label = untracked ? 'Not committed yet' : 'Uncommitted changes';
      const lines = node.summary ? describeChangeLines(node.summary) : [];
      return {
        label,
        description: summary,
        tooltip: [`**${label}**`, `The working copy${this.host.isDirty?.(this.file ?? '') ? ' (with unsaved edits)' : ''} against ${untracked ? 'nothing: the file is new' : 'HEAD'}.`, lines.map((l) => `- ${escapeMarkdown(l)}`).join('\n')].filter(Boolean).join('\n\n'),
        contextValue: 'working',
        icon: 'edit',
        action: 'openDiff',
      };
    }
    const e = node.entry;
    const s = node.summary;
    const now = this.host.now();
    const version = s?.version?.to;
    const what = describeEntry(e, s);
    const description = [version ? `v${version.replace(/^v/i, '')}` : '', what, relativeTime(e.authorDate, now), e.authorName, e.hash.slice(0, 7)].filter(Boolean).join(' · ');
    const tooltip: string[] = [`**${escapeMarkdown(e.subject || '(no subject)')}**`, `\`${e.hash.slice(0, 10)}\` · ${escapeMarkdown(e.authorName)} · ${exactTime(e.authorDate)} (${relativeTime(e.authorDate, now)})`];
    if (e.change === 'R' && e.previousPath) tooltip.push(`Renamed from \`${e.previousPath}\`${e.similarity !== undefined ? ` (${e.similarity}% similar)` : ''}.`);
    if (e.parents.length > 1) tooltip.push('A merge: compared with its first parent.');
    if (e.truncated) tooltip.push('This is the oldest commit of a shallow clone: its parent is missing, so what it changed is unknown. Run `git fetch --unshallow` to see further back.');
    else if (s) tooltip.push(describeChangeLines(s).map((l) => `- ${escapeMarkdown(l)}`).join('\n'));
    else if (s === null) tooltip.push('The change summary could not be computed (is the language server running?).');
    tooltip.push('Click to compare with the working copy.');
    return { label: e.subject || '(no subject)', description, tooltip: tooltip.join('\n\n'), contextValue: 'commit', icon: e.parents.length > 1 ? 'git-merge' : 'git-commit', action: 'openDiff' };
  }

  private name(): string {
    return path.basename(this.file ?? 'prompt');
  }

  private revisionSide(entry: HistoryEntry): DiffSide {
    return { kind: 'revision', root: this.repo!.root, rev: entry.hash, path: entry.path, label: `${path.posix.basename(entry.path)} (${entry.hash.slice(0, 7)})` };
  }

  private workingSide(): DiffSide {
    return { kind: 'working', file: this.file!, label: `${this.name()} (working copy)` };
  }

  private headSide(): DiffSide {
    const repo = this.repo!;
    if (!repo.head || this.status?.state === 'untracked' || this.status?.state === 'added') return { kind: 'empty', root: repo.root, path: repo.path, label: `${this.name()} (not committed)` };
    return { kind: 'revision', root: repo.root, rev: repo.head, path: repo.path, label: `${this.name()} (HEAD)` };
  }

  private previousSide(entry: HistoryEntry): DiffSide {
    const parent = entry.parents[0];
    if (entry.change === 'A' || !parent) return { kind: 'empty', root: this.repo!.root, path: entry.path, label: `${path.posix.basename(entry.path)} (${entry.truncated ? 'parent missing: shallow clone' : 'did not exist'})` };
    const p = entry.previousPath ?? entry.path;
    return { kind: 'revision', root: this.repo!.root, rev: parent, path: p, label: `${path.posix.basename(p)} (${parent.slice(0, 7)})` };
  }

  private sideOf(node: CommitNode | WorkingNode): DiffSide {
    return node.kind === 'working' ? this.workingSide() : this.revisionSide(node.entry);
  }

  /** A click: that version against the working copy (uncommitted changes: HEAD against the working copy). */
  diffWithWorking(node: CommitNode | WorkingNode): DiffRequest {
    const left = node.kind === 'working' ? this.headSide() : this.revisionSide(node.entry);
    return { left, right: this.workingSide(), title: `${left.label} ↔ ${this.name()} (working copy)` };
  }

  /** "Compare with Previous": the version before this commit (its first parent) against it. */
  diffWithPrevious(node: CommitNode | WorkingNode): DiffRequest {
    if (node.kind === 'working') return this.diffWithWorking(node);
    const left = this.previousSide(node.entry);
    const right = this.revisionSide(node.entry);
    return { left, right, title: `${left.label} ↔ ${right.label}` };
  }

  /** The text of one side of a diff (undefined: the file does not exist there). */
  async textOf(side: DiffSide): Promise<string | undefined> {
    if (side.kind === 'empty') return undefined;
    if (side.kind === 'working') return this.host.workingText(side.file);
    return this.host.git.show(side.root, side.rev, side.path);
  }

  /**
   * The two versions "Compare Test Results" runs: two selected entries (older first), or one
   * entry against the working copy (uncommitted changes: HEAD against the working copy).
   */
  versionsToTest(nodes: readonly (CommitNode | WorkingNode)[]): DiffRequest | undefined {
    if (nodes.length === 2) return this.diffBetween(nodes[0], nodes[1]);
    if (nodes.length === 1) return this.diffWithWorking(nodes[0]);
    return undefined;
  }

  /** "Compare Selected": the older of the two on the left. */
  diffBetween(a: CommitNode | WorkingNode, b: CommitNode | WorkingNode): DiffRequest {
    const order = this.children();
    const [older, newer] = order.indexOf(a) > order.indexOf(b) ? [a, b] : [b, a];
    const left = this.sideOf(older);
    const right = this.sideOf(newer);
    return { left, right, title: `${left.label} ↔ ${right.label}` };
  }
}
