// The few git operations prompt history needs, as an interface: the engine never starts a
// process. `server/src/node/git.ts` implements it with `git` itself; tests use real repositories.

/** Why a git operation could not give an answer; `message` is meant for the user. */
export type GitErrorKind = 'git-missing' | 'not-a-repository' | 'bad-revision' | 'not-found' | 'failed';

export class GitError extends Error {
  constructor(
    readonly kind: GitErrorKind,
    message: string,
    /** git's own words (stderr), when there are any. */
    readonly detail?: string,
  ) {
    super(message);
    this.name = 'GitError';
  }
}

/** The repository that holds a file, as found from the file's folder. */
export interface RepositoryInfo {
  /** Absolute path of the working tree's top folder, as git prints it. */
  root: string;
  /** The file's path relative to `root`, with `/` separators (what git calls the path). */
  path: string;
  /** The commit HEAD points at; undefined in a repository without commits yet. */
  head?: string;
  /** The checked-out branch; undefined when HEAD is detached (or unborn without a name). */
  branch?: string;
  /** True in a shallow clone (`git clone --depth`): older history is missing. */
  shallow: boolean;
  /** The commits whose parents are missing in a shallow clone. */
  shallowCommits: string[];
}

export type FileChange = 'A' | 'M' | 'R' | 'C' | 'D' | 'T';

/** One commit that touched the file (from a rename-following log). */
export interface LogEntry {
  hash: string;
  parents: string[];
  authorName: string;
  authorEmail: string;
  /** Author date, strict ISO 8601 with the author's offset. */
  authorDate: string;
  subject: string;
  /** The file's path in this commit (after the change). */
  path: string;
  /** The file's path before this commit: differs from `path` for renames; undefined when added. */
  previousPath?: string;
  change: FileChange;
  /** Rename or copy similarity (0-100). */
  similarity?: number;
  /** Blob id of the file after the commit; undefined when deleted or unknown. */
  blob?: string;
  /** Blob id of the file in the first parent; undefined when the commit added it. */
  previousBlob?: string;
}

/** The working copy of one file against HEAD and the index. */
export interface WorkingStatus {
  /** `clean`: same as HEAD (or ignored and absent from HEAD); `untracked`: not in git at all. */
  state: 'clean' | 'modified' | 'added' | 'deleted' | 'renamed' | 'untracked' | 'ignored' | 'conflicted';
  /** Git's two-letter porcelain code (`' M'`, `'??'`, ...), empty when clean. */
  code: string;
}

/** The working status of every path of a tree, from one `git status`. */
export interface WorkingStatuses {
  /** What `Git.status(root, path)` says of `path` (relative to the repository's root, with `/`). */
  of(path: string): WorkingStatus;
}

/** Where a folder is in its repository, from one `git rev-parse`. */
export interface Location {
  /** Absolute path of the working tree's top folder, as git prints it. */
  root: string;
  /** The folder's path relative to `root`, with `/` separators, ending with `/`; empty for the top folder. */
  prefix: string;
}

/** Objects read by name through one long-lived `git cat-file --batch`, until `close()`. */
export interface GitObjects {
  /**
   * The object `name` names (`<rev>^{commit}`, `<commit>:<path>`); undefined when there is none.
   * Names with a line break are refused (undefined). Rejects when git cannot run.
   */
  read(name: string): Promise<{ oid: string; type: string; content: Uint8Array } | undefined>;
  /** Ends the process (answers still awaited are rejected). */
  close(): void;
}

export interface LogOptions {
  /** Entries to skip from the newest (paging). */
  skip: number;
  /** Entries to return at most. */
  limit: number;
  /** Where the walk starts (default HEAD). */
  rev?: string;
}

export interface Git {
  /** The repository holding `file` (an absolute path). Throws GitError `not-a-repository` or `git-missing`. */
  repository(file: string): Promise<RepositoryInfo>;
  /** Commits that touched `path` (relative to `root`), newest first, following renames. */
  log(root: string, path: string, options: LogOptions): Promise<LogEntry[]>;
  /** Contents of blobs by id (one process for all). Missing ids are absent from the map. */
  readBlobs(root: string, ids: readonly string[]): Promise<Map<string, string>>;
  /** The file at a revision; undefined when the revision has no such path. Throws `bad-revision`. */
  show(root: string, rev: string, path: string): Promise<string | undefined>;
  /** The full hash of a revision's commit; undefined when it names no commit. */
  resolve(root: string, rev: string): Promise<string | undefined>;
  /** The working copy of `path` against HEAD. */
  status(root: string, path: string): Promise<WorkingStatus>;
  /**
   * The newest commit that touched each path of the repository at `root` (paths relative to it, with
   * `/`), from one walk of the history from HEAD; empty in a repository without commits. Optional:
   * without it, callers ask `log` file by file.
   */
  lastChanges?(root: string): Promise<Map<string, LastCommit>>;
  /**
   * The repository holding the folder `dir` and the folder's place in it, without the facts of
   * `repository` (HEAD, branch): one process. Throws like `repository`. Optional, like the next two:
   * callers that read many files' previous versions use them, else `repository`, `status` and `show`.
   */
  locate?(dir: string): Promise<Location>;
  /** The status of every path under `folder` (relative to `root`, ending with `/`; empty: the whole tree), from one `git status`. */
  statuses?(root: string, folder?: string): Promise<WorkingStatuses>;
  /** A long-lived reader of the repository's objects (one `git cat-file --batch`), started at the first read. */
  objects?(root: string): GitObjects;
}

/** A commit as the catalogue's "last change" shows it. */
export type LastCommit = Pick<LogEntry, 'hash' | 'authorName' | 'authorDate' | 'subject'>;

/** Git's id of "no blob" in raw diffs. */
export const NULL_OID = /^0+$/;
