// The "Compare Models" view: a webview in the editor area with the comparison of a run's variants
// (compareModelsHtml.ts builds the page), and `prompt-variant-output:` documents so that a click on
// a case opens two of its outputs in VS Code's diff editor.
import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';
import { compareVariants, comparisonHeadline, type RunSummary } from '../../../server/src/service/testing';
import { compareModelsHtml, defaultPair, outputText, type DiffMessage } from './compareModelsHtml';

export const VARIANT_OUTPUT_SCHEME = 'prompt-variant-output';

/** The outputs shown in the diff editor, by URI path. */
export class VariantOutputs implements vscode.TextDocumentContentProvider {
  private readonly texts = new Map<string, string>();

  set(uri: vscode.Uri, text: string): void {
    this.texts.set(uri.path, text);
  }

  provideTextDocumentContent(uri: vscode.Uri): string {
    return this.texts.get(uri.path) ?? 'This output is no longer available: run the comparison again ("Prompt Workbench: Compare Models").';
  }
}

function safeName(s: string): string {
  return s.replace(/[^\w.-]+/g, '-').slice(0, 60) || 'case';
}

let counter = 0;

export class CompareModelsView implements vscode.Disposable {
  private panel: vscode.WebviewPanel | undefined;
  private readonly outputs = new VariantOutputs();
  private readonly registration: vscode.Disposable;

  constructor(private readonly extensionUri: vscode.Uri) {
    this.registration = vscode.workspace.registerTextDocumentContentProvider(VARIANT_OUTPUT_SCHEME, this.outputs);
  }

  dispose(): void {
    this.panel?.dispose();
    this.registration.dispose();
  }

  /** Shows (or replaces the content of) the view for a run's results. */
  show(summary: RunSummary): void {
    const comparison = compareVariants(summary.results);
    const id = ++counter;
    const dist = vscode.Uri.joinPath(this.extensionUri, 'dist');
    if (!this.panel) {
      this.panel = vscode.window.createWebviewPanel('promptWorkbench.compareModels', 'Compare Models', vscode.ViewColumn.Active, { enableScripts: true, localResourceRoots: [dist], retainContextWhenHidden: true });
      this.panel.onDidDispose(() => (this.panel = undefined));
    }
    const panel = this.panel;
    panel.reveal(undefined, false);
    const nonce = randomBytes(16).toString('base64');
    const chartsUri = panel.webview.asWebviewUri(vscode.Uri.joinPath(dist, 'charts.js')).toString();
    panel.webview.html = compareModelsHtml({ comparison, headline: comparisonHeadline(summary, comparison), chartsUri }, nonce, panel.webview.cspSource);
    // One listener per page: a new run's page replaces the old listener with its own.
    this.listener?.dispose();
    this.listener = panel.webview.onDidReceiveMessage(async (message: Partial<DiffMessage>) => {
      if (message.type !== 'diff' || typeof message.case !== 'number') return;
      const pair = defaultPair(comparison, message.case, message.left, message.right);
      const c = comparison.cases[message.case];
      if (!pair || !c) {
        void vscode.window.showInformationMessage('Only one variant ran this case: there is nothing to compare it with.');
        return;
      }
      const name = safeName(c.caseName);
      const [left, right] = pair.map((label, i) => vscode.Uri.from({ scheme: VARIANT_OUTPUT_SCHEME, path: `/${id}/${message.case}/${i}/${safeName(label)}/${name}.md` }));
      this.outputs.set(left, outputText(c.verdicts[pair[0]]));
      this.outputs.set(right, outputText(c.verdicts[pair[1]]));
      await vscode.commands.executeCommand('vscode.diff', left, right, `${c.caseName}: ${pair[0]} ↔ ${pair[1]}`, { preview: true, viewColumn: vscode.ViewColumn.Beside });
    });
  }

  private listener: vscode.Disposable | undefined;
}
