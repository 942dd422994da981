// The built CLI's `--reporter html` (dist/cli.js test): a two-model matrix against the local
// provider server, written to one file that holds the chart library (dist/charts.js, beside the
// CLI), the data and the styles, and loads nothing; parsed back with a real HTML parser (parse5).
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { runInNewContext } from 'node:vm';
import * as path from 'node:path';
import { after, before, test } from 'node:test';
import { parse, type DefaultTreeAdapterMap } from 'parse5';
import { ROOT } from '../support/lspClient';
import { MockProvider } from '../support/mockProvider';

type Node = DefaultTreeAdapterMap['node'];
type Element = DefaultTreeAdapterMap['element'];
const CLI = path.join(ROOT, 'dist', 'cli.js');
const KEY = 'sk-ci-COMPARE-KEY-0a1b2c';
let mock: MockProvider;
before(async () => {
  // gpt-4o-mini answers with markup, gpt-4o politely
  mock = await MockProvider.start({ script: (r) => ({ text: String(r.body.model) === 'gpt-4o-mini' ? '<script>alert("pwned")</script> Hello Ada' : 'Hello Ada, welcome.', usage: { input: 1000, output: 100 } }) });
});
after(() => mock.stop());

function cli(args: string[], cwd: string): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const clean = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^(OPENAI|ANTHROPIC|GEMINI|GOOGLE)_/.test(k)));
    execFile(process.execPath, [CLI, 'test', ...args], { cwd, env: { ...clean, OPENAI_API_KEY: KEY, OPENAI_BASE_URL: mock.openaiBaseUrl }, timeout: 60_000 }, (err, stdout, stderr) => resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout: String(stdout), stderr: String(stderr) }));
  });
}

function elements(node: Node, out: Element[] = []): Element[] {
  if ('tagName' in node) out.push(node);
  for (const c of (node as { childNodes?: Node[] }).childNodes ?? []) elements(c, out);
  return out;
}
const attr = (e: Element, name: string) => e.attrs.find((a) => a.name === name)?.value;
const textOf = (e: Node): string => ('value' in e && typeof e.value === 'string' ? e.value : ((e as { childNodes?: Node[] }).childNodes ?? []).map(textOf).join(''));

test('--reporter html: one self-contained page with the variants, the chart library inline, the cases, outputs escaped', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'pw-compare-'));
  writeFileSync(path.join(dir, 'greet.prompt'), '---\nmodel: openai/gpt-4o\n---\nGreet {{name}} without markup.\n');
  writeFileSync(
    path.join(dir, 'greet.tests.yaml'),
    'matrix:\n  - label: mini\n    model: openai/gpt-4o-mini\n  - label: 4o\n    model: openai/gpt-4o\ncases:\n  - name: greets by name\n    vars: { name: Ada }\n    assert:\n      - type: contains\n        value: Ada\n  - name: no markup\n    vars: { name: Ada }\n    assert:\n      - type: not-contains\n        value: "<"\n',
  );
  const r = await cli(['--reporter', 'html', '--output', 'report.html', '--no-cache', '--no-record'], dir);
  assert.equal(r.code, 1, r.stderr); // mini fails "no markup"
  assert.equal(r.stdout, '');
  assert.match(r.stderr, /^3 passed, 1 failed, 0 errors, 0 skipped in /);
  assert.equal(mock.requests.length, 4);
  const html = readFileSync(path.join(dir, 'report.html'), 'utf8');
  const errors: string[] = [];
  const all = elements(parse(html, { onParseError: (e) => errors.push(`${e.code} at ${e.startLine}:${e.startCol}`) }));
  assert.deepEqual(errors, []);
  // the chart library is dist/charts.js itself, inline; nothing has a src or href
  const scripts = all.filter((e) => e.tagName === 'script');
  assert.equal(scripts.length, 3);
  assert.equal(textOf(scripts[1]), readFileSync(path.join(ROOT, 'dist', 'charts.js'), 'utf8').replace(/<\/(script)/gi, '<\\/$1').replace(/<!--/g, '<\\!--'));
  // it runs where there is no `require` (a browser's globals) and defines what the page calls
  const context: Record<string, unknown> = {};
  runInNewContext(`${textOf(scripts[1])};\nthis.api = typeof promptWorkbenchCharts.renderAll;`, context);
  assert.equal(context.api, 'function');
  assert.equal(textOf(scripts[2]), 'promptWorkbenchCharts.renderAll();');
  assert.deepEqual(all.filter((e) => e.attrs.some((a) => ['src', 'href', 'srcset', 'action'].includes(a.name))).map((e) => e.tagName), []);
  assert.doesNotMatch(all.filter((e) => e.tagName === 'style').map(textOf).join(''), /url\(|@import/);
  // the variants with their figures (4o-mini and 4o are priced in the catalogue)
  const rows = all.filter((e) => e.tagName === 'tr' && attr(e, 'data-variant') !== undefined).map((row) => (row.childNodes as Node[]).map(textOf));
  assert.deepEqual(rows.map((cells) => [cells[0], cells[1], cells[2], cells[6], cells[7], cells[10]]), [
    ['mini', 'openai/gpt-4o-mini', '1/2 (50%)', '2,000', '200', '0'],
    ['4o', 'openai/gpt-4o', '2/2 (100%)', '2,000', '200', '0'],
  ]);
  assert.ok(rows.every((cells) => /^\$\d/.test(cells[4])), JSON.stringify(rows));
  // the chart's data: one point per variant, pass rate in %
  const chart = JSON.parse(attr(all.find((e) => e.tagName === 'canvas')!, 'data-chart')!) as { type: string; data: { datasets: { label: string; data: { y: number }[] }[] } };
  assert.deepEqual([chart.type, chart.data.datasets.map((d) => [d.label, d.data[0].y])], ['scatter', [['mini', 50], ['4o', 100]]]);
  // the case where they disagree first; mini's output is text, not a script
  const cases = all.filter((e) => e.tagName === 'tr' && attr(e, 'data-case') !== undefined);
  assert.deepEqual(cases.map((c) => textOf((c.childNodes as Node[])[0])), ['≠ greet.tests.yaml:12 no markup', 'greet.tests.yaml:7 greets by name']);
  assert.ok(all.some((e) => e.tagName === 'pre' && textOf(e) === '<script>alert("pwned")</script> Hello Ada'));
  assert.doesNotMatch(html, /<script>alert/);
});
