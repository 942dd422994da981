// The catalogue of a workspace through the host: every prompt file of every registered format,
// CODEOWNERS, the run records and git. The server keeps one and updates it from the host's change
// events (one row per changed file); the CLI builds one per run.
import * as path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promptFileGlobs } from '../formats/registry';
import type { CancellationLike, WorkspaceHost } from '../host';
import { throwIfCancelled } from '../host';
import type { CatalogConfig } from '../lint/config';
import type { Reference } from '../lint/types';
import type { GitObjects, LastCommit, WorkingStatuses } from '../history/git';
import { RUNS_DIR } from '../project';
import { FIXTURE_GLOBS } from '../workspace';
import { Catalog, isCatalogued, sha256, type CatalogEntry, type CatalogOptions, type LastChange } from './catalog';
import { CODEOWNERS_LOCATIONS, parseCodeowners, type Codeowners } from './codeowners';
import { RecordIndex } from './records';
import { MAX_REFERENCE_FILE, REFERENCE_GLOBS, ReferenceIndex, type TextFile } from './references';
import type { LifecycleWorkspace } from './rules';
import { ROW_CACHE_FILE, RowCache } from './rowCache';

export function toPath(uri: string): string {
  return uri.startsWith('file:') ? fileURLToPath(uri) : uri;
}

export function toUri(p: string): string {
  return p.includes('://') ? p : pathToFileURL(p).toString();
}

/** The first of GitHub's CODEOWNERS locations that exists under `root`, parsed. */
export async function readCodeowners(host: WorkspaceHost, root: string): Promise<Codeowners | undefined> {
  for (const rel of CODEOWNERS_LOCATIONS) {
    const file = path.join(root, ...rel.split('/'));
    if (!host.exists(file)) continue;
    try {
      return parseCodeowners(await host.readText(toUri(file)), rel);
    } catch {
      return undefined;
    }
  }
  return undefined;
}

/** The verdicts of every run record under `<root>/.prompt-workbench/runs` (or `dir`). */
export async function readRecords(host: WorkspaceHost, root: string, dir?: string): Promise<RecordIndex> {
  const index = new RecordIndex();
  const store = host.store(dir ?? path.join(root, ...RUNS_DIR.split('/')));
  let names: string[] = [];
  try {
    names = (await store.list()).filter((n) => n.endsWith('.jsonl')).sort();
  } catch {
    return index;
  }
  for (const name of names) {
    const text = await store.read(name).catch(() => undefined);
    if (text) index.add(name, text);
  }
  return index;
}

/** Files read ahead of the one being catalogued, when the host has no `readTexts`. */
const READ_AHEAD = 32;

/**
 * The texts of `uris` in order (undefined: unreadable): the host's `readTexts` (which may read on
 * another thread), else `readText` calls a few at once, so each read's round trips to the file
 * system leave the thread busy with the rows meanwhile.
 */
async function* readAll(host: WorkspaceHost, uris: readonly string[], token?: CancellationLike): AsyncGenerator<string | undefined> {
  if (host.readTexts) {
    yield* host.readTexts(uris, token);
    return;
  }
  const texts = new Map<number, Promise<string | undefined>>();
  const read = (k: number) => {
    if (k < uris.length && !texts.has(k)) texts.set(k, host.readText(uris[k]).then((t) => t, () => undefined));
  };
  for (let k = 0; k < READ_AHEAD; k++) read(k);
  for (let i = 0; i < uris.length; i++) {
    read(i + READ_AHEAD);
    const text = await texts.get(i)!;
    texts.delete(i);
    yield text;
  }
}

export interface LoadOptions extends Omit<CatalogOptions, 'root' | 'codeowners' | 'records'> {
  /** Folder URIs or paths to search (default: the host's roots). */
  roots?: readonly string[];
  /** Limit to these files (URIs), e.g. the CLI's arguments. */
  files?: readonly string[];
  recordsDir?: string;
  token?: CancellationLike;
  /** Awaited between files, so a server answers other requests (and lets validations go first) meanwhile. */
  pause?(): Promise<void>;
  /** Keep the rows in a file between runs (`rowCache.ts`): a file whose text is unchanged is not parsed again. */
  cache?: RowCacheOptions;
}

export interface RowCacheOptions {
  /** The folder of the cache file (path). */
  dir: string;
  /** The engine's build (the door's version, bundle size and time): rows of another build are not read. */
  build: string;
}

/** What the row cache did in a build, for the log. */
export interface RowCacheReport {
  /** Rows taken back unchanged. */
  hits: number;
  /** Rows the file held. */
  kept: number;
  /** Why the file's rows were not used (another build or settings, damaged), when they were not. */
  ignored?: string;
  /** Whether the file was written again (some row was new or changed). */
  wrote: boolean;
  /** The write failed (e.g. a read-only folder): the build is the same, the next one parses again. */
  writeError?: string;
}

/** Builds the catalogue of the prompt files under `root` (a path). */
export async function loadCatalog(host: WorkspaceHost, root: string, options: LoadOptions = {}): Promise<Catalog> {
  const [codeowners, records] = await Promise.all([readCodeowners(host, root), readRecords(host, root, options.recordsDir)]);
  const catalog = new Catalog({ ...options, root, codeowners, records });
  const uris = options.files ?? (await host.findFiles(promptFileGlobs(), { roots: options.roots?.map(toUri), token: options.token }));
  const store = options.cache && host.store(options.cache.dir);
  const key = options.cache ? catalog.rowCacheKey(options.cache.build) : '';
  const { cache, ignored } = store ? await RowCache.read(await store.read(ROW_CACHE_FILE).catch(() => undefined), key, options.pause) : { cache: undefined, ignored: undefined };
  let i = 0;
  for await (const text of readAll(host, uris, options.token)) {
    throwIfCancelled(options.token);
    if (options.pause) await options.pause();
    const uri = uris[i++];
    if (text === undefined) continue; // unreadable: not catalogued
    const kept = cache?.size ? cache.take(uri, sha256(text)) : undefined;
    if (kept && isCatalogued(uri)) catalog.restore(kept);
    else catalog.set(uri, text);
  }
  if (store && cache) {
    const report: RowCacheReport = { hits: cache.hits, kept: cache.size, ignored, wrote: false };
    // A build of some files (the CLI's arguments) keeps the rows of the others; a whole build has
    // every file, so a row it did not make is a file that is gone.
    const others = options.files ? cache.othersThan(new Set(uris)) : [];
    // Written again only when it would say something else: a row new, changed or gone.
    if (cache.hits !== catalog.size || cache.size !== catalog.size + others.length) {
      try {
        await store.writeAtomic(ROW_CACHE_FILE, await RowCache.write(key, [...catalog.entries(), ...others], options.pause));
        report.wrote = true;
      } catch (e) {
        report.writeError = e instanceof Error ? e.message : String(e);
      }
    }
    catalog.rowCacheReport = report;
  }
  return catalog;
}

/** Writes the catalogue's rows to its row cache now (the server, after rows changed since the build), pausing between slices of rows. */
export async function saveRowCache(host: WorkspaceHost, catalog: Catalog, options: RowCacheOptions, pause?: () => Promise<void>): Promise<void> {
  await host.store(options.dir).writeAtomic(ROW_CACHE_FILE, await RowCache.write(catalog.rowCacheKey(options.build), catalog.entries(), pause));
}

/** The newest commit that touched each row's file (author, date, subject); rows outside git get none. */
export async function loadLastChanges(host: WorkspaceHost, catalog: Catalog, options: { uris?: readonly string[]; token?: CancellationLike } = {}): Promise<void> {
  const uris = options.uris ?? catalog.entries().map((e) => e.uri);
  const found = await lastChangesOf(host, catalog.root, uris, options.token);
  for (const uri of uris) catalog.setLastChange(uri, found.get(uri));
}

/**
 * The last changes of many files: one `git log` walk of the repository that holds `root` (when the
 * host's git can, `Git.lastChanges`), else one log per file. Files outside that repository (or in
 * a nested one) get none from the walk.
 */
export async function lastChangesOf(host: WorkspaceHost, root: string, uris: readonly string[], token?: CancellationLike): Promise<Map<string, LastChange>> {
  const out = new Map<string, LastChange>();
  if (!uris.length) return out;
  const oneByOne = async () => {
    for (const uri of uris) {
      throwIfCancelled(token);
      const c = await lastChangeOf(host, uri);
      if (c) out.set(uri, c);
    }
    return out;
  };
  if (uris.length === 1 || !host.git.lastChanges) return oneByOne();
  let repo: { root: string; path: string; head?: string };
  try {
    repo = await host.git.repository(path.join(root, '.folder'));
  } catch {
    return out; // not in a repository: no row has a last change
  }
  if (!repo.head) return out;
  let commits: Map<string, LastCommit>;
  try {
    commits = await host.git.lastChanges(repo.root);
  } catch {
    return oneByOne(); // e.g. a history too large for one answer: a log per file still works
  }
  throwIfCancelled(token);
  // The root's own path in the repository (git's prefix), so a root reached through a symbolic
  // link still matches git's paths.
  const prefix = repo.path.slice(0, -'.folder'.length);
  for (const uri of uris) {
    const rel = path.relative(path.resolve(root), path.resolve(toPath(uri)));
    if (!rel || rel.startsWith('..') || path.isAbsolute(rel)) continue;
    const e = commits.get(prefix + rel.split(path.sep).join('/'));
    if (e) out.set(uri, { commit: e.hash, date: e.authorDate, author: e.authorName, summary: e.subject });
  }
  return out;
}

export async function lastChangeOf(host: WorkspaceHost, uri: string): Promise<LastChange | undefined> {
  try {
    const repo = await host.git.repository(toPath(uri));
    if (!repo.head) return undefined;
    const [e] = await host.git.log(repo.root, repo.path, { skip: 0, limit: 1 });
    return e ? { commit: e.hash, date: e.authorDate, author: e.authorName, summary: e.subject } : undefined;
  } catch {
    return undefined;
  }
}

export interface HostLifecycleOptions {
  /** The revision the previous version is read from; default HEAD for a file with uncommitted changes, else HEAD~1. */
  base?: string;
  token?: CancellationLike;
  /**
   * The rows the rules will ask about, when known: `git status` then covers the deepest folder
   * that holds them (one changed file: its folder), not the whole catalogue's.
   */
  uris?: readonly string[];
}

/** What the lifecycle rules need from the workspace, through the host: git for previous versions, a text search for references. */
export function hostLifecycleWorkspace(host: WorkspaceHost, catalog: Catalog, options: HostLifecycleOptions = {}): LifecycleWorkspace {
  let texts: Promise<ReferenceIndex> | undefined;
  const allTexts = async (): Promise<ReferenceIndex> => {
    const uris = await host.findFiles([...new Set([...promptFileGlobs(), ...FIXTURE_GLOBS, ...REFERENCE_GLOBS])], { token: options.token });
    const out: TextFile[] = [];
    for (const uri of uris) {
      const info = await host.stat(uri).catch(() => undefined);
      if (!info || info.size > MAX_REFERENCE_FILE) continue;
      const text = await host.readText(uri).catch(() => undefined);
      if (text !== undefined) out.push({ uri, path: path.relative(catalog.root, toPath(uri)).split(path.sep).join('/'), text });
    }
    return new ReferenceIndex(out);
  };
  const git = host.git;
  const batched = !!(git.locate && git.statuses && git.objects);
  // The repository of each folder and each revision's commit, asked once: a catalogue's rows share
  // a few folders and two revisions, and each question is a git process.
  const repos = new Map<string, Promise<{ root: string; prefix: string; head?: string }>>();
  const repoOf = (file: string) => {
    const dir = path.dirname(file);
    let r = repos.get(dir);
    if (!r) {
      r = git.repository(file).then((info) => ({ root: info.root, prefix: info.path.slice(0, info.path.length - path.basename(file).length), head: info.head }));
      repos.set(dir, r);
    }
    return r;
  };
  const commits = new Map<string, Promise<string | undefined>>();
  const resolve = (root: string, rev: string) => {
    const key = `${root}\0${rev}`;
    let c = commits.get(key);
    if (!c) commits.set(key, (c = git.resolve(root, rev)));
    return c;
  };
  const perRow = async (entry: CatalogEntry) => {
    const file = toPath(entry.uri);
    const found = await repoOf(file);
    const repo = { root: found.root, path: found.prefix + path.basename(file), head: found.head };
    if (!repo.head) return undefined;
    let rev = options.base;
    if (!rev) {
      const status = await git.status(repo.root, repo.path);
      rev = status.state === 'clean' ? 'HEAD~1' : 'HEAD';
    }
    if (!(await resolve(repo.root, rev))) return undefined;
    const text = await git.show(repo.root, rev, repo.path);
    return text === undefined ? undefined : { text, uri: entry.uri };
  };

  // Batched (a git that can): per repository one `git status` of the catalogue's folder for every
  // row's state and one `git cat-file --batch` for every previous text, whatever the number of rows.
  // A row's repository is the one git finds from the deepest of the host's roots that holds it,
  // unless a folder between has a `.git` of its own (a nested repository or a submodule), which git
  // is then asked about; a row outside the roots asks from its own folder, and so does a folder
  // reached through a symbolic link (git would start from where the link leads).
  const rootPaths = host.roots.map((r) => path.resolve(toPath(r)));
  const anchors = new Map<string, string>();
  const anchorOf = (dir: string): string => {
    let a = anchors.get(dir);
    if (a !== undefined) return a;
    const inside = rootPaths.filter((r) => dir === r || dir.startsWith(r.endsWith(path.sep) ? r : r + path.sep)).sort((x, y) => y.length - x.length)[0];
    if (inside === undefined || dir === inside || host.exists(path.join(dir, '.git'))) a = dir;
    else a = anchorOf(path.dirname(dir));
    anchors.set(dir, a);
    return a;
  };
  const reals = new Map<string, Promise<string | undefined>>();
  const realOf = (dir: string) => {
    let r = reals.get(dir);
    if (!r) reals.set(dir, (r = host.realPath(toUri(dir)).catch(() => undefined)));
    return r;
  };
  const checkedAnchors = new Map<string, Promise<string>>();
  const anchorFor = (dir: string): Promise<string> => {
    let c = checkedAnchors.get(dir);
    if (!c) {
      const a = anchorOf(dir);
      c = a === dir ? Promise.resolve(dir) : Promise.all([realOf(dir), realOf(a)]).then(([rd, ra]) => (rd && ra && rd === path.join(ra, path.relative(a, dir)) ? a : dir));
      checkedAnchors.set(dir, c);
    }
    return c;
  };
  // The folder (under an anchor) that `git status` covers: the deepest one holding every row the
  // rules will ask about, or the anchor's own when they are not known.
  const scopes = new Map<string, string>();
  const scopeOf = (anchor: string): string => {
    let scope = scopes.get(anchor);
    if (scope !== undefined) return scope;
    scope = anchor;
    if (options.uris) {
      const dirs = options.uris.map((u) => path.dirname(path.resolve(toPath(u)))).filter((d) => anchorOf(d) === anchor);
      if (dirs.length) {
        scope = dirs.reduce((common, d) => {
          while (common !== anchor && d !== common && !d.startsWith(common + path.sep)) common = path.dirname(common);
          return common;
        });
      }
    }
    scopes.set(anchor, scope);
    return scope;
  };
  const located = new Map<string, Promise<{ root: string; prefix: string }>>();
  const locate = (anchor: string) => {
    let l = located.get(anchor);
    if (!l) located.set(anchor, (l = git.locate!(anchor)));
    return l;
  };
  const statuses = new Map<string, Promise<WorkingStatuses>>();
  const statusesOf = (root: string, folder: string) => {
    const key = `${root}\0${folder}`;
    let s = statuses.get(key);
    if (!s) statuses.set(key, (s = git.statuses!(root, folder)));
    return s;
  };
  const readers = new Map<string, GitObjects>();
  const objectsOf = (root: string) => {
    let r = readers.get(root);
    if (!r) readers.set(root, (r = git.objects!(root)));
    return r;
  };
  const batchCommits = new Map<string, Promise<string | undefined>>();
  const commitOf = (root: string, rev: string) => {
    const key = `${root}\0${rev}`;
    let c = batchCommits.get(key);
    if (!c) {
      // As `Git.resolve`: a revision that names no commit (or looks like an option) has none.
      c = !rev || rev.startsWith('-') ? Promise.resolve(undefined) : objectsOf(root).read(`${rev}^{commit}`).then((o) => (o?.type === 'commit' ? o.oid : undefined));
      batchCommits.set(key, c);
    }
    return c;
  };
  const batchedRow = async (entry: CatalogEntry) => {
    const file = path.resolve(toPath(entry.uri));
    const anchor = await anchorFor(path.dirname(file));
    const where = await locate(anchor);
    const repoPath = where.prefix + path.relative(anchor, file).split(path.sep).join('/');
    let rev = options.base;
    if (!rev) {
      const dir = path.dirname(file);
      const scope = scopeOf(anchor);
      // A row outside the rows announced (or under a link): the anchor's whole folder.
      const inScope = dir === scope || dir.startsWith(scope + path.sep);
      const folder = inScope && scope !== anchor ? `${where.prefix}${path.relative(anchor, scope).split(path.sep).join('/')}/` : where.prefix;
      const status = (await statusesOf(where.root, folder)).of(repoPath);
      rev = status.state === 'clean' ? 'HEAD~1' : 'HEAD';
    }
    const commit = await commitOf(where.root, rev);
    if (!commit) return undefined;
    // A path with a line break cannot be a request line: that row asks git on its own.
    const text = /[\n\0]/.test(repoPath)
      ? await git.show(where.root, commit, repoPath)
      : await objectsOf(where.root)
          .read(`${commit}:${repoPath}`)
          .then((o) => (o?.type === 'blob' ? new TextDecoder('utf-8').decode(o.content) : undefined));
    return text === undefined ? undefined : { text, uri: entry.uri };
  };
  return {
    previousText: (entry: CatalogEntry) => (batched ? batchedRow(entry) : perRow(entry)),
    close() {
      for (const r of readers.values()) r.close();
      readers.clear();
    },
    async references(entry: CatalogEntry): Promise<Reference[]> {
      return (await (texts ??= allTexts())).find(entry);
    },
  };
}

export type { CatalogConfig };
