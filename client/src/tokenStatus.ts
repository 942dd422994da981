// The status bar item for the active prompt: its token count, model and share of the context
// window, with a tooltip of template vs rendered counts, cost and whether the numbers are exact or
// estimates (≈). The server computes everything (TokenSummaryRequest); this only displays it,
// refreshed on edits (debounced) and when the active editor changes.
import * as vscode from 'vscode';
import { State, type LanguageClient } from 'vscode-languageclient/node';
import { TokenSummaryRequest, type TokenSummary } from '../../server/src/protocol';
import { isAgentInstructionPath, isPromptLanguage } from '../../server/src/languages';

const DEBOUNCE_MS = 300;

export class TokenStatusBar implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('promptWorkbench.tokens', vscode.StatusBarAlignment.Right, 100);
  private readonly subscriptions: vscode.Disposable[] = [];
  private timer: NodeJS.Timeout | undefined;
  /** Bumped per request, so a slow answer for an older version never overwrites a newer one. */
  private sequence = 0;

  /** `namedByGlobs`: whether `agents.files` of the project config names a document (session.ts). */
  constructor(
    private readonly client: () => LanguageClient | undefined,
    private readonly namedByGlobs: (document: vscode.TextDocument) => boolean = () => false,
  ) {
    this.item.name = 'Prompt Workbench: Tokens';
    this.subscriptions.push(
      this.item,
      vscode.window.onDidChangeActiveTextEditor(() => this.schedule(0)),
      vscode.workspace.onDidChangeTextDocument((e) => {
        if (e.document === vscode.window.activeTextEditor?.document) this.schedule(DEBOUNCE_MS);
      }),
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration('promptWorkbench')) this.schedule(DEBOUNCE_MS);
      }),
    );
  }

  /** Call when the language client changes state: counts can be asked for once it runs. */
  onClientState(state: State): void {
    if (state === State.Running) this.schedule(0);
    else this.item.hide();
  }

  private schedule(delay: number): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.refresh(), delay);
  }

  private async refresh(): Promise<void> {
    const editor = vscode.window.activeTextEditor;
    const client = this.client();
    if (!editor || !(isPromptLanguage(editor.document.languageId) || (editor.document.uri.scheme === 'file' && (isAgentInstructionPath(editor.document.uri.path) || this.namedByGlobs(editor.document)))) || !client || client.state !== State.Running) {
      this.item.hide();
      return;
    }
    const seq = ++this.sequence;
    let summary: TokenSummary | null;
    try {
      summary = await client.sendRequest<TokenSummary | null>(TokenSummaryRequest.method, { uri: editor.document.uri.toString() });
    } catch {
      summary = null;
    }
    if (seq !== this.sequence) return;
    if (!summary) {
      this.item.hide();
      return;
    }
    this.show(summary);
  }

  private show(s: TokenSummary): void {
    this.item.text = `$(symbol-numeric) ${s.text}`;
    const tooltip = new vscode.MarkdownString(s.tooltip);
    tooltip.supportThemeIcons = false;
    this.item.tooltip = tooltip;
    const share = s.rendered.available ? (s.rendered.share ?? s.share) : s.share;
    const warnAt = vscode.workspace.getConfiguration('promptWorkbench', vscode.Uri.parse(s.uri)).get<number>('tokens.warnAtShare', 0.8);
    this.item.backgroundColor =
      share !== undefined && share > 1
        ? new vscode.ThemeColor('statusBarItem.errorBackground')
        : (share !== undefined && share > warnAt) || (s.budget !== undefined && s.template > s.budget)
          ? new vscode.ThemeColor('statusBarItem.warningBackground')
          : undefined;
    this.item.accessibilityInformation = { label: `${s.text.replace('≈', 'about ')} for ${s.modelId ?? s.model ?? 'no model'}` };
    this.item.show();
  }

  dispose(): void {
    if (this.timer) clearTimeout(this.timer);
    for (const d of this.subscriptions) d.dispose();
  }
}
