import assert from 'node:assert/strict';
import { test } from 'node:test';
import { PromptDocumentCache } from '../../server/src/service';

test('one parse per document version, shared by every caller', () => {
  const cache = new PromptDocumentCache();
  let text = '---\nmodel: a/b\n---\nHi';
  let version = 1;
  const doc = { uri: 'file:///a.prompt', get version() { return version; }, getText: () => text };
  const first = cache.get(doc);
  assert.equal(cache.get(doc), first);
  assert.equal(cache.get(doc), first);
  assert.equal(cache.parses, 1);
  text += '!';
  version = 2;
  const second = cache.get(doc);
  assert.notEqual(second, first);
  assert.equal(second.text.endsWith('!'), true);
  assert.equal(cache.parses, 2);
  cache.delete(doc.uri);
  cache.get(doc);
  assert.equal(cache.parses, 3);
});

test('parse options come per document', () => {
  const cache = new PromptDocumentCache((uri) => ({ maxTemplateSize: uri.endsWith('small.prompt') ? 5 : undefined }));
  const text = 'a long enough body';
  assert.equal(cache.get({ uri: 'file:///small.prompt', version: 1, getText: () => text }).notice, 'too-large');
  assert.equal(cache.get({ uri: 'file:///big.prompt', version: 1, getText: () => text }).notice, undefined);
});

test('an edit in the body reuses the frontmatter parse; an edit in the frontmatter does not', () => {
  const cache = new PromptDocumentCache();
  const fm = '---\nmodel: openai/gpt-4o\nconfig:\n  temperature: hot\ninput:\n  schema:\n    a: string\n---\n';
  const v1 = cache.get({ uri: 'u', version: 1, getText: () => fm + 'Hi {{a}}' });
  const v2 = cache.get({ uri: 'u', version: 2, getText: () => fm + 'Hi {{a}}!' });
  assert.equal(v2.frontmatter, v1.frontmatter, 'same YAML document object');
  assert.equal(v2.input, v1.input);
  assert.deepEqual(v2.diagnostics.map((d) => d.code), ['frontmatter-schema']);
  const v3 = cache.get({ uri: 'u', version: 3, getText: () => fm.replace('hot', '0.5') + 'Hi {{a}}!' });
  assert.notEqual(v3.frontmatter, v2.frontmatter);
  assert.deepEqual(v3.diagnostics, []);
});
