// Reads of many small files on a worker thread, ahead of the thread that uses their texts. A cold
// catalogue build reads 10,000 files: their open, fstat, read and close calls then run on the
// machine's other core while the calling thread parses the texts it already has, where they were
// about a sixth of the calling thread's time. `readSmallFile` is the one read of a small file, used
// by the Node host's synchronous reads and run from its source text on the reader thread.
import * as fs from 'node:fs';
import { Worker } from 'node:worker_threads';

export interface SmallRead {
  text: string;
  mtimeMs: number;
  size: number;
}

/**
 * A small regular file's text (UTF-8, a BOM kept, as `readFileSync(file, 'utf8')` gives it), with
 * its modification time and size; undefined when it is not a regular file, is larger than `max`
 * bytes or cannot be read. Opened without blocking and checked on the descriptor, so a FIFO or a
 * device is never read. Read into `scratch.buf` (grown as needed, reused by the next call): one
 * `read` for a file of the size its `fstat` gives, where `readFileSync` allocates a buffer and reads
 * once more to find the end; a read that fills the buffer (the file grew meanwhile) is read on.
 * `cached(mtimeMs, size)` may answer without reading.
 *
 * Self-contained (it uses only its arguments), because the reader thread runs it from its source.
 */
export function readSmallFile(
  nodeFs: typeof fs,
  file: string,
  max: number,
  scratch: { buf: Buffer },
  cached?: (mtimeMs: number, size: number) => string | undefined,
): SmallRead | undefined {
  let fd: number;
  try {
    fd = nodeFs.openSync(file, nodeFs.constants.O_RDONLY | (nodeFs.constants.O_NONBLOCK ?? 0));
  } catch {
    return undefined;
  }
  try {
    const s = nodeFs.fstatSync(fd);
    if (!s.isFile() || s.size > max) return undefined;
    const hit = cached ? cached(s.mtimeMs, s.size) : undefined;
    if (hit !== undefined) return { text: hit, mtimeMs: s.mtimeMs, size: s.size };
    if (scratch.buf.length < s.size + 1) scratch.buf = Buffer.allocUnsafe(Math.max(s.size + 1, scratch.buf.length * 2));
    let length = 0;
    for (;;) {
      const n = nodeFs.readSync(fd, scratch.buf, length, scratch.buf.length - length, null);
      if (n === 0) break;
      length += n;
      if (length === scratch.buf.length) {
        const bigger = Buffer.allocUnsafe(scratch.buf.length * 2);
        scratch.buf.copy(bigger, 0, 0, length);
        scratch.buf = bigger;
      } else if (length >= s.size) break;
    }
    return { text: scratch.buf.toString('utf8', 0, length), mtimeMs: s.mtimeMs, size: s.size };
  } catch {
    return undefined;
  } finally {
    nodeFs.closeSync(fd);
  }
}

/** The reader thread: reads each batch of paths it is sent and answers with their reads (null: not read). */
const READER_SOURCE = `'use strict';
const { parentPort, workerData } = require('node:worker_threads');
const nodeFs = require('node:fs');
const readSmallFile = ${readSmallFile.toString()};
const scratch = { buf: Buffer.allocUnsafe(64 * 1024) };
parentPort.on('message', (m) => {
  parentPort.postMessage({ id: m.id, reads: m.files.map((f) => readSmallFile(nodeFs, f, workerData.max, scratch) || null) });
});
`;

/** A reader thread: `read(files)` answers with each file's `readSmallFile` (null where it gave undefined). */
export class ReadAhead {
  private readonly worker: Worker;
  private next = 0;
  private readonly waiting = new Map<number, { resolve(reads: (SmallRead | null)[]): void; reject(e: Error): void }>();
  private failed: Error | undefined;

  constructor(max: number) {
    this.worker = new Worker(READER_SOURCE, { eval: true, workerData: { max }, stdout: false, stderr: false });
    this.worker.on('message', (m: { id: number; reads: (SmallRead | null)[] }) => {
      const w = this.waiting.get(m.id);
      this.waiting.delete(m.id);
      w?.resolve(m.reads);
    });
    const fail = (e: Error) => {
      this.failed = e;
      for (const w of this.waiting.values()) w.reject(e);
      this.waiting.clear();
    };
    this.worker.on('error', fail);
    this.worker.on('exit', () => fail(new Error('The reader thread stopped.')));
  }

  read(files: readonly string[]): Promise<(SmallRead | null)[]> {
    if (this.failed) return Promise.reject(this.failed);
    const id = this.next++;
    return new Promise((resolve, reject) => {
      this.waiting.set(id, { resolve, reject });
      this.worker.postMessage({ id, files });
    });
  }

  close(): void {
    void this.worker.terminate();
  }
}
