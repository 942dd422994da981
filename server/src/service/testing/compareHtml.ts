// The comparison of a run's variants as HTML: one section (the variants' table, the chart of cost
// against pass rate, the cases with their verdicts and outputs side by side, disagreements first)
// that the editor's "Compare Models" view and the CLI's `--reporter html` both show, and the whole
// self-contained report page around it. Every text from a run (outputs, reasons, names) is escaped:
// outputs may hold HTML. The chart is drawn by dist/charts.js (Chart.js) from the JSON in the
// canvas's `data-chart` attribute; the report inlines that script's text, so it needs no network.
import { caseTitle, compareVariants, comparisonHeadline, costPassRateChart, VARIANT_COLUMNS, variantCells, type CaseComparison, type Comparison } from './compare';
import type { CaseStatus, RunSummary } from './runner';

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

const STATUS: Record<CaseStatus, string> = { passed: 'pass', failed: 'fail', error: 'error', skipped: 'skip' };

export interface ComparisonSectionOptions {
  /** Outputs longer than this are cut (with "…"); the editor's diff shows them whole. Default 2,000. */
  maxOutput?: number;
  /** Rows say they open the diff of two outputs (the editor's view handles the click). */
  clickable?: boolean;
}

function verdictCell(c: CaseComparison, label: string, maxOutput: number): string {
  const v = c.verdicts[label];
  if (!v) return '<td class="verdict none">did not run</td>';
  const score = v.score !== undefined && v.status !== 'skipped' ? ` <span class="score">${v.score.toFixed(2)}</span>` : '';
  const reason = v.status === 'passed' ? '' : `<div class="reason">${escapeHtml(v.reason)}</div>`;
  const text = v.output ?? '';
  const output = v.output === undefined ? '' : `<pre class="output">${escapeHtml(text.length > maxOutput ? `${text.slice(0, maxOutput)}…` : text)}</pre>`;
  return `<td class="verdict ${STATUS[v.status]}" data-variant="${escapeHtml(label)}"><span class="badge ${STATUS[v.status]}">${STATUS[v.status]}</span>${score}${reason}${output}</td>`;
}

/** The comparison's body: variants' table, chart, cases. No `<html>`, styles or scripts. */
export function comparisonSection(comparison: Comparison, options: ComparisonSectionOptions = {}): string {
  const maxOutput = options.maxOutput ?? 2000;
  const { variants, cases, disagreements } = comparison;
  const head = VARIANT_COLUMNS.map((c) => `<th${c.numeric ? ' class="num"' : ''}>${escapeHtml(c.title)}</th>`).join('');
  const rows = variants.map((v) => {
    const cells = variantCells(v);
    return `<tr data-variant="${escapeHtml(v.label)}">${VARIANT_COLUMNS.map((c) => `<td${c.numeric ? ' class="num"' : ''}>${escapeHtml(c.key === 'label' ? v.label : cells[c.key])}</td>`).join('')}</tr>`;
  });
  const caseRows = cases.map((c, i) => {
    const title = `${c.disagree ? '<span class="differ" title="The variants disagree">≠</span> ' : ''}${escapeHtml(caseTitle(c))}`;
    return `<tr class="case${c.disagree ? ' disagree' : ''}" data-case="${i}"${options.clickable ? ' tabindex="0" title="Open two outputs of this case in the diff editor"' : ''}><th scope="row">${title}</th>${variants.map((v) => verdictCell(c, v.label, maxOutput)).join('')}</tr>`;
  });
  const chart = JSON.stringify(costPassRateChart(comparison));
  return `<section class="variants">
<h2>Variants</h2>
<table class="variants"><thead><tr>${head}</tr></thead>
<tbody>
${rows.join('\n')}
</tbody></table>
</section>
<section class="chart">
<h2>Cost against pass rate</h2>
<div class="chart-box"><canvas id="cost-pass-rate" role="img" aria-label="Total cost against pass rate, one point per variant" data-chart="${escapeHtml(chart)}"></canvas></div>
</section>
<section class="cases">
<h2>Cases${disagreements ? ` <small>(the ${disagreements} where the variants disagree first)</small>` : ' <small>(the variants agree on every case)</small>'}</h2>
<table class="cases"><thead><tr><th>case</th>${variants.map((v) => `<th>${escapeHtml(v.label)}</th>`).join('')}</tr></thead>
<tbody>
${caseRows.join('\n')}
</tbody></table>
</section>`;
}

/** Text for an inline `<script>`: nothing in it may end the element or open a comment there. */
export function inlineScript(text: string): string {
  return text.replace(/<\/(script)/gi, '<\\/$1').replace(/<!--/g, '<\\!--');
}

const REPORT_CSS = `
  :root { --fg: #1f2328; --bg: #ffffff; --muted: #59636e; --border: #d1d9e0; --code: #f6f8fa; --pass: #1a7f37; --fail: #cf222e; --warn: #9a6700; }
  @media (prefers-color-scheme: dark) { :root { --fg: #e6edf3; --bg: #0d1117; --muted: #9198a1; --border: #3d444d; --code: #151b23; --pass: #3fb950; --fail: #f85149; --warn: #d29922; } }
  body { font-family: system-ui, -apple-system, "Segoe UI", sans-serif; font-size: 14px; color: var(--fg); background: var(--bg); margin: 0 auto; padding: 8px 24px 32px; max-width: 1400px; }
  h1 { font-size: 1.5em; } h2 { font-size: 1.2em; margin-top: 1.6em; } small, .muted { color: var(--muted); font-weight: normal; }
  table { border-collapse: collapse; width: 100%; }
  th, td { border: 1px solid var(--border); padding: 4px 8px; text-align: left; vertical-align: top; }
  td.num, th.num { text-align: right; white-space: nowrap; }
  table.cases th[scope="row"] { font-weight: normal; white-space: nowrap; }
  tr.disagree th[scope="row"] { font-weight: bold; }
  .differ { color: var(--warn); font-weight: bold; }
  .badge { font-size: 0.85em; font-weight: bold; }
  .badge.pass { color: var(--pass); } .badge.fail, .badge.error { color: var(--fail); } .badge.skip { color: var(--muted); }
  .reason { color: var(--muted); margin: 2px 0; }
  pre.output { white-space: pre-wrap; word-break: break-word; background: var(--code); margin: 4px 0 0; padding: 6px; max-height: 16em; overflow: auto; font-size: 12px; }
  .chart-box { position: relative; height: 320px; max-width: 720px; }
`;

/**
 * The whole report: one HTML file with its styles, the chart library (`chartsScript`, the text of
 * dist/charts.js) and the data inline; it loads nothing from anywhere.
 */
export function comparisonReportHtml(summary: RunSummary, chartsScript: string, options: { title?: string } = {}): string {
  const comparison = compareVariants(summary.results);
  const title = options.title ?? 'Prompt test comparison';
  const data = JSON.stringify({ summary: { ...summary, results: undefined }, comparison }).replace(/</g, '\\u003c');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'">
<title>${escapeHtml(title)}</title>
<style>${REPORT_CSS}</style>
</head>
<body>
<h1>${escapeHtml(title)}</h1>
<p>${escapeHtml(comparisonHeadline(summary, comparison))} ${comparison.disagreements ? `<strong>The variants disagree on ${comparison.disagreements} case run${comparison.disagreements === 1 ? '' : 's'}.</strong>` : 'The variants agree on every case.'}</p>
<p class="muted">Run started ${escapeHtml(summary.startedAt)}.</p>
${comparisonSection(comparison)}
<script type="application/json" id="comparison-data">${data}</script>
<script>${inlineScript(chartsScript)}</script>
<script>promptWorkbenchCharts.renderAll();</script>
</body>
</html>
`;
}
