// The diagnostics pipeline in slices (DiagnosticOptions.yield), as the server runs it: the same
// findings as a run straight through, a pause between steps, and a cancelled run that stops at its
// next pause without leaving the incremental lint state behind it inconsistent.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CancelledError, completePromptDiagnostics, lint, PromptDocumentCache, type DiagnosticOptions, type PromptDiagnostic } from '../../server/src/service';
import { templateBlocks } from '../../server/src/service/lint/blocks';
import { bigPrompt } from '../support/bigPrompt';

const TEXT = bigPrompt(120_000, 2);
const config = lint.resolveLintConfig(lint.RULES);
const base: DiagnosticOptions = { lint: { config, countTokens: false } };
const key = (ds: PromptDiagnostic[]) => ds.map((d) => `${d.span.start}-${d.span.end} ${d.code} ${d.severity} ${d.message}`);

/** A cancellation token that trips after `n` pauses. */
function cancelAfter(n: number) {
  let pauses = 0;
  const token = { isCancellationRequested: false };
  return {
    token,
    get pauses() {
      return pauses;
    },
    yieldNow: async () => {
      if (++pauses >= n) token.isCancellationRequested = true;
    },
  };
}

test('a sliced run finds what a run straight through finds, pausing between steps', async () => {
  const cache = new PromptDocumentCache();
  const straight = await completePromptDiagnostics(cache.get({ uri: 'file:///w/straight.prompt', version: 1, getText: () => TEXT }), base);
  assert.ok(straight.length > 20, `the prompt gives the rules work (${straight.length} findings)`);
  assert.ok(new Set(straight.map((d) => d.code)).size >= 5, 'of several kinds');

  let pauses = 0;
  const slices: number[] = [];
  const doc = cache.get({ uri: 'file:///w/sliced.prompt', version: 1, getText: () => TEXT });
  const sliced = await completePromptDiagnostics(doc, { ...base, yield: { yieldNow: async () => void pauses++, sliceMs: 0, onSlice: (ms) => slices.push(ms) } });
  assert.deepEqual(key(sliced), key(straight));
  // sliceMs 0: a pause at every step (the model, the analysis, the checks, the prose model, each
  // rule and each block a block-local rule checks, each block secretlint checks).
  const blocks = templateBlocks(doc).length;
  assert.ok(blocks > 50, `${blocks} blocks`);
  // Two block-local rules check every block of a document seen for the first time.
  assert.ok(pauses > 2 * blocks + lint.RULES.length, `${pauses} pauses for ${blocks} blocks: also within the rules`);
  assert.equal(slices.length, pauses + 1, 'every slice is reported, the last one too');

  // A slice longer than the whole run: no pause at all.
  let none = 0;
  const whole = await completePromptDiagnostics(cache.get({ uri: 'file:///w/whole.prompt', version: 1, getText: () => TEXT }), { ...base, yield: { yieldNow: async () => void none++, sliceMs: 1e9 } });
  assert.equal(none, 0);
  assert.deepEqual(key(whole), key(straight));
});

test('a cancelled run stops at its next pause, and the next version lints as if from scratch', async () => {
  const cache = new PromptDocumentCache();
  const lines = TEXT.split('\n');
  let version = 0;
  // Cut at the first pause, early in the rules, in the middle of them, and late (in secretlint).
  const steps: string[] = [];
  await completePromptDiagnostics(cache.get({ uri: 'file:///w/count.prompt', version: 1, getText: () => TEXT }), { ...base, yield: { yieldNow: async () => undefined, sliceMs: 0, onSlice: (_, step) => steps.push(step) } });
  const total = steps.length - 1; // the last slice ends the run, not at a pause
  const cuts = [1, 5, Math.floor(total / 3), Math.floor((2 * total) / 3), Math.floor(total * 0.95)];
  // The pause after step `at` is the `at`-th: the cuts fall after the model, inside the block-local
  // rules and inside secretlint (the asynchronous rule).
  const where = cuts.map((at) => steps[at - 1]);
  assert.equal(where[0], 'model');
  assert.ok(where.some((step) => lint.ruleById(step)?.blocks), `a cut inside a block-local rule: ${where.join(', ')}`);
  assert.equal(where[where.length - 1], 'secret-in-prompt');
  for (const at of cuts) {
    // A document seen for the first time, so that the run has about `total` pauses to cut.
    const uri = `file:///w/cancelled-${at}.prompt`;
    // An edit in the middle of the text, then a run cancelled after `at` pauses.
    const edited = [...lines];
    edited.splice(Math.floor(lines.length / 2) + at, 0, `Send the summary to someone${at}@acme-corp.com before noon.`);
    const text = edited.join('\n');
    const c = cancelAfter(at);
    const errors: string[] = [];
    const doc = cache.get({ uri, version: ++version, getText: () => text });
    await assert.rejects(
      completePromptDiagnostics(doc, { ...base, onLintError: (rule) => errors.push(rule), yield: { yieldNow: c.yieldNow, sliceMs: 0, token: c.token } }),
      CancelledError,
      `cancelled after ${at} of ${total} pauses`,
    );
    assert.equal(c.pauses, at, 'the run stopped at the pause where the token tripped');
    assert.deepEqual(errors, [], 'a cancellation is not a rule error');

    // The next version (the same text again, one more line) runs to the end: its findings are a fresh lint's.
    const next = `${text}\nKeep it short.\n`;
    const complete = await completePromptDiagnostics(cache.get({ uri, version: ++version, getText: () => next }), { ...base, yield: { yieldNow: async () => undefined, sliceMs: 0 } });
    const fresh = await completePromptDiagnostics(new PromptDocumentCache().get({ uri: 'file:///w/fresh.prompt', version: 1, getText: () => next }), { lint: { config, countTokens: false, fresh: true } });
    assert.deepEqual(key(complete), key(fresh), `after a run cancelled at pause ${at}`);
    const address = next.indexOf(`someone${at}@`);
    assert.ok(
      complete.some((d) => d.code === 'pii-in-prompt' && d.span.start === address),
      'the added address is found where it is',
    );
  }
});
