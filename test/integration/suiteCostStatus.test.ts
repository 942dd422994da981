// The status bar's fixture-case counts over real LSP stdio: a fixture file on disk (not open) is
// found through the workspace folder, an open fixture document's live text wins over the disk,
// and a prompt without fixtures has none.
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { after, before, test } from 'node:test';
import { TokenSummaryRequest, type TokenSummary } from '../../server/src/protocol';
import { parsePromptDocument, renderPrompt } from '../../server/src/service';
import { fileUri, TestLanguageClient } from '../support/lspClient';

const gpt4oChat: (chat: { role: string; content: string }[]) => number = require('gpt-tokenizer/model/gpt-4o').countTokens;

const PROMPT = `---
model: openai/gpt-4o-mini
input:
  schema:
    text: string
---
Summarise: {{text}}
`;
const FIXTURE = `cases:
  - name: short
    vars: { text: "one two" }
  - name: longer
    vars: { text: "one two three four five six seven eight nine ten" }
`;

let dir: string;
let client: TestLanguageClient;
const summary = (uri: string) => client.connection.sendRequest(TokenSummaryRequest.method, { uri }) as Promise<TokenSummary | null>;
// The reference: the prompt rendered in-process by the same renderer, counted by gpt-tokenizer.
const counts = new Map<string, number>();
const count = (text: string) => counts.get(text)!;
async function reference(text: string): Promise<void> {
  const r = await renderPrompt(parsePromptDocument(PROMPT, 'file:///x/a.prompt'), { text });
  counts.set(text, gpt4oChat(r.messages!.map((m) => ({ role: m.role, content: m.text }))));
}

before(async () => {
  for (const t of ['one two', 'just one', 'one two three four five six seven eight nine ten']) await reference(t);
  dir = mkdtempSync(path.join(tmpdir(), 'pw-suitecost-'));
  writeFileSync(path.join(dir, 'a.prompt'), PROMPT);
  writeFileSync(path.join(dir, 'a.tests.yaml'), FIXTURE);
  writeFileSync(path.join(dir, 'b.prompt'), PROMPT);
  client = await TestLanguageClient.startWithRoot(dir);
});

after(async () => {
  await client.stop();
});

test('the tooltip shows the rendered count for the fixture cases on disk: min–max and the first case', async () => {
  const uri = fileUri(path.join(dir, 'a.prompt'));
  await client.open(uri, PROMPT);
  const s = (await summary(uri))!;
  assert.ok(s.fixtureCases, 'fixture cases found on disk');
  assert.equal(s.fixtureCases.cases, 2);
  assert.equal(s.fixtureCases.first?.name, 'short');
  assert.equal(s.fixtureCases.min, count('one two'));
  assert.equal(s.fixtureCases.max, count('one two three four five six seven eight nine ten'));
  assert.match(s.tooltip, new RegExp(`\\| Rendered \\(fixture cases: min–max over 2\\) \\| ${s.fixtureCases.min}–${s.fixtureCases.max} \\|`));
  assert.match(s.tooltip, new RegExp(`\\| Rendered \\(first case: short\\) \\| ${count('one two')} \\|`));
  // The template count is still there: the tooltip shows both.
  assert.match(s.tooltip, /\| Template \(as written\) \| \d+ \|/);

  // An open fixture document's text wins over the disk.
  const fixtureUri = fileUri(path.join(dir, 'a.tests.yaml'));
  await client.open(fixtureUri, FIXTURE.replace('"one two"', '"just one"'), 'yaml');
  const s2 = (await summary(uri))!;
  assert.equal(s2.fixtureCases?.first?.tokens, count('just one'));
});

test('a prompt without fixture files has no fixture-case row', async () => {
  const uri = fileUri(path.join(dir, 'b.prompt'));
  await client.open(uri, PROMPT);
  const s = (await summary(uri))!;
  assert.equal(s.fixtureCases, undefined);
  assert.doesNotMatch(s.tooltip, /fixture cases/);
});
