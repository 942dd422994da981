// Which files the `file://` values of a fixture file may read, and the bounded read itself. A
// fixture file is data that arrives with a repository or a pull request, and its values are read
// without asking (the preview, the status bar) and then recorded and sent to a provider: so they
// stay inside the project root unless the project config allows more, are regular files of a
// bounded size, and are not read at all before the workspace is trusted.
import * as path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { PromptDiagnostic } from '../diagnostic';
import type { WorkspaceHost } from '../host';
import type { ProjectConfig } from '../lint/config';
import { findProjectRoot } from '../project';
import { locate } from '../yamlPath';
import { FILE_PREFIX, resolveRelative, type FixtureFile } from './fixtures';

/** `fixtures.maxFileSize` when the project config does not set it: 1 MB. */
export const DEFAULT_MAX_FILE_SIZE = 1024 * 1024;

export type RefusalKind = 'untrusted' | 'outside' | 'too-large' | 'not-regular';

/** A `file://` value that policy forbids reading; the message says why and what to do. */
export class FileValueRefused extends Error {
  constructor(
    readonly kind: RefusalKind,
    message: string,
  ) {
    super(message);
  }
}

/** What the values of one fixture file may read. */
export interface FileScope {
  /** The project root (absolute path): the folder file values may come from. */
  root: string;
  /** `fixtures.allow`, as absolute paths or absolute globs. */
  allow: readonly string[];
  maxFileSize: number;
  /** The project config the scope came from, named in messages. */
  configFile?: string;
}

export interface FileValueAccess {
  readonly host: WorkspaceHost;
  /** False in an untrusted workspace: nothing is read, not even a stat. */
  readonly trusted: boolean;
  scopeFor(fixtureUri: string): Promise<FileScope>;
}

export interface FileValueAccessOptions {
  trusted: boolean;
  /** The parsed project config file at a path (the editor's and the CLI's config readers). */
  configFor?(configFile: string): Promise<ProjectConfig | undefined>;
  /** Editor: the workspace folders (URIs or paths). A project root above the folder holding the fixture is cut down to that folder. */
  workspaceFolders?: () => readonly string[];
  /** CLI: the working folder, the root of a fixture with neither a project config nor a git repository above it. */
  fallback?: string;
}

function asPath(uriOrPath: string): string | undefined {
  if (!uriOrPath.startsWith('file:')) return /^[a-z][a-z0-9+.-]+:/i.test(uriOrPath) && !/^[a-z]:[\\/]/i.test(uriOrPath) ? undefined : path.resolve(uriOrPath);
  try {
    return fileURLToPath(uriOrPath);
  } catch {
    return undefined;
  }
}

export function isInside(file: string, dir: string): boolean {
  return file === dir || file.startsWith(dir.endsWith(path.sep) ? dir : dir + path.sep);
}

const GLOB = /[*?[{]/;

function globRegex(glob: string): RegExp {
  let re = '';
  for (let i = 0; i < glob.length; i++) {
    const ch = glob[i];
    if (ch === '*' && glob[i + 1] === '*') {
      i++;
      if (glob[i + 1] === '/') {
        i++;
        re += '(?:.*/)?';
      } else re += '.*';
    } else if (ch === '*') re += '[^/]*';
    else if (ch === '?') re += '[^/]';
    else re += /[\\^$.|+()[\]{}]/.test(ch) ? `\\${ch}` : ch;
  }
  return new RegExp(`^${re}$`);
}

/** Whether `fixtures.allow` names the path: an entry is a file, a folder (everything under it) or a glob. */
export function isAllowed(file: string, allow: readonly string[]): boolean {
  const slashed = file.replace(/\\/g, '/');
  return allow.some((entry) => (GLOB.test(entry) ? globRegex(entry.replace(/\\/g, '/')).test(slashed) : isInside(file, entry)));
}

/** The policy of the doors: the project root of each fixture file and its project config's `fixtures:` section. */
export function fileValueAccess(host: WorkspaceHost, options: FileValueAccessOptions): FileValueAccess {
  return {
    host,
    trusted: options.trusted,
    async scopeFor(fixtureUri) {
      const file = asPath(fixtureUri) ?? '/';
      const found = findProjectRoot(path.dirname(file), (p) => host.exists(p));
      let root = found.reason !== 'start' ? found.root : options.fallback && isInside(file, path.resolve(options.fallback)) ? path.resolve(options.fallback) : path.dirname(file);
      const folder = (options.workspaceFolders?.() ?? [])
        .map(asPath)
        .filter((f): f is string => !!f && isInside(file, f))
        .sort((a, b) => b.length - a.length)[0];
      if (folder && !isInside(root, folder)) root = folder;
      const config = found.configFile ? await options.configFor?.(found.configFile).catch(() => undefined) : undefined;
      const base = found.configFile ? path.dirname(found.configFile) : root;
      const allow = (config?.fixtures?.allow ?? []).map((e) => (path.isAbsolute(e) ? path.normalize(e) : path.resolve(base, e)));
      return { root, allow, maxFileSize: config?.fixtures?.maxFileSize ?? DEFAULT_MAX_FILE_SIZE, configFile: found.configFile };
    },
  };
}

function configName(scope: FileScope): string {
  return scope.configFile ? path.basename(scope.configFile) : 'the project config (prompt-workbench.yaml at the project root)';
}

const UNTRUSTED_HINT = 'Trust the workspace to read it (it would be recorded and sent with the case).';

export function untrustedMessage(ref: string): string {
  return `\`file://${ref}\` is not read in an untrusted workspace (Restricted Mode). ${UNTRUSTED_HINT}`;
}

export interface CheckedFile {
  /** The file, symbolic links resolved. */
  realPath: string;
  scope: FileScope;
}

/**
 * The policy checks of one value, without reading it: trust, then the path against the project
 * root (before touching the disk), then the resolved path (a symbolic link out of the root is
 * outside). Throws FileValueRefused; a missing file rejects with ENOENT.
 */
export async function checkFileValue(access: FileValueAccess, uri: string, fixtureUri: string, ref: string): Promise<CheckedFile> {
  if (!access.trusted) throw new FileValueRefused('untrusted', untrustedMessage(ref));
  const scope = await access.scopeFor(fixtureUri);
  const file = asPath(uri);
  const outside = (where: string) =>
    new FileValueRefused('outside', `\`file://${ref}\` is not read: ${where} is outside the project root (${scope.root}). Move the file into the project, or add its path to \`fixtures.allow\` in ${configName(scope)}.`);
  if (!file) throw outside(uri);
  const realRoot = (await access.host.realPath(pathToFileURL(scope.root).toString())) ?? scope.root;
  const allowed = (p: string) => isAllowed(p, scope.allow);
  if (!isInside(file, scope.root) && !isInside(file, realRoot) && !allowed(file)) throw outside(file);
  const real = await access.host.realPath(uri);
  if (real === undefined) throw Object.assign(new Error('no such file'), { code: 'ENOENT' });
  if (!isInside(real, realRoot) && !allowed(real) && !allowed(file)) throw outside(`${file}, a symbolic link to ${real},`);
  return { realPath: real, scope };
}

function tooLarge(ref: string, size: number, scope: FileScope): FileValueRefused {
  return new FileValueRefused('too-large', `\`file://${ref}\` is not read: it is larger (${size} bytes or more) than \`fixtures.maxFileSize\` (${scope.maxFileSize} bytes). Use a smaller file, or raise \`fixtures.maxFileSize\` in ${configName(scope)}.`);
}

function notRegular(ref: string): FileValueRefused {
  return new FileValueRefused('not-regular', `\`file://${ref}\` is not read: it is not a regular file (a folder, device, pipe or socket). Point the value at a regular file.`);
}

/** The checks the diagnostics make: the policy, then the file's kind and size from stat (nothing is read). */
export async function checkFileValueStat(access: FileValueAccess, uri: string, fixtureUri: string, ref: string): Promise<void> {
  const checked = await checkFileValue(access, uri, fixtureUri, ref);
  const info = await access.host.stat(pathToFileURL(checked.realPath).toString());
  if (!info) return;
  if (info.isDirectory || info.isFile === false) throw notRegular(ref);
  if (info.size > checked.scope.maxFileSize) throw tooLarge(ref, info.size, checked.scope);
}

/** Reads a `file://` value of a fixture file: `uri` resolved, `fixtureUri` the fixture, `ref` as written. */
export type ValueReader = (uri: string, fixtureUri: string, ref: string) => Promise<string>;

/** The reader every door passes to `caseVars`: the checks, then at most `maxFileSize + 1` bytes of a regular file. */
export function guardedReader(access: FileValueAccess): ValueReader {
  return async (uri, fixtureUri, ref) => {
    const checked = await checkFileValue(access, uri, fixtureUri, ref);
    // The URI as given when it is not a link, so the editor's unsaved text of that file is used.
    const target = asPath(uri) === checked.realPath ? uri : pathToFileURL(checked.realPath).toString();
    const read = await access.host.readLimited(target, checked.scope.maxFileSize);
    if (read.kind === 'not-regular') throw notRegular(ref);
    if (read.kind === 'too-large') throw tooLarge(ref, read.size, checked.scope);
    return read.text;
  };
}

/** Every `file://` value of a fixture file with the range of its YAML value. */
export function fileValueRefs(file: FixtureFile): { ref: string; start: number; end: number }[] {
  const out: { ref: string; start: number; end: number }[] = [];
  if (!file.yaml) return out;
  const doc = file.yaml;
  const add = (p: PropertyKey[], value: unknown) => {
    if (typeof value !== 'string' || !value.startsWith(FILE_PREFIX)) return;
    const r = locate(doc, p).node?.range;
    if (r) out.push({ ref: value.slice(FILE_PREFIX.length), start: r[0], end: Math.max(r[1], r[0] + 1) });
  };
  for (const [k, v] of Object.entries(file.defaultVars)) add(['defaults', 'vars', k], v);
  for (const c of file.cases) {
    if (c.varsFile) add(['cases', c.index, 'vars'], FILE_PREFIX + c.varsFile);
    for (const [k, v] of Object.entries(c.vars)) add(['cases', c.index, 'vars', k], v);
  }
  return out;
}

/**
 * A diagnostic on each `file://` value the policy refuses (an error: the case cannot run), or, in
 * an untrusted workspace, a note on each one that it is not read. Nothing is read: the checks use
 * the resolved path and stat only, and in an untrusted workspace not even those.
 */
export async function fileValueDiagnostics(file: FixtureFile, access: FileValueAccess): Promise<PromptDiagnostic[]> {
  const out: PromptDiagnostic[] = [];
  for (const v of fileValueRefs(file)) {
    try {
      await checkFileValueStat(access, resolveRelative(file.uri, v.ref), file.uri, v.ref);
    } catch (e) {
      if (!(e instanceof FileValueRefused)) continue; // a missing file is reported when the case runs
      out.push({ code: e.kind === 'untrusted' ? 'fixture-file-untrusted' : 'fixture-file-refused', severity: e.kind === 'untrusted' ? 'info' : 'error', message: e.message, span: { start: v.start, end: v.end } });
    }
  }
  return out;
}
