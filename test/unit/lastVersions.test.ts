import assert from 'node:assert/strict';
import { test } from 'node:test';
import { LastVersions } from '../../server/src/service/lastVersions';

test('beyond the bound the least recently kept document goes; keeping one again makes it the most recent', () => {
  const kept = new LastVersions<number>(2);
  kept.keep('a', 1);
  kept.keep('b', 2);
  kept.keep('a', 3); // a is now the most recent
  kept.keep('c', 4); // b goes
  assert.equal(kept.get('a'), 3);
  assert.equal(kept.get('b'), undefined);
  assert.equal(kept.get('c'), 4);
});

test('forget drops one document, or every one', () => {
  const kept = new LastVersions<string>(4);
  kept.keep('a', 'x');
  kept.keep('b', 'y');
  kept.forget('a');
  assert.equal(kept.get('a'), undefined);
  assert.equal(kept.get('b'), 'y');
  kept.forget();
  assert.equal(kept.get('b'), undefined);
});
