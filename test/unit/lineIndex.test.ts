// The line index of a new version built from the previous one (reusing its line starts where the
// texts agree) equals the index built from scratch, edit after edit: inserted and deleted line
// breaks of every kind (LF, CRLF, a lone CR), a CR and an LF joined or split by an edit, edits at
// the start and the end.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { LineIndex } from '../../server/src/service/text';

function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const PIECES = ['\n', '\r\n', '\r', 'x', 'line of text ', '\n\n', '\r\r\n', ''];

test('seeded edits: the line starts from the previous version equal those from scratch', () => {
  const r = rng(20261206);
  let text = Array.from({ length: 600 }, (_, i) => `line ${i} ${'w'.repeat(i % 13)}${['\n', '\r\n', '\r'][i % 3]}`).join('');
  let index = new LineIndex(text);
  for (let step = 0; step < 400; step++) {
    const at = r() < 0.1 ? (r() < 0.5 ? 0 : text.length) : Math.floor(r() * text.length);
    const removed = r() < 0.5 ? Math.floor(r() * 4) : 0;
    const inserted = PIECES[Math.floor(r() * PIECES.length)];
    const next = text.slice(0, at) + inserted + text.slice(Math.min(text.length, at + removed));
    if (next.length <= 4096) break;
    const incremental = new LineIndex(next, index);
    const scratch = new LineIndex(next);
    const starts = (x: LineIndex) => Array.from({ length: x.lineCount }, (_, line) => x.lineStart(line));
    assert.deepEqual(starts(incremental), starts(scratch), `step ${step}: ${JSON.stringify(inserted)} at ${at}, ${removed} removed`);
    text = next;
    index = incremental;
  }
});
