// "Preview Rendered Prompt": a read-only document beside the source that shows the prompt
// rendered by the server (through the reference Dotprompt renderer), re-rendered as you type.
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { RenderRequest } from '../../server/src/protocol';

export const PREVIEW_SCHEME = 'prompt-workbench-rendered';

export class RenderedPreviewProvider implements vscode.TextDocumentContentProvider, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.changed.event;
  private readonly open = new Map<string, vscode.Uri>();
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private readonly subscriptions: vscode.Disposable[] = [];

  constructor(private readonly client: () => LanguageClient | undefined) {
    this.subscriptions.push(
      vscode.workspace.onDidChangeTextDocument((e) => this.scheduleRefresh(e.document.uri.toString())),
      vscode.workspace.onDidCloseTextDocument((d) => {
        if (d.uri.scheme === PREVIEW_SCHEME) this.open.delete(sourceOf(d.uri));
      }),
    );
  }

  static previewUri(source: vscode.Uri): vscode.Uri {
    const name = source.path.split('/').pop() ?? 'prompt';
    return vscode.Uri.from({ scheme: PREVIEW_SCHEME, path: `/${name} (rendered).md`, query: source.toString() });
  }

  async provideTextDocumentContent(uri: vscode.Uri, token: vscode.CancellationToken): Promise<string> {
    const source = sourceOf(uri);
    this.open.set(source, uri);
    const client = this.client();
    if (!client?.isRunning()) return 'The Prompt Workbench language server is not running. Run "Prompt Workbench: Restart Language Server".';
    if (!vscode.workspace.textDocuments.some((d) => d.uri.toString() === source)) await vscode.workspace.openTextDocument(vscode.Uri.parse(source));
    const result = await client.sendRequest(RenderRequest, { uri: source }, token);
    return result?.text ?? 'Open the prompt file to render it.';
  }

  private scheduleRefresh(source: string): void {
    const preview = this.open.get(source);
    if (!preview) return;
    clearTimeout(this.timers.get(source));
    this.timers.set(source, setTimeout(() => this.changed.fire(preview), 250));
  }

  dispose(): void {
    for (const t of this.timers.values()) clearTimeout(t);
    this.changed.dispose();
    for (const s of this.subscriptions) s.dispose();
  }
}

function sourceOf(uri: vscode.Uri): string {
  return uri.query;
}

export async function showRenderedPreview(): Promise<void> {
  const editor = vscode.window.activeTextEditor;
  if (!editor || editor.document.languageId !== 'dotprompt') {
    void vscode.window.showInformationMessage('Open a .prompt file to preview it rendered.');
    return;
  }
  const doc = await vscode.workspace.openTextDocument(RenderedPreviewProvider.previewUri(editor.document.uri));
  await vscode.window.showTextDocument(doc, { viewColumn: vscode.ViewColumn.Beside, preview: false, preserveFocus: true });
}
