// Golden and snapshot files: compared, never written by the test that reads them. With the update
// switch set (`UPDATE_SNAPSHOTS=1`, `UPDATE_GOLDEN=1`) the file is rewritten from what the code
// produces now, for review in the diff; without it a missing or different file fails with the
// command that rewrites it.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';

/** The commands that (re)write the grammar snapshots and the quick-fix after files. */
export const SNAPSHOT_COMMAND = 'UPDATE_SNAPSHOTS=1 node --import tsx --test test/unit/grammar.test.ts';
export const GOLDEN_COMMAND = 'UPDATE_GOLDEN=1 node --import tsx --test test/unit/quickfix.test.ts';

export interface GoldenOptions {
  /** Rewrite the file from `actual` (the update switch is set). */
  update: boolean;
  /** The command that rewrites the files, for the failure message. */
  command: string;
  /** Paths in messages are relative to this folder (the project root). */
  root: string;
  /** What differs, for the message when the texts disagree (e.g. "tokenises differently"). */
  what?: string;
}

/** Asserts that `file` holds `actual` (CRLF read as LF). Writes it only when `update` is set. */
export function expectGolden(file: string, actual: string, o: GoldenOptions): void {
  const shown = path.relative(o.root, file);
  if (o.update) {
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, actual);
    return;
  }
  assert.ok(existsSync(file), `missing ${shown}: write it with \`${o.command}\`, review it and commit it`);
  const expected = readFileSync(file, 'utf8').replace(/\r\n/g, '\n');
  assert.equal(actual.replace(/\r\n/g, '\n'), expected, `${o.what ?? 'the result differs from'} ${shown}; if the change is intended, run \`${o.command}\` and review the diff`);
}
