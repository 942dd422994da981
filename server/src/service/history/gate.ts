// The pull-request gate: the test results of a base revision's prompts against the working tree's,
// prompt by prompt, and the verdict. It fails on a new failure (a case that passed in the base and
// does not now, or a new case that does not pass) or when the pass rate drops by more than the
// allowed percentage points. Plain data in, plain data and Markdown out.
import { formatCostDelta } from './report';
import type { CaseComparison, RunComparison } from './runs';

export interface GatePrompt {
  /** The prompt file, relative to the project root. */
  prompt: string;
  comparison: RunComparison;
  /** Results reused from run records (same text, case, provider, model, values, checks) and run now, per side. */
  base: { reused: number; ran: number; exists: boolean };
  head: { reused: number; ran: number };
}

export interface GateResult {
  baseLabel: string;
  prompts: GatePrompt[];
  /** Every new failure, with its prompt. */
  newFailures: { prompt: string; case: CaseComparison }[];
  /** Pass rates over every case of every prompt (undefined when a side ran nothing). */
  passRate: { base?: number; head?: number };
  /** base - head, in percentage points (positive: a drop). */
  dropPoints: number;
  /** The allowed drop in percentage points. */
  maxDropPoints: number;
  failed: boolean;
  /** Why it failed, in words. */
  reasons: string[];
}

/** A case that passed in the base and does not now, or a new case that does not pass. */
export function isNewFailure(c: CaseComparison): boolean {
  return c.change === 'newly-failing' || (c.change === 'added' && !!c.b && !c.b.pass);
}

export function gateResult(baseLabel: string, prompts: GatePrompt[], maxDropPoints: number): GateResult {
  const newFailures = prompts.flatMap((p) => p.comparison.cases.filter(isNewFailure).map((c) => ({ prompt: p.prompt, case: c })));
  const sum = (side: 'a' | 'b', k: 'passed' | 'cases') => prompts.reduce((s, p) => s + p.comparison[side][k], 0);
  const base = sum('a', 'cases') ? sum('a', 'passed') / sum('a', 'cases') : undefined;
  const head = sum('b', 'cases') ? sum('b', 'passed') / sum('b', 'cases') : undefined;
  const dropPoints = base !== undefined && head !== undefined ? (base - head) * 100 : 0;
  const reasons: string[] = [];
  if (newFailures.length) reasons.push(`${newFailures.length} new failure${newFailures.length === 1 ? '' : 's'}`);
  // A rounding guard: 1/3 - 1/3 computed two ways must not fail a 0-point limit.
  if (dropPoints > maxDropPoints + 1e-9) reasons.push(`the pass rate dropped by ${dropPoints.toFixed(1)} points (allowed: ${maxDropPoints})`);
  return { baseLabel, prompts, newFailures, passRate: { base, head }, dropPoints, maxDropPoints, failed: reasons.length > 0, reasons };
}

const pct = (x: number | undefined) => (x === undefined ? '–' : `${(x * 100).toFixed(1)}%`);

function cell(s: string): string {
  return s.replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/\r?\n/g, ' ').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function why(c: CaseComparison): string {
  const r = c.b;
  if (!r) return '';
  if (r.error) return r.error;
  const failed = r.assertions.filter((a) => !a.pass);
  return failed.map((a) => `${a.type}${a.reason ? `: ${a.reason}` : ''}`).join('; ');
}

/** The gate as a pull-request comment (GitHub-flavoured Markdown). */
export function gateMarkdown(g: GateResult): string {
  const out: string[] = [];
  out.push(`## Prompt tests against ${cell(g.baseLabel)}: ${g.failed ? '❌ failed' : '✅ passed'}`, '');
  out.push(g.failed ? `**${cell(g.reasons.join('; '))}.**` : `No new failures; the pass rate ${g.dropPoints > 0 ? `dropped by ${g.dropPoints.toFixed(1)} points (allowed: ${g.maxDropPoints})` : 'did not drop'}.`, '');
  out.push(`Pass rate: ${pct(g.passRate.base)} (base) → ${pct(g.passRate.head)} (this change).`, '');
  out.push('| prompt | base | this change | newly failing | newly passing | new cases | removed | outputs changed | cost Δ | results reused |', '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
  for (const p of g.prompts) {
    const c = p.comparison;
    out.push(
      `| \`${cell(p.prompt)}\` | ${p.base.exists ? `${c.a.passed}/${c.a.cases}` : 'new prompt'} | ${c.b.passed}/${c.b.cases} | ${c.counts['newly-failing']} | ${c.counts['newly-passing']} | ${c.counts.added} | ${c.counts.removed} | ${c.counts.outputChanged} | ${formatCostDelta(c.costDelta)} | ${p.base.reused + p.head.reused}/${p.base.reused + p.base.ran + p.head.reused + p.head.ran} |`,
    );
  }
  if (g.newFailures.length) {
    out.push('', '### New failures', '');
    for (const f of g.newFailures) out.push(`- \`${cell(f.prompt)}\` ${cell(f.case.caseName ?? f.case.caseId)}${f.case.change === 'added' ? ' (new case)' : ''}: ${cell(why(f.case).slice(0, 300))}`);
  }
  const fixed = g.prompts.flatMap((p) => p.comparison.cases.filter((c) => c.change === 'newly-passing').map((c) => `- \`${cell(p.prompt)}\` ${cell(c.caseName ?? c.caseId)}`));
  if (fixed.length) out.push('', '### Newly passing', '', ...fixed);
  const notes = [...new Set(g.prompts.flatMap((p) => p.comparison.notes.map((n) => `\`${cell(p.prompt)}\`: ${cell(n)}`)))];
  if (notes.length) out.push('', '### Notes', '', ...notes.map((n) => `- ${n}`));
  return `${out.join('\n')}\n`;
}

/** The gate as plain text for a terminal. */
export function gateText(g: GateResult): string {
  const out = [`Against ${g.baseLabel}: ${g.failed ? `FAILED (${g.reasons.join('; ')})` : 'passed'}`, `Pass rate: ${pct(g.passRate.base)} -> ${pct(g.passRate.head)} (allowed drop: ${g.maxDropPoints} points)`];
  for (const p of g.prompts) {
    const c = p.comparison;
    out.push(`  ${p.prompt}: ${p.base.exists ? `${c.a.passed}/${c.a.cases}` : 'new prompt'} -> ${c.b.passed}/${c.b.cases}; ${c.counts['newly-failing']} newly failing, ${c.counts['newly-passing']} newly passing, ${c.counts.added} new, ${c.counts.removed} removed (reused ${p.base.reused + p.head.reused}, ran ${p.base.ran + p.head.ran})`);
  }
  for (const f of g.newFailures) out.push(`NEW FAILURE ${f.prompt}: ${f.case.caseName ?? f.case.caseId}${why(f.case) ? ` (${why(f.case).slice(0, 200)})` : ''}`);
  return `${out.join('\n')}\n`;
}
