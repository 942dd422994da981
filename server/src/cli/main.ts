// The headless command line: the same engine as the editor, for scripts and CI.
//   prompt-workbench lint [paths or globs] [--format text|json|sarif] [--max-warnings N] [--quiet] [--config F] [--preset P]
//   prompt-workbench tokens [paths or globs] [--model M] [--json]
//   prompt-workbench test --estimate [paths or globs] [--provider P] [--repeat N] [--json]
//   prompt-workbench schema
//   prompt-workbench diff <prompt> [rev-a] [rev-b] [--json] [--tests] [--text]   (see cli/diff.ts)
//   prompt-workbench replay <record.jsonl> [--case ID] [--model M]   (see cli/replay.ts)
//   prompt-workbench history <prompt> [--limit N] [--format text|json]   (see cli/history.ts)
//   prompt-workbench report [records...] [--html FILE] [--json] [--merge ...]   (see cli/report.ts)
//   prompt-workbench catalog [paths] [--format text|json|markdown|csv] [--status S] [--owner O] [--kind F] [--audit FILE]   (see cli/catalog.ts)
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { formatById, frontmatterJsonSchema, lint, loadPartialIndex, promptFileGlobs, registeredFormats, type PartialIndex } from '../service';
import { createNodeHost } from '../node/host';
import { cliProject, ConfigFileError, expandArguments, type CliProject } from './project';
import { DIFF_USAGE, diffMain, DiffUsageError } from './diff';
import { failureMessage, LINT_FORMATS, lintCommand, type LintFormat } from './lint';
import { agentsTokensCommand, tokensCommand } from './tokens';
import { AGENTS_ID } from '../service/agents';
import { TEST_USAGE, testCommand, TestUsageError } from './test';
import { estimateCommand } from './estimate';
import { REPLAY_USAGE, replayMain, ReplayUsageError } from './replay';
import { HISTORY_USAGE, historyMain, HistoryUsageError } from './history';
import { runRecordJsonSchema } from '../service/testing/records';
import { REPORT_USAGE, reportCommand, ReportUsageError } from './report';
import { CATALOG_USAGE, catalogCommand, CatalogUsageError } from './catalog';
import { VERSION } from '../version';

const USAGE = `Usage: prompt-workbench <command> [options]

Commands:
  lint [paths or globs...]   Check prompt files: .prompt and .prompty (frontmatter schema,
                             YAML, template syntax) and GitHub Models .prompt.yml / .prompt.yaml
                             and run the lint rules (docs/rules/README.md), configured by the
                             nearest .promptlintrc.yaml. Directories are searched for every
                             prompt format's files (*.prompt, *.prompty, *.prompt.yml,
                             *.prompt.yaml).
                             Default: the current folder.
      --format text|json|sarif
                             Output format (default: text). sarif: SARIF 2.1.0 for GitHub
                             code scanning.
      --max-warnings N       Exit with 1 when there are more than N warnings.
      --quiet                Report errors only.
      --config FILE          Use this lint config for every prompt instead of the nearest
                             .promptlintrc.yaml (an invalid config exits with 2).
      --preset P             The rule set the config's \`rules:\` start from, instead of its
                             \`preset:\`: recommended (the default; warnings only from rules
                             that are almost always right) or strict (every rule, none
                             below warning).
      --model M              Check context budgets against model M instead of each
                             prompt's \`model:\`.
      With GITHUB_ACTIONS=true, findings are also written as workflow annotations
      (on stdout with --format text, on stderr with json or sarif).
  tokens [paths or globs...] Token counts per message, template and rendered (with
                             input.default) totals, model, share of the context window
                             and the cost of one run. ≈ marks estimates (models without
                             a public tokenizer). Exit 1 when a prompt overflows its window.
      --model M              Count for model M instead of each prompt's \`model:\`.
      --json                 JSON output (also: --format json).
      --agents [folder]      The agent instruction files (AGENTS.md, *.instructions.md,
                             CLAUDE.md, .cursor/rules/*.mdc, ...) under the folder (the
                             project root by default): kind, when each loads, tokens, and
                             the always-loaded set against agents.budget (exit 1 over it).
${TEST_USAGE}
  schema [format]            Print the JSON Schema of a format's frontmatter: dotprompt
                             (the default) or prompty (version 2); \`schema run-record\`:
                             one line of a run record (schemas/run-record.schema.json).
${DIFF_USAGE}
${HISTORY_USAGE}
${REPLAY_USAGE}
${REPORT_USAGE}
${CATALOG_USAGE}

Options:
  -h, --help                 Show this help.
  -v, --version              Show the version.

Exit codes: 0 no errors, 1 errors found (or too many warnings), 2 usage, file or lint config errors.`;

class UsageError extends Error {}


async function expand(inputs: string[], cwd: string, project: CliProject): Promise<string[]> {
  // Folders are searched for every registered format's files.
  return expandArguments(inputs, cwd, project, promptFileGlobs(), () => true, (input) => new UsageError(`No prompt files (${fileNames()}) found for "${input}". Pass a file, a folder or a glob such as "prompts/**/*.prompt".`));
}

/** The file names the doors search for, as people say them: each format's globs, the agent instruction files by their best-known names. */
function fileNames(): string {
  const prompts = registeredFormats().filter((f) => f.id !== AGENTS_ID).flatMap((f) => f.filePatterns.filter((g) => !/(^|\/)\./.test(g)).map((g) => g.replace(/^\*\*\//, '')));
  return `${[...new Set(prompts)].join(', ')}, or agent instruction files: AGENTS.md, *.instructions.md, CLAUDE.md, ...`;
}

/** The partials (`_name.prompt`) under the working folder and the folders of the given files. */
function loadPartials(files: string[], cwd: string, project: CliProject): Promise<PartialIndex> {
  return loadPartialIndex(project.host, [...new Set([cwd, ...files.map((f) => path.dirname(f))])]);
}

export async function main(argv: string[], cwd = process.cwd(), stdout: NodeJS.WritableStream = process.stdout, stderr: NodeJS.WritableStream = process.stderr): Promise<number> {
  try {
    // `test --estimate` sends nothing: it counts and prices the suites (see cli/estimate.ts).
    if (argv[0] === 'test' && argv.includes('--estimate') && !argv.includes('--help') && !argv.includes('-h')) return await estimateCommand(argv.slice(1), cwd, stdout);
    // `test` has options of its own (see cli/test.ts).
    if (argv[0] === 'test' && !argv.includes('--help') && !argv.includes('-h')) return await testCommand(argv.slice(1), cwd, stdout, stderr);
    // `catalog` has options of its own (see cli/catalog.ts).
    if (argv[0] === 'catalog' && !argv.includes('--help') && !argv.includes('-h')) return await catalogCommand(argv.slice(1), cwd, stdout, stderr);
    // `diff` has options of its own (see cli/diff.ts).
    if (argv[0] === 'diff' && !argv.includes('--help') && !argv.includes('-h')) {
      try {
        return await diffMain(argv.slice(1), cwd, stdout);
      } catch (e) {
        if (e instanceof DiffUsageError) throw new UsageError(e.message);
        throw e;
      }
    }
    // `replay` and `history` have options of their own (see cli/replay.ts, cli/history.ts).
    if (argv[0] === 'replay' && !argv.includes('--help') && !argv.includes('-h')) return await replayMain(argv.slice(1), cwd, stdout, stderr);
    if (argv[0] === 'history' && !argv.includes('--help') && !argv.includes('-h')) return await historyMain(argv.slice(1), cwd, stdout);
    // `report` has options of its own (see cli/report.ts).
    if (argv[0] === 'report' && !argv.includes('--help') && !argv.includes('-h')) return await reportCommand(argv.slice(1), cwd, stdout, stderr);
    const { values, positionals } = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        format: { type: 'string', default: 'text' },
        agents: { type: 'boolean', default: false },
        'max-warnings': { type: 'string' },
        quiet: { type: 'boolean', default: false },
        model: { type: 'string' },
        config: { type: 'string' },
        preset: { type: 'string' },
        json: { type: 'boolean', default: false },
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
      // `schema` is Dotprompt's frontmatter; `schema prompty` another format's, by its id;
      // `schema run-record` one line of a run record.
      const id = rest[0] ?? 'dotprompt';
      if (id === 'run-record') {
        stdout.write(`${JSON.stringify(runRecordJsonSchema(), null, 2)}\n`);
        return 0;
      }
      const format = formatById(id);
      if (!format?.schema) throw new UsageError(`No frontmatter schema for "${id}". Use ${registeredFormats().filter((f) => f.schema).map((f) => f.id).join(' or ')}.`);
      stdout.write(`${JSON.stringify(id === 'dotprompt' ? frontmatterJsonSchema() : format.schema.jsonSchema(), null, 2)}\n`);
      return 0;
    }
    if (command === 'tokens') {
      if (values.format !== 'text' && values.format !== 'json') throw new UsageError(`Unknown format "${values.format}". Use --json or --format json.`);
      const project = await cliProject(cwd);
      if (values.agents) {
        if (rest.length > 1) throw new UsageError('`tokens --agents` takes one folder (default: the project root).');
        const root = rest[0] ? path.resolve(cwd, rest[0]) : project.configFile ? path.dirname(project.configFile) : cwd;
        // --model wins over agents.model, which wins over tokens.model: the set counts for the config's model, so it gets the one chosen here.
        const model = values.model ?? project.config?.agents?.model ?? project.config?.tokens?.model;
        return await agentsTokensCommand(root, { host: project.host, config: { ...project.config?.agents, model }, model, json: values.json || values.format === 'json' }, stdout);
      }
      const files = await expand(rest.length ? rest : ['.'], cwd, project);
      return await tokensCommand(files, { model: values.model ?? project.config?.tokens?.model, json: values.json || values.format === 'json', partials: await loadPartials(files, cwd, project), schemas: project.schemas }, cwd, stdout);
    }
    if (command !== 'lint') throw new UsageError(`Unknown command "${command}". Run "prompt-workbench --help" for the list of commands.`);
    if (values.json) values.format = 'json';
    if (!(LINT_FORMATS as readonly string[]).includes(values.format)) throw new UsageError(`Unknown format "${values.format}". Use --format text, json or sarif.`);
    let maxWarnings = Infinity;
    if (values['max-warnings'] !== undefined) {
      maxWarnings = Number(values['max-warnings']);
      if (!Number.isInteger(maxWarnings) || maxWarnings < 0) throw new UsageError(`--max-warnings needs a whole number of 0 or more; got "${values['max-warnings']}".`);
    }
    const preset = values.preset;
    if (preset !== undefined && !lint.isPreset(preset)) throw new UsageError(`Unknown preset "${preset}". Use --preset ${lint.PRESETS.join(' or ')}.`);
    const project = await cliProject(cwd).catch((e: unknown) => {
      // A broken project config is reported per file by lint itself (exit 2), with every problem.
      if (e instanceof ConfigFileError) return undefined;
      throw e;
    });
    const lintProject = project ?? { host: createNodeHost({ roots: [cwd] }), exclude: [] };
    const files = await expand(rest.length ? rest : ['.'], cwd, lintProject);
    const options = { format: values.format as LintFormat, maxWarnings, quiet: values.quiet, model: values.model, config: values.config, preset, partials: await loadPartials(files, cwd, lintProject), version: VERSION, env: process.env, host: lintProject.host };
    return await lintCommand(files, options, cwd, stdout, stderr);
  } catch (e) {
    if (e instanceof UsageError || e instanceof TestUsageError || e instanceof ReplayUsageError || e instanceof HistoryUsageError || e instanceof ReportUsageError || e instanceof CatalogUsageError || e instanceof ConfigFileError || (e as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      stderr.write(`prompt-workbench: ${(e as Error).message}\n`);
      return 2;
    }
    // A stack trace helps no one running a linter in CI: say what failed and what to do.
    stderr.write(`prompt-workbench: unexpected error: ${failureMessage(e)}\n`);
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
