// The test suite cost estimate: every case run rendered as the runner renders it, counted for the
// case's model (exact for OpenAI, ≈ for others, 0 for render), repeats, unrenderable cases listed,
// and the fixture-case counts of the status bar.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parsePromptDocument } from '../../server/src/service';
import { createRenderProvider, estimateSuiteCost, fixtureCaseTokens, runTests, formatSuiteCost, parseFixtureFile, STATUS_CASE_LIMIT, type TestSuite } from '../../server/src/service/testing';
import { tokenSummary } from '../../server/src/service/tokens';

// The reference: gpt-tokenizer's own counts (chat count includes OpenAI's framing).
const o200k: (text: string) => number = require('gpt-tokenizer/encoding/o200k_base').countTokens;
const gpt4oChat: (chat: { role: string; content: string }[]) => number = require('gpt-tokenizer/model/gpt-4o').countTokens;

const PROMPT_URI = 'file:///w/summarize.prompt';
const FIXTURE_URI = 'file:///w/summarize.tests.yaml';

const PROMPT = `---
model: openai/gpt-4o-mini
config:
  maxOutputTokens: 200
input:
  schema:
    text: string
    tone?: string
---
{{role "system"}}
You summarise text in a {{tone}} tone. Keep it under three sentences.
{{role "user"}}
Summarise this:

{{text}}
`;

const FIXTURE = `cases:
  - name: short
    vars:
      text: The cat sat on the mat.
      tone: dry
  - name: long, three times
    repeat: 3
    vars:
      text: "Tokenizers split text into pieces; the price of a model call depends on how many."
  - name: claude
    model: anthropic/claude-3-5-haiku
    vars:
      text: Hello there, Claude.
  - name: rendered only
    provider: render
    vars:
      text: Nothing is sent for this one.
  - name: missing text
    vars:
      tone: warm
  - name: from a file
    vars:
      text: file://texts/article.txt
  - name: skipped
    skip: true
    vars:
      text: x
`;

const FILES: Record<string, string> = { 'file:///w/texts/article.txt': 'An article, read from a file next to the fixture.' };
const readText = async (uri: string) => {
  if (uri in FILES) return FILES[uri];
  throw Object.assign(new Error(`ENOENT: ${uri}`), { code: 'ENOENT' });
};

function suite(fixture = FIXTURE, prompt = PROMPT): TestSuite {
  return { fixture: parseFixtureFile(fixture, FIXTURE_URI), prompt: parsePromptDocument(prompt, PROMPT_URI), relativePath: 'summarize.tests.yaml', promptPath: 'summarize.prompt' };
}

function chat(text: string, tone?: string) {
  return [
    { role: 'system', content: `\nYou summarise text in a ${tone ?? ''} tone. Keep it under three sentences.\n` },
    { role: 'user', content: `\nSummarise this:\n\n${text}\n` },
  ];
}

test('every case run is counted for its model: exact for OpenAI (equal to gpt-tokenizer), ≈ for Claude, 0 for render', async () => {
  const e = await estimateSuiteCost([suite()], { readText });
  assert.equal(e.prompts.length, 1);
  const p = e.prompts[0];
  const openai = p.models.find((m) => m.provider === 'openai')!;
  const anthropic = p.models.find((m) => m.provider === 'anthropic')!;
  const render = p.models.find((m) => m.provider === 'render')!;

  // The rendered text, as dotprompt renders it, checked against the runner's rendering below.
  const short = gpt4oChat(chat('The cat sat on the mat.', 'dry'));
  const long = gpt4oChat(chat('Tokenizers split text into pieces; the price of a model call depends on how many.'));
  const file = gpt4oChat(chat(FILES['file:///w/texts/article.txt']));
  const byCase = (name: string) => p.cases.filter((c) => c.caseName === name);
  assert.equal(byCase('short')[0].inputTokens, short);
  assert.equal(byCase('from a file')[0].inputTokens, file);
  assert.deepEqual(byCase('long, three times').map((c) => c.inputTokens), [long, long, long], 'each repeat counts');

  assert.equal(openai.model, 'openai/gpt-4o-mini');
  assert.equal(openai.cases, 5, 'short + 3 repeats + from a file');
  assert.equal(openai.inputTokens, short + 3 * long + file);
  assert.equal(openai.maxOutputTokens, 5 * 200, 'config.maxOutputTokens per run');
  assert.deepEqual(openai.outputSources, ['config.maxOutputTokens']);
  assert.equal(openai.estimated, false);
  assert.equal(openai.price, 'priced');
  // gpt-4o-mini: $0.15 input, $0.60 output per million tokens.
  assert.ok(Math.abs(openai.cost!.low - (openai.inputTokens * 0.15) / 1e6) < 1e-12);
  assert.ok(Math.abs(openai.cost!.high - (openai.inputTokens * 0.15 + 1000 * 0.6) / 1e6) < 1e-12);

  // Claude: o200k × 1.20 per message, no OpenAI framing; output bound from the prompt's config.
  const claudeMessages = chat('Hello there, Claude.');
  assert.equal(anthropic.model, 'anthropic/claude-3-5-haiku');
  assert.equal(anthropic.estimated, true);
  assert.equal(anthropic.inputTokens, claudeMessages.reduce((s, m) => s + Math.round(o200k(m.content) * 1.2), 0));
  assert.equal(anthropic.maxOutputTokens, 200);
  assert.match(anthropic.tokenizer, /Claude estimate/);
  assert.ok(Math.abs(anthropic.cost!.high - (anthropic.inputTokens * 0.8 + 200 * 4) / 1e6) < 1e-12);

  assert.equal(render.price, 'free');
  assert.deepEqual(render.cost, { currency: 'USD', low: 0, high: 0 });
  assert.equal(render.maxOutputTokens, 0);
  assert.equal(render.inputTokens, gpt4oChat(chat('Nothing is sent for this one.')));

  // The case without its required input is listed with the reason, not dropped; skipped cases too.
  assert.equal(p.unrenderable.length, 1);
  assert.equal(p.unrenderable[0].caseName, 'missing text');
  assert.equal(p.unrenderable[0].line, 18);
  assert.match(p.unrenderable[0].reason, /No value for the required input `text`/);
  assert.deepEqual(p.skipped.map((s) => s.caseName), ['skipped']);

  assert.equal(e.totals.cases, 7);
  assert.equal(e.totals.inputTokens, openai.inputTokens + anthropic.inputTokens + render.inputTokens);
  assert.equal(e.totals.maxOutputTokens, 1200);
  assert.equal(e.totals.estimated, true);
  assert.equal(e.totals.unrenderable, 1);
  assert.ok(Math.abs(e.totals.cost.high - (openai.cost!.high + anthropic.cost!.high)) < 1e-12);
});

test('the counted messages are the runner’s: the render provider’s output is the same text', async () => {
  const s = suite();
  const run = await runTests([s], { providerFor: () => createRenderProvider(), defaultProvider: 'render', concurrency: 2, trusted: true, readText });
  const e = await estimateSuiteCost([s], { readText, defaultProvider: 'render' });
  const short = run.results.find((r) => r.caseName === 'short')!;
  const counted = e.prompts[0].cases.find((c) => c.caseName === 'short')!;
  assert.equal(counted.inputTokens, gpt4oChat(short.messages!.map((m) => ({ role: m.role, content: m.text }))));
  // --provider render: the run's provider wins over a case's model prefix, as in the runner, so nothing costs anything.
  assert.deepEqual([...new Set(e.prompts[0].models.map((m) => m.provider))], ['render']);
  assert.equal(e.totals.cost.high, 0);
  assert.equal(e.totals.cases, 7);
});

test('repeat override, models without a price, a prompt that cannot be read, cancellation', async () => {
  const fixture = `cases:\n  - name: one\n    model: openai/my-private-model\n    vars: { text: hi }\n  - name: two\n    vars: { text: hello }\n`;
  const e = await estimateSuiteCost([suite(fixture)], { readText, repeat: 2 });
  const unpriced = e.prompts[0].models.find((m) => m.model === 'openai/my-private-model')!;
  assert.equal(unpriced.price, 'unpriced');
  assert.equal(unpriced.cost, undefined);
  assert.equal(unpriced.cases, 2);
  assert.match(unpriced.note!, /not in the model catalogue/);
  assert.deepEqual(e.totals.unpriced, ['openai/my-private-model']);
  assert.equal(e.totals.cases, 4);

  // A user price makes it priced.
  const priced = await estimateSuiteCost([suite(fixture)], { readText, catalogue: { 'my-private-model': { inputPerMTok: 1, outputPerMTok: 2, maxOutputTokens: 100 } } });
  const m = priced.prompts[0].models.find((x) => x.model === 'openai/my-private-model')!;
  assert.equal(m.price, 'priced');
  assert.ok(Math.abs(m.cost!.high - (m.inputTokens * 1 + 200 * 2) / 1e6) < 1e-12, 'the prompt’s config.maxOutputTokens wins over the model default');

  const missing: TestSuite = { ...suite(fixture), prompt: undefined };
  const e2 = await estimateSuiteCost([missing], { readText });
  assert.equal(e2.prompts[0].unrenderable.length, 2);
  assert.match(e2.prompts[0].unrenderable[0].reason, /cannot be read/);

  const controller = new AbortController();
  const e3 = await estimateSuiteCost([suite()], { readText, signal: controller.signal, onProgress: (done) => done === 2 && controller.abort() });
  assert.equal(e3.cancelled, true);
  assert.equal(e3.totals.cases, 2);
});

test('the report: per prompt and model, estimates marked ≈, unpriced models and unrenderable cases listed', async () => {
  const e = await estimateSuiteCost([suite()], { readText });
  const md = formatSuiteCost(e, 'markdown', 'summarize.prompt');
  assert.match(md, /^# Test suite cost estimate: summarize\.prompt/);
  assert.match(md, /\| openai · openai\/gpt-4o-mini \| 5 \| \d[\d,]* \| 1,000 \| \$[\d.e-]+ – \$[\d.e-]+ \| o200k_base \|/);
  assert.match(md, /\| anthropic · anthropic\/claude-3-5-haiku \| 1 \| ≈\d+ \| 200 \|/);
  assert.match(md, /\| render · openai\/gpt-4o-mini \| 1 \| \d+ \| 0 \| \$0 \| o200k_base; render: nothing is sent, no cost \|/);
  assert.match(md, /`summarize\.tests\.yaml:18` missing text: .*No value for the required input `text`/);
  assert.match(md, /upper bound/);
  const text = formatSuiteCost(e, 'text');
  assert.match(text, /^Total: 7 case runs, ≈[\d,]+ input tokens, up to 1,200 output tokens: \$/);
  assert.match(text, /summarize\.tests\.yaml:18 missing text/);
});

test('status bar: rendered counts of the fixture cases (min–max and the first case), cached per fixture', async () => {
  const doc = parsePromptDocument(PROMPT, PROMPT_URI);
  const fixture = parseFixtureFile(FIXTURE, FIXTURE_URI);
  let reads = 0;
  const counting = async (uri: string) => {
    reads++;
    return readText(uri);
  };
  const fc = (await fixtureCaseTokens(doc, [fixture], {}, counting))!;
  const short = gpt4oChat(chat('The cat sat on the mat.', 'dry'));
  assert.equal(fc.cases, 6, 'skipped cases are left out');
  assert.equal(fc.first!.name, 'short');
  assert.equal(fc.first!.tokens, short);
  const claude = chat('Hello there, Claude.').reduce((s, m) => s + Math.round(o200k(m.content) * 1.2), 0);
  assert.equal(fc.min, claude, 'the claude case, counted for its own model, is the smallest');
  assert.equal(fc.unavailable.length, 1);
  assert.equal(fc.unavailable[0].name, 'missing text');
  assert.equal(fc.estimated, true, 'the claude case is an estimate');
  assert.equal(reads, 1);

  // A new version of the prompt re-renders, but the fixture's values are not read again.
  const doc2 = parsePromptDocument(PROMPT.replace('three', 'two'), PROMPT_URI, 2);
  await fixtureCaseTokens(doc2, [fixture], {}, counting);
  assert.equal(reads, 1);

  const summary = await tokenSummary(doc, {}, fc);
  assert.equal(summary.fixtureCases, fc);
  assert.match(summary.tooltip, new RegExp(`\\| Rendered \\(fixture cases: min–max over 5\\) \\| ≈${fc.min}–≈${fc.max} \\|`));
  assert.match(summary.tooltip, new RegExp(`\\| Rendered \\(first case: short\\) \\| ${short} \\|`));
  assert.match(summary.tooltip, /1 fixture case cannot be rendered \(missing text: No value for the required input/);

  // No case: nothing to show.
  assert.equal(await fixtureCaseTokens(doc, [parseFixtureFile('cases:\n  - name: a\n    skip: true\n', FIXTURE_URI)], {}, readText), undefined);
  // Large suites: only the first STATUS_CASE_LIMIT are rendered.
  const many = `cases:\n${Array.from({ length: STATUS_CASE_LIMIT + 5 }, (_, i) => `  - name: c${i}\n    vars: { text: "case ${i}" }\n`).join('')}`;
  const big = (await fixtureCaseTokens(doc, [parseFixtureFile(many, FIXTURE_URI)], {}, readText))!;
  assert.equal(big.cases, STATUS_CASE_LIMIT + 5);
  assert.equal(big.counted, STATUS_CASE_LIMIT);
  assert.equal(big.limited, true);
  assert.match((await tokenSummary(doc, {}, big)).tooltip, /only the first 50 of 55 fixture cases are counted here/);
});
