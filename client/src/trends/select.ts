// Which prompt's trends the "Prompt Trends" view shows, without `vscode`: records name a prompt by
// its path from the project root (the CLI) or the workspace folder (the editor), so the open file
// matches a recorded prompt when its path from the workspace folder is that path or ends with it.
import type { PromptTrend } from '../../../server/src/service/history/trends';

/** The trends of the prompt at `relativePath` (from its workspace folder, `/`-separated); all when undefined. */
export function trendsOfFile(trends: readonly PromptTrend[], relativePath: string | undefined): PromptTrend[] {
  if (relativePath === undefined) return [...trends];
  const exact = trends.filter((t) => t.prompt === relativePath);
  if (exact.length) return exact;
  // The longest recorded path that ends the file's path: the project root nearest the file.
  const suffix = trends.filter((t) => relativePath.endsWith(`/${t.prompt}`)).sort((a, b) => b.prompt.length - a.prompt.length);
  return suffix.slice(0, 1);
}

/** The newest record files first, at most `limit` of them (names sort by start time). */
export function newestRecordNames(names: readonly string[], limit: number): string[] {
  return names.filter((n) => n.endsWith('.jsonl')).sort().reverse().slice(0, limit);
}
