// `prompt-workbench report`: what the run records say. Without options, each prompt's versions as
// text; `--html FILE` the trends page as one self-contained file (styles, the chart library and
// the data inline, nothing fetched); `--json` the trends as data; `--merge` the records of a
// sharded run merged into one, each case run once, with JUnit and Markdown of the merged results.
import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { promptTrends, trendRecordFromText, type PromptTrend, type TrendRecord } from '../service/history/trends';
import { trendsHtml } from '../service/history/trendsHtml';
import { comparisonMarkdown } from '../service/testing/compare';
import { mergeRunRecords, type MergeInput } from '../service/testing/merge';
import { recordFileName } from '../service/testing/records';
import { cliProject, runLocations } from './project';
import { junitReport } from './test';

export const REPORT_USAGE = `  report [records...]        What the run records say (files, or folders of *.jsonl; default:
                             the project's .prompt-workbench/runs): per prompt and version
                             (content hash, commit) the pass rate, its spread over repeated
                             runs, mean score, cost and p50/p95 latency, the runs where the
                             answering model changed, and drift (the same text passing
                             significantly less or more often than before).
      --html FILE            Write the trends as one self-contained HTML page with charts
                             (no network needed to open it).
      --json                 The trends as JSON.
      --prompt P             Only this prompt (its path from the project root).
      --merge                Merge the records of a sharded run (the arguments: the shards'
                             folders or files) into one: each case run once (a case run in
                             two records is kept once and reported), counts recomputed.
                             Exit 1 when the merged results hold a failure or an error.
      --output FILE          With --merge: write the merged record here.
      --junit FILE           With --merge: write JUnit XML of the merged results.
      --markdown FILE        With --merge: write the variants' comparison as Markdown.`;

export class ReportUsageError extends Error {}

/** dist/charts.js: beside the bundled CLI (dist/cli.js), or the build's output when run from source. */
export function chartsScriptPath(): string | undefined {
  return [path.join(__dirname, 'charts.js'), path.resolve(__dirname, '..', '..', '..', 'dist', 'charts.js')].find((p) => existsSync(p));
}

/** Every `*.jsonl` of the folders (not recursive, sorted) and the files named. */
async function recordFiles(inputs: string[], cwd: string): Promise<string[]> {
  const out: string[] = [];
  for (const input of inputs) {
    const abs = path.resolve(cwd, input);
    const s = await stat(abs).catch(() => undefined);
    if (!s) throw new ReportUsageError(`${input} does not exist. Pass run record files (*.jsonl) or the folders that hold them.`);
    if (s.isDirectory()) out.push(...(await readdir(abs)).filter((n) => n.endsWith('.jsonl')).sort().map((n) => path.join(abs, n)));
    else out.push(abs);
  }
  return [...new Set(out)];
}

function pct(x: number | undefined): string {
  return x === undefined ? '-' : `${(x * 100).toFixed(1)}%`;
}

export function trendsText(trends: PromptTrend[]): string {
  if (!trends.length) return 'No run records with results of a prompt (with a content hash) found.\n';
  const out: string[] = [];
  for (const t of trends) {
    out.push(`${t.prompt}: ${t.versions.length} version(s), ${t.points.length} run(s)`);
    for (const v of t.versions) {
      const spread = v.spread.passRate && v.runs > 1 ? ` (runs ${pct(v.spread.passRate.min)}..${pct(v.spread.passRate.max)})` : '';
      out.push(`  ${v.label.padEnd(9)} ${String(v.runs).padStart(3)} run(s)  pass ${pct(v.passRate)}${spread}  score ${v.meanScore === undefined ? '-' : v.meanScore.toFixed(2)}  cost/result ${v.costPerResult === undefined ? '-' : `$${v.costPerResult.toPrecision(2)}`}  p50 ${v.p50LatencyMs ?? '-'} ms  p95 ${v.p95LatencyMs ?? '-'} ms${v.drift.some((d) => d.drift) ? '  DRIFT' : ''}`);
    }
    for (const p of t.modelChanges) out.push(`  model changed at ${p.startedAt}: ${p.modelChange!.from.join(', ')} -> ${p.modelChange!.to.join(', ')}`);
    for (const d of t.drift) out.push(`  drift at ${d.startedAt} (${d.file}): ${d.after.passed}/${d.after.total} passed vs ${d.before.passed}/${d.before.total} before, z = ${d.z.toFixed(2)}`);
  }
  return `${out.join('\n')}\n`;
}

async function writeOut(file: string, text: string, cwd: string): Promise<void> {
  const abs = path.resolve(cwd, file);
  await mkdir(path.dirname(abs), { recursive: true });
  await writeFile(abs, text);
}

export async function reportCommand(argv: string[], cwd: string, stdout: NodeJS.WritableStream, stderr: NodeJS.WritableStream): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        html: { type: 'string' },
        json: { type: 'boolean', default: false },
        prompt: { type: 'string' },
        merge: { type: 'boolean', default: false },
        output: { type: 'string' },
        junit: { type: 'string' },
        markdown: { type: 'string' },
      },
    });
  } catch (e) {
    throw new ReportUsageError((e as Error).message);
  }
  const { values, positionals } = parsed;
  if (!values.merge && (values.output || values.junit || values.markdown)) throw new ReportUsageError('--output, --junit and --markdown go with --merge.');
  let inputs = positionals;
  if (!inputs.length) {
    if (values.merge) throw new ReportUsageError('--merge needs the folders (or files) of the shards\' run records: prompt-workbench report --merge shard-1 shard-2 ...');
    const project = await cliProject(cwd);
    const where = runLocations([], cwd, project.host, {});
    inputs = [where.recordsDir];
    if (!existsSync(where.recordsDir)) {
      stderr.write(`prompt-workbench: no run records yet (${path.relative(cwd, where.recordsDir) || where.recordsDir} does not exist): run "prompt-workbench test" first.\n`);
      return 2;
    }
  }
  const files = await recordFiles(inputs, cwd);
  const texts: MergeInput[] = [];
  for (const f of files) texts.push({ name: path.relative(cwd, f) || f, text: await readFile(f, 'utf8') });

  let records: TrendRecord[] = [];
  const problems: string[] = [];
  let code = 0;
  if (values.merge) {
    const merged = mergeRunRecords(texts);
    problems.push(...merged.problems);
    for (const d of merged.duplicates) stderr.write(`prompt-workbench: ${d.id} is in ${d.files.length} records (${d.files.join(', ')}); counted once (the newest).\n`);
    const text = `${merged.lines.join('\n')}\n`;
    if (values.output) await writeOut(values.output, text, cwd);
    if (values.junit) await writeOut(values.junit, junitReport(merged.summary), cwd);
    if (values.markdown) await writeOut(values.markdown, comparisonMarkdown(merged.summary, { title: 'Prompt test results' }), cwd);
    const c = merged.summary.counts;
    stdout.write(`Merged ${merged.sources.length} record${merged.sources.length === 1 ? '' : 's'}: ${merged.summary.results.length} case runs (${c.passed} passed, ${c.failed} failed, ${c.error} errors, ${c.skipped} skipped); ${merged.duplicates.length} duplicate${merged.duplicates.length === 1 ? '' : 's'}.${values.output ? ` Record: ${values.output}` : ''}\n`);
    const one = trendRecordFromText(values.output ?? recordFileName(merged.summary.startedAt), text);
    if (one.record) records = [one.record];
    code = c.failed + c.error > 0 ? 1 : 0;
  } else {
    for (const t of texts) {
      const r = trendRecordFromText(t.name, t.text);
      problems.push(...r.problems.map((p) => `${t.name}: ${p}`));
      if (r.record) records.push(r.record);
    }
  }
  for (const p of problems) stderr.write(`prompt-workbench: ${p}\n`);
  const trends = promptTrends(records, { prompt: values.prompt });
  if (values.prompt !== undefined && !trends.length) stderr.write(`prompt-workbench: no results of "${values.prompt}" in the records (prompts are named by their path from the project root, as in the records).\n`);
  if (values.html) {
    const script = chartsScriptPath();
    if (!script) throw new ReportUsageError('The chart library (dist/charts.js) is missing beside the CLI: reinstall the package (or run "npm run build").');
    const html = trendsHtml({ title: values.prompt ? `Prompt trends: ${values.prompt}` : 'Prompt trends', subtitle: `${records.length} run record${records.length === 1 ? '' : 's'} (${inputs.map((i) => path.relative(cwd, path.resolve(cwd, i)) || '.').join(', ')}), ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC`, trends, problems, script: { inline: await readFile(script, 'utf8') } });
    await writeOut(values.html, html, cwd);
    stderr.write(`Trends of ${trends.length} prompt${trends.length === 1 ? '' : 's'} written to ${values.html}\n`);
  }
  if (values.json) stdout.write(`${JSON.stringify({ trends, problems }, null, 2)}\n`);
  else if (!values.html && !values.merge) stdout.write(trendsText(trends));
  return code;
}
