// The headless command line: the same engine as the editor, for scripts and CI.
//   prompt-workbench lint [paths or globs] [--format text|json] [--max-warnings N] [--quiet]
//   prompt-workbench tokens [paths or globs] [--model M] [--json]
//   prompt-workbench schema
//   prompt-workbench diff <prompt> [rev-a] [rev-b] [--json]
import { readFile, stat } from 'node:fs/promises';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { glob } from 'tinyglobby';
import { pathToFileURL } from 'node:url';
import { frontmatterJsonSchema, parsePromptDocument, PartialIndex, promptDiagnostics, type PromptDiagnostic } from '../service';
import { tokenDiagnostics } from '../service/tokens';
import { diffCommand, DiffUsageError } from './diff';
import { tokensCommand } from './tokens';

const VERSION = '0.1.0';
const USAGE = `Usage: prompt-workbench <command> [options]

Commands:
  lint [paths or globs...]   Check .prompt files (frontmatter schema, YAML, template syntax).
                             Directories are searched for *.prompt. Default: the current folder.
      --format text|json     Output format (default: text).
      --max-warnings N       Exit with 1 when there are more than N warnings.
      --quiet                Report errors only.
      --model M              Check context budgets against model M instead of each
                             prompt's \`model:\`.
  tokens [paths or globs...] Token counts per message, template and rendered (with
                             input.default) totals, model, share of the context window
                             and the cost of one run. ≈ marks estimates (models without
                             a public tokenizer). Exit 1 when a prompt overflows its window.
      --model M              Count for model M instead of each prompt's \`model:\`.
      --json                 JSON output (also: --format json).
  schema                     Print the JSON Schema of the Dotprompt frontmatter.
  diff <prompt> [rev-a] [rev-b]
                             What changed between two versions of a prompt: model,
                             parameters, variables, messages by role, tokens. Revisions
                             are git revisions (HEAD~1, a hash, a tag) or "working" (the
                             file on disk, the default for rev-b). Without revisions: the
                             uncommitted changes, else the last commit that touched it.
      --json                 JSON output.

Options:
  -h, --help                 Show this help.
  -v, --version              Show the version.

Exit codes: 0 no errors, 1 errors found (or too many warnings), 2 usage or file errors.`;

class UsageError extends Error {}

interface FileResult {
  file: string;
  diagnostics: { line: number; column: number; endLine: number; endColumn: number; severity: PromptDiagnostic['severity']; code: string; message: string }[];
}

async function expand(inputs: string[], cwd: string): Promise<string[]> {
  const files = new Set<string>();
  for (const input of inputs) {
    const abs = path.resolve(cwd, input);
    const info = await stat(abs).catch(() => undefined);
    let matched: string[];
    if (info?.isDirectory()) {
      matched = await glob('**/*.prompt', { cwd: abs, absolute: true, ignore: ['**/node_modules/**', '**/.git/**'] });
    } else if (info?.isFile()) {
      matched = [abs];
    } else {
      matched = await glob(input, { cwd, absolute: true, ignore: ['**/node_modules/**', '**/.git/**'] });
    }
    if (!matched.length) throw new UsageError(`No .prompt files found for "${input}". Pass a file, a folder or a glob such as "prompts/**/*.prompt".`);
    for (const f of matched) files.add(path.normalize(f));
  }
  return [...files].sort();
}

/** The partials (`_name.prompt`) under the working folder and the folders of the given files. */
async function loadPartials(files: string[], cwd: string): Promise<PartialIndex> {
  const index = new PartialIndex();
  const roots = new Set([cwd, ...files.map((f) => path.dirname(f))]);
  for (const root of roots) {
    for (const p of await glob('**/_*.prompt', { cwd: root, absolute: true, ignore: ['**/node_modules/**', '**/.git/**'] })) {
      const uri = pathToFileURL(p).toString();
      index.set(uri, await readFile(p, 'utf8'));
    }
  }
  return index;
}

async function lintFile(file: string, partials: PartialIndex, model?: string): Promise<FileResult> {
  const text = await readFile(file, 'utf8');
  const doc = parsePromptDocument(text, pathToFileURL(file).toString());
  return {
    file,
    diagnostics: [...promptDiagnostics(doc, { partials }), ...tokenDiagnostics(doc, { model })]
      .map((d) => {
        const s = doc.lines.positionAt(d.span.start);
        const e = doc.lines.positionAt(d.span.end);
        return { line: s.line + 1, column: s.character + 1, endLine: e.line + 1, endColumn: e.character + 1, severity: d.severity, code: d.code, message: d.message };
      })
      .sort((a, b) => a.line - b.line || a.column - b.column),
  };
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
  out.write(total ? `${total} problem${total === 1 ? '' : 's'} (${errors} error${errors === 1 ? '' : 's'}, ${warnings} warning${warnings === 1 ? '' : 's'}${other ? `, ${other} other` : ''}) in ${results.length} file${results.length === 1 ? '' : 's'}\n` : `No problems in ${results.length} file${results.length === 1 ? '' : 's'}.\n`);
}

export async function main(argv: string[], cwd = process.cwd(), stdout: NodeJS.WritableStream = process.stdout, stderr: NodeJS.WritableStream = process.stderr): Promise<number> {
  try {
    const { values, positionals } = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        format: { type: 'string', default: 'text' },
        'max-warnings': { type: 'string' },
        quiet: { type: 'boolean', default: false },
        model: { type: 'string' },
        json: { type: 'boolean', default: false },
        tests: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
        version: { type: 'boolean', short: 'v', default: false },
      },
    });
    if (values.version) {
      stdout.write(`${VERSION}\n`);
      return 0;
    }
    const [command, ...rest] = positionals;
    if (values.help || !command) {
      (command || values.help ? stdout : stderr).write(`${USAGE}\n`);
      return values.help ? 0 : 2;
    }
    if (command === 'schema') {
      stdout.write(`${JSON.stringify(frontmatterJsonSchema(), null, 2)}\n`);
      return 0;
    }
    if (command === 'diff') {
      try {
        return await diffCommand(rest, { json: values.json || values.format === 'json', tests: values.tests }, cwd, stdout);
      } catch (e) {
        if (e instanceof DiffUsageError) throw new UsageError(e.message);
        throw e;
      }
    }
    if (command === 'tokens') {
      if (values.format !== 'text' && values.format !== 'json') throw new UsageError(`Unknown format "${values.format}". Use --json or --format json.`);
      const files = await expand(rest.length ? rest : ['.'], cwd);
      return await tokensCommand(files, { model: values.model, json: values.json || values.format === 'json', partials: await loadPartials(files, cwd) }, cwd, stdout);
    }
    if (command !== 'lint') throw new UsageError(`Unknown command "${command}". Run "prompt-workbench --help" for the list of commands.`);
    if (values.format !== 'text' && values.format !== 'json') throw new UsageError(`Unknown format "${values.format}". Use --format text or --format json.`);
    if (values.json) values.format = 'json';
    let maxWarnings = Infinity;
    if (values['max-warnings'] !== undefined) {
      maxWarnings = Number(values['max-warnings']);
      if (!Number.isInteger(maxWarnings) || maxWarnings < 0) throw new UsageError(`--max-warnings needs a whole number of 0 or more; got "${values['max-warnings']}".`);
    }
    const files = await expand(rest.length ? rest : ['.'], cwd);
    const results: FileResult[] = [];
    const partials = await loadPartials(files, cwd);
    for (const file of files) {
      try {
        const r = await lintFile(file, partials, values.model);
        if (values.quiet) r.diagnostics = r.diagnostics.filter((d) => d.severity === 'error');
        results.push(r);
      } catch (e) {
        throw new UsageError(`Cannot read ${path.relative(cwd, file)}: ${e instanceof Error ? e.message : String(e)}`);
      }
    }
    if (values.format === 'json') stdout.write(`${JSON.stringify(results.map((r) => ({ ...r, file: path.relative(cwd, r.file) })), null, 2)}\n`);
    else printText(results, cwd, stdout);
    const all = results.flatMap((r) => r.diagnostics);
    const errors = all.filter((d) => d.severity === 'error').length;
    const warnings = all.filter((d) => d.severity === 'warning').length;
    if (warnings > maxWarnings) stderr.write(`Too many warnings: ${warnings} (maximum ${maxWarnings}).\n`);
    return errors > 0 || warnings > maxWarnings ? 1 : 0;
  } catch (e) {
    if (e instanceof UsageError || (e as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      stderr.write(`prompt-workbench: ${(e as Error).message}\n`);
      return 2;
    }
    stderr.write(`prompt-workbench: unexpected error: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    return 2;
  }
}

if (require.main === module) {
  // `prompt-workbench tokens | head`: a closed pipe ends the program quietly, as other CLIs do.
  process.stdout.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw e;
  });
  void main(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
