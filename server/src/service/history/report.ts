// A run comparison as plain text (the CLI, review bots) and the short phrases the editor's
// comparison view shares with it.
import { isChanged, type CaseChange, type CaseComparison, type RunComparison } from './runs';

export const CHANGE_LABELS: Record<CaseChange, string> = {
  'newly-failing': 'newly failing',
  'newly-passing': 'newly passing',
  'still-failing': 'still failing',
  'still-passing': 'still passing',
  added: 'only in B',
  removed: 'only in A',
};

export function formatDelta(n: number | undefined, unit = '', digits = 0): string {
  if (n === undefined) return '-';
  // The sign of what is shown: -0.3 ms shown as 0 is no change.
  const shown = Number(n.toFixed(digits));
  const s = Math.abs(shown).toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
  return `${shown > 0 ? '+' : shown < 0 ? '-' : '±'}${unit}${s}`;
}

export function formatCostDelta(n: number | undefined): string {
  if (n === undefined) return '-';
  if (Math.abs(n) < 5e-9) return '±$0';
  return `${n > 0 ? '+' : '-'}$${Math.abs(n) < 0.01 ? Math.abs(n).toPrecision(2) : Math.abs(n).toFixed(4)}`;
}

/** `3 newly failing, 1 newly passing, 4 outputs changed` */
export function comparisonHeadline(c: RunComparison): string {
  const parts: string[] = [];
  for (const k of ['newly-failing', 'newly-passing', 'added', 'removed'] as CaseChange[]) if (c.counts[k]) parts.push(`${c.counts[k]} ${CHANGE_LABELS[k]}`);
  if (c.counts.outputChanged) parts.push(`${c.counts.outputChanged} output${c.counts.outputChanged === 1 ? '' : 's'} changed`);
  return parts.length ? parts.join(', ') : 'no changes';
}

function verdict(c: CaseComparison, s: 'a' | 'b'): string {
  const r = c[s];
  if (!r) return 'not run';
  return r.error ? 'ERROR' : r.pass ? 'pass' : 'FAIL';
}

function indent(text: string, prefix: string, maxLines = 12): string {
  const lines = text.split(/\r?\n/);
  const shown = lines.slice(0, maxLines).map((l) => `${prefix}${l}`);
  if (lines.length > maxLines) shown.push(`${prefix}… (${lines.length - maxLines} more lines)`);
  return shown.join('\n');
}

export interface ComparisonTextOptions {
  labels: { a: string; b: string };
  /** Show unchanged cases too (default: changed cases only). */
  all?: boolean;
  /** Lines of each output shown (default 12). */
  outputLines?: number;
}

/** The comparison as plain text, changed cases first. */
export function formatComparisonText(c: RunComparison, options: ComparisonTextOptions): string {
  const out: string[] = [];
  out.push(`A: ${options.labels.a}  (${c.a.passed}/${c.a.cases} passed${c.a.models.length ? `, ${c.a.models.join(', ')}` : ''})`);
  out.push(`B: ${options.labels.b}  (${c.b.passed}/${c.b.cases} passed${c.b.models.length ? `, ${c.b.models.join(', ')}` : ''})`);
  out.push(`Result: ${comparisonHeadline(c)}; tokens ${formatDelta(c.tokensDelta)}, cost ${formatCostDelta(c.costDelta)}`);
  for (const n of c.notes) out.push(`Note: ${n}`);
  out.push('');
  const shown = options.all ? c.cases : c.cases.filter(isChanged);
  for (const k of c.cases) {
    if (!shown.includes(k)) continue;
    out.push(`${CHANGE_LABELS[k.change].toUpperCase()}${k.outputChanged ? ', output changed' : ''}: ${k.caseName ?? k.caseId}${k.caseName && k.caseName !== k.caseId ? ` [${k.caseId}]` : ''}`);
    out.push(`  verdict ${verdict(k, 'a')} -> ${verdict(k, 'b')}; tokens ${formatDelta(k.tokensDelta)}, cost ${formatCostDelta(k.costDelta)}, latency ${formatDelta(k.latencyDelta, '', 0)} ms`);
    for (const a of k.assertionChanges) out.push(`  ${a.type}${a.value !== undefined ? ` - ${a.value}` : ''}: ${a.a === undefined ? 'absent' : a.a ? 'pass' : 'fail'} -> ${a.b === undefined ? 'absent' : a.b ? 'pass' : 'fail'}`);
    if (k.outputChanged || k.change !== 'still-passing') {
      if (k.a) out.push('  A output:', indent(k.a.error ? `error: ${k.a.error}` : k.a.output, '    | ', options.outputLines));
      if (k.b) out.push('  B output:', indent(k.b.error ? `error: ${k.b.error}` : k.b.output, '    | ', options.outputLines));
    }
    out.push('');
  }
  const hidden = c.cases.length - shown.length;
  if (hidden) out.push(`${hidden} unchanged case${hidden === 1 ? '' : 's'} not shown.`);
  const text = out.join('\n');
  // Trailing newlines dropped by a scan: a `\n+$` regex retries from every newline of a long run.
  let end = text.length;
  while (end > 0 && text.charCodeAt(end - 1) === 10) end--;
  return `${text.slice(0, end)}\n`;
}
