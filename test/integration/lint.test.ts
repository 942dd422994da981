// Lint rules over real LSP stdio from the bundled server: a leaked key shows as a masked error,
// turning a rule off in the settings removes its diagnostics live, diagnostics link their docs
// page, an open .promptlintrc.yaml gets its own diagnostics and its edits apply at once, and the
// quick fix "Disable <id> for this line" is offered. Run `npm run build` first (`npm test` does).
// Each test works on files of its own, and the settings go back to none after each, so no test
// depends on another having run first (`npm run test:integration:order`).
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, afterEach, before, test } from 'node:test';
import { CodeActionRequest, DidChangeConfigurationNotification, type CodeAction, type PublishDiagnosticsParams } from 'vscode-languageserver-protocol/node';
import { fileUri, TestLanguageClient } from '../support/lspClient';

let client: TestLanguageClient;
let lintSettings: Record<string, string> = {};
const dir = mkdtempSync(path.join(tmpdir(), 'pw-lint-lsp-'));
const KEY = `sk-proj-${'Ab1Cd2Ef3Gh4Ij5Kl6Mn7Op8Qr9St0Uv1Wx2Yz3Ab4Cd5Ef6Gh7Ij8Kl9Mn0Op1Qr2St3Uv4Wx5Yz6Zz'.slice(0, 74)}`;
const SECRET = `${KEY}T3BlbkFJ${KEY.slice(8)}`;
const PROMPT = `---\nmodel: openai/gpt-4o\nconfig:\n  maxOutputTokens: 100\n---\nUse ${SECRET} to call the API.\nMaybe answer briefly.\n`;

before(async () => {
  client = await TestLanguageClient.start({ configuration: true, rootUri: fileUri(dir) });
  // This editor's settings: promptWorkbench with the lint levels of the test.
  client.connection.onRequest('workspace/configuration', (p: { items: { section?: string }[] }) => p.items.map(() => ({ lint: lintSettings })));
});

after(async () => {
  await client.stop();
});

afterEach(async () => {
  if (!Object.keys(lintSettings).length) return;
  lintSettings = {};
  await client.connection.sendNotification(DidChangeConfigurationNotification.type, { settings: null });
});

test('a prompt with an OpenAI key shows a masked error that links its docs page', async () => {
  const uri = fileUri(path.join(dir, 'secret.prompt'));
  const published = await client.open(uri, PROMPT);
  const secret = published.diagnostics.find((d) => d.code === 'secret-in-prompt');
  assert.ok(secret, published.diagnostics.map((d) => d.code).join());
  assert.equal(secret.severity, 1);
  assert.match(String(secret.message), /OpenAI API token "sk-p…"/);
  assert.ok(!String(secret.message).includes(SECRET.slice(0, 12)));
  assert.equal(secret.range.start.line, 5);
  const href = secret.codeDescription?.href;
  assert.match(String(href), /^file:\/\/.*\/docs\/rules\/secret-in-prompt\.md$/);
  assert.ok(existsSync(fileURLToPath(String(href))), `${href} exists (the docs ship beside dist/)`);
  await client.close(uri);
});

/**
 * The first diagnostics published for `uri` (from now on) that satisfy `ready`. A validation begun
 * before a settings change may still publish its result (a fresh server loads secretlint on its
 * first prompt), so the publish after a change is not always the one that reflects it.
 */
async function publishedWhen(uri: string, ready: (p: PublishDiagnosticsParams) => boolean, what: string): Promise<PublishDiagnosticsParams> {
  const deadline = Date.now() + 20_000;
  let last: PublishDiagnosticsParams | undefined;
  while (Date.now() < deadline) {
    const p = await Promise.race([client.nextDiagnostics(uri), new Promise<undefined>((r) => setTimeout(r, 1000))]);
    if (p) last = p;
    if (p && ready(p)) return p;
  }
  assert.fail(`${what}: last published ${last ? last.diagnostics.map((d) => `${String(d.code)}:${d.severity}`).join(', ') : 'nothing'}`);
}

test('turning a rule off in the settings removes its diagnostics live', async () => {
  const uri = fileUri(path.join(dir, 'live.prompt'));
  const first = await client.open(uri, PROMPT);
  assert.ok(first.diagnostics.some((d) => d.code === 'vague-language'));
  const severity = (p: PublishDiagnosticsParams, code: string) => p.diagnostics.find((d) => d.code === code)?.severity;
  lintSettings = { 'vague-language': 'off', 'secret-in-prompt': 'warning' };
  const changed = publishedWhen(uri, (p) => severity(p, 'secret-in-prompt') === 2, 'secret-in-prompt as a warning');
  await client.connection.sendNotification(DidChangeConfigurationNotification.type, { settings: null });
  const published = await changed;
  assert.equal(severity(published, 'vague-language'), undefined, 'vague-language is off in the same publish');
  lintSettings = {};
  const back = publishedWhen(uri, (p) => severity(p, 'secret-in-prompt') === 1, 'secret-in-prompt an error again');
  await client.connection.sendNotification(DidChangeConfigurationNotification.type, { settings: null });
  assert.equal(severity(await back, 'vague-language'), 3, 'vague-language is back, as an info');
  await client.close(uri);
});

test('an open .promptlintrc.yaml gets its diagnostics, and its edits apply to prompts at once', async () => {
  // A folder of its own: its config file applies to its prompts only.
  const folder = path.join(dir, 'configured');
  mkdirSync(folder);
  const promptUri = fileUri(path.join(folder, 'configured.prompt'));
  const opened = await client.open(promptUri, PROMPT);
  assert.ok(opened.diagnostics.some((d) => d.code === 'vague-language'));
  const configUri = fileUri(path.join(folder, '.promptlintrc.yaml'));
  writeFileSync(path.join(folder, '.promptlintrc.yaml'), 'rules: {}\n');
  const configDiagnostics = await client.open(configUri, 'rules:\n  vauge-language: off\n', 'yaml');
  assert.deepEqual(configDiagnostics.diagnostics.map((d) => [d.range.start.line, d.range.start.character, d.code]), [[1, 2, 'lint-config']]);
  assert.match(String(configDiagnostics.diagnostics[0].message), /Did you mean `vague-language`\?/);
  const reprinted = client.nextDiagnostics(promptUri);
  const fixed = await client.change(configUri, 'rules:\n  vague-language: off\n');
  assert.deepEqual(fixed.diagnostics, []);
  assert.ok(!(await reprinted).diagnostics.some((d) => d.code === 'vague-language'));
  await client.close(configUri);
  await client.close(promptUri);
});

test('lint diagnostics offer "Disable <id> for this line" and the rule’s own fix', async () => {
  const uri = fileUri(path.join(dir, 'fix.prompt'));
  const published = await client.open(uri, '---\nmodel: openai/gpt-4o\ninput:\n  schema:\n    q: string\n---\nAnswer {{q}}\n');
  const d = published.diagnostics.find((x) => x.code === 'untrusted-input-undelimited')!;
  const actions = (await client.connection.sendRequest(CodeActionRequest.type, { textDocument: { uri }, range: d.range, context: { diagnostics: [d] } })) as CodeAction[];
  const titles = actions.map((a) => a.title);
  assert.ok(titles.includes('Wrap in <q> tags'), titles.join());
  assert.ok(titles.includes('Disable untrusted-input-undelimited for this line'), titles.join());
  await client.close(uri);
});

test('the setting promptWorkbench.lint.preset: strict reports what recommended leaves off, live', async () => {
  const uri = fileUri(path.join(dir, 'preset.prompt'));
  const text = '---\nmodel: openai/gpt-4o\ninput:\n  schema:\n    q: string\n---\nAnswer {{q}}\n';
  const where = (ds: { code?: unknown; severity?: number; range: { start: { line: number; character: number } } }[]) => ds.map((d) => `${d.range.start.line + 1}:${d.range.start.character + 1} ${d.severity} ${String(d.code)}`);
  const first = await client.open(uri, text);
  assert.deepEqual(where(first.diagnostics), ['7:8 3 untrusted-input-undelimited'], 'recommended: an info only');
  lintSettings = { preset: 'strict' };
  const next = publishedWhen(uri, (p) => p.diagnostics.some((d) => d.code === 'missing-max-tokens'), 'missing-max-tokens under strict');
  await client.connection.sendNotification(DidChangeConfigurationNotification.type, { settings: null });
  assert.deepEqual(where((await next).diagnostics), ['2:8 2 missing-max-tokens', '2:8 2 missing-metadata', '7:8 2 untrusted-input-undelimited']);
  await client.close(uri);
});
