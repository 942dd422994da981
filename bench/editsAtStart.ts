// Edits typed right after the language server starts, while its catalogue of the workspace builds
// in the background (docs/benchmarks.md, "Edits while the catalogue builds"): the time from each
// edit to its diagnostics on a 1,000-line prompt, the first edits sent at once after the prompt's
// first diagnostics, then the same after a 4 s settle (the catalogue built by then). Workspace root:
// `examples/`. A child process keeps one core busy (--no-load turns it off), as `npm run bench` does.
//
//   npm run build && node --import tsx bench/editsAtStart.ts [--server dist/server.js]... [--rounds 3] [--no-load]
// Several --server bundles (e.g. one built from an older commit) are measured one after another, per round.
import { spawn } from 'node:child_process';
import { loadavg } from 'node:os';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { fileUri, ROOT, SERVER, TestLanguageClient } from '../test/support/lspClient';
import { CatalogChangedNotification } from '../server/src/protocol';
import { editScript, generatePrompt } from './generate';
import { summarize } from './stats';

const { values } = parseArgs({ options: { server: { type: 'string', multiple: true }, rounds: { type: 'string', default: '3' }, 'no-load': { type: 'boolean', default: false }, settle: { type: 'string', default: '4000' } } });
const servers = (values.server ?? [SERVER]).map((s) => path.resolve(s));
const ROUNDS = Number(values.rounds);
const WARMUP = 20;
const EDITS = 220;

async function measure(bundle: string, settleMs: number): Promise<{ all: number[]; building: number[] }> {
  const { text } = generatePrompt(1000);
  const script = editScript(text, EDITS);
  const uri = fileUri(path.join(ROOT, 'bench', 'generated', 'edits-at-start-1000.prompt'));
  const client = await TestLanguageClient.start({ configuration: true, server: bundle, rootUri: fileUri(path.join(ROOT, 'examples')) });
  // The catalogue is ready when its reset notification comes: edits before it shared the server with the build.
  let ready = false;
  client.connection.onNotification(CatalogChangedNotification, (c) => {
    if (c.reset) ready = true;
  });
  try {
    await client.open(uri, text);
    if (settleMs) await new Promise((r) => setTimeout(r, settleMs));
    const all: number[] = [];
    const building: number[] = [];
    for (let i = 0; i < script.length; i++) {
      const during = !ready;
      const t0 = performance.now();
      await client.edit(uri, script[i].range, script[i].text);
      const dt = performance.now() - t0;
      if (during) building.push(dt);
      if (i >= WARMUP) all.push(dt);
    }
    return { all, building };
  } finally {
    await client.stop();
  }
}

async function main(): Promise<void> {
  const load = values['no-load'] ? undefined : spawn(process.execPath, ['-e', 'let x = 0; for (;;) x = (x * 1103515245 + 12345) | 0;'], { stdio: 'ignore' });
  process.on('exit', () => load?.kill());
  try {
    console.log(`1,000-line prompt, ${EDITS - WARMUP} edits measured after ${WARMUP}, workspace examples/, ${ROUNDS} round(s), load generator ${load ? 'on' : 'off'}, load average ${loadavg()[0].toFixed(2)}`);
    const results = new Map<string, { all: number[]; building: number[] }>();
    for (let round = 0; round < ROUNDS; round++) {
      for (const settle of [0, Number(values.settle)]) {
        for (const bundle of servers) {
          const key = `${path.relative(process.cwd(), bundle) || bundle} ${settle ? `after a ${settle / 1000} s settle` : 'right after open'}`;
          const m = await measure(bundle, settle);
          const r = results.get(key) ?? { all: [], building: [] };
          results.set(key, { all: [...r.all, ...m.all], building: [...r.building, ...m.building] });
        }
      }
    }
    for (const [key, { all, building }] of results) {
      const s = summarize(all);
      const b = summarize(building);
      console.log(`${key}: median ${s.median} ms, p95 ${s.p95} ms, max ${s.max} ms (${all.length} edits after the first ${WARMUP}); while the catalogue built: ${building.length ? `median ${b.median} ms, p95 ${b.p95} ms, max ${b.max} ms (${building.length} edits, warm-up included)` : 'none'}`);
    }
    console.log(`load average at the end ${loadavg()[0].toFixed(2)}`);
  } finally {
    load?.kill();
  }
}

void main();
