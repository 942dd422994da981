// Hands results to the Testing API (state, output, messages at the fixture's lines) for a live
// result or one replayed from a run record; notifies provider problems with the action that fixes
// them; opens the "Debug output" document. The texts come from reportText.ts.
import * as vscode from 'vscode';
import type { CaseResult, RecordedCase } from '../../../server/src/service/testing';
import { debugMarkdown, failureMessages, problemAction, recordedFailureMessages, recordedOutput, resultOutput, variantsVerdict, type FailureMessage } from './reportText';
import { setApiKey } from './settings';

function testMessage(m: FailureMessage, fixture: vscode.Uri): vscode.TestMessage {
  const message = m.expected !== undefined && m.actual !== undefined ? vscode.TestMessage.diff(m.text, m.expected, m.actual) : new vscode.TestMessage(m.text);
  if (m.line !== undefined) message.location = new vscode.Location(fixture, new vscode.Position(m.line, 0));
  return message;
}

export function reportResult(run: vscode.TestRun, item: vscode.TestItem, r: CaseResult): void {
  const fixture = vscode.Uri.parse(r.fixtureUri);
  // No location: VS Code would draw the output inline at the case, over the result decoration.
  run.appendOutput(resultOutput(r), undefined, item);
  const duration = r.latencyMs;
  if (r.status === 'passed') run.passed(item, duration);
  else if (r.status === 'skipped') run.skipped(item);
  else if (r.status === 'failed') run.failed(item, failureMessages(r).map((m) => testMessage(m, fixture)), duration);
  else run.errored(item, testMessage(failureMessages(r)[0], fixture), duration);
}

/**
 * One variant's result of an item that runs several (a matrix run): its output now; the item's
 * state once `all` (every variant's result) is in.
 */
export function reportVariants(run: vscode.TestRun, item: vscode.TestItem, r: CaseResult, all: readonly CaseResult[] | undefined): void {
  run.appendOutput(resultOutput(r), undefined, item);
  if (!all) return;
  const fixture = vscode.Uri.parse(r.fixtureUri);
  const { status, messages } = variantsVerdict(all);
  const duration = Math.max(0, ...all.map((x) => x.latencyMs ?? 0));
  if (status === 'passed') run.passed(item, duration);
  else if (status === 'skipped') run.skipped(item);
  else if (status === 'failed') run.failed(item, messages.map((m) => testMessage(m, fixture)), duration);
  else run.errored(item, messages.map((m) => testMessage(m, fixture)), duration);
}

export function replayRecordedCase(run: vscode.TestRun, item: vscode.TestItem, c: RecordedCase): void {
  run.appendOutput(recordedOutput(c), undefined, item);
  const duration = c.latencyMs ?? undefined;
  if (c.status === 'passed') run.passed(item, duration);
  else if (c.status === 'skipped') run.skipped(item);
  else if (c.status === 'failed') run.failed(item, recordedFailureMessages(c).map((m) => testMessage(m, item.uri!)), duration);
  else run.errored(item, new vscode.TestMessage(c.reason), duration);
}

/** One notification per kind of provider problem (`problems` holds one result of each kind). */
export function announceProblems(problems: ReadonlyMap<string, CaseResult>, secrets: vscode.SecretStorage): void {
  for (const r of problems.values()) {
    const action = problemAction(r);
    if (action.button === 'Set API Key') {
      void vscode.window.showErrorMessage(r.reason, action.button).then((choice) => {
        if (choice) void setApiKey(secrets, action.provider);
      });
    } else if (action.button === 'Open Settings') {
      void vscode.window.showErrorMessage(r.reason, action.button).then((choice) => {
        if (choice) void vscode.commands.executeCommand('workbench.action.openSettings', action.setting);
      });
    } else void vscode.window.showWarningMessage(r.reason);
  }
}

export async function showDebugOutput(r: CaseResult): Promise<void> {
  const doc = await vscode.workspace.openTextDocument({ language: 'markdown', content: debugMarkdown(r) });
  await vscode.window.showTextDocument(doc, { viewColumn: vscode.ViewColumn.Beside, preview: true, preserveFocus: true });
}
