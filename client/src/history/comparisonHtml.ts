// The "Compare Test Results" page as HTML, without `vscode`: per fixture case, side by side, both
// outputs, their verdicts, what changed (newly failing / passing, output changed, assertions,
// tokens, cost, latency) and a button that opens the two outputs in the diff editor.
import { CHANGE_LABELS, comparisonHeadline, formatCostDelta, formatDelta } from '../../../server/src/service/history/report';
import { isChanged, type CaseComparison, type RunComparison, type RunRecord } from '../../../server/src/service/history/runs';

export interface ComparisonPage {
  comparison: RunComparison;
  labels: { a: string; b: string };
  /** Where the results came from (reused records, fresh runs), one line per side. */
  provenance?: { a?: string; b?: string };
}

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

function verdictHtml(r: RunRecord | undefined): string {
  if (!r) return '<span class="verdict none">not run</span>';
  if (r.error) return '<span class="verdict fail">error</span>';
  return r.pass ? '<span class="verdict pass">pass</span>' : '<span class="verdict fail">fail</span>';
}

function sideHtml(r: RunRecord | undefined): string {
  if (!r) return '<div class="side empty">This case did not run on this side.</div>';
  const assertions = r.assertions.map((a) => `<li class="${a.pass ? 'pass' : 'fail'}">${a.pass ? '✓' : '✗'} <code>${escapeHtml(a.type)}</code>${a.value !== undefined ? ` ${escapeHtml(a.value)}` : ''}${a.reason && !a.pass ? ` — ${escapeHtml(a.reason)}` : ''}</li>`).join('');
  const figures = [r.tokens?.total ?? (r.tokens ? (r.tokens.input ?? 0) + (r.tokens.output ?? 0) : undefined), r.cost, r.latencyMs];
  return `<div class="side">
  <div class="meta">${verdictHtml(r)} <span>${escapeHtml(r.provider)}/${escapeHtml(r.model)}</span>${r.startedAt ? ` <span title="${escapeHtml(r.startedAt)}">${escapeHtml(r.startedAt.slice(0, 16).replace('T', ' '))}</span>` : ''}</div>
  <pre class="output">${escapeHtml(r.error ? `error: ${r.error}` : r.output)}</pre>
  ${assertions ? `<ul class="assertions">${assertions}</ul>` : ''}
  <div class="figures">${figures[0] !== undefined ? `${figures[0].toLocaleString('en-US')} tokens` : ''}${figures[1] !== undefined ? ` · $${figures[1].toFixed(5)}` : ''}${figures[2] !== undefined ? ` · ${Math.round(figures[2])} ms` : ''}</div>
</div>`;
}

function caseHtml(c: CaseComparison, index: number): string {
  const changes: string[] = [];
  if (c.outputChanged) changes.push('output changed');
  for (const a of c.assertionChanges) changes.push(`${a.type}${a.value !== undefined ? ` (${a.value})` : ''}: ${a.a === undefined ? 'absent' : a.a ? 'pass' : 'fail'} → ${a.b === undefined ? 'absent' : a.b ? 'pass' : 'fail'}`);
  const deltas = `tokens ${formatDelta(c.tokensDelta)} · cost ${formatCostDelta(c.costDelta)} · latency ${formatDelta(c.latencyDelta)} ms`;
  const canDiff = !!(c.a && c.b);
  return `<section class="case ${c.change}${isChanged(c) ? ' changed' : ' unchanged'}" data-case="${index}">
  <h2><span class="badge ${c.change}">${escapeHtml(CHANGE_LABELS[c.change])}</span> ${escapeHtml(c.caseName ?? c.caseId)}${c.caseName && c.caseName !== c.caseId ? ` <small>${escapeHtml(c.caseId)}</small>` : ''}</h2>
  <p class="changes">${changes.map(escapeHtml).join(' · ') || 'same output and verdicts'} <span class="deltas">${escapeHtml(deltas)}</span>${canDiff ? ` <button class="diff" data-case="${index}">Open output diff</button>` : ''}</p>
  <div class="sides">${sideHtml(c.a)}${sideHtml(c.b)}</div>
</section>`;
}

/** The whole page. `nonce` and `cspSource` come from the webview (content security policy). */
export function comparisonHtml(page: ComparisonPage, nonce: string, cspSource: string): string {
  const { comparison: c, labels } = page;
  const summary = (s: RunComparison['a'], label: string, provenance?: string) =>
    `<div><strong>${escapeHtml(label)}</strong><br>${s.passed}/${s.cases} passed · ${escapeHtml(s.models.join(', ') || 'no model')}${s.tokens !== undefined ? ` · ${s.tokens.toLocaleString('en-US')} tokens` : ''}${s.cost !== undefined ? ` · $${s.cost.toFixed(4)}` : ''}${provenance ? `<br><small>${escapeHtml(provenance)}</small>` : ''}</div>`;
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src ${cspSource} 'nonce-${nonce}'; script-src 'nonce-${nonce}';">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<title>Test results: ${escapeHtml(labels.a)} ↔ ${escapeHtml(labels.b)}</title>
<style nonce="${nonce}">
  body { font-family: var(--vscode-font-family); font-size: var(--vscode-font-size); color: var(--vscode-foreground); padding: 0 16px 24px; }
  header .sides div { padding: 8px; border: 1px solid var(--vscode-panel-border); }
  .sides { display: grid; grid-template-columns: 1fr 1fr; gap: 12px; }
  .case { border-top: 1px solid var(--vscode-panel-border); padding-top: 8px; margin-top: 12px; }
  .case h2 { font-size: 1.1em; margin: 4px 0; }
  .badge { font-size: 0.8em; padding: 1px 6px; border-radius: 8px; background: var(--vscode-badge-background); color: var(--vscode-badge-foreground); }
  .badge.newly-failing { background: var(--vscode-testing-iconFailed, #c33); color: #fff; }
  .badge.newly-passing { background: var(--vscode-testing-iconPassed, #393); color: #fff; }
  .verdict.pass { color: var(--vscode-testing-iconPassed, #393); font-weight: bold; }
  .verdict.fail { color: var(--vscode-testing-iconFailed, #c33); font-weight: bold; }
  pre.output { white-space: pre-wrap; word-break: break-word; background: var(--vscode-textCodeBlock-background); padding: 8px; max-height: 24em; overflow: auto; }
  .deltas, small, .figures, .meta span { color: var(--vscode-descriptionForeground); }
  ul.assertions { padding-left: 1.2em; margin: 4px 0; }
  li.fail { color: var(--vscode-testing-iconFailed, #c33); }
  .side.empty { color: var(--vscode-descriptionForeground); font-style: italic; }
  body.changed-only .case.unchanged { display: none; }
  button { background: var(--vscode-button-background); color: var(--vscode-button-foreground); border: none; padding: 2px 8px; cursor: pointer; }
</style>
</head>
<body class="changed-only">
<header>
  <h1>${escapeHtml(comparisonHeadline(c))}</h1>
  <div class="sides">${summary(c.a, `A: ${labels.a}`, page.provenance?.a)}${summary(c.b, `B: ${labels.b}`, page.provenance?.b)}</div>
  <p>Tokens ${escapeHtml(formatDelta(c.tokensDelta))} · cost ${escapeHtml(formatCostDelta(c.costDelta))}</p>
  ${c.notes.map((n) => `<p class="note">${escapeHtml(n)}</p>`).join('')}
  <label><input type="checkbox" id="all"> Show unchanged cases (${c.cases.filter((x) => !isChanged(x)).length})</label>
</header>
${c.cases.map(caseHtml).join('\n')}
<script nonce="${nonce}">
  const vscode = acquireVsCodeApi();
  document.getElementById('all').addEventListener('change', (e) => document.body.classList.toggle('changed-only', !e.target.checked));
  for (const b of document.querySelectorAll('button.diff')) b.addEventListener('click', () => vscode.postMessage({ type: 'diff', case: Number(b.dataset.case) }));
</script>
</body>
</html>`;
}
