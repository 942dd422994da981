// "Compare Test Results": runs the prompt's fixture suite against two versions (reusing results
// recorded earlier for the same text) and shows the comparison. The suite runner is a seam: the
// test-run feature provides it; until then the command says what is missing.
import * as vscode from 'vscode';
import { compareRuns, type RunRecord } from '../../../server/src/service/history/runs';
import type { ProviderId } from '../../../server/src/service/testing/fixtures';
import type { ComparisonPage } from './comparisonHtml';
import { showComparisonPanel, type OutputContentProvider } from './comparisonPanel';
import { listRunRecords } from '../testing/recordPicker';
import type { CommitNode, DiffSide, HistoryModel, WorkingNode } from './model';

/** One version of a prompt to run the fixture suite against. */
export interface SuiteVersion {
  /** The prompt's path in the working tree (fixtures are found beside it). */
  file: string;
  /** The prompt text of this version. */
  text: string;
  /** The commit it came from; undefined for the working copy. */
  commit?: string;
  label: string;
}

export interface SuiteRun {
  records: RunRecord[];
  /** Cases whose result was reused from an earlier run of the same text (by content hash). */
  reused: number;
  /** Cases run now. */
  ran: number;
  /** The run record written for the cases run now. */
  recordFile?: string;
}

export interface SuiteRunner {
  /** `provider`: for cases that name none (undefined: from each prompt's model, as the Test Explorer's default profile). */
  run(version: SuiteVersion, options: { signal: AbortSignal; progress: (message: string) => void; provider?: ProviderId }): Promise<SuiteRun>;
}

const PROVIDER_CHOICES: { label: string; description: string; provider?: ProviderId }[] = [
  { label: 'Provider from each prompt\'s model', description: 'as the Test Explorer\'s default run profile' },
  { label: 'render', description: 'offline: the rendered prompt is the output', provider: 'render' },
  { label: 'OpenAI', description: 'key from "Prompt Workbench: Set API Key"', provider: 'openai' },
  { label: 'Anthropic', description: 'key from "Prompt Workbench: Set API Key"', provider: 'anthropic' },
  { label: 'Gemini API', description: 'key from "Prompt Workbench: Set API Key"', provider: 'googleai' },
  { label: 'Vertex AI', description: 'Google Cloud application default credentials', provider: 'vertexai' },
  { label: 'VS Code Language Model', description: 'a chat model of the editor (e.g. Copilot)', provider: 'vscode-lm' },
];

/** Reads a run record file (the `.jsonl` the Test Explorer and `prompt-workbench test` write). */
export type RecordReader = (text: string) => { records: RunRecord[]; problems: string[]; run?: { startedAt: string } };

/** Why no runner is available (shown to the user), or the runner. */
export type RunnerLookup = { runner: SuiteRunner; readRecords: RecordReader } | { missing: string };

function commitOf(side: DiffSide): string | undefined {
  return side.kind === 'revision' ? side.rev : undefined;
}

export async function compareTestResults(model: HistoryModel, nodes: readonly (CommitNode | WorkingNode)[], lookup: () => RunnerLookup, outputs: OutputContentProvider): Promise<void> {
  const pair = model.versionsToTest(nodes);
  if (!pair || !model.file) {
    void vscode.window.showInformationMessage('Select one version in the Prompt History view (it is compared with the working copy) or two versions, then run "Compare Test Results".');
    return;
  }
  const found = lookup();
  if ('missing' in found) {
    void vscode.window.showWarningMessage(`Compare Test Results: ${found.missing}`);
    return;
  }
  const file = model.file;
  const choice = await vscode.window.showQuickPick(PROVIDER_CHOICES, { title: `Compare Test Results: ${pair.left.label} ↔ ${pair.right.label}`, placeHolder: 'Both versions run with the same provider and settings' });
  if (!choice) return;
  const versions: SuiteVersion[] = [];
  for (const side of [pair.left, pair.right]) {
    const text = await model.textOf(side);
    if (text === undefined) {
      void vscode.window.showWarningMessage(`Compare Test Results: the prompt does not exist in ${side.label}, so there is nothing to run.`);
      return;
    }
    versions.push({ file, text, commit: commitOf(side), label: side.label });
  }
  const runs = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: 'Compare Test Results', cancellable: true }, async (progress, token) => {
    const controller = new AbortController();
    token.onCancellationRequested(() => controller.abort());
    const out: SuiteRun[] = [];
    for (const [i, v] of versions.entries()) {
      progress.report({ message: `${i === 0 ? 'A' : 'B'}: ${v.label}` });
      try {
        out.push(await found.runner.run(v, { signal: controller.signal, provider: choice.provider, progress: (m) => progress.report({ message: m }) }));
      } catch (e) {
        if (e instanceof vscode.CancellationError || token.isCancellationRequested) return undefined;
        throw e;
      }
      if (token.isCancellationRequested) return undefined;
    }
    return out;
  });
  if (!runs) return;
  const provenance = (r: SuiteRun) => `${r.ran} case${r.ran === 1 ? '' : 's'} run now, ${r.reused} reused from earlier runs of the same text${r.recordFile ? ` (record ${r.recordFile})` : ''}`;
  const page: ComparisonPage = {
    comparison: compareRuns(runs[0].records, runs[1].records),
    labels: { a: versions[0].label, b: versions[1].label },
    provenance: { a: provenance(runs[0]), b: provenance(runs[1]) },
  };
  showComparisonPanel(page, outputs);
}

/** Two run records: from the list of the workspace's records (newest first), or two file dialogs. */
async function pickTwoRecords(): Promise<vscode.Uri[] | undefined> {
  const { items, folder } = await listRunRecords();
  if (items.length >= 2) {
    const chosen = await vscode.window.showQuickPick(
      items.map((i) => ({ label: i.label, description: i.description, detail: i.detail, uri: i.uri })),
      { canPickMany: true, title: 'Compare Test Run Records', placeHolder: 'Pick two run records (the older one is A)', matchOnDescription: true, matchOnDetail: true },
    );
    if (!chosen) return undefined;
    if (chosen.length !== 2) {
      void vscode.window.showInformationMessage(`Pick exactly two run records; ${chosen.length} picked.`);
      return undefined;
    }
    return chosen.map((c) => c.uri);
  }
  const out: vscode.Uri[] = [];
  for (const which of ['first', 'second']) {
    const picked = await vscode.window.showOpenDialog({ title: `Compare Test Run Records: the ${which} run record`, defaultUri: out[0] ?? folder, canSelectMany: false, filters: { 'Run records': ['jsonl'] } });
    if (!picked?.[0]) return undefined;
    out.push(picked[0]);
  }
  return out;
}

/**
 * "Compare Test Run Records": two recorded runs compared case by case, e.g. one version run weeks
 * apart (drift of a model behind the same name), or two providers.
 */
export async function compareRunRecordFiles(lookup: () => RunnerLookup, outputs: OutputContentProvider): Promise<void> {
  const picked = await pickTwoRecords();
  if (!picked) return;
  const found = lookup();
  if ('missing' in found) {
    void vscode.window.showWarningMessage(`Compare Test Run Records: ${found.missing}`);
    return;
  }
  const sides: { name: string; records: RunRecord[]; problems: string[]; startedAt: string }[] = [];
  for (const uri of picked) {
    const parsed = found.readRecords(new TextDecoder().decode(await vscode.workspace.fs.readFile(uri)));
    const name = uri.path.split('/').pop() ?? uri.toString();
    if (!parsed.run) {
      void vscode.window.showErrorMessage(`${name} is not a Prompt Workbench run record: ${parsed.problems[0] ?? 'no run header'}`);
      return;
    }
    sides.push({ name, records: parsed.records, problems: parsed.problems, startedAt: parsed.run.startedAt });
  }
  // The older run is A.
  sides.sort((x, y) => x.startedAt.localeCompare(y.startedAt));
  const label = (s: (typeof sides)[number]) => `${s.name} (${s.startedAt.slice(0, 16).replace('T', ' ')})`;
  const problems = (s: (typeof sides)[number]) => (s.problems.length ? `${s.problems.length} unreadable line(s): ${s.problems[0]}` : `${s.records.length} case result(s)`);
  showComparisonPanel({ comparison: compareRuns(sides[0].records, sides[1].records), labels: { a: label(sides[0]), b: label(sides[1]) }, provenance: { a: problems(sides[0]), b: problems(sides[1]) } }, outputs);
}
