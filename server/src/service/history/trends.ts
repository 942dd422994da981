// Trends of a prompt's test results over its versions and over time, from run records: per run
// (one record file's cases of one prompt) and per version (content hash) the pass rate, mean
// score, cost and p50/p95 latency; the spread of repeated runs of one version (stability); the
// runs where the model that answered changed; and drift, the same text giving a different verdict
// distribution than before. Plain data in, plain data out: the doors read the files.
import { percentile } from '../testing/compare';
import { parseRunRecord } from '../testing/records';

/** A case line of a run record, read tolerantly: only what trends need, every other field ignored. */
export interface TrendCase {
  id: string;
  prompt: string;
  status: 'passed' | 'failed' | 'error' | 'skipped';
  promptHash?: string | null;
  gitCommit?: string | null;
  gitDirty?: boolean | null;
  returnedModel?: string | null;
  requestedModel?: string | null;
  score?: number | null;
  cost?: number | null;
  latencyMs?: number | null;
}

/** One record file (or any list of cases that ran together). */
export interface TrendRecord {
  /** The file's name, shown to say where a point comes from. */
  file: string;
  startedAt: string;
  cases: readonly TrendCase[];
}

export interface VerdictCounts {
  passed: number;
  failed: number;
  error: number;
  skipped: number;
}

/** Figures over a set of case results. */
export interface TrendFigures {
  /** Case results (repeats and matrix variants count), skipped ones included. */
  results: number;
  counts: VerdictCounts;
  /** passed / (passed + failed + error); undefined when nothing ran. */
  passRate?: number;
  /** Mean of the case scores that exist (errors and skips have none). */
  meanScore?: number;
  /** US dollars over the results whose cost is known. */
  cost: number;
  /** Cost over the results whose cost is known, per result. */
  costPerResult?: number;
  /** Nearest-rank percentiles of the latencies recorded. */
  p50LatencyMs?: number;
  p95LatencyMs?: number;
}

/** One run of one version of a prompt: a point in time. */
export interface TrendPoint extends TrendFigures {
  file: string;
  startedAt: string;
  contentHash: string;
  commit?: string;
  /** The file differed from `commit` when it ran. */
  dirty: boolean;
  /** Index into `PromptTrend.versions`. */
  version: number;
  /** The models that answered (`returnedModel`, else the requested one), sorted. */
  models: string[];
  /** Set when the models that answered differ from the previous run's (a new model snapshot). */
  modelChange?: { from: string[]; to: string[] };
}

/** The two-proportion test of one run against the earlier runs of the same text. */
export interface DriftTest {
  /** The later run. */
  file: string;
  startedAt: string;
  contentHash: string;
  /** Pooled earlier runs of the same text: passes over scored results (passed + failed + error). */
  before: { passed: number; total: number; runs: number };
  after: { passed: number; total: number };
  /** (p_after - p_before) / sqrt(p(1-p)(1/n_before + 1/n_after)), p pooled; 0 when p is 0 or 1. */
  z: number;
  /** |z| >= the threshold (1.96 by default: a 5% two-sided test). */
  drift: boolean;
}

export interface TrendVersion extends TrendFigures {
  contentHash: string;
  /** The commits this text was recorded at (a text may be committed more than once). */
  commits: string[];
  /** Short name: the first commit's 7 characters (+ when run uncommitted), else `#` and 8 of the hash. */
  label: string;
  firstRun: string;
  lastRun: string;
  /** Runs (points) of this version. */
  runs: number;
  /** The spread of the runs of this version: the lowest and highest per-run figure. */
  spread: { passRate?: { min: number; max: number }; meanScore?: { min: number; max: number } };
  models: string[];
  /** The drift tests of this version's runs (the second run onwards, when both sides are large enough). */
  drift: DriftTest[];
}

export interface PromptTrend {
  prompt: string;
  /** In the order they first ran. */
  versions: TrendVersion[];
  /** In time order. */
  points: TrendPoint[];
  /** Every drift test that flagged drift, in time order. */
  drift: DriftTest[];
  /** The points where the answering models changed. */
  modelChanges: TrendPoint[];
}

export interface TrendOptions {
  /** Only this prompt (its path as recorded, relative to the project root). */
  prompt?: string;
  /** Fewest scored results on each side of a drift test (default 5). */
  minResults?: number;
  /** |z| at or above which drift is flagged (default 1.96). */
  z?: number;
}

export const DRIFT_MIN_RESULTS = 5;
export const DRIFT_Z = 1.96;

/** Figures of a set of case results. */
export function figuresOf(cases: readonly TrendCase[]): TrendFigures {
  const counts: VerdictCounts = { passed: 0, failed: 0, error: 0, skipped: 0 };
  for (const c of cases) if (c.status in counts) counts[c.status]++;
  const ran = counts.passed + counts.failed + counts.error;
  const scores = cases.filter((c) => c.status !== 'skipped' && c.status !== 'error' && typeof c.score === 'number').map((c) => c.score as number);
  const priced = cases.filter((c) => c.status !== 'skipped' && typeof c.cost === 'number');
  const cost = priced.reduce((s, c) => s + (c.cost as number), 0);
  const latencies = cases.filter((c) => typeof c.latencyMs === 'number').map((c) => c.latencyMs as number).sort((a, b) => a - b);
  return {
    results: cases.length,
    counts,
    passRate: ran ? counts.passed / ran : undefined,
    meanScore: scores.length ? scores.reduce((s, x) => s + x, 0) / scores.length : undefined,
    cost,
    costPerResult: priced.length ? cost / priced.length : undefined,
    p50LatencyMs: percentile(latencies, 50),
    p95LatencyMs: percentile(latencies, 95),
  };
}

/** The pooled two-proportion z statistic; 0 when either side is empty or the pooled rate is 0 or 1. */
export function twoProportionZ(passedA: number, totalA: number, passedB: number, totalB: number): number {
  if (!totalA || !totalB) return 0;
  const p = (passedA + passedB) / (totalA + totalB);
  if (p <= 0 || p >= 1) return 0;
  return (passedB / totalB - passedA / totalA) / Math.sqrt(p * (1 - p) * (1 / totalA + 1 / totalB));
}

function modelsOf(cases: readonly TrendCase[]): string[] {
  return [...new Set(cases.map((c) => c.returnedModel || c.requestedModel).filter((m): m is string => !!m))].sort();
}

const sameList = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every((x, i) => x === b[i]);

function range(values: (number | undefined)[]): { min: number; max: number } | undefined {
  const xs = values.filter((v): v is number => typeof v === 'number');
  return xs.length ? { min: Math.min(...xs), max: Math.max(...xs) } : undefined;
}

/**
 * The trends of every prompt in the records (or of `options.prompt`). A record's cases of one
 * prompt and one content hash make one point; cases without a content hash are left out (they
 * cannot be placed on a version).
 */
export function promptTrends(records: readonly TrendRecord[], options: TrendOptions = {}): PromptTrend[] {
  const minResults = options.minResults ?? DRIFT_MIN_RESULTS;
  const zLimit = options.z ?? DRIFT_Z;
  // prompt -> point key (file + hash) -> cases
  const byPrompt = new Map<string, Map<string, { record: TrendRecord; hash: string; cases: TrendCase[] }>>();
  for (const record of records) {
    for (const c of record.cases) {
      if (!c.promptHash || (options.prompt !== undefined && c.prompt !== options.prompt)) continue;
      let points = byPrompt.get(c.prompt);
      if (!points) byPrompt.set(c.prompt, (points = new Map()));
      const key = `${record.file}\u0000${record.startedAt}\u0000${c.promptHash}`;
      let p = points.get(key);
      if (!p) points.set(key, (p = { record, hash: c.promptHash, cases: [] }));
      p.cases.push(c);
    }
  }
  const out: PromptTrend[] = [];
  for (const [prompt, groups] of [...byPrompt].sort(([a], [b]) => a.localeCompare(b))) {
    const sorted = [...groups.values()].sort((a, b) => a.record.startedAt.localeCompare(b.record.startedAt) || a.record.file.localeCompare(b.record.file));
    const versionIndex = new Map<string, number>();
    const versionCases: TrendCase[][] = [];
    const versionHashes: string[] = [];
    const points: TrendPoint[] = [];
    for (const g of sorted) {
      let v = versionIndex.get(g.hash);
      if (v === undefined) {
        versionIndex.set(g.hash, (v = versionHashes.length));
        versionHashes.push(g.hash);
        versionCases.push([]);
      }
      versionCases[v].push(...g.cases);
      const commit = g.cases.find((c) => c.gitCommit)?.gitCommit ?? undefined;
      const point: TrendPoint = {
        file: g.record.file,
        startedAt: g.record.startedAt,
        contentHash: g.hash,
        commit,
        dirty: g.cases.some((c) => c.gitDirty === true) || !commit,
        version: v,
        models: modelsOf(g.cases),
        ...figuresOf(g.cases),
      };
      const previous = points[points.length - 1];
      if (previous && previous.models.length && point.models.length && !sameList(previous.models, point.models)) point.modelChange = { from: previous.models, to: point.models };
      points.push(point);
    }
    const versions: TrendVersion[] = versionHashes.map((hash, v) => {
      const mine = points.filter((p) => p.version === v);
      const commits = [...new Set(mine.map((p) => p.commit).filter((c): c is string => !!c))];
      const drift: DriftTest[] = [];
      for (let i = 1; i < mine.length; i++) {
        const earlier = mine.slice(0, i);
        const before = { passed: earlier.reduce((s, p) => s + p.counts.passed, 0), total: earlier.reduce((s, p) => s + p.counts.passed + p.counts.failed + p.counts.error, 0), runs: earlier.length };
        const now = mine[i];
        const after = { passed: now.counts.passed, total: now.counts.passed + now.counts.failed + now.counts.error };
        if (before.total < minResults || after.total < minResults) continue;
        const z = twoProportionZ(before.passed, before.total, after.passed, after.total);
        drift.push({ file: now.file, startedAt: now.startedAt, contentHash: hash, before, after, z, drift: Math.abs(z) >= zLimit });
      }
      const firstCommit = mine.find((p) => p.commit)?.commit;
      return {
        contentHash: hash,
        commits,
        label: firstCommit ? `${firstCommit.slice(0, 7)}${mine.every((p) => p.dirty) ? '+' : ''}` : `#${hash.slice(0, 8)}`,
        firstRun: mine[0].startedAt,
        lastRun: mine[mine.length - 1].startedAt,
        runs: mine.length,
        spread: { passRate: range(mine.map((p) => p.passRate)), meanScore: range(mine.map((p) => p.meanScore)) },
        models: modelsOf(versionCases[v]),
        drift,
        ...figuresOf(versionCases[v]),
      };
    });
    out.push({
      prompt,
      versions,
      points,
      drift: versions.flatMap((v) => v.drift.filter((d) => d.drift)).sort((a, b) => a.startedAt.localeCompare(b.startedAt)),
      modelChanges: points.filter((p) => p.modelChange),
    });
  }
  return out;
}

/** A run record file's text as a TrendRecord; bad lines are problems, never exceptions. */
export function trendRecordFromText(file: string, text: string): { record?: TrendRecord; problems: string[] } {
  const parsed = parseRunRecord(text);
  if (!parsed.run) return { problems: parsed.problems };
  const str = (v: unknown) => (typeof v === 'string' ? v : undefined);
  const num = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);
  const cases: TrendCase[] = parsed.cases.map((c) => {
    const x = c as Record<string, unknown>;
    return {
      id: c.id,
      prompt: c.prompt,
      status: c.status,
      promptHash: str(x.promptHash),
      gitCommit: str(x.gitCommit),
      gitDirty: typeof x.gitDirty === 'boolean' ? x.gitDirty : undefined,
      // A record may also keep the raw answer under `response` (newer records): its model, when the line has none.
      returnedModel: str(x.returnedModel) ?? str((x.response as Record<string, unknown> | null | undefined)?.returnedModel) ?? str((x.response as Record<string, unknown> | null | undefined)?.model),
      requestedModel: str(x.requestedModel),
      score: num(x.score),
      cost: num(c.cost),
      latencyMs: num(c.latencyMs),
    };
  });
  return { record: { file, startedAt: parsed.run.startedAt, cases }, problems: parsed.problems };
}
