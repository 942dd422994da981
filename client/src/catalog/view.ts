// The Prompt Catalogue view: every prompt of the workspace, all formats, grouped by status, owner,
// format or folder, with a filter. The rows come from the language server once, then as changes
// (one row per changed file), so the view never rescans the workspace. Big groups open a page at
// a time. The tree's shape is model.ts (plain, tested); this file only draws it and wires commands.
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { CatalogChangedNotification, CatalogRequest, type CatalogChange, type CatalogRow } from '../../../server/src/protocol';
import { CatalogRows, GROUP_BYS, groupChildren, groupRows, parseQuery, rowPresentation, type GroupBy, type Group, type Node } from './model';

export const CATALOG_VIEW_ID = 'promptWorkbench.catalog';
const GROUP_KEY = 'promptWorkbench.catalog.groupBy';

class Provider implements vscode.TreeDataProvider<Node> {
  private readonly emitter = new vscode.EventEmitter<Node | undefined>();
  readonly onDidChangeTreeData = this.emitter.event;
  groups: Group[] = [];
  private readonly pages = new Map<string, number>();

  constructor(
    private readonly rows: CatalogRows,
    public groupBy: GroupBy,
    public filter: string,
  ) {}

  refresh(): void {
    this.groups = groupRows(this.rows.all(), this.groupBy, parseQuery(this.filter));
    this.emitter.fire(undefined);
  }

  more(group: Group): void {
    this.pages.set(group.id, (this.pages.get(group.id) ?? 1) + 1);
    this.emitter.fire(undefined);
  }

  getTreeItem(node: Node): vscode.TreeItem {
    if (node.kind === 'group') {
      const item = new vscode.TreeItem(node.group.label, vscode.TreeItemCollapsibleState.Expanded);
      item.id = node.group.id;
      item.description = `${node.group.rows.length}`;
      item.contextValue = 'catalogGroup';
      return item;
    }
    if (node.kind === 'more') {
      const item = new vscode.TreeItem(`Show more (${node.group.rows.length - node.shown} of ${node.group.rows.length})`);
      item.command = { title: 'Show more', command: 'promptWorkbench.catalog.showMore', arguments: [node.group.id] };
      return item;
    }
    const p = rowPresentation(node.row, this.groupBy);
    const item = new vscode.TreeItem(p.label);
    item.id = `${this.groupBy}:${node.row.uri}`;
    item.description = p.description;
    item.tooltip = p.tooltip;
    item.resourceUri = vscode.Uri.parse(node.row.uri);
    item.iconPath = new vscode.ThemeIcon(p.icon === 'pass' ? 'pass' : p.icon === 'error' ? 'error' : p.icon === 'warning' ? 'warning' : 'circle-outline');
    item.contextValue = 'catalogPrompt';
    item.command = { title: 'Open', command: 'vscode.open', arguments: [vscode.Uri.parse(node.row.uri)] };
    return item;
  }

  getChildren(node?: Node): Node[] {
    if (!node) return this.groups.map((group) => ({ kind: 'group', group }));
    if (node.kind === 'group') return groupChildren(node.group, this.pages.get(node.group.id) ?? 1);
    return [];
  }
}

function rowOf(node: Node | undefined, view: vscode.TreeView<Node>): CatalogRow | undefined {
  const n = node ?? view.selection[0];
  return n?.kind === 'row' ? n.row : undefined;
}

export function registerCatalogView(context: vscode.ExtensionContext, client: () => LanguageClient | undefined, output: vscode.LogOutputChannel): void {
  const rows = new CatalogRows();
  const stored = context.workspaceState.get<string>(GROUP_KEY);
  const provider = new Provider(rows, (GROUP_BYS as readonly string[]).includes(stored ?? '') ? (stored as GroupBy) : 'status', '');
  const view = vscode.window.createTreeView<Node>(CATALOG_VIEW_ID, { treeDataProvider: provider, showCollapseAll: true });
  let timer: NodeJS.Timeout | undefined;

  const describe = () => {
    view.description = `by ${provider.groupBy}${provider.filter ? ` · ${provider.filter}` : ''}`;
    view.message = !rows.ready ? 'Cataloguing the prompt files…' : rows.size ? undefined : 'No prompt files in this workspace.';
    void vscode.commands.executeCommand('setContext', 'promptWorkbench.catalog.filtered', !!provider.filter);
  };
  const redraw = () => {
    provider.refresh();
    describe();
  };
  // Changes come in bursts (a checkout): one redraw per burst.
  const soon = () => {
    if (timer) return;
    timer = setTimeout(() => {
      timer = undefined;
      redraw();
    }, 100);
  };

  let subscribed: LanguageClient | undefined;
  const load = async () => {
    const c = client();
    if (!c?.isRunning()) return;
    if (subscribed !== c) {
      subscribed = c;
      context.subscriptions.push(
        c.onNotification(CatalogChangedNotification.method, (change: CatalogChange) => {
          rows.apply(change);
          if (change.reset) rows.ready = true;
          soon();
        }),
      );
    }
    try {
      const snapshot = await c.sendRequest(CatalogRequest);
      rows.reset(snapshot.rows);
      rows.ready = snapshot.ready || rows.ready;
      redraw();
    } catch (e) {
      output.warn(`The prompt catalogue could not be read: ${e instanceof Error ? e.message : String(e)}`);
    }
  };

  const tryLoad = () => {
    const c = client();
    if (!c) return;
    if (c.isRunning()) void load();
    else {
      const sub = c.onDidChangeState(() => {
        if (c.isRunning()) {
          sub.dispose();
          void load();
        }
      });
      context.subscriptions.push(sub);
    }
  };
  describe();
  if (view.visible) tryLoad();
  context.subscriptions.push(
    view,
    view.onDidChangeVisibility((e) => {
      if (e.visible && !subscribed) tryLoad();
    }),
    vscode.commands.registerCommand('promptWorkbench.catalog.show', async () => {
      await vscode.commands.executeCommand(`${CATALOG_VIEW_ID}.focus`);
      if (!subscribed) tryLoad();
    }),
    vscode.commands.registerCommand('promptWorkbench.catalog.groupBy', async (by?: GroupBy) => {
      const pick = by ?? (await vscode.window.showQuickPick(GROUP_BYS.map((g) => ({ label: g, description: g === provider.groupBy ? 'current' : undefined })), { placeHolder: 'Group the prompt catalogue by' }))?.label;
      if (!pick || !(GROUP_BYS as readonly string[]).includes(pick)) return;
      provider.groupBy = pick as GroupBy;
      void context.workspaceState.update(GROUP_KEY, pick);
      redraw();
    }),
    vscode.commands.registerCommand('promptWorkbench.catalog.filter', async (text?: string) => {
      const value = typeof text === 'string' ? text : await vscode.window.showInputBox({ title: 'Filter the prompt catalogue', value: provider.filter, prompt: 'Words, and status:NAME owner:NAME kind:FORMAT (comma-separate values). Empty shows every prompt.' });
      if (value === undefined) return;
      provider.filter = value.trim();
      redraw();
    }),
    vscode.commands.registerCommand('promptWorkbench.catalog.clearFilter', () => {
      provider.filter = '';
      redraw();
    }),
    vscode.commands.registerCommand('promptWorkbench.catalog.refresh', () => {
      subscribed = undefined;
      tryLoad();
    }),
    vscode.commands.registerCommand('promptWorkbench.catalog.showMore', (groupId: string) => {
      const group = provider.groups.find((g) => g.id === groupId);
      if (group) provider.more(group);
    }),
    vscode.commands.registerCommand('promptWorkbench.catalog.runTests', async (node?: Node) => {
      const row = rowOf(node, view);
      if (row) await vscode.commands.executeCommand('promptWorkbench.test.runItem', row.uri, false);
    }),
    vscode.commands.registerCommand('promptWorkbench.catalog.showHistory', async (node?: Node) => {
      const row = rowOf(node, view);
      if (!row) return;
      await vscode.window.showTextDocument(vscode.Uri.parse(row.uri), { preview: true });
      await vscode.commands.executeCommand('promptWorkbench.history.show');
    }),
    vscode.commands.registerCommand('promptWorkbench.catalog.copyPath', async (node?: Node) => {
      const row = rowOf(node, view);
      if (row) await vscode.env.clipboard.writeText(row.path);
    }),
  );
}
