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
import { TestRuns } from './runs';
import { variantProfiles } from './items';
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
  /** The run profiles of the variants (matrix and prompt variants), by label: kept in step with discovery. */
  private readonly variantRunProfiles = new Map<string, vscode.TestRunProfile>();

  constructor(
    private readonly context: vscode.ExtensionContext,
    output: vscode.LogOutputChannel,
  ) {
    const c = this.controller;
    const tree = (this.tree = new TestTree(c, output, () => {
      this.lensEmitter.fire();
      this.syncVariantProfiles();
    }));
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
      vscode.languages.registerCodeLensProvider([{ pattern: '**/*.tests.{yaml,yml}' }, ...PROMPT_LANGUAGES.map((language) => ({ language, scheme: 'file' }))], {
        provideCodeLenses: (doc) => testLenses(doc.uri.toString(), doc.uri.path, tree.suites).map((l) => new vscode.CodeLens(new vscode.Range(l.line, 0, l.line, 0), { title: l.title, command: l.command, arguments: l.arguments })),
        onDidChangeCodeLenses: this.lensEmitter.event,
      }),
    );
    void tree.discover();
  }

  dispose(): void {
    for (const p of this.variantRunProfiles.values()) p.dispose();
    for (const d of this.disposables) d.dispose();
  }

  /** One run profile per variant label of the discovered suites, and one for all variants; stale ones go. */
  private syncVariantProfiles(): void {
    const wanted = variantProfiles(this.tree.suites.values());
    const labels = new Set(wanted.map((p) => p.label));
    for (const [label, profile] of this.variantRunProfiles) {
      if (labels.has(label)) continue;
      profile.dispose();
      this.variantRunProfiles.delete(label);
    }
    for (const p of wanted) {
      if (this.variantRunProfiles.has(p.label)) continue;
      this.variantRunProfiles.set(p.label, this.controller.createRunProfile(p.label, vscode.TestRunProfileKind.Run, (req, token) => this.runs.run(req, token, undefined, false, p), false));
    }
  }

  discover(): Promise<void> {
    return this.tree.discover();
  }

  /** Runs one item (a prompt's tests or a case) by id, for the code lenses. */
  runItem(id: string, debug: boolean): Promise<void> {
    return this.runs.runItem(id, debug);
  }

  openRecord(): Promise<void> {
    return openRecord(this.controller, this.tree);
  }

  async clearCache(): Promise<void> {
    await new ResponseCache(nodeFileStore(vscode.Uri.joinPath(this.context.globalStorageUri, 'test-cache').fsPath)).clear();
    void vscode.window.showInformationMessage('The test response cache is cleared.');
  }
}
