// The command line's view of the project: the host (the same Node implementation the editor
// uses), the project config found from the working folder, file arguments expanded with the
// project's one skip list, and the project root where records, the cache and case ids are anchored.
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { glob } from 'tinyglobby';
import { createNodeHost, toPath } from '../node/host';
import type { FileStore } from '../service/testing/store';
import { CACHE_DIR, commonProjectRoot, excludeGlobs, findProjectRoot, lint, NamedSchemas, ProjectConfigs, RUNS_DIR, SchemaLibraries, schemaProblemSpans, WORKBENCH_DIR, WORKBENCH_GITIGNORE, type ProjectConfig, type SchemaLibrary, type WorkspaceHost } from '../service';
import { fileValueAccess, guardedReader, type FileValueAccess, type ValueReader } from '../service/testing';

export class ConfigFileError extends Error {}

export interface CliProject {
  host: WorkspaceHost;
  /** The project config that applies to the working folder (valid; problems are a ConfigFileError). */
  config?: ProjectConfig;
  configFile?: string;
  /** The named schemas of the project config (`schemas:`), when it has any. */
  schemas?: SchemaLibrary;
  /** Extra skipped folders (`files.exclude`). */
  exclude: readonly string[];
}

/** Reads a project config strictly: any problem is a `ConfigFileError` listing them all. */
export async function readProjectConfig(host: WorkspaceHost, file: string, cwd: string): Promise<ProjectConfig> {
  let text: string;
  try {
    text = await host.readText(pathToFileURL(file).toString());
  } catch (e) {
    throw new ConfigFileError(`Cannot read the lint config ${path.relative(cwd, file) || file}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : e instanceof Error ? e.message : String(e)}.`);
  }
  const { config, problems } = lint.parseLintConfig(text, lint.RULES, file);
  if (problems.length) {
    const shown = path.relative(cwd, file) || file;
    throw new ConfigFileError(`Invalid project config:\n${problems.map((p) => `  ${lint.formatConfigProblem(shown, text, p)}`).join('\n')}\nFix these entries (the keys are described in docs/configuration.md, the rules and levels in docs/rules/README.md).`);
  }
  return config;
}

/** The host and the project config of the working folder. */
export async function cliProject(cwd: string): Promise<CliProject> {
  let exclude: readonly string[] = [];
  const host = createNodeHost({ roots: [cwd], exclude: () => exclude });
  const found = findProjectRoot(cwd, (p) => host.exists(p));
  const config = found.configFile ? await readProjectConfig(host, found.configFile, cwd) : undefined;
  exclude = config?.exclude ?? [];
  const schemas = await configSchemas(host, config, cwd);
  return { host, config, configFile: found.configFile, exclude, ...(schemas ? { schemas } : {}) };
}

/** The named schemas of a project config read by `readProjectConfig` (its `source` is its path), strictly. */
export async function configSchemas(host: WorkspaceHost, config: ProjectConfig | undefined, cwd: string): Promise<SchemaLibrary | undefined> {
  return config?.schemas && config.source ? readSchemas(host, config.source, config.schemas, cwd) : undefined;
}

/** The named schemas of the project config, strictly: a file that cannot be read is a `ConfigFileError`. */
async function readSchemas(host: WorkspaceHost, configFile: string, entries: Record<string, string>, cwd: string): Promise<SchemaLibrary> {
  const loaded = await new SchemaLibraries().load(pathToFileURL(configFile).toString(), entries, (uri) => host.readText(uri));
  if (!loaded) return new NamedSchemas();
  if (loaded.problems.length) {
    const shown = path.relative(cwd, configFile) || configFile;
    const text = await host.readText(pathToFileURL(configFile).toString());
    throw new ConfigFileError(`Invalid project config:\n${schemaProblemSpans(text, loaded.problems).map((p) => `  ${lint.formatConfigProblem(shown, text, { ...p })}`).join('\n')}\nFix these entries (\`schemas:\` is described in docs/configuration.md).`);
  }
  return loaded.library;
}

/**
 * Files, folders and globs given on the command line as sorted absolute paths: a folder is
 * searched with `folderGlobs`, a glob is kept to names that `accept`s; the project's skip list
 * applies to both. None found for an argument is an error with `hint`.
 */
export async function expandArguments(inputs: readonly string[], cwd: string, project: CliProject, folderGlobs: readonly string[], accept: (file: string) => boolean, noneFound: (input: string) => Error): Promise<string[]> {
  const files = new Set<string>();
  const ignore = excludeGlobs(project.exclude);
  for (const input of inputs) {
    const abs = path.resolve(cwd, input);
    const info = await project.host.stat(abs);
    let matched: string[];
    if (info?.isDirectory) matched = (await project.host.findFiles(folderGlobs, { roots: [abs] })).map((u) => toPath(u)!);
    else if (info) matched = [abs];
    else matched = (await glob(input, { cwd, absolute: true, ignore })).filter(accept);
    if (!matched.length) throw noneFound(input);
    for (const f of matched) files.add(path.normalize(f));
  }
  return [...files].sort();
}

export interface RunLocations {
  /** The project root: case ids and record paths are relative to it. */
  root: string;
  rootUri: string;
  recordsDir: string;
  cacheDir: string;
}

/**
 * Where a run over these fixture files keeps its records and cache, and what its ids are relative
 * to: the project root of the files (run from any folder, the same files give the same root).
 * Options given on the command line are relative to the working folder, as users expect.
 */
export function runLocations(files: readonly string[], cwd: string, host: WorkspaceHost, given: { recordsDir?: string; cacheDir?: string } = {}): RunLocations {
  const root = commonProjectRoot(files, (p) => host.exists(p), cwd);
  return {
    root,
    rootUri: pathToFileURL(root).toString(),
    recordsDir: given.recordsDir ? path.resolve(cwd, given.recordsDir) : path.join(root, ...RUNS_DIR.split('/')),
    cacheDir: given.cacheDir ? path.resolve(cwd, given.cacheDir) : path.join(root, ...CACHE_DIR.split('/')),
  };
}

/** Writes `.prompt-workbench/.gitignore` (ignoring `cache/`) when `dir` is the tool's folder and has none, as pytest does for its cache. */
export async function ensureWorkbenchGitignore(host: WorkspaceHost, dir: string): Promise<void> {
  if (path.basename(dir) !== WORKBENCH_DIR) return;
  const file = path.join(dir, '.gitignore');
  if (host.exists(file)) return;
  await host.writeText(file, WORKBENCH_GITIGNORE).catch(() => undefined);
}

/** The host's store for a folder under `.prompt-workbench/`, which writes the folder's `.gitignore` before its first file. */
export function workbenchStore(host: WorkspaceHost, dir: string): FileStore {
  const store = host.store(dir);
  let ready: Promise<void> | undefined;
  return {
    ...store,
    location: store.location,
    async writeAtomic(name, text) {
      await (ready ??= ensureWorkbenchGitignore(host, path.dirname(dir)));
      await store.writeAtomic(name, text);
    },
  };
}

/**
 * What the fixture files' `file://` values may read on the command line: the project root of
 * each fixture file (the working folder when it has neither a project config nor a git
 * repository) plus `fixtures.allow` of its project config. The command line runs the files you
 * point it at, so it is always "trusted"; the root and the size cap still apply.
 */
export function cliFileValues(project: CliProject, cwd: string): { access: FileValueAccess; read: ValueReader } {
  const configs = new ProjectConfigs(project.host);
  const access = fileValueAccess(project.host, { trusted: true, configFor: (file) => configs.configFor(file), fallback: cwd });
  return { access, read: guardedReader(access) };
}
