// The server's view of the lint configuration files: finds the `.promptlintrc.yaml` that applies
// to a prompt (nearest one up to its workspace folder), reads it from the open editor when it is
// open (so edits apply live) or from disk, and caches the parse until a config file changes.
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Diagnostic } from 'vscode-languageserver-types';
import { lint } from './service';
import { toLspDiagnostic } from './service/diagnostic';
import { LineIndex } from './service/text';

export interface ConfigSource {
  /** The text of an open document, if the editor has it open. */
  openText(uri: string): string | undefined;
}

export class LintConfigFiles {
  private readonly parsed = new Map<string, lint.LintConfigFile | null>();
  private readonly found = new Map<string, string | null>();

  constructor(
    private readonly source: ConfigSource,
    private readonly workspaceFolders: () => string[],
    private readonly log: (message: string) => void,
  ) {}

  /** Forget everything (a config file changed, appeared or went away). */
  clear(): void {
    this.parsed.clear();
    this.found.clear();
  }

  private folderOf(file: string): string | undefined {
    let best: string | undefined;
    for (const uri of this.workspaceFolders()) {
      if (!uri.startsWith('file:')) continue;
      const dir = fileURLToPath(uri);
      if ((file === dir || file.startsWith(dir.endsWith(path.sep) ? dir : dir + path.sep)) && (!best || dir.length > best.length)) best = dir;
    }
    return best;
  }

  /** The config file for a prompt URI, parsed; undefined when none applies (or it is not a file URI). */
  configFor(uri: string): lint.LintConfigFile | undefined {
    if (!uri.startsWith('file:')) return undefined;
    let file: string;
    try {
      file = fileURLToPath(uri);
    } catch {
      return undefined;
    }
    const dir = path.dirname(file);
    let configPath = this.found.get(dir);
    if (configPath === undefined) {
      configPath = lint.findLintConfig(dir, this.folderOf(file), (p) => this.source.openText(pathToFileURL(p).toString()) !== undefined || existsSync(p)) ?? null;
      this.found.set(dir, configPath);
    }
    if (!configPath) return undefined;
    let parsed = this.parsed.get(configPath);
    if (parsed === undefined) {
      parsed = this.read(configPath);
      this.parsed.set(configPath, parsed);
    }
    return parsed ?? undefined;
  }

  private read(configPath: string): lint.LintConfigFile | null {
    const uri = pathToFileURL(configPath).toString();
    let text = this.source.openText(uri);
    if (text === undefined) {
      try {
        text = readFileSync(configPath, 'utf8');
      } catch (e) {
        this.log(`Cannot read ${configPath}: ${e instanceof Error ? e.message : String(e)}`);
        return null;
      }
    }
    const { config, problems } = lint.parseLintConfig(text, lint.RULES, configPath);
    // Valid entries still apply; the problems show in the config file itself when it is open.
    if (problems.length) this.log(`${configPath}: ${problems.length} problem(s); the valid entries apply. ${problems.map((p) => lint.formatConfigProblem(configPath, text!, p)).join(' | ')}`);
    return config;
  }
}

/** The `docs/rules/` folder of the installed extension (dist/server.js -> ../docs/rules/) as a URI prefix. */
export function docsBaseUri(): string {
  return `${pathToFileURL(path.resolve(__dirname, '..', 'docs', 'rules')).toString()}/`;
}

/** A config file's own problems as LSP diagnostics (code `lint-config`), for the open file. */
export function configFileDiagnostics(text: string, source?: string): Diagnostic[] {
  const { problems } = lint.parseLintConfig(text, lint.RULES, source);
  const lines = new LineIndex(text);
  return problems.map((p) => toLspDiagnostic({ code: 'lint-config', severity: p.severity, message: p.message, span: p.span }, lines));
}
