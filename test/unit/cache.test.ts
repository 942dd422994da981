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
