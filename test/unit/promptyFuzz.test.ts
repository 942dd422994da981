// The fuzz harness (test/support/fuzz.ts) on Prompty files: mutants of the `.prompty` examples
// through every engine request (diagnostics, completion, hover, outline, folding, semantic tokens,
// code lenses, code actions): nothing throws, every range lies inside its line, no request is slow.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { checkEngine, engineContext, makeMutant, ROOT, type Seed } from '../support/fuzz';

function prompty(dir: string, out: string[] = []): string[] {
  for (const e of readdirSync(dir)) {
    const p = path.join(dir, e);
    if (statSync(p).isDirectory()) prompty(p, out);
    else if (e.endsWith('.prompty')) out.push(p);
  }
  return out;
}

const SEEDS: Seed[] = prompty(path.join(ROOT, 'examples'))
  .sort()
  .map((f) => ({ file: path.relative(ROOT, f).split(path.sep).join('/'), text: readFileSync(f, 'utf8'), kind: 'prompt' as const }));

test('500 Prompty mutants: no crash, no range outside its line, no slow request', async () => {
  assert.ok(SEEDS.length >= 6, SEEDS.map((s) => s.file).join(', '));
  const ctx = engineContext();
  const failures: string[] = [];
  for (let i = 0; i < 500; i++) {
    const m = makeMutant(SEEDS, 20261206, i);
    for (const f of await checkEngine(m, 20261206, ctx)) failures.push(`mutant ${i} of ${m.seed.file} (${m.ops.join('; ')}): ${f.cause} ${f.detail ?? ''}`.slice(0, 600));
  }
  assert.deepEqual(failures, []);
});
