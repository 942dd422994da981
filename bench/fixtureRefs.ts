// Rename and find references through fixture files: the server's collection of the workspace's
// fixture texts (glob + cached reads) and the engine's rename over them, in a workspace of 500
// fixture files. Run alone with `node --import tsx bench/fixtureRefs.ts`, or through bench/run.ts.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { createNodeHost } from '../server/src/node/host';
import { fixtureTexts } from '../server/src/service/workspace';
import { parsePromptDocument, rename } from '../server/src/service';

const GOLDEN = path.resolve(__dirname, '..', 'test', 'golden', 'rename-fixtures');

function p(values: number[], q: number): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))];
}

export interface FixtureRefsBench {
  files: number;
  runs: number;
  /** Milliseconds: the server's collection (glob + reads, warm cache), rename when only one file tests the prompt, rename when every file names it. */
  collect: { median: number; p95: number };
  renameOne: { median: number; p95: number };
  renameAll: { median: number; p95: number };
}

export async function runFixtureRefsBench(options: { quick?: boolean } = {}): Promise<FixtureRefsBench> {
  const files = 500;
  const runs = options.quick ? 5 : 20;
  const fixture = readFileSync(path.join(GOLDEN, 'ticket.tests.before.yaml'), 'utf8');
  const promptText = readFileSync(path.join(GOLDEN, 'ticket.prompt'), 'utf8');
  const measure = async (dir: string, same: boolean) => {
    for (let i = 0; i < files; i++) writeFileSync(path.join(dir, `p${i}.tests.yaml`), same ? `prompt: ticket.prompt\n${fixture}` : fixture.replace('ticket.prompt', 'other.prompt'));
    writeFileSync(path.join(dir, 'ticket.tests.yaml'), fixture);
    const doc = parsePromptDocument(promptText, pathToFileURL(path.join(dir, 'ticket.prompt')).toString());
    const offset = promptText.indexOf('{{customerName}}') + 2;
    const collect: number[] = [];
    const renames: number[] = [];
    const host = createNodeHost({ roots: [pathToFileURL(dir).toString()] });
    await fixtureTexts(host, []); // cold: fills the cache
    for (let r = 0; r < runs; r++) {
      const t0 = performance.now();
      const texts = await fixtureTexts(host, []);
      const t1 = performance.now();
      const edit = rename(doc, offset, 'clientName', { fixtures: texts });
      const t2 = performance.now();
      if (Object.keys(edit?.changes ?? {}).length !== (same ? files + 2 : 2)) throw new Error('rename did not reach the expected files');
      collect.push(t1 - t0);
      renames.push(t2 - t1);
    }
    return { collect, renames };
  };
  const one = mkdtempSync(path.join(tmpdir(), 'pw-bench-fx-'));
  const all = mkdtempSync(path.join(tmpdir(), 'pw-bench-fx-'));
  try {
    const a = await measure(one, false);
    const b = await measure(all, true);
    return {
      files: files + 1,
      runs,
      collect: { median: p(a.collect, 0.5), p95: p(a.collect, 0.95) },
      renameOne: { median: p(a.renames, 0.5), p95: p(a.renames, 0.95) },
      renameAll: { median: p(b.renames, 0.5), p95: p(b.renames, 0.95) },
    };
  } finally {
    rmSync(one, { recursive: true, force: true });
    rmSync(all, { recursive: true, force: true });
  }
}

export function printFixtureRefsBench(r: FixtureRefsBench, log: (s?: string) => void = console.log): void {
  const f = (x: { median: number; p95: number }) => `median ${x.median.toFixed(1)} ms, p95 ${x.p95.toFixed(1)} ms`;
  log(`${r.files} fixture files, ${r.runs} runs each`);
  log(`collect texts (glob + cached reads): ${f(r.collect)}`);
  log(`rename, 1 file tests the prompt:     ${f(r.renameOne)}`);
  log(`rename, every file tests the prompt: ${f(r.renameAll)}`);
}

if (require.main === module) void runFixtureRefsBench().then((r) => printFixtureRefsBench(r));
