// Prompt history through the bundled server over LSP stdio: the change summaries the history view
// asks for (ChangeSummaryRequest), and an old version opened as a `prompt-history:` document,
// checked like any prompt.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { ChangeSummaryRequest, type ChangeSummary } from '../../server/src/protocol';
import { describeChange } from '../../server/src/service/history';
import { TestLanguageClient } from '../support/lspClient';
import { BODIES, VERSIONS } from '../support/historyFixtures';

const o200k: (text: string) => number = require('gpt-tokenizer/encoding/o200k_base').countTokens;
let client: TestLanguageClient;

before(async () => {
  client = await TestLanguageClient.start();
});

after(async () => {
  await client.stop();
});

test('ChangeSummaryRequest summarises each pair; an absent side means added or deleted', async () => {
  const pairs = [{ before: VERSIONS.v3, after: VERSIONS.v4 }, { after: VERSIONS.v1 }, { before: VERSIONS.v1, after: null }, { before: VERSIONS.v1, after: VERSIONS.v2 }];
  const answer = (await client.connection.sendRequest(ChangeSummaryRequest.method, { pairs, uri: 'file:///w/prompts/summarize.prompt' })) as (ChangeSummary | null)[];
  assert.equal(answer.length, 4);
  const [change, added, deleted, params] = answer.map((a) => a!);
  assert.deepEqual(change.model, { from: 'openai/gpt-4o', to: 'openai/gpt-4o-mini' });
  assert.equal(change.tokenDelta, o200k(BODIES.SHORT_BODY) - o200k(BODIES.LONG_BODY));
  assert.equal(describeChange(change), `model gpt-4o → gpt-4o-mini, +1 variable, ${change.tokenDelta} tokens`);
  assert.equal(added.kind, 'added');
  assert.equal(deleted.kind, 'deleted');
  assert.deepEqual(params.parameters, [{ key: 'temperature', path: 'config.temperature', from: '0.2', to: '0.7' }]);
  // Nothing to summarise is an empty answer, not an error.
  assert.deepEqual(await client.connection.sendRequest(ChangeSummaryRequest.method, { pairs: [] }), []);
});

test('an old version opened as a prompt-history: document gets diagnostics like any prompt', async () => {
  const query = encodeURIComponent(JSON.stringify({ root: '/w', rev: 'a'.repeat(40), path: 'prompts/summarize.prompt' }));
  const uri = `prompt-history:/w/prompts/summarize.prompt?${query}`;
  const published = await client.open(uri, VERSIONS.v1.replace('temperature: 0.2', 'temperature: hot'));
  assert.equal(published.uri, uri);
  const temperature = published.diagnostics.find((d) => d.range.start.line === 5);
  assert.ok(temperature, JSON.stringify(published.diagnostics));
  assert.equal(temperature.severity, 1);
});
