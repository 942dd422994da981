// The parse in slices (`PromptDocumentCache.getSteps`, driven by a `Slicer`, as the server's
// validation runs it): the same document as a parse straight through, pauses inside the parse of a
// large document (counted with a fake `yieldNow`, no clock), one parse per version shared with the
// requests answered between two slices, and a cancelled parse that stops at its next pause.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CancelledError, completePromptDiagnostics, lint, parseDocument, PromptDocumentCache, Slicer, type PromptDocument } from '../../server/src/service';
import { runSteps } from '../../server/src/service/slice';
import { LineIndex } from '../../server/src/service/text';
import { bigPrompt } from '../support/bigPrompt';

/** A large prompt with template problems spread through it, so that the parse's diagnostics are compared too. */
const TEXT = (() => {
  const lines = bigPrompt(200_000, 3).split('\n');
  const problems = ['{% if urgent %}Escalate.{% endif %}', 'Stray close here }} in the text.', '{{else}}', '{{/each}}', '{{#if (eq tier "gold"}}VIP{{/if}}'];
  for (let i = 0; i < problems.length; i++) lines.splice(Math.floor(((i + 1) * lines.length) / (problems.length + 1)), 0, problems[i]);
  return lines.join('\n');
})();
const OPTIONS = { maxTemplateSize: 1_000_000 };

/** What a parse found, for comparison: the lines, the diagnostics, every tag, block and message. */
function shape(doc: PromptDocument) {
  const blocks = (bs: PromptDocument['template']['blocks']): unknown[] => bs.map((b) => ({ name: b.name, span: b.span, open: b.open.span, close: b.close?.span, elses: b.elses.map((e) => e.span), children: blocks(b.children) }));
  return {
    lines: Array.from({ length: doc.lines.lineCount }, (_, i) => doc.lines.lineStart(i)),
    diagnostics: doc.diagnostics,
    tags: doc.template.tags,
    blocks: blocks(doc.template.blocks),
    messages: doc.template.messages.map((m) => ({ role: m.role, span: m.span, kind: m.kind, marker: m.marker?.span })),
    input: doc.input.fields.map((f) => f.name),
  };
}

/** Runs a sliced parse with a pause at every pause point (`sliceMs: 0`), counting the pauses by step. */
async function slicedParse(cache: PromptDocumentCache, uri: string, version: number, text: string, onPause?: (n: number) => void, token?: { isCancellationRequested: boolean }) {
  const steps: string[] = [];
  let pauses = 0;
  const slicer = new Slicer({ sliceMs: 0, token, yieldNow: async () => {
      pauses++;
      onPause?.(pauses);
    }, onSlice: (_, step) => steps.push(step) });
  const doc = await slicer.run(cache.getSteps({ uri, version, getText: () => text }, OPTIONS));
  return { doc, steps, pauses };
}

test('a sliced parse gives the document a parse straight through gives, and pauses inside it', async () => {
  const straight = parseDocument(TEXT, 'file:///w/straight.prompt', 1, OPTIONS);
  assert.ok(straight.template.tags.length > 1000, `${straight.template.tags.length} tags`);
  assert.ok(straight.diagnostics.length > 0, 'the parse reports something to compare');
  const cache = new PromptDocumentCache();
  const { doc, steps, pauses } = await slicedParse(cache, 'file:///w/straight.prompt', 1, TEXT);
  assert.deepEqual(shape(doc), shape(straight));
  assert.equal(cache.parses, 1);
  assert.equal(steps.length, pauses);
  // Inside the line index (every 64K characters), the tag scan and the tags' parse (every 256 tags),
  // the block structure and the text checks: not one step for the whole parse.
  const count = (step: string) => steps.filter((s) => s === step).length;
  assert.ok(count('parse: line index') >= Math.floor(TEXT.length / 65536), `line index: ${count('parse: line index')}`);
  assert.ok(count('parse: tags') >= 2 * Math.floor(straight.template.tags.length / 256), `tags: ${count('parse: tags')} for ${straight.template.tags.length} tags`);
  assert.ok(count('parse: blocks') >= Math.floor(straight.template.tags.length / 256), `blocks: ${count('parse: blocks')}`);
  assert.ok(count('parse: text') >= 2, `text: ${count('parse: text')}`);
  // Asked again for the same version: the stored document, no pause.
  const again = await slicedParse(cache, 'file:///w/straight.prompt', 1, TEXT);
  assert.equal(again.doc, doc);
  assert.equal(again.pauses, 0);
  assert.equal(cache.parses, 1);
});

test('after an edit, a sliced parse reuses the previous version as a parse straight through does', async () => {
  const at = TEXT.indexOf('\n', TEXT.length >> 1) + 1;
  const edited = TEXT.slice(0, at) + 'Reply to {{question}} in one {{#if short}}line{{/if}}.\n' + TEXT.slice(at);
  const syncCache = new PromptDocumentCache();
  syncCache.get({ uri: 'file:///w/e.prompt', version: 1, getText: () => TEXT }, OPTIONS);
  const straight = syncCache.get({ uri: 'file:///w/e.prompt', version: 2, getText: () => edited }, OPTIONS);
  const cache = new PromptDocumentCache();
  const first = await slicedParse(cache, 'file:///w/e.prompt', 1, TEXT);
  const second = await slicedParse(cache, 'file:///w/e.prompt', 2, edited);
  assert.deepEqual(shape(second.doc), shape(straight));
  assert.deepEqual(shape(second.doc), shape(parseDocument(edited, 'file:///w/e.prompt', 2, OPTIONS)));
  // The tags before the edit are the previous version's objects, as in the parse straight through.
  assert.equal(second.doc.template.tags[0], first.doc.template.tags[0]);
  assert.ok(second.pauses > 0, 'the parse after an edit pauses too (tags reused, the block structure, the text checks)');
});

test('a request between two slices finishes the same parse: one parse per version', async () => {
  const cache = new PromptDocumentCache();
  const uri = 'file:///w/shared.prompt';
  let fromRequest: PromptDocument | undefined;
  const run = slicedParse(cache, uri, 1, TEXT, (n) => {
    // A hover answered between two slices, in the middle of the parse.
    if (n === 5) fromRequest = cache.get({ uri, version: 1, getText: () => TEXT }, OPTIONS);
  });
  const { doc, pauses } = await run;
  assert.ok(fromRequest, 'the request ran between two slices');
  assert.equal(doc, fromRequest, 'the sliced run returns the document the request finished');
  assert.equal(cache.parses, 1);
  assert.equal(pauses, 5, 'the run stops pausing once the parse is done');
});

test('a cancelled parse stops at its next pause and stores nothing; the next version parses as from scratch', async () => {
  const cache = new PromptDocumentCache();
  const uri = 'file:///w/cancelled.prompt';
  const token = { isCancellationRequested: false };
  let pausesSeen = 0;
  await assert.rejects(
    slicedParse(cache, uri, 1, TEXT, (n) => {
      pausesSeen = n;
      if (n === 3) token.isCancellationRequested = true;
    }, token),
    CancelledError,
  );
  assert.equal(pausesSeen, 3, 'no pause after the cancelled one');
  assert.equal(cache.parses, 0, 'the cancelled parse never finished');
  const edited = TEXT.replace('{{question}}', '{{questions}}');
  const next = cache.get({ uri, version: 2, getText: () => edited }, OPTIONS);
  assert.equal(cache.parses, 1);
  assert.deepEqual(shape(next), shape(parseDocument(edited, uri, 2, OPTIONS)));
});

test('the line index as steps: the same line starts, fresh and after an edit', () => {
  const text = 'a\r\nb\rc\n'.repeat(40_000);
  const steps = LineIndex.steps(text);
  let pauses = 0;
  let r = steps.next();
  while (!r.done) {
    pauses++;
    r = steps.next();
  }
  const fresh = new LineIndex(text);
  assert.equal(r.value.lineCount, fresh.lineCount);
  assert.equal(r.value.lineCount, 120_001);
  assert.equal(pauses, Math.floor(text.length / 65536));
  for (const line of [0, 1, 2, 65535, 100_000, 120_000]) assert.equal(r.value.lineStart(line), fresh.lineStart(line));
  const edited = text.slice(0, 150_000) + '\n\r\n' + text.slice(150_000);
  const incremental = runSteps(LineIndex.steps(edited, fresh));
  const scratch = new LineIndex(edited);
  assert.equal(incremental.lineCount, scratch.lineCount);
  for (let line = 0; line < scratch.lineCount; line += 997) assert.equal(incremental.lineStart(line), scratch.lineStart(line), `line ${line}`);
});

test('a sliced analysis pauses inside the scope walk, the prose model, the token count and the whole-document rules, and finds what a run straight through finds', async () => {
  const config = lint.resolveLintConfig(lint.RULES);
  const options = { lint: { config, countTokens: true } };
  const cache = new PromptDocumentCache();
  const straight = await completePromptDiagnostics(cache.get({ uri: 'file:///w/a-straight.prompt', version: 1, getText: () => TEXT }, OPTIONS), options);
  const steps: string[] = [];
  // A document seen for the first time: nothing remembered (the token count's chunks are, by text:
  // another text, so that they are counted again).
  const text = TEXT.replace(/e/g, 'é');
  const sliced = await completePromptDiagnostics(cache.get({ uri: 'file:///w/a-sliced.prompt', version: 1, getText: () => text }, OPTIONS), { ...options, yield: { yieldNow: async () => undefined, sliceMs: 0, onSlice: (_, step) => steps.push(step) } });
  const expected = await completePromptDiagnostics(new PromptDocumentCache().get({ uri: 'file:///w/a-expected.prompt', version: 1, getText: () => text }, OPTIONS), { lint: { config, countTokens: true, fresh: true } });
  assert.ok(straight.some((d) => d.code === 'duplicate-instruction') && straight.some((d) => d.code === 'whitespace'), 'the rules have work');
  assert.deepEqual(sliced.map((d) => `${d.span.start}-${d.span.end} ${d.code} ${d.message}`), expected.map((d) => `${d.span.start}-${d.span.end} ${d.code} ${d.message}`));
  const count = (step: string) => steps.filter((s) => s === step).length;
  // A rule's name also ends its last step: more pauses than that one show the work is cut inside.
  const least: Record<string, number> = { 'analysis: walk': 3, 'prose: mask': 2, 'prose: sentences': 3, tokens: 3, whitespace: 3, 'untrusted-input-undelimited': 2, 'duplicate-instruction': 3, 'conflicting-instructions': 3 };
  for (const [step, n] of Object.entries(least)) assert.ok(count(step) >= n, `${step}: ${count(step)} pauses`);
});
