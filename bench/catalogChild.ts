// The measured side of the catalogue benchmark, run in a fresh process by bench/catalog.ts. It is
// bundled by `node esbuild.mjs --bench` into dist/bench/catalog.js with the product's own build
// settings (the shared library files, the tokenizer data files), so what is timed is the code the
// language server and the CLI run, not a TypeScript loader compiling modules on the fly.
//
//   node dist/bench/catalog.js WORKSPACE CHANGES [REBUILDS [CACHE_DIR]]   (prints one JSON line)
//
// CACHE_DIR: build with the row cache in that folder (the rows of an earlier run of this bundle
// are taken back for unchanged files).
// REBUILDS: after the changes, build the whole catalogue again that many times in the same process
// (modules loaded, code optimised, tokenizer data in memory): how much of the cold build is warm-up.
import { writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';

import { createNodeHost } from '../server/src/node/host';
import { catalog as cat } from '../server/src/service';
import { groupRows } from '../client/src/catalog/model';
import { promptText } from './catalogWorkspace';

/** Runs in a fresh process: builds the catalogue once, then changes files one at a time. */
async function child(dir: string, changes: number, rebuilds: number, cacheDir: string | undefined): Promise<void> {
  const tStart = performance.now();
  const cpu0 = process.cpuUsage();
  const host = createNodeHost({ roots: [pathToFileURL(dir).toString()] });
  const catalog = await cat.loadCatalog(host, dir, { config: { defaults: { 'prompts/team9*/**': 'review' } }, tokens: !process.env.PW_BENCH_NO_TOKENS, cache: cacheDir ? { dir: cacheDir, build: 'bench' } : undefined });
  const tBuilt = performance.now();
  const buildMs = tBuilt - tStart;
  const cpu = process.cpuUsage(cpu0);
  const rows = catalog.entries().map((e) => ({ ...e, findings: [] as string[] }));
  const g0 = performance.now();
  const groups = groupRows(rows, 'status');
  const groupMs = performance.now() - g0;
  const update: number[] = [];
  for (let k = 0; k < changes; k++) {
    const i = (k * 7919) % catalog.size;
    const { rel, text } = promptText(i);
    const file = path.join(dir, ...rel.split('/'));
    writeFileSync(file, text.replace('politely', `politely (${k})`));
    const uri = pathToFileURL(file).toString();
    const s = performance.now();
    host.changed(uri, 'changed');
    catalog.set(uri, await host.readText(uri));
    update.push(performance.now() - s);
  }
  update.sort((a, b) => a - b);
  const rebuildMs: number[] = [];
  for (let r = 0; r < rebuilds; r++) {
    const t = performance.now();
    const again = await cat.loadCatalog(createNodeHost({ roots: [pathToFileURL(dir).toString()] }), dir, { config: { defaults: { 'prompts/team9*/**': 'review' } }, tokens: !process.env.PW_BENCH_NO_TOKENS });
    rebuildMs.push(performance.now() - t);
    if (again.size !== catalog.size) throw new Error(`a rebuild found ${again.size} files, the first build ${catalog.size}`);
  }
  process.stdout.write(JSON.stringify({ files: catalog.size, cpuMs: (cpu.user + cpu.system) / 1000, buildMs, groups: groups.length, groupMs, updateMedianMs: update[Math.floor(update.length / 2)], updateP95Ms: update[Math.floor(update.length * 0.95)], updateMaxMs: update[update.length - 1], changes, rebuildMs, cacheHits: catalog.rowCacheReport?.hits }));
}

void child(process.argv[2], Number(process.argv[3]), Number(process.argv[4] ?? 0), process.argv[5]);
