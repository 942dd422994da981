// `prompt-workbench lint`: the engine's diagnostics and lint rules over files, with the same
// `.promptlintrc.yaml` the editor reads; text, JSON or SARIF 2.1.0; GitHub Actions annotations
// when GITHUB_ACTIONS=true. Exit 0 (clean), 1 (errors, or more warnings than --max-warnings),
// 2 (usage or config errors).
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { completePromptDiagnostics, findProjectRoot, lint, parseDocument, type PartialIndex, type PromptDiagnostic, type SchemaLibrary, type WorkspaceHost } from '../service';
import { ConfigFileError, configSchemas, readProjectConfig } from './project';
import { toSarif, type SarifFinding } from '../service/lint/sarif';
import { AgentFiles, agentInfo, agentSetDiagnostics } from '../service/agents';

export type LintFormat = 'text' | 'json' | 'sarif';
export const LINT_FORMATS: readonly LintFormat[] = ['text', 'json', 'sarif'];

export interface LintCommandOptions {
  format: LintFormat;
  maxWarnings: number;
  quiet: boolean;
  /** `--model`: check context budgets against this model. */
  model?: string;
  /** `--config`: this config file for every prompt, instead of the nearest one. */
  config?: string;
  /** `--preset`: the preset instead of the config file's `preset:`. */
  preset?: lint.Preset;
  partials: PartialIndex;
  version: string;
  /** The workspace host (reads, file existence). */
  host: WorkspaceHost;
  /** The environment (GITHUB_ACTIONS). */
  env?: Record<string, string | undefined>;
}

export interface FileResult {
  file: string;
  diagnostics: { line: number; column: number; endLine: number; endColumn: number; severity: PromptDiagnostic['severity']; code: string; message: string }[];
}


/** The rule pages: next to the bundle (dist/cli.js -> docs/rules) or the sources (server/src/cli -> docs/rules). */
export function docsDir(): string | undefined {
  for (const dir of [path.resolve(__dirname, '..', 'docs', 'rules'), path.resolve(__dirname, '..', '..', '..', 'docs', 'rules')]) {
    if (existsSync(path.join(dir, 'README.md'))) return dir;
  }
  return undefined;
}

/** GitHub Actions workflow commands escape `%`, CR and LF in messages, and also `:` and `,` in properties. */
function escapeData(s: string): string {
  return s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}
function escapeProperty(s: string): string {
  return escapeData(s).replace(/:/g, '%3A').replace(/,/g, '%2C');
}

export function githubAnnotations(results: FileResult[], cwd: string): string {
  let out = '';
  for (const r of results) {
    const file = path.relative(cwd, r.file).split(path.sep).join('/');
    for (const d of r.diagnostics) {
      const command = d.severity === 'error' ? 'error' : d.severity === 'warning' ? 'warning' : 'notice';
      out += `::${command} file=${escapeProperty(file)},line=${d.line},col=${d.column},endLine=${d.endLine},endColumn=${d.endColumn},title=${escapeProperty(d.code)}::${escapeData(d.message)}\n`;
    }
  }
  return out;
}

function printText(results: FileResult[], cwd: string, out: NodeJS.WritableStream): void {
  let errors = 0;
  let warnings = 0;
  let other = 0;
  for (const r of results) {
    if (!r.diagnostics.length) continue;
    out.write(`${path.relative(cwd, r.file) || r.file}\n`);
    for (const d of r.diagnostics) {
      if (d.severity === 'error') errors++;
      else if (d.severity === 'warning') warnings++;
      else other++;
      out.write(`  ${`${d.line}:${d.column}`.padEnd(8)} ${d.severity.padEnd(8)} ${d.message}  ${d.code}\n`);
    }
    out.write('\n');
  }
  const total = errors + warnings + other;
  const files = `${results.length} file${results.length === 1 ? '' : 's'}`;
  out.write(total ? `${total} problem${total === 1 ? '' : 's'} (${errors} error${errors === 1 ? '' : 's'}, ${warnings} warning${warnings === 1 ? '' : 's'}${other ? `, ${other} other` : ''}) in ${files}\n` : `No problems in ${files}.\n`);
}

export async function lintCommand(files: string[], options: LintCommandOptions, cwd: string, stdout: NodeJS.WritableStream, stderr: NodeJS.WritableStream): Promise<number> {
  // Config files: the one given, or the nearest per folder; all read (and checked) before linting.
  const configs = new Map<string, lint.LintConfigFile | undefined>();
  const resolved = new Map<lint.LintConfigFile | undefined, lint.ResolvedLintConfig>();
  let given: lint.LintConfigFile | undefined;
  const schemasOf = new Map<lint.LintConfigFile, SchemaLibrary | undefined>();
  const host = options.host;
  try {
    if (options.config) given = await readProjectConfig(host, path.resolve(cwd, options.config), cwd);
    const byDir = new Map<string, lint.LintConfigFile | undefined>();
    const parsedFiles = new Map<string, lint.LintConfigFile>();
    for (const file of files) {
      if (given) {
        configs.set(file, given);
        continue;
      }
      const dir = path.dirname(file);
      if (!byDir.has(dir)) {
        // The nearest config file, looked for up to the git root.
        const found = findProjectRoot(dir, (p) => host.exists(p)).configFile;
        if (found && !parsedFiles.has(found)) parsedFiles.set(found, await readProjectConfig(host, found, cwd));
        byDir.set(dir, found ? parsedFiles.get(found) : undefined);
      }
      configs.set(file, byDir.get(dir));
    }
    for (const c of new Set([...configs.values()])) if (c?.schemas) schemasOf.set(c, await configSchemas(host, c, cwd));
  } catch (e) {
    if (e instanceof ConfigFileError) {
      stderr.write(`prompt-workbench: ${e.message}\n`);
      return 2;
    }
    throw e;
  }
  const levelsFor = (c: lint.LintConfigFile | undefined) => {
    let r = resolved.get(c);
    if (!r) resolved.set(c, (r = lint.resolveLintConfig(lint.RULES, c, options.preset ? { preset: options.preset } : undefined)));
    return r;
  };

  const results: FileResult[] = [];
  let agentFiles: AgentFiles | undefined;
  for (const file of files) {
    let text: string;
    try {
      text = await host.readText(pathToFileURL(file).toString());
    } catch (e) {
      stderr.write(`prompt-workbench: Cannot read ${path.relative(cwd, file)}: ${e instanceof Error ? e.message : String(e)}\n`);
      return 2;
    }
    const doc = parseDocument(text, pathToFileURL(file).toString());
    const config = configs.get(file);
    // What the editor gets from settings, the command line gets from the project config.
    const analysis = { partials: options.partials, customHelpers: config?.helpers ?? [], schemas: config ? schemasOf.get(config) : undefined };
    const diagnosticOptions = {
      ...analysis,
      lint: { config: levelsFor(config), tokens: { model: options.model ?? config?.tokens?.model, budget: config?.tokens?.budget, warnAtShare: config?.tokens?.warnAtShare, analysis }, fileExists: async (uri: string) => (await host.stat(uri).catch(() => undefined)) !== undefined },
      onLintError: (rule: string, e: unknown) => stderr.write(`prompt-workbench: rule ${rule} failed on ${path.relative(cwd, file)}: ${e instanceof Error ? e.message : String(e)}\n`),
    };
    let all: Awaited<ReturnType<typeof completePromptDiagnostics>>;
    try {
      all = await completePromptDiagnostics(doc, diagnosticOptions);
    } catch (e) {
      // The engine is built not to throw; if a file still defeats it, name the file and stop cleanly.
      stderr.write(`prompt-workbench: Cannot analyse ${path.relative(cwd, file)}: ${failureMessage(e)}\n`);
      return 2;
    }
    // An agent instruction file: the always-loaded set's budget and the findings across its files.
    if (agentInfo(doc)) {
      const configFile = findProjectRoot(path.dirname(file), (p) => host.exists(p)).configFile;
      const root = configFile ? path.dirname(configFile) : cwd;
      agentFiles ??= new AgentFiles(host);
      const set = await agentFiles.set(pathToFileURL(root).toString(), config?.agents, { model: options.model ?? config?.agents?.model ?? config?.tokens?.model });
      all.push(...agentSetDiagnostics(doc, set, levelsFor(config)));
    }
    const diagnostics = all
      .map((d) => {
        const s = doc.lines.positionAt(d.span.start);
        const e = doc.lines.positionAt(d.span.end);
        return { line: s.line + 1, column: cliColumn(doc.text, s), endLine: e.line + 1, endColumn: cliColumn(doc.text, e), severity: d.severity, code: d.code, message: d.message };
      })
      .filter((d) => !options.quiet || d.severity === 'error')
      .sort((a, b) => a.line - b.line || a.column - b.column);
    results.push({ file, diagnostics });
  }

  const github = options.env?.GITHUB_ACTIONS === 'true';
  if (options.format === 'json') stdout.write(`${JSON.stringify(results.map((r) => ({ ...r, file: path.relative(cwd, r.file) })), null, 2)}\n`);
  else if (options.format === 'sarif') {
    const docs = docsDir();
    const findings: SarifFinding[] = results.flatMap((r) => r.diagnostics.map((d) => ({ ...d, file: path.relative(cwd, r.file).split(path.sep).join('/') })));
    const sarif = toSarif(findings, {
      toolName: 'prompt-workbench',
      toolVersion: options.version,
      srcRoot: `${pathToFileURL(cwd).toString().replace(/\/?$/, '/')}`,
      rules: lint.RULES,
      // One SARIF run has one default level per rule: the first config's (or the built-in one).
      config: levelsFor(given ?? configs.get(files[0])),
      helpUri: (id) => (docs ? pathToFileURL(path.join(docs, `${id}.md`)).toString() : undefined),
      helpMarkdown: (id) => {
        try {
          return docs ? readFileSync(path.join(docs, `${id}.md`), 'utf8') : undefined;
        } catch {
          return undefined;
        }
      },
      checksHelpUri: docs ? pathToFileURL(path.resolve(docs, '..', 'diagnostics.md')).toString() : undefined,
    });
    stdout.write(`${JSON.stringify(sarif, null, 2)}\n`);
  } else printText(results, cwd, stdout);
  // Annotations go with the text report; with JSON or SARIF on stdout they go to stderr, which the
  // Actions runner reads too.
  if (github) (options.format === 'text' ? stdout : stderr).write(githubAnnotations(results, cwd));

  const all = results.flatMap((r) => r.diagnostics);
  const errors = all.filter((d) => d.severity === 'error').length;
  const warnings = all.filter((d) => d.severity === 'warning').length;
  if (warnings > options.maxWarnings) stderr.write(`Too many warnings: ${warnings} (maximum ${options.maxWarnings}).\n`);
  return errors > 0 || warnings > options.maxWarnings ? 1 : 0;
}

/**
 * The 1-based column an editor shows for a position. A UTF-8 byte order mark is not a character
 * of the line for editors (VS Code drops it from the text it sends the server), but it is one in
 * the file as read here: on the first line, it does not count.
 */
export function cliColumn(text: string, position: { line: number; character: number }): number {
  return position.character + (position.line === 0 && text.charCodeAt(0) === 0xfeff ? 0 : 1);
}

/** A one-line explanation of an unexpected engine failure, without a stack trace. */
export function failureMessage(e: unknown): string {
  if (e instanceof RangeError && /call stack/i.test(e.message)) return 'the file is nested too deeply to analyse (the engine ran out of stack). Please report it with the file.';
  return `${e instanceof Error ? e.message : String(e)}. Please report it with the file.`;
}
