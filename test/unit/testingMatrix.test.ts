// The model matrix: `matrix:` in a fixture file (schema, diagnostics at the exact value, completion
// and hover) and `--models` (provider-qualified names), the plan (case × variant × repeat, render
// cases once, shards per variant), and runs against the local provider server speaking two wire
// formats at once (OpenAI and Gemini): one concurrency limit, per-variant parameters, results,
// cache keys, run records and JUnit testcases.
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { after, before, beforeEach, test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { compareVariants, completeFixture, createProviders, estimateSuiteCost, fixtureDiagnostics, formatSuiteCost, hoverFixture, inShard, loadSuite, parseFixtureFile, percentile, planJobs, recordLines, ResponseCache, runTests, variantsFromModels, type CaseResult, type SuiteCostEstimate, type TestSuite } from '../../server/src/service/testing';
import { nodeFileStore } from '../../server/src/node/host';
import { readTextUri } from '../../server/src/node/workspaceReads';
import { runCli } from '../support/cli';
import { withCursor } from '../support/markers';
import { MockProvider } from '../support/mockProvider';

const KEY_OPENAI = 'sk-test-MATRIX-openai-0123';
const KEY_GEMINI = 'AIza-test-MATRIX-gemini-4567';
let mock: MockProvider;
before(async () => {
  mock = await MockProvider.start();
});
after(async () => {
  await mock.stop();
});
beforeEach(() => mock.reset());

const MATRIX = 'matrix:\n  - label: mini\n    model: openai/gpt-4o-mini\n    config: { temperature: 0 }\n  - label: flash\n    model: googleai/gemini-2.5-flash\n    config: { temperature: 0.5, topK: 4 }\n';

function diag(text: string) {
  const f = parseFixtureFile(text, 'file:///w/p.tests.yaml');
  return fixtureDiagnostics(f, undefined).map((d) => {
    const s = f.lines.positionAt(d.span.start);
    return { code: d.code, at: `${s.line + 1}:${s.character + 1}`, text: text.slice(d.span.start, d.span.end), message: d.message };
  });
}

function workspace(tests: string): { dir: string; fixture: string } {
  const dir = mkdtempSync(path.join(tmpdir(), 'pw-matrix-'));
  writeFileSync(path.join(dir, 'p.prompt'), '---\nmodel: openai/gpt-4o\nconfig:\n  maxOutputTokens: 64\n  temperature: 1\n---\n{{role "system"}}Answer briefly.\n{{role "user"}}{{question}}\n');
  writeFileSync(path.join(dir, 'p.tests.yaml'), tests);
  return { dir, fixture: path.join(dir, 'p.tests.yaml') };
}

async function suiteOf(tests: string): Promise<{ dir: string; suite: TestSuite }> {
  const { dir, fixture } = workspace(tests);
  return { dir, suite: await loadSuite(pathToFileURL(fixture).toString(), pathToFileURL(dir).toString(), readTextUri) };
}

const providers = (extra = {}) => createProviders({ keys: { openai: KEY_OPENAI, googleai: KEY_GEMINI }, baseUrls: { openai: mock.openaiBaseUrl, googleai: mock.geminiBaseUrl }, timeoutMs: 5000, maxRetries: 0, trusted: true, ...extra });

test('matrix: variants parse with labels (default: the model), provider and config', () => {
  const f = parseFixtureFile(`${MATRIX}  - model: vertexai/gemini-2.5-pro\n  - label: local\n    model: llama3.1\n    provider: openai\ncases:\n  - name: a\n`, 'file:///w/p.tests.yaml');
  assert.deepEqual(f.diagnostics, []);
  assert.deepEqual(
    f.matrix.map((v) => [v.label, v.model, v.provider, v.config, v.line]),
    [
      ['mini', 'openai/gpt-4o-mini', undefined, { temperature: 0 }, 1],
      ['flash', 'googleai/gemini-2.5-flash', undefined, { temperature: 0.5, topK: 4 }, 4],
      ['vertexai/gemini-2.5-pro', 'vertexai/gemini-2.5-pro', undefined, {}, 7],
      ['local', 'llama3.1', 'openai', {}, 8],
    ],
  );
});

test('matrix diagnostics: a model without a provider, a duplicate label, render, unknown keys, an empty list: each on its value', () => {
  assert.deepEqual(diag('matrix:\n  - model: gpt-4o\ncases:\n  - name: a\n'), [
    { code: 'fixture-matrix', at: '2:12', text: 'gpt-4o', message: "The variant's model `gpt-4o` names no provider: write it provider-qualified (`openai/gpt-4o`, `googleai/gpt-4o`, ...) or add `provider:`." },
  ]);
  assert.deepEqual(diag('matrix:\n  - model: openai/a\n    label: x\n  - model: anthropic/b\n    label: x\ncases:\n  - name: a\n'), [
    { code: 'fixture-matrix', at: '5:12', text: 'x', message: 'Another variant is already labelled "x" (line 2). Labels name the variants in reports and records: give this one another `label`.' },
  ]);
  assert.deepEqual(diag('matrix:\n  - model: openai/a\n  - model: openai/a\ncases:\n  - name: a\n').map((d) => [d.at, d.text]), [['3:12', 'openai/a']]);
  assert.deepEqual(diag('matrix:\n  - model: x\n    provider: render\ncases:\n  - name: a\n').map((d) => [d.code, d.at, d.text]), [['fixture-matrix', '3:15', 'render']]);
  assert.deepEqual(diag('matrix:\n  - model: openai/a\n    temprature: 1\ncases:\n  - name: a\n'), [
    { code: 'fixture-unknown-key', at: '3:5', text: 'temprature', message: 'Unknown key `temprature` in `matrix[0]`. Expected one of `label`, `model`, `provider`, `config`.' },
  ]);
  assert.deepEqual(diag('matrix:\n  - label: l\n    modle: openai/a\ncases:\n  - name: a\n').map((d) => d.message), ['`matrix[0].model` is required.', 'Unknown key `modle` in `matrix[0]`. Did you mean `model`?']);
  assert.deepEqual(diag('matrix: []\ncases:\n  - name: a\n').map((d) => [d.at, d.message]), [['1:9', '`matrix` must not be empty.']]);
});

test('matrix in the editor: key completion with a snippet, variant keys, provider-qualified models from the catalogue, hover', () => {
  const complete = (src: string) => {
    const { text, offset } = withCursor(src);
    const f = parseFixtureFile(text, 'file:///w/p.tests.yaml');
    return completeFixture(text, offset, f.lines, undefined)?.items ?? [];
  };
  const root = complete('|').find((i) => i.label === 'matrix')!;
  assert.match((root.textEdit as { newText: string }).newText, /^matrix:\n {2}- label: \$\{1:a\}\n {4}model: \$\{2:openai\/gpt-4o-mini\}/);
  assert.deepEqual(complete('matrix:\n  - model: openai/a\n    |').map((i) => i.label).sort(), ['config', 'label', 'provider']);
  const models = complete('matrix:\n  - model: |').map((i) => i.label);
  assert.ok(models.includes('openai/gpt-4o-mini') && models.includes('googleai/gemini-2.5-flash') && models.includes('vertexai/gemini-2.5-pro') && models.includes('anthropic/claude-sonnet-4-5'), models.join(', '));
  assert.ok(!models.some((m) => m.startsWith('render/') || m.startsWith('google/')));
  assert.ok(!models.some((m) => m.includes('embedding')), 'embedding models are no matrix variant');
  const text = `${MATRIX}cases:\n  - name: a\n`;
  const f = parseFixtureFile(text, 'file:///w/p.tests.yaml');
  assert.match(JSON.stringify(hoverFixture(f, text.indexOf('matrix') + 1, undefined)?.contents), /Run every case on each of these variants/);
  assert.match(JSON.stringify(hoverFixture(f, text.indexOf('label') + 1, undefined)?.contents), /name in reports, JUnit and run records/);
});

test('--models: provider-qualified names only, no duplicates', () => {
  assert.deepEqual(variantsFromModels('openai/gpt-4o-mini, googleai/gemini-2.5-flash'), [
    { label: 'openai/gpt-4o-mini', model: 'openai/gpt-4o-mini', config: {} },
    { label: 'googleai/gemini-2.5-flash', model: 'googleai/gemini-2.5-flash', config: {} },
  ]);
  assert.throws(() => variantsFromModels('gpt-4o'), /"gpt-4o" names no provider\. Write it provider-qualified: openai\/\.\.\., anthropic\/\.\.\., azure-openai\/\.\.\., googleai\/\.\.\., vertexai\/\.\.\./);
  assert.throws(() => variantsFromModels('render/x'), /names no provider/);
  assert.throws(() => variantsFromModels('openai/a,openai/a'), /names "openai\/a" twice/);
  assert.throws(() => variantsFromModels(' , '), /needs a comma-separated list/);
});

test('the plan: case × variant × repeat, variants of a case together, render cases once, --models over matrix:, the editor\'s plan without it', async () => {
  const { suite } = await suiteOf(`${MATRIX}cases:\n  - name: a\n    repeat: 2\n  - name: tmpl\n    provider: render\n  - name: b\n`);
  const ids = (jobs: { id: string }[]) => jobs.map((j) => j.id);
  assert.deepEqual(ids(planJobs([suite], undefined, { matrix: true })), ['p.tests.yaml#a@mini', 'p.tests.yaml#a@mini#2', 'p.tests.yaml#a@flash', 'p.tests.yaml#a@flash#2', 'p.tests.yaml#tmpl', 'p.tests.yaml#b@mini', 'p.tests.yaml#b@flash']);
  assert.deepEqual(ids(planJobs([suite])), ['p.tests.yaml#a', 'p.tests.yaml#a#2', 'p.tests.yaml#tmpl', 'p.tests.yaml#b']);
  const override = planJobs([suite], 1, { matrix: true, variants: variantsFromModels('anthropic/claude-sonnet-4-5') });
  assert.deepEqual(ids(override), ['p.tests.yaml#a@anthropic/claude-sonnet-4-5', 'p.tests.yaml#tmpl', 'p.tests.yaml#b@anthropic/claude-sonnet-4-5']);
  // Shards split case × variant; together they are the whole plan, and a variant's repeats stay together.
  const all = planJobs([suite], 3, { matrix: true });
  const shards = [1, 2, 3].map((k) => all.filter((j) => inShard(j.caseKey, k, 3)));
  assert.deepEqual(shards.flat().map((j) => j.id).sort(), all.map((j) => j.id).sort());
  for (const s of shards) for (const j of s) assert.equal(s.filter((x) => x.caseKey === j.caseKey).length, 3, j.caseKey);
  assert.ok(new Set(all.map((j) => j.caseKey)).size === 5);
});

test('a run over two providers\' wire formats: each case on each variant, the variant\'s model and parameters, one concurrency limit', async () => {
  const cases = Array.from({ length: 6 }, (_, i) => `  - name: q${i}\n    vars: { question: "Question ${i}?" }\n    assert:\n      - type: contains\n        value: ok\n`).join('');
  const { suite } = await suiteOf(`${MATRIX}cases:\n${cases}  - name: tmpl\n    provider: render\n    vars: { question: x }\n`);
  mock.latencyMs = 40;
  mock.script = (req) => ({ text: req.api === 'gemini' ? 'ok from gemini' : 'ok from openai', usage: { input: 1000, output: 100 }, model: req.api === 'gemini' ? 'gemini-2.5-flash-001' : 'gpt-4o-mini-2024-07-18' });
  const summary = await runTests([suite], { ...providers(), concurrency: 3, readText: readTextUri }, planJobs([suite], undefined, { matrix: true }));
  assert.equal(summary.results.length, 13);
  assert.deepEqual(summary.counts, { passed: 13, failed: 0, error: 0, skipped: 0 });
  assert.ok(mock.maxInFlight <= 3, `at most 3 calls at once over both providers, saw ${mock.maxInFlight}`);
  assert.ok(mock.maxInFlight >= 2, `calls overlap, saw ${mock.maxInFlight}`);
  const openai = mock.requests.filter((r) => r.api === 'openai');
  const gemini = mock.requests.filter((r) => r.api === 'gemini');
  assert.equal(openai.length, 6);
  assert.equal(gemini.length, 6);
  // The variant's config over the prompt's: temperature from the variant, maxOutputTokens from the prompt.
  assert.deepEqual([openai[0].body.model, openai[0].body.temperature, openai[0].body.max_tokens], ['gpt-4o-mini', 0, 64]);
  assert.equal(gemini[0].path, '/v1beta/models/gemini-2.5-flash:generateContent');
  assert.deepEqual(gemini[0].body.generationConfig, { maxOutputTokens: 64, temperature: 0.5, topK: 4 });
  assert.deepEqual(gemini[0].body.systemInstruction, { parts: [{ text: 'Answer briefly.' }], role: 'user' });
  const q0 = summary.results.filter((r) => r.caseName === 'q0');
  assert.deepEqual(
    q0.map((r) => [r.id, r.variant, r.provider, r.requestedModel, r.returnedModel, r.output]),
    [
      ['p.tests.yaml#q0@mini', 'mini', 'openai', 'openai/gpt-4o-mini', 'gpt-4o-mini-2024-07-18', 'ok from openai'],
      ['p.tests.yaml#q0@flash', 'flash', 'googleai', 'googleai/gemini-2.5-flash', 'gemini-2.5-flash-001', 'ok from gemini'],
    ],
  );
  // Costs from each model's own prices: gpt-4o-mini $0.15/$0.60, gemini-2.5-flash $0.30/$2.50 per million.
  assert.ok(Math.abs(q0[0].cost! - (1000 * 0.15 + 100 * 0.6) / 1e6) < 1e-12, String(q0[0].cost));
  assert.ok(Math.abs(q0[1].cost! - (1000 * 0.3 + 100 * 2.5) / 1e6) < 1e-12, String(q0[1].cost));
  const tmpl = summary.results.find((r) => r.caseName === 'tmpl')!;
  assert.deepEqual([tmpl.variant, tmpl.provider], [undefined, 'render']);
  // Records keep the variant of each case.
  const lines = recordLines(summary, { tool: 't', toolVersion: '0', origin: 'cli' }, () => undefined).slice(1).map((l) => JSON.parse(l));
  assert.deepEqual(lines.filter((l) => l.case === 'q0').map((l) => [l.id, l.caseKey, l.variant]), [
    ['p.tests.yaml#q0@mini', 'p.tests.yaml#q0@mini', 'mini'],
    ['p.tests.yaml#q0@flash', 'p.tests.yaml#q0@flash', 'flash'],
  ]);
  assert.equal('variant' in lines.find((l) => l.case === 'tmpl'), false);
});

test('the cache keeps variants apart: a second run answers every variant from the cache, and a variant that differs only in parameters has its own entry', async () => {
  const { dir, suite } = await suiteOf(`${MATRIX}  - label: mini-hot\n    model: openai/gpt-4o-mini\n    config: { temperature: 1.5 }\ncases:\n  - name: a\n    vars: { question: "Why?" }\n`);
  const cache = () => new ResponseCache(nodeFileStore(path.join(dir, 'cache')));
  const jobs = () => planJobs([suite], undefined, { matrix: true });
  const first = await runTests([suite], { ...providers(), concurrency: 2, readText: readTextUri, cache: cache() }, jobs());
  assert.deepEqual([first.cache?.hits, first.cache?.writes, mock.requests.length], [0, 3, 3]);
  assert.deepEqual(mock.requests.filter((r) => r.api === 'openai').map((r) => r.body.temperature).sort(), [0, 1.5]);
  const second = await runTests([suite], { ...providers(), concurrency: 2, readText: readTextUri, cache: cache() }, jobs());
  assert.deepEqual([second.cache?.hits, mock.requests.length], [3, 3]);
  assert.deepEqual(second.results.map((r) => [r.variant, r.cached]), [['mini', true], ['flash', true], ['mini-hot', true]]);
});

test('prompt-workbench test with a matrix and with --models: JUnit has one testcase per case and variant, named with the label; shards split the variants', async () => {
  const { dir } = workspace(`${MATRIX}cases:\n  - name: first\n    vars: { question: "One?" }\n    assert:\n      - type: contains\n        value: gemini\n  - name: second\n    vars: { question: "Two?" }\n`);
  mock.script = (req) => ({ text: req.api === 'gemini' ? 'gemini says hi' : 'openai says hi', usage: { input: 10, output: 3 } });
  const env = { OPENAI_API_KEY: KEY_OPENAI, OPENAI_BASE_URL: mock.openaiBaseUrl, GEMINI_API_KEY: KEY_GEMINI, GOOGLE_API_KEY: undefined, GOOGLE_GEMINI_BASE_URL: mock.geminiBaseUrl };
  const r = await runCli(['test', '--reporter', 'junit', '--no-cache', '--concurrency', '2'], dir, env);
  assert.equal(r.code, 1, r.stderr);
  const names = [...r.stdout.matchAll(/<testcase [^>]*name="([^"]+)"/g)].map((m) => m[1]);
  assert.deepEqual(names, ['first [mini]', 'first [flash]', 'second [mini]', 'second [flash]']);
  assert.match(r.stdout, /<testsuites name="prompt-workbench" tests="4" failures="1" errors="0"/);
  assert.match(r.stdout, /name="first \[mini\]"[^]*?<failure message="[^"]*"[^]*?<property name="variant" value="mini"\/>\n\s*<property name="provider" value="openai"\/>/);
  assert.match(r.stdout, /name="first \[flash\]"[^>]*>\n\s*<properties>\n\s*<property name="variant" value="flash"\/>\n\s*<property name="provider" value="googleai"\/>/);
  const record = readdirSync(path.join(dir, '.prompt-workbench', 'runs'));
  const recorded = readFileSync(path.join(dir, '.prompt-workbench', 'runs', record[0]), 'utf8');
  assert.ok(!recorded.includes(KEY_OPENAI) && !recorded.includes(KEY_GEMINI));
  assert.deepEqual(recorded.trim().split('\n').slice(1).map((l) => JSON.parse(l).variant), ['mini', 'flash', 'mini', 'flash']);

  mock.reset();
  mock.script = () => ({ text: 'fine' });
  const models = await runCli(['test', '--models', 'anthropic/claude-sonnet-4-5,googleai/gemini-2.0-flash,openai/gpt-4.1-nano', '--reporter', 'json', '--no-cache', '--no-record'], dir, { ...env, ANTHROPIC_API_KEY: 'sk-ant-x', ANTHROPIC_BASE_URL: mock.anthropicBaseUrl });
  const report = JSON.parse(models.stdout) as { results: { id: string; variant: string; provider: string }[] };
  assert.deepEqual(report.results.map((x) => x.id), ['p.tests.yaml#first@anthropic/claude-sonnet-4-5', 'p.tests.yaml#first@googleai/gemini-2.0-flash', 'p.tests.yaml#first@openai/gpt-4.1-nano', 'p.tests.yaml#second@anthropic/claude-sonnet-4-5', 'p.tests.yaml#second@googleai/gemini-2.0-flash', 'p.tests.yaml#second@openai/gpt-4.1-nano']);
  assert.deepEqual(mock.requests.map((q) => q.api).sort(), ['anthropic', 'anthropic', 'gemini', 'gemini', 'openai', 'openai']);

  const sharded: string[] = [];
  for (const k of [1, 2]) {
    const s = await runCli(['test', '--shard', `${k}/2`, '--reporter', 'json', '--no-cache', '--no-record'], dir, env);
    sharded.push(...(JSON.parse(s.stdout) as { results: { id: string }[] }).results.map((x) => x.id));
  }
  assert.deepEqual(sharded.sort(), ['p.tests.yaml#first@flash', 'p.tests.yaml#first@mini', 'p.tests.yaml#second@flash', 'p.tests.yaml#second@mini']);

  const bad = await runCli(['test', '--models', 'gpt-4o'], dir, env);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /--models: "gpt-4o" names no provider/);
});

test('--estimate covers every variant (its model, tokenizer, price and maxOutputTokens) and the llm-rubric judge calls', async () => {
  const { suite } = await suiteOf(`${MATRIX}  - label: capped
    model: anthropic/claude-3-5-haiku
    config: { maxOutputTokens: 10 }
cases:
  - name: judged
    repeat: 2
    vars: { question: "Is water wet?" }
    assert:
      - type: llm-rubric
        value: Answers yes or no.
        provider: openai
        model: gpt-4o-mini
  - name: plain
    vars: { question: "Why is the sky blue?" }
  - name: tmpl
    provider: render
    vars: { question: x }
`);
  const e = await estimateSuiteCost([suite], { readText: readTextUri, plan: { matrix: true } });
  const p = e.prompts[0];
  const row = (variant?: string) => p.models.find((m) => m.variant === variant)!;
  assert.deepEqual(p.models.map((m) => [m.provider, m.model, m.variant, m.cases]), [
    ['openai', 'openai/gpt-4o-mini', 'mini', 3],
    ['googleai', 'googleai/gemini-2.5-flash', 'flash', 3],
    ['anthropic', 'anthropic/claude-3-5-haiku', 'capped', 3],
    ['render', 'openai/gpt-4o', undefined, 1],
  ]);
  // Each variant's answer bound: the prompt's maxOutputTokens (64), or the variant's own (10).
  assert.deepEqual([row('mini').maxOutputTokens, row('flash').maxOutputTokens, row('capped').maxOutputTokens], [3 * 64, 3 * 64, 3 * 10]);
  assert.deepEqual([row('mini').estimated, row('flash').estimated, row('capped').estimated], [false, true, true]);
  // gemini-2.5-flash at $0.30 / $2.50 per million input / output tokens.
  assert.ok(Math.abs(row('flash').cost!.high - (row('flash').inputTokens * 0.3 + 3 * 64 * 2.5) / 1e6) < 1e-12);
  assert.deepEqual(p.cases.filter((c) => c.caseName === 'plain').map((c) => [c.id, c.variant]), [['p.tests.yaml#plain@mini', 'mini'], ['p.tests.yaml#plain@flash', 'flash'], ['p.tests.yaml#plain@capped', 'capped']]);
  // The judge: one call per case run (2 repeats × 3 variants), its rubric and the answer's bound in.
  assert.equal(p.judges.length, 1);
  const judge = p.judges[0];
  assert.deepEqual([judge.provider, judge.model, judge.judgeCalls, judge.cases], ['openai', 'gpt-4o-mini', 6, 0]);
  const rubricTokens = judge.inputTokens - 2 * (64 + 64 + 10);
  assert.ok(rubricTokens > 6 * 50 && rubricTokens % 6 === 0, `the rubric prompt is counted six times: ${rubricTokens}`);
  assert.equal(e.totals.judgeCalls, 6);
  assert.equal(e.totals.cases, 10);
  assert.ok(Math.abs(e.totals.cost.high - [...p.models, judge].reduce((s, m) => s + (m.cost?.high ?? 0), 0)) < 1e-12);
  const text = formatSuiteCost(e, 'text');
  assert.match(text, /^Total: 10 case runs and 6 judge calls, ≈[\d,]+ input tokens/);
  assert.match(text, /\n {2}googleai · googleai\/gemini-2\.5-flash \[flash\] +3 +≈[\d,]+ +192 /);
  assert.match(text, /\n {2}judge: openai · gpt-4o-mini +6 /);
  // Without the matrix (the editor's estimate) each case runs once on its own model.
  const plain = await estimateSuiteCost([suite], { readText: readTextUri });
  assert.deepEqual(plain.prompts[0].models.map((m) => [m.model, m.cases]), [['openai/gpt-4o', 3], ['openai/gpt-4o', 1]]);

  // The CLI: --models replaces the matrix; the judge flags name the judge of rubrics that name none.
  const cli = await runCli(['test', '--estimate', '--json', '--models', 'googleai/gemini-2.5-pro,openai/gpt-4.1'], path.dirname(suite.fixture.uri.replace('file://', '')));
  assert.equal(cli.code, 0, cli.stderr);
  const viaCli = JSON.parse(cli.stdout) as SuiteCostEstimate;
  assert.deepEqual(viaCli.prompts[0].models.map((m) => [m.variant, m.cases]), [['googleai/gemini-2.5-pro', 3], ['openai/gpt-4.1', 3], [undefined, 1]]);
  assert.equal(viaCli.totals.judgeCalls, 4);
});

function result(over: Partial<CaseResult>): CaseResult {
  return { id: 'f.tests.yaml#c', caseKey: 'f.tests.yaml#c', fixtureUri: 'file:///w/f.tests.yaml', promptUri: 'file:///w/f.prompt', fixturePath: 'f.tests.yaml', promptPath: 'f.prompt', caseName: 'c', caseLine: 0, repeat: 1, repeats: 1, status: 'passed', parameters: {}, vars: {}, cached: false, assertions: [], reason: 'ok', ...over };
}

test('the comparison: per variant pass rate, mean score, cost, tokens, nearest-rank p50/p95 latency, errors; disagreements first', () => {
  const rs: CaseResult[] = [];
  for (let i = 0; i < 20; i++) {
    const key = `f.tests.yaml#c${i}`;
    rs.push(result({ id: `${key}@a`, caseKey: `${key}@a`, caseName: `c${i}`, caseLine: i, variant: 'a', provider: 'openai', requestedModel: 'openai/x', returnedModel: 'x-001', status: 'passed', score: 1, cost: 0.001, usage: { inputTokens: 10, outputTokens: 2 }, latencyMs: (i + 1) * 10 }));
    const bFails = i === 7 || i === 13;
    rs.push(result({ id: `${key}@b`, caseKey: `${key}@b`, caseName: `c${i}`, caseLine: i, variant: 'b', provider: 'googleai', requestedModel: 'googleai/y', status: i === 19 ? 'error' : bFails ? 'failed' : 'passed', score: bFails ? 0.25 : i === 19 ? undefined : 1, cost: i === 19 ? undefined : 0.002, usage: i === 19 ? undefined : { inputTokens: 12, outputTokens: 3 }, latencyMs: i === 19 ? undefined : 100, output: bFails ? 'wrong' : i === 19 ? undefined : 'right', reason: bFails ? 'It said wrong.' : 'ok' }));
  }
  const { variants, cases } = compareVariants(rs);
  const [a, b] = variants;
  assert.deepEqual([a.label, a.runs, a.passRate, a.meanScore, a.inputTokens, a.outputTokens, a.p50LatencyMs, a.p95LatencyMs, a.returnedModels], ['a', 20, 1, 1, 200, 40, 100, 190, ['x-001']]);
  assert.ok(Math.abs(a.cost - 0.02) < 1e-12 && Math.abs(a.meanCost! - 0.001) < 1e-12);
  assert.deepEqual([b.counts, b.passRate, b.meanScore, b.unpricedRuns, b.p50LatencyMs, b.p95LatencyMs], [{ passed: 17, failed: 2, error: 1, skipped: 0 }, 17 / 20, (17 + 0.5) / 19, 0, 100, 100]);
  assert.deepEqual(cases.slice(0, 3).map((c) => [c.caseName, c.disagree]), [['c7', true], ['c13', true], ['c19', true]]);
  assert.deepEqual(cases.slice(3, 5).map((c) => [c.key, c.disagree]), [['f.tests.yaml#c0', false], ['f.tests.yaml#c1', false]]);
  assert.deepEqual(cases[0].verdicts.b, { status: 'failed', score: 0.25, reason: 'It said wrong.', output: 'wrong' });
  assert.equal(percentile([1, 2, 3, 4], 50), 2);
  assert.equal(percentile([], 95), undefined);
  // Without a matrix the variants are the providers and models the cases used.
  assert.deepEqual(compareVariants([result({ provider: 'openai', requestedModel: 'openai/x' }), result({ provider: 'render' })]).variants.map((v) => v.label), ['openai · openai/x', 'render']);
});

test('--reporter markdown: the variants\' table and the cases side by side, disagreements first with both outputs, fenced safely', async () => {
  const { dir } = workspace(`${MATRIX}cases:\n  - name: agree\n    vars: { question: "Same?" }\n    assert:\n      - type: contains\n        value: same\n  - name: differ\n    vars: { question: "Differ?" }\n    assert:\n      - type: contains\n        value: yes\n`);
  mock.script = (req) => ({ text: req.prompt.includes('Same') ? 'same | here' : req.api === 'gemini' ? 'yes ~~~ indeed' : 'no', usage: { input: 1000, output: 10 } });
  const env = { OPENAI_API_KEY: KEY_OPENAI, OPENAI_BASE_URL: mock.openaiBaseUrl, GEMINI_API_KEY: KEY_GEMINI, GOOGLE_API_KEY: undefined, GOOGLE_GEMINI_BASE_URL: mock.geminiBaseUrl };
  const r = await runCli(['test', '--reporter', 'markdown', '--no-cache', '--no-record'], dir, env);
  assert.equal(r.code, 1, r.stderr);
  const md = r.stdout;
  assert.match(md, /^## Prompt test comparison\n\n2 case runs × 2 variants; 3 passed, 1 failed, 0 errors, 0 skipped in [\d.]+ s\. \*\*The variants disagree on 1 case run\.\*\*\n/);
  assert.match(md, /\n\| mini \| openai\/gpt-4o-mini \| 1\/2 \(50%\) \| 0\.50 \| \$0\.00031 \| \$0\.00016 \| 2,000 \| 20 \| \d+ ms \| \d+ ms \| 0 \|\n/);
  assert.match(md, /\n\| flash \| googleai\/gemini-2\.5-flash \| 2\/2 \(100%\) \| 1\.00 \| \$0\.00065 \| \$0\.0003[23] \| 2,000 \| 20 \| /);
  const rows = md.split('### Cases (where the variants disagree first)\n\n')[1].split('\n').slice(0, 4);
  assert.deepEqual(rows.slice(0, 2), ['| case | mini | flash |', '|---|---|---|']);
  assert.match(rows[2], /^\| \*\*≠\*\* `p\.tests\.yaml:14` differ \| ❌ fail 0\.00: 1 of 1 assertion failed\. \| ✅ pass 1\.00 \|$/);
  assert.match(rows[3], /^\| `p\.tests\.yaml:9` agree \| ✅ pass 1\.00 \| ✅ pass 1\.00 \|$/);
  assert.match(md, /### Outputs where the variants disagree\n\n<details>\n<summary>p\.tests\.yaml:14 differ<\/summary>\n\n\*\*mini\*\* \(❌ fail\)\n\n~~~text\nno\n~~~\n\n\*\*flash\*\* \(✅ pass\)\n\n~~~~text\nyes ~~~ indeed\n~~~~\n/);
  // The text report ends with a line per variant.
  const text = await runCli(['test', '--no-cache', '--no-record'], dir, env);
  assert.match(text.stdout, /\n {2}mini: 1\/2 passed, 0 errors, \$0\.00031, p50 \d+ ms\n {2}flash: 2\/2 passed, 0 errors, \$0\.00065, p50 \d+ ms\n$/);
});
