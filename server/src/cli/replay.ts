// `prompt-workbench replay RECORD [--case ID] [--model M]`: the recorded request of each case sent
// again (see service/testing/replay.ts), the new answer compared with the recorded one (verdict,
// assertions, text diff, tokens, cost, latency), and a new run record beside the old one that
// says what it replays. Keys and base URLs from the environment, as for `test`; `--offline` sends
// nothing (only render cases replay).
import { readFile } from 'node:fs/promises';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { pathToFileURL } from 'node:url';
import { unifiedDiff } from '../service/history/textDiff';
import { loadSuite, parseRunRecord, writeRunRecord, type CaseResult, type RecordedCase, type RunSummary, type TestSuite } from '../service/testing';
import { recordRoot, replayCase, ReplayError, requestOf, type ReplayComparison } from '../service/testing/replay';
import { colorEnabled, paintDiffLine, painter, type Paint } from './color';
import { cliProject, workbenchStore } from './project';
import { cliProviders } from './providers';
import { javascriptSwitch } from './test';
import { VERSION } from '../version';

export const REPLAY_USAGE = `  replay <record.jsonl>      Send the recorded request of each case again, exactly as
                             recorded (rendered messages, parameters, output format), and
                             compare the new answer with the recorded one: the case's
                             assertions re-run, the text diff, the token, cost and latency
                             change. Writes a new run record beside the old one that points
                             to it (replayOf). Exit 1 when a replayed case fails or errors.
      --case ID              Only this case: its id (fixture#case, as in the record), or
                             its name when that is unique. Repeatable.
      --model M              Send to this provider-qualified model instead of the recorded
                             one (openai/gpt-4o, anthropic/claude-sonnet-4-5,
                             googleai/gemini-2.5-flash, github/openai/gpt-4.1, ...).
      --offline              Send nothing: only render cases are replayed.
      --no-javascript, --timeout S, --retries N, --stream, --judge-provider P,
      --judge-model M        As for \`test\` (keys from the same environment variables).
      --records-dir DIR      Where the new record goes (default: beside the replayed one).
      --no-record            Write no record.
      --json                 JSON output.
      --no-color             No colours (also NO_COLOR); colours only on a terminal.`;

export class ReplayUsageError extends Error {}

/** The recorded cases the `--case` arguments pick (all replayable ones without it). */
export function pickCases(cases: readonly RecordedCase[], wanted: readonly string[]): RecordedCase[] {
  if (!wanted.length) {
    const replayable = cases.filter((c) => c.request);
    if (!replayable.length) throw new ReplayUsageError(cases.length ? `No case of this record holds its request (${cases[0].reason || 'recorded by an older version'}): it cannot be replayed. Run \`prompt-workbench test\` again to record the requests.` : 'The record has no cases.');
    return replayable;
  }
  return wanted.map((w) => {
    const exact = cases.find((c) => c.id === w) ?? cases.find((c) => c.caseKey === w);
    if (exact) return exact;
    const named = cases.filter((c) => c.case === w);
    if (named.length === 1) return named[0];
    if (named.length > 1) throw new ReplayUsageError(`--case "${w}" names ${named.length} cases of the record; use an id: ${named.map((c) => c.id).join(', ')}.`);
    throw new ReplayUsageError(`--case "${w}" is not in the record. Its cases: ${cases.slice(0, 10).map((c) => c.id).join(', ')}${cases.length > 10 ? ', ...' : ''}.`);
  });
}

function money(n: number): string {
  return `$${n.toFixed(6)}`;
}

function signed(n: number, unit = ''): string {
  return n > 0 ? `+${n}${unit}` : n < 0 ? `${n}${unit}` : `±0${unit}`;
}

export function printReplay(c: ReplayComparison, recordLabel: string, paint: Paint): string {
  const r = c.replay;
  const out: string[] = [];
  out.push(paint('bold', `${r.id}  ${c.target.qualified}`));
  const verdict = c.recorded.status === r.status ? r.status : `${c.recorded.status} -> ${r.status}`;
  out.push(`  verdict   ${c.recorded.status === r.status ? verdict : paint(r.status === 'passed' ? 'green' : 'red', verdict)}${r.status !== 'passed' ? `  (${r.reason})` : ''}`);
  if (r.output !== undefined) {
    const models = c.recorded.model !== (r.returnedModel ?? null) ? ` (model ${c.recorded.model ?? '?'} -> ${r.returnedModel ?? '?'})` : '';
    out.push(`  answer    ${c.outputChanged ? 'changed' : 'the same'}${models}`);
  }
  const u0 = c.recorded.usage;
  const u1 = r.usage;
  if (u0 || u1) out.push(`  tokens    in ${u0?.inputTokens ?? '?'} -> ${u1?.inputTokens ?? '?'}${c.tokenDelta.input !== undefined ? ` (${signed(c.tokenDelta.input)})` : ''}, out ${u0?.outputTokens ?? '?'} -> ${u1?.outputTokens ?? '?'}${c.tokenDelta.output !== undefined ? ` (${signed(c.tokenDelta.output)})` : ''}`);
  if (c.recorded.cost !== null || r.cost !== undefined) out.push(`  cost      ${c.recorded.cost === null ? '?' : money(c.recorded.cost)} -> ${r.cost === undefined ? '?' : money(r.cost)}${c.costDelta !== undefined ? ` (${c.costDelta >= 0 ? '+' : '-'}${money(Math.abs(c.costDelta))})` : ''}`);
  if (c.recorded.latencyMs !== null || r.latencyMs !== undefined) out.push(`  latency   ${c.recorded.latencyMs ?? '?'} ms -> ${r.latencyMs === undefined ? '?' : Math.round(r.latencyMs)} ms${c.latencyDelta !== undefined ? ` (${signed(Math.round(c.latencyDelta), ' ms')})` : ''}`);
  for (const a of c.assertionChanges) out.push(`  assertion ${a.type} (line ${a.line}): ${a.before === undefined ? '(none)' : a.before ? 'pass' : 'fail'} -> ${a.after === undefined ? '(none)' : a.after ? 'pass' : 'fail'}`);
  for (const n of c.notes) out.push(`  note: ${n}`);
  if (c.outputChanged && r.output !== undefined) {
    for (const l of unifiedDiff(ensureNewline(c.recorded.output ?? ''), ensureNewline(r.output), { labelA: `recorded (${recordLabel})`, labelB: `replay (${c.target.qualified})` })) out.push(`  ${paintDiffLine(l, paint)}`);
  }
  return out.join('\n') + '\n';
}

function ensureNewline(s: string): string {
  return s.endsWith('\n') ? s : `${s}\n`;
}

export async function replayMain(argv: string[], cwd: string, stdout: NodeJS.WritableStream, stderr: NodeJS.WritableStream, env: NodeJS.ProcessEnv = process.env, signal?: AbortSignal): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        case: { type: 'string', multiple: true },
        model: { type: 'string' },
        offline: { type: 'boolean', default: false },
        'no-javascript': { type: 'boolean', default: false },
        timeout: { type: 'string' },
        retries: { type: 'string' },
        stream: { type: 'boolean', default: false },
        'judge-provider': { type: 'string' },
        'judge-model': { type: 'string' },
        'records-dir': { type: 'string' },
        'no-record': { type: 'boolean', default: false },
        json: { type: 'boolean', default: false },
        'no-color': { type: 'boolean', default: false },
      },
    });
  } catch (e) {
    throw new ReplayUsageError((e as Error).message);
  }
  const { values, positionals } = parsed;
  if (positionals.length !== 1) throw new ReplayUsageError('replay takes one run record: prompt-workbench replay <record.jsonl> [--case ID] [--model provider/model]');
  const timeoutS = values.timeout === undefined ? 60 : Number(values.timeout);
  if (!(timeoutS > 0)) throw new ReplayUsageError(`--timeout needs a number of seconds above 0; got "${values.timeout}".`);
  const retries = values.retries === undefined ? 2 : Number(values.retries);
  if (!Number.isInteger(retries) || retries < 0) throw new ReplayUsageError(`--retries needs a whole number of 0 or more; got "${values.retries}".`);

  const recordFile = path.resolve(cwd, positionals[0]);
  const text = await readFile(recordFile, 'utf8').catch((e: Error) => {
    throw new ReplayUsageError(`Cannot read ${positionals[0]}: ${e.message}`);
  });
  const record = parseRunRecord(text);
  if (!record.run) throw new ReplayUsageError(`${positionals[0]}: ${record.problems[0] ?? 'not a run record'}`);
  for (const p of record.problems) stderr.write(`prompt-workbench: ${positionals[0]}: ${p}\n`);
  const cases = pickCases(record.cases, values.case ?? []);
  const recordName = path.basename(recordFile);

  const project = await cliProject(cwd);
  const host = project.host;
  const root = recordRoot(recordFile, cwd, (p) => host.exists(p));
  const rootUri = pathToFileURL(root).toString();
  const providers = cliProviders(env, { timeoutMs: timeoutS * 1000, maxRetries: retries, stream: values.stream, offline: values.offline, judge: { provider: values['judge-provider'] as never, model: values['judge-model'] } });
  const javascriptOff = javascriptSwitch(values['no-javascript'], project.config);

  // Today's fixture files, for the assertions (a case that is gone is compared by its text only).
  const suites = new Map<string, TestSuite | undefined>();
  const suiteOf = async (fixture: string) => {
    if (!suites.has(fixture)) suites.set(fixture, await loadSuite(pathToFileURL(path.join(root, fixture)).toString(), rootUri, (u) => host.readText(u)).catch(() => undefined));
    return suites.get(fixture);
  };

  const started = Date.now();
  const t0 = performance.now();
  const comparisons: ReplayComparison[] = [];
  const problems: string[] = [];
  for (const c of cases) {
    try {
      requestOf(c);
    } catch (e) {
      if (e instanceof ReplayError) {
        problems.push(e.message);
        continue;
      }
      throw e;
    }
    const suite = await suiteOf(c.fixture);
    const testCase = suite?.fixture.cases.find((x) => x.name === c.case);
    try {
      comparisons.push(
        await replayCase(c, {
          ...providers,
          model: values.model,
          recordName,
          current: suite && testCase ? { suite, testCase } : undefined,
          fixtureUri: pathToFileURL(path.join(root, c.fixture)).toString(),
          promptUri: pathToFileURL(path.join(root, c.prompt)).toString(),
          javascriptOff,
          signal,
        }),
      );
    } catch (e) {
      if (e instanceof ReplayError) throw new ReplayUsageError(e.message);
      throw e;
    }
  }
  if (!comparisons.length) throw new ReplayUsageError(problems[0] ?? 'Nothing to replay.');

  const results: CaseResult[] = comparisons.map((c) => c.replay);
  const counts = { passed: 0, failed: 0, error: 0, skipped: 0 };
  for (const r of results) counts[r.status]++;
  const summary: RunSummary = { results, startedAt: new Date(started).toISOString(), finishedAt: new Date().toISOString(), durationMs: performance.now() - t0, cancelled: !!signal?.aborted, counts };
  let newRecord: string | undefined;
  if (!values['no-record'] && !summary.cancelled) {
    const dir = values['records-dir'] ? path.resolve(cwd, values['records-dir']) : path.dirname(recordFile);
    const byPrompt = new Map(cases.map((c) => [pathToFileURL(path.join(root, c.prompt)).toString(), c as RecordedCase & { promptHash?: string | null; gitCommit?: string | null; gitDirty?: boolean | null }]));
    // The replay sent the recorded prompt's messages: the record names that version of the prompt.
    const name = await writeRunRecord(workbenchStore(host, dir), summary, { tool: 'prompt-workbench', toolVersion: VERSION, origin: 'cli', replayOf: { record: recordName, startedAt: record.run.startedAt } }, (uri) => {
      const c = byPrompt.get(uri);
      return c?.promptHash ? { hash: c.promptHash, git: { commit: c.gitCommit ?? undefined, dirty: c.gitDirty ?? undefined } } : undefined;
    }, providers.secrets);
    if (name) newRecord = path.relative(cwd, path.join(dir, name));
  }

  if (values.json) {
    stdout.write(`${JSON.stringify({ record: path.relative(cwd, recordFile), replayRecord: newRecord ?? null, problems, cases: comparisons.map(({ replay, ...rest }) => ({ ...rest, replay: { ...replay, messages: undefined } })) }, null, 2)}\n`);
  } else {
    const paint = painter(colorEnabled(stdout, env, values['no-color']));
    stdout.write(`Replaying ${comparisons.length} case${comparisons.length === 1 ? '' : 's'} of ${path.relative(cwd, recordFile)} (recorded ${record.run.startedAt}):\n\n`);
    for (const c of comparisons) stdout.write(`${printReplay(c, record.run.startedAt, paint)}\n`);
    for (const p of problems) stdout.write(`not replayed: ${p}\n`);
    const changed = comparisons.filter((c) => c.outputChanged).length;
    const flipped = comparisons.filter((c) => c.recorded.status !== c.replay.status).length;
    stdout.write(`${comparisons.length} replayed: ${changed} answer${changed === 1 ? '' : 's'} changed, ${flipped} verdict${flipped === 1 ? '' : 's'} changed; ${counts.passed} passed, ${counts.failed} failed, ${counts.error} errors, ${counts.skipped} skipped\n`);
    if (newRecord) stdout.write(`Run record: ${newRecord} (replay of ${recordName})\n`);
  }
  return counts.failed + counts.error > 0 ? 1 : 0;
}
