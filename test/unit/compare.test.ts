// The comparison of a run's variants (server/src/service/testing/compare.ts) with figures worked out
// by hand, for any variant label (a matrix's models, prompt variants); and its HTML
// (compareHtml.ts): the section the editor's view and the report share, and the self-contained
// report page, parsed back with a real HTML parser (parse5).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parse, type DefaultTreeAdapterMap } from 'parse5';
import { caseOf, compareVariants, comparisonMarkdown, comparisonReportHtml, comparisonSection, costPassRateChart, variantCells, type CaseResult, type RunSummary } from '../../server/src/service/testing';

type Node = DefaultTreeAdapterMap['node'];
type Element = DefaultTreeAdapterMap['element'];

function result(over: Partial<CaseResult> & { caseName: string; variant: string }): CaseResult {
  const key = `suite.tests.yaml#${over.caseName}`;
  return { id: `${key}@${over.variant}`, caseKey: `${key}@${over.variant}`, fixtureUri: 'file:///w/suite.tests.yaml', promptUri: 'file:///w/p.prompt', fixturePath: 'suite.tests.yaml', promptPath: 'p.prompt', caseLine: Number(over.caseName.slice(1)) * 5, repeat: 1, repeats: 1, status: 'passed', provider: 'openai', parameters: {}, vars: {}, cached: false, assertions: [], reason: 'All assertions passed.', ...over };
}

/** Two variants named like prompt files (the comparison reads only the label), four cases each. */
function fixtureResults(): CaseResult[] {
  const A = 'prompts/a.prompt';
  const B = 'prompts/b.prompt';
  return [
    result({ variant: A, caseName: 'c1', score: 1, cost: 0.002, usage: { inputTokens: 100, outputTokens: 20 }, latencyMs: 200, output: 'Hello Ada' }),
    result({ variant: B, caseName: 'c1', score: 1, cost: 0.001, usage: { inputTokens: 100, outputTokens: 10 }, latencyMs: 100, output: 'Hi Ada' }),
    result({ variant: A, caseName: 'c2', status: 'failed', score: 0.5, cost: 0.004, usage: { inputTokens: 300, outputTokens: 40 }, latencyMs: 400, output: '<script>alert("x")</script>', reason: '1 of 2 assertions failed.' }),
    result({ variant: B, caseName: 'c2', score: 1, cost: 0.001, usage: { inputTokens: 100, outputTokens: 10 }, latencyMs: 300, output: 'fine' }),
    result({ variant: A, caseName: 'c3', status: 'error', reason: 'HTTP 500 from the provider.' }),
    // priced nowhere: the model is not in the catalogue
    result({ variant: B, caseName: 'c3', score: 0.75, usage: { inputTokens: 100, outputTokens: 30 }, latencyMs: 500, output: 'ok' }),
    result({ variant: A, caseName: 'c4', status: 'skipped', reason: 'Skipped.' }),
    result({ variant: B, caseName: 'c4', status: 'skipped', reason: 'Skipped.' }),
  ];
}

test('per variant: pass rate over the runs that ran, mean score, total and mean cost, tokens, nearest-rank p50/p95, errors', () => {
  const { variants } = compareVariants(fixtureResults());
  const [a, b] = variants;
  assert.deepEqual(variants.map((v) => v.label), ['prompts/a.prompt', 'prompts/b.prompt']);
  // a: 1 passed, 1 failed, 1 error (the skipped run counts for nothing): 1/3
  assert.deepEqual([a.runs, a.counts, a.passRate, a.meanScore, a.errors], [4, { passed: 1, failed: 1, error: 1, skipped: 1 }, 1 / 3, (1 + 0.5) / 2, 1]);
  // cost 0.002 + 0.004 over the 2 priced runs; tokens 100+300 in, 20+40 out; latencies [200, 400]:
  // p50 = the ceil(0.5*2) = 1st, p95 = the ceil(0.95*2) = 2nd
  assert.ok(Math.abs(a.cost - 0.006) < 1e-12 && Math.abs(a.meanCost! - 0.003) < 1e-12, `${a.cost} ${a.meanCost}`);
  assert.deepEqual([a.inputTokens, a.outputTokens, a.p50LatencyMs, a.p95LatencyMs, a.unpricedRuns], [400, 60, 200, 400, 0]);
  // b: 3/3 passed, scores 1, 1, 0.75; 2 priced runs of 0.001 and one unpriced; latencies [100, 300, 500]:
  // p50 = the ceil(1.5) = 2nd, p95 = the ceil(2.85) = 3rd
  assert.deepEqual([b.passRate, b.meanScore, b.errors, b.unpricedRuns, b.inputTokens, b.outputTokens, b.p50LatencyMs, b.p95LatencyMs], [1, 2.75 / 3, 0, 1, 300, 50, 300, 500]);
  assert.ok(Math.abs(b.cost - 0.002) < 1e-12 && Math.abs(b.meanCost! - 0.001) < 1e-12);
  assert.deepEqual(variantCells(a), { model: 'openai', passRate: '1/3 (33%)', meanScore: '0.75', cost: '$0.0060', meanCost: '$0.0030', inputTokens: '400', outputTokens: '60', p50: '200 ms', p95: '400 ms', errors: '1' });
  assert.deepEqual([variantCells(b).cost, variantCells(b).meanScore, variantCells(b).passRate], ['$0.0020 + 1 unpriced', '0.92', '3/3 (100%)']);
});

test('per case: one row per case whatever the label, the verdicts side by side, disagreements first, then file order', () => {
  const { cases, disagreements } = compareVariants(fixtureResults());
  // c2 (fail vs pass) and c3 (error vs pass) disagree; c1 (both pass) and c4 (both skipped) do not
  assert.deepEqual(cases.map((c) => [c.key, c.disagree, c.line]), [['suite.tests.yaml#c2', true, 11], ['suite.tests.yaml#c3', true, 16], ['suite.tests.yaml#c1', false, 6], ['suite.tests.yaml#c4', false, 21]]);
  assert.equal(disagreements, 2);
  assert.deepEqual(cases[0].verdicts['prompts/a.prompt'], { status: 'failed', score: 0.5, reason: '1 of 2 assertions failed.', output: '<script>alert("x")</script>' });
  assert.deepEqual(Object.keys(cases[0].verdicts), ['prompts/a.prompt', 'prompts/b.prompt']);
  // a label with `@` and `/`, and a key without the label's suffix (kept whole), and repeats
  assert.equal(caseOf(result({ variant: 'x@1/y', caseName: 'c9', repeat: 2, repeats: 3 })), 'suite.tests.yaml#c9#2');
  assert.equal(caseOf({ ...result({ variant: 'v', caseName: 'c9' }), caseKey: 'suite.tests.yaml#c9' }), 'suite.tests.yaml#c9');
});

test('the chart: a Chart.js scatter, one dataset per variant at (total cost, pass rate in %)', () => {
  const chart = costPassRateChart(compareVariants(fixtureResults())) as { type: string; data: { datasets: { label: string; data: { x: number; y: number }[] }[] }; options: { scales: Record<string, { title: { text: string } }> } };
  assert.equal(chart.type, 'scatter');
  assert.deepEqual(chart.data.datasets.map((d) => [d.label, d.data.length, Math.round(d.data[0].x * 1e6), d.data[0].y]), [['prompts/a.prompt', 1, 6000, 33.3], ['prompts/b.prompt', 1, 2000, 100]]);
  assert.deepEqual([chart.options.scales.x.title.text, chart.options.scales.y.title.text], ['total cost (US$)', 'pass rate (%)']);
  // JSON only (the page hands it to Chart.js through a data attribute)
  assert.deepEqual(JSON.parse(JSON.stringify(chart)), chart);
});

function summary(results: CaseResult[]): RunSummary {
  const counts = { passed: 0, failed: 0, error: 0, skipped: 0 };
  for (const r of results) counts[r.status]++;
  return { results, startedAt: '2026-12-06T14:00:00.000Z', finishedAt: '2026-12-06T14:00:02.000Z', durationMs: 2000, cancelled: false, counts };
}

function walk(node: Node, visit: (e: Element) => void): void {
  if ('tagName' in node) visit(node);
  const children = (node as { childNodes?: Node[] }).childNodes ?? [];
  for (const c of children) walk(c, visit);
  const content = (node as { content?: Node }).content;
  if (content) walk(content, visit);
}
const attr = (e: Element, name: string) => e.attrs.find((a) => a.name === name)?.value;
const textOf = (e: Node): string => ('value' in e && typeof e.value === 'string' ? e.value : ((e as { childNodes?: Node[] }).childNodes ?? []).map(textOf).join(''));

test('the HTML report: parses, loads nothing from outside, inlines the chart library and the data, escapes outputs and the library\'s own </script>', () => {
  const library = 'var promptWorkbenchCharts = { renderAll: function () { return "</script><script>alert(1)</script>"; } };';
  const html = comparisonReportHtml(summary(fixtureResults()), library, { title: 'Prompts <A> & <B>' });
  const errors: string[] = [];
  const doc = parse(html, { onParseError: (e) => errors.push(`${e.code} at ${e.startLine}:${e.startCol}`) });
  assert.deepEqual(errors, []);
  const elements: Element[] = [];
  walk(doc, (e) => elements.push(e));
  const scripts = elements.filter((e) => e.tagName === 'script');
  // the data, the library, the call: no more (an output's <script> is text, and so is the library's string)
  assert.deepEqual(scripts.map((s) => attr(s, 'type') ?? 'js'), ['application/json', 'js', 'js']);
  assert.ok(scripts.every((s) => attr(s, 'src') === undefined));
  assert.equal(textOf(scripts[1]), library.replace('</script><script>alert(1)</script>', '<\\/script><script>alert(1)<\\/script>'));
  assert.equal(textOf(scripts[2]), 'promptWorkbenchCharts.renderAll();');
  // no reference to anything outside the file
  assert.deepEqual(elements.flatMap((e) => e.attrs.filter((a) => ['src', 'href', 'action', 'poster', 'srcset'].includes(a.name)).map((a) => `${e.tagName} ${a.name}=${a.value}`)), []);
  assert.doesNotMatch(html, /https?:\/\/|url\(|@import/);
  assert.match(attr(elements.find((e) => e.tagName === 'meta' && attr(e, 'http-equiv') === 'Content-Security-Policy')!, 'content')!, /^default-src 'none';/);
  // the data: the comparison as JSON, and the chart's configuration on its canvas
  const data = JSON.parse(textOf(scripts[0])) as { comparison: ReturnType<typeof compareVariants> };
  assert.deepEqual(data.comparison, JSON.parse(JSON.stringify(compareVariants(fixtureResults()))));
  const canvas = elements.find((e) => e.tagName === 'canvas')!;
  assert.deepEqual(JSON.parse(attr(canvas, 'data-chart')!), costPassRateChart(compareVariants(fixtureResults())));
  // the output holding a <script> is shown as text in its cell
  const outputs = elements.filter((e) => e.tagName === 'pre' && attr(e, 'class') === 'output');
  assert.ok(outputs.some((p) => textOf(p) === '<script>alert("x")</script>'), outputs.map(textOf).join(' | '));
  assert.match(html, /<pre class="output">&lt;script&gt;alert\(&quot;x&quot;\)&lt;\/script&gt;<\/pre>/);
  assert.equal(textOf(elements.find((e) => e.tagName === 'title')!), 'Prompts <A> & <B>');
  // the tables: a row per variant with its figures; the cases in disagreement-first order
  const variantRows = elements.filter((e) => e.tagName === 'tr' && attr(e, 'data-variant') !== undefined);
  assert.deepEqual(variantRows.map((r) => (r.childNodes as Node[]).map(textOf)), [
    ['prompts/a.prompt', 'openai', '1/3 (33%)', '0.75', '$0.0060', '$0.0030', '400', '60', '200 ms', '400 ms', '1'],
    ['prompts/b.prompt', 'openai', '3/3 (100%)', '0.92', '$0.0020 + 1 unpriced', '$0.0010', '300', '50', '300 ms', '500 ms', '0'],
  ]);
  const caseRows = elements.filter((e) => e.tagName === 'tr' && attr(e, 'data-case') !== undefined);
  assert.deepEqual(caseRows.map((r) => [attr(r, 'class'), textOf((r.childNodes as Node[])[0])]), [['case disagree', '≠ suite.tests.yaml:11 c2'], ['case disagree', '≠ suite.tests.yaml:16 c3'], ['case', 'suite.tests.yaml:6 c1'], ['case', 'suite.tests.yaml:21 c4']]);
});

test('the shared section escapes labels and reasons too, and only the editor\'s rows say they open a diff', () => {
  const rs = [result({ variant: '<img src=x onerror=alert(1)>', caseName: 'c1', status: 'failed', reason: '<b>bad</b>', output: 'a' }), result({ variant: 'plain', caseName: 'c1', output: 'b' })];
  const section = comparisonSection(compareVariants(rs), { clickable: true });
  assert.doesNotMatch(section, /<img|<b>/);
  assert.match(section, /&lt;img src=x onerror=alert\(1\)&gt;/);
  assert.match(section, /<tr class="case disagree" data-case="0" tabindex="0" title="Open two outputs of this case in the diff editor">/);
  assert.doesNotMatch(comparisonSection(compareVariants(rs)), /tabindex/);
  // the Markdown reporter reads the same figures
  assert.match(comparisonMarkdown(summary(fixtureResults())), /\n\| prompts\/a\.prompt \| openai \| 1\/3 \(33%\) \| 0\.75 \| \$0\.0060 \| \$0\.0030 \| 400 \| 60 \| 200 ms \| 400 ms \| 1 \|\n/);
});
