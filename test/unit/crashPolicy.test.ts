// The client's crash policy (client/src/crashPolicy.ts): which document a crash is blamed on, when
// it is held back, and when the server is restarted.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CrashPolicy, holdBackMessage } from '../../client/src/crashPolicy';

const A = 'file:///w/a.prompt';
const B = 'file:///w/b.prompt';
const C = 'file:///w/c.prompt';

test('a file that crashes the server while it is checked, twice, is held back; the restart goes on without it', () => {
  const p = new CrashPolicy();
  p.sent(B);
  p.diagnosed(B);
  p.sent(A); // the user edits the bad file
  assert.deepEqual(p.crashed(), { restart: true });
  assert.equal(p.isHeld(A), false);
  // The restart reopens every document; B is checked, A crashes the server again.
  p.sent(B);
  p.sent(A);
  p.diagnosed(B);
  assert.deepEqual(p.crashed(), { restart: true, holdBack: A });
  assert.ok(p.isHeld(A));
  assert.equal(p.isHeld(B), false);
  assert.deepEqual(p.heldBack, [A]);
});

test('several documents in flight: the one sent first is blamed (the server checks in arrival order)', () => {
  const p = new CrashPolicy();
  for (const d of [A, B, C]) p.sent(d);
  assert.deepEqual(p.crashed(), { restart: true });
  for (const d of [A, B, C]) p.sent(d);
  assert.deepEqual(p.crashed(), { restart: true, holdBack: A });
  // The others start afresh: one more crash with B in flight does not hold it back yet.
  p.sent(B);
  assert.deepEqual(p.crashed(), { restart: true });
});

test('a document whose diagnostics came back between two crashes is not blamed for the second', () => {
  const p = new CrashPolicy();
  p.sent(A);
  p.crashed();
  p.sent(A);
  p.diagnosed(A);
  p.sent(B);
  assert.deepEqual(p.crashed(), { restart: true });
  assert.equal(p.isHeld(A), false);
  assert.equal(p.suspect(), undefined);
});

test('with nothing in flight the last document sent is blamed; a closed one is not', () => {
  const p = new CrashPolicy();
  p.sent(A);
  p.diagnosed(A);
  assert.equal(p.suspect(), A);
  p.crashed();
  p.sent(A);
  p.diagnosed(A);
  // The count went with its diagnostics: this is its first crash again.
  assert.deepEqual(p.crashed(), { restart: true });
  p.sent(C);
  p.diagnosed(C);
  p.closed(C);
  assert.equal(p.suspect(), undefined);
});

test('checking it again: a released document gets a fresh count and is held back again after two more crashes', () => {
  const p = new CrashPolicy();
  p.sent(A);
  p.crashed();
  p.sent(A);
  assert.equal(p.crashed().holdBack, A);
  p.release(A);
  assert.equal(p.isHeld(A), false);
  p.sent(A);
  assert.deepEqual(p.crashed(), { restart: true });
  p.sent(A);
  assert.deepEqual(p.crashed(), { restart: true, holdBack: A });
});

test('restarts: crashes no document explains stop the server after the fifth in 3 minutes; hold-backs do not count', () => {
  let now = 0;
  const p = new CrashPolicy({ now: () => now });
  for (let i = 0; i < 4; i++) {
    now += 10_000;
    assert.deepEqual(p.crashed(), { restart: true }, `crash ${i + 1}`);
  }
  now += 10_000;
  const fifth = p.crashed();
  assert.equal(fifth.restart, false);
  assert.match(fifth.message!, /stopped 5 times in the last 3 minutes/);
  // Later, outside the window, a crash is restarted again.
  now += 4 * 60_000;
  assert.equal(p.crashed().restart, true);

  // Three bad files, each crashing the server twice: six crashes, three held back, never stopped.
  const q = new CrashPolicy({ now: () => now });
  for (const d of [A, B, C]) {
    q.sent(d);
    assert.equal(q.crashed().restart, true);
    q.sent(d);
    assert.deepEqual(q.crashed(), { restart: true, holdBack: d });
  }
  assert.deepEqual(q.heldBack, [A, B, C]);
  // A manual restart forgets earlier crashes.
  for (let i = 0; i < 4; i++) q.crashed();
  q.restarted();
  assert.equal(q.crashed().restart, true);
});

test('the notification names the file', () => {
  assert.equal(holdBackMessage('prompts/bad.prompt'), "Prompt Workbench's language server stopped twice while checking prompts/bad.prompt; its checks are paused so the other files keep working.");
});
