// "Did you mean …?": the closest known name to a misspelt one.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseDocument } from '../../server/src/service';
import { closest } from '../../server/src/service/suggest';

test('two neighbouring letters the wrong way round count as one slip', () => {
  const keys = ['model', 'name', 'messages', 'modelParameters', 'description'];
  assert.equal(closest('modle', keys), 'model');
  assert.equal(closest('mdoel', keys), 'model');
  assert.equal(closest('Modle', keys), 'model');
  assert.equal(closest('nmae', keys), 'name');
  assert.equal(closest('descriptoin', keys), 'description');
  // Two letters apart, or two swaps, is not one slip: too far for a five-letter word.
  assert.equal(closest('mlode', keys), undefined);
  assert.equal(closest('omdle', keys), undefined);
  // Unchanged: one edit, and words nothing is close to.
  assert.equal(closest('mode', keys), 'model');
  assert.equal(closest('xyz', keys), undefined);
  assert.equal(closest('model', keys), undefined);
});

test('a GitHub Models prompt file with `modle:` is asked whether it means `model`, on the key', () => {
  const text = 'name: Summary\nmodle: openai/gpt-4o-mini\nmessages:\n  - role: user\n    content: Summarise {{text}}\n';
  const doc = parseDocument(text, 'file:///w/summary.prompt.yml', 1);
  const d = doc.diagnostics.find((x) => /Did you mean `model`\?/.test(x.message));
  assert.ok(d, JSON.stringify(doc.diagnostics.map((x) => x.message)));
  assert.equal(text.slice(d.span.start, d.span.end), 'modle');
});
