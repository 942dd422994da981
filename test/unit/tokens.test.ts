// The token engine: exact counts equal gpt-tokenizer's, block caching, estimates, the long-run
// guard, budgets, the catalogue and what the editor shows.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import type { MarkupContent } from 'vscode-languageserver-types';
import { parsePromptDocument, type PromptDocument } from '../../server/src/service';
import {
  BlockCounter,
  budgetFor,
  combineHovers,
  costOf,
  documentTokens,
  ESTIMATE_FACTORS,
  formatMoney,
  mergeCatalogue,
  renderedTokens,
  resolveModel,
  splitBlocks,
  tokenCodeLenses,
  tokenDiagnostics,
  tokenHover,
  tokenSummary,
} from '../../server/src/service/tokens';
import { nextBlankLine } from '../../server/src/service/tokens/tokenizer';

// The reference: gpt-tokenizer's own countTokens, per encoding and for a chat model.
const o200k: (text: string) => number = require('gpt-tokenizer/encoding/o200k_base').countTokens;
const cl100k: (text: string) => number = require('gpt-tokenizer/encoding/cl100k_base').countTokens;
const gpt4oChat: (chat: { role: string; content: string }[]) => number = require('gpt-tokenizer/model/gpt-4o').countTokens;

const ROOT = path.resolve(__dirname, '..', '..');
const examples = readdirSync(path.join(ROOT, 'examples'))
  .filter((f) => f.endsWith('.prompt'))
  .map((f) => ({ name: f, text: readFileSync(path.join(ROOT, 'examples', f), 'utf8') }));

const doc = (text: string, uri = 'file:///t.prompt') => parsePromptDocument(text, uri, 1);

/** A seeded generator, so a failing fuzz case can be reproduced. */
function rng(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

const CORPUS: string[] = [
  'Hello, world!',
  'You summarise support tickets for an on-call engineer.\n\nBe factual.\n\n\nThree blank lines above.',
  'end.\n\n/imagine a slash after a blank line\n\n/again',
  'a\n\n  indented after a blank line\n\n\tand a tab',
  'trailing spaces   \n  \n   \nthen text',
  'crlf line one\r\n\r\nline two\r\n\r\n\r\nline three\r\n',
  'unicode: naïve café — 東京 🚀🚀 emoji\n\nпривет мир\n\n안녕하세요',
  'code:\n\n```ts\nfunction f(a: number): number {\n  return a * 2;\n}\n\n\nconst x = f(21);\n```\n',
  '{"json": [1, 2, 3], "nested": {"k": "v"}}\n\n{"second": true}',
  '   \n\n   \n\n',
  '\n\n\nleading blank lines',
  'numbers 1234567890 and 3.14159\n\n42',
  "contractions: don't, we'll, they're\n\nIt's fine.",
  'x'.repeat(1500) + '\n\n' + 'y z '.repeat(400),
  ...examples.map((e) => e.text),
];

test('block-cached counts equal gpt-tokenizer countTokens on a corpus (o200k_base and cl100k_base)', () => {
  const o = new BlockCounter('o200k_base');
  const c = new BlockCounter('cl100k_base');
  for (const text of CORPUS) {
    assert.equal(o.count(text).tokens, o200k(text), `o200k: ${JSON.stringify(text.slice(0, 60))}`);
    assert.equal(c.count(text).tokens, cl100k(text), `cl100k: ${JSON.stringify(text.slice(0, 60))}`);
  }
});

test('fuzz: block splitting never changes the count (2,000 random texts of blank lines, slashes, punctuation)', () => {
  const next = rng(42);
  const alphabet = ['a', 'B', 'word', ' ', '  ', '\n', '\n\n', '\r\n', '\t', '/', '.', ',', '1', '22', "'s", '—', 'é', '🚀', '<', '>', '{{', '}}', '\u00a0'];
  const o = new BlockCounter('o200k_base');
  const c = new BlockCounter('cl100k_base');
  for (let i = 0; i < 2000; i++) {
    let text = '';
    const n = 1 + Math.floor(next() * 60);
    for (let j = 0; j < n; j++) text += alphabet[Math.floor(next() * alphabet.length)];
    assert.equal(splitBlocks(text).join(''), text, 'blocks cover the text exactly');
    assert.equal(o.count(text).tokens, o200k(text), `o200k ${JSON.stringify(text)}`);
    assert.equal(c.count(text).tokens, cl100k(text), `cl100k ${JSON.stringify(text)}`);
  }
});

test('long blocks are cut at single line breaks and still count exactly', () => {
  const text = Array.from({ length: 3000 }, (_, i) => `line ${i}: some words. / and a slash`).join('\n');
  const blocks = splitBlocks(text);
  assert.ok(blocks.length > 3, `expected several blocks, got ${blocks.length}`);
  assert.equal(blocks.join(''), text);
  assert.equal(new BlockCounter('o200k_base').count(text).tokens, o200k(text));
});

test('per-message counts of the examples equal gpt-tokenizer on each message text', () => {
  for (const e of examples) {
    const d = doc(e.text);
    const t = documentTokens(d, { model: 'openai/gpt-4o' });
    const real = d.template.messages.filter((m) => m.kind === 'message');
    const counted = t.messages.filter((m) => m.kind === 'message');
    assert.equal(counted.length, real.length || (d.text.slice(d.template.span.start).trim() ? 1 : 0), e.name);
    counted.forEach((m, i) => {
      const msg = real[i];
      const content = msg ? d.text.slice(msg.marker ? msg.marker.span.end : msg.span.start, msg.span.end) : d.text.slice(d.template.span.start);
      assert.equal(m.content, o200k(content), `${e.name} message ${i} (${m.role})`);
    });
  }
});

test('the total with chat framing equals gpt-tokenizer’s chat count for gpt-4o', () => {
  for (const e of examples) {
    const d = doc(e.text);
    const t = documentTokens(d, { model: 'gpt-4o' });
    const chat = d.template.messages
      .filter((m) => m.kind === 'message')
      .map((m) => ({ role: m.role === 'model' ? 'assistant' : m.role, content: d.text.slice(m.marker ? m.marker.span.end : m.span.start, m.span.end) }));
    if (!chat.length) continue;
    assert.equal(t.template, gpt4oChat(chat), e.name);
    assert.equal(t.framing, t.messages.filter((m) => m.kind === 'message').length * 3 + chat.reduce((s, m) => s + o200k(m.role), 0) + 3);
  }
});

test('the encoding is chosen from the model name', () => {
  const enc = (m: string) => {
    const r = resolveModel(m, undefined);
    return [r.encoding, r.exact, r.id ?? null, r.tokenizer];
  };
  assert.deepEqual(enc('openai/gpt-4o'), ['o200k_base', true, 'gpt-4o', 'o200k_base']);
  assert.deepEqual(enc('openai/gpt-4o-2024-08-06'), ['o200k_base', true, 'gpt-4o', 'o200k_base']);
  assert.deepEqual(enc('openai/gpt-4o-mini'), ['o200k_base', true, 'gpt-4o-mini', 'o200k_base']);
  assert.deepEqual(enc('gpt-4.1-nano-2025-04-14'), ['o200k_base', true, 'gpt-4.1-nano', 'o200k_base']);
  assert.deepEqual(enc('openai/o4-mini'), ['o200k_base', true, 'o4-mini', 'o200k_base']);
  assert.deepEqual(enc('openai/gpt-5-mini'), ['o200k_base', true, 'gpt-5-mini', 'o200k_base']);
  assert.deepEqual(enc('openai/gpt-4-0613'), ['cl100k_base', true, 'gpt-4', 'cl100k_base']);
  assert.deepEqual(enc('openai/gpt-3.5-turbo'), ['cl100k_base', true, 'gpt-3.5-turbo', 'cl100k_base']);
  assert.deepEqual(enc('gpt-4-turbo-2024-04-09'), ['cl100k_base', true, 'gpt-4-turbo', 'cl100k_base']);
  assert.deepEqual(enc('anthropic/claude-sonnet-4-5'), ['o200k_base', false, 'claude-sonnet-4-5', 'claude']);
  assert.deepEqual(enc('vertexai/claude-3-5-sonnet-v2@20241022'), ['o200k_base', false, 'claude-3-5-sonnet', 'claude']);
  assert.deepEqual(enc('claude-3-5-haiku-20241022'), ['o200k_base', false, 'claude-3-5-haiku', 'claude']);
  assert.deepEqual(enc('googleai/gemini-2.5-flash'), ['o200k_base', false, 'gemini-2.5-flash', 'gemini']);
  assert.deepEqual(enc('vertexai/gemini-2.0-flash-001'), ['o200k_base', false, 'gemini-2.0-flash', 'gemini']);
  assert.deepEqual(enc('groq/llama-3.3-70b-versatile'), ['o200k_base', false, 'llama-3.3-70b', 'llama']);
  assert.deepEqual(enc('mistral/mistral-large-latest'), ['o200k_base', false, 'mistral-large', 'mistral']);
  // Not in the catalogue: the family's tokenizer, labelled as a guess, with a hint.
  const unknownClaude = resolveModel('anthropic/claude-9-mega', undefined);
  assert.equal(unknownClaude.tokenizer, 'claude');
  assert.equal(unknownClaude.unknown, true);
  const unknown = resolveModel('acme/frobnicator-7', undefined);
  assert.deepEqual([unknown.encoding, unknown.exact, unknown.unknown, unknown.chatFraming], ['o200k_base', false, true, false]);
  assert.match(unknown.hint!, /not in the model catalogue.*o200k_base \(the default encoding\).*promptWorkbench\.models/);
  // No model at all: plain o200k_base, exact, with a note.
  const none = resolveModel(undefined, undefined);
  assert.deepEqual([none.encoding, none.exact, none.source], ['o200k_base', true, 'none']);
  // The setting overrides the frontmatter.
  const over = resolveModel('anthropic/claude-sonnet-4-5', 'openai/gpt-4o');
  assert.deepEqual([over.id, over.source, over.exact], ['gpt-4o', 'setting', true]);
});

test('estimates for families without a public tokenizer are o200k_base × the calibrated factor, flagged ≈', () => {
  const text = '---\nmodel: anthropic/claude-sonnet-4-5\n---\n{{role "system"}}\nYou are a careful assistant. Answer briefly.\n{{role "user"}}\nHello {{name}}, how are you today?\n';
  const d = doc(text);
  const t = documentTokens(d);
  assert.equal(t.estimated, true);
  assert.equal(t.framing, 0, 'no OpenAI framing for Claude');
  const sys = d.template.messages[0];
  assert.equal(t.messages[0].content, Math.round(o200k(text.slice(sys.marker!.span.end, sys.span.end)) * ESTIMATE_FACTORS.claude));
  const titles = tokenCodeLenses(d).map((l) => l.command!.title);
  assert.ok(titles.every((x) => x.includes('≈')), titles.join(' | '));
  const exact = tokenCodeLenses(doc(text.replace('anthropic/claude-sonnet-4-5', 'openai/gpt-4o'))).map((l) => l.command!.title);
  assert.ok(exact.every((x) => !x.includes('≈')), exact.join(' | '));
});

test('a 100,000-character run without whitespace is estimated in under 100 ms, close to the truth, and labelled', () => {
  const counter = new BlockCounter('o200k_base');
  counter.count('warm up the tokenizer');
  const run = 'a'.repeat(100_000);
  const started = performance.now();
  const c = counter.count(`Before.\n\n${run}\n\nAfter.`);
  const ms = performance.now() - started;
  assert.ok(ms < 100, `took ${ms.toFixed(1)} ms`);
  assert.equal(c.longRuns, 1);
  // "a" x 8 is one o200k token, so the true count is about 12,500 + a few.
  assert.ok(Math.abs(c.tokens - 12_505) < 12_505 * 0.02, `estimated ${c.tokens}`);
  const d = doc(`---\nmodel: openai/gpt-4o\n---\n{{role "user"}}\n${'b'.repeat(100_000)}\n`);
  const t = documentTokens(d);
  assert.equal(t.estimated, true);
  assert.ok(t.notes.some((n) => /without whitespace/.test(n)));
  assert.ok(tokenCodeLenses(d).every((l) => l.command!.title.includes('≈')));
});

test('after a one-character edit only the edited chunk is counted again, and the total is exact', () => {
  const counter = new BlockCounter('o200k_base');
  const paragraphs = Array.from({ length: 400 }, (_, i) => `Paragraph ${i}: the quick brown fox jumps over the lazy dog, again and again.`);
  const text = paragraphs.join('\n\n');
  assert.equal(counter.count(text).tokens, o200k(text));
  const before = counter.misses;
  const at = text.indexOf('Paragraph 200') + 5;
  const edited = text.slice(0, at) + 'X' + text.slice(at);
  assert.equal(counter.count(edited).tokens, o200k(edited));
  // The edited block's chunk is counted again (and the next one, if the edit moved a chunk boundary).
  assert.ok(counter.misses - before <= 2, `${counter.misses - before} chunks re-counted`);
});

test('context overflow is an error on the `model:` value with the numbers in the message', () => {
  const body = 'The quick brown fox jumps over the lazy dog. '.repeat(1000);
  const text = `---\nmodel: openai/gpt-4\nconfig:\n  maxOutputTokens: 500\n---\n${body}`;
  const d = doc(text);
  // Dotprompt trims the body: its last blank is not sent, nor counted.
  const prompt = o200k === undefined ? 0 : cl100k(body.trimEnd()) + 3 + cl100k('user') + 3;
  const ds = tokenDiagnostics(d);
  const overflow = ds.find((x) => x.code === 'context-overflow');
  assert.ok(overflow, JSON.stringify(ds));
  assert.equal(overflow.severity, 'error');
  assert.equal(d.text.slice(overflow.span.start, overflow.span.end), 'openai/gpt-4');
  const total = prompt + 500;
  assert.equal(
    overflow.message,
    `This prompt needs ${total.toLocaleString('en-US')} tokens (${prompt.toLocaleString('en-US')} prompt tokens + 500 reserved for the answer (config.maxOutputTokens)), but \`gpt-4\` has a context window of 8,192 tokens: ${(total - 8192).toLocaleString('en-US')} over. Shorten the prompt, lower config.maxOutputTokens or choose a model with a larger window.`,
  );
});

test('above the warning share a warning, configurable; a budget adds its own warning', () => {
  // ~7,000 cl100k tokens in an 8,192 window: 85%, over 80% but not over the window.
  const body = 'word '.repeat(6990);
  const text = `---\nmodel: openai/gpt-4\n---\n${body}`;
  const d = doc(text);
  const prompt = documentTokens(d).template;
  assert.ok(prompt > 0.8 * 8192 && prompt < 8192, String(prompt));
  const warn = tokenDiagnostics(d).find((x) => x.code === 'context-budget');
  assert.ok(warn);
  assert.equal(warn.severity, 'warning');
  assert.match(warn.message, new RegExp(`uses ${Math.round((prompt / 8192) * 100)}% of \`gpt-4\`'s 8,192-token context window \\(${prompt.toLocaleString('en-US')} prompt tokens = ${prompt.toLocaleString('en-US')}\\), more than the 80% set by promptWorkbench.tokens.warnAtShare`));
  assert.deepEqual(tokenDiagnostics(d, { warnAtShare: 0.95 }), []);
  const budget = tokenDiagnostics(doc('---\nmodel: openai/gpt-4o\n---\nHello there, this is a prompt.\n'), { budget: 5 });
  assert.equal(budget.length, 1);
  assert.equal(budget[0].code, 'context-budget');
  assert.match(budget[0].message, /over its budget of 5 tokens \(promptWorkbench\.tokens\.budget\)/);
  // Small prompts on a known model: nothing.
  assert.deepEqual(tokenDiagnostics(doc('---\nmodel: openai/gpt-4o\n---\nHi\n')), []);
});

test('a budget can be one number or glob patterns per file; the longest matching pattern wins', () => {
  assert.equal(budgetFor('file:///w/prompts/a.prompt', 100), 100);
  const patterns = { '**/*.prompt': 1000, 'prompts/agents/**': 8000, 'summarize.prompt': 50, 'my%20file.prompt': 7 };
  assert.equal(budgetFor('file:///w/prompts/a.prompt', patterns), 1000);
  assert.equal(budgetFor('file:///w/prompts/agents/deep/b.prompt', patterns), 8000);
  assert.equal(budgetFor('file:///w/examples/summarize.prompt', patterns), 50);
  assert.equal(budgetFor('file:///w/x/my%20file.prompt', { 'my file.prompt': 7 }), 7);
  assert.equal(budgetFor('file:///w/notes.txt', { 'prompts/*.prompt': 5 }), undefined);
  assert.equal(budgetFor('file:///w/a.prompt', undefined), undefined);
  const d = doc('---\nmodel: openai/gpt-4o\n---\nHello there, this is a prompt.\n', 'file:///w/examples/summarize.prompt');
  assert.deepEqual(tokenDiagnostics(d, { budget: { 'summarize.prompt': 5 } }).map((x) => x.code), ['context-budget']);
  assert.deepEqual(tokenDiagnostics(d, { budget: { 'other.prompt': 5 } }), []);
});

test('an unknown model gets a hint, not an error; no model gets nothing', () => {
  const d = doc('---\nmodel: acme/frobnicator-7\n---\nHello\n');
  const ds = tokenDiagnostics(d);
  assert.deepEqual(ds.map((x) => [x.code, x.severity]), [['model-unknown', 'hint']]);
  assert.equal(d.text.slice(ds[0].span.start, ds[0].span.end), 'acme/frobnicator-7');
  assert.deepEqual(tokenDiagnostics(doc('Hello, no frontmatter\n')), []);
});

test('catalogue entries can be overridden and added from settings; bad fields are ignored', () => {
  const merged = mergeCatalogue({ 'gpt-4o': { contextWindow: 1000 }, 'acme/frob-1': { tokenizer: 'cl100k_base', contextWindow: 5000, inputPerMTok: 1, outputPerMTok: 2, maxOutputTokens: 100 }, broken: 'nope', 'bad-fields': { contextWindow: 'big', tokenizer: 'klingon' } });
  assert.equal(merged.models['gpt-4o'].contextWindow, 1000);
  assert.equal(merged.models['gpt-4o'].inputPerMTok, 2.5, 'other fields kept');
  const frob = resolveModel('acme/frob-1', undefined, merged);
  assert.deepEqual([frob.id, frob.encoding, frob.exact, frob.unknown], ['frob-1', 'cl100k_base', true, false]);
  assert.equal(merged.models['bad-fields'].contextWindow, null);
  assert.equal(merged.models['bad-fields'].tokenizer, 'o200k_base');
  assert.equal(merged.models.broken, undefined);
  // Through the options: the overridden window now overflows.
  const d = doc('---\nmodel: openai/gpt-4o\nconfig:\n  maxOutputTokens: 10\n---\n' + 'hello world '.repeat(600));
  assert.deepEqual(tokenDiagnostics(d).map((x) => x.code), []);
  assert.deepEqual(tokenDiagnostics(d, { models: { 'gpt-4o': { contextWindow: 1000 } } }).map((x) => x.code), ['context-overflow']);
  const t = documentTokens(doc('---\nmodel: acme/frob-1\n---\nHi\n'), { models: { 'acme/frob-1': { tokenizer: 'cl100k_base', contextWindow: 5000, inputPerMTok: 1, outputPerMTok: 2, maxOutputTokens: 100 } } });
  assert.equal(t.contextWindow, 5000);
  assert.equal(t.cost!.output, (100 * 2) / 1e6);
});

test('the reserved output is the prompt\'s limit under any name its format maps to it, reported by its path', () => {
  const own = documentTokens(doc('---\nmodel: openai/gpt-4o\nconfig:\n  maxOutputTokens: 300\n---\nHi\n'));
  assert.deepEqual(own.output, { tokens: 300, source: 'config.maxOutputTokens' });
  const alias = documentTokens(doc('---\nmodel: openai/gpt-4o\nconfig:\n  max_tokens: 250\n---\nHi\n'));
  assert.deepEqual(alias.output, { tokens: 250, source: 'config.max_tokens' });
  const none = documentTokens(doc('---\nmodel: openai/gpt-4o\n---\nHi\n'));
  assert.equal(none.output.source, 'model default');
});

test('cost of one run: prompt at the input price plus the reserved output, with long-context tiers', () => {
  const t = documentTokens(doc('---\nmodel: openai/gpt-4o-mini\nconfig:\n  maxOutputTokens: 1000\n---\nHello\n'));
  assert.equal(t.cost!.input, (t.template * 0.15) / 1e6);
  assert.equal(t.cost!.output, (1000 * 0.6) / 1e6);
  const pro = resolveModel('gemini-2.5-pro', undefined).entry!;
  assert.equal(costOf(100_000, 0, pro, 'USD')!.input, 0.125);
  assert.equal(costOf(300_000, 0, pro, 'USD')!.input, 0.75);
  assert.equal(costOf(10, 0, resolveModel('llama-3.3-70b', undefined).entry, 'USD'), undefined, 'no price for host-dependent models');
  assert.equal(formatMoney(0.000123), '$0.00012');
  assert.equal(formatMoney(0.5), '$0.500');
  assert.equal(formatMoney(12.345), '$12.35');
});

test('code lenses: one above the frontmatter (the whole prompt), one per message with its count', () => {
  const e = examples.find((x) => x.name === 'summarize.prompt')!;
  const d = doc(e.text);
  const lenses = tokenCodeLenses(d);
  const t = documentTokens(d);
  assert.equal(lenses[0].range.start.line, 0);
  assert.match(lenses[0].command!.title, new RegExp(`^Prompt: ${t.template} tokens · gpt-4o-mini · 0\\.\\d% of 128K window · ≤\\$`));
  assert.match(lenses[1].command!.title, /^Frontmatter: \d+ tokens \(not sent\)$/);
  const lines = e.text.split('\n');
  const sys = lenses.find((l) => l.command!.title.startsWith('system:'))!;
  assert.equal(lines[sys.range.start.line], '{{role "system"}}');
  assert.equal(sys.command!.title, `system: ${t.messages[0].tokens} tokens (${t.messages[0].content} + ${t.messages[0].framing} framing)`);
  const history = tokenCodeLenses(doc(examples.find((x) => x.name === 'classify-intent.prompt')!.text)).find((l) => l.command!.title.startsWith('history'));
  assert.ok(history);
});

test('hover on a role marker shows that message’s count and the cost of one run; elsewhere nothing', () => {
  const text = '---\nmodel: openai/gpt-4o\n---\n{{role "system"}}\nBe brief.\n{{role "user"}}\nHello {{name}}\n';
  const d = doc(text);
  const h = tokenHover(d, text.indexOf('role "user"') + 2)!;
  const value = (h.contents as MarkupContent).value;
  const content = o200k('\nHello {{name}}\n');
  assert.match(value, new RegExp(`^\\*\\*user message\\*\\*: ${content + 4} tokens \\(${content} text \\+ 4 chat framing\\)`));
  assert.match(value, /One run: \$[\d.]+ input \+ up to \$[\d.]+ output \(16,384 tokens, model default\)/);
  assert.equal(tokenHover(d, text.indexOf('Be brief')), null);
  assert.equal(tokenHover(d, text.indexOf('{{name}}') + 3), null);
  const hist = '---\nmodel: openai/gpt-4o\n---\n{{role "system"}}\nHi\n{{history}}\n{{role "user"}}\nQ\n';
  assert.match((tokenHover(doc(hist), hist.indexOf('{{history}}') + 3)!.contents as MarkupContent).value, /^\*\*history\*\*: earlier conversation turns, inserted at run time; not counted here\./);
  const combined = combineHovers({ contents: { kind: 'markdown', value: 'helper docs' } }, h);
  assert.match((combined!.contents as MarkupContent).value, /^helper docs\n\n---\n\n\*\*user message\*\*/);
});

test('rendered counts use input.default; missing values make them unavailable with the reason', async () => {
  const text = '---\nmodel: openai/gpt-4o\ninput:\n  schema:\n    name: string\n  default:\n    name: Ada Lovelace\n---\n{{role "system"}}\nBe brief.\n{{role "user"}}\nHello {{name}}!\n';
  const d = doc(text);
  const r = await renderedTokens(d);
  assert.ok(r.available, JSON.stringify(r));
  assert.equal(r.tokens, gpt4oChat([{ role: 'system', content: '\nBe brief.\n' }, { role: 'user', content: '\nHello Ada Lovelace!\n' }]));
  const missing = await renderedTokens(doc(text.replace(/  default:\n    name: Ada Lovelace\n/, '')));
  assert.equal(missing.available, false);
  assert.match(!missing.available ? missing.reason : '', /No value for the required input `name`/);
  const broken = await renderedTokens(doc('---\nmodel: openai/gpt-4o\n---\n{{#if x}}\n'));
  assert.equal(broken.available, false);
  const s = await tokenSummary(d);
  assert.match(s.tooltip, /\| Template \(as written\) \| \d+ \|/);
  assert.match(s.tooltip, new RegExp(`\\| Rendered \\(input.default\\) \\| ${r.tokens} \\|`));
  assert.equal(s.text.startsWith(`${r.tokens} tokens · `), true, s.text);
});

test('a template over maxFileSize is still counted exactly, split at the role markers a plain scan finds', () => {
  const sys = '\nBe brief.\n';
  const user = '\n' + 'Some words here.\n'.repeat(200);
  const text = `---\nmodel: openai/gpt-4o\n---\n{{role "system"}}${sys}{{history}}\n{{ role 'user' }}${user}`;
  const d = parsePromptDocument(text, 'file:///big.prompt', 1, { maxTemplateSize: 1000 });
  assert.equal(d.notice, 'too-large');
  const t = documentTokens(d);
  assert.equal(t.estimated, false);
  assert.deepEqual(t.messages.map((m) => [m.role, m.content]), [['system', o200k(sys)], ['history', 0], ['user', o200k(user)]]);
  assert.equal(t.template, documentTokens(doc(text)).template, 'the same as when the template is analysed');
  assert.ok(t.notes.some((n) => /not analysed/.test(n)));
});

test('beyond 5 MB the editor estimates from the length, and says so', () => {
  const body = 'Some words here.\n'.repeat(300_000);
  const d = parsePromptDocument(`---\nmodel: openai/gpt-4o\n---\n${body}`, 'file:///huge.prompt', 1, { maxTemplateSize: 1000 });
  const t = documentTokens(d);
  assert.equal(t.estimated, true);
  assert.equal(t.messages[0].content, Math.round(body.length / 4));
  assert.ok(t.notes.some((n) => /estimated from its length/.test(n)));
});

test('counts are memoised per document version', () => {
  const d: PromptDocument = doc('---\nmodel: openai/gpt-4o\n---\nHello\n');
  assert.equal(documentTokens(d), documentTokens(d));
  assert.notEqual(documentTokens(d), documentTokens(d, { model: 'gpt-4' }));
});

test('loading the token module loads no tokenizer data', () => {
  const out = execFileSync(
    process.execPath,
    ['--import', 'tsx', '-e', "const t = require('./server/src/service/tokens'); console.log(JSON.stringify([t.isEncodingLoaded('o200k_base'), Object.keys(require.cache).some((k) => k.includes('gpt-tokenizer'))]))"],
    { cwd: ROOT, encoding: 'utf8' },
  );
  assert.deepEqual(JSON.parse(out.trim()), [false, false]);
});

test('token settings are read leniently: bad values fall back to defaults', () => {
  const { readTokenSettings } = require('../../server/src/settings') as typeof import('../../server/src/settings');
  assert.deepEqual(readTokenSettings({}), { model: undefined, budget: undefined, warnAtShare: 0.8, models: undefined });
  assert.deepEqual(readTokenSettings({ tokens: { model: ' openai/gpt-4o ', budget: 500, warnAtShare: 0.5 }, models: { x: { contextWindow: 1 } } }), {
    model: 'openai/gpt-4o',
    budget: 500,
    warnAtShare: 0.5,
    models: { x: { contextWindow: 1 } },
  });
  assert.deepEqual(readTokenSettings({ tokens: { budget: { 'a.prompt': 10, 'b.prompt': 'x' }, warnAtShare: 'lots', model: '' } }).budget, { 'a.prompt': 10 });
  assert.equal(readTokenSettings({ tokens: { budget: -3 } }).budget, undefined);
  assert.equal(readTokenSettings({ tokens: { warnAtShare: 'lots' } }).warnAtShare, 0.8);
});

// Long whitespace runs: one pre-tokeniser piece each, which BPE merges in time quadratic in its
// length. Run in a child process with a time limit, so a regression fails instead of hanging.
test('204,800 spaces and 204,800 newlines are counted exactly in under 1 s each', () => {
  const script = `
    const { BlockCounter } = require(${JSON.stringify(path.join(ROOT, 'server/src/service/tokens/tokenizer.ts'))});
    const out = {};
    for (const enc of ['o200k_base', 'cl100k_base']) for (const [name, ch] of [['spaces', ' '], ['newlines', '\\n'], ['mixed', ' \\n']]) {
      const counter = new BlockCounter(enc);
      counter.count('warm up');
      const text = 'Start.' + ch.repeat(204800 / ch.length) + 'end';
      const t0 = performance.now();
      const c = counter.count(text);
      out[enc + ' ' + name] = { ms: performance.now() - t0, tokens: c.tokens, longRuns: c.longRuns };
    }
    process.stdout.write(JSON.stringify(out));`;
  const out = JSON.parse(execFileSync(process.execPath, ['--import', 'tsx', '-e', script], { cwd: ROOT, timeout: 30_000, encoding: 'utf8' }));
  // The reference, piecewise (gpt-tokenizer on the whole run takes ~30 s): 12,800 characters is a
  // multiple of the longest whitespace tokens (128 spaces, 16 or 32 newlines), so a run of
  // 16 x 12,800 tokenises as 16 runs of 12,800, checked here on 3 x 12,800 against gpt-tokenizer
  // on the whole run; the first and last runs are counted with the text beside them.
  const P = 12_800;
  for (const [enc, count] of [['o200k_base', o200k], ['cl100k_base', cl100k]] as const) {
    for (const [name, ch] of [['spaces', ' '], ['newlines', '\n'], ['mixed', ' \n']] as const) {
      const run = ch.repeat(P / ch.length);
      assert.equal(count(run.repeat(3)), 3 * count(run), `${enc} ${name}: 3 x ${P} is 3 runs of ${P}`);
      const reference = count('Start.' + run) + 14 * count(run) + count(run + 'end');
      const got = out[`${enc} ${name}`];
      assert.equal(got.tokens, reference, `${enc} ${name}`);
      assert.equal(got.longRuns, 0, 'exact, not an estimate');
      assert.ok(got.ms < 1000, `${enc} ${name}: ${got.ms.toFixed(0)} ms`);
    }
  }
});

test('fuzz: counting long whitespace pieces in parts never changes the count', () => {
  const next = rng(7);
  const alphabet = [' ', '  ', '\n', '\r\n', '\t', '\u00a0', '\u3000', 'a', 'Word', '.', '/', '1', '—'];
  const o = new BlockCounter('o200k_base');
  const c = new BlockCounter('cl100k_base');
  for (let i = 0; i < 300; i++) {
    // Mostly whitespace, so pieces of hundreds to thousands of characters form.
    let text = '';
    const n = 50 + Math.floor(next() * 1500);
    for (let j = 0; j < n; j++) text += next() < 0.97 ? alphabet[Math.floor(next() * 6)] : alphabet[Math.floor(next() * alphabet.length)];
    assert.equal(o.count(text).tokens, o200k(text), `o200k seed 7 #${i}`);
    assert.equal(c.count(text).tokens, cl100k(text), `cl100k seed 7 #${i}`);
  }
});

test('a 2 MB prompt without line breaks is cut into blocks; a one-character edit re-counts < 10% of it', () => {
  const next = rng(3);
  const words = ['the', 'Quick', 'brown', 'fox,', 'jumps', 'over', '"lazy"', 'dogs.', '42', 'naïve', '/path', '(x)'];
  const parts: string[] = [];
  for (let len = 0; len < 2_000_000; ) {
    const w = words[Math.floor(next() * words.length)];
    parts.push(w);
    len += w.length + 1;
  }
  const text = parts.join(' ');
  const blocks = splitBlocks(text);
  assert.ok(blocks.length > 100, `${blocks.length} blocks`);
  assert.equal(blocks.join(''), text);
  const counter = new BlockCounter('o200k_base');
  assert.equal(counter.count(text).tokens, o200k(text));
  const at = 1_000_003;
  const edited = text.slice(0, at) + 'X' + text.slice(at);
  const misses = counter.misses;
  const chars = counter.missedChars;
  assert.equal(counter.count(edited).tokens, o200k(edited));
  assert.ok(counter.misses - misses <= 2, `${counter.misses - misses} chunks re-counted`);
  assert.ok(counter.missedChars - chars < text.length * 0.1, `${counter.missedChars - chars} characters re-counted`);
});

test('fuzz: cuts inside long lines never change the count', () => {
  const next = rng(11);
  const alphabet = ['a', 'Word', 'é', ' ', ' ', ' ', '  ', '.', ',', '/', '1', "'s", '🚀', '\t', '\u00a0', '—', '{{', '"'];
  const o = new BlockCounter('o200k_base', 50_000, 2);
  const c = new BlockCounter('cl100k_base', 50_000, 2);
  for (let i = 0; i < 2000; i++) {
    let text = '';
    const n = 1 + Math.floor(next() * 60);
    for (let j = 0; j < n; j++) text += alphabet[Math.floor(next() * alphabet.length)];
    // A tiny block size makes every eligible point a cut.
    assert.equal(splitBlocks(text, 0, text.length, 2).join(''), text);
    assert.equal(o.count(text).tokens, o200k(text), `o200k ${JSON.stringify(text)}`);
    assert.equal(c.count(text).tokens, cl100k(text), `cl100k ${JSON.stringify(text)}`);
  }
});

test('the blank-line scan finds what /\\n[^\\S\\n]*\\n/ finds, from any start and up to any end', () => {
  const next = rng(29);
  const alphabet = ['\n', '\n', '\r', ' ', '\t', 'a', '/', '\u00a0', '\u2028', '\u3000', 'é', '\v'];
  const viaRegex = (text: string, from: number, end: number): number => {
    const re = /\n[^\S\n]*\n/g;
    re.lastIndex = from;
    const m = re.exec(text);
    return m && m.index < end ? m.index : -1;
  };
  let found = 0;
  for (let i = 0; i < 3000; i++) {
    let text = '';
    const n = Math.floor(next() * 40);
    for (let j = 0; j < n; j++) text += alphabet[Math.floor(next() * alphabet.length)];
    const from = Math.floor(next() * (text.length + 2));
    const end = Math.floor(next() * (text.length + 2));
    const want = viaRegex(text, from, end);
    if (want >= 0) found++;
    assert.equal(nextBlankLine(text, from, end), want, `${JSON.stringify(text)} from ${from} to ${end}`);
  }
  assert.ok(found > 300, `${found} of the cases have a blank line`);
  // The blocks of a document with every kind of blank line are still cut where they were.
  const text = 'one\n\ntwo\n \t\nthree\r\n\r\nfour\n\u00a0\n/five\n\n\n';
  assert.deepEqual(splitBlocks(text), ['one\n\n', 'two\n \t\n', 'three\r\n\r\n', 'four\n\u00a0\n/five\n\n\n']);
});
