// The one interface through which the engine and the doors reach everything outside the text:
// file search with one skip list, reads (the editor's open text first, then the disk), stat,
// change events, file stores and git. `server/src/node/host.ts` is the Node implementation that
// the language server, the CLI and the extension host share; tests may pass their own.
import type { Git } from './history/git';
import type { GitInfo } from './testing/records';
import type { FileStore } from './testing/store';

/** Anything with LSP's / VS Code's cancellation flag. */
export interface CancellationLike {
  readonly isCancellationRequested: boolean;
}

/** Thrown by `findFiles` when its token was cancelled: the caller returns an empty result. */
export class CancelledError extends Error {
  constructor() {
    super('Cancelled.');
  }
}

export function throwIfCancelled(token?: CancellationLike): void {
  if (token?.isCancellationRequested) throw new CancelledError();
}

export interface FileInfo {
  mtimeMs: number;
  size: number;
  isDirectory: boolean;
  /** A regular file (not a folder, device, pipe or socket); absent when the host cannot tell. */
  isFile?: boolean;
}

/** What a bounded read found: the text, or why it was not read. */
export type LimitedRead = { kind: 'text'; text: string } | { kind: 'too-large'; size: number } | { kind: 'not-regular' };

export type ChangeKind = 'created' | 'changed' | 'deleted';

export interface FindOptions {
  /** Folder URIs to search (default: the host's roots). */
  roots?: readonly string[];
  token?: CancellationLike;
}

export interface WorkspaceHost {
  /** The workspace folders (URIs) searches start from. */
  readonly roots: readonly string[];
  /** The extra folders skipped beside the built-in ones (`files.exclude` of the project config). */
  readonly exclude: readonly string[];
  /** URIs of the files under the roots whose path matches one of the globs, excluded folders skipped, sorted. */
  findFiles(globs: readonly string[], options?: FindOptions): Promise<string[]>;
  /** A file's text: the editor's open document when there is one, else the disk's (cached by modification time and size). Rejects when it cannot be read. */
  readText(uri: string): Promise<string>;
  /**
   * The texts of many files, in order, as `readText` gives them (undefined for one it rejects),
   * read ahead where the host can do it off the calling thread. Optional: without it, `readText`
   * is called per file.
   */
  readTexts?(uris: readonly string[], token?: CancellationLike): AsyncIterable<string | undefined>;
  /** Modification time, size and kind; undefined when the file does not exist. */
  stat(uri: string): Promise<FileInfo | undefined>;
  /** The path with every symbolic link resolved; undefined when it does not exist. */
  realPath(uri: string): Promise<string | undefined>;
  /**
   * A regular file's text, read through an open handle: devices, pipes, sockets and folders are
   * refused without reading, a final symbolic link is not followed, and at most `maxBytes + 1` bytes are read, so a file that is larger
   * than its stat says (or endless) is refused too. Rejects when it does not exist.
   */
  readLimited(uri: string, maxBytes: number): Promise<LimitedRead>;
  /** Whether a path exists (synchronous: the project-root and config searches walk folders with it). */
  exists(path: string): boolean;
  /** A folder's files for the response cache and the run records (atomic writes). */
  store(dirPath: string): FileStore;
  /** Writes a file atomically (temporary file, fsync, rename). */
  writeText(path: string, text: string): Promise<void>;
  /** The git runner (argument arrays, stable locale, no optional locks). */
  readonly git: Git;
  /** Tells the host a file changed (editor or watcher events), so cached reads are dropped and listeners told. */
  changed(uri: string, kind: ChangeKind): void;
  /** Listens to `changed`. */
  onDidChange(listener: (uri: string, kind: ChangeKind) => void): { dispose(): void };
}

/** The commit checked out where a file is, and whether the file differs from it, through the host's git. */
export async function gitInfoOf(git: Git, file: string): Promise<GitInfo | undefined> {
  try {
    const repo = await git.repository(file);
    if (!repo.head) return undefined;
    const status = await git.status(repo.root, repo.path).catch(() => undefined);
    return { commit: repo.head, dirty: status === undefined ? undefined : status.state !== 'clean' && status.state !== 'ignored' };
  } catch {
    return undefined;
  }
}
