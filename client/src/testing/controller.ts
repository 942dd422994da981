// The Test Explorer for prompt tests: the test controller with its run profiles, file watchers and
// code lenses, wired to discovery (discovery.ts), runs (runs.ts), records (records.ts) and the
// inline results (decorations.ts).
import * as vscode from 'vscode';
import { compareVariants, ResponseCache, type ProviderId, type RunSummary } from '../../../server/src/service/testing';
import { CompareModelsView } from './compareModels';
import { nodeFileStore } from '../../../server/src/node/host';
import { testLenses } from './codeLenses';
import { ResultDecorations } from './decorations';
import { TestTree } from './discovery';
import { openRecord } from './records';
import { REPLAY_SCHEME, ReplayDocuments, replayFromRecord, type OpenedRecord } from './replay';
import { TestRuns } from './runs';
import { variantProfiles, type VariantProfile } from './items';
import { PROMPT_LANGUAGES } from '../../../server/src/languages';

/** The profile of a comparison run: every variant (matrix and prompt variants) of the selected cases. */
const EVERY_VARIANT: VariantProfile = { label: 'Run every matrix variant, then Compare Models' };

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
  /** The run record opened last, whose cases "Replay" sends again. */
  private lastRecord: OpenedRecord | undefined;
  readonly replayDocuments = new ReplayDocuments();
  private readonly compareView: CompareModelsView;
  /** The last run that compared two or more variants. */
  private lastComparison: RunSummary | undefined;

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
    this.compareView = new CompareModelsView(context.extensionUri);
    c.resolveHandler = async (item) => {
      if (!item) await tree.discover();
    };
    c.refreshHandler = () => tree.discover();
    for (const p of PROFILES) c.createRunProfile(p.label, vscode.TestRunProfileKind.Run, async (req, token) => void (await runs.run(req, token, p.provider)), p.isDefault ?? false);
    c.createRunProfile('Run every matrix variant, then Compare Models', vscode.TestRunProfileKind.Run, async (req, token) => this.afterMatrixRun(await runs.run(req, token, undefined, false, EVERY_VARIANT), false), false);
    c.createRunProfile('Debug output (show the rendered prompt and the answer)', vscode.TestRunProfileKind.Debug, async (req, token) => void (await runs.run(req, token, undefined, true)), true);

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
      this.compareView,
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
      this.variantRunProfiles.set(p.label, this.controller.createRunProfile(p.label, vscode.TestRunProfileKind.Run, async (req, token) => void (await this.runs.run(req, token, undefined, false, p)), false));
    }
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

  /**
   * After a matrix run: keeps it for "Compare Models" when two or more variants ran; `open` shows
   * the view at once, else a notification offers it.
   */
  private afterMatrixRun(summary: RunSummary | undefined, open: boolean): void {
    if (!summary || summary.cancelled) return;
    const { variants } = compareVariants(summary.results);
    if (variants.length < 2) {
      if (open) void vscode.window.showInformationMessage('This run had one variant only: add a `matrix:` with two or more models (or `variants:` with two or more prompts) to a fixture file to compare them.');
      return;
    }
    this.lastComparison = summary;
    if (open) {
      this.compareView.show(summary);
      return;
    }
    const line = variants.map((v) => `${v.label} ${v.counts.passed}/${v.counts.passed + v.counts.failed + v.counts.error}`).join(', ');
    void vscode.window.showInformationMessage(`Matrix run: ${line} passed.`, 'Compare Models').then((choice) => {
      if (choice) this.compareView.show(summary);
    });
  }

  /**
   * "Compare Models": the last variant run's comparison; without one, runs every variant of the
   * active fixture file (else of every fixture file with two or more variants: `matrix:` models,
   * `variants:` prompts, or both) first.
   */
  async compareModels(): Promise<void> {
    if (this.lastComparison) {
      this.compareView.show(this.lastComparison);
      return;
    }
    await this.tree.discoverIfEmpty();
    const active = vscode.window.activeTextEditor?.document.uri.toString();
    // variantProfiles: "all variants" and one per label, so two or more variants make three or more.
    const withMatrix = [...this.tree.suites.values()].filter((s) => variantProfiles([s]).length > 2);
    const suites = withMatrix.some((s) => s.fixture.uri === active) ? withMatrix.filter((s) => s.fixture.uri === active) : withMatrix;
    if (!suites.length) {
      void vscode.window.showInformationMessage('No fixture file has two or more variants. Add a `matrix:` (matrix: - model: openai/gpt-4o-mini - model: anthropic/claude-haiku-4-5) or `variants:` (variants: [a.prompt, b.prompt]) to compare them, or run `prompt-workbench test --models a,b` or `--variants a.prompt,b.prompt`.');
      return;
    }
    const include = suites.flatMap((s) => s.fixture.cases.map((c) => this.tree.find(`${s.fixture.uri}#${c.name}`)).filter((x): x is vscode.TestItem => !!x));
    const source = new vscode.CancellationTokenSource();
    try {
      const summary = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: 'Running every variant', cancellable: true }, (_, token) => {
        token.onCancellationRequested(() => source.cancel());
        return this.runs.run(new vscode.TestRunRequest(include), source.token, undefined, false, EVERY_VARIANT);
      });
      this.afterMatrixRun(summary, true);
    } finally {
      source.dispose();
    }
  }

  async clearCache(): Promise<void> {
    await new ResponseCache(nodeFileStore(vscode.Uri.joinPath(this.context.globalStorageUri, 'test-cache').fsPath)).clear();
    void vscode.window.showInformationMessage('The test response cache is cleared.');
  }
}
