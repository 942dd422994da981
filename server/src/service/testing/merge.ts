// Merging the run records of a sharded run (`prompt-workbench report --merge DIR...`): every case
// line of every record, each case run (its id: case, matrix variant, repeat) once, into one record
// with one header, and the same results as a RunSummary for the JUnit and Markdown reports. A case
// run found in two records is counted once (the newest run's line) and reported as a duplicate;
// unreadable lines are problems with their file. Case lines are copied as read, fields this
// version does not know included.
import { parseRunRecord, RECORD_VERSION, type RecordedCase, type RecordedRun } from './records';
import type { CaseResult, CaseStatus, RunSummary } from './runner';

export interface MergeInput {
  /** The file's name (shown in problems and kept in the merged header). */
  name: string;
  text: string;
}

export interface MergeResult {
  /** The merged record's lines: a `run` header, then one `case` line per case run. */
  lines: string[];
  /** The merged results, in the order read (file by file). */
  summary: RunSummary;
  sources: { name: string; cases: number; startedAt?: string }[];
  /** Case runs found in more than one record: kept once. */
  duplicates: { id: string; files: string[] }[];
  problems: string[];
}

/** A recorded case line as a CaseResult (what the JUnit and Markdown reports read). */
export function recordedToResult(c: RecordedCase): CaseResult {
  const x = c as RecordedCase & Record<string, unknown>;
  const str = (v: unknown) => (typeof v === 'string' ? v : undefined);
  const num = (v: unknown) => (typeof v === 'number' ? v : undefined);
  const usage = x.usage && typeof x.usage === 'object' ? (x.usage as CaseResult['usage']) : undefined;
  const error = x.error && typeof x.error === 'object' ? (x.error as CaseResult['error']) : undefined;
  return {
    id: c.id,
    caseKey: c.caseKey,
    fixtureUri: '',
    promptUri: '',
    fixturePath: c.fixture,
    promptPath: c.prompt,
    caseName: c.case,
    variant: str(x.variant),
    checks: str(x.checks),
    caseLine: Math.max(0, c.caseLine - 1),
    repeat: c.repeat,
    repeats: c.repeats,
    status: c.status,
    provider: (c.provider ?? undefined) as CaseResult['provider'],
    endpoint: str(x.endpoint),
    requestedModel: str(x.requestedModel),
    returnedModel: str(x.returnedModel),
    parameters: (x.parameters as Record<string, unknown>) ?? {},
    vars: (x.vars as Record<string, unknown>) ?? {},
    output: c.output ?? undefined,
    usage,
    latencyMs: c.latencyMs ?? undefined,
    firstTokenMs: num(x.firstTokenMs),
    cost: c.cost ?? undefined,
    cached: x.cached === true,
    score: num(x.score),
    reason: c.reason,
    error,
    assertions: c.assertions.map((a) => ({ type: a.type, pass: a.pass, score: a.score, weight: a.weight, reason: a.reason, expected: a.expected ?? undefined, actual: a.actual ?? undefined, reasoning: a.reasoning ?? undefined, error: a.error, line: Math.max(0, a.line - 1) })),
  };
}

export function mergeRunRecords(inputs: readonly MergeInput[]): MergeResult {
  const problems: string[] = [];
  const sources: MergeResult['sources'] = [];
  // id -> the kept case, its run, and every file it was found in
  const kept = new Map<string, { c: RecordedCase; run: RecordedRun; files: string[] }>();
  const runs: RecordedRun[] = [];
  for (const input of inputs) {
    const parsed = parseRunRecord(input.text);
    for (const p of parsed.problems) problems.push(`${input.name}: ${p}`);
    if (!parsed.run) continue;
    runs.push(parsed.run);
    sources.push({ name: input.name, cases: parsed.cases.length, startedAt: parsed.run.startedAt });
    for (const c of parsed.cases) {
      const prev = kept.get(c.id);
      if (!prev) kept.set(c.id, { c, run: parsed.run, files: [input.name] });
      else {
        prev.files.push(input.name);
        if (parsed.run.startedAt > prev.run.startedAt) Object.assign(prev, { c, run: parsed.run });
      }
    }
  }
  const cases = [...kept.values()].map((k) => k.c);
  const counts: Record<CaseStatus, number> = { passed: 0, failed: 0, error: 0, skipped: 0 };
  for (const c of cases) counts[c.status]++;
  const starts = runs.map((r) => r.startedAt).sort();
  const ends = runs.map((r) => r.finishedAt).sort();
  const startedAt = starts[0] ?? new Date(0).toISOString();
  const finishedAt = ends[ends.length - 1] ?? startedAt;
  const cache = runs.reduce(
    (s, r) => {
      const c = (r as Record<string, unknown>).cache as { hits?: number; misses?: number; writes?: number } | null | undefined;
      return c ? { hits: s.hits + (c.hits ?? 0), misses: s.misses + (c.misses ?? 0), writes: s.writes + (c.writes ?? 0) } : s;
    },
    { hits: 0, misses: 0, writes: 0 },
  );
  const first = (runs[0] ?? {}) as Record<string, unknown>;
  const durationMs = Math.max(0, Date.parse(finishedAt) - Date.parse(startedAt)) || 0;
  const header = {
    ...first,
    type: 'run',
    version: Math.max(RECORD_VERSION, ...runs.map((r) => r.version)),
    startedAt,
    finishedAt,
    durationMs,
    counts,
    cache: runs.some((r) => (r as Record<string, unknown>).cache) ? cache : null,
    merged: { records: sources.map((s) => s.name), cases: cases.length },
  };
  const duplicates = [...kept.entries()].filter(([, k]) => k.files.length > 1).map(([id, k]) => ({ id, files: k.files }));
  return {
    lines: [JSON.stringify(header), ...cases.map((c) => JSON.stringify(c))],
    summary: { results: cases.map(recordedToResult), startedAt, finishedAt, durationMs, cancelled: false, counts, cache: header.cache ?? undefined },
    sources,
    duplicates,
    problems,
  };
}
