// The list of run records the editor offers ("Open Test Run Record…", "Replay Case from Run
// Record…", "Compare Test Run Records"), without VS Code: records written by the real writer, read
// back by their first line, newest first, each saying when it ran, what it counted and where from.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { nodeFileStore } from '../../server/src/node/host';
import { writeRunRecord, type RunSummary } from '../../server/src/service/testing';
import { firstLineOf, recordItem, recordItems, startOfName } from '../../client/src/testing/recordList';

function summary(startedAt: string, counts: Partial<RunSummary['counts']>, durationMs: number): RunSummary {
  return { results: [], startedAt, finishedAt: startedAt, durationMs, cancelled: false, counts: { passed: 0, failed: 0, error: 0, skipped: 0, ...counts } };
}

test('records written by the writer are listed newest first, each with its counts, duration, provider and origin', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'pw-records-'));
  try {
    const store = nodeFileStore(dir);
    const older = await writeRunRecord(store, summary('2026-11-02T08:15:00.000Z', { passed: 3, failed: 1 }, 2400), { tool: 'prompt-workbench', toolVersion: '0.1.0', provider: 'openai', origin: 'cli' }, () => undefined);
    const newer = await writeRunRecord(store, summary('2026-12-05T17:40:30.000Z', { passed: 2 }, 350), { tool: 'prompt-workbench', toolVersion: '0.1.0', origin: 'editor' }, () => undefined);
    assert.ok(older && newer);
    const files = [older, newer].map((name) => ({ name, relative: `.prompt-workbench/runs/${name}`, firstLine: firstLineOf(readFileSync(path.join(dir, name), 'utf8')) }));
    const items = recordItems(files);
    assert.deepEqual(items.map((i) => i.file.name), [newer, older]);
    assert.deepEqual(items.map((i) => i.label), ['2026-12-05 17:40', '2026-11-02 08:15']);
    assert.equal(items[0].detail, '2 passed · 350 ms · from the editor');
    assert.equal(items[1].detail, '3 passed, 1 failed · 2.4 s · openai · from the CLI');
    assert.equal(items[1].description, `.prompt-workbench/runs/${older}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a replay says what it replays; a run without cases says so', () => {
  const header = { type: 'run', version: 2, startedAt: '2026-12-06T09:00:00.000Z', durationMs: 1200, origin: 'editor', counts: { passed: 0, failed: 1, error: 0, skipped: 0 }, replayOf: { record: 'run-2026-12-05T17-40-30-000Z-ab12.jsonl' } };
  assert.equal(recordItem({ name: 'x.jsonl', relative: 'x.jsonl', firstLine: JSON.stringify(header) }).detail, '1 failed · 1.2 s · from the editor · replay of run-2026-12-05T17-40-30-000Z-ab12.jsonl');
  const empty = { ...header, counts: { passed: 0, failed: 0, error: 0, skipped: 0 }, replayOf: undefined };
  assert.equal(recordItem({ name: 'x.jsonl', relative: 'x.jsonl', firstLine: JSON.stringify(empty) }).detail, 'no case · 1.2 s · from the editor');
});

test('a file that is not a record, or was not read, is still listed, by the time in its name, and says why', () => {
  const name = 'run-2026-10-01T07-05-09-123Z-zz.jsonl';
  assert.equal(startOfName(name), '2026-10-01T07:05:09.123Z');
  assert.equal(startOfName('notes.jsonl'), undefined);
  const broken = recordItem({ name, relative: name, firstLine: '{"type":"case"}' });
  assert.equal(broken.label, '2026-10-01 07:05');
  assert.match(broken.detail, /no run header/);
  const unread = recordItem({ name: 'notes.jsonl', relative: 'notes.jsonl' });
  assert.equal(unread.label, 'notes.jsonl');
  assert.equal(unread.detail, 'not read');
  assert.equal(recordItem({ name: 'bad.jsonl', relative: 'bad.jsonl', firstLine: 'not json' }).label, 'bad.jsonl');
  // Newest first; files whose start is unknown go last, by name.
  const list = [{ name: 'notes.jsonl', relative: 'notes.jsonl' }, { name: 'a.jsonl', relative: 'a.jsonl' }, { name, relative: name, firstLine: '' }, { name: 'later.jsonl', relative: 'later.jsonl', firstLine: JSON.stringify({ type: 'run', startedAt: '2026-10-02T00:00:00.000Z', counts: {} }) }];
  assert.deepEqual(recordItems(list).map((i) => i.file.name), ['later.jsonl', name, 'a.jsonl', 'notes.jsonl']);
});

test('the first line of a record is read without its line break (LF or CRLF), whatever follows', () => {
  assert.equal(firstLineOf('{"a":1}\r\n{"b":2}\n'), '{"a":1}');
  assert.equal(firstLineOf('{"a":1}'), '{"a":1}');
  const dir = mkdtempSync(path.join(tmpdir(), 'pw-records-'));
  try {
    writeFileSync(path.join(dir, 'r.jsonl'), `${JSON.stringify({ type: 'run', startedAt: '2026-01-01T00:00:00.000Z', counts: { passed: 1 } })}\n${'x'.repeat(100_000)}\n`);
    assert.equal(recordItem({ name: 'r.jsonl', relative: 'r.jsonl', firstLine: firstLineOf(readFileSync(path.join(dir, 'r.jsonl'), 'utf8')) }).detail, '1 passed');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
