// The Test Explorer for prompt tests: the test controller with its run profiles, file watchers and
// code lenses, wired to discovery (discovery.ts), runs (runs.ts), records (records.ts) and the
// inline results (decorations.ts).
import * as vscode from 'vscode';
import { ResponseCache, type ProviderId } from '../../../server/src/service/testing';
import { nodeFileStore } from '../../../server/src/node/host';
import { testLenses } from './codeLenses';
import { ResultDecorations } from './decorations';
import { TestTree } from './discovery';
import { openRecord } from './records';
import { REPLAY_SCHEME, ReplayDocuments, replayFromRecord, type OpenedRecord } from './replay';
import { TestRuns } from './runs';
import { PROMPT_LANGUAGES } from '../../../server/src/languages';

const PROFILES: { label: string; provider?: ProviderId; isDefault?: boolean }[] = [
  { label: 'Run (provider from each prompt\'s model)', isDefault: true },
  { label: 'Run with render (offline, no model)', provider: 'render' },
  { label: 'Run with OpenAI', provider: 'openai' },
  { label: 'Run with Anthropic', provider: 'anthropic' },
  { label: 'Run with Gemini API', provider: 'googleai' },
  { label: 'Run with Vertex AI', provider: 'vertexai' },
  { label: 'Run with GitHub Models', provider: 'github' },
  { label: 'Run with VS Code Language Model', provider: 'vscode-lm' },
];

export class PromptTests implements vscode.Disposable {
  readonly controller = vscode.tests.createTestController('promptWorkbench.tests', 'Prompt Tests');
  private readonly disposables: vscode.Disposable[] = [];
  private readonly lensEmitter = new vscode.EventEmitter<void>();
  private readonly decorations = new ResultDecorations();
  private readonly tree: TestTree;
  private readonly runs: TestRuns;
  /** The run record opened last, whose cases "Replay" sends again. */
  private lastRecord: OpenedRecord | undefined;
  readonly replayDocuments = new ReplayDocuments();

  constructor(
    private readonly context: vscode.ExtensionContext,
    output: vscode.LogOutputChannel,
  ) {
    const c = this.controller;
    const tree = (this.tree = new TestTree(c, output, () => this.lensEmitter.fire()));
    const runs = (this.runs = new TestRuns(context, output, c, tree, this.decorations));
    c.resolveHandler = async (item) => {
      if (!item) await tree.discover();
    };
    c.refreshHandler = () => tree.discover();
    for (const p of PROFILES) c.createRunProfile(p.label, vscode.TestRunProfileKind.Run, (req, token) => runs.run(req, token, p.provider), p.isDefault ?? false);
    c.createRunProfile('Debug output (show the rendered prompt and the answer)', vscode.TestRunProfileKind.Debug, (req, token) => runs.run(req, token, undefined, true), true);

    const fixtures = vscode.workspace.createFileSystemWatcher('**/*.tests.{yaml,yml}');
    // GitHub Models prompt files hold their own test cases: they are fixtures too.
    const promptFixtures = vscode.workspace.createFileSystemWatcher('**/*.prompt.{yml,yaml}');
    const prompts = vscode.workspace.createFileSystemWatcher('**/*.{prompt,prompty}');
    const changed = () => tree.scheduleRefresh();
    this.disposables.push(
      c,
      fixtures,
      prompts,
      fixtures.onDidCreate(changed),
      fixtures.onDidChange(changed),
      fixtures.onDidDelete(changed),
      promptFixtures,
      promptFixtures.onDidCreate(changed),
      promptFixtures.onDidChange(changed),
      promptFixtures.onDidDelete(changed),
      prompts.onDidChange((u) => this.decorations.forgetPrompt(u.toString(), tree.suites.values())),
      vscode.workspace.onDidChangeTextDocument((e) => {
        if (/\.prompt$/.test(e.document.uri.path) && e.contentChanges.length) this.decorations.forgetPrompt(e.document.uri.toString(), tree.suites.values());
        if (/\.(?:tests|prompt)\.ya?ml$/.test(e.document.uri.path) && e.contentChanges.length) {
          this.decorations.forgetFixture(e.document.uri.toString());
          tree.scheduleRefresh();
        }
      }),
      vscode.window.onDidChangeVisibleTextEditors(() => this.decorations.paintAll()),
      vscode.workspace.onDidGrantWorkspaceTrust(() => this.lensEmitter.fire()),
      this.decorations,
      this.lensEmitter,
      vscode.workspace.registerTextDocumentContentProvider(REPLAY_SCHEME, this.replayDocuments),
      vscode.languages.registerCodeLensProvider([{ pattern: '**/*.tests.{yaml,yml}' }, ...PROMPT_LANGUAGES.map((language) => ({ language, scheme: 'file' }))], {
        provideCodeLenses: (doc) => testLenses(doc.uri.toString(), doc.uri.path, tree.suites).map((l) => new vscode.CodeLens(new vscode.Range(l.line, 0, l.line, 0), { title: l.title, command: l.command, arguments: l.arguments })),
        onDidChangeCodeLenses: this.lensEmitter.event,
      }),
    );
    void tree.discover();
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
  }

  discover(): Promise<void> {
    return this.tree.discover();
  }

  /** Runs one item (a prompt's tests or a case) by id, for the code lenses. */
  runItem(id: string, debug: boolean): Promise<void> {
    return this.runs.runItem(id, debug);
  }

  async openRecord(): Promise<void> {
    this.lastRecord = (await openRecord(this.controller, this.tree)) ?? this.lastRecord;
  }

  /** "Replay Case from Run Record…": a case of the record opened last (or one picked now); `item` from the Test Explorer's menu. */
  async replay(item?: vscode.TestItem): Promise<void> {
    this.lastRecord = (await replayFromRecord(this.context, this.replayDocuments, this.lastRecord, item instanceof Object && 'id' in item ? item : undefined)) ?? this.lastRecord;
  }

  async clearCache(): Promise<void> {
    await new ResponseCache(nodeFileStore(vscode.Uri.joinPath(this.context.globalStorageUri, 'test-cache').fsPath)).clear();
    void vscode.window.showInformationMessage('The test response cache is cleared.');
  }
}
