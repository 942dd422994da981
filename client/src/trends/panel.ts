// "Prompt Workbench: Show Prompt Trends": a webview in the editor area with the active prompt's
// trends over its run records (the records folder of its workspace folder). Thin: the records are
// read with `vscode.workspace.fs`, the engine computes the trends (history/trends.ts) and builds
// the page (history/trendsHtml.ts), dist/charts.js draws the charts in the theme's colours. It
// runs nothing and sends nothing, so it works in Restricted Mode too. It refreshes when a record
// is written.
import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';
import { promptTrends, trendRecordFromText, type TrendRecord } from '../../../server/src/service/history/trends';
import { trendsHtml } from '../../../server/src/service/history/trendsHtml';
import { readTestSettings } from '../testing/settings';
import { newestRecordNames, trendsOfFile } from './select';

/** Record files read at most (the newest): a few thousand lines each at most in practice. */
const MAX_RECORDS = 500;

interface Target {
  folder: vscode.WorkspaceFolder;
  /** The prompt, relative to the folder; undefined: every prompt. */
  relativePath?: string;
}

function targetOf(uri: vscode.Uri | undefined): Target | undefined {
  const active = uri ?? vscode.window.activeTextEditor?.document.uri;
  const folder = (active && vscode.workspace.getWorkspaceFolder(active)) ?? vscode.workspace.workspaceFolders?.[0];
  if (!folder) return undefined;
  const isPrompt = active && /\.(prompt|prompty|prompt\.ya?ml)$/.test(active.path) && vscode.workspace.getWorkspaceFolder(active);
  return { folder, relativePath: isPrompt ? vscode.workspace.asRelativePath(active, false) : undefined };
}

async function readRecords(dir: vscode.Uri): Promise<{ records: TrendRecord[]; problems: string[]; found: boolean }> {
  let entries: [string, vscode.FileType][];
  try {
    entries = await vscode.workspace.fs.readDirectory(dir);
  } catch {
    return { records: [], problems: [], found: false };
  }
  const records: TrendRecord[] = [];
  const problems: string[] = [];
  for (const name of newestRecordNames(entries.filter(([, t]) => t === vscode.FileType.File).map(([n]) => n), MAX_RECORDS)) {
    const text = new TextDecoder().decode(await vscode.workspace.fs.readFile(vscode.Uri.joinPath(dir, name)));
    const r = trendRecordFromText(name, text);
    problems.push(...r.problems.map((p) => `${name}: ${p}`));
    if (r.record) records.push(r.record);
  }
  return { records, problems, found: true };
}

export class TrendsPanel implements vscode.Disposable {
  private panel: vscode.WebviewPanel | undefined;
  private target: Target | undefined;
  private watcher: vscode.FileSystemWatcher | undefined;
  private pending: NodeJS.Timeout | undefined;

  constructor(private readonly extensionUri: vscode.Uri) {}

  async show(uri?: vscode.Uri): Promise<void> {
    this.target = targetOf(uri);
    if (!this.target) {
      void vscode.window.showInformationMessage('Prompt Trends reads the run records of a workspace folder: open a folder first.');
      return;
    }
    const title = this.target.relativePath ? `Trends: ${this.target.relativePath.split('/').pop()}` : 'Prompt Trends';
    if (!this.panel) {
      this.panel = vscode.window.createWebviewPanel('promptWorkbench.trends', title, vscode.ViewColumn.Active, { enableScripts: true, localResourceRoots: [vscode.Uri.joinPath(this.extensionUri, 'dist')] });
      this.panel.onDidDispose(() => {
        this.panel = undefined;
        this.watcher?.dispose();
        this.watcher = undefined;
      });
    } else {
      this.panel.title = title;
      this.panel.reveal();
    }
    this.watch();
    await this.render();
  }

  private recordsDir(): vscode.Uri {
    const folder = this.target!.folder;
    return vscode.Uri.joinPath(folder.uri, readTestSettings(folder.uri).recordsFolder);
  }

  /** A record written while the view is open redraws it (once per burst of writes). */
  private watch(): void {
    this.watcher?.dispose();
    const folder = this.target!.folder;
    this.watcher = vscode.workspace.createFileSystemWatcher(new vscode.RelativePattern(folder, `${readTestSettings(folder.uri).recordsFolder.replace(/\\/g, '/').replace(/\/$/, '')}/*.jsonl`));
    const later = () => {
      clearTimeout(this.pending);
      this.pending = setTimeout(() => void this.render(), 500);
    };
    this.watcher.onDidCreate(later);
    this.watcher.onDidChange(later);
  }

  private async render(): Promise<void> {
    const panel = this.panel;
    const target = this.target;
    if (!panel || !target) return;
    const dir = this.recordsDir();
    const { records, problems, found } = await readRecords(dir);
    const trends = trendsOfFile(promptTrends(records), target.relativePath);
    const nonce = randomBytes(16).toString('base64');
    const where = vscode.workspace.asRelativePath(dir, false);
    panel.webview.html = trendsHtml({
      title: target.relativePath ? `Prompt trends: ${target.relativePath}` : 'Prompt trends',
      subtitle: found ? `${records.length} run record${records.length === 1 ? '' : 's'} in ${where}` : `No run records yet: ${where} does not exist. Run the prompt's tests (Test Explorer) to record results.`,
      trends,
      problems,
      script: { src: panel.webview.asWebviewUri(vscode.Uri.joinPath(this.extensionUri, 'dist', 'charts.js')).toString(), nonce, cspSource: panel.webview.cspSource },
    });
  }

  dispose(): void {
    clearTimeout(this.pending);
    this.watcher?.dispose();
    this.panel?.dispose();
  }
}

export function registerTrends(context: vscode.ExtensionContext): vscode.Disposable {
  const trends = new TrendsPanel(context.extensionUri);
  return vscode.Disposable.from(
    trends,
    vscode.commands.registerCommand('promptWorkbench.trends.show', async (uri?: unknown) => {
      try {
        await trends.show(uri instanceof vscode.Uri ? uri : undefined);
      } catch (e) {
        void vscode.window.showErrorMessage(`Prompt Trends: ${e instanceof Error ? e.message : String(e)}`);
      }
    }),
  );
}
