// Quick fixes on names no file can have: found by `npm run fuzz` (seed 20261122, mutant 71120),
// where a lone surrogate in a partial's name made `encodeURIComponent` throw inside code actions.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { allCodeActions, diagnostics, parsePromptDocument, PartialIndex } from '../../server/src/service';

const options = { partials: new PartialIndex() };

test('a missing partial whose name holds a lone surrogate gets no "Create partial file" fix, and no exception', () => {
  const doc = parsePromptDocument('Hello {{> foot\ud800er}}\n', 'file:///w/p.prompt');
  const ds = diagnostics(doc, options);
  const missing = ds.filter((d) => d.code === 'missing-partial');
  assert.equal(missing.length, 1, JSON.stringify(ds.map((d) => d.code)));
  const actions = allCodeActions(doc, missing, options);
  assert.ok(!actions.some((a) => a.title.startsWith('Create partial file')), actions.map((a) => a.title).join(', '));
  // A well-formed name still gets it.
  const ok = parsePromptDocument('Hello {{> footer}}\n', 'file:///w/p.prompt');
  assert.ok(allCodeActions(ok, diagnostics(ok, options).filter((d) => d.code === 'missing-partial'), options).some((a) => a.title === 'Create partial file `_footer.prompt`'));
});
