// "Preview Rendered Prompt": a read-only document beside the source that shows the prompt
// rendered by the server (through the reference Dotprompt renderer), re-rendered as you type.
// The values are the input defaults or a fixture case chosen with "Preview Rendered Prompt with
// Values…"; the choice is kept per prompt (workspace state) and resolved by the server, so the
// preview shows exactly what a test run of that case renders.
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { FixtureCasesRequest, RenderRequest, type FixtureCaseItem, type FixtureCaseRef } from '../../server/src/protocol';
import { isPromptLanguage } from '../../server/src/languages';

export const PREVIEW_SCHEME = 'prompt-workbench-rendered';
const CHOICES_KEY = 'promptWorkbench.preview.values';

export class RenderedPreviewProvider implements vscode.TextDocumentContentProvider, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.changed.event;
  private readonly open = new Map<string, vscode.Uri>();
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private readonly subscriptions: vscode.Disposable[] = [];
  /** The chosen fixture case per prompt URI; absent: the input defaults. */
  private readonly choices: Map<string, FixtureCaseRef>;

  constructor(
    private readonly client: () => LanguageClient | undefined,
    private readonly state?: vscode.Memento,
  ) {
    this.choices = new Map(Object.entries(state?.get<Record<string, FixtureCaseRef>>(CHOICES_KEY) ?? {}));
    const fixtures = vscode.workspace.createFileSystemWatcher('**/*.tests.{yaml,yml}');
    const onFixtureDisk = (uri: vscode.Uri) => this.refreshUsers(uri.toString());
    this.subscriptions.push(
      vscode.workspace.onDidChangeTextDocument((e) => {
        this.scheduleRefresh(e.document.uri.toString());
        this.refreshUsers(e.document.uri.toString());
      }),
      vscode.workspace.onDidCloseTextDocument((d) => {
        if (d.uri.scheme === PREVIEW_SCHEME) this.open.delete(sourceOf(d.uri));
      }),
      fixtures,
      fixtures.onDidChange(onFixtureDisk),
      fixtures.onDidCreate(onFixtureDisk),
      fixtures.onDidDelete(onFixtureDisk),
    );
  }

  static previewUri(source: vscode.Uri): vscode.Uri {
    const name = source.path.split('/').pop() ?? 'prompt';
    return vscode.Uri.from({ scheme: PREVIEW_SCHEME, path: `/${name} (rendered).md`, query: source.toString() });
  }

  choiceFor(source: string): FixtureCaseRef | undefined {
    return this.choices.get(source);
  }

  /** Remembers the values for a prompt (undefined: the input defaults) and re-renders its open preview. */
  async choose(source: string, choice: FixtureCaseRef | undefined): Promise<void> {
    if (choice) this.choices.set(source, choice);
    else this.choices.delete(source);
    await this.state?.update(CHOICES_KEY, Object.fromEntries(this.choices));
    const preview = this.open.get(source);
    if (preview) this.changed.fire(preview);
  }

  async provideTextDocumentContent(uri: vscode.Uri, token: vscode.CancellationToken): Promise<string> {
    const source = sourceOf(uri);
    this.open.set(source, uri);
    const client = this.client();
    if (!client?.isRunning()) return 'The Prompt Workbench language server is not running. Run "Prompt Workbench: Restart Language Server".';
    if (!vscode.workspace.textDocuments.some((d) => d.uri.toString() === source)) await vscode.workspace.openTextDocument(vscode.Uri.parse(source));
    const result = await client.sendRequest(RenderRequest, { uri: source, case: this.choices.get(source) }, token);
    return result?.text ?? 'Open the prompt file to render it.';
  }

  /** Fetches the fixture cases of a prompt from the server (which reads the workspace's fixture files). */
  async casesOf(source: string): Promise<FixtureCaseItem[] | undefined> {
    const client = this.client();
    if (!client?.isRunning()) return undefined;
    return client.sendRequest(FixtureCasesRequest, { uri: source });
  }

  /** A fixture file changed (in the editor or on disk): re-render the previews that use one of its cases. */
  private refreshUsers(fixtureUri: string): void {
    for (const [source, choice] of this.choices) if (choice.fixtureUri === fixtureUri) this.scheduleRefresh(source);
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

interface ValuesPick extends vscode.QuickPickItem {
  choice?: FixtureCaseRef;
}

/** Asks which values to render with: the input defaults, or one fixture case. `null`: cancelled. */
async function pickValues(previews: RenderedPreviewProvider, source: string): Promise<FixtureCaseRef | undefined | null> {
  const cases = await vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title: 'Finding fixture cases' }, () => previews.casesOf(source));
  if (cases === undefined) {
    void vscode.window.showWarningMessage('The Prompt Workbench language server is not running. Run "Prompt Workbench: Restart Language Server".');
    return null;
  }
  if (!cases.length) {
    void vscode.window.showInformationMessage('This prompt has no fixture cases (a `name.tests.yaml` beside it, or one with `prompt:` naming it): rendering with the input defaults.');
    return undefined;
  }
  const current = previews.choiceFor(source);
  const isCurrent = (c?: FixtureCaseRef) => (c && current ? c.fixtureUri === current.fixtureUri && c.caseName === current.caseName : !c && !current);
  const item = (c: FixtureCaseItem): ValuesPick => {
    const choice = { fixtureUri: c.fixtureUri, caseName: c.caseName };
    return { label: `${c.caseName} — ${c.fixtureName}`, description: `line ${c.line + 1}${isCurrent(choice) ? ' · current' : ''}`, detail: c.description, choice };
  };
  // A GitHub Models file's own `testData` rows (their "fixture" is the prompt itself), then fixture files' cases.
  const own = cases.filter((c) => c.fixtureUri === source);
  const others = cases.filter((c) => c.fixtureUri !== source);
  const items: ValuesPick[] = [
    { label: 'Input defaults', description: `the defaults the prompt declares${isCurrent() ? ' · current' : ''}` },
    ...(own.length ? [{ label: 'testData rows', kind: vscode.QuickPickItemKind.Separator }, ...own.map(item)] : []),
    ...(others.length ? [{ label: 'Fixture cases', kind: vscode.QuickPickItemKind.Separator }, ...others.map(item)] : []),
  ];
  const picked = await vscode.window.showQuickPick(items, { title: 'Preview Rendered Prompt with Values', placeHolder: 'Render with the input defaults or the values of a test case', matchOnDescription: true, matchOnDetail: true });
  return picked ? picked.choice : null;
}

/** Opens the preview beside the prompt; with `pick`, asks for the values first (else the last choice for this prompt). */
export async function showRenderedPreview(previews: RenderedPreviewProvider, pick = false): Promise<void> {
  const editor = vscode.window.activeTextEditor;
  if (!editor || !isPromptLanguage(editor.document.languageId)) {
    void vscode.window.showInformationMessage('Open a prompt file (`.prompt`, `.prompty`, `.prompt.yml`) to preview it rendered.');
    return;
  }
  const source = editor.document.uri.toString();
  if (pick) {
    const choice = await pickValues(previews, source);
    if (choice === null) return;
    await previews.choose(source, choice);
  }
  const doc = await vscode.workspace.openTextDocument(RenderedPreviewProvider.previewUri(editor.document.uri));
  await vscode.window.showTextDocument(doc, { viewColumn: vscode.ViewColumn.Beside, preview: false, preserveFocus: true });
}
