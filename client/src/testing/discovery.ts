// Finds the workspace's fixture files, keeps the loaded suites and the Test Explorer's items
// (planned in items.ts) current, and maps items to the jobs they run.
import * as path from 'node:path';
import * as vscode from 'vscode';
import { findFixtureFiles, projectRootOf } from '../workspaceFiles';
import { loadSuite, type CaseJob, type TestSuite } from '../../../server/src/service/testing';
import { NodeGit } from '../../../server/src/node/git';
import { jobsForRun, planItems, type ItemData, type ItemNode, type VariantProfile } from './items';

/** A file's text: the open document's (unsaved edits count), else the file's. */
export async function readText(uri: string): Promise<string> {
  const open = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri);
  if (open) return open.getText();
  return new TextDecoder().decode(await vscode.workspace.fs.readFile(vscode.Uri.parse(uri)));
}

const rootOf = projectRootOf;
const git = new NodeGit();

export class TestTree {
  /** The suites of the last discovery, by fixture URI. */
  readonly suites = new Map<string, TestSuite>();
  private readonly data = new WeakMap<vscode.TestItem, ItemData>();
  private refreshTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly controller: vscode.TestController,
    private readonly output: vscode.LogOutputChannel,
    private readonly onDiscovered: () => void,
  ) {}

  /** Discovers again once file events stop coming for 300 ms. */
  scheduleRefresh(): void {
    clearTimeout(this.refreshTimer);
    this.refreshTimer = setTimeout(() => void this.discover(), 300);
  }

  async discover(): Promise<void> {
    try {
      const files = await findFixtureFiles();
      this.suites.clear();
      const fileUris = new Map<string, vscode.Uri>();
      for (const file of files.sort((a, b) => a.fsPath.localeCompare(b.fsPath))) {
        // Revisions of prompt variants (`a.prompt@HEAD~1`) are read with git only in a trusted workspace.
        const suite = await loadSuite(file.toString(), rootOf(file), readText, undefined, vscode.workspace.isTrusted ? { git } : {});
        // A prompt file without test data (GitHub Models files may have none) has no tests to show.
        if (suite.fixture.uri === suite.fixture.promptUri && !suite.fixture.cases.length) continue;
        this.suites.set(file.toString(), suite);
        fileUris.set(file.toString(), file);
      }
      this.controller.items.replace(planItems(this.suites.values()).map((node) => this.createItem(node, fileUris)));
      this.onDiscovered();
    } catch (e) {
      this.output.error(`Discovering prompt tests failed: ${e instanceof Error ? e.message : String(e)}`);
    }
  }

  async discoverIfEmpty(): Promise<void> {
    if (this.controller.items.size === 0) await this.discover();
  }

  private createItem(node: ItemNode, fileUris: ReadonlyMap<string, vscode.Uri>): vscode.TestItem {
    const item = this.controller.createTestItem(node.id, node.label, fileUris.get(node.uri) ?? vscode.Uri.parse(node.uri));
    item.range = new vscode.Range(node.line, 0, node.line, 0);
    if (node.description !== undefined) item.description = node.description;
    if (node.error !== undefined) item.error = node.error;
    this.data.set(item, node.data);
    for (const child of node.children) item.children.add(this.createItem(child, fileUris));
    return item;
  }

  /** The items for job ids, for results and for replaying records. */
  itemsByJob(): Map<string, vscode.TestItem> {
    const out = new Map<string, vscode.TestItem>();
    const walk = (item: vscode.TestItem) => {
      const d = this.data.get(item);
      // A case's first repeat shares the case's job id: the child, visited after, wins.
      if (d?.jobId) out.set(d.jobId, item);
      item.children.forEach(walk);
    };
    this.controller.items.forEach(walk);
    return out;
  }

  /** The jobs a run request means, in plan order (with a variant profile: the variants it runs). */
  selectJobs(request: vscode.TestRunRequest, profile?: VariantProfile): CaseJob[] {
    let included: ItemData[] | undefined;
    if (request.include) {
      const list: ItemData[] = [];
      const add = (item: vscode.TestItem) => {
        const d = this.data.get(item);
        if (!d) return;
        if (d.kind === 'prompt') item.children.forEach(add);
        else list.push(d);
      };
      request.include.forEach(add);
      included = list;
    }
    const excluded: ItemData[] = [];
    const exclude = (item: vscode.TestItem) => {
      const d = this.data.get(item);
      if (d) excluded.push(d);
      item.children.forEach(exclude);
    };
    request.exclude?.forEach(exclude);
    return jobsForRun([...this.suites.values()], included, excluded, profile);
  }

  /** The item with this id (a prompt's or a case's, as the code lenses name them). */
  find(id: string): vscode.TestItem | undefined {
    let found: vscode.TestItem | undefined;
    const walk = (item: vscode.TestItem) => {
      if (item.id === id) found = item;
      else item.children.forEach(walk);
    };
    this.controller.items.forEach(walk);
    return found;
  }
}
