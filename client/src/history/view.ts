// The "Prompt History" view: a thin adapter from HistoryModel (model.ts) to VS Code's tree view,
// the `prompt-history:` documents (a file at a revision, read-only, highlighted and checked like
// any prompt) and the diff commands. git runs here, in the extension host, only in a trusted
// workspace.
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { NodeGit } from '../../../server/src/node/git';
import { createNodeHost, toUri } from '../../../server/src/node/host';
import { ChangeSummaryRequest } from '../../../server/src/protocol';
import { GitError } from '../../../server/src/service/history/git';
import { OUTPUT_SCHEME, OutputContentProvider } from './comparisonPanel';
import { DEFAULT_PAGE_SIZE, HistoryModel, type CommitNode, type DiffSide, type HistoryNode, type WorkingNode } from './model';
import { compareRunRecordFiles, compareTestResults, type RunnerLookup } from './testResults';
import { isAgentInstructionPath, isPromptLanguage } from '../../../server/src/languages';

export const HISTORY_SCHEME = 'prompt-history';
export const VIEW_ID = 'promptWorkbench.history';

interface RevisionQuery {
  root: string;
  /** A commit hash; empty for "the file did not exist". */
  rev: string;
  path: string;
}

/** The URI of a file at a revision: its real path (so the language and icon follow the name), the revision in the query. */
export function revisionUri(side: Exclude<DiffSide, { kind: 'working' }>): vscode.Uri {
  const query: RevisionQuery = { root: side.root, rev: side.kind === 'revision' ? side.rev : '', path: side.path };
  return vscode.Uri.file(path.join(side.root, ...side.path.split('/'))).with({ scheme: HISTORY_SCHEME, query: JSON.stringify(query) });
}

function sideUri(side: DiffSide): vscode.Uri {
  return side.kind === 'working' ? vscode.Uri.file(side.file) : revisionUri(side);
}

// The working copy of a file: the editor's text when it is open, else the disk's, through the host.
const workingCopies = createNodeHost({ openText: (uri) => vscode.workspace.textDocuments.find((d) => d.uri.scheme === 'file' && d.uri.toString() === vscode.Uri.parse(uri).toString())?.getText() });

function gitFromSettings(): NodeGit {
  const configured = vscode.workspace.getConfiguration('git').get<string | string[] | null>('path');
  const gitPath = typeof configured === 'string' && configured ? configured : Array.isArray(configured) && configured[0] ? configured[0] : undefined;
  return new NodeGit({ gitPath });
}

/** Serves `prompt-history:` documents from git. Read-only by nature (a content provider). */
class RevisionContentProvider implements vscode.TextDocumentContentProvider {
  constructor(private readonly git: () => NodeGit) {}

  async provideTextDocumentContent(uri: vscode.Uri): Promise<string> {
    if (!vscode.workspace.isTrusted) return '';
    let q: RevisionQuery;
    try {
      q = JSON.parse(uri.query) as RevisionQuery;
    } catch {
      return '';
    }
    if (!q.rev) return '';
    try {
      return (await this.git().show(q.root, q.rev, q.path)) ?? '';
    } catch (e) {
      void vscode.window.showErrorMessage(`Prompt History: cannot read ${q.path} at ${q.rev.slice(0, 7)}: ${e instanceof Error ? e.message : String(e)}`);
      return '';
    }
  }
}

class HistoryTreeProvider implements vscode.TreeDataProvider<HistoryNode> {
  private readonly emitter = new vscode.EventEmitter<HistoryNode | undefined>();
  readonly onDidChangeTreeData = this.emitter.event;

  constructor(private readonly model: () => HistoryModel) {}

  fire(node?: HistoryNode): void {
    this.emitter.fire(node);
  }

  getChildren(element?: HistoryNode): HistoryNode[] {
    if (element || !vscode.workspace.isTrusted) return [];
    return this.model().children();
  }

  getTreeItem(node: HistoryNode): vscode.TreeItem {
    const it = this.model().item(node);
    const item = new vscode.TreeItem(it.label, vscode.TreeItemCollapsibleState.None);
    item.id = node.id;
    item.description = it.description;
    item.tooltip = it.tooltip ? new vscode.MarkdownString(it.tooltip) : undefined;
    item.contextValue = it.contextValue;
    item.iconPath = new vscode.ThemeIcon(it.icon);
    if (it.action === 'openDiff') item.command = { title: 'Compare with Working Copy', command: 'promptWorkbench.history.openDiff', arguments: [node] };
    if (it.action === 'loadMore') item.command = { title: 'Load More', command: 'promptWorkbench.history.loadMore', arguments: [] };
    return item;
  }
}

/** Resolves once the language client runs, or after `timeoutMs` (whatever its state then). */
function serverRunning(c: LanguageClient, timeoutMs: number): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      sub.dispose();
      resolve();
    };
    const timer = setTimeout(done, timeoutMs);
    const sub = c.onDidChangeState(() => {
      if (c.isRunning()) done();
    });
    if (c.isRunning()) done();
  });
}

export interface HistoryView extends vscode.Disposable {
  model: HistoryModel;
}

/**
 * The suite runner, from the test engine's bundle (dist/testing.js, with the provider SDKs),
 * looked up on the first "Compare Test Results" only.
 */
function bundledRunner(context: vscode.ExtensionContext): () => RunnerLookup {
  let found: RunnerLookup | undefined;
  return () => {
    if (found && 'runner' in found) return found;
    try {
      // A computed path: esbuild leaves this require alone, so the engine is not bundled twice.
      const mod = require(context.asAbsolutePath(path.join('dist', 'testing.js'))) as typeof import('../testing');
      found = { runner: mod.createSuiteRunner(context), readRecords: mod.readRunRecords };
    } catch (e) {
      found = { missing: `the test runner could not be loaded (${e instanceof Error ? e.message : String(e)}). Reinstall the extension, or run "prompt-workbench diff <prompt> <rev-a> <rev-b> --tests" in a terminal.` };
    }
    return found;
  };
}

export function registerHistoryView(context: vscode.ExtensionContext, client: () => LanguageClient | undefined, output: vscode.LogOutputChannel, runner: () => RunnerLookup = bundledRunner(context)): HistoryView {
  let git = gitFromSettings();
  const provider = new HistoryTreeProvider(() => model);
  const pageSize = () => vscode.workspace.getConfiguration('promptWorkbench.history').get<number>('pageSize') || DEFAULT_PAGE_SIZE;
  const makeModel = () =>
    new HistoryModel(
      {
        git,
        summarize: async (pairs, file) => {
          const c = client();
          // Right after start-up the view can ask before the server runs: wait for it a while
          // rather than showing "summary unavailable" until the next refresh.
          if (c && !c.isRunning()) await serverRunning(c, 30_000);
          if (!c?.isRunning()) return pairs.map(() => null);
          return c.sendRequest(ChangeSummaryRequest, { pairs, uri: vscode.Uri.file(file).toString() });
        },
        workingText: (file) => workingCopies.readText(toUri(file)).catch(() => undefined),
        isDirty: (file) => !!vscode.workspace.textDocuments.find((d) => d.uri.scheme === 'file' && d.uri.fsPath === file)?.isDirty,
        now: () => Date.now(),
        changed: (node) => {
          provider.fire(node);
          if (!node) updateViewText();
        },
      },
      { pageSize: pageSize() },
    );
  let model = makeModel();
  const view = vscode.window.createTreeView<HistoryNode>(VIEW_ID, { treeDataProvider: provider, canSelectMany: true, showCollapseAll: false });
  let stale = false;
  let editTimer: NodeJS.Timeout | undefined;

  function updateViewText(): void {
    void vscode.commands.executeCommand('setContext', 'promptWorkbench.history.hasFile', !!model.file);
    if (!vscode.workspace.isTrusted) {
      view.message = undefined;
      view.description = undefined;
      return;
    }
    view.message = model.message;
    view.description = model.file ? `${path.basename(model.file)}${model.repo ? ` · ${model.repo.branch ?? 'detached HEAD'}` : ''}` : undefined;
  }

  function activePrompt(): string | undefined {
    const doc = vscode.window.activeTextEditor?.document;
    return doc && doc.uri.scheme === 'file' && (isPromptLanguage(doc.languageId) || isAgentInstructionPath(doc.uri.path)) ? doc.uri.fsPath : undefined;
  }

  function follow(): void {
    if (!vscode.workspace.isTrusted) return updateViewText();
    const file = activePrompt();
    // Other editors (a `prompt-history:` version, a diff, a non-prompt file) keep the current history.
    if (!file || file === model.file) return;
    if (!view.visible) {
      stale = true;
      return;
    }
    void model.setFile(file);
  }

  function refresh(): void {
    if (!vscode.workspace.isTrusted) return;
    if (!view.visible) {
      stale = true;
      return;
    }
    stale = false;
    if (!model.file) void model.setFile(activePrompt());
    else void model.refresh();
  }

  function selected(node: HistoryNode | undefined, nodes: readonly HistoryNode[] | undefined): (CommitNode | WorkingNode)[] {
    const list = nodes && nodes.length ? nodes : view.selection.length ? view.selection : node ? [node] : [];
    return list.filter((n): n is CommitNode | WorkingNode => n.kind !== 'more');
  }

  async function openDiff(request: { left: DiffSide; right: DiffSide; title: string }): Promise<void> {
    await vscode.commands.executeCommand('vscode.diff', sideUri(request.left), sideUri(request.right), request.title, { preview: true });
  }

  function guard<A extends unknown[]>(what: string, fn: (...args: A) => Promise<void> | void): (...args: A) => Promise<void> {
    return async (...args: A) => {
      if (!vscode.workspace.isTrusted) {
        void vscode.window.showWarningMessage('Prompt History is off in Restricted Mode: trust this workspace to let it run git.');
        return;
      }
      try {
        await fn(...args);
      } catch (e) {
        const message = e instanceof GitError ? e.message : e instanceof Error ? e.message : String(e);
        output.error(`${what} failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
        void vscode.window.showErrorMessage(`Prompt History: ${message}`);
      }
    };
  }

  const revisions = new RevisionContentProvider(() => git);
  const outputs = new OutputContentProvider();
  const disposables: vscode.Disposable[] = [
    view,
    vscode.workspace.registerTextDocumentContentProvider(HISTORY_SCHEME, revisions),
    vscode.workspace.registerTextDocumentContentProvider(OUTPUT_SCHEME, outputs),
    // Reading two record files runs nothing, so it works in Restricted Mode too.
    vscode.commands.registerCommand('promptWorkbench.history.compareRunRecords', async () => {
      try {
        await compareRunRecordFiles(runner, outputs);
      } catch (e) {
        void vscode.window.showErrorMessage(`Compare Test Run Records: ${e instanceof Error ? e.message : String(e)}`);
      }
    }),
    vscode.commands.registerCommand(
      'promptWorkbench.history.compareTestResults',
      guard('Compare test results', async (node?: HistoryNode, nodes?: HistoryNode[]) => compareTestResults(model, selected(node, nodes), runner, outputs)),
    ),
    vscode.commands.registerCommand('promptWorkbench.history.refresh', guard('Refresh', () => refresh())),
    vscode.commands.registerCommand('promptWorkbench.history.show', async () => {
      await vscode.commands.executeCommand(`${VIEW_ID}.focus`);
      follow();
    }),
    vscode.commands.registerCommand('promptWorkbench.history.loadMore', guard('Load more', () => model.loadMore())),
    vscode.commands.registerCommand(
      'promptWorkbench.history.openDiff',
      guard('Compare with working copy', async (node?: HistoryNode) => {
        const target = selected(node, node ? [node] : undefined)[0];
        if (!target) return void vscode.window.showInformationMessage('Select a version in the Prompt History view first.');
        await openDiff(model.diffWithWorking(target));
      }),
    ),
    vscode.commands.registerCommand(
      'promptWorkbench.history.compareWithPrevious',
      guard('Compare with previous', async (node?: HistoryNode) => {
        const target = selected(node, node ? [node] : undefined)[0];
        if (!target) return void vscode.window.showInformationMessage('Select a version in the Prompt History view first.');
        await openDiff(model.diffWithPrevious(target));
      }),
    ),
    vscode.commands.registerCommand(
      'promptWorkbench.history.compareSelected',
      guard('Compare selected', async (node?: HistoryNode, nodes?: HistoryNode[]) => {
        const pair = selected(node, nodes);
        if (pair.length !== 2) return void vscode.window.showInformationMessage(`Select exactly two versions in the Prompt History view (Ctrl/Cmd+click), then run "Compare Selected"; ${pair.length} selected.`);
        await openDiff(model.diffBetween(pair[0], pair[1]));
      }),
    ),
    vscode.commands.registerCommand(
      'promptWorkbench.history.openVersion',
      guard('Open version', async (node?: HistoryNode) => {
        const target = selected(node, node ? [node] : undefined)[0];
        if (!target) return;
        const side = target.kind === 'working' ? undefined : model.diffWithPrevious(target).right;
        const uri = side ? sideUri(side) : vscode.Uri.file(model.file!);
        await vscode.window.showTextDocument(uri, { preview: true });
      }),
    ),
    vscode.window.onDidChangeActiveTextEditor(() => follow()),
    view.onDidChangeVisibility((e) => {
      if (!e.visible) return;
      const file = activePrompt();
      if (file && file !== model.file) void model.setFile(file);
      else if (stale || !model.file) refresh();
    }),
    vscode.workspace.onDidSaveTextDocument((d) => {
      if (d.uri.scheme === 'file' && d.uri.fsPath === model.file) refresh();
    }),
    // Typing in the prompt: the uncommitted entry and its summary follow, a second after the last edit.
    vscode.workspace.onDidChangeTextDocument((e) => {
      if (e.document.uri.scheme !== 'file' || e.document.uri.fsPath !== model.file || !e.contentChanges.length || !vscode.workspace.isTrusted) return;
      clearTimeout(editTimer);
      editTimer = setTimeout(() => void model.refreshWorking().catch((err: unknown) => output.error(`Prompt History: ${err instanceof Error ? err.message : String(err)}`)), 1000);
    }),
    { dispose: () => clearTimeout(editTimer) },
    // Commits, checkouts and pulls happen outside the editor: look again when the window regains focus.
    vscode.window.onDidChangeWindowState((s) => {
      if (s.focused && model.file) refresh();
    }),
    vscode.workspace.onDidGrantWorkspaceTrust(() => {
      updateViewText();
      refresh();
    }),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration('git.path') || e.affectsConfiguration('promptWorkbench.history')) {
        git = gitFromSettings();
        const file = model.file;
        model = makeModel();
        void model.setFile(file ?? activePrompt());
      }
    }),
  ];
  context.subscriptions.push(...disposables);
  updateViewText();
  if (view.visible && vscode.workspace.isTrusted) void model.setFile(activePrompt());
  return {
    get model() {
      return model;
    },
    dispose: () => disposables.forEach((d) => d.dispose()),
  };
}
