// The "Compare Models" view without VS Code: the jobs of a matrix run from a Test Explorer
// selection and the items they report to (items.ts), one item's verdict over its variants
// (reportText.ts), and the page (compareModelsHtml.ts): theme colours, the chart script by URI
// under the content security policy, the disagreement-first rows a click diffs, and the pair a
// click opens.
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { parse, type DefaultTreeAdapterMap } from 'parse5';
import { compareModelsHtml, defaultPair, outputText } from '../../client/src/testing/compareModelsHtml';
import { itemJobId, matrixJobs, selectJobs, planItems } from '../../client/src/testing/items';
import { resultOutput, variantsVerdict } from '../../client/src/testing/reportText';
import { compareVariants, loadSuite, planJobs, type CaseResult } from '../../server/src/service/testing';
import { readTextUri } from '../../server/src/node/workspaceReads';

type Node = DefaultTreeAdapterMap['node'];
type Element = DefaultTreeAdapterMap['element'];

async function matrixSuite() {
  const dir = mkdtempSync(path.join(tmpdir(), 'pw-cmpview-'));
  writeFileSync(path.join(dir, 'p.prompt'), '---\nmodel: openai/gpt-4o\n---\nHi {{name}}\n');
  writeFileSync(path.join(dir, 'p.tests.yaml'), 'matrix:\n  - label: mini\n    model: openai/gpt-4o-mini\n  - label: 4o\n    model: openai/gpt-4o\ncases:\n  - name: one\n    vars: { name: A }\n  - name: two\n    repeat: 2\n    vars: { name: B }\n  - name: offline\n    provider: render\n    vars: { name: C }\n');
  return loadSuite(pathToFileURL(path.join(dir, 'p.tests.yaml')).toString(), pathToFileURL(dir).toString(), readTextUri);
}

test('a matrix run: every variant of the selected jobs, each reporting to its case\'s (or repeat\'s) item', async () => {
  const suite = await matrixSuite();
  const [prompt] = planItems([suite]);
  const two = prompt.children.find((c) => c.label === 'two')!;
  // the Test Explorer's selection: case "two" (both repeats) and the render case
  const selected = selectJobs(planJobs([suite]), [two.data, prompt.children[2].data], []);
  const jobs = matrixJobs(selected);
  assert.deepEqual(jobs.map((j) => [j.id, itemJobId(j)]), [
    ['p.tests.yaml#two@mini', 'p.tests.yaml#two'],
    ['p.tests.yaml#two@mini#2', 'p.tests.yaml#two#2'],
    ['p.tests.yaml#two@4o', 'p.tests.yaml#two'],
    ['p.tests.yaml#two@4o#2', 'p.tests.yaml#two#2'],
    // a render case has no model to vary: it runs once
    ['p.tests.yaml#offline', 'p.tests.yaml#offline'],
  ]);
  // the item ids the Test Explorer knows: the case's repeats, then an item per variant (its repeats below)
  assert.deepEqual(two.children.map((c) => [c.data.kind, c.data.jobId, c.children.map((r) => r.data.jobId)]), [
    ['repeat', 'p.tests.yaml#two', []],
    ['repeat', 'p.tests.yaml#two#2', []],
    ['variant', 'p.tests.yaml#two@mini', ['p.tests.yaml#two@mini', 'p.tests.yaml#two@mini#2']],
    ['variant', 'p.tests.yaml#two@4o', ['p.tests.yaml#two@4o', 'p.tests.yaml#two@4o#2']],
  ]);
});

function result(over: Partial<CaseResult>): CaseResult {
  return { id: 'p.tests.yaml#one', caseKey: 'p.tests.yaml#one', fixtureUri: 'file:///w/p.tests.yaml', promptUri: 'file:///w/p.prompt', fixturePath: 'p.tests.yaml', promptPath: 'p.prompt', caseName: 'one', caseLine: 6, repeat: 1, repeats: 1, status: 'passed', parameters: {}, vars: {}, cached: false, assertions: [], reason: 'All assertions passed.', ...over };
}

test('one item over its variants: failed if one failed, the messages labelled by variant; the output says which variant', () => {
  const failed = result({ variant: 'mini', status: 'failed', reason: '1 of 1 assertion failed.', assertions: [{ type: 'contains', pass: false, score: 0, weight: 1, line: 9, reason: 'The output does not contain "A".', expected: 'A', actual: 'B' } as CaseResult['assertions'][number]] });
  const errored = result({ variant: '4o', status: 'error', reason: 'HTTP 500.', error: { kind: 'bad-response', message: 'HTTP 500.' } });
  assert.deepEqual(variantsVerdict([result({ variant: '4o' }), failed, errored]), {
    status: 'failed',
    messages: [
      { text: '[mini] contains: The output does not contain "A".', expected: 'A', actual: 'B', line: 9 },
      { text: '[4o] HTTP 500.', line: 6 },
    ],
  });
  assert.equal(variantsVerdict([result({ variant: 'a' }), errored]).status, 'error');
  assert.equal(variantsVerdict([result({ variant: 'a' }), result({ variant: 'b', status: 'skipped' })]).status, 'passed');
  assert.deepEqual(variantsVerdict([result({ status: 'skipped' })]), { status: 'skipped', messages: [] });
  assert.match(resultOutput(result({ variant: 'mini', provider: 'openai' })), /^── one \[mini\] ── PASSED · openai/);
});

function elements(node: Node, out: Element[] = []): Element[] {
  if ('tagName' in node) out.push(node);
  for (const c of (node as { childNodes?: Node[] }).childNodes ?? []) elements(c, out);
  return out;
}
const attr = (e: Element, name: string) => e.attrs.find((a) => a.name === name)?.value;

const comparison = () =>
  compareVariants([
    result({ id: 'p.tests.yaml#one@mini', caseKey: 'p.tests.yaml#one@mini', variant: 'mini', output: 'Hello A' }),
    result({ id: 'p.tests.yaml#one@4o', caseKey: 'p.tests.yaml#one@4o', variant: '4o', output: 'Hello A!' }),
    result({ id: 'p.tests.yaml#one@haiku', caseKey: 'p.tests.yaml#one@haiku', variant: 'haiku', output: 'Hello A.' }),
    result({ id: 'p.tests.yaml#two@mini', caseKey: 'p.tests.yaml#two@mini', caseName: 'two', caseLine: 9, variant: 'mini', output: '<img src=x onerror=alert(1)>' }),
    result({ id: 'p.tests.yaml#two@4o', caseKey: 'p.tests.yaml#two@4o', caseName: 'two', caseLine: 9, variant: '4o', status: 'failed', reason: 'No.', output: 'B' }),
    result({ id: 'p.tests.yaml#two@haiku', caseKey: 'p.tests.yaml#two@haiku', caseName: 'two', caseLine: 9, variant: 'haiku', status: 'error', reason: 'HTTP 500.' }),
  ]);

test('the page: theme variables, the chart library by URI with the nonce, nothing else loaded, outputs escaped, disagreements first, a pair picker for 3+ variants', () => {
  const html = compareModelsHtml({ comparison: comparison(), headline: '2 case runs × 3 variants.', chartsUri: 'https://file+.vscode-resource.vscode-cdn.net/ext/dist/charts.js' }, 'N0NCE', 'https://*.vscode-cdn.net');
  const errors: string[] = [];
  const all = elements(parse(html, { onParseError: (e) => errors.push(e.code) }));
  assert.deepEqual(errors, []);
  const csp = attr(all.find((e) => attr(e, 'http-equiv') === 'Content-Security-Policy')!, 'content')!;
  assert.equal(csp, "default-src 'none'; style-src https://*.vscode-cdn.net 'nonce-N0NCE'; script-src 'nonce-N0NCE';");
  const scripts = all.filter((e) => e.tagName === 'script');
  assert.deepEqual(scripts.map((s) => [attr(s, 'nonce'), attr(s, 'src') ?? null]), [['N0NCE', 'https://file+.vscode-resource.vscode-cdn.net/ext/dist/charts.js'], ['N0NCE', null]]);
  assert.match(html, /color: var\(--vscode-foreground\)/);
  assert.match(html, /\.badge\.pass \{ color: var\(--vscode-testing-iconPassed\); \}/);
  assert.ok(all.some((e) => e.tagName === 'canvas' && attr(e, 'data-chart')?.includes('"type":"scatter"')));
  assert.doesNotMatch(html, /<img/);
  const rows = all.filter((e) => e.tagName === 'tr' && attr(e, 'data-case') !== undefined);
  assert.deepEqual(rows.map((r) => [attr(r, 'data-case'), attr(r, 'class'), attr(r, 'tabindex')]), [['0', 'case disagree', '0'], ['1', 'case', '0']]);
  assert.deepEqual(all.filter((e) => e.tagName === 'select').map((s) => attr(s, 'id')), ['left', 'right']);
  // two variants: no picker, a click diffs them
  const pairOnly = compareVariants([result({ variant: 'a', output: 'x' }), result({ variant: 'b', output: 'y' })]);
  assert.doesNotMatch(compareModelsHtml({ comparison: pairOnly, headline: '', chartsUri: 'x' }, 'n', 'c'), /<select/);
});

test('the pair a click diffs: the chosen pair, else one that passed against one that did not where they disagree, else the first two', () => {
  const c = comparison();
  assert.deepEqual(c.cases.map((x) => x.caseName), ['two', 'one']);
  assert.deepEqual(defaultPair(c, 0), ['mini', '4o']);
  assert.deepEqual(defaultPair(c, 1), ['mini', '4o']);
  assert.deepEqual(defaultPair(c, 1, 'haiku', '4o'), ['haiku', '4o']);
  // a pair naming the same variant twice, or one that did not run, is not taken
  assert.deepEqual(defaultPair(c, 1, 'haiku', 'haiku'), ['mini', '4o']);
  assert.deepEqual(defaultPair(c, 1, 'gone', '4o'), ['mini', '4o']);
  assert.equal(defaultPair(c, 5), undefined);
  assert.equal(outputText(c.cases[0].verdicts.haiku), '(error: HTTP 500.)');
  assert.equal(outputText(c.cases[0].verdicts.mini), '<img src=x onerror=alert(1)>');
  assert.equal(outputText(undefined), '(this variant did not run this case)');
});
