// The Node implementation of the workspace host, shared by the language server, the CLI and the
// extension host: tinyglobby searches with the project's one skip list, reads that prefer the
// editor's open text and cache the disk's by modification time and size, atomic writes, and git.
import * as nodeFs from 'node:fs';
import { constants as fsConstants, existsSync, realpathSync } from 'node:fs';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { glob } from 'tinyglobby';
import { throwIfCancelled, type CancellationLike, type ChangeKind, type FileInfo, type FindOptions, type LimitedRead, type WorkspaceHost } from '../service/host';
import { excludeGlobs } from '../service/skipList';
import type { FileStore } from '../service/testing/store';
import { NodeGit, type NodeGitOptions } from './git';
import { ReadAhead, readSmallFile, type SmallRead } from './readAhead';

export interface NodeHostOptions {
  /** Workspace folders (URIs or paths) searched by default; a function when they can change. */
  roots?: readonly string[] | (() => readonly string[]);
  /** The editor's text of an open document, if any. */
  openText?: (uri: string) => string | undefined;
  /** Extra skipped folders (`files.exclude`); a function when the project config can change. */
  exclude?: readonly string[] | (() => readonly string[]);
  git?: NodeGitOptions;
  /**
   * True while the workspace is not trusted: then no file outside the roots is read or looked at
   * (a fixture's `prompt:`, a variant's path, a partial folder), symbolic links resolved first.
   */
  confined?: () => boolean;
}

/**
 * A `file:///` URI that is its path as written (POSIX): nothing encoded (`%`), no query or fragment,
 * no backslash, blank or control character, no `.` or `..` segment. `fileURLToPath` gives the same
 * path for these, after parsing a URL (a catalogue reads 10,000 of them).
 */
const PLAIN_FILE_URI = process.platform === 'win32' ? /^$/ : /^file:\/\/\/(?!.*\/\.\.?(?:\/|$))[^%?#\\\x00-\x20\x7f]*$/;

/** A `file:` URI or a path as a path; undefined for other schemes. */
export function toPath(uriOrPath: string): string | undefined {
  if (PLAIN_FILE_URI.test(uriOrPath)) return uriOrPath.slice('file://'.length);
  if (uriOrPath.startsWith('file:')) {
    try {
      return fileURLToPath(uriOrPath);
    } catch {
      return undefined;
    }
  }
  return /^[a-z][a-z0-9+.-]+:/i.test(uriOrPath) && !/^[a-z]:[\\/]/i.test(uriOrPath) ? undefined : uriOrPath;
}

export function toUri(filePath: string): string {
  return pathToFileURL(filePath).toString();
}

const TMP = /\.tmp-[0-9a-f]+$/;

/** Files up to this size are read synchronously (`readSmall`). */
const SYNC_READ_MAX = 256 * 1024;

/** The buffer of the synchronous reads, reused (one thread reads at a time): no buffer per file. */
const scratch = { buf: Buffer.allocUnsafe(64 * 1024) };

/** Reads of at least this many files (`readTexts`) go to a reader thread; fewer are read here. */
const READ_AHEAD_MIN = 256;
/** Files per message to the reader thread, and messages in flight. */
const READ_BATCH = 64;
const READ_BATCHES_AHEAD = 4;

export async function writeFileAtomic(file: string, text: string): Promise<void> {
  await fs.mkdir(path.dirname(file), { recursive: true });
  const tmp = `${file}.tmp-${process.pid.toString(16)}${Math.floor(Math.random() * 0xffffff).toString(16)}`;
  const handle = await fs.open(tmp, 'w', 0o600);
  try {
    await handle.writeFile(text, 'utf8');
    await handle.sync();
  } finally {
    await handle.close();
  }
  try {
    await fs.rename(tmp, file);
  } catch (e) {
    await fs.rm(tmp, { force: true });
    throw e;
  }
}

export function nodeFileStore(dir: string): FileStore {
  return {
    location: dir,
    async read(name) {
      try {
        return await fs.readFile(path.join(dir, name), 'utf8');
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
        throw e;
      }
    },
    writeAtomic: (name, text) => writeFileAtomic(path.join(dir, name), text),
    async list() {
      const out: string[] = [];
      // An explicit stack: a deep folder tree cannot grow the call stack.
      const pending = [''];
      while (pending.length) {
        const sub = pending.pop()!;
        let entries: import('node:fs').Dirent[];
        try {
          entries = await fs.readdir(path.join(dir, sub), { withFileTypes: true });
        } catch {
          continue;
        }
        for (const e of entries) {
          const rel = sub ? `${sub}/${e.name}` : e.name;
          if (e.isDirectory()) pending.push(rel);
          else if (!TMP.test(e.name)) out.push(rel);
        }
      }
      return out.sort();
    },
    async clear() {
      await fs.rm(dir, { recursive: true, force: true });
    },
  };
}

class NodeHost implements WorkspaceHost {
  readonly git: NodeGit;
  private readonly disk = new Map<string, { mtimeMs: number; size: number; text: string }>();
  private readonly listeners = new Set<(uri: string, kind: ChangeKind) => void>();

  constructor(private readonly options: NodeHostOptions) {
    this.git = new NodeGit(options.git);
  }

  /** Whether `file` may not be read now: the workspace is untrusted and the file (its real path) is in no root. */
  private outsideRoots(file: string): boolean {
    if (!this.options.confined?.()) return false;
    let real = path.resolve(file);
    try {
      real = realpathSync.native(real);
    } catch {
      // not there (yet): judged by its path
    }
    return !this.roots.some((root) => {
      const dir = toPath(root);
      if (!dir) return false;
      let base = path.resolve(dir);
      try {
        base = realpathSync.native(base);
      } catch {
        // judged by its path
      }
      const rel = path.relative(base, real);
      return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
    });
  }

  get roots(): readonly string[] {
    const r = this.options.roots;
    return ((typeof r === 'function' ? r() : r) ?? []).map((root) => (root.startsWith('file:') ? root : toUri(path.resolve(root))));
  }

  get exclude(): readonly string[] {
    const e = this.options.exclude;
    return (typeof e === 'function' ? e() : e) ?? [];
  }

  async findFiles(globs: readonly string[], options: FindOptions = {}): Promise<string[]> {
    const out = new Set<string>();
    const ignore = excludeGlobs(this.exclude);
    for (const root of options.roots ?? this.roots) {
      throwIfCancelled(options.token);
      const cwd = toPath(root);
      if (!cwd) continue;
      const found = await glob([...globs], { cwd, absolute: true, ignore, followSymbolicLinks: false, dot: false }).catch(() => [] as string[]);
      for (const p of found) out.add(toUri(path.normalize(p)));
    }
    throwIfCancelled(options.token);
    return [...out].sort();
  }

  async readText(uri: string): Promise<string> {
    const open = this.options.openText?.(uri);
    if (open !== undefined) return open;
    const file = toPath(uri);
    if (!file) throw new Error(`Cannot read ${uri}: only files on disk can be read.`);
    if (this.outsideRoots(file)) throw new Error(`${file} is outside the workspace folders, and this workspace is not trusted: nothing outside it is read. Trust the workspace, or move the file into it.`);
    const key = path.resolve(file);
    const small = this.readSmall(file, key);
    if (small !== undefined) return small;
    const s = await fs.stat(file);
    // A FIFO, socket or device would be waited on or read without end.
    if (!s.isFile()) throw new Error(`${file} is not a regular file, so it is not read.`);
    const hit = this.disk.get(key);
    if (hit && hit.mtimeMs === s.mtimeMs && hit.size === s.size) return hit.text;
    const text = await fs.readFile(file, 'utf8');
    this.disk.set(key, { mtimeMs: s.mtimeMs, size: s.size, text });
    return text;
  }

  /**
   * A small regular file is read synchronously: its few system calls take microseconds, less than
   * the promises around an asynchronous read (10,000 prompt files: about 0.14 s against 0.75 s),
   * which is most of the catalogue's cold build otherwise. Opened without blocking and checked on
   * the descriptor, so a FIFO or a device is never read here; undefined sends those, and large
   * files, to the asynchronous read.
   */
  private readSmall(file: string, key: string): string | undefined {
    const hit = this.disk.get(key);
    const read = readSmallFile(nodeFs, file, SYNC_READ_MAX, scratch, hit && ((mtimeMs, size) => (hit.mtimeMs === mtimeMs && hit.size === size ? hit.text : undefined)));
    if (!read) return undefined;
    if (read.text !== hit?.text) this.disk.set(key, read);
    return read.text;
  }

  /**
   * The texts of many files in order, undefined for one that cannot be read. The disk's files are
   * read ahead on a reader thread (`ReadAhead`) when there are many; an open document's text, a
   * file the reader thread did not read (large, not a regular file, an error) and every file when
   * that thread cannot run go through `readText`.
   */
  async *readTexts(uris: readonly string[], token?: CancellationLike): AsyncGenerator<string | undefined> {
    const orOpen = (uri: string) => this.options.openText?.(uri);
    const one = (uri: string) => this.readText(uri).then((t) => t, () => undefined);
    // Files to read ahead: on disk, not open now, allowed.
    const ahead: { uri: string; file: string }[] = [];
    for (const uri of uris) {
      const file = orOpen(uri) === undefined ? toPath(uri) : undefined;
      if (file && !this.outsideRoots(file)) ahead.push({ uri, file });
    }
    let reader: ReadAhead | undefined;
    if (ahead.length >= READ_AHEAD_MIN) {
      try {
        reader = new ReadAhead(SYNC_READ_MAX);
      } catch {
        reader = undefined;
      }
    }
    if (!reader) {
      for (const uri of uris) {
        throwIfCancelled(token);
        yield await one(uri);
      }
      return;
    }
    try {
      const batches = new Map<number, Promise<(SmallRead | null)[] | undefined>>();
      const send = (k: number) => {
        if (k * READ_BATCH >= ahead.length || batches.has(k)) return;
        batches.set(k, reader!.read(ahead.slice(k * READ_BATCH, (k + 1) * READ_BATCH).map((a) => a.file)).then((r) => r, () => undefined));
      };
      for (let k = 0; k < READ_BATCHES_AHEAD; k++) send(k);
      let j = 0; // the next file of `ahead`
      for (const uri of uris) {
        throwIfCancelled(token);
        if (ahead[j]?.uri !== uri) {
          yield await one(uri);
          continue;
        }
        const k = Math.floor(j / READ_BATCH);
        if (j % READ_BATCH === 0) send(k + READ_BATCHES_AHEAD);
        const read = (await batches.get(k))?.[j % READ_BATCH];
        const file = ahead[j].file;
        if (j % READ_BATCH === READ_BATCH - 1) batches.delete(k);
        j++;
        const open = orOpen(uri);
        if (open !== undefined) yield open;
        else if (read) {
          this.disk.set(path.resolve(file), read);
          yield read.text;
        } else yield await one(uri);
      }
    } finally {
      reader.close();
    }
  }

  async realPath(uri: string): Promise<string | undefined> {
    const file = toPath(uri);
    if (!file) return undefined;
    try {
      return await fs.realpath(file);
    } catch {
      return undefined;
    }
  }

  async readLimited(uri: string, maxBytes: number): Promise<LimitedRead> {
    const file = toPath(uri);
    if (!file) throw new Error(`Cannot read ${uri}: only files on disk can be read.`);
    const open = this.options.openText?.(toUri(path.resolve(file)));
    if (open !== undefined) return Buffer.byteLength(open, 'utf8') > maxBytes ? { kind: 'too-large', size: Buffer.byteLength(open, 'utf8') } : { kind: 'text', text: open };
    // Non-blocking, so opening a FIFO cannot hang; no final symbolic link, so a link swapped in
    // after the caller resolved the path is not followed; the kind is checked on the handle, so
    // the file checked is the file read.
    const handle = await fs.open(file, fsConstants.O_RDONLY | (fsConstants.O_NONBLOCK ?? 0) | (fsConstants.O_NOFOLLOW ?? 0));
    try {
      const s = await handle.stat();
      if (!s.isFile()) return { kind: 'not-regular' };
      if (s.size > maxBytes) return { kind: 'too-large', size: s.size };
      // Chunks, not one buffer of the cap: a stat size of 0 (procfs) says nothing.
      const chunks: Buffer[] = [];
      let filled = 0;
      while (filled <= maxBytes) {
        const chunk = Buffer.alloc(Math.min(64 * 1024, maxBytes + 1 - filled));
        const { bytesRead } = await handle.read(chunk, 0, chunk.length, filled);
        if (bytesRead === 0) break;
        chunks.push(chunk.subarray(0, bytesRead));
        filled += bytesRead;
      }
      if (filled > maxBytes) return { kind: 'too-large', size: filled };
      return { kind: 'text', text: Buffer.concat(chunks).toString('utf8') };
    } finally {
      await handle.close();
    }
  }

  async stat(uri: string): Promise<FileInfo | undefined> {
    const file = toPath(uri);
    if (!file || this.outsideRoots(file)) return undefined;
    try {
      const s = await fs.stat(file);
      return { mtimeMs: s.mtimeMs, size: s.size, isDirectory: s.isDirectory(), isFile: s.isFile() };
    } catch {
      return undefined;
    }
  }

  exists(p: string): boolean {
    const file = toPath(p);
    if (!file) return false;
    return (this.options.openText?.(toUri(path.resolve(file))) !== undefined) || (!this.outsideRoots(file) && existsSync(file));
  }

  store(dirPath: string): FileStore {
    return nodeFileStore(dirPath);
  }

  writeText(p: string, text: string): Promise<void> {
    return writeFileAtomic(p, text);
  }

  changed(uri: string, kind: ChangeKind): void {
    const file = toPath(uri);
    if (file) this.disk.delete(path.resolve(file));
    for (const l of this.listeners) l(uri, kind);
  }

  onDidChange(listener: (uri: string, kind: ChangeKind) => void): { dispose(): void } {
    this.listeners.add(listener);
    return { dispose: () => void this.listeners.delete(listener) };
  }
}

export function createNodeHost(options: NodeHostOptions = {}): WorkspaceHost {
  return new NodeHost(options);
}
