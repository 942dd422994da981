// The built CLI (`dist/cli.js test`) as CI runs it: the example suites offline with the render
// provider, and with the openai provider pointed at the local mock server through OPENAI_BASE_URL,
// producing JUnit XML that is parsed back with a real XML parser.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { after, before, test } from 'node:test';
import { ROOT } from '../support/lspClient';
import { exampleReplies, MockProvider } from '../support/mockProvider';

// xml2js (a real XML parser) is installed with @vscode/vsce, a dev dependency; it ships no types.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { parseStringPromise } = require('xml2js') as { parseStringPromise(xml: string): Promise<Record<string, any>> };
const CLI = path.join(ROOT, 'dist', 'cli.js');
const KEY = 'sk-ci-DUMMY-KEY-5e6f7a8b9c';
let mock: MockProvider;
before(async () => {
  mock = await MockProvider.start({ script: exampleReplies });
});
after(async () => {
  await mock.stop();
});

function cli(args: string[], env: Record<string, string> = {}, cwd = ROOT): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const clean = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^(OPENAI|ANTHROPIC|GEMINI|GOOGLE)_/.test(k)));
    execFile(process.execPath, [CLI, 'test', ...args], { cwd, env: { ...clean, ...env }, timeout: 60_000, maxBuffer: 16 * 1024 * 1024 }, (err, stdout, stderr) => resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout: String(stdout), stderr: String(stderr) }));
  });
}

interface JUnitCase {
  $: { name: string; classname: string; file: string; line: string; time: string };
  failure?: { $: { message: string } }[];
  error?: unknown[];
  skipped?: unknown[];
  'system-out'?: string[];
  properties?: { property: { $: { name: string; value: string } }[] }[];
}

async function junit(xml: string) {
  const doc = await parseStringPromise(xml);
  const root = doc.testsuites;
  const suites = root.testsuite as { $: Record<string, string>; testcase: JUnitCase[] }[];
  return { attrs: root.$ as Record<string, string>, suites };
}

test('offline with the render provider: render cases pass, model cases are skipped, JUnit says so', async () => {
  const r = await cli(['examples/*.tests.yaml', '--offline', '--reporter', 'junit', '--no-record', '--no-cache']);
  assert.equal(r.code, 0, r.stderr);
  const { attrs, suites } = await junit(r.stdout);
  assert.deepEqual([attrs.tests, attrs.failures, attrs.errors, attrs.skipped], ['12', '0', '0', '4']);
  assert.deepEqual(suites.map((s) => [s.$.name, s.testcase.length]), [['examples/classify-intent.tests.yaml', 4], ['examples/summarize.tests.yaml', 6], ['examples/support-reply.tests.yaml', 2]]);
  const partial = suites[1].testcase.find((c) => c.$.name === 'footer partial is included')!;
  assert.deepEqual([partial.$.classname, partial.$.file, partial.$.line], ['examples.summarize', 'examples/summarize.tests.yaml', '39']);
  assert.match(partial['system-out']![0], /Never include personal data/);
  assert.equal(suites[1].testcase.filter((c) => c.skipped).length, 2);
});

test('the openai provider pointed at the local server: every case passes, JUnit, a record, a cache, and no key in any file', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'pw-ci-'));
  mock.requests.length = 0;
  const env = { OPENAI_BASE_URL: mock.openaiBaseUrl, OPENAI_API_KEY: KEY };
  const args = ['examples/*.tests.yaml', '--provider', 'openai', '--reporter', 'junit', '--output', path.join(dir, 'report.xml'), '--records-dir', path.join(dir, 'runs'), '--cache-dir', path.join(dir, 'cache')];
  const r = await cli(args, env);
  assert.equal(r.code, 0, r.stderr);
  // The Prompty example's two cases render (their `provider: render` wins over --provider).
  assert.match(r.stderr, /^12 passed, 0 failed, 0 errors, 0 skipped in [\d.]+ s\n$/);
  const { attrs, suites } = await junit(readFileSync(path.join(dir, 'report.xml'), 'utf8'));
  assert.deepEqual([attrs.tests, attrs.failures, attrs.errors, attrs.skipped], ['12', '0', '0', '0']);
  const billing = suites[0].testcase.find((c) => c.$.name === 'billing question')!;
  const props = Object.fromEntries(billing.properties![0].property.map((p) => [p.$.name, p.$.value]));
  assert.deepEqual([props.provider, props.requestedModel, props.inputTokens, props.outputTokens], ['openai', 'anthropic/claude-sonnet-4-5', '60', '15']);
  assert.equal(billing['system-out']![0], '{"team":"billing","confidence":0.92,"reason":"A double charge."}');
  assert.equal(mock.requests.length, 6);
  assert.ok(mock.requests.every((q) => q.headers.authorization === `Bearer ${KEY}`));

  const records = readdirSync(path.join(dir, 'runs'));
  assert.equal(records.length, 1);
  const lines = readFileSync(path.join(dir, 'runs', records[0]), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
  assert.deepEqual([lines[0].type, lines[0].origin, lines.length], ['run', 'cli', 13]);
  assert.match(lines[1].gitCommit ?? '', /^[0-9a-f]{40}$/);

  // Again: every answer comes from the cache, nothing is sent.
  const again = await cli(args, env);
  assert.equal(again.code, 0, again.stderr);
  assert.match(again.stderr, /\(6 from the cache\)/);
  assert.equal(mock.requests.length, 6);

  const files: string[] = [];
  const walk = (d: string) => readdirSync(d).forEach((f) => (statSync(path.join(d, f)).isDirectory() ? walk(path.join(d, f)) : files.push(path.join(d, f))));
  walk(dir);
  assert.ok(files.length >= 6);
  for (const f of files) assert.ok(!readFileSync(f, 'utf8').includes(KEY), `${f} contains the key`);
  assert.ok(!again.stdout.includes(KEY) && !again.stderr.includes(KEY) && !r.stderr.includes(KEY));
});

test('a failing answer exits 1 and the JUnit failure says why', async () => {
  mock.script = () => ({ text: 'I cannot help with that.' });
  try {
    const r = await cli(['examples/classify-intent.tests.yaml', '--provider', 'openai', '--reporter', 'junit', '--no-record', '--no-cache'], { OPENAI_BASE_URL: mock.openaiBaseUrl, OPENAI_API_KEY: KEY });
    assert.equal(r.code, 1);
    const { attrs, suites } = await junit(r.stdout);
    assert.deepEqual([attrs.failures, attrs.errors], ['1', '1']);
    const technical = suites[0].testcase.find((c) => c.$.name === 'technical question')!;
    assert.match(technical.failure![0].$.message, /Score 0\.20 < threshold 0\.75/);
    const billing = suites[0].testcase.find((c) => c.$.name === 'billing question')!;
    assert.ok(billing.error, 'the javascript assertion threw on non-JSON output: an error');
  } finally {
    mock.script = exampleReplies;
  }
});

test('500 cases against the local server, some reset mid-answer: all pass, and node prints no MaxListenersExceededWarning', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'pw-many-'));
  writeFileSync(path.join(dir, 'p.prompt'), '---\nmodel: openai/gpt-4o\ninput:\n  schema:\n    q: string\n---\nAnswer {{q}}\n');
  writeFileSync(path.join(dir, 'p.tests.yaml'), `cases:\n${Array.from({ length: 500 }, (_, i) => `  - name: c${i}\n    vars: { q: "${i}" }\n`).join('')}`);
  let n = 0;
  mock.script = () => (++n % 50 === 0 ? { reset: true } : { text: 'ok' });
  try {
    const r = await cli(['.', '--provider', 'openai', '--no-record', '--no-cache', '--concurrency', '8'], { OPENAI_BASE_URL: mock.openaiBaseUrl, OPENAI_API_KEY: KEY }, dir);
    assert.equal(r.code, 0, r.stderr.slice(0, 2000));
    assert.match(r.stdout, /\n500 passed, 0 failed, 0 errors, 0 skipped in [\d.]+ s\n$/);
    assert.equal(r.stderr, '', 'no warning of any kind');
  } finally {
    mock.script = exampleReplies;
  }
});

test('the built CLI runs a two-provider matrix (OpenAI and Gemini wire formats): the Gemini SDK loads from dist/genai.js, JUnit has a testcase per case and variant', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'pw-ci-matrix-'));
  writeFileSync(path.join(dir, 'ask.prompt'), '---\nmodel: googleai/gemini-2.5-flash\nconfig:\n  maxOutputTokens: 40\n  safetySettings:\n    - category: HARM_CATEGORY_HARASSMENT\n      threshold: BLOCK_ONLY_HIGH\n---\n{{role "system"}}Answer in one word.\n{{role "user"}}{{q}}\n');
  writeFileSync(path.join(dir, 'ask.tests.yaml'), 'matrix:\n  - label: gpt\n    model: openai/gpt-4o-mini\n  - label: gemini\n    model: googleai/gemini-2.5-flash\n    config: { topK: 8 }\ncases:\n  - name: colour\n    vars: { q: "Sky colour?" }\n    assert:\n      - type: icontains\n        value: blue\n  - name: number\n    vars: { q: "Two plus two?" }\n    assert:\n      - type: contains\n        value: "4"\n');
  mock.requests.length = 0;
  mock.script = (req) => ({ text: req.prompt.includes('Sky') ? 'Blue' : req.api === 'gemini' ? '4' : 'four', usage: { input: 20, output: 1 }, model: req.api === 'gemini' ? 'gemini-2.5-flash-002' : undefined });
  try {
    const env = { OPENAI_BASE_URL: mock.openaiBaseUrl, OPENAI_API_KEY: KEY, GEMINI_API_KEY: 'AIza-ci-DUMMY-gemini', GOOGLE_GEMINI_BASE_URL: mock.geminiBaseUrl };
    const r = await cli(['--reporter', 'junit', '--no-record', '--no-cache', '--concurrency', '4'], env, dir);
    assert.equal(r.code, 1, r.stderr);
    const { attrs, suites } = await junit(r.stdout);
    assert.deepEqual([attrs.tests, attrs.failures, attrs.errors], ['4', '1', '0']);
    assert.deepEqual(suites[0].testcase.map((c) => [c.$.name, !!c.failure]), [['colour [gpt]', false], ['colour [gemini]', false], ['number [gpt]', true], ['number [gemini]', false]]);
    const gem = Object.fromEntries(suites[0].testcase[1].properties![0].property.map((p) => [p.$.name, p.$.value]));
    assert.deepEqual([gem.variant, gem.provider, gem.requestedModel, gem.returnedModel, gem.inputTokens, gem.outputTokens], ['gemini', 'googleai', 'googleai/gemini-2.5-flash', 'gemini-2.5-flash-002', '20', '1']);
    const gemini = mock.requests.filter((q) => q.api === 'gemini');
    assert.equal(gemini.length, 2);
    assert.equal(gemini[0].path, '/v1beta/models/gemini-2.5-flash:generateContent');
    assert.equal(gemini[0].headers['x-goog-api-key'], 'AIza-ci-DUMMY-gemini');
    assert.deepEqual(gemini[0].body.generationConfig, { maxOutputTokens: 40, topK: 8 });
    assert.deepEqual(gemini[0].body.safetySettings, [{ category: 'HARM_CATEGORY_HARASSMENT', threshold: 'BLOCK_ONLY_HIGH' }]);
    assert.equal(mock.requests.filter((q) => q.api === 'openai').length, 2);
  } finally {
    mock.script = exampleReplies;
  }
});
