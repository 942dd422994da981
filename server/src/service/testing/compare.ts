// The side-by-side comparison of a run's variants (a matrix's models, prompt variants: any result
// with a variant label; without labels, the providers and models its cases used): per variant the
// pass rate, mean score, cost, tokens, latency percentiles and errors; per case the verdicts side
// by side, the cases where the variants disagree first. Plain data in, plain data out: the
// Markdown reporter here, the HTML report (compareHtml.ts) and the editor's "Compare Models" view
// all read `compareVariants`.
import type { CaseResult, CaseStatus, RunSummary } from './runner';

export interface VariantStats {
  label: string;
  provider?: string;
  /** The model requested (as written); the models that answered, when they say. */
  model?: string;
  returnedModels: string[];
  /** Case runs (repeats count). */
  runs: number;
  counts: Record<CaseStatus, number>;
  /** Passed over passed + failed + errors (skipped runs are left out); undefined when none ran. */
  passRate?: number;
  meanScore?: number;
  /** US dollars over the runs whose cost is known. */
  cost: number;
  /** Runs whose cost is unknown (no price, no usage reported). */
  unpricedRuns: number;
  meanCost?: number;
  inputTokens: number;
  outputTokens: number;
  p50LatencyMs?: number;
  p95LatencyMs?: number;
  /** Runs that errored (provider, rendering, values, an assertion that could not run). */
  errors: number;
}

export interface CaseComparison {
  /** The case (and repeat) without its variant: `path#case` or `path#case#2`. */
  key: string;
  fixturePath: string;
  caseName: string;
  /** 1-based. */
  line: number;
  repeat: number;
  repeats: number;
  /** By variant label; a variant that did not run this case has no entry. */
  verdicts: Record<string, { status: CaseStatus; score?: number; reason: string; output?: string }>;
  /** Some variants passed and others did not (failed or errored). */
  disagree: boolean;
}

export interface Comparison {
  variants: VariantStats[];
  /** Disagreements first, then in file order. */
  cases: CaseComparison[];
  /** How many of `cases` disagree. */
  disagreements: number;
}

/** The variant a result belongs to: its matrix label, else its provider and model. */
export function variantOf(r: CaseResult): string {
  return r.variant ?? ([r.provider, r.requestedModel].filter(Boolean).join(' · ') || 'render');
}

/**
 * The case (and repeat) a result is a variant of: its case key without the variant's `@label`
 * suffix (the runner's `path#case@label`), so every variant of one case lands in one row.
 */
export function caseOf(r: CaseResult): string {
  const suffix = r.variant !== undefined ? `@${r.variant}` : undefined;
  const key = suffix && r.caseKey.endsWith(suffix) ? r.caseKey.slice(0, -suffix.length) : r.caseKey;
  return `${key}${r.repeat > 1 ? `#${r.repeat}` : ''}`;
}

/** Nearest-rank percentile of sorted values. */
export function percentile(sorted: readonly number[], p: number): number | undefined {
  if (!sorted.length) return undefined;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

export function compareVariants(results: readonly CaseResult[]): Comparison {
  const byVariant = new Map<string, CaseResult[]>();
  const byCase = new Map<string, CaseComparison>();
  for (const r of results) {
    const label = variantOf(r);
    if (!byVariant.has(label)) byVariant.set(label, []);
    byVariant.get(label)!.push(r);
    const key = caseOf(r);
    let c = byCase.get(key);
    if (!c) byCase.set(key, (c = { key, fixturePath: r.fixturePath, caseName: r.caseName, line: r.caseLine + 1, repeat: r.repeat, repeats: r.repeats, verdicts: {}, disagree: false }));
    c.verdicts[label] = { status: r.status, score: r.score, reason: r.reason, output: r.output };
  }
  const variants: VariantStats[] = [...byVariant].map(([label, rs]) => {
    const counts: Record<CaseStatus, number> = { passed: 0, failed: 0, error: 0, skipped: 0 };
    for (const r of rs) counts[r.status]++;
    const ran = counts.passed + counts.failed + counts.error;
    const scores = rs.filter((r) => r.status !== 'skipped' && r.status !== 'error' && typeof r.score === 'number').map((r) => r.score!);
    const priced = rs.filter((r) => r.status !== 'skipped' && typeof r.cost === 'number');
    const latencies = rs.filter((r) => typeof r.latencyMs === 'number').map((r) => r.latencyMs!).sort((a, b) => a - b);
    const first = rs[0];
    return {
      label,
      provider: first.provider,
      model: first.requestedModel,
      returnedModels: [...new Set(rs.map((r) => r.returnedModel).filter((m): m is string => !!m))],
      runs: rs.length,
      counts,
      passRate: ran ? counts.passed / ran : undefined,
      meanScore: scores.length ? scores.reduce((s, x) => s + x, 0) / scores.length : undefined,
      cost: priced.reduce((s, r) => s + r.cost!, 0),
      unpricedRuns: rs.filter((r) => r.status !== 'skipped' && r.provider !== 'render' && typeof r.cost !== 'number' && r.output !== undefined).length,
      meanCost: priced.length ? priced.reduce((s, r) => s + r.cost!, 0) / priced.length : undefined,
      inputTokens: rs.reduce((s, r) => s + (r.usage?.inputTokens ?? 0), 0),
      outputTokens: rs.reduce((s, r) => s + (r.usage?.outputTokens ?? 0), 0),
      p50LatencyMs: percentile(latencies, 50),
      p95LatencyMs: percentile(latencies, 95),
      errors: counts.error,
    };
  });
  const order = [...byCase.values()];
  for (const c of order) {
    const ran = Object.values(c.verdicts).filter((v) => v.status !== 'skipped');
    c.disagree = ran.some((v) => v.status === 'passed') && ran.some((v) => v.status !== 'passed');
  }
  const cases = [...order.filter((c) => c.disagree), ...order.filter((c) => !c.disagree)];
  return { variants, cases, disagreements: cases.filter((c) => c.disagree).length };
}

/**
 * The chart of cost against pass rate, one point (and legend entry) per variant, as a Chart.js
 * configuration in plain JSON (dist/charts.js draws it: the HTML report and the editor's view).
 * Variants that ran nothing have no pass rate and no point.
 */
export function costPassRateChart(comparison: Comparison): Record<string, unknown> {
  const points = comparison.variants.filter((v) => v.passRate !== undefined);
  return {
    type: 'scatter',
    // Points at 100 % or at the highest cost sit on the plot's edge: drawn whole (no clip, padding).
    data: { datasets: points.map((v) => ({ label: v.label, data: [{ x: v.cost, y: Math.round(v.passRate! * 1000) / 10 }], pointRadius: 7, pointHoverRadius: 9, clip: false })) },
    options: {
      responsive: true,
      maintainAspectRatio: false,
      animation: false,
      layout: { padding: { top: 10, right: 10 } },
      plugins: { legend: { position: 'bottom' }, tooltip: { enabled: true } },
      scales: {
        x: { type: 'linear', beginAtZero: true, grace: '10%', title: { display: true, text: 'total cost (US$)' } },
        y: { type: 'linear', min: 0, max: 100, title: { display: true, text: 'pass rate (%)' } },
      },
    },
  };
}

// ---- Markdown (a pull-request comment) ----

const MARK: Record<CaseStatus, string> = { passed: '✅ pass', failed: '❌ fail', error: '⚠️ error', skipped: '⏭️ skip' };

function cell(s: string): string {
  return s.replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/\r?\n/g, ' ').replace(/</g, '&lt;');
}

/** US dollars, with as many digits as small amounts need. */
export function formatMoney(n: number): string {
  if (n === 0) return '$0';
  if (n >= 1) return `$${n.toFixed(2)}`;
  if (n >= 0.01) return `$${n.toFixed(3)}`;
  return `$${n.toPrecision(2)}`;
}

const int = (n: number) => Math.round(n).toLocaleString('en-US');
const ms = (n: number | undefined) => (n === undefined ? '–' : `${int(n)} ms`);

/** A variant's figures as the reports show them (plain text, not escaped), in `VARIANT_COLUMNS` order after the label. */
export interface VariantCells {
  model: string;
  passRate: string;
  meanScore: string;
  cost: string;
  meanCost: string;
  inputTokens: string;
  outputTokens: string;
  p50: string;
  p95: string;
  errors: string;
}

/** The column headings of the variants' table: every report has the same columns. */
export const VARIANT_COLUMNS: readonly { key: keyof VariantCells | 'label'; title: string; numeric: boolean }[] = [
  { key: 'label', title: 'variant', numeric: false },
  { key: 'model', title: 'model', numeric: false },
  { key: 'passRate', title: 'pass rate', numeric: true },
  { key: 'meanScore', title: 'mean score', numeric: true },
  { key: 'cost', title: 'cost', numeric: true },
  { key: 'meanCost', title: 'cost / run', numeric: true },
  { key: 'inputTokens', title: 'tokens in', numeric: true },
  { key: 'outputTokens', title: 'tokens out', numeric: true },
  { key: 'p50', title: 'p50 latency', numeric: true },
  { key: 'p95', title: 'p95 latency', numeric: true },
  { key: 'errors', title: 'errors', numeric: true },
];

export function variantCells(v: VariantStats): VariantCells {
  const ran = v.counts.passed + v.counts.failed + v.counts.error;
  return {
    model: [v.model ?? v.provider ?? '', ...v.returnedModels.filter((m) => m !== v.model && `${v.provider}/${m}` !== v.model).map((m) => `(${m})`)].join(' '),
    passRate: v.passRate === undefined ? '–' : `${v.counts.passed}/${ran} (${Math.round(v.passRate * 100)}%)`,
    meanScore: v.meanScore === undefined ? '–' : v.meanScore.toFixed(2),
    cost: `${formatMoney(v.cost)}${v.unpricedRuns ? ` + ${v.unpricedRuns} unpriced` : ''}`,
    meanCost: v.meanCost === undefined ? '–' : formatMoney(v.meanCost),
    inputTokens: int(v.inputTokens),
    outputTokens: int(v.outputTokens),
    p50: ms(v.p50LatencyMs),
    p95: ms(v.p95LatencyMs),
    errors: String(v.errors),
  };
}

/** The run in one sentence: case runs × variants, the counts, and whether the variants disagree. */
export function comparisonHeadline(summary: RunSummary, comparison: Comparison): string {
  const { cases, variants, disagreements } = comparison;
  return `${int(cases.length)} case run${cases.length === 1 ? '' : 's'} × ${variants.length} variant${variants.length === 1 ? '' : 's'}; ${summary.counts.passed} passed, ${summary.counts.failed} failed, ${summary.counts.error} errors, ${summary.counts.skipped} skipped in ${(summary.durationMs / 1000).toFixed(1)} s.`;
}

/** A case's title: where it is, its name and its repeat. */
export function caseTitle(c: CaseComparison): string {
  return `${c.fixturePath}:${c.line} ${c.caseName}${c.repeats > 1 ? ` [${c.repeat}/${c.repeats}]` : ''}`;
}

/** The comparison as GitHub-flavoured Markdown: the variants' table, then the cases, disagreements first. */
export function comparisonMarkdown(summary: RunSummary, options: { title?: string; maxOutput?: number } = {}): string {
  const comparison = compareVariants(summary.results);
  const { variants, cases, disagreements } = comparison;
  const maxOutput = options.maxOutput ?? 600;
  const out: string[] = [`## ${options.title ?? 'Prompt test comparison'}`, ''];
  out.push(`${comparisonHeadline(summary, comparison)} ${disagreements ? `**The variants disagree on ${disagreements} case run${disagreements === 1 ? '' : 's'}.**` : 'The variants agree on every case.'}`, '');
  out.push(`| ${VARIANT_COLUMNS.map((c) => c.title).join(' | ')} |`, `|${VARIANT_COLUMNS.map((c) => (c.numeric ? '---:' : '---')).join('|')}|`);
  for (const v of variants) {
    const cells = variantCells(v);
    out.push(`| ${VARIANT_COLUMNS.map((c) => cell(c.key === 'label' ? v.label : cells[c.key])).join(' | ')} |`);
  }
  out.push('', `### Cases${disagreements ? ' (where the variants disagree first)' : ''}`, '');
  out.push(`| case | ${variants.map((v) => cell(v.label)).join(' | ')} |`, `|---|${variants.map(() => '---').join('|')}|`);
  for (const c of cases) {
    const name = `${c.disagree ? '**≠** ' : ''}\`${cell(c.fixturePath)}:${c.line}\` ${cell(c.caseName)}${c.repeats > 1 ? ` [${c.repeat}/${c.repeats}]` : ''}`;
    out.push(`| ${name} | ${variants.map((v) => {
      const verdict = c.verdicts[v.label];
      if (!verdict) return '–';
      return `${MARK[verdict.status]}${verdict.score !== undefined && verdict.status !== 'skipped' ? ` ${verdict.score.toFixed(2)}` : ''}${verdict.status === 'passed' ? '' : `: ${cell(verdict.reason.slice(0, 160))}`}`;
    }).join(' | ')} |`);
  }
  const differing = cases.filter((c) => c.disagree);
  if (differing.length) {
    out.push('', '### Outputs where the variants disagree', '');
    for (const c of differing) {
      out.push('<details>', `<summary>${cell(caseTitle(c))}</summary>`, '');
      for (const v of variants) {
        const verdict = c.verdicts[v.label];
        if (!verdict) continue;
        const text = verdict.output ?? '';
        const shown = text.length > maxOutput ? `${text.slice(0, maxOutput)}…` : text;
        // A fence longer than any run of tildes in the output, so the output cannot close it.
        const fence = '~'.repeat(Math.max(3, ...[...shown.matchAll(/~+/g)].map((m) => m[0].length + 1)));
        out.push(`**${cell(v.label)}** (${MARK[verdict.status]})`, '', `${fence}text`, shown, fence, '');
      }
      out.push('</details>', '');
    }
  }
  return `${out.join('\n').trimEnd()}\n`;
}
