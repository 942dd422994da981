// `prompt-workbench test --estimate`: the examples' suites counted and priced without a request,
// text and JSON, --provider and --repeat, and exit 1 with the reason for a case that cannot render.
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { PassThrough } from 'node:stream';
import { test } from 'node:test';
import { main } from '../../server/src/cli/main';
import type { SuiteCostEstimate } from '../../server/src/service/testing';

const ROOT = path.resolve(__dirname, '..', '..');
const examples = path.join(ROOT, 'examples');
const gpt4oChat: (chat: { role: string; content: string }[]) => number = require('gpt-tokenizer/model/gpt-4o').countTokens;

async function run(args: string[], cwd = examples): Promise<{ code: number; out: string; err: string }> {
  const out = new PassThrough();
  const err = new PassThrough();
  let o = '';
  let e = '';
  out.on('data', (d) => (o += d));
  err.on('data', (d) => (e += d));
  const code = await main(args, cwd, out, err);
  return { code, out: o, err: e };
}

test('JSON: the examples per prompt and model, the render cases free, nothing sent', async () => {
  const { code, out } = await run(['test', '--estimate', '--json', '*.tests.yaml']);
  assert.equal(code, 0);
  const e = JSON.parse(out) as SuiteCostEstimate;
  assert.deepEqual(e.prompts.map((p) => p.promptPath), ['classify-intent.prompt', 'summarize.prompt', 'support-reply.prompty']);
  assert.deepEqual(e.prompts[2].models.map((m) => [m.provider, m.model, m.cases]), [['render', 'openai/gpt-4o-mini', 2]], 'a fixture naming a Prompty file, counted for the model the file names');
  const summarize = e.prompts[1];
  const openai = summarize.models.find((m) => m.provider === 'openai')!;
  assert.equal(openai.model, 'openai/gpt-4o-mini');
  assert.equal(openai.estimated, false);
  assert.equal(openai.maxOutputTokens, openai.cases * 400, 'config.maxOutputTokens: 400 per run');
  assert.equal(summarize.models.find((m) => m.provider === 'render')!.cost!.high, 0);
  assert.equal(e.prompts[0].models.every((m) => m.estimated), true, 'Claude counts are estimates');
  assert.equal(e.totals.cases, e.prompts.flatMap((p) => p.models).reduce((s, m) => s + m.cases, 0));

  // --provider render: everything free; --repeat 3 triples the runs.
  const free = JSON.parse((await run(['test', '--estimate', '--json', '--provider', 'render', '--repeat', '3', '*.tests.yaml'])).out) as SuiteCostEstimate;
  assert.equal(free.totals.cost.high, 0);
  const firstRuns = e.prompts.flatMap((p) => p.cases.filter((c) => c.repeat === 1));
  assert.ok(firstRuns.length < e.totals.cases, 'an example case repeats');
  assert.equal(free.totals.cases, firstRuns.length * 3);
  assert.equal(free.totals.inputTokens, firstRuns.reduce((s, c) => s + c.inputTokens, 0) * 3);
});

test('text output, exit 1 and the reason for a case that cannot be rendered; usage errors exit 2', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'pw-estimate-'));
  writeFileSync(path.join(dir, 'p.prompt'), '---\nmodel: openai/gpt-4o\ninput:\n  schema:\n    name: string\n---\nHello {{name}}!\n');
  writeFileSync(path.join(dir, 'p.tests.yaml'), 'cases:\n  - name: ada\n    vars: { name: Ada }\n  - name: nobody\n    vars: {}\n');
  const { code, out } = await run(['test', '--estimate', 'p.tests.yaml'], dir);
  assert.equal(code, 1);
  const tokens = gpt4oChat([{ role: 'user', content: 'Hello Ada!\n' }]);
  assert.match(out, /^Total: 1 case run, \d+ input tokens/);
  assert.match(out, new RegExp(`openai · openai/gpt-4o\\s+1\\s+${tokens}\\s+16,384\\s+\\$`), 'the model default bounds the answer');
  assert.match(out, /p\.tests\.yaml:4 nobody: The prompt cannot be rendered for this case: No value for the required input `name`/);
  assert.match(out, /upper bound/);

  const bad = await run(['test', '--estimate', '--provider', 'nope'], dir);
  assert.equal(bad.code, 2);
  assert.match(bad.err, /Unknown provider "nope"/);
});
