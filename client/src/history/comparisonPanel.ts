// The comparison of test results in a webview beside the editor, and the `prompt-output:`
// documents that let VS Code's diff editor show two outputs of one case side by side.
import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';
import { comparisonHtml, type ComparisonPage } from './comparisonHtml';

export const OUTPUT_SCHEME = 'prompt-output';

/** Outputs of the comparisons shown in this window, by URI path. */
export class OutputContentProvider implements vscode.TextDocumentContentProvider {
  private readonly texts = new Map<string, string>();

  set(uri: vscode.Uri, text: string): void {
    this.texts.set(uri.path, text);
  }

  provideTextDocumentContent(uri: vscode.Uri): string {
    return this.texts.get(uri.path) ?? 'This output is no longer available: run "Compare Test Results" again.';
  }
}

let counter = 0;

function safeName(s: string): string {
  return s.replace(/[^\w.-]+/g, '-').slice(0, 60) || 'case';
}

export function showComparisonPanel(page: ComparisonPage, outputs: OutputContentProvider): vscode.WebviewPanel {
  const id = ++counter;
  const panel = vscode.window.createWebviewPanel('promptWorkbench.testComparison', `Test results: ${page.labels.a} ↔ ${page.labels.b}`, vscode.ViewColumn.Beside, { enableScripts: true, retainContextWhenHidden: false });
  const nonce = randomBytes(16).toString('base64');
  panel.webview.html = comparisonHtml(page, nonce, panel.webview.cspSource);
  panel.webview.onDidReceiveMessage(async (message: { type?: string; case?: number }) => {
    if (message.type !== 'diff' || typeof message.case !== 'number') return;
    const c = page.comparison.cases[message.case];
    if (!c?.a || !c.b) return;
    const name = safeName(c.caseName ?? c.caseId);
    const left = vscode.Uri.from({ scheme: OUTPUT_SCHEME, path: `/${id}/A/${name}.md` });
    const right = vscode.Uri.from({ scheme: OUTPUT_SCHEME, path: `/${id}/B/${name}.md` });
    outputs.set(left, c.a.error ? `error: ${c.a.error}` : c.a.output);
    outputs.set(right, c.b.error ? `error: ${c.b.error}` : c.b.output);
    await vscode.commands.executeCommand('vscode.diff', left, right, `${c.caseName ?? c.caseId}: ${page.labels.a} ↔ ${page.labels.b}`, { preview: true });
  });
  return panel;
}
