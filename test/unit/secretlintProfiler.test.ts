// secretlint's profiler must not grow the process-wide performance timeline: the language server
// runs for hours and checks every new text of every prompt.
import assert from 'node:assert/strict';
import { performance } from 'node:perf_hooks';
import { test } from 'node:test';
import * as engine from '../../server/src/service';

// An OpenAI key shape secretlint's preset recognises (as in lintCli.test.ts); not a real key.
const KEY = `sk-proj-${'Ab1Cd2Ef3Gh4Ij5Kl6Mn7Op8Qr9St0Uv1Wx2Yz3Ab4Cd5Ef6Gh7Ij8Kl9Mn0Op1Qr2St3Uv4Wx5Yz6Zz'.slice(0, 74)}`;

test('checking many prompts for secrets leaves no performance marks behind', async () => {
  const config = engine.lint.resolveLintConfig(engine.lint.RULES, undefined, {});
  const options = { lint: { config, countTokens: false, docsBase: '' } };
  const before = performance.getEntriesByType('mark').length;
  for (let i = 0; i < 30; i++) {
    const doc = engine.parsePromptDocument(`---\nmodel: openai/gpt-4o\n---\nPrompt ${i}: summarise the text.\n\nUse ${KEY}T3BlbkFJ${KEY.slice(8)} for the call.\n`, `file:///p${i}.prompt`, 1);
    const found = await engine.asyncDiagnostics(doc, options);
    assert.ok(found.some((d) => d.code === 'secret-in-prompt'), 'the secret is still found');
  }
  await new Promise((r) => setTimeout(r, 20)); // let any performance observer run
  assert.equal(performance.getEntriesByType('mark').length, before);
});
