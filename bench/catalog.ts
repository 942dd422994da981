// Prompt catalogue benchmark (docs/benchmarks.md, "Prompt catalogue"): a workspace of 10,000
// generated prompts (Dotprompt, Prompty and GitHub Models files in 100 folders, a CODEOWNERS file
// and a project config with status defaults). Measures the catalogue built cold (a fresh process:
// the file search, every read, parse, token count and row, tokenizer data loaded on the way), one
// row updated after one file changes (read + parse + count + row), and the view's grouping of
// every row. Goals: < 3 s cold, < 50 ms per change.
//
//   node --import tsx bench/catalog.ts [--quick]
// `runCatalogBench()` is also called by bench/run.ts.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';

import { createNodeHost } from '../server/src/node/host';
import { catalog as cat } from '../server/src/service';
import { groupRows } from '../client/src/catalog/model';

const GOAL_COLD_MS = 3000;
const GOAL_UPDATE_MS = 50;

function promptText(i: number): { rel: string; text: string } {
  const folder = `team${i % 100}`;
  const status = ['draft', 'review', 'approved', 'released', 'retired'][i % 5];
  const body = `You are the assistant of team ${i % 100}. Answer the customer's question about order {{order}} politely and briefly.\nQuote the relevant policy when it helps.\n`;
  if (i % 10 === 7) return { rel: `prompts/${folder}/p${i}.prompty`, text: `---\nname: p${i}\nmodel:\n  id: gpt-4o-mini\nmetadata:\n  authors: [author${i % 37}]\n  status: ${status}\n  tags: [t${i % 13}]\n---\nsystem:\n${body.replace('{{order}}', '{{order}}')}\nuser:\n{{question}}\n` };
  if (i % 10 === 8) return { rel: `prompts/${folder}/p${i}.prompt.yml`, text: `name: p${i}\nmodel: openai/gpt-4o-mini\nmetadata:\n  status: ${status}\nmessages:\n  - role: system\n    content: "Answer about order {{order}} politely."\n  - role: user\n    content: "{{question}}"\n` };
  return { rel: `prompts/${folder}/p${i}.prompt`, text: `---\nmodel: openai/gpt-4o-mini\nversion: ${i % 4}\nconfig:\n  maxOutputTokens: 400\ninput:\n  schema:\n    order: string\n    question: string\nmetadata:\n  ${i % 3 ? `owner: "@owner${i % 11}"\n  ` : ''}status: ${status}\n---\n${body}{{role "user"}}\n{{question}}\n` };
}

export function makeWorkspace(n: number): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'pw-catalog-bench-'));
  mkdirSync(path.join(dir, '.github'));
  writeFileSync(path.join(dir, '.github', 'CODEOWNERS'), '* @everyone\n/prompts/team1*/ @team-one\n/prompts/team5/ @team-five\n');
  writeFileSync(path.join(dir, 'prompt-workbench.yaml'), 'catalog:\n  defaults:\n    "prompts/team9*/**": review\n');
  for (let i = 0; i < n; i++) {
    const { rel, text } = promptText(i);
    const file = path.join(dir, ...rel.split('/'));
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, text);
  }
  return dir;
}

/** Runs in a fresh process: builds the catalogue once, then changes files one at a time. */
async function child(dir: string, changes: number): Promise<void> {
  const tStart = performance.now();
  const cpu0 = process.cpuUsage();
  const host = createNodeHost({ roots: [pathToFileURL(dir).toString()] });
  const catalog = await cat.loadCatalog(host, dir, { config: { defaults: { 'prompts/team9*/**': 'review' } }, tokens: !process.env.PW_BENCH_NO_TOKENS });
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
  process.stdout.write(JSON.stringify({ files: catalog.size, cpuMs: (cpu.user + cpu.system) / 1000, buildMs, groups: groups.length, groupMs, updateMedianMs: update[Math.floor(update.length / 2)], updateP95Ms: update[Math.floor(update.length * 0.95)], updateMaxMs: update[update.length - 1], changes }));
}

export interface CatalogBenchResult {
  files: number;
  coldMs: number;
  /** CPU time of the build (user + system): what the machine's load does not inflate. */
  coldCpuMs: number;
  groupMs: number;
  update: { medianMs: number; p95Ms: number; maxMs: number; changes: number };
  goals: { cold: string; update: string; coldPass: boolean; updatePass: boolean };
}

export async function runCatalogBench(options: { quick?: boolean } = {}): Promise<CatalogBenchResult> {
  const n = options.quick ? 2000 : 10_000;
  const dir = makeWorkspace(n);
  try {
    const out = execFileSync(process.execPath, ['--import', 'tsx', __filename, '--child', dir, String(options.quick ? 20 : 100)], { encoding: 'utf8', maxBuffer: 1 << 24 });
    const r = JSON.parse(out) as { files: number; cpuMs: number; buildMs: number; groupMs: number; updateMedianMs: number; updateP95Ms: number; updateMaxMs: number; changes: number };
    return {
      files: r.files,
      coldMs: r.buildMs,
      coldCpuMs: r.cpuMs,
      groupMs: r.groupMs,
      update: { medianMs: r.updateMedianMs, p95Ms: r.updateP95Ms, maxMs: r.updateMaxMs, changes: r.changes },
      goals: { cold: `< ${GOAL_COLD_MS} ms`, update: `< ${GOAL_UPDATE_MS} ms (p95)`, coldPass: r.buildMs < GOAL_COLD_MS, updatePass: r.updateP95Ms < GOAL_UPDATE_MS },
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export function printCatalogBench(r: CatalogBenchResult, log: (s?: string) => void = console.log): void {
  log(`${r.files.toLocaleString('en-US')} prompt files: catalogue built cold in ${r.coldMs.toFixed(0)} ms wall, ${r.coldCpuMs.toFixed(0)} ms CPU (goal ${r.goals.cold}: ${r.goals.coldPass ? 'met' : 'NOT met'})`);
  log(`one file changed, its row updated: median ${r.update.medianMs.toFixed(2)} ms, p95 ${r.update.p95Ms.toFixed(2)} ms, max ${r.update.maxMs.toFixed(2)} ms over ${r.update.changes} changes (goal ${r.goals.update}: ${r.goals.updatePass ? 'met' : 'NOT met'})`);
  log(`the view's grouping of every row by status: ${r.groupMs.toFixed(1)} ms`);
}

if (require.main === module) {
  const argv = process.argv.slice(2);
  if (argv[0] === '--child') void child(argv[1], Number(argv[2]));
  else void runCatalogBench({ quick: argv.includes('--quick') }).then((r) => printCatalogBench(r));
}
