// Run records in the editor: the record written after a run, in the workspace folder like the
// CLI's, and "Open Test Run Record…", which replays a record's results in the Test Explorer.
import * as path from 'node:path';
import * as vscode from 'vscode';
import { contentHash, parseRunRecord, writeRunRecord, type ProviderId, type RecordedCase, type RecordedRun, type RunSummary, type TestSuite } from '../../../server/src/service/testing';
import { nodeFileStore } from '../../../server/src/node/host';
import { gitInfo } from '../../../server/src/node/workspaceReads';
import { VERSION } from '../../../server/src/version';
import type { TestTree } from './discovery';
import { jobIdOfRecord } from './items';
import { replayRecordedCase } from './reporting';
import { readTestSettings } from './settings';
import { pickRunRecord } from './recordPicker';

/** Writes the record of a finished run into the records folder of the first result's workspace folder (local folders only). */
export async function writeEditorRecord(summary: RunSummary, provider: ProviderId | undefined, secrets: (string | undefined)[], run: vscode.TestRun, suites: Iterable<TestSuite>): Promise<void> {
  const first = vscode.Uri.parse(summary.results[0].fixtureUri);
  const folder = vscode.workspace.getWorkspaceFolder(first);
  if (!folder || folder.uri.scheme !== 'file') return;
  const settings = readTestSettings(first);
  const dir = path.resolve(folder.uri.fsPath, settings.recordsFolder);
  const infos = new Map<string, { hash: string; git?: { commit?: string; dirty?: boolean } }>();
  for (const s of suites) {
    if (!s.prompt || infos.has(s.fixture.promptUri)) continue;
    infos.set(s.fixture.promptUri, { hash: contentHash(s.prompt.text), git: await gitInfo(vscode.Uri.parse(s.fixture.promptUri).fsPath) });
  }
  try {
    const name = await writeRunRecord(nodeFileStore(dir), summary, { tool: 'prompt-workbench', toolVersion: VERSION, provider, origin: 'editor' }, (u) => infos.get(u), secrets);
    if (name) run.appendOutput(`Run record: ${path.relative(folder.uri.fsPath, path.join(dir, name))}\r\n`);
  } catch (e) {
    run.appendOutput(`The run record could not be written to ${dir}: ${(e as Error).message}\r\n`);
  }
}

/** "Open Test Run Record…": the recorded results as a test run, on the items that still exist. */
export async function openRecord(controller: vscode.TestController, tree: TestTree): Promise<{ file: string; run: RecordedRun; cases: RecordedCase[] } | undefined> {
  const uri = await pickRunRecord('Open Test Run Record');
  if (!uri) return undefined;
  const picked = [uri];
  const text = new TextDecoder().decode(await vscode.workspace.fs.readFile(picked[0]));
  const record = parseRunRecord(text);
  if (!record.run) {
    void vscode.window.showErrorMessage(`${path.basename(picked[0].fsPath)} is not a Prompt Workbench run record: ${record.problems[0] ?? 'no run header'}`);
    return undefined;
  }
  await tree.discoverIfEmpty();
  const byJob = tree.itemsByJob();
  const run = controller.createTestRun(new vscode.TestRunRequest(), `Record ${path.basename(picked[0].fsPath)} (${record.run.startedAt})`, false);
  run.appendOutput(`Replaying ${record.cases.length} result(s) recorded at ${record.run.startedAt}.\r\n`);
  for (const c of record.cases) {
    const id = jobIdOfRecord(byJob.keys(), c.id);
    const item = id === undefined ? undefined : byJob.get(id);
    if (!item) {
      run.appendOutput(`Case "${c.case}" (${c.fixture}) is no longer in the workspace: ${c.status}.\r\n`);
      continue;
    }
    replayRecordedCase(run, item, c);
  }
  for (const p of record.problems) run.appendOutput(`${p}\r\n`);
  if (record.cases.some((c) => c.request)) run.appendOutput('To send a case of this record again and compare the answers: "Replay Case from Run Record…" (or on the case in the Test Explorer).\r\n');
  run.end();
  void vscode.commands.executeCommand('workbench.view.testing.focus');
  return { file: picked[0].fsPath, run: record.run, cases: record.cases };
}
