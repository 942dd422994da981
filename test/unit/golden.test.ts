// The golden and snapshot tests (grammar snapshots, quick-fix after files) compare with files they
// never write themselves: a missing file fails, naming the command that writes it.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { expectGolden, GOLDEN_COMMAND, SNAPSHOT_COMMAND } from '../support/golden';

const dir = mkdtempSync(path.join(tmpdir(), 'pw-golden-'));
const options = { update: false, command: 'UPDATE_GOLDEN=1 node --import tsx --test test/unit/x.test.ts', root: dir };

test('a missing golden file fails with the command that writes it, and is not written', () => {
  const file = path.join(dir, 'sub', 'case.after.prompt');
  assert.throws(() => expectGolden(file, 'text', options), (e: Error) => e.message.startsWith(`missing ${path.join('sub', 'case.after.prompt')}: write it with \`${options.command}\``));
  assert.equal(existsSync(file), false);
});

test('a different golden file fails with the command; an equal one passes (CRLF read as LF)', () => {
  const file = path.join(dir, 'equal.snap');
  writeFileSync(file, 'a\r\nb\n');
  expectGolden(file, 'a\nb\n', options);
  assert.throws(() => expectGolden(file, 'a\nc\n', { ...options, what: 'x tokenises differently from' }), (e: Error) => e.message.includes('x tokenises differently from equal.snap; if the change is intended, run `UPDATE_GOLDEN=1'));
});

test('with the update switch the file is written from the result', () => {
  const file = path.join(dir, 'new', 'written.snap');
  expectGolden(file, 'fresh\n', { ...options, update: true });
  assert.equal(readFileSync(file, 'utf8'), 'fresh\n');
});

test('the grammar snapshots and quick-fix golden files name a command that runs their test file', () => {
  assert.equal(SNAPSHOT_COMMAND, 'UPDATE_SNAPSHOTS=1 node --import tsx --test test/unit/grammar.test.ts');
  assert.equal(GOLDEN_COMMAND, 'UPDATE_GOLDEN=1 node --import tsx --test test/unit/quickfix.test.ts');
  for (const f of ['grammar.test.ts', 'quickfix.test.ts']) {
    const source = readFileSync(path.join(__dirname, f), 'utf8');
    assert.ok(source.includes('expectGolden('), `${f} compares through expectGolden`);
    assert.ok(source.includes(f === 'grammar.test.ts' ? 'SNAPSHOT_COMMAND' : 'GOLDEN_COMMAND'), `${f} names its command`);
    assert.ok(!/writeFileSync\(/.test(source), `${f} writes no file itself`);
  }
});
