// The project: where its root is (records, cache and case ids are anchored there, so a run from
// any folder of a repository gives the same ids), which folders every file search skips, and what
// the tool keeps in `.prompt-workbench/`. Pure path logic: the caller says which files exist.
import * as path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { WorkspaceHost } from './host';
import { SchemaLibraries, type LoadedSchemas } from './schemas';
import { CONFIG_FILE_NAMES, findLintConfig, formatConfigProblem, parseLintConfig, type ParsedLintConfig, type ProjectConfig } from './lint/config';
import { RULES } from './lint';

export { DEFAULT_EXCLUDE, excludeGlobs, isExcluded } from './skipList';

/** The tool's folder at the project root. */
export const WORKBENCH_DIR = '.prompt-workbench';
export const RUNS_DIR = `${WORKBENCH_DIR}/runs`;
export const CACHE_DIR = `${WORKBENCH_DIR}/cache`;

/** Written into `.prompt-workbench/.gitignore`: the cache is per machine, run records may be committed. */
export const WORKBENCH_GITIGNORE = '# Written by Prompt Workbench. The response cache is per machine; run records (runs/) may be committed.\ncache/\n';

export interface ProjectRoot {
  /** The project's folder (absolute path). */
  root: string;
  /** Why this folder: it holds the project config, it is the git root, or nothing was found (the start folder). */
  reason: 'config' | 'git' | 'start';
  /** The project config file there, when `reason` is `config`. */
  configFile?: string;
}

/**
 * The project root for a file or folder: the nearest folder at or above `dir` with a project
 * config file, looked for up to the git root; else the git root (the nearest folder with `.git`);
 * else `dir` itself. `exists` is the caller's view of the file system.
 */
export function findProjectRoot(dir: string, exists: (file: string) => boolean): ProjectRoot {
  const start = path.resolve(dir);
  for (let current = start; ; current = path.dirname(current)) {
    for (const name of CONFIG_FILE_NAMES) {
      const candidate = path.join(current, name);
      if (exists(candidate)) return { root: current, reason: 'config', configFile: candidate };
    }
    if (exists(path.join(current, '.git'))) return { root: current, reason: 'git' };
    if (path.dirname(current) === current) return { root: start, reason: 'start' };
  }
}

/**
 * One root for a run over several files: the outermost of their project roots when it holds them
 * all, else their common folder. A file with neither a project config nor a git repository above
 * it belongs to the working folder `fallback` when it lies inside it. Run from any folder, the
 * files of one project give the same root.
 */
export function commonProjectRoot(files: readonly string[], exists: (file: string) => boolean, fallback: string): string {
  const inside = (file: string, dir: string) => file === dir || file.startsWith(dir.endsWith(path.sep) ? dir : dir + path.sep);
  const cwd = path.resolve(fallback);
  if (!files.length) {
    const r = findProjectRoot(cwd, exists);
    return r.reason === 'start' ? cwd : r.root;
  }
  const abs = files.map((f) => path.resolve(f));
  const roots = [
    ...new Set(
      abs.map((f) => {
        const r = findProjectRoot(path.dirname(f), exists);
        return r.reason === 'start' && inside(f, cwd) ? cwd : r.root;
      }),
    ),
  ].sort((a, b) => a.length - b.length);
  const outer = roots[0];
  if (abs.every((f) => inside(f, outer))) return outer;
  let common = path.dirname(abs[0]);
  while (!abs.every((f) => inside(f, common)) && path.dirname(common) !== common) common = path.dirname(common);
  return common;
}

/**
 * The project config that applies to each file, read through the host (the editor's open text
 * first) and parsed once until `clear()` (a config file changed, appeared or went away). The
 * search goes from the file's folder up to its project's stopping point: the workspace folder
 * holding it, else the git root.
 */
export class ProjectConfigs {
  private readonly parsed = new Map<string, Promise<ParsedLintConfig | null>>();
  private readonly found = new Map<string, string | null>();
  private readonly libraries = new SchemaLibraries();

  constructor(
    private readonly host: WorkspaceHost,
    private readonly log: (message: string) => void = () => undefined,
  ) {}

  clear(): void {
    this.parsed.clear();
    this.found.clear();
  }

  private stopFor(file: string): string | undefined {
    let best: string | undefined;
    for (const uri of this.host.roots) {
      const dir = uri.startsWith('file:') ? uriPath(uri) : uri;
      if (!dir) continue;
      if ((file === dir || file.startsWith(dir.endsWith(path.sep) ? dir : dir + path.sep)) && (!best || dir.length > best.length)) best = dir;
    }
    if (best) return best;
    const root = findProjectRoot(path.dirname(file), (p) => this.host.exists(p));
    return root.reason === 'start' ? undefined : root.root;
  }

  /** The path of the config file that applies to a file (path or `file:` URI), if any. */
  pathFor(fileOrUri: string): string | undefined {
    const file = fileOrUri.startsWith('file:') ? uriPath(fileOrUri) : fileOrUri;
    if (!file) return undefined;
    const dir = path.dirname(file);
    let found = this.found.get(dir);
    if (found === undefined) {
      found = findLintConfig(dir, this.stopFor(file), (p) => this.host.exists(p)) ?? null;
      this.found.set(dir, found);
    }
    return found ?? undefined;
  }

  /**
   * The named schemas (`schemas:`) of the config that applies to a file, read through the host; files
   * outside the workspace folder (or project root) of the config are not read. Undefined without any.
   */
  async schemasFor(fileOrUri: string): Promise<LoadedSchemas | undefined> {
    const parsed = await this.parsedFor(fileOrUri);
    if (!parsed?.config.schemas) return undefined;
    const root = this.stopFor(parsed.file) ?? path.dirname(parsed.file);
    return this.libraries.load(pathToUri(parsed.file), parsed.config.schemas, (uri) => this.host.readText(uri), pathToUri(root));
  }

  /** The parsed config (valid entries; problems logged) for a file, undefined when none applies. */
  async configFor(fileOrUri: string): Promise<ProjectConfig | undefined> {
    return (await this.parsedFor(fileOrUri))?.config;
  }

  /** The config with its problems, for the CLI's strict reading and the config file's own diagnostics. */
  async parsedFor(fileOrUri: string): Promise<(ParsedLintConfig & { file: string; text: string }) | undefined> {
    const file = this.pathFor(fileOrUri);
    if (!file) return undefined;
    let p = this.parsed.get(file);
    if (!p) {
      p = this.read(file);
      this.parsed.set(file, p);
    }
    const r = await p;
    return r ? (r as ParsedLintConfig & { file: string; text: string }) : undefined;
  }

  private async read(file: string): Promise<(ParsedLintConfig & { file: string; text: string }) | null> {
    let text: string;
    try {
      text = await this.host.readText(pathToUri(file));
    } catch (e) {
      this.log(`Cannot read ${file}: ${e instanceof Error ? e.message : String(e)}`);
      return null;
    }
    const parsed = parseLintConfig(text, RULES, file);
    if (parsed.problems.length) this.log(`${file}: ${parsed.problems.length} problem(s); the valid entries apply. ${parsed.problems.map((p) => formatConfigProblem(file, text, p)).join(' | ')}`);
    return { ...parsed, file, text };
  }
}

function uriPath(uri: string): string | undefined {
  try {
    return fileURLToPath(uri);
  } catch {
    return undefined;
  }
}

function pathToUri(p: string): string {
  return pathToFileURL(p).toString();
}
