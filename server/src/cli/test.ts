// `prompt-workbench test`: the editor's test runs, headless, for scripts and CI. Keys and base
// URLs come from the providers' standard environment variables, as their SDKs read them.
import { readFile, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { fileURLToPath, pathToFileURL } from 'node:url';
import {
  compareVariants,
  comparisonMarkdown,
  comparisonReportHtml,
  contentHash,
  fileValueDiagnostics,
  fixtureDiagnostics,
  inShard,
  JAVASCRIPT_OFF_BY_CONFIG,
  loadPromptVariants,
  loadSuite,
  planJobs,
  PROVIDER_IDS,
  ResponseCache,
  variantsFromList,
  variantsFromModels,
  runTests,
  writeRunRecord,
  type CaseResult,
  type MatrixVariant,
  type PromptVariant,
  type ProviderId,
  type RunSummary,
  type TestSuite,
} from '../service/testing';
import { FIXTURE_GLOBS, gitInfoOf, loadPartialIndex, type ProjectConfig } from '../service';
import type { PromptDiagnostic } from '../service/diagnostic';
import type { Git } from '../service/history/git';
import { EMBEDDED_TEST_GLOBS, hasEmbeddedTests } from '../service/testing/embedded';
import { cliFileValues, cliProject, expandArguments, runLocations, workbenchStore, type CliProject } from './project';
import { VERSION } from '../version';
import { cliProviders } from './providers';
import { cliColumn } from './lint';
import { BaselineError, baselineReport, runBaseline } from './baseline';
import { gateText } from '../service/history/gate';

export const TEST_USAGE = `  test [paths or globs...]   Run the test cases of fixture files (*.tests.yaml, *.tests.yml)
                             against their prompts, and of GitHub Models prompt files
                             (*.prompt.yml: testData rows and evaluators, as gh models eval).
                             Directories are searched for all of them.
      --provider P           Provider for cases that do not name one: render, openai,
                             anthropic, googleai, vertexai, github (default: from each
                             prompt's model, e.g. openai/..., googleai/...; github for the
                             cases of a GitHub Models prompt file).
      --offline              Run only the cases that use the render provider; skip the rest.
                             javascript assertions still run (in their sandbox).
      --no-javascript        Skip javascript assertions (the case's other assertions count);
                             also testing: { javascript: false } in prompt-workbench.yaml.
      --models A,B,...       Run every case on each of these provider-qualified models
                             (openai/gpt-4o-mini,googleai/gemini-2.5-flash), side by
                             side, instead of the fixture files' matrix: lists.
      --variants A,B,...     Run every case over each of these prompts instead of the
                             fixture files' variants: lists: prompt files
                             (summarize.prompt,summarize-v2.prompt) or git revisions of
                             one (summarize.prompt@HEAD~1,summarize.prompt), relative to
                             the working folder. Combines with the matrix (each prompt
                             variant × each model); each result is labelled by its variant.
      --concurrency N        Model calls at once (default 4).
      --repeat N             Run every case N times.
      --shard K/N            Run only shard K of N (a deterministic split by case and
                             variant).
      --reporter R           text (default), json, junit, markdown or html. markdown: the
                             comparison of the variants (pass rate, mean score, cost,
                             tokens, p50/p95 latency, errors; the cases where they
                             disagree first), for a pull-request comment. html: the same
                             comparison as one self-contained page (styles, data and
                             the chart of cost against pass rate inline; use --output
                             report.html). json adds, per GitHub Models prompt
                             file, a summary like gh models eval --json and each
                             evaluator's pass rate and mean score.
      --output FILE          Write the report to FILE instead of standard output.
      --no-cache             Do not read or write the response cache.
      --cache-dir DIR        Response cache (default .prompt-workbench/cache at the project
                             root, or PROMPT_WORKBENCH_CACHE_DIR).
      --records-dir DIR      Where run records go (default .prompt-workbench/runs at the
                             project root: the folder of prompt-workbench.yaml, else the
                             git root, else the working folder).
      --no-record            Write no run record.
      --timeout S            Seconds to wait for one answer (default 60).
      --retries N            Retries after 429/5xx/timeouts (default 2).
      --stream               Stream answers (records the time to the first token).
      --estimate             Send nothing: print the rendered input tokens of every case run
                             (repeats, prompt variants and matrix variants included),
                             the answers' upper bound (config.maxOutputTokens, else the
                             model's maximum), the judge calls of model-graded
                             assertions, and the cost range
                             per prompt and model (≈ marks estimates). Takes --provider,
                             --models, --variants, --repeat, --judge-provider,
                             --judge-model and --json; exit 1 when a case cannot be
                             rendered.
      --baseline REV         The pull-request gate: run (or reuse recorded results for) each
                             tested prompt's text at git revision REV and in the working
                             tree, with the working tree's fixture files, and compare them
                             case by case. Exit 1 on a new failure (passed at REV, not now;
                             or a new case that does not pass) or when the pass rate drops
                             by more than testing.maxPassRateDrop points of
                             prompt-workbench.yaml (default 0). --reporter markdown writes
                             the comparison as a pull-request comment; text and json too.
      --max-pass-rate-drop N Points of pass rate the gate allows to lose (overrides the
                             project config).
      --judge-provider P, --judge-model M   The judge of model-graded assertions:
                             llm-rubric, factuality and model-graded-closedqa (a prompt
                             file's llm evaluators use their own modelId).
                             Keys: OPENAI_API_KEY, ANTHROPIC_API_KEY, GEMINI_API_KEY (or
                             GOOGLE_API_KEY), GITHUB_TOKEN (GitHub Models); Vertex AI:
                             GOOGLE_CLOUD_PROJECT, GOOGLE_CLOUD_LOCATION and application
                             default credentials; servers: OPENAI_BASE_URL,
                             ANTHROPIC_BASE_URL, GOOGLE_GEMINI_BASE_URL,
                             GOOGLE_VERTEX_BASE_URL, GITHUB_MODELS_BASE_URL.
                             Exit 1 when a case fails or errors.`;

export class TestUsageError extends Error {}

/** The prompt variants of `--variants` (relative to the working folder), loaded; a usage error names each one that cannot be read. */
export async function cliPromptVariants(list: string | undefined, cwd: string, rootUri: string, read: (uri: string) => Promise<string>, git: Git): Promise<PromptVariant[] | undefined> {
  if (list === undefined) return undefined;
  let specs;
  try {
    specs = variantsFromList(list, pathToFileURL(cwd.endsWith(path.sep) ? cwd : `${cwd}${path.sep}`).toString());
  } catch (e) {
    throw new TestUsageError((e as Error).message);
  }
  const loaded = await loadPromptVariants(specs, rootUri, read, git);
  const bad = loaded.filter((v) => v.error);
  if (bad.length) throw new TestUsageError(bad.map((v) => `--variants: ${v.error}`).join('\n'));
  return loaded;
}

/** A fixture file's `variants:` entries that could not be loaded, at their lines. */
export function variantDiagnostics(suite: TestSuite): PromptDiagnostic[] {
  return (suite.promptVariants ?? [])
    .filter((v) => v.error)
    .map((v) => ({ code: 'fixture-variants', severity: 'error' as const, message: v.error!, span: v.span ?? { start: 0, end: 1 } }));
}

/**
 * Per prompt file with its own test cases, what `gh models eval --json` summarises (name,
 * description, model, tests passed and failed, the pass rate in percent), plus per evaluator
 * the cases it passed and failed, its pass rate and its mean score (errored or skipped cases are
 * counted in `total` but not scored).
 */
export function evaluatorSummaries(suites: readonly TestSuite[], results: readonly CaseResult[]) {
  const out = [];
  for (const s of suites) {
    if (s.fixture.uri !== s.fixture.promptUri || !s.prompt) continue;
    const mine = results.filter((r) => r.fixtureUri === s.fixture.uri);
    const passed = mine.filter((r) => r.status === 'passed').length;
    const names = [...new Set(s.fixture.cases.flatMap((c) => c.assert.map((a) => a.type)))];
    const evaluators = names.map((name) => {
      const checks = mine.flatMap((r) => r.assertions.filter((a) => a.type === name));
      const scored = checks.filter((a) => !a.error && !a.skipped);
      const ok = scored.filter((a) => a.pass).length;
      return {
        name,
        total: mine.length,
        passed: ok,
        failed: mine.length - ok,
        passRate: mine.length ? (ok / mine.length) * 100 : 100,
        meanScore: scored.length ? scored.reduce((t, a) => t + a.score, 0) / scored.length : null,
      };
    });
    const p = s.prompt.prompt;
    out.push({
      file: s.promptPath,
      name: p.metadata.name?.value ?? '',
      description: p.metadata.description?.value ?? '',
      model: p.model?.value ?? '',
      summary: { totalTests: mine.length, passedTests: passed, failedTests: mine.length - passed, passRate: mine.length ? (passed / mine.length) * 100 : 100 },
      evaluators,
    });
  }
  return out;
}

/** Fixture files (`*.tests.yaml` and `*.tests.yml`) and prompt files with their own test cases for the arguments, with the project's skip list. */
export async function expandFixtures(inputs: string[], cwd: string, project?: CliProject): Promise<string[]> {
  const p = project ?? (await cliProject(cwd));
  return expandArguments(inputs, cwd, p, [...FIXTURE_GLOBS, ...EMBEDDED_TEST_GLOBS], (f) => /\.tests\.ya?ml$/.test(f) || hasEmbeddedTests(pathToFileURL(f).toString()), (input) => new TestUsageError(`No fixture files (*.tests.yaml) found for "${input}", nor GitHub Models prompt files (folders are searched for *.tests.yaml, *.tests.yml, *.prompt.yml and *.prompt.yaml). Pass a file, a folder or a glob such as "prompts/**/*.tests.yaml".`));
}

/** dist/charts.js (Chart.js for the browser): beside the bundled CLI, or in dist/ when run from the sources. */
export async function readChartsScript(): Promise<string> {
  const candidates = [path.resolve(__dirname, 'charts.js'), path.resolve(__dirname, '..', '..', '..', 'dist', 'charts.js')];
  for (const file of candidates) {
    const text = await readFile(file, 'utf8').catch(() => undefined);
    if (text !== undefined) return text;
  }
  throw new TestUsageError(`--reporter html needs the chart library charts.js beside the CLI (looked in ${candidates.join(', ')}); reinstall prompt-workbench, or run \`npm run build\` in its sources.`);
}

function positiveInt(name: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new TestUsageError(`--${name} needs a whole number of 1 or more; got "${value}".`);
  return n;
}

function xml(s: string): string {
  // XML 1.0 forbids most control characters even when escaped: drop them.
  // eslint-disable-next-line no-control-regex
  return s.replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/g, '').replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** The case's name, its variant (`[openai/gpt-4o]`, `[v2.prompt × openai/gpt-4o]`) and its repeat (`[2/3]`): unique in a suite. */
function caseTitle(r: CaseResult): string {
  return `${r.caseName}${r.variant !== undefined ? ` [${r.variant}]` : ''}${r.repeats > 1 ? ` [${r.repeat}/${r.repeats}]` : ''}`;
}

function failureDetails(r: CaseResult): string {
  const lines = [r.reason];
  for (const a of r.assertions.filter((x) => !x.pass && x.weight > 0)) {
    lines.push(`- ${a.type} (line ${a.line + 1}): ${a.reason}`);
    if (a.expected !== undefined) lines.push(`  expected: ${a.expected.length > 500 ? `${a.expected.slice(0, 500)}…` : a.expected}`);
    if (a.actual !== undefined) lines.push(`  actual:   ${a.actual.length > 500 ? `${a.actual.slice(0, 500)}…` : a.actual}`);
  }
  return lines.join('\n');
}

export function junitReport(summary: RunSummary): string {
  const bySuite = new Map<string, CaseResult[]>();
  for (const r of summary.results) {
    if (!bySuite.has(r.fixturePath)) bySuite.set(r.fixturePath, []);
    bySuite.get(r.fixturePath)!.push(r);
  }
  const secs = (ms?: number) => ((ms ?? 0) / 1000).toFixed(3);
  const count = (rs: CaseResult[], s: CaseResult['status']) => rs.filter((r) => r.status === s).length;
  const out = ['<?xml version="1.0" encoding="UTF-8"?>'];
  out.push(`<testsuites name="prompt-workbench" tests="${summary.results.length}" failures="${summary.counts.failed}" errors="${summary.counts.error}" skipped="${summary.counts.skipped}" time="${secs(summary.durationMs)}" timestamp="${summary.startedAt}">`);
  for (const [file, rs] of bySuite) {
    out.push(`  <testsuite name="${xml(file)}" tests="${rs.length}" failures="${count(rs, 'failed')}" errors="${count(rs, 'error')}" skipped="${count(rs, 'skipped')}" time="${secs(rs.reduce((s, r) => s + (r.latencyMs ?? 0), 0))}" timestamp="${summary.startedAt}" file="${xml(file)}">`);
    for (const r of rs) {
      out.push(`    <testcase classname="${xml(file.replace(/\.tests\.ya?ml$/, '').replace(/[/\\]/g, '.'))}" name="${xml(caseTitle(r))}" file="${xml(file)}" line="${r.caseLine + 1}" time="${secs(r.latencyMs)}">`);
      if (r.status === 'failed') out.push(`      <failure message="${xml(r.reason)}" type="assertion">${xml(failureDetails(r))}</failure>`);
      else if (r.status === 'error') out.push(`      <error message="${xml(r.reason)}" type="${xml(r.error?.kind ?? 'error')}">${xml(r.reason)}</error>`);
      else if (r.status === 'skipped') out.push(`      <skipped message="${xml(r.reason)}"/>`);
      const props = [
        ['variant', r.variant],
        ['provider', r.provider],
        ['requestedModel', r.requestedModel],
        ['returnedModel', r.returnedModel],
        ['inputTokens', r.usage?.inputTokens],
        ['outputTokens', r.usage?.outputTokens],
        ['cost', r.cost],
        ['assertionCost', r.assertionCost],
        ['cached', r.cached],
      ].filter(([, v]) => v !== undefined);
      if (props.length) {
        out.push('      <properties>');
        for (const [k, v] of props) out.push(`        <property name="${k}" value="${xml(String(v))}"/>`);
        out.push('      </properties>');
      }
      if (r.output !== undefined) out.push(`      <system-out>${xml(r.output)}</system-out>`);
      out.push('    </testcase>');
    }
    out.push('  </testsuite>');
  }
  out.push('</testsuites>');
  return out.join('\n') + '\n';
}

const MARK: Record<CaseResult['status'], string> = { passed: 'PASS', failed: 'FAIL', error: 'ERROR', skipped: 'SKIP' };

function textLine(r: CaseResult): string {
  const facts = [r.provider, r.returnedModel ?? r.requestedModel, r.latencyMs !== undefined ? `${Math.round(r.latencyMs)} ms` : undefined, r.cached ? 'cached' : undefined, r.cost ? `$${r.cost.toPrecision(2)}` : undefined, r.assertionCost ? `checks $${r.assertionCost.toPrecision(2)}` : undefined].filter(Boolean).join(', ');
  const head = `${MARK[r.status].padEnd(5)} ${r.fixturePath}:${r.caseLine + 1} ${caseTitle(r)}${facts ? `  (${facts})` : ''}`;
  if (r.status === 'passed') return head;
  if (r.status === 'failed') return `${head}\n${failureDetails(r).replace(/^/gm, '      ')}`;
  return `${head}\n      ${r.reason}`;
}

/** Why `javascript` assertions are skipped, if they are: the flag first, then the working folder's project config. */
export function javascriptSwitch(noJavascript: boolean | undefined, config: ProjectConfig | undefined): (() => string) | undefined {
  if (noJavascript) return () => '--no-javascript';
  if (config?.testing?.javascript === false) return () => JAVASCRIPT_OFF_BY_CONFIG;
  return undefined;
}

/** One line per matrix variant (none without a matrix): pass rate, cost, median latency. */
export function variantLines(s: RunSummary): string {
  if (!s.results.some((r) => r.variant !== undefined)) return '';
  return compareVariants(s.results)
    .variants.map((v) => `  ${v.label}: ${v.counts.passed}/${v.counts.passed + v.counts.failed + v.counts.error} passed, ${v.counts.error} errors, $${v.cost.toPrecision(2)}, p50 ${v.p50LatencyMs === undefined ? '-' : `${Math.round(v.p50LatencyMs)} ms`}`)
    .join('\n') + '\n';
}

export function summaryLine(s: RunSummary): string {
  return `${s.counts.passed} passed, ${s.counts.failed} failed, ${s.counts.error} errors, ${s.counts.skipped} skipped in ${(s.durationMs / 1000).toFixed(1)} s${s.cache && s.cache.hits ? ` (${s.cache.hits} from the cache)` : ''}`;
}

export async function testCommand(argv: string[], cwd: string, stdout: NodeJS.WritableStream, stderr: NodeJS.WritableStream, env: NodeJS.ProcessEnv = process.env, signal?: AbortSignal): Promise<number> {
  if (signal) return runTestCommand(argv, cwd, stdout, stderr, env, signal);
  // Ctrl+C cancels the run: requests in flight are aborted and no record is written.
  const controller = new AbortController();
  const onInterrupt = () => controller.abort();
  process.once('SIGINT', onInterrupt);
  try {
    return await runTestCommand(argv, cwd, stdout, stderr, env, controller.signal);
  } finally {
    process.off('SIGINT', onInterrupt);
  }
}

async function runTestCommand(argv: string[], cwd: string, stdout: NodeJS.WritableStream, stderr: NodeJS.WritableStream, env: NodeJS.ProcessEnv, signal: AbortSignal): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      provider: { type: 'string' },
      models: { type: 'string' },
      variants: { type: 'string' },
      offline: { type: 'boolean', default: false },
      'no-javascript': { type: 'boolean', default: false },
      concurrency: { type: 'string' },
      repeat: { type: 'string' },
      shard: { type: 'string' },
      reporter: { type: 'string', default: 'text' },
      output: { type: 'string' },
      'no-cache': { type: 'boolean', default: false },
      'cache-dir': { type: 'string' },
      'records-dir': { type: 'string' },
      'no-record': { type: 'boolean', default: false },
      timeout: { type: 'string' },
      retries: { type: 'string' },
      stream: { type: 'boolean', default: false },
      'judge-provider': { type: 'string' },
      'judge-model': { type: 'string' },
      baseline: { type: 'string' },
      'max-pass-rate-drop': { type: 'string' },
    },
  });
  const provider = values.provider as ProviderId | undefined;
  if (provider && !(PROVIDER_IDS as readonly string[]).includes(provider)) throw new TestUsageError(`Unknown provider "${provider}". Use render, openai, anthropic, googleai or vertexai.`);
  if (provider === 'vscode-lm') throw new TestUsageError('The vscode-lm provider runs only inside VS Code (the Language Model API). Use render, openai, anthropic, googleai or vertexai here.');
  const judgeProvider = values['judge-provider'] as ProviderId | undefined;
  if (judgeProvider && !(PROVIDER_IDS as readonly string[]).includes(judgeProvider)) throw new TestUsageError(`Unknown judge provider "${judgeProvider}".`);
  if (!['text', 'json', 'junit', 'markdown', 'html'].includes(values.reporter!)) throw new TestUsageError(`Unknown reporter "${values.reporter}". Use text, json, junit, markdown or html.`);
  // Read before anything runs, so a missing chart library costs no model calls.
  const chartsScript = values.reporter === 'html' ? await readChartsScript() : undefined;
  const concurrency = positiveInt('concurrency', values.concurrency, 4);
  const repeat = values.repeat === undefined ? undefined : positiveInt('repeat', values.repeat, 1);
  const timeoutS = values.timeout === undefined ? 60 : Number(values.timeout);
  if (!(timeoutS > 0)) throw new TestUsageError(`--timeout needs a number of seconds above 0; got "${values.timeout}".`);
  const retries = values.retries === undefined ? 2 : Number(values.retries);
  if (!Number.isInteger(retries) || retries < 0) throw new TestUsageError(`--retries needs a whole number of 0 or more; got "${values.retries}".`);
  let variants: MatrixVariant[] | undefined;
  if (values.models !== undefined) {
    try {
      variants = variantsFromModels(values.models);
    } catch (e) {
      throw new TestUsageError((e as Error).message);
    }
  }
  if (values.baseline !== undefined) {
    if (!values.baseline.trim() || values.baseline.startsWith('-')) throw new TestUsageError(`--baseline needs a git revision (a branch, tag or commit, e.g. origin/main); got "${values.baseline}".`);
    if (values.shard !== undefined || values.models !== undefined) throw new TestUsageError('--baseline compares whole suites: it takes neither --shard nor --models.');
    if (values.reporter === 'junit') throw new TestUsageError('--baseline reports as text, json or markdown (a pull-request comment), not junit.');
  }
  let maxDrop: number | undefined;
  if (values['max-pass-rate-drop'] !== undefined) {
    maxDrop = Number(values['max-pass-rate-drop']);
    if (!(maxDrop >= 0 && maxDrop <= 100)) throw new TestUsageError(`--max-pass-rate-drop needs percentage points from 0 to 100; got "${values['max-pass-rate-drop']}".`);
  }
  let shard: [number, number] | undefined;
  if (values.shard !== undefined) {
    const m = /^(\d+)\/(\d+)$/.exec(values.shard);
    if (!m || Number(m[1]) < 1 || Number(m[1]) > Number(m[2])) throw new TestUsageError(`--shard needs K/N with 1 <= K <= N (e.g. 2/4); got "${values.shard}".`);
    shard = [Number(m[1]), Number(m[2])];
  }

  const project = await cliProject(cwd);
  const host = project.host;
  const readText = (uri: string) => host.readText(uri);
  const fileValues = cliFileValues(project, cwd);
  const files = await expandFixtures(positionals.length ? positionals : ['.'], cwd, project);
  // Ids, records and the cache are anchored at the project root, wherever the command runs.
  const where = runLocations(files, cwd, host, { recordsDir: values['records-dir'], cacheDir: values['cache-dir'] ?? env.PROMPT_WORKBENCH_CACHE_DIR });
  const rootUri = where.rootUri;
  const promptVariants = await cliPromptVariants(values.variants, cwd, rootUri, readText, host.git);
  const suites: TestSuite[] = [];
  let configErrors = 0;
  for (const file of files) {
    const suite = await loadSuite(pathToFileURL(file).toString(), rootUri, readText, undefined, { git: host.git }).catch((e: Error) => {
      throw new TestUsageError(`Cannot read ${path.relative(cwd, file)}: ${e.message}`);
    });
    // A refused `file://` value stops the run here, before anything is read, sent or recorded.
    // So does a prompt variant that cannot be read (an unknown revision, no git): nothing runs half-compared.
    // A prompt file without test data has nothing to run (a folder holds prompts of every kind): its
    // problems are lint's to report, and do not stop the prompts that have tests.
    if (suite.fixture.uri === suite.fixture.promptUri && !suite.fixture.cases.length) continue;
    const problems = [...fixtureDiagnostics(suite.fixture, suite.prompt ?? null), ...(await fileValueDiagnostics(suite.fixture, fileValues.access)), ...(promptVariants ? [] : variantDiagnostics(suite))].filter((d) => d.severity === 'error').sort((a, b) => a.span.start - b.span.start);
    for (const d of problems) {
      const p = suite.fixture.lines.positionAt(d.span.start);
      stderr.write(`${suite.relativePath}:${p.line + 1}:${cliColumn(suite.fixture.text, p)}  error  ${d.message}  ${d.code}\n`);
    }
    configErrors += problems.length;
    suites.push(suite);
  }
  if (configErrors) {
    stderr.write(`prompt-workbench: ${configErrors} problem${configErrors === 1 ? '' : 's'} in the fixture files; fix ${configErrors === 1 ? 'it' : 'them'} first (the editor shows them too).\n`);
    return 2;
  }

  const providers = cliProviders(env, {
    timeoutMs: timeoutS * 1000,
    maxRetries: retries,
    stream: values.stream,
    offline: values.offline,
    judge: { provider: judgeProvider, model: values['judge-model'] },
  });
  const { secrets } = providers;
  const cache = values['no-cache'] ? undefined : new ResponseCache(workbenchStore(host, where.cacheDir), { secrets });
  if (values.baseline !== undefined) {
    const gate = await runBaseline({
      rev: values.baseline,
      suites,
      host: { fixtureUris: async () => [], readText, records: values['no-record'] ? undefined : workbenchStore(host, where.recordsDir) },
      options: {
        rootUri,
        run: {
          ...providers,
          defaultProvider: provider,
          concurrency,
          cache,
          repeat,
          readText: fileValues.read,
          javascriptOff: javascriptSwitch(values['no-javascript'], project.config),
          analysis: { partials: await loadPartialIndex(host, [...new Set([cwd, where.root, ...files.map((f) => path.dirname(f))])]), customHelpers: project.config?.helpers, schemas: project.schemas },
        },
        signal,
        meta: { tool: 'prompt-workbench', toolVersion: VERSION, provider, origin: 'cli' },
        onProgress: values.reporter === 'text' && !values.output ? (m) => (/ \d+\/\d+ run$/.test(m) ? undefined : stderr.write(`${m}\n`)) : undefined,
      },
      maxDropPoints: maxDrop ?? project.config?.testing?.maxPassRateDrop ?? 0,
    }).catch((e: unknown) => {
      if (e instanceof BaselineError) throw new TestUsageError(e.message);
      throw e;
    });
    if (gate.cancelled) {
      stderr.write('prompt-workbench: cancelled.\n');
      return 130;
    }
    const report = baselineReport(gate, values.reporter!);
    if (values.output) {
      await writeFile(path.resolve(cwd, values.output), report);
      stderr.write(gateText(gate));
    } else stdout.write(report);
    return gate.failed ? 1 : 0;
  }
  let jobs = planJobs(suites, repeat, { matrix: true, variants, prompts: promptVariants });
  if (shard) jobs = jobs.filter((j) => inShard(j.caseKey, shard![0], shard![1]));
  const streaming = values.reporter === 'text' && !values.output;
  const summary = await runTests(
    suites,
    {
      ...providers,
      defaultProvider: provider,
      concurrency,
      cache,
      readText: fileValues.read,
      javascriptOff: javascriptSwitch(values['no-javascript'], project.config),
      analysis: { partials: await loadPartialIndex(host, [...new Set([cwd, where.root, ...files.map((f) => path.dirname(f))])]), customHelpers: project.config?.helpers, schemas: project.schemas },
      signal,
      onResult: streaming ? (r) => stdout.write(`${textLine(r)}\n`) : undefined,
    },
    jobs,
  );
  if (summary.cancelled) {
    stderr.write('prompt-workbench: cancelled; no run record written.\n');
    return 130;
  }

  let recordName: string | undefined;
  if (!values['no-record']) {
    const recordsDir = where.recordsDir;
    const infos = new Map<string, { hash: string; git?: { commit?: string; dirty?: boolean } }>();
    for (const s of suites) {
      if (!s.prompt || infos.has(s.fixture.promptUri)) continue;
      infos.set(s.fixture.promptUri, { hash: contentHash(s.prompt.text), git: await gitInfoOf(host.git, fileURLToPath(s.fixture.promptUri)) });
    }
    recordName = await writeRunRecord(workbenchStore(host, recordsDir), summary, { tool: 'prompt-workbench', toolVersion: VERSION, provider, origin: 'cli' }, (uri) => infos.get(uri), secrets);
    if (recordName) recordName = path.relative(cwd, path.join(recordsDir, recordName));
  }

  let report: string;
  if (values.reporter === 'junit') report = junitReport(summary);
  else if (values.reporter === 'markdown') report = comparisonMarkdown(summary);
  else if (values.reporter === 'html') report = comparisonReportHtml(summary, chartsScript!);
  else if (values.reporter === 'json') {
    const evaluators = evaluatorSummaries(suites, summary.results);
    report = JSON.stringify({ summary: { ...summary, results: undefined, record: recordName ?? null }, results: summary.results.map((r) => ({ ...r, messages: undefined })), ...(evaluators.length ? { evaluators } : {}) }, null, 2) + '\n';
  }
  else report = `${streaming ? '' : summary.results.map(textLine).join('\n') + '\n'}\n${summaryLine(summary)}\n${variantLines(summary)}${recordName ? `Run record: ${recordName}\n` : ''}`;
  if (values.output) {
    await writeFile(path.resolve(cwd, values.output), report);
    stderr.write(`${summaryLine(summary)}\n`);
  } else stdout.write(report);
  return summary.counts.failed + summary.counts.error > 0 ? 1 : 0;
}
