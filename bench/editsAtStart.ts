// Edits typed right after the language server starts, while its catalogue of the workspace builds
// in the background (docs/benchmarks.md, "Edits while the catalogue builds"): the time from each
// edit to its diagnostics on a 1,000-line prompt, the first edits sent at once after the prompt's
// first diagnostics, then the same after a 4 s settle (the catalogue built by then). Workspace root:
// `examples/`. A child process keeps one core busy (--no-load turns it off), as `npm run bench` does.
//
//   npm run build && node --import tsx bench/editsAtStart.ts [--server dist/server.js]... [--rounds 3] [--no-load] [--prompts N]
// --prompts N: the workspace is N generated prompts (bench/catalog.ts) in a git repository with one
// commit instead of `examples/`, so the catalogue's build and its git work last longer.
// Several --server bundles (e.g. one built from an older commit) are measured one after another, per round.
import { execFileSync, spawn } from 'node:child_process';
import { rmSync } from 'node:fs';
import { loadavg } from 'node:os';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { fileUri, ROOT, SERVER, TestLanguageClient } from '../test/support/lspClient';
import { makeWorkspace } from './catalog';
import { editScript, generatePrompt } from './generate';
import { summarize } from './stats';

const { values } = parseArgs({ options: { server: { type: 'string', multiple: true }, rounds: { type: 'string', default: '3' }, 'no-load': { type: 'boolean', default: false }, settle: { type: 'string', default: '4000' }, prompts: { type: 'string' } } });
const servers = (values.server ?? [SERVER]).map((s) => path.resolve(s));
const ROUNDS = Number(values.rounds);
const WARMUP = 20;
const EDITS = 220;

let workspace = path.join(ROOT, 'examples');

async function measure(bundle: string, settleMs: number): Promise<number[]> {
  const { text } = generatePrompt(1000);
  const script = editScript(text, EDITS);
  const uri = fileUri(path.join(values.prompts ? workspace : ROOT, values.prompts ? 'edited' : 'bench/generated', 'edits-at-start-1000.prompt'));
  const client = await TestLanguageClient.start({ configuration: true, server: bundle, rootUri: fileUri(workspace) });
  try {
    await client.open(uri, text);
    if (settleMs) await new Promise((r) => setTimeout(r, settleMs));
    const samples: number[] = [];
    for (let i = 0; i < script.length; i++) {
      const t0 = performance.now();
      await client.edit(uri, script[i].range, script[i].text);
      if (i >= WARMUP) samples.push(performance.now() - t0);
    }
    return samples;
  } finally {
    await client.stop();
  }
}

async function main(): Promise<void> {
  const load = values['no-load'] ? undefined : spawn(process.execPath, ['-e', 'let x = 0; for (;;) x = (x * 1103515245 + 12345) | 0;'], { stdio: 'ignore' });
  process.on('exit', () => load?.kill());
  if (values.prompts) {
    workspace = makeWorkspace(Number(values.prompts));
    const env = { ...process.env, GIT_CONFIG_GLOBAL: '/dev/null', GIT_CONFIG_NOSYSTEM: '1', GIT_AUTHOR_NAME: 'Bench', GIT_AUTHOR_EMAIL: 'bench@example.com', GIT_COMMITTER_NAME: 'Bench', GIT_COMMITTER_EMAIL: 'bench@example.com' };
    for (const args of [['init', '-q'], ['add', '-A'], ['commit', '-q', '-m', 'prompts']]) execFileSync('git', args, { cwd: workspace, env });
  }
  try {
    console.log(`1,000-line prompt, ${EDITS - WARMUP} edits measured after ${WARMUP}, workspace ${values.prompts ? `of ${values.prompts} generated prompts in git` : 'examples/'}, ${ROUNDS} round(s), load generator ${load ? 'on' : 'off'}, load average ${loadavg()[0].toFixed(2)}`);
    const results = new Map<string, number[]>();
    for (let round = 0; round < ROUNDS; round++) {
      for (const settle of [0, Number(values.settle)]) {
        for (const bundle of servers) {
          const key = `${path.relative(process.cwd(), bundle) || bundle} ${settle ? `after a ${settle / 1000} s settle` : 'right after open'}`;
          results.set(key, [...(results.get(key) ?? []), ...(await measure(bundle, settle))]);
        }
      }
    }
    for (const [key, samples] of results) {
      const s = summarize(samples);
      console.log(`${key}: median ${s.median} ms, p95 ${s.p95} ms, max ${s.max} ms (${samples.length} edits)`);
    }
    console.log(`load average at the end ${loadavg()[0].toFixed(2)}`);
  } finally {
    load?.kill();
    if (values.prompts) rmSync(workspace, { recursive: true, force: true });
  }
}

void main();
