// The trends page as HTML, for the "Prompt Trends" webview and `prompt-workbench report --html`:
// per prompt, tables of the versions and runs and Chart.js charts (pass rate and mean score over
// time with the model changes and drift marked, each version's runs as a spread, latency and
// cost). Every chart is a `<canvas data-chart='…'>` that dist/charts.js draws; the webview loads
// that script by URI under a nonce, a report file inlines its text, so the file needs no network.
import type { PromptTrend, TrendPoint, TrendVersion } from './trends';

export type ChartsScript =
  /** A self-contained file: the text of dist/charts.js. */
  | { inline: string }
  /** A webview: the script's webview URI, the page's nonce and the webview's CSP source. */
  | { src: string; nonce: string; cspSource: string };

export interface TrendsPage {
  title: string;
  /** Shown under the title (e.g. the folders read and when). */
  subtitle?: string;
  trends: PromptTrend[];
  /** Lines that could not be read, with their file. */
  problems?: string[];
  script: ChartsScript;
}

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

const pct = (x: number | undefined) => (x === undefined ? '–' : `${(x * 100).toFixed(1)}%`);
const num = (x: number | undefined, digits = 2) => (x === undefined ? '–' : x.toFixed(digits));
const ms = (x: number | undefined) => (x === undefined ? '–' : `${Math.round(x).toLocaleString('en-US')} ms`);
function money(n: number | undefined): string {
  if (n === undefined) return '–';
  if (n === 0) return '$0';
  return n >= 0.01 ? `$${n.toFixed(n >= 1 ? 2 : 4)}` : `$${n.toPrecision(2)}`;
}
const round = (x: number | undefined, digits = 4) => (x === undefined ? null : Number(x.toFixed(digits)));
const when = (iso: string) => iso.slice(0, 16).replace('T', ' ');

/** A unique x label per run: its number and time. */
function runLabel(p: TrendPoint, i: number): string {
  return `${i + 1} · ${when(p.startedAt).slice(5)}`;
}

function chart(config: unknown, label: string): string {
  // Single-quoted attribute, JSON escaped for HTML: no text of a record can end the attribute.
  return `<div class="chart"><canvas role="img" aria-label="${escapeHtml(label)}" data-chart='${escapeHtml(JSON.stringify(config))}'></canvas></div>`;
}

const BASE_OPTIONS = { animation: false, responsive: true, maintainAspectRatio: false, interaction: { mode: 'nearest', intersect: false } };

function overTime(t: PromptTrend): unknown {
  const labels = t.points.map(runLabel);
  const driftAt = new Set(t.drift.map((d) => `${d.file}\u0000${d.startedAt}`));
  return {
    type: 'line',
    data: {
      labels,
      datasets: [
        { label: 'pass rate (%)', data: t.points.map((p) => (p.passRate === undefined ? null : round(p.passRate * 100, 2))), yAxisID: 'y', tension: 0, spanGaps: true },
        { label: 'mean score', data: t.points.map((p) => round(p.meanScore)), yAxisID: 'y1', tension: 0, spanGaps: true, borderDash: [4, 3] },
        {
          type: 'scatter',
          label: 'model changed',
          data: t.points.flatMap((p, i) => (p.modelChange ? [{ x: labels[i], y: p.passRate === undefined ? 0 : round(p.passRate * 100, 2) }] : [])),
          yAxisID: 'y',
          pointStyle: 'triangle',
          pointRadius: 9,
        },
        {
          type: 'scatter',
          label: 'drift',
          data: t.points.flatMap((p, i) => (driftAt.has(`${p.file}\u0000${p.startedAt}`) ? [{ x: labels[i], y: p.passRate === undefined ? 0 : round(p.passRate * 100, 2) }] : [])),
          yAxisID: 'y',
          pointStyle: 'crossRot',
          pointRadius: 10,
          borderWidth: 3,
        },
      ],
    },
    options: {
      ...BASE_OPTIONS,
      scales: {
        x: { type: 'category', title: { display: true, text: 'run (oldest first)' } },
        y: { type: 'linear', min: 0, max: 100, title: { display: true, text: 'pass rate (%)' } },
        y1: { type: 'linear', min: 0, max: 1, position: 'right', grid: { drawOnChartArea: false }, title: { display: true, text: 'mean score' } },
      },
    },
  };
}

function spread(t: PromptTrend): unknown {
  const labels = t.versions.map((v) => v.label);
  return {
    type: 'bar',
    data: {
      labels,
      datasets: [
        { label: 'min–max of the runs (%)', data: t.versions.map((v) => (v.spread.passRate ? [round(v.spread.passRate.min * 100, 2), round(v.spread.passRate.max * 100, 2)] : null)), barPercentage: 0.35 },
        { type: 'scatter', label: 'each run (%)', data: t.points.filter((p) => p.passRate !== undefined).map((p) => ({ x: labels[p.version], y: round(p.passRate! * 100, 2) })), pointRadius: 5 },
        { type: 'line', label: 'all runs pooled (%)', data: t.versions.map((v) => (v.passRate === undefined ? null : round(v.passRate * 100, 2))), tension: 0 },
      ],
    },
    options: { ...BASE_OPTIONS, scales: { x: { type: 'category', title: { display: true, text: 'version (oldest first)' } }, y: { type: 'linear', min: 0, max: 100, title: { display: true, text: 'pass rate (%)' } } } },
  };
}

function latency(t: PromptTrend): unknown {
  return {
    type: 'line',
    data: {
      labels: t.points.map(runLabel),
      datasets: [
        { label: 'p50 latency (ms)', data: t.points.map((p) => round(p.p50LatencyMs, 0)), tension: 0, spanGaps: true },
        { label: 'p95 latency (ms)', data: t.points.map((p) => round(p.p95LatencyMs, 0)), tension: 0, spanGaps: true },
      ],
    },
    options: { ...BASE_OPTIONS, scales: { x: { type: 'category', title: { display: true, text: 'run (oldest first)' } }, y: { type: 'linear', beginAtZero: true, title: { display: true, text: 'ms' } } } },
  };
}

function cost(t: PromptTrend): unknown {
  return {
    type: 'bar',
    // Per 1,000 results: a result's cost is a small fraction of a cent.
    data: { labels: t.versions.map((v) => v.label), datasets: [{ label: 'cost per 1,000 results (USD)', data: t.versions.map((v) => (v.costPerResult === undefined ? null : round(v.costPerResult * 1000, 6))) }] },
    options: { ...BASE_OPTIONS, scales: { x: { type: 'category', title: { display: true, text: 'version (oldest first)' } }, y: { type: 'linear', beginAtZero: true, title: { display: true, text: 'USD per 1,000 results' } } } },
  };
}

function versionRow(v: TrendVersion): string {
  const flagged = v.drift.filter((d) => d.drift).length;
  const spreadText = v.spread.passRate ? (v.spread.passRate.min === v.spread.passRate.max ? pct(v.spread.passRate.min) : `${pct(v.spread.passRate.min)} – ${pct(v.spread.passRate.max)}`) : '–';
  return `<tr${flagged ? ' class="drift"' : ''}><td><code title="${escapeHtml(v.contentHash)}">${escapeHtml(v.label)}</code></td><td>${escapeHtml(v.commits.map((c) => c.slice(0, 7)).join(', ') || 'uncommitted')}</td><td class="n">${v.runs}</td><td class="n">${v.results}</td><td class="n">${pct(v.passRate)}</td><td class="n">${spreadText}</td><td class="n">${num(v.meanScore)}</td><td class="n">${money(v.costPerResult)}</td><td class="n">${ms(v.p50LatencyMs)}</td><td class="n">${ms(v.p95LatencyMs)}</td><td>${escapeHtml(v.models.join(', ') || '–')}</td><td>${flagged ? `<strong>drift</strong> (${flagged})` : ''}</td></tr>`;
}

function pointRow(t: PromptTrend, p: TrendPoint, i: number): string {
  const drift = t.drift.find((d) => d.file === p.file && d.startedAt === p.startedAt);
  const notes = [p.modelChange ? `model ${p.modelChange.from.join(', ')} → ${p.modelChange.to.join(', ')}` : '', drift ? `drift (z = ${drift.z.toFixed(2)})` : ''].filter(Boolean).join('; ');
  return `<tr${notes ? ' class="marked"' : ''}><td class="n">${i + 1}</td><td>${escapeHtml(when(p.startedAt))}</td><td><code>${escapeHtml(t.versions[p.version].label)}</code></td><td class="n">${p.counts.passed}/${p.counts.passed + p.counts.failed + p.counts.error}</td><td class="n">${pct(p.passRate)}</td><td class="n">${num(p.meanScore)}</td><td class="n">${money(p.cost)}</td><td class="n">${ms(p.p50LatencyMs)}</td><td class="n">${ms(p.p95LatencyMs)}</td><td>${escapeHtml(p.models.join(', ') || '–')}</td><td>${escapeHtml(notes)}</td><td><small>${escapeHtml(p.file)}</small></td></tr>`;
}

function promptSection(t: PromptTrend, index: number): string {
  const alerts = [
    ...t.drift.map((d) => `<li class="drift"><strong>Drift</strong> at ${escapeHtml(when(d.startedAt))} (${escapeHtml(d.file)}): the same text (<code>${escapeHtml(d.contentHash.slice(0, 8))}</code>) passed ${d.after.passed}/${d.after.total}, against ${d.before.passed}/${d.before.total} over its ${d.before.runs} earlier run${d.before.runs === 1 ? '' : 's'} (z = ${d.z.toFixed(2)}).</li>`),
    ...t.modelChanges.map((p) => `<li class="model">The answering model changed at ${escapeHtml(when(p.startedAt))}: ${escapeHtml(p.modelChange!.from.join(', '))} → ${escapeHtml(p.modelChange!.to.join(', '))}.</li>`),
  ];
  return `<section class="prompt" id="prompt-${index}">
<h2>${escapeHtml(t.prompt)}</h2>
<p class="sub">${t.versions.length} version${t.versions.length === 1 ? '' : 's'} · ${t.points.length} run${t.points.length === 1 ? '' : 's'} · ${t.points.reduce((s, p) => s + p.results, 0)} results</p>
${alerts.length ? `<ul class="alerts">${alerts.join('')}</ul>` : ''}
<div class="grid">
<figure><figcaption>Pass rate and mean score over time</figcaption>${chart(overTime(t), `Pass rate and mean score of ${t.prompt} over time`)}</figure>
<figure><figcaption>Stability: each version's runs</figcaption>${chart(spread(t), `Pass rate of each run per version of ${t.prompt}`)}</figure>
<figure><figcaption>Latency over time</figcaption>${chart(latency(t), `p50 and p95 latency of ${t.prompt} over time`)}</figure>
<figure><figcaption>Cost per 1,000 results per version</figcaption>${chart(cost(t), `Cost per result per version of ${t.prompt}`)}</figure>
</div>
<h3>Versions</h3>
<table class="versions"><thead><tr><th>version</th><th>commits</th><th>runs</th><th>results</th><th>pass rate</th><th>spread</th><th>mean score</th><th>cost / result</th><th>p50</th><th>p95</th><th>models</th><th></th></tr></thead><tbody>
${t.versions.map(versionRow).join('\n')}
</tbody></table>
<details><summary>Runs (${t.points.length})</summary>
<table class="runs"><thead><tr><th>#</th><th>when</th><th>version</th><th>passed</th><th>pass rate</th><th>mean score</th><th>cost</th><th>p50</th><th>p95</th><th>models</th><th>notes</th><th>record</th></tr></thead><tbody>
${t.points.map((p, i) => pointRow(t, p, i)).join('\n')}
</tbody></table></details>
</section>`;
}

const STYLE = `
  body { font-family: var(--vscode-font-family, system-ui, sans-serif); font-size: var(--vscode-font-size, 14px); color: var(--vscode-foreground, var(--fg)); background: var(--vscode-editor-background, var(--bg)); margin: 0; padding: 0 20px 24px; }
  h1 { font-size: 1.4em; margin: 16px 0 4px; } h2 { font-size: 1.2em; margin: 20px 0 2px; } h3 { font-size: 1em; margin: 12px 0 4px; }
  .sub, small, figcaption { color: var(--vscode-descriptionForeground, var(--muted)); }
  section.prompt { border-top: 1px solid var(--vscode-panel-border, var(--border)); margin-top: 12px; }
  .grid { display: grid; grid-template-columns: repeat(auto-fit, minmax(420px, 1fr)); gap: 12px; }
  figure { margin: 0; padding: 8px; border: 1px solid var(--vscode-panel-border, var(--border)); }
  .chart { position: relative; height: 270px; }
  table { border-collapse: collapse; margin: 4px 0; font-size: 0.95em; }
  th, td { border-bottom: 1px solid var(--vscode-panel-border, var(--border)); padding: 3px 8px; text-align: left; }
  td.n { text-align: right; font-variant-numeric: tabular-nums; }
  tr.drift td, li.drift { color: var(--vscode-charts-red, #c62828); }
  li.model { color: var(--vscode-charts-orange, #b26a00); }
  tr.marked td { font-weight: 600; }
  ul.alerts { padding-left: 1.2em; }
  .empty { color: var(--vscode-descriptionForeground, var(--muted)); font-style: italic; }`;

/** The whole page. */
export function trendsHtml(page: TrendsPage): string {
  const s = page.script;
  const inline = 'inline' in s;
  const csp = inline ? "default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:" : `default-src 'none'; img-src ${s.cspSource} data:; style-src ${s.cspSource} 'nonce-${s.nonce}'; script-src 'nonce-${s.nonce}';`;
  const nonce = inline ? '' : ` nonce="${escapeHtml(s.nonce)}"`;
  // `</script` inside the inlined library would end the element: written as `<\/script`, the same text to JavaScript.
  const scripts = inline
    ? `<script>${s.inline.replace(/<\/(script)/gi, '<\\/$1')}</script>\n<script>promptWorkbenchCharts.renderAll();</script>`
    : `<script${nonce} src="${escapeHtml(s.src)}"></script>\n<script${nonce}>promptWorkbenchCharts.renderAll();</script>`;
  const fileColours = inline ? `\n  :root { --fg: #1f2328; --bg: #ffffff; --muted: #59636e; --border: #d1d9e0; }\n  @media (prefers-color-scheme: dark) { :root { --fg: #e6edf3; --bg: #0d1117; --muted: #9198a1; --border: #3d444d; } }` : '';
  const totalRuns = page.trends.reduce((s2, t) => s2 + t.points.length, 0);
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${escapeHtml(csp)}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<title>${escapeHtml(page.title)}</title>
<style${nonce}>${fileColours}${STYLE}
</style>
</head>
<body>
<h1>${escapeHtml(page.title)}</h1>
${page.subtitle ? `<p class="sub">${escapeHtml(page.subtitle)}</p>` : ''}
<p class="sub">Drift: a run of a text is compared with all earlier runs of the same text (two-proportion z-test on passes over passed + failed + errors, pooled; flagged at |z| ≥ 1.96 with at least 5 results on each side).</p>
${page.trends.length ? page.trends.map(promptSection).join('\n') : `<p class="empty">No run records with results of ${totalRuns ? 'this prompt' : 'any prompt'} yet: run its tests (Test Explorer or <code>prompt-workbench test</code>) to record some.</p>`}
${page.problems?.length ? `<details><summary>${page.problems.length} line${page.problems.length === 1 ? '' : 's'} could not be read</summary><ul>${page.problems.map((p) => `<li>${escapeHtml(p)}</li>`).join('')}</ul></details>` : ''}
${scripts}
</body>
</html>
`;
}
