// `prompt-workbench test --baseline REV`: the pull-request gate. Each prompt the fixture files
// test is run in two versions, its text at REV (read through git, following renames) and its text
// in the working tree, with the working tree's fixture files, the same providers and settings;
// results recorded earlier for the same text (by content hash, case, provider, model, values and
// checks) are reused instead of asking the model again. Exit 1 on a new failure or a pass-rate drop
// beyond `testing.maxPassRateDrop` of the project config.
import { fileURLToPath } from 'node:url';
import { NodeGit } from '../node/git';
import { GitError, type Git } from '../service/history/git';
import { fileAtRevision } from '../service/history/history';
import { gateMarkdown, gateResult, gateText, type GatePrompt, type GateResult } from '../service/history/gate';
import { compareRuns } from '../service/history/runs';
import { runVersionTests, type VersionTestHost, type VersionTestOptions } from '../service/history/versionTests';
import type { TestSuite } from '../service/testing';

export interface BaselineInput {
  rev: string;
  suites: TestSuite[];
  host: VersionTestHost;
  options: VersionTestOptions;
  maxDropPoints: number;
  git?: Git;
}

export class BaselineError extends Error {}

/** Runs (or reuses) both versions of every tested prompt and returns the gate's verdict. */
export async function runBaseline(input: BaselineInput): Promise<GateResult & { cancelled: boolean }> {
  const git = input.git ?? new NodeGit();
  const byPrompt = new Map<string, TestSuite[]>();
  for (const s of input.suites) {
    if (!s.prompt) continue;
    byPrompt.set(s.fixture.promptUri, [...(byPrompt.get(s.fixture.promptUri) ?? []), s]);
  }
  if (!byPrompt.size) throw new BaselineError('--baseline: no fixture file here tests a prompt that exists.');
  const prompts: GatePrompt[] = [];
  let baseLabel = input.rev;
  for (const [promptUri, suites] of byPrompt) {
    const file = fileURLToPath(promptUri);
    // The fixture files of this prompt; a prompt file with its own cases is loaded as the prompt.
    const fixtureUris = suites.filter((s) => s.fixture.uri !== promptUri).map((s) => s.fixture.uri);
    const host: VersionTestHost = { ...input.host, fixtureUris: async () => fixtureUris };
    let base: { text: string; commit: string } | undefined;
    try {
      const repo = await git.repository(file);
      const at = await fileAtRevision(git, repo, input.rev);
      base = { text: at.text, commit: at.commit };
      baseLabel = `${input.rev} (${at.commit.slice(0, 7)})`;
    } catch (e) {
      if (!(e instanceof GitError)) throw e;
      if (e.kind !== 'not-found') throw new BaselineError(`--baseline ${input.rev}: ${e.message}`);
    }
    const head = await runVersionTests({ promptUri, text: suites[0].prompt!.text, label: 'working tree' }, host, input.options);
    if (head.cancelled) return { ...gateResult(baseLabel, prompts, input.maxDropPoints), cancelled: true };
    const baseRun = base ? await runVersionTests({ promptUri, text: base.text, commit: base.commit, label: input.rev }, host, input.options) : undefined;
    if (baseRun?.cancelled) return { ...gateResult(baseLabel, prompts, input.maxDropPoints), cancelled: true };
    prompts.push({
      prompt: suites[0].promptPath,
      comparison: compareRuns(baseRun?.records ?? [], head.records),
      base: { reused: baseRun?.reused ?? 0, ran: baseRun?.ran ?? 0, exists: !!base },
      head: { reused: head.reused, ran: head.ran },
    });
  }
  return { ...gateResult(baseLabel, prompts, input.maxDropPoints), cancelled: false };
}

export function baselineReport(g: GateResult, reporter: string): string {
  if (reporter === 'markdown') return gateMarkdown(g);
  if (reporter === 'json') return `${JSON.stringify(g, null, 2)}\n`;
  return gateText(g);
}
