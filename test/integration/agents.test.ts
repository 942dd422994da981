// Agent instruction files over real LSP stdio from the bundled server: an AGENTS.md in a workspace
// with other instruction files gets its token lenses (file and set, each section), the status bar
// summary, the always-loaded set's budget warning on its first line and the findings across the
// set; an edit of another open file of the set changes them.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { CodeLensRequest, DocumentSymbolRequest, FoldingRangeRequest, SemanticTokensRequest, type CodeLens } from 'vscode-languageserver-protocol/node';
import { TokenSummaryRequest, type TokenSummary } from '../../server/src/protocol';
import { fileUri, TestLanguageClient } from '../support/lspClient';

const o200k: (text: string) => number = require('gpt-tokenizer/encoding/o200k_base').countTokens;

const FILES: Record<string, string> = {
  'prompt-workbench.yaml': 'agents:\n  budget: 40\n',
  'AGENTS.md': '# Project\n\nThis repository builds a command line tool for prompts.\nUse TypeScript for every new module you add.\n\n## Tests\n\nRun npm test before you commit anything.\n',
  '.github/copilot-instructions.md': '# Copilot\n\nUse TypeScript for every new module you add.\n',
  '.github/instructions/ts.instructions.md': '---\napplyTo: "src/**/*.ts"\n---\nPrefer small functions.\n',
  'src/a.ts': 'export const a = 1;\n',
  'src/b.ts': 'export const b = 2;\n',
  // VS Code matches an applyTo glob at any depth: `src/**/*.ts` matches this one too.
  'packages/web/src/c.ts': 'export const c = 3;\n',
};

let dir: string;
let client: TestLanguageClient;

before(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'pw-agents-lsp-'));
  for (const [name, text] of Object.entries(FILES)) {
    mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    writeFileSync(path.join(dir, name), text);
  }
  client = await TestLanguageClient.start({ rootUri: fileUri(dir) });
});

after(async () => {
  await client.stop();
});

async function lensesWhere(uri: string, ok: (titles: string[]) => boolean, ms = 20_000): Promise<string[]> {
  const deadline = Date.now() + ms;
  for (;;) {
    const got = ((await client.connection.sendRequest(CodeLensRequest.type, { textDocument: { uri } })) ?? []) as CodeLens[];
    const titles = got.map((l) => `${l.range.start.line}: ${l.command?.title}`);
    if (ok(titles)) return titles;
    if (Date.now() > deadline) throw new Error(`timed out; last: ${titles.join(' | ')}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

test('AGENTS.md: token lenses, the set over its budget on the first line, a duplicate across files', async () => {
  const uri = fileUri(path.join(dir, 'AGENTS.md'));
  const text = FILES['AGENTS.md'];
  await client.open(uri, text, 'markdown');
  const mine = o200k(text);
  const copilot = o200k(FILES['.github/copilot-instructions.md']);
  const p = await client.diagnosticsWhere(uri, (x) => x.diagnostics.some((d) => d.code === 'agents-budget'));
  const budget = p.diagnostics.find((d) => d.code === 'agents-budget')!;
  assert.deepEqual(budget.range, { start: { line: 0, character: 0 }, end: { line: 0, character: 9 } });
  assert.equal(budget.severity, 2);
  assert.match(String(budget.message), new RegExp(`are ${mine + copilot} tokens, ${mine + copilot - 40} over the budget of 40 .*this file ${mine}, \\.github/copilot-instructions\\.md ${copilot}`));
  const dup = p.diagnostics.find((d) => d.code === 'duplicate-instruction')!;
  assert.equal(dup.range.start.line, 3);
  assert.match(String(dup.message), /also in \.github\/copilot-instructions\.md line 3/);
  const titles = await lensesWhere(uri, (t) => t.length >= 3);
  const at = text.indexOf('## Tests');
  assert.deepEqual(titles, [`0: AGENTS.md: ${mine} tokens · o200k_base · always loaded: ${mine + copilot} tokens in 2 files of 40 budget (${mine + copilot - 40} over)`, `0: # Project: ${o200k(text.slice(0, at))} tokens`, `5: ## Tests: ${o200k(text.slice(at))} tokens`]);
  const s = (await client.connection.sendRequest(TokenSummaryRequest.method, { uri })) as TokenSummary;
  assert.equal(s.text, `${mine} tokens · set ${mine + copilot}/40`);
  assert.match(s.tooltip, /\| \.github\/instructions\/ts\.instructions\.md \| instructions \(applyTo\) \| matching \| \d+ \|/);
});

test('an instructions file: the files its applyTo matches, and an edit of it reaches the set', async () => {
  const uri = fileUri(path.join(dir, '.github/instructions/ts.instructions.md'));
  await client.open(uri, FILES['.github/instructions/ts.instructions.md'], 'instructions');
  const titles = await lensesWhere(uri, (t) => t.some((x) => x.includes('matches')));
  const matches = titles.find((t) => t.startsWith('1: matches '));
  assert.match(matches ?? '', /^1: matches 3 files: /, titles.join('\n'));
  assert.deepEqual(matches!.replace(/^1: matches 3 files: /, '').split(', ').sort(), ['packages/web/src/c.ts', 'src/a.ts', 'src/b.ts']);
  // Made always loaded (applyTo "**"): it joins the set, and the open AGENTS.md is checked again.
  const agents = fileUri(path.join(dir, 'AGENTS.md'));
  await client.change(uri, '---\napplyTo: "**"\n---\nPrefer small functions.\n');
  const p = await client.diagnosticsWhere(agents, (x) => x.diagnostics.some((d) => d.code === 'agents-budget' && String(d.message).includes('ts.instructions.md')));
  const budget = p.diagnostics.find((d) => d.code === 'agents-budget')!;
  assert.match(String(budget.message), /\.github\/instructions\/ts\.instructions\.md \d+/);
  // Its page, shipped with the rules' pages.
  assert.match(budget.codeDescription?.href ?? '', /\/docs\/rules\/agents-budget\.md$/);
  assert.ok(existsSync(fileURLToPath(budget.codeDescription!.href)), budget.codeDescription!.href);
});

test('the outline, folding and colours of an instruction file stay its language\'s', async () => {
  const uri = fileUri(path.join(dir, 'AGENTS.md'));
  assert.deepEqual(await client.connection.sendRequest(DocumentSymbolRequest.type, { textDocument: { uri } }), []);
  assert.deepEqual(await client.connection.sendRequest(FoldingRangeRequest.type, { textDocument: { uri } }), []);
  assert.deepEqual(await client.connection.sendRequest(SemanticTokensRequest.type, { textDocument: { uri } }), { data: [] });
});
