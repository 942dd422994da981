// Test results for one version of a prompt, for "Compare Test Results" and `diff --tests`: the
// fixture suites that test the prompt (from the working tree) run against that version's text,
// given directly to the runner, reusing the results recorded earlier for the same text (by content
// hash) instead of asking the model again. Also turns run records into RunRecords for compareRuns.
import { parseDocument } from '../document';
import {
  caseVars,
  checksFingerprint,
  contentHash,
  hasEmbeddedTests,
  loadSuite,
  parseRunRecord,
  planJobs,
  suiteProvider,
  runTests,
  writeRunRecord,
  type CaseJob,
  type CaseResult,
  type FileStore,
  type ReadText,
  type RecordedCase,
  type RecordedRun,
  type RunMeta,
  type RunOptions,
  type TestSuite,
} from '../testing';
import type { RunRecord } from './runs';

export interface VersionToTest {
  /** The prompt file in the working tree (`file://` URI): fixtures name it, partials resolve beside it. */
  promptUri: string;
  /** The text of this version. */
  text: string;
  /** The commit it comes from; undefined for the working copy. */
  commit?: string;
  label: string;
}

export interface VersionTestHost {
  /** Every fixture file (`*.tests.yaml`, as URIs) that may test the prompt. */
  fixtureUris(): Promise<string[]>;
  readText: ReadText;
  /** Where run records are: earlier results are reused from here and new ones written here. */
  records?: FileStore;
}

export interface VersionTestOptions {
  /** Root for relative paths and case ids (the workspace folder, or the CLI's working folder). */
  rootUri: string;
  /** The runner's options, the same for both versions (provider, models, cache, concurrency...). */
  run: Omit<RunOptions, 'signal' | 'onStart' | 'onResult'>;
  signal?: AbortSignal;
  /** Written into the run record of the fresh results. */
  meta: RunMeta;
  /** Reuse recorded results (default true). */
  reuse?: boolean;
  /** Write a run record of the fresh results into `host.records` (default true). */
  writeRecords?: boolean;
  onProgress?(message: string): void;
}

export interface VersionTestRun {
  records: RunRecord[];
  /** Cases whose recorded result was reused (same text, case, provider, model, values, assertions). */
  reused: number;
  /** Cases run now. */
  ran: number;
  /** The fixture files that test the prompt (relative to the root). */
  fixtures: string[];
  /** The run record written for the fresh results. */
  recordFile?: string;
  cancelled: boolean;
}

export class NoFixturesError extends Error {}

function tokensOf(usage: { inputTokens?: number; outputTokens?: number } | null | undefined): RunRecord['tokens'] {
  if (!usage || (usage.inputTokens === undefined && usage.outputTokens === undefined)) return undefined;
  return { input: usage.inputTokens, output: usage.outputTokens, total: (usage.inputTokens ?? 0) + (usage.outputTokens ?? 0) };
}

/** A fresh result as a RunRecord. */
export function resultToRunRecord(r: CaseResult, hash: string, commit: string | undefined, startedAt: string): RunRecord {
  return {
    promptFile: r.promptPath,
    contentHash: hash,
    commit,
    provider: r.provider ?? 'unknown',
    model: r.returnedModel ?? r.requestedModel ?? '',
    caseId: r.id,
    caseName: r.repeats > 1 ? `${r.caseName} #${r.repeat}` : r.caseName,
    output: r.output ?? '',
    assertions: r.assertions.map((a) => ({ type: a.type, value: a.expected, pass: a.pass, score: a.score, reason: a.reason })),
    pass: r.status === 'passed',
    error: r.status === 'error' ? (r.error?.message ?? r.reason) : r.status === 'skipped' ? r.reason : undefined,
    tokens: tokensOf(r.usage),
    cost: r.cost,
    latencyMs: r.latencyMs,
    startedAt,
  };
}

/** A recorded case (a line of a run record file) as a RunRecord. */
export function recordedToRunRecord(c: RecordedCase, run: RecordedRun | undefined): RunRecord {
  const extra = c as RecordedCase & { promptHash?: string | null; gitCommit?: string | null; requestedModel?: string | null; returnedModel?: string | null; usage?: { inputTokens?: number; outputTokens?: number } | null; error?: { message?: string } | null };
  return {
    promptFile: c.prompt,
    contentHash: extra.promptHash ?? '',
    commit: extra.gitCommit ?? undefined,
    provider: c.provider ?? 'unknown',
    model: extra.returnedModel ?? extra.requestedModel ?? '',
    caseId: c.id,
    caseName: c.repeats > 1 ? `${c.case} #${c.repeat}` : c.case,
    output: c.output ?? '',
    assertions: c.assertions.map((a) => ({ type: a.type, value: a.expected ?? undefined, pass: a.pass, score: a.score, reason: a.reason })),
    pass: c.status === 'passed',
    error: c.status === 'error' ? (extra.error?.message ?? c.reason) : c.status === 'skipped' ? c.reason : undefined,
    tokens: tokensOf(extra.usage),
    cost: c.cost ?? undefined,
    latencyMs: c.latencyMs ?? undefined,
    startedAt: run?.startedAt,
  };
}

/** Every case of one run record file as RunRecords (for comparing two recorded runs: drift). */
export function runRecordsFromFile(text: string): { records: RunRecord[]; problems: string[]; run?: RecordedRun } {
  const parsed = parseRunRecord(text);
  return { records: parsed.cases.map((c) => recordedToRunRecord(c, parsed.run)), problems: parsed.problems, run: parsed.run };
}

interface Reusable {
  c: RecordedCase;
  run?: RecordedRun;
}

/** Recorded results of this text, by case id, newest first wins. */
async function recordedResults(store: FileStore, hash: string): Promise<Map<string, Reusable>> {
  const out = new Map<string, Reusable>();
  let names: string[] = [];
  try {
    names = (await store.list()).filter((n) => n.endsWith('.jsonl'));
  } catch {
    return out;
  }
  for (const name of names) {
    const text = await store.read(name).catch(() => undefined);
    if (!text || !text.includes(hash)) continue;
    const parsed = parseRunRecord(text);
    for (const c of parsed.cases) {
      if ((c as { promptHash?: string | null }).promptHash !== hash) continue;
      if (c.status !== 'passed' && c.status !== 'failed') continue; // errors and skips are not results
      const prev = out.get(c.id);
      if (!prev || (parsed.run?.startedAt ?? '') > (prev.run?.startedAt ?? '')) out.set(c.id, { c, run: parsed.run });
    }
  }
  return out;
}

/** Whether a recorded case is the result this job would produce: same provider, model, values and checks. */
async function matches(rec: RecordedCase, job: CaseJob, options: VersionTestOptions): Promise<boolean> {
  const c = job.testCase;
  const prompt = job.suite.prompt;
  if (!prompt) return false;
  const requestedModel = c.model ?? prompt.model;
  const provider = c.provider ?? options.run.defaultProvider ?? suiteProvider(job.suite, requestedModel) ?? 'render';
  if (rec.provider !== provider) return false;
  if (((rec as { requestedModel?: string | null }).requestedModel ?? undefined) !== requestedModel) return false;
  // Same checks: assertion types, values, weights and thresholds (records without the fingerprint are not reused).
  if (((rec as { checks?: string | null }).checks ?? undefined) !== checksFingerprint(c)) return false;
  try {
    // The run's reader: the same guard as a fresh run, so a reused result never needs a refused file.
    const vars = await caseVars(prompt, job.suite.fixture, c, options.run.readText);
    return JSON.stringify((rec as { vars?: unknown }).vars ?? {}) === JSON.stringify(vars);
  } catch {
    return false;
  }
}

/** Runs (or reuses) the prompt's fixture suites against one version of its text. */
export async function runVersionTests(version: VersionToTest, host: VersionTestHost, options: VersionTestOptions): Promise<VersionTestRun> {
  const hash = contentHash(version.text);
  const suites: TestSuite[] = [];
  // A prompt file that holds its own cases (GitHub Models `testData`): that version's rows and evaluators.
  if (hasEmbeddedTests(version.promptUri)) {
    const own = await loadSuite(version.promptUri, options.rootUri, host.readText, version.text);
    if (own.fixture.cases.length) suites.push(own);
  }
  for (const uri of await host.fixtureUris()) {
    let suite: TestSuite;
    try {
      suite = await loadSuite(uri, options.rootUri, host.readText);
    } catch {
      continue; // unreadable fixture files are reported by the editor and `test`, not here
    }
    if (suite.fixture.promptUri !== version.promptUri) continue;
    // The version's text, not the working copy's: the runner takes the parsed document directly.
    suite.prompt = parseDocument(version.text, version.promptUri, 0, { maxTemplateSize: Infinity });
    suites.push(suite);
  }
  if (!suites.length) throw new NoFixturesError(`No fixture file tests this prompt: create one beside it (name.tests.yaml with \`prompt: ./name.prompt\`), then compare again.`);
  const fixtures = suites.map((s) => s.relativePath);

  const jobs = planJobs(suites, options.run.repeat);
  const reusable = options.reuse === false || !host.records ? new Map<string, Reusable>() : await recordedResults(host.records, hash);
  const reused: RunRecord[] = [];
  const toRun: CaseJob[] = [];
  for (const job of jobs) {
    const rec = reusable.get(job.id);
    if (rec && (await matches(rec.c, job, options))) reused.push({ ...recordedToRunRecord(rec.c, rec.run), commit: version.commit ?? recordedToRunRecord(rec.c, rec.run).commit });
    else toRun.push(job);
  }
  options.onProgress?.(`${version.label}: ${reused.length} reused, ${toRun.length} to run`);

  const records = [...reused];
  let recordFile: string | undefined;
  let cancelled = false;
  if (toRun.length) {
    let done = 0;
    const summary = await runTests(suites, { ...options.run, signal: options.signal, onResult: () => options.onProgress?.(`${version.label}: ${++done}/${toRun.length} run`) }, toRun);
    cancelled = summary.cancelled;
    if (!cancelled) {
      records.push(...summary.results.map((r) => resultToRunRecord(r, hash, version.commit, summary.startedAt)));
      if (host.records && options.writeRecords !== false) {
        recordFile = await writeRunRecord(host.records, summary, options.meta, () => ({ hash, git: version.commit ? { commit: version.commit, dirty: false } : undefined }), options.run.secrets ?? []).catch(() => undefined);
      }
    }
  }
  return { records, reused: reused.length, ran: toRun.length, fixtures, recordFile, cancelled };
}
