// Prompt history benchmark (docs/benchmarks.md, "Prompt history"): a repository where one prompt
// has 1,000 commits (plus 1,000 commits to other files and a rename half way), built with
// `git fast-import` in about a second. Measures what the Prompt History view does: the first page
// listed, its summaries (computed for the listed entries only), later pages, and `diff`.
//
//   node --import tsx bench/history.ts [--quick]
// `runHistoryBench()` is also called by bench/run.ts.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { PassThrough } from 'node:stream';
import { HistoryModel, type HistoryHost } from '../client/src/history/model';
import { main as cliMain } from '../server/src/cli/main';
import { NodeGit } from '../server/src/node/git';
import { existsSync } from 'node:fs';
import { ChangeSummaryRequest, type ChangeSummary } from '../server/src/protocol';
import { entryTexts, readHistoryPage, summarizeChange } from '../server/src/service/history';
import { SERVER, TestLanguageClient } from '../test/support/lspClient';

const PROMPT_COMMITS = 1000;
const OTHER_COMMITS = 1000;
const PAGE = 30;
const GOAL_FIRST_PAGE_MS = 300;

export interface HistoryBenchResult {
  repo: { promptCommits: number; otherCommits: number; buildMs: number; renameAt: number };
  firstPage: { medianMs: number; p95Ms: number; maxMs: number; runs: number; entries: number; goal: string; pass: boolean };
  firstPageSummaries: { medianMs: number; maxMs: number; runs: number; summarized: number; requests: number };
  deepPage: { skip: number; medianMs: number; runs: number };
  allPages: { pages: number; entries: number; ms: number };
  cliDiff: { medianMs: number; runs: number };
  /** The first page's summaries as the editor gets them: ChangeSummaryRequest to the real server over stdio. */
  lspSummaries?: { firstMs: number; medianMs: number; maxMs: number; runs: number; pairs: number };
}

function percentile(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)];
}

const r1 = (x: number) => Math.round(x * 10) / 10;

function promptText(i: number): string {
  const model = i < 400 ? 'openai/gpt-4o' : i < 800 ? 'openai/gpt-4o-mini' : 'openai/gpt-4.1';
  // Each revision changes a few lines, as real edits do (so git still sees the rename as one).
  const rules = Array.from({ length: 12 + (i % 5) }, (_, k) => `- Rule ${k + 1}: keep answers under ${k === i % 12 ? 20 + (i % 30) : 25} words and cite {{source}}.`).join('\n');
  const extra = i % 7 === 0 ? '\n    tone?: string' : '';
  return `---\nname: support\nversion: 1.${Math.floor(i / 50)}.${i % 50}\nmodel: ${model}\nconfig:\n  temperature: ${(i % 10) / 10}\n  maxOutputTokens: ${200 + (i % 5) * 100}\ninput:\n  schema:\n    question: string\n    source: string${extra}\n---\n{{role "system"}}\nYou are a support assistant, revision ${i}.\n${rules}\n{{role "user"}}\n{{question}}\n`;
}

/** Builds the repository with one `git fast-import` stream; the prompt is renamed half way. */
export function buildRepo(): { dir: string; file: string; ms: number; renameAt: number } {
  const started = performance.now();
  const dir = mkdtempSync(path.join(tmpdir(), 'pw-bench-history-'));
  const env = { ...process.env, GIT_CONFIG_GLOBAL: '/dev/null', GIT_CONFIG_NOSYSTEM: '1' };
  execFileSync('git', ['init', '-q', '-b', 'main'], { cwd: dir, env });
  const parts: string[] = [];
  const renameAt = PROMPT_COMMITS / 2;
  let mark = 0;
  let time = Date.parse('2024-01-01T00:00:00Z') / 1000;
  let previous = 0;
  let name = 'prompts/old support.prompt';
  const data = (s: string) => `data ${Buffer.byteLength(s)}\n${s}\n`;
  for (let i = 0, p = 0; p < PROMPT_COMMITS; i++) {
    const touchesPrompt = i % 2 === 0;
    const commit = ++mark;
    time += 3600;
    const author = i % 3 === 0 ? 'Grace Hopper <grace@example.com>' : 'Ada Lovelace <ada@example.com>';
    parts.push(`commit refs/heads/main\nmark :${commit}\nauthor ${author} ${time} +0000\ncommitter ${author} ${time} +0000\n`);
    parts.push(data(touchesPrompt ? `Prompt revision ${p}` : `Other change ${i}`));
    if (previous) parts.push(`from :${previous}\n`);
    if (touchesPrompt) {
      if (p === renameAt) {
        parts.push(`R "${name}" "prompts/support.prompt"\n`);
        name = 'prompts/support.prompt';
      }
      parts.push(`M 100644 inline "${name}"\n${data(promptText(p))}`);
      p++;
    } else {
      parts.push(`M 100644 inline "src/file${i % 50}.txt"\n${data(`content ${i}\n`)}`);
    }
    parts.push('\n');
    previous = commit;
  }
  execFileSync('git', ['fast-import', '--quiet'], { cwd: dir, env, input: parts.join('') });
  execFileSync('git', ['checkout', '-q', '-f', 'main'], { cwd: dir, env });
  return { dir, file: path.join(dir, 'prompts', 'support.prompt'), ms: performance.now() - started, renameAt };
}

function host(calls: number[]): HistoryHost {
  return {
    git: new NodeGit(),
    // In VS Code the language server computes these (ChangeSummaryRequest); here the same engine in-process.
    summarize: async (pairs) => {
      calls.push(pairs.length);
      return pairs.map((p) => summarizeChange(p.before, p.after));
    },
    workingText: async () => undefined,
    now: () => Date.now(),
    changed: () => undefined,
  };
}

export async function runHistoryBench(options: { quick?: boolean } = {}): Promise<HistoryBenchResult> {
  const runs = options.quick ? 5 : 21;
  const built = buildRepo();
  try {
    const count = Number(execFileSync('git', ['rev-list', '--count', 'HEAD'], { cwd: built.dir, encoding: 'utf8' }).trim());
    // Warm-up: the first git calls pay for the page cache, the first summaries load the tokenizer.
    const warm = new HistoryModel(host([]), { pageSize: PAGE });
    await warm.setFile(built.file);
    await warm.idle();

    const first: number[] = [];
    const summaries: number[] = [];
    let entries = 0;
    let summarized = 0;
    let requests = 0;
    for (let i = 0; i < runs; i++) {
      const calls: number[] = [];
      const model = new HistoryModel(host(calls), { pageSize: PAGE });
      const t0 = performance.now();
      await model.setFile(built.file);
      const t1 = performance.now();
      await model.idle();
      const t2 = performance.now();
      first.push(t1 - t0);
      summaries.push(t2 - t1);
      entries = model.children().filter((n) => n.kind === 'commit').length;
      summarized = calls.reduce((s, n) => s + n, 0);
      requests = calls.length;
    }

    const git = new NodeGit();
    const repo = await git.repository(built.file);
    const deep: number[] = [];
    const skip = PROMPT_COMMITS - PAGE;
    for (let i = 0; i < Math.max(3, Math.floor(runs / 3)); i++) {
      const t0 = performance.now();
      await readHistoryPage(git, repo, skip, PAGE);
      deep.push(performance.now() - t0);
    }

    const all = new HistoryModel(host([]), { pageSize: PAGE });
    const t0 = performance.now();
    await all.setFile(built.file);
    let pages = 1;
    while (all.children().some((n) => n.kind === 'more')) {
      await all.loadMore();
      pages++;
    }
    const allMs = performance.now() - t0;
    const allEntries = all.children().length;

    const cli: number[] = [];
    for (let i = 0; i < Math.max(3, Math.floor(runs / 3)); i++) {
      const out = new PassThrough();
      out.resume();
      const c0 = performance.now();
      const code = await cliMain(['diff', built.file, '--json'], built.dir, out, out);
      cli.push(performance.now() - c0);
      if (code !== 0) throw new Error(`diff exited with ${code}`);
    }

    let lspSummaries: HistoryBenchResult['lspSummaries'];
    if (existsSync(SERVER)) {
      const pairs = await entryTexts(git, repo, (await readHistoryPage(git, repo, 0, PAGE)).entries);
      const client = await TestLanguageClient.start();
      try {
        const times: number[] = [];
        for (let i = 0; i <= runs; i++) {
          const s0 = performance.now();
          const answer = (await client.connection.sendRequest(ChangeSummaryRequest.method, { pairs, uri: `file://${built.file}` })) as (ChangeSummary | null)[];
          times.push(performance.now() - s0);
          if (answer.length !== pairs.length || answer.some((x) => !x)) throw new Error('the server did not summarise every pair');
        }
        const [firstMs, ...warm] = times;
        lspSummaries = { firstMs: r1(firstMs), medianMs: r1(percentile(warm, 50)), maxMs: r1(Math.max(...warm)), runs: warm.length, pairs: pairs.length };
      } finally {
        await client.stop();
      }
    }

    const median = (xs: number[]) => percentile(xs, 50);
    return {
      lspSummaries,
      repo: { promptCommits: PROMPT_COMMITS, otherCommits: count - PROMPT_COMMITS, buildMs: r1(built.ms), renameAt: built.renameAt },
      firstPage: { medianMs: r1(median(first)), p95Ms: r1(percentile(first, 95)), maxMs: r1(Math.max(...first)), runs, entries, goal: `< ${GOAL_FIRST_PAGE_MS} ms`, pass: percentile(first, 95) < GOAL_FIRST_PAGE_MS },
      firstPageSummaries: { medianMs: r1(median(summaries)), maxMs: r1(Math.max(...summaries)), runs, summarized, requests },
      deepPage: { skip, medianMs: r1(median(deep)), runs: deep.length },
      allPages: { pages, entries: allEntries, ms: r1(allMs) },
      cliDiff: { medianMs: r1(median(cli)), runs: cli.length },
    };
  } finally {
    rmSync(built.dir, { recursive: true, force: true });
  }
}

export function printHistoryBench(r: HistoryBenchResult, log: (s?: string) => void = console.log): void {
  log(`repository: ${r.repo.promptCommits} commits to the prompt + ${r.repo.otherCommits} to other files, renamed at commit ${r.repo.renameAt}; built with git fast-import in ${r.repo.buildMs} ms`);
  log(`first page (${r.firstPage.entries} entries listed): median ${r.firstPage.medianMs} / p95 ${r.firstPage.p95Ms} / max ${r.firstPage.maxMs} ms (n=${r.firstPage.runs}); goal ${r.firstPage.goal}: ${r.firstPage.pass ? 'met' : 'MISSED'}`);
  log(`summaries of that page: median ${r.firstPageSummaries.medianMs} / max ${r.firstPageSummaries.maxMs} ms; ${r.firstPageSummaries.summarized} summaries in ${r.firstPageSummaries.requests} request(s), none for unlisted entries`);
  log(`a page at skip ${r.deepPage.skip} (the end of the history): median ${r.deepPage.medianMs} ms (n=${r.deepPage.runs})`);
  log(`all ${r.allPages.entries} entries in ${r.allPages.pages} pages (Load more until the end): ${r.allPages.ms} ms`);
  log(`prompt-workbench diff (defaults, in-process): median ${r.cliDiff.medianMs} ms (n=${r.cliDiff.runs})`);
  if (r.lspSummaries) log(`ChangeSummaryRequest (${r.lspSummaries.pairs} pairs) to dist/server.js over stdio: first ${r.lspSummaries.firstMs} ms (loads the tokenizer), then median ${r.lspSummaries.medianMs} / max ${r.lspSummaries.maxMs} ms (n=${r.lspSummaries.runs})`);
  else log('ChangeSummaryRequest over LSP: skipped, dist/server.js is missing (npm run build)');
}

if (require.main === module) {
  void runHistoryBench({ quick: process.argv.includes('--quick') }).then((r) => {
    printHistoryBench(r);
    if (process.argv.includes('--json')) console.log(JSON.stringify(r, null, 2));
  });
}
