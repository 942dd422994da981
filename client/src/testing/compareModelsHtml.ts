// The "Compare Models" page as HTML, without `vscode`: the comparison section the CLI's HTML report
// shows too (server/src/service/testing/compareHtml.ts), in the theme's colours, with the chart
// drawn by dist/charts.js (loaded by URI under the page's content security policy) and a click
// on a case asking the extension to open two of its outputs in the diff editor.
import { comparisonSection, escapeHtml, type Comparison } from '../../../server/src/service/testing';

export interface CompareModelsPage {
  comparison: Comparison;
  /** What ran, in one sentence (counts, duration). */
  headline: string;
  /** The webview URI of dist/charts.js. */
  chartsUri: string;
}

/** The message a click on a case posts: the case's index in `comparison.cases` and the two variants to diff. */
export interface DiffMessage {
  type: 'diff';
  case: number;
  /** The pair the user chose (more than two variants), else undefined. */
  left?: string;
  right?: string;
}

/** The pair a click on a case diffs by default: the first variant that passed and the first that did not, else the first two. */
export function defaultPair(comparison: Comparison, index: number, left?: string, right?: string): [string, string] | undefined {
  const c = comparison.cases[index];
  if (!c) return undefined;
  const ran = comparison.variants.map((v) => v.label).filter((l) => c.verdicts[l]);
  if (left && right && left !== right && c.verdicts[left] && c.verdicts[right]) return [left, right];
  if (ran.length < 2) return undefined;
  const pass = ran.find((l) => c.verdicts[l].status === 'passed');
  const other = ran.find((l) => c.verdicts[l].status !== 'passed');
  return c.disagree && pass && other ? [pass, other] : [ran[0], ran[1]];
}

/** The text a side of the diff shows: the output, or why there is none. */
export function outputText(v: Comparison['cases'][number]['verdicts'][string] | undefined): string {
  if (!v) return '(this variant did not run this case)';
  if (v.output !== undefined) return v.output;
  return `(${v.status}: ${v.reason})`;
}

const THEME_CSS = `
  body { font-family: var(--vscode-font-family); font-size: var(--vscode-font-size); color: var(--vscode-foreground); background: var(--vscode-editor-background); padding: 0 16px 24px; }
  h1 { font-size: 1.4em; margin: 12px 0 4px; } h2 { font-size: 1.1em; margin: 18px 0 6px; }
  small, .muted { color: var(--vscode-descriptionForeground); font-weight: normal; }
  table { border-collapse: collapse; width: 100%; }
  th, td { border: 1px solid var(--vscode-panel-border, var(--vscode-editorWidget-border)); padding: 3px 8px; text-align: left; vertical-align: top; }
  thead th { background: var(--vscode-editorWidget-background); }
  td.num, th.num { text-align: right; white-space: nowrap; }
  table.cases th[scope="row"] { font-weight: normal; white-space: nowrap; }
  tr.disagree th[scope="row"] { font-weight: bold; }
  tr.case { cursor: pointer; }
  tr.case:hover, tr.case:focus { background: var(--vscode-list-hoverBackground); outline: none; }
  tr.case:focus-visible { outline: 1px solid var(--vscode-focusBorder); }
  .differ { color: var(--vscode-charts-orange, var(--vscode-editorWarning-foreground)); font-weight: bold; }
  .badge { font-weight: bold; font-size: 0.9em; }
  .badge.pass { color: var(--vscode-testing-iconPassed); } .badge.fail, .badge.error { color: var(--vscode-testing-iconFailed); } .badge.skip { color: var(--vscode-descriptionForeground); }
  .reason { color: var(--vscode-descriptionForeground); margin: 2px 0; }
  pre.output { white-space: pre-wrap; word-break: break-word; background: var(--vscode-textCodeBlock-background); font-family: var(--vscode-editor-font-family); margin: 4px 0 0; padding: 6px; max-height: 12em; overflow: auto; }
  .chart-box { position: relative; height: 260px; max-width: 640px; }
  .pair { margin: 6px 0; } select { background: var(--vscode-dropdown-background); color: var(--vscode-dropdown-foreground); border: 1px solid var(--vscode-dropdown-border); }
`;

/** The whole page. `nonce` and `cspSource` come from the webview (content security policy). */
export function compareModelsHtml(page: CompareModelsPage, nonce: string, cspSource: string): string {
  const { comparison } = page;
  const labels = comparison.variants.map((v) => v.label);
  const options = (selected: number) => labels.map((l, i) => `<option value="${escapeHtml(l)}"${i === selected ? ' selected' : ''}>${escapeHtml(l)}</option>`).join('');
  const pair = labels.length > 2 ? `<p class="pair">A click on a case opens the diff of <select id="left" aria-label="left variant">${options(0)}</select> ↔ <select id="right" aria-label="right variant">${options(1)}</select> (by default, where they disagree: one that passed against one that did not).</p>` : '<p class="pair muted">A click on a case opens its two outputs in the diff editor.</p>';
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src ${cspSource} 'nonce-${nonce}'; script-src 'nonce-${nonce}';">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<title>Compare Models</title>
<style nonce="${nonce}">${THEME_CSS}</style>
</head>
<body>
<h1>Compare Models</h1>
<p>${escapeHtml(page.headline)} ${comparison.disagreements ? `<strong>The variants disagree on ${comparison.disagreements} case run${comparison.disagreements === 1 ? '' : 's'}.</strong>` : 'The variants agree on every case.'}</p>
${comparisonSection(comparison, { clickable: true }).replace('<h2>Cases', `${pair}\n<h2>Cases`)}
<script nonce="${nonce}" src="${escapeHtml(page.chartsUri)}"></script>
<script nonce="${nonce}">
  const vscode = acquireVsCodeApi();
  try { promptWorkbenchCharts.renderAll(); } catch (e) { document.getElementById('cost-pass-rate').replaceWith(Object.assign(document.createElement('p'), { textContent: 'The chart could not be drawn: ' + e })); }
  // the chosen pair once the user chose one; until then the extension picks per case
  let chosen = false;
  for (const s of document.querySelectorAll('select')) s.addEventListener('change', () => (chosen = true));
  const pick = (id) => (chosen ? document.getElementById(id)?.value : undefined);
  const open = (row) => vscode.postMessage({ type: 'diff', case: Number(row.dataset.case), left: pick('left'), right: pick('right') });
  for (const row of document.querySelectorAll('tr.case')) {
    row.addEventListener('click', (e) => { if (!window.getSelection()?.toString()) open(row); });
    row.addEventListener('keydown', (e) => { if (e.key === 'Enter' || e.key === ' ') { e.preventDefault(); open(row); } });
  }
</script>
</body>
</html>`;
}
