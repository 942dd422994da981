// Files that `agents.files` of the project config names are agent instruction files in the editor
// too, over real LSP stdio from the bundled server: `notes/rules.md` (named by `notes/*.md`) gets
// the token lenses and the instruction files' findings; `other/readme.md` (named by nothing) gets
// neither; and a config edit that drops the glob takes them away again.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { after, before, test } from 'node:test';
import { CodeLensRequest, type CodeLens } from 'vscode-languageserver-protocol/node';
import { TokenSummaryRequest, type TokenSummary } from '../../server/src/protocol';
import { fileUri, TestLanguageClient } from '../support/lspClient';

const o200k: (text: string) => number = require('gpt-tokenizer/encoding/o200k_base').countTokens;

const CONFIG = "agents:\n  files: ['notes/*.md']\n";
const RULES = '# Rules\n\nKeep every module small.\nSee [the guide](missing-guide.md) first.\n';
const README = '# Readme\n\nSee [the guide](missing-guide.md) first.\n';
const FILES: Record<string, string> = {
  'prompt-workbench.yaml': CONFIG,
  'notes/rules.md': RULES,
  'other/readme.md': README,
};

let dir: string;
let client: TestLanguageClient;

before(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'pw-agents-files-lsp-'));
  for (const [name, text] of Object.entries(FILES)) {
    mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    writeFileSync(path.join(dir, name), text);
  }
  client = await TestLanguageClient.start({ rootUri: fileUri(dir) });
});

after(async () => {
  await client.stop();
});

async function lenses(uri: string): Promise<string[]> {
  const got = ((await client.connection.sendRequest(CodeLensRequest.type, { textDocument: { uri } })) ?? []) as CodeLens[];
  return got.map((l) => `${l.range.start.line}: ${l.command?.title}`);
}

async function lensesWhere(uri: string, ok: (titles: string[]) => boolean, ms = 20_000): Promise<string[]> {
  const deadline = Date.now() + ms;
  for (;;) {
    const titles = await lenses(uri);
    if (ok(titles)) return titles;
    if (Date.now() > deadline) throw new Error(`timed out; last: ${titles.join(' | ')}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

test('a file named by agents.files gets the token lenses, the status summary and the broken-link finding', async () => {
  const uri = fileUri(path.join(dir, 'notes/rules.md'));
  await client.open(uri, RULES, 'markdown');
  const p = await client.diagnosticsWhere(uri, (x) => x.diagnostics.some((d) => d.code === 'broken-link'));
  const link = p.diagnostics.find((d) => d.code === 'broken-link')!;
  const line = RULES.split('\n')[3];
  assert.equal(link.range.start.line, 3);
  assert.equal(link.range.start.character, line.indexOf('missing-guide.md'));
  const mine = o200k(RULES);
  const titles = await lensesWhere(uri, (t) => t.length >= 2);
  assert.equal(titles[0], `0: instruction file: ${mine} tokens · o200k_base · loaded on demand (agents.files of the project config)`);
  assert.equal(titles[1], `0: # Rules: ${mine} tokens`);
  const s = (await client.connection.sendRequest(TokenSummaryRequest.method, { uri })) as TokenSummary;
  assert.equal(s.text, `${mine} tokens`);
});

test('a Markdown file that no glob names gets no lenses and no findings', async () => {
  const uri = fileUri(path.join(dir, 'other/readme.md'));
  const p = await client.open(uri, README, 'markdown');
  assert.deepEqual(p.diagnostics, []);
  assert.deepEqual(await lenses(uri), []);
  const s = (await client.connection.sendRequest(TokenSummaryRequest.method, { uri })) as TokenSummary | null;
  assert.equal(s, null);
});

test('a config edit that drops the glob takes the lenses and findings away', async () => {
  const uri = fileUri(path.join(dir, 'notes/rules.md'));
  const config = fileUri(path.join(dir, 'prompt-workbench.yaml'));
  await client.open(config, "agents:\n  files: ['docs/*.md']\n", 'yaml');
  await client.diagnosticsWhere(uri, (x) => x.diagnostics.length === 0);
  assert.deepEqual(await lensesWhere(uri, (t) => t.length === 0), []);
  await client.change(config, CONFIG);
  await client.diagnosticsWhere(uri, (x) => x.diagnostics.some((d) => d.code === 'broken-link'));
  assert.equal((await lenses(uri)).length, 2);
});
