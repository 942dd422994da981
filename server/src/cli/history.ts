// `prompt-workbench history <prompt>`: the commits that changed a prompt, newest first, following
// renames (`git log --follow` through the node Git, argument arrays), each with the change
// summary the Prompt History view shows (the engine's `summarizeEntries` and `describeEntry`),
// and the uncommitted changes first, as in the view. Text or JSON.
import { readFile } from 'node:fs/promises';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { pathToFileURL } from 'node:url';
import { NodeGit } from '../node/git';
import { describeChange, describeChangeLines, describeEntry } from '../service/history/describe';
import { GitError, type Git } from '../service/history/git';
import { exactTime, hasUncommittedChanges, readHistoryPage } from '../service/history/history';
import { summarizeChange, summarizeEntries, type ChangeSummary } from '../service/history/summary';
import { colorEnabled, painter } from './color';

export const HISTORY_USAGE = `  history <prompt>           The commits that changed a prompt, newest first, following
                             renames, each with its change summary (model, parameters,
                             variables, messages, tokens), as the Prompt History view
                             shows them; uncommitted changes first.
      --limit N              At most N commits (default 20).
      --format text|json     Output format (default text; also --json).
      --details              The detailed summary lines under each commit.
      --no-color             No colours (also NO_COLOR); colours only on a terminal.`;

export class HistoryUsageError extends Error {}

export interface HistoryListing {
  file: string;
  repository: string;
  /** The file's path in the repository today. */
  path: string;
  uncommitted?: { state: string; summary: ChangeSummary | null; short: string };
  entries: {
    hash: string;
    date: string;
    author: string;
    email: string;
    subject: string;
    path: string;
    previousPath?: string;
    change: string;
    truncated: boolean;
    parents: string[];
    summary: ChangeSummary | null;
    /** The one line the Prompt History view shows for it. */
    short: string;
  }[];
  /** More commits exist beyond --limit. */
  more: boolean;
  shallow: boolean;
}

export async function historyListing(fileArg: string, limit: number, cwd: string, git: Git = new NodeGit()): Promise<HistoryListing> {
  const file = path.resolve(cwd, fileArg);
  const repo = await git.repository(file);
  const page = await readHistoryPage(git, repo, 0, limit);
  const working = await readFile(file, 'utf8').catch(() => undefined);
  const status = await git.status(repo.root, repo.path);
  if (!page.entries.length && working === undefined) throw new GitError('not-found', `${fileArg} does not exist and has no history in ${repo.root}.`);
  const summaries = await summarizeEntries(git, repo, page.entries).catch(() => page.entries.map(() => null));
  let uncommitted: HistoryListing['uncommitted'];
  if (hasUncommittedChanges(status)) {
    const head = repo.head ? await git.show(repo.root, repo.head, repo.path).catch(() => undefined) : undefined;
    let summary: ChangeSummary | null = null;
    try {
      summary = summarizeChange(head, working, {}, pathToFileURL(file).toString());
    } catch {
      summary = null;
    }
    uncommitted = { state: status.state, summary, short: summary ? describeChange(summary, { arrow: '->' }) : 'summary unavailable' };
  }
  return {
    file: path.relative(cwd, file) || file,
    repository: repo.root,
    path: repo.path,
    uncommitted,
    entries: page.entries.map((e, i) => ({
      hash: e.hash,
      date: e.authorDate,
      author: e.authorName,
      email: e.authorEmail,
      subject: e.subject,
      path: e.path,
      previousPath: e.previousPath,
      change: e.change,
      truncated: e.truncated,
      parents: e.parents,
      summary: summaries[i] ?? null,
      short: describeEntry(e, summaries[i] ?? null, { arrow: '->' }),
    })),
    more: page.more,
    shallow: repo.shallow,
  };
}

export function printHistory(h: HistoryListing, options: { details?: boolean; color?: boolean; limit: number }): string {
  const paint = painter(!!options.color);
  const out: string[] = [`${h.file}  (${h.entries.length}${h.more ? '+' : ''} commit${h.entries.length === 1 ? '' : 's'}, following renames)`, ''];
  if (h.uncommitted) {
    out.push(`${paint('bold', h.uncommitted.state === 'untracked' || h.uncommitted.state === 'added' ? 'not committed yet' : 'uncommitted changes')}  ${h.uncommitted.short}`);
    if (options.details && h.uncommitted.summary) for (const l of describeChangeLines(h.uncommitted.summary, { arrow: '->' })) out.push(`    ${l}`);
  }
  for (const e of h.entries) {
    out.push(`${paint('cyan', e.hash.slice(0, 7))}  ${exactTime(e.date).slice(0, 10)}  ${e.author}  ${e.subject || '(no subject)'}`);
    if (e.short) out.push(`         ${e.short}`);
    if (options.details && e.summary && !e.truncated) for (const l of describeChangeLines(e.summary, { arrow: '->' })) out.push(`    ${l}`);
  }
  if (!h.entries.length) out.push('No commits yet.');
  if (h.more) out.push('', `More commits: --limit ${options.limit * 2}`);
  if (h.shallow) out.push('', 'note: this is a shallow clone; commits older than its first one are missing ("git fetch --unshallow").');
  return out.join('\n') + '\n';
}

export async function historyMain(argv: string[], cwd: string, stdout: NodeJS.WritableStream, env: NodeJS.ProcessEnv = process.env, git?: Git): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        limit: { type: 'string' },
        format: { type: 'string', default: 'text' },
        json: { type: 'boolean', default: false },
        details: { type: 'boolean', default: false },
        'no-color': { type: 'boolean', default: false },
      },
    });
  } catch (e) {
    throw new HistoryUsageError((e as Error).message);
  }
  const { values, positionals } = parsed;
  if (positionals.length !== 1) throw new HistoryUsageError('history takes one prompt file: prompt-workbench history <prompt> [--limit N] [--format text|json]');
  if (values.format !== 'text' && values.format !== 'json') throw new HistoryUsageError(`Unknown format "${values.format}". Use --format text or json.`);
  const limit = values.limit === undefined ? 20 : Number(values.limit);
  if (!Number.isInteger(limit) || limit < 1) throw new HistoryUsageError(`--limit needs a whole number of 1 or more; got "${values.limit}".`);
  let listing: HistoryListing;
  try {
    listing = await historyListing(positionals[0], limit, cwd, git);
  } catch (e) {
    if (e instanceof GitError) throw new HistoryUsageError(e.message);
    throw e;
  }
  if (values.json || values.format === 'json') stdout.write(`${JSON.stringify(listing, null, 2)}\n`);
  else stdout.write(printHistory(listing, { details: values.details, color: colorEnabled(stdout, env, values['no-color']), limit }));
  return 0;
}
