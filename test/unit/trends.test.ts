// The trends engine against figures worked out by hand, and the HTML page built from them.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { figuresOf, promptTrends, trendRecordFromText, twoProportionZ, type TrendCase, type TrendRecord } from '../../server/src/service/history/trends';
import { trendsHtml } from '../../server/src/service/history/trendsHtml';
import { newestRecordNames, trendsOfFile } from '../../client/src/trends/select';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { runCli } from '../support/cli';
import { writeTrendRecords } from '../support/trendRecords';

const H1 = 'a'.repeat(64);
const H2 = 'b'.repeat(64);
const C1 = '1111111aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa';
const C2 = '2222222bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb';

function c(status: TrendCase['status'], extra: Partial<TrendCase> = {}): TrendCase {
  return { id: `p.tests.yaml#${Math.random()}`, prompt: 'p.prompt', status, promptHash: H1, gitCommit: C1, gitDirty: false, returnedModel: 'gpt-a', ...extra };
}

// run 1 (H1): pass 1.0 / pass 0.8 / fail 0.2 / error; costs .01 .02 .03 -; latencies 100..400
// run 2 (H1): four passes, score 1, cost .01 each, latency 50
// run 3 (H2, commit C2, another model): 2 pass, 2 fail
const records: TrendRecord[] = [
  { file: 'run-1.jsonl', startedAt: '2026-01-01T00:00:00.000Z', cases: [c('passed', { score: 1, cost: 0.01, latencyMs: 100 }), c('passed', { score: 0.8, cost: 0.02, latencyMs: 200 }), c('failed', { score: 0.2, cost: 0.03, latencyMs: 300 }), c('error', { latencyMs: 400 })] },
  { file: 'run-2.jsonl', startedAt: '2026-01-02T00:00:00.000Z', cases: [1, 2, 3, 4].map(() => c('passed', { score: 1, cost: 0.01, latencyMs: 50 })) },
  { file: 'run-3.jsonl', startedAt: '2026-01-03T00:00:00.000Z', cases: [c('passed', { promptHash: H2, gitCommit: C2, returnedModel: 'gpt-b', score: 1 }), c('passed', { promptHash: H2, gitCommit: C2, returnedModel: 'gpt-b', score: 1 }), c('failed', { promptHash: H2, gitCommit: C2, returnedModel: 'gpt-b', score: 0 }), c('failed', { promptHash: H2, gitCommit: C2, returnedModel: 'gpt-b', score: 0 })] },
];

test('figures of one run: pass rate over passed+failed+errors, scores without errors, nearest-rank percentiles', () => {
  const f = figuresOf(records[0].cases);
  assert.deepEqual(f.counts, { passed: 2, failed: 1, error: 1, skipped: 0 });
  assert.equal(f.passRate, 0.5);
  assert.ok(Math.abs(f.meanScore! - 2 / 3) < 1e-12); // (1 + 0.8 + 0.2) / 3
  assert.ok(Math.abs(f.cost - 0.06) < 1e-12);
  assert.ok(Math.abs(f.costPerResult! - 0.02) < 1e-12);
  assert.equal(f.p50LatencyMs, 200); // ceil(0.5 * 4) = 2nd of [100, 200, 300, 400]
  assert.equal(f.p95LatencyMs, 400); // ceil(0.95 * 4) = 4th
});

test('versions, points, spread and model changes of a prompt', () => {
  const [t] = promptTrends(records);
  assert.equal(t.prompt, 'p.prompt');
  assert.deepEqual(t.points.map((p) => [p.file, p.version, p.passRate]), [['run-1.jsonl', 0, 0.5], ['run-2.jsonl', 0, 1], ['run-3.jsonl', 1, 0.5]]);
  const [v1, v2] = t.versions;
  assert.equal(v1.label, '1111111');
  assert.equal(v2.label, '2222222');
  assert.equal(v1.runs, 2);
  assert.equal(v1.results, 8);
  assert.equal(v1.passRate, 6 / 8);
  assert.deepEqual(v1.spread.passRate, { min: 0.5, max: 1 });
  assert.ok(Math.abs(v1.meanScore! - 6 / 7) < 1e-12); // (1 + 0.8 + 0.2 + 4) / 7 scored results
  assert.equal(v1.p50LatencyMs, 50); // [50 x4, 100, 200, 300, 400]: 4th
  assert.equal(v1.p95LatencyMs, 400); // ceil(0.95 * 8) = 8th
  assert.ok(Math.abs(v1.costPerResult! - 0.1 / 7) < 1e-12); // .06 + .04 over 7 priced results
  assert.deepEqual(v2.spread.passRate, { min: 0.5, max: 0.5 });
  // run 3 answered with another model: marked, the first two not
  assert.deepEqual(t.modelChanges.map((p) => [p.file, p.modelChange]), [['run-3.jsonl', { from: ['gpt-a'], to: ['gpt-b'] }]]);
  // 4 results per run is below the default minimum of 5 on each side: no drift test at all
  assert.deepEqual(v1.drift, []);
});

test('drift: the two-proportion z statistic by hand, and where it is flagged', () => {
  // 2/4 before, 4/4 after: p = 6/8, se = sqrt(.75 * .25 * (1/4 + 1/4)) = 0.306186, z = 0.5 / se = 1.63299
  assert.ok(Math.abs(twoProportionZ(2, 4, 4, 4) - 1.63299) < 1e-5);
  // 10/20 before, 2/20 after: p = .3, se = sqrt(.3 * .7 * .1) = 0.144914, z = -0.4 / se = -2.76026
  assert.ok(Math.abs(twoProportionZ(10, 20, 2, 20) + 2.76026) < 1e-5);
  assert.equal(twoProportionZ(5, 5, 5, 5), 0); // pooled rate 1: no difference possible
  assert.equal(twoProportionZ(0, 0, 3, 5), 0);

  const [small] = promptTrends(records, { minResults: 4 });
  assert.equal(small.versions[0].drift.length, 1);
  assert.ok(Math.abs(small.versions[0].drift[0].z - 1.63299) < 1e-5);
  assert.equal(small.versions[0].drift[0].drift, false);
  assert.deepEqual(small.drift, []);

  const q = (status: TrendCase['status'], n: number) => Array.from({ length: n }, () => c(status, { prompt: 'q.prompt' }));
  const drifting: TrendRecord[] = [
    { file: 'q-1.jsonl', startedAt: '2026-02-01T00:00:00Z', cases: [...q('passed', 10), ...q('failed', 10)] },
    { file: 'q-2.jsonl', startedAt: '2026-02-02T00:00:00Z', cases: [...q('passed', 2), ...q('failed', 17), ...q('error', 1), ...q('skipped', 3)] },
  ];
  const [t] = promptTrends(drifting, { prompt: 'q.prompt' });
  assert.equal(t.drift.length, 1);
  assert.deepEqual(t.drift[0].before, { passed: 10, total: 20, runs: 1 });
  assert.deepEqual(t.drift[0].after, { passed: 2, total: 20 }); // skipped results are not verdicts
  assert.ok(Math.abs(t.drift[0].z + 2.76026) < 1e-5);
  assert.equal(t.drift[0].file, 'q-2.jsonl');
  // A different text is a new version, never drift.
  const [other] = promptTrends([drifting[0], { ...drifting[1], cases: drifting[1].cases.map((x) => ({ ...x, promptHash: H2 })) }]);
  assert.deepEqual(other.drift, []);
  assert.equal(other.versions.length, 2);
});

test('cases without a content hash, and other prompts, are left out; order is by time', () => {
  const t = promptTrends([records[2], records[0], { file: 'x.jsonl', startedAt: '2026-01-05T00:00:00Z', cases: [c('passed', { promptHash: null }), c('passed', { prompt: 'other.prompt' })] }]);
  assert.deepEqual(t.map((x) => x.prompt), ['other.prompt', 'p.prompt']);
  assert.deepEqual(t[1].points.map((p) => p.file), ['run-1.jsonl', 'run-3.jsonl']);
});

test('a record file read tolerantly: extra fields (request, response, schemaVersion) and bad lines', () => {
  const text = [
    JSON.stringify({ type: 'run', version: 2, schemaVersion: '2', startedAt: '2026-03-01T00:00:00Z', finishedAt: '2026-03-01T00:01:00Z', counts: { passed: 1 } }),
    JSON.stringify({ type: 'case', id: 'a#1', caseKey: 'a#1', fixture: 'a.tests.yaml', prompt: 'a.prompt', case: 'one', caseLine: 3, repeat: 1, repeats: 1, status: 'passed', provider: 'openai', output: 'hi', latencyMs: 12, cost: 0.5, reason: '', assertions: [], promptHash: H1, gitCommit: null, score: 1, returnedModel: 'm-1', request: { model: 'gpt-4o-mini', messages: [{ role: 'user', text: 'hi' }], parameters: {}, output: null, tools: [], sent: null }, response: { text: 'hi' } }),
    '{not json',
  ].join('\n');
  const { record, problems } = trendRecordFromText('r.jsonl', text);
  assert.equal(problems.length, 1);
  assert.match(problems[0], /Line 3/);
  assert.deepEqual(record?.cases.map((x) => [x.prompt, x.promptHash, x.gitCommit, x.score, x.cost, x.latencyMs, x.returnedModel]), [['a.prompt', H1, undefined, 1, 0.5, 12, 'm-1']]);
  assert.deepEqual(trendRecordFromText('x', 'hello').record, undefined);
  // The answering model from a `response` object when the line has no returnedModel.
  const nested = text.split('\n').slice(0, 2).join('\n').replace('"returnedModel":"m-1",', '').replace('"response":{"text":"hi"}', '"response":{"text":"hi","model":"m-2"}');
  assert.equal(trendRecordFromText('r.jsonl', nested).record?.cases[0].returnedModel, 'm-2');
});

test('the HTML page: every text escaped, charts as JSON in attributes, one script mode or the other', () => {
  const evil: TrendRecord[] = [{ file: `<img src=x onerror=alert(1)>'.jsonl`, startedAt: '2026-01-01T00:00:00Z', cases: [c('passed', { prompt: `</script><b>p</b>'.prompt`, returnedModel: `"><svg>` })] }];
  const trends = promptTrends(evil);
  const file = trendsHtml({ title: 'T <x>', trends, script: { inline: 'var promptWorkbenchCharts={renderAll(){}}; "</script>";' } });
  assert.ok(!file.includes('<img src=x'));
  assert.ok(!file.includes('<b>p</b>'));
  assert.ok(!file.includes('"><svg>'));
  assert.ok(file.includes('&lt;/script&gt;&lt;b&gt;p&lt;/b&gt;&#39;.prompt'));
  assert.ok(file.includes('"<\\/script>"'), 'the inlined library cannot close its element');
  assert.equal(file.match(/<\/script>/g)?.length, 2);
  assert.ok(!/src="http|href="http/.test(file), 'no network');
  const charts = [...file.matchAll(/data-chart='([^']*)'/g)].map((m) => JSON.parse(m[1].replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&')));
  assert.deepEqual(charts.map((x) => x.type), ['line', 'bar', 'line', 'bar']);
  assert.deepEqual(charts[0].data.datasets[0].data, [100]);
  const view = trendsHtml({ title: 'T', trends, script: { src: 'vscode-resource://x/charts.js', nonce: 'N0nce', cspSource: 'vscode-resource:' } });
  assert.ok(view.includes('script-src &#39;nonce-N0nce&#39;'), 'the CSP (entities decode in the attribute)');
  assert.ok(view.includes('<script nonce="N0nce" src="vscode-resource://x/charts.js">'));
  assert.ok(!view.includes('unsafe-inline'));
});

test('the spread chart carries each run and the min-max band per version', () => {
  const html = trendsHtml({ title: 't', trends: promptTrends(records), script: { inline: '' } });
  const charts = [...html.matchAll(/data-chart='([^']*)'/g)].map((m) => JSON.parse(m[1].replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&amp;/g, '&')));
  const spread = charts[1];
  assert.deepEqual(spread.data.labels, ['1111111', '2222222']);
  assert.deepEqual(spread.data.datasets[0].data, [[50, 100], [50, 50]]);
  assert.deepEqual(spread.data.datasets[1].data, [{ x: '1111111', y: 50 }, { x: '1111111', y: 100 }, { x: '2222222', y: 50 }]);
  assert.deepEqual(spread.data.datasets[2].data, [75, 50]);
  // the model change is marked on the time chart at run 3
  assert.deepEqual(charts[0].data.datasets[2].data, [{ x: charts[0].data.labels[2], y: 50 }]);
});

test('the view picks the open prompt by its path from the workspace folder, or the nearest project root', () => {
  const t = promptTrends([{ file: 'r.jsonl', startedAt: '2026-01-01T00:00:00Z', cases: [c('passed', { prompt: 'summarize.prompt' }), c('passed', { prompt: 'app/summarize.prompt' }), c('passed', { prompt: 'other.prompt' })] }]);
  assert.deepEqual(trendsOfFile(t, 'app/summarize.prompt').map((x) => x.prompt), ['app/summarize.prompt']);
  assert.deepEqual(trendsOfFile(t, 'repo/app/summarize.prompt').map((x) => x.prompt), ['app/summarize.prompt']);
  assert.deepEqual(trendsOfFile(t, 'missing.prompt'), []);
  assert.equal(trendsOfFile(t, undefined).length, 3);
  assert.deepEqual(newestRecordNames(['run-2026-01-02.jsonl', 'notes.txt', 'run-2026-01-03.jsonl', 'run-2026-01-01.jsonl'], 2), ['run-2026-01-03.jsonl', 'run-2026-01-02.jsonl']);
});

test('prompt-workbench report: text and JSON of the records in the project\'s runs folder, bad lines named', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'pw-report-'));
  const runs = writeTrendRecords(dir);
  writeFileSync(path.join(runs, 'run-2026-12-01-broken.jsonl'), '{"type":"run","version":1,"startedAt":"2026-12-01T00:00:00Z","finishedAt":"2026-12-01T00:00:01Z","counts":{}}\nnot json\n');
  const text = await runCli(['report'], dir);
  assert.equal(text.code, 0, text.stderr);
  assert.match(text.stdout, /^summarize\.prompt: 3 version\(s\), 10 run\(s\)\n/);
  assert.match(text.stdout, /\n {2}7d41c0a {5}5 run\(s\) {2}pass 86\.0% \(runs 40\.0%\.\.100\.0%\).* DRIFT\n/);
  assert.match(text.stderr, /run-2026-12-01-broken\.jsonl: Line 2 is not JSON\./);
  const json = await runCli(['report', '--json', '--prompt', 'summarize.prompt'], dir);
  const data = JSON.parse(json.stdout);
  assert.equal(data.trends.length, 1);
  assert.deepEqual(data.trends[0].versions.map((v: { runs: number }) => v.runs), [3, 5, 2]);
  assert.ok(Math.abs(data.trends[0].drift[0].z + 4.68705) < 1e-4); // 39/40 then 4/10
  assert.deepEqual(data.trends[0].modelChanges.map((p: { startedAt: string }) => p.startedAt), ['2026-11-08T09:00:00.000Z']);
  const none = await runCli(['report'], mkdtempSync(path.join(tmpdir(), 'pw-report-empty-')));
  assert.equal(none.code, 2);
  assert.match(none.stderr, /no run records yet/);
});
