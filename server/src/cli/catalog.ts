// `prompt-workbench catalog`: the inventory of every prompt file (every registered format) with its
// owner, lifecycle status, model, tokens, cost per run, test verdict on the current text and last
// change; the lifecycle rules run over the rows, and an error-level finding exits with 1, so CI can
// gate releases. `catalog --audit FILE` prints one prompt's audit trail.
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { pathToFileURL } from 'node:url';
import { catalog as cat, findProjectRoot, lint, promptFileGlobs } from '../service';
import { engineBuildId } from '../node/buildId';
import { cliProject, expandArguments } from './project';

/** The row cache's default folder under the project root (`--cache`). */
const CACHE_DIR = path.join('.prompt-workbench', 'cache');

export const CATALOG_USAGE = `  catalog [paths or globs...] The prompt catalogue: every prompt file (all formats) with
                             name, format, owner (the file's, else CODEOWNERS), status
                             (the file's, else the project config's catalog.defaults, else
                             draft), version, model, tokens, cost per run, the test verdict
                             on the current text (run records) and the last change (git).
                             Runs the lifecycle rules; exit 1 on an error-level finding.
      --format text|json|markdown|csv
                             Output format (default: text).
      --status S             Only prompts with status S (repeat or comma-separate).
      --owner O              Only prompts owned by O (none: without owner).
      --kind F               Only prompts of format F (dotprompt, prompty, github-models,
                             any registered format; repeat or comma-separate)
                             (\`--format\` is the output format).
      --base REV             The revision lifecycle rules compare with (default: HEAD for
                             a file with uncommitted changes, else HEAD~1).
      --records DIR          Run records folder (default .prompt-workbench/runs).
      --no-git               Skip git (last change and the rules that need history).
      --cache                Keep the rows between runs: a file whose text has not changed
                             is not parsed again (rows of another version of the CLI, other
                             settings or another CODEOWNERS are never used).
      --cache-location DIR   The row cache's folder (default .prompt-workbench/cache, which
                             gets a .gitignore: never commit it).
      --preset P             Rule preset (recommended or strict).
      --audit FILE           The audit trail of one prompt: each version's commit, date,
                             author, summary, status change and the run records that
                             tested it (--format text or json).`;

export class CatalogUsageError extends Error {}

function list(values: string[] | undefined): string[] | undefined {
  const out = (values ?? []).flatMap((v) => v.split(',')).map((v) => v.trim()).filter(Boolean);
  return out.length ? out : undefined;
}

export async function catalogCommand(argv: string[], cwd: string, stdout: NodeJS.WritableStream, stderr: NodeJS.WritableStream): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      format: { type: 'string', default: 'text' },
      status: { type: 'string', multiple: true },
      owner: { type: 'string', multiple: true },
      kind: { type: 'string', multiple: true },
      base: { type: 'string' },
      records: { type: 'string' },
      'no-git': { type: 'boolean', default: false },
      cache: { type: 'boolean', default: false },
      'cache-location': { type: 'string' },
      preset: { type: 'string' },
      audit: { type: 'string' },
    },
  });
  const format = values.format as cat.CatalogFormat;
  if (!(cat.CATALOG_FORMATS as readonly string[]).includes(format)) throw new CatalogUsageError(`Unknown format "${values.format}". Use --format ${cat.CATALOG_FORMATS.join(', ')} (filter by prompt format with --kind).`);
  if (values.preset !== undefined && !lint.isPreset(values.preset)) throw new CatalogUsageError(`Unknown preset "${values.preset}". Use --preset ${lint.PRESETS.join(' or ')}.`);
  const project = await cliProject(cwd);
  const host = project.host;
  const found = findProjectRoot(cwd, (p) => host.exists(p));
  const root = found.reason === 'start' ? cwd : found.root;
  const recordsDir = values.records ? path.resolve(cwd, values.records) : undefined;
  const config = project.config?.catalog;
  const git = !values['no-git'];

  if (values.audit !== undefined) {
    if (format !== 'text' && format !== 'json') throw new CatalogUsageError('--audit prints text or JSON: use --format text or --format json.');
    const file = path.resolve(cwd, values.audit);
    if (!(await host.stat(file))?.isFile && !cat.isCatalogued(file)) throw new CatalogUsageError(`No prompt file "${values.audit}".`);
    const catalog = new cat.Catalog({ root, config, tokens: false });
    const records = await cat.readRecords(host, root, recordsDir);
    const working = await host.readText(pathToFileURL(file).toString()).catch(() => undefined);
    try {
      const trail = await cat.auditTrail(host.git, file, catalog, records, working, pathToFileURL(file).toString());
      stdout.write(cat.formatAudit(trail, format === 'json'));
      return 0;
    } catch (e) {
      stderr.write(`prompt-workbench: no git history for ${values.audit}: ${e instanceof Error ? e.message : String(e)}\n`);
      return 2;
    }
  }

  const kinds = list(values.kind);
  const unknownKind = kinds?.find((k) => !cat.catalogFormatIds().includes(k));
  if (unknownKind) throw new CatalogUsageError(`Unknown prompt format "${unknownKind}" for --kind. Use ${cat.catalogFormatIds().join(', ')}.`);
  const files = positionals.length
    ? await expandArguments(positionals, cwd, project, promptFileGlobs(), (f) => cat.isCatalogued(f), (input) => new CatalogUsageError(`No prompt files found for "${input}".`))
    : undefined;
  const cacheDir = values.cache || values['cache-location'] !== undefined ? path.resolve(cwd, values['cache-location'] ?? path.join(root, CACHE_DIR)) : undefined;
  if (cacheDir && values['cache-location'] === undefined && !host.exists(path.join(cacheDir, '.gitignore'))) {
    // The default folder sits in the repository: it keeps itself out of git.
    await host.store(cacheDir).writeAtomic('.gitignore', '# prompt-workbench catalog --cache: rows of this machine, never committed\n*\n').catch(() => undefined);
  }
  const catalog = await cat.loadCatalog(host, root, { config, recordsDir, roots: [cwd], files: files?.map((f) => pathToFileURL(f).toString()), cache: cacheDir ? { dir: cacheDir, build: engineBuildId() } : undefined });
  const report = catalog.rowCacheReport;
  if (report?.ignored) stderr.write(`prompt-workbench: the row cache in ${cacheDir} was not used (${report.ignored}); it is written again.\n`);
  if (report?.writeError) stderr.write(`prompt-workbench: could not write the row cache in ${cacheDir} (${report.writeError}); the next run parses every file again.\n`);
  const rows = cat.filterEntries(catalog.entries(), { status: list(values.status), owner: list(values.owner), format: kinds });
  if (git) await cat.loadLastChanges(host, catalog, { uris: rows.map((r) => r.uri) });
  const lintConfig = lint.resolveLintConfig(lint.RULES, project.config, values.preset ? { preset: values.preset } : undefined);
  const workspace: cat.LifecycleWorkspace = git ? cat.hostLifecycleWorkspace(host, catalog, { base: values.base, uris: rows.map((r) => r.uri) }) : { previousText: async () => undefined, references: cat.hostLifecycleWorkspace(host, catalog).references };
  let findings: Awaited<ReturnType<typeof cat.lifecycleFindings>>;
  try {
    findings = await cat.lifecycleFindings(catalog, workspace, { lint: lintConfig, config, uris: rows.map((r) => r.uri) });
  } finally {
    workspace.close?.();
  }
  stdout.write(cat.formatCatalog(rows, format, findings));
  return findings.some((f) => f.level === 'error') ? 1 : 0;
}
