// Regressions between two sets of test results: per fixture case, both outputs, their verdicts,
// and what changed (newly failing, newly passing, output changed, tokens, cost and latency).
// Plain data in, plain data out: the records may come from two versions of a prompt, or from two
// runs of one version weeks apart (drift of a model behind the same name).

/** One assertion's verdict in a run. */
export interface AssertionVerdict {
  /** The assertion type (`contains`, `is-json`, `llm-rubric`, ...), with `not-` when negated. */
  type: string;
  /** What it checked for, shown to the user (`"refund"`, a rubric), when there is one. */
  value?: string;
  pass: boolean;
  score?: number;
  /** Why it failed, in words. */
  reason?: string;
}

/** One fixture case run once against one version of a prompt. */
export interface RunRecord {
  /** The prompt file, relative to the workspace or repository root. */
  promptFile: string;
  /** Hash of the prompt text that ran (the same text gives the same hash). */
  contentHash: string;
  /** The commit the text came from, when it came from git. */
  commit?: string;
  provider: string;
  model: string;
  caseId: string;
  caseName?: string;
  output: string;
  assertions: AssertionVerdict[];
  pass: boolean;
  /** The provider's error, when the call failed (the case then fails). */
  error?: string;
  tokens?: { input?: number; output?: number; total?: number };
  /** Cost of the call in USD. */
  cost?: number;
  latencyMs?: number;
  /** When it ran (ISO 8601). */
  startedAt?: string;
}

export type CaseChange = 'newly-failing' | 'newly-passing' | 'still-failing' | 'still-passing' | 'added' | 'removed';

export interface AssertionChange {
  type: string;
  value?: string;
  a?: boolean;
  b?: boolean;
}

export interface CaseComparison {
  caseId: string;
  caseName?: string;
  a?: RunRecord;
  b?: RunRecord;
  /** How many records each side had for this case (the newest one is compared). */
  runs: { a: number; b: number };
  change: CaseChange;
  outputChanged: boolean;
  /** Assertions whose verdict differs (or that exist on one side only). */
  assertionChanges: AssertionChange[];
  /** b minus a; undefined when either side lacks the figure. */
  tokensDelta?: number;
  costDelta?: number;
  latencyDelta?: number;
}

export interface RunSide {
  promptFiles: string[];
  contentHashes: string[];
  commits: string[];
  providers: string[];
  models: string[];
  /** First and last `startedAt`. */
  from?: string;
  to?: string;
  cases: number;
  passed: number;
  tokens?: number;
  cost?: number;
}

export interface RunComparison {
  a: RunSide;
  b: RunSide;
  cases: CaseComparison[];
  counts: Record<CaseChange, number> & { outputChanged: number };
  tokensDelta?: number;
  costDelta?: number;
  /** Things that make the comparison less than like-for-like (different model or provider). */
  notes: string[];
}

const ORDER: Record<CaseChange, number> = { 'newly-failing': 0, 'newly-passing': 1, removed: 2, added: 3, 'still-failing': 4, 'still-passing': 5 };

function newest(records: RunRecord[]): RunRecord {
  // The latest run wins; records without a time keep their order (the last one wins).
  let best = records[0];
  for (const r of records.slice(1)) if ((r.startedAt ?? '') >= (best.startedAt ?? '')) best = r;
  return best;
}

function tokensOf(r: RunRecord | undefined): number | undefined {
  if (!r?.tokens) return undefined;
  return r.tokens.total ?? (r.tokens.input !== undefined || r.tokens.output !== undefined ? (r.tokens.input ?? 0) + (r.tokens.output ?? 0) : undefined);
}

function delta(a: number | undefined, b: number | undefined): number | undefined {
  return a === undefined || b === undefined ? undefined : b - a;
}

function assertionKey(v: AssertionVerdict, index: number, all: AssertionVerdict[]): string {
  // Same type twice in one case: tell them apart by value, else by their position among that type.
  const sameType = all.filter((x) => x.type === v.type);
  if (sameType.length === 1) return v.type;
  return v.value !== undefined ? `${v.type}\u0000${v.value}` : `${v.type}\u0000#${all.slice(0, index).filter((x) => x.type === v.type).length}`;
}

function assertionChanges(a: RunRecord | undefined, b: RunRecord | undefined): AssertionChange[] {
  const map = new Map<string, AssertionChange>();
  (a?.assertions ?? []).forEach((v, i, all) => map.set(assertionKey(v, i, all), { type: v.type, value: v.value, a: v.pass }));
  (b?.assertions ?? []).forEach((v, i, all) => {
    const key = assertionKey(v, i, all);
    const c = map.get(key);
    if (c) c.b = v.pass;
    else map.set(key, { type: v.type, value: v.value, b: v.pass });
  });
  return [...map.values()].filter((c) => c.a !== c.b);
}

function side(records: RunRecord[]): RunSide {
  const uniq = (xs: (string | undefined)[]) => [...new Set(xs.filter((x): x is string => !!x))];
  const times = records.map((r) => r.startedAt).filter((t): t is string => !!t).sort();
  const byCase = new Map<string, RunRecord[]>();
  for (const r of records) byCase.set(r.caseId, [...(byCase.get(r.caseId) ?? []), r]);
  const latest = [...byCase.values()].map(newest);
  const tokenList = latest.map(tokensOf);
  const costList = latest.map((r) => r.cost);
  return {
    promptFiles: uniq(records.map((r) => r.promptFile)),
    contentHashes: uniq(records.map((r) => r.contentHash)),
    commits: uniq(records.map((r) => r.commit)),
    providers: uniq(records.map((r) => r.provider)),
    models: uniq(records.map((r) => r.model)),
    from: times[0],
    to: times[times.length - 1],
    cases: latest.length,
    passed: latest.filter((r) => r.pass).length,
    tokens: tokenList.every((t) => t !== undefined) && tokenList.length ? tokenList.reduce((s, t) => s + (t ?? 0), 0) : undefined,
    cost: costList.every((c) => c !== undefined) && costList.length ? costList.reduce((s, c) => s + (c ?? 0), 0) : undefined,
  };
}

/** Compares two sets of run records case by case (`a` is the baseline, `b` the candidate). */
export function compareRuns(a: readonly RunRecord[], b: readonly RunRecord[]): RunComparison {
  const group = (records: readonly RunRecord[]) => {
    const m = new Map<string, RunRecord[]>();
    for (const r of records) m.set(r.caseId, [...(m.get(r.caseId) ?? []), r]);
    return m;
  };
  const ga = group(a);
  const gb = group(b);
  const ids = [...new Set([...ga.keys(), ...gb.keys()])];
  const cases: CaseComparison[] = ids.map((caseId) => {
    const ra = ga.get(caseId);
    const rb = gb.get(caseId);
    const x = ra && newest(ra);
    const y = rb && newest(rb);
    const change: CaseChange = !x ? 'added' : !y ? 'removed' : x.pass && !y.pass ? 'newly-failing' : !x.pass && y.pass ? 'newly-passing' : x.pass ? 'still-passing' : 'still-failing';
    return {
      caseId,
      caseName: y?.caseName ?? x?.caseName,
      a: x,
      b: y,
      runs: { a: ra?.length ?? 0, b: rb?.length ?? 0 },
      change,
      outputChanged: !!x && !!y && (x.output !== y.output || (x.error ?? '') !== (y.error ?? '')),
      assertionChanges: assertionChanges(x, y),
      tokensDelta: delta(tokensOf(x), tokensOf(y)),
      costDelta: delta(x?.cost, y?.cost),
      latencyDelta: delta(x?.latencyMs, y?.latencyMs),
    };
  });
  cases.sort((p, q) => ORDER[p.change] - ORDER[q.change] || Number(q.outputChanged) - Number(p.outputChanged) || (p.caseName ?? p.caseId).localeCompare(q.caseName ?? q.caseId));
  const counts = { 'newly-failing': 0, 'newly-passing': 0, 'still-failing': 0, 'still-passing': 0, added: 0, removed: 0, outputChanged: 0 };
  for (const c of cases) {
    counts[c.change]++;
    if (c.outputChanged) counts.outputChanged++;
  }
  const sa = side([...a]);
  const sb = side([...b]);
  const notes: string[] = [];
  const list = (xs: string[]) => xs.join(', ') || '(none)';
  if (list(sa.models) !== list(sb.models)) notes.push(`The models differ: ${list(sa.models)} and ${list(sb.models)}.`);
  if (list(sa.providers) !== list(sb.providers)) notes.push(`The providers differ: ${list(sa.providers)} and ${list(sb.providers)}.`);
  if (sa.contentHashes.length === 1 && sa.contentHashes[0] === sb.contentHashes[0] && sb.contentHashes.length === 1) notes.push('Both sides ran the same prompt text: differences come from the model or provider (drift), or from randomness.');
  if (sa.promptFiles.length > 1 || sb.promptFiles.length > 1) notes.push('Records of more than one prompt file were compared.');
  return { a: sa, b: sb, cases, counts, tokensDelta: delta(sa.tokens, sb.tokens), costDelta: delta(sa.cost, sb.cost), notes };
}

/** Every 'still-*' case whose output is the same is unchanged; the rest is what a reviewer reads. */
export function isChanged(c: CaseComparison): boolean {
  return c.change === 'newly-failing' || c.change === 'newly-passing' || c.change === 'added' || c.change === 'removed' || c.outputChanged || c.assertionChanges.length > 0;
}
