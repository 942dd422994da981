// Every diagnostic code the fixture checks can give has a row in docs/testing.md's table, so a
// user who sees one in the Problems panel finds what it means and what to do.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';

const ROOT = path.join(__dirname, '..', '..');

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? sources(path.join(dir, e.name)) : e.name.endsWith('.ts') ? [path.join(dir, e.name)] : []));
}

test('every fixture diagnostic code has a row in docs/testing.md', () => {
  const codes = new Set<string>();
  for (const file of sources(path.join(ROOT, 'server', 'src'))) for (const m of readFileSync(file, 'utf8').matchAll(/code: '(fixture-[a-z-]+)'/g)) codes.add(m[1]);
  assert.ok(codes.size >= 10, `found only ${codes.size} codes: the pattern no longer matches the sources`);
  const rows = new Set([...readFileSync(path.join(ROOT, 'docs', 'testing.md'), 'utf8').matchAll(/^\| `(fixture-[a-z-]+)` \|/gm)].map((m) => m[1]));
  assert.deepEqual([...codes].filter((c) => !rows.has(c)).sort(), []);
});
