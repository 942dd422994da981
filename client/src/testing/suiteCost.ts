// "Prompt Workbench: Estimate Test Suite Cost": the fixture suites of the active prompt (or of the
// whole workspace) counted and priced before anything is sent, shown as a Markdown preview beside
// the editor. The engine (service/testing/suiteCost.ts) does the work; this is the door.
import * as path from 'node:path';
import * as vscode from 'vscode';
import { findFixtureFiles, projectRootOf, schemasIn } from '../workspaceFiles';
import { estimateSuiteCost, formatSuiteCost, loadSuite, type TestSuite } from '../../../server/src/service/testing';
import { loadPartialIndex } from '../../../server/src/node/workspaceReads';
import { NodeGit } from '../../../server/src/node/git';
import { isPromptLanguage } from '../../../server/src/languages';
import { editorValueReader } from './fileValues';
import { variantProfiles } from './items';
import { readTestSettings } from './settings';

const git = new NodeGit();
/** Revisions of prompt variants (`a.prompt@HEAD~1`) are read with git only in a trusted workspace, as the Test Explorer does. */
const suiteOptions = () => (vscode.workspace.isTrusted ? { git } : {});

export const SUITE_COST_SCHEME = 'prompt-suite-cost';

/** The reports shown, by URI (the preview reads them back through the content provider). */
class Reports implements vscode.TextDocumentContentProvider {
  private readonly texts = new Map<string, string>();
  private readonly emitter = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.emitter.event;
  set(uri: vscode.Uri, text: string): void {
    this.texts.set(uri.toString(), text);
    this.emitter.fire(uri);
  }
  provideTextDocumentContent(uri: vscode.Uri): string {
    return this.texts.get(uri.toString()) ?? '# Test suite cost estimate\n\nRun "Prompt Workbench: Estimate Test Suite Cost" again.\n';
  }
  dispose(): void {
    this.emitter.dispose();
  }
}

async function readText(uri: string): Promise<string> {
  const open = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri);
  if (open) return open.getText();
  return new TextDecoder().decode(await vscode.workspace.fs.readFile(vscode.Uri.parse(uri)));
}

const rootOf = projectRootOf;

/** The prompt the user is looking at: a `.prompt` file, or the prompt a fixture file tests. */
async function activePrompt(): Promise<vscode.Uri | undefined> {
  const doc = vscode.window.activeTextEditor?.document;
  if (!doc || doc.uri.scheme !== 'file') return undefined;
  if (isPromptLanguage(doc.languageId)) return doc.uri;
  if (/\.tests\.ya?ml$/i.test(doc.uri.path)) {
    const suite = await loadSuite(doc.uri.toString(), rootOf(doc.uri), readText, doc.getText()).catch(() => undefined);
    return suite ? vscode.Uri.parse(suite.fixture.promptUri) : undefined;
  }
  return undefined;
}

export function registerSuiteCost(output: vscode.LogOutputChannel): vscode.Disposable {
  const reports = new Reports();
  let count = 0;
  const command = vscode.commands.registerCommand('promptWorkbench.test.estimateCost', async (arg?: vscode.Uri) => {
    // From an editor's title or context menu the prompt comes as the argument; from the palette,
    // with a prompt open, ask which scope; without one, the whole workspace.
    let prompt: vscode.Uri | undefined = arg instanceof vscode.Uri ? arg : undefined;
    if (!prompt) {
      const active = await activePrompt();
      if (active) {
        const name = path.basename(active.fsPath);
        const pick = await vscode.window.showQuickPick(
          [
            { label: 'This prompt', description: name, scope: 'prompt' as const },
            { label: 'All prompts in the workspace', description: 'every *.tests.yaml', scope: 'workspace' as const },
          ],
          { title: 'Estimate Test Suite Cost', placeHolder: 'Which test suites?' },
        );
        if (!pick) return;
        prompt = pick.scope === 'prompt' ? active : undefined;
      }
    }
    const scope = prompt ? path.basename(prompt.fsPath) : 'all prompts in the workspace';
    try {
      const text = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `Estimating the test suite cost of ${scope}`, cancellable: true }, async (progress, token) => {
        const controller = new AbortController();
        const sub = token.onCancellationRequested(() => controller.abort());
        try {
          const files = await findFixtureFiles(token);
          const suites: TestSuite[] = [];
          for (const file of files.sort((a, b) => a.fsPath.localeCompare(b.fsPath))) {
            if (token.isCancellationRequested) return undefined;
            const suite = await loadSuite(file.toString(), rootOf(file), readText, undefined, suiteOptions()).catch((e: Error) => {
              output.warn(`Estimate Test Suite Cost: ${vscode.workspace.asRelativePath(file)} cannot be read: ${e.message}`);
              return undefined;
            });
            if (suite && (!prompt || suite.fixture.promptUri === prompt.toString())) suites.push(suite);
          }
          if (!suites.length) {
            void vscode.window.showInformationMessage(prompt ? `${scope} has no test cases: add a ${scope.replace(/\.prompt$/, '')}.tests.yaml beside it (see docs/testing.md).` : 'No fixture files (*.tests.yaml) in this workspace.');
            return undefined;
          }
          // Suites with `matrix:` models or `variants:` prompts: the estimate of a plain run (each case
          // once, as the Test Explorer's Run), or of every variant (as "Run all variants" and the CLI).
          let everyVariant = false;
          const variants = variantProfiles(suites).length - 1;
          if (variants > 1) {
            const choice = await vscode.window.showQuickPick(
              [
                { label: 'Every variant', description: `${variants} matrix and prompt variants, as "Run all variants" and \`prompt-workbench test\``, every: true },
                { label: 'Each case once', description: 'as the Test Explorer\'s Run', every: false },
              ],
              { title: 'Estimate Test Suite Cost', placeHolder: 'These suites have variants: which run to estimate?' },
            );
            if (!choice) return undefined;
            everyVariant = choice.every;
          }
          const settings = readTestSettings(vscode.Uri.parse(suites[0].fixture.uri));
          const folders = vscode.workspace.workspaceFolders?.map((f) => f.uri.fsPath) ?? [];
          let last = 0;
          const schemas = await schemasIn(suites.map((s) => s.fixture.uri));
          const estimate = await estimateSuiteCost(suites, {
            readText: editorValueReader(),
            analysis: { partials: await loadPartialIndex([...folders, ...suites.map((s) => path.dirname(vscode.Uri.parse(s.fixture.uri).fsPath))]) },
            schemasFor: (s) => schemas.get(s.fixture.uri),
            catalogue: settings.catalogue,
            // The Test Explorer's judge (llm-rubric calls are counted).
            judge: settings.judge,
            ...(everyVariant ? { plan: { matrix: true } } : {}),
            signal: controller.signal,
            onProgress: (done, total) => {
              const pct = Math.floor((done / total) * 100);
              if (pct > last) {
                progress.report({ increment: pct - last, message: `${done} of ${total} case runs` });
                last = pct;
              }
            },
          });
          if (estimate.cancelled) return undefined;
          return formatSuiteCost(estimate, 'markdown', scope);
        } finally {
          sub.dispose();
        }
      });
      if (!text) return;
      const uri = vscode.Uri.from({ scheme: SUITE_COST_SCHEME, path: `/Test suite cost ${++count}.md` });
      reports.set(uri, text);
      try {
        await vscode.commands.executeCommand('markdown.showPreviewToSide', uri);
      } catch {
        // No Markdown preview (a minimal editor): show the Markdown text itself.
        const doc = await vscode.workspace.openTextDocument(uri);
        await vscode.window.showTextDocument(await vscode.languages.setTextDocumentLanguage(doc, 'markdown'), { viewColumn: vscode.ViewColumn.Beside, preview: true });
      }
    } catch (e) {
      output.error(`Estimate Test Suite Cost failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
      void vscode.window.showErrorMessage(`Estimating the test suite cost failed: ${e instanceof Error ? e.message : String(e)}. See the output channel "Prompt Workbench".`);
    }
  });
  return vscode.Disposable.from(command, vscode.workspace.registerTextDocumentContentProvider(SUITE_COST_SCHEME, reports), reports);
}
