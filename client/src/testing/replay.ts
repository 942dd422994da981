// "Replay Case from Run Record…": a case of the run record opened last ("Open Test Run Record…",
// or picked now) sent again exactly as recorded, to the recorded model or another, with the
// editor's keys and settings and Workspace Trust's rules (untrusted: nothing is sent); the recorded
// and the new answer open in the diff editor, and a new record beside the old one points to it.
import * as path from 'node:path';
import * as vscode from 'vscode';
import { loadSuite, parseRunRecord, writeRunRecord, type RecordedCase, type RecordedRun, type RunSummary } from '../../../server/src/service/testing';
import { recordRoot, replayCase, ReplayError, type ReplayComparison } from '../../../server/src/service/testing/replay';
import { nodeFileStore } from '../../../server/src/node/host';
import { readTextUri } from '../../../server/src/node/workspaceReads';
import { existsSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { VERSION } from '../../../server/src/version';
import { editorProviders } from './providers';
import { casePickItem, caseOfItem, diffTitle, replayableCases, replaySummary } from './replayModel';
import { readTestSettings } from './settings';
import { pickRunRecord } from './recordPicker';

export const REPLAY_SCHEME = 'prompt-replay';

export interface OpenedRecord {
  file: string;
  run: RecordedRun;
  cases: RecordedCase[];
}

/** The recorded and replayed answers shown in the diff editor, by URI path. */
export class ReplayDocuments implements vscode.TextDocumentContentProvider {
  private readonly texts = new Map<string, string>();
  set(uri: vscode.Uri, text: string): void {
    this.texts.set(uri.path, text);
  }
  provideTextDocumentContent(uri: vscode.Uri): string {
    return this.texts.get(uri.path) ?? 'This answer is no longer available: replay the case again.';
  }
}

let counter = 0;

async function pickRecord(): Promise<OpenedRecord | undefined> {
  const picked = await pickRunRecord('Replay a case of a test run record');
  return picked ? readRecord(picked.fsPath) : undefined;
}

export async function readRecord(file: string): Promise<OpenedRecord | undefined> {
  const text = new TextDecoder().decode(await vscode.workspace.fs.readFile(vscode.Uri.file(file)));
  const record = parseRunRecord(text);
  if (!record.run) {
    void vscode.window.showErrorMessage(`${path.basename(file)} is not a Prompt Workbench run record: ${record.problems[0] ?? 'no run header'}`);
    return undefined;
  }
  return { file, run: record.run, cases: record.cases };
}

/**
 * Replays one case. `item` (from the Test Explorer's context menu) picks the case of the record
 * opened last; otherwise the case is chosen from a list.
 */
export async function replayFromRecord(context: vscode.ExtensionContext, documents: ReplayDocuments, opened: OpenedRecord | undefined, item?: vscode.TestItem): Promise<OpenedRecord | undefined> {
  const record = opened ?? (await pickRecord());
  if (!record) return undefined;
  const cases = replayableCases(record.cases);
  if (!cases.length) {
    void vscode.window.showWarningMessage(`No case of ${path.basename(record.file)} holds its request (recorded by an older version): run the tests again to record it.`);
    return record;
  }
  let chosen = item ? caseOfItem(cases, item.id) : undefined;
  if (item && !chosen) {
    void vscode.window.showWarningMessage(`"${item.label}" is not a replayable case of ${path.basename(record.file)} (the record opened last). Open the run record that has it first.`);
    return record;
  }
  if (!chosen) {
    const pick = await vscode.window.showQuickPick(
      cases.map((c) => ({ ...casePickItem(c), c })),
      { title: `Replay a case of ${path.basename(record.file)} (${record.run.startedAt})`, matchOnDescription: true },
    );
    if (!pick) return record;
    chosen = pick.c;
  }
  const recordedModel = `${chosen.provider ?? '?'}/${(chosen.request as { model?: string } | undefined)?.model ?? '?'}`;
  const where = await vscode.window.showQuickPick([{ label: `The recorded model (${recordedModel})`, other: false }, { label: 'Another model…', other: true }], { title: 'Send the recorded request to' });
  if (!where) return record;
  let model: string | undefined;
  if (where.other) {
    model = await vscode.window.showInputBox({ title: 'Replay with model', prompt: 'A provider-qualified model: openai/gpt-4o, anthropic/claude-sonnet-4-5, googleai/gemini-2.5-flash, github/openai/gpt-4.1, …', value: (chosen as { requestedModel?: string | null }).requestedModel ?? '' });
    if (!model) return record;
  }

  const folder = vscode.workspace.getWorkspaceFolder(vscode.Uri.file(record.file)) ?? vscode.workspace.workspaceFolders?.[0];
  const root = recordRoot(record.file, folder?.uri.fsPath ?? path.dirname(record.file), (p) => existsSync(p));
  const rootUri = pathToFileURL(root).toString();
  const settings = readTestSettings(folder?.uri);
  const trusted = vscode.workspace.isTrusted;
  const providers = await editorProviders(context.secrets, settings, trusted);
  const fixtureUri = pathToFileURL(path.join(root, chosen.fixture)).toString();
  const suite = await loadSuite(fixtureUri, rootUri, readTextUri).catch(() => undefined);
  const testCase = suite?.fixture.cases.find((c) => c.name === chosen!.case);
  let comparison: ReplayComparison;
  try {
    comparison = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `Replaying "${chosen.case}"…`, cancellable: true }, (_p, token) => {
      const controller = new AbortController();
      token.onCancellationRequested(() => controller.abort());
      return replayCase(chosen!, {
        ...providers,
        model,
        recordName: path.basename(record.file),
        current: suite && testCase ? { suite, testCase } : undefined,
        fixtureUri,
        promptUri: pathToFileURL(path.join(root, chosen!.prompt)).toString(),
        models: settings.models,
        catalogue: settings.catalogue,
        signal: controller.signal,
      });
    });
  } catch (e) {
    void vscode.window.showErrorMessage(e instanceof ReplayError ? e.message : `The replay failed: ${(e as Error).message}`);
    return record;
  }

  let written: string | undefined;
  if (comparison.replay.status !== 'skipped' || comparison.replay.output !== undefined) {
    const r = comparison.replay;
    const summary: RunSummary = { results: [r], startedAt: new Date().toISOString(), finishedAt: new Date().toISOString(), durationMs: r.latencyMs ?? 0, cancelled: false, counts: { passed: 0, failed: 0, error: 0, skipped: 0, [r.status]: 1 } };
    const rc = chosen as RecordedCase & { promptHash?: string | null; gitCommit?: string | null; gitDirty?: boolean | null };
    try {
      const name = await writeRunRecord(nodeFileStore(path.dirname(record.file)), summary, { tool: 'prompt-workbench', toolVersion: VERSION, origin: 'editor', replayOf: { record: path.basename(record.file), startedAt: record.run.startedAt } }, () => (rc.promptHash ? { hash: rc.promptHash, git: { commit: rc.gitCommit ?? undefined, dirty: rc.gitDirty ?? undefined } } : undefined), providers.secrets);
      if (name) written = folder ? path.relative(folder.uri.fsPath, path.join(path.dirname(record.file), name)) : name;
    } catch (e) {
      void vscode.window.showWarningMessage(`The replay's run record could not be written: ${(e as Error).message}`);
    }
  }

  if (comparison.replay.output !== undefined) {
    const id = ++counter;
    const name = chosen.case.replace(/[^\w.-]+/g, '-').slice(0, 60) || 'case';
    const left = vscode.Uri.from({ scheme: REPLAY_SCHEME, path: `/${id}/recorded/${name}.md` });
    const right = vscode.Uri.from({ scheme: REPLAY_SCHEME, path: `/${id}/replay/${name}.md` });
    documents.set(left, comparison.recorded.output ?? '');
    documents.set(right, comparison.replay.output);
    await vscode.commands.executeCommand('vscode.diff', left, right, diffTitle(comparison), { preview: true });
  }
  const message = replaySummary(comparison, written);
  if (comparison.replay.status === 'passed') void vscode.window.showInformationMessage(message);
  else void vscode.window.showWarningMessage(message);
  return record;
}
