// Token counts over real LSP stdio from the bundled server: code lenses on examples/, the status
// bar's custom request, the role-marker hover, budget diagnostics and the settings that drive them.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { after, before, test } from 'node:test';
import { CodeLensRequest, DidChangeConfigurationNotification, HoverRequest, type CodeLens, type MarkupContent, type PublishDiagnosticsParams } from 'vscode-languageserver-protocol/node';
import { TokenSummaryRequest, type TokenSummary } from '../../server/src/protocol';
import { fileUri, ROOT, TestLanguageClient } from '../support/lspClient';

const o200k: (text: string) => number = require('gpt-tokenizer/encoding/o200k_base').countTokens;
const gpt4oChat: (chat: { role: string; content: string }[]) => number = require('gpt-tokenizer/model/gpt-4o').countTokens;

const examples = path.join(ROOT, 'examples');
let client: TestLanguageClient;
/** What the server gets for `workspace/configuration` (section promptWorkbench). */
let configuration: Record<string, unknown> = {};

function example(name: string): { uri: string; text: string } {
  const file = path.join(examples, name);
  return { uri: fileUri(file), text: readFileSync(file, 'utf8') };
}

function lineOf(text: string, needle: string): number {
  const at = text.indexOf(needle);
  assert.ok(at >= 0, needle);
  return text.slice(0, at).split('\n').length - 1;
}

/** Waits until the published diagnostics of `uri` satisfy `ok` (the tokenizer may load after the first publish). */
async function diagnosticsWhere(uri: string, ok: (p: PublishDiagnosticsParams) => boolean, ms = 15_000): Promise<PublishDiagnosticsParams> {
  const deadline = Date.now() + ms;
  for (;;) {
    const p = client.published.get(uri);
    if (p && ok(p)) return p;
    if (Date.now() > deadline) throw new Error(`timed out; last: ${JSON.stringify(p?.diagnostics.map((d) => [d.code, d.message]))}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

const lenses = async (uri: string) => ((await client.connection.sendRequest(CodeLensRequest.type, { textDocument: { uri } })) ?? []) as CodeLens[];
const summary = (uri: string) => client.connection.sendRequest(TokenSummaryRequest.method, { uri }) as Promise<TokenSummary | null>;

before(async () => {
  client = await TestLanguageClient.start({ configuration: true });
  client.connection.onRequest('workspace/configuration', (p: { items: unknown[] }) => p.items.map(() => configuration));
});

after(async () => {
  await client.stop();
});

test('code lenses show each message’s count, equal to gpt-tokenizer’s for OpenAI models', async () => {
  const { uri, text } = example('summarize.prompt');
  await client.open(uri, text);
  const got = await lenses(uri);
  const titles = got.map((l) => `${l.range.start.line}: ${l.command?.title}`);
  const sysLine = lineOf(text, '{{role "system"}}');
  const userLine = lineOf(text, '{{role "user"}}');
  const body = (from: string, to?: string) => text.slice(text.indexOf(from) + from.length, to ? text.indexOf(to) : undefined);
  const sys = o200k(body('{{role "system"}}', '{{role "user"}}'));
  const user = o200k(body('{{role "user"}}'));
  assert.ok(titles.includes(`${sysLine}: system: ${sys + 4} tokens (${sys} + 4 framing)`), titles.join('\n'));
  assert.ok(titles.includes(`${userLine}: user: ${user + 4} tokens (${user} + 4 framing)`), titles.join('\n'));
  const total = gpt4oChat([
    { role: 'system', content: body('{{role "system"}}', '{{role "user"}}') },
    { role: 'user', content: body('{{role "user"}}') },
  ]);
  assert.ok(titles.some((t) => t.startsWith(`0: Prompt: ${total} tokens · gpt-4o-mini · `)), titles.join('\n'));
  assert.ok(got.every((l) => l.command?.command === ''), 'title-only lenses');
});

test('non-OpenAI models are estimates, marked ≈', async () => {
  const { uri, text } = example('classify-intent.prompt');
  await client.open(uri, text);
  const titles = (await lenses(uri)).map((l) => l.command!.title).filter((t) => !t.startsWith('history'));
  assert.ok(titles.length >= 3 && titles.every((t) => t.includes('≈')), titles.join('\n'));
  const s = (await summary(uri))!;
  assert.equal(s.estimated, true);
  assert.match(s.text, /^≈\d+ tokens · <?0\.\d+% of 200K$/);
  assert.match(s.tooltip, /: ≈ Claude estimate \(o200k_base × 1\.20\)/);
});

test('the status bar request returns template vs rendered, window share and cost', async () => {
  const { uri, text } = example('summarize.prompt');
  await client.open(uri, text);
  const s = (await summary(uri))!;
  assert.equal(s.modelId, 'gpt-4o-mini');
  assert.equal(s.estimated, false);
  assert.equal(s.contextWindow, 128_000);
  assert.equal(s.output.tokens, 400);
  assert.ok(s.cost && s.cost.total > 0);
  assert.equal(s.rendered.available, false, 'summarize.prompt has no default for `ticket`');
  assert.match(s.tooltip, /\| Template \(as written\) \| \d+ \| 0\.\d% \| ≤\$/);
  assert.match(s.tooltip, /Rendered count unavailable: No value for the required input `ticket`/);

  const withDefaults = fileUri(path.join(examples, 'scratch-defaults.prompt'));
  await client.open(withDefaults, '---\nmodel: openai/gpt-4o\ninput:\n  schema:\n    name: string\n  default:\n    name: Ada\n---\n{{role "user"}}\nHello {{name}}!\n');
  const r = (await summary(withDefaults))!;
  assert.ok(r.rendered.available);
  assert.equal(r.rendered.tokens, gpt4oChat([{ role: 'user', content: '\nHello Ada!\n' }]));
  assert.match(r.tooltip, /\| Rendered \(input\.default\) \| \d+ \|/);
  await client.close(withDefaults);
  assert.equal(await summary('file:///never/opened.prompt'), null);
});

test('hover on a role marker shows the message’s tokens', async () => {
  const { uri, text } = example('summarize.prompt');
  const line = lineOf(text, '{{role "system"}}');
  const hover = await client.connection.sendRequest(HoverRequest.type, { textDocument: { uri }, position: { line, character: 4 } });
  assert.ok(hover);
  assert.match((hover.contents as MarkupContent).value, /\*\*system message\*\*: \d+ tokens \(\d+ text \+ 4 chat framing\)/);
  assert.match((hover.contents as MarkupContent).value, /One run: \$/);
});

test('making a prompt larger than its model’s window is an error on the `model:` line', async () => {
  const uri = fileUri(path.join(examples, 'scratch-overflow.prompt'));
  const head = '---\nmodel: openai/gpt-4\nconfig:\n  maxOutputTokens: 500\n---\n';
  await client.open(uri, `${head}Short.\n`);
  await diagnosticsWhere(uri, (p) => !p.diagnostics.some((d) => d.code === 'context-overflow'));
  await client.change(uri, head + 'The quick brown fox jumps over the lazy dog.\n\n'.repeat(900));
  const p = await diagnosticsWhere(uri, (x) => x.diagnostics.some((d) => d.code === 'context-overflow'));
  const d = p.diagnostics.find((x) => x.code === 'context-overflow')!;
  assert.equal(d.severity, 1);
  assert.deepEqual(d.range, { start: { line: 1, character: 7 }, end: { line: 1, character: 19 } });
  assert.match(String(d.message), /^This prompt needs [\d,]+ tokens \([\d,]+ prompt tokens \+ 500 reserved for the answer \(config\.maxOutputTokens\)\), but `gpt-4` has a context window of 8,192 tokens: [\d,]+ over\./);
  await client.close(uri);
});

test('settings: a token budget warns, a model override changes the count', async () => {
  const uri = fileUri(path.join(examples, 'scratch-budget.prompt'));
  configuration = { tokens: { budget: 5, model: 'anthropic/claude-sonnet-4-5' } };
  await client.connection.sendNotification(DidChangeConfigurationNotification.type, { settings: {} });
  await client.open(uri, '---\nmodel: openai/gpt-4o\n---\nA prompt that is longer than five tokens, surely.\n');
  const p = await diagnosticsWhere(uri, (x) => x.diagnostics.some((d) => d.code === 'context-budget'));
  assert.match(String(p.diagnostics.find((d) => d.code === 'context-budget')!.message), /over its budget of 5 tokens/);
  const s = (await summary(uri))!;
  assert.equal(s.modelId, 'claude-sonnet-4-5');
  assert.equal(s.modelSource, 'setting');
  assert.equal(s.estimated, true);
  configuration = {};
  await client.connection.sendNotification(DidChangeConfigurationNotification.type, { settings: {} });
  await client.close(uri);
});

test('a 100,000-character run does not stall the server', async () => {
  const uri = fileUri(path.join(examples, 'scratch-run.prompt'));
  await client.open(uri, `---\nmodel: openai/gpt-4o\n---\n${'x'.repeat(100_000)}\n`);
  const started = Date.now();
  const s = (await summary(uri))!;
  assert.ok(Date.now() - started < 2000, `${Date.now() - started} ms`);
  assert.equal(s.estimated, true);
  assert.ok(s.notes.some((n) => /without whitespace/.test(n)));
  await client.close(uri);
  assert.equal(client.process.exitCode, null);
});
