// The version is written once, in package.json: run from the sources VERSION reads it there, and no
// source file spells a version out (the bundles get it from esbuild; test/integration/version.test.ts).
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { VERSION } from '../../server/src/version';

const ROOT = path.resolve(__dirname, '..', '..');

test('VERSION is package.json\'s version', () => {
  const pkg = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { version: string };
  assert.equal(VERSION, pkg.version);
});

test('no source file under server/src or client/src writes the version as a literal', () => {
  const offenders: string[] = [];
  for (const dir of ['server/src', 'client/src']) {
    for (const entry of readdirSync(path.join(ROOT, dir), { recursive: true, withFileTypes: true })) {
      if (!entry.isFile() || !/\.[cm]?[jt]s$/.test(entry.name)) continue;
      const file = path.join(entry.parentPath, entry.name);
      if (readFileSync(file, 'utf8').includes("'0.1.0'")) offenders.push(path.relative(ROOT, file));
    }
  }
  assert.deepEqual(offenders, []);
});
