// Picking a run record in the editor: the workspace's records listed newest first with what each
// counted (client/src/testing/recordList.ts), "Browse…" for one elsewhere, a file dialog when there
// are none. Used by "Open Test Run Record…", "Replay Case from Run Record…" and "Compare Test Run Records".
import { open } from 'node:fs/promises';
import * as vscode from 'vscode';
import { firstLineOf, recordItems, type RecordFile, type RecordItem } from './recordList';
import { readTestSettings } from './settings';

/** How many records (the newest, by name) have their run header read for the list; older ones show their names. */
const HEADERS_READ = 50;
/** Bytes read from a record for its first line (a run header is a few hundred bytes). */
const HEADER_BYTES = 16 * 1024;

async function firstLineOfFile(uri: vscode.Uri): Promise<string | undefined> {
  try {
    if (uri.scheme !== 'file') return firstLineOf(new TextDecoder().decode(await vscode.workspace.fs.readFile(uri)));
    const handle = await open(uri.fsPath, 'r');
    try {
      const buffer = Buffer.alloc(HEADER_BYTES);
      const { bytesRead } = await handle.read(buffer, 0, HEADER_BYTES, 0);
      return firstLineOf(buffer.subarray(0, bytesRead).toString('utf8'));
    } finally {
      await handle.close();
    }
  } catch {
    return undefined;
  }
}

/** The workspace's run records (the records folder of the first folder), newest first, with their headers. */
export async function listRunRecords(): Promise<{ items: (RecordItem & { uri: vscode.Uri })[]; folder?: vscode.Uri }> {
  const folder = vscode.workspace.workspaceFolders?.[0];
  if (!folder) return { items: [] };
  const settings = readTestSettings(folder.uri);
  const dir = vscode.Uri.joinPath(folder.uri, settings.recordsFolder);
  const pattern = `${settings.recordsFolder.replace(/\\/g, '/').replace(/^\.\//, '').replace(/\/+$/, '')}/**/*.jsonl`;
  const found = await vscode.workspace.findFiles(new vscode.RelativePattern(folder, pattern));
  const byName = found.map((uri) => ({ uri, name: uri.path.slice(uri.path.lastIndexOf('/') + 1) })).sort((a, b) => (a.name < b.name ? 1 : -1));
  const files: (RecordFile & { uri: vscode.Uri })[] = await Promise.all(
    byName.map(async ({ uri, name }, i) => ({ uri, name, relative: vscode.workspace.asRelativePath(uri, false), firstLine: i < HEADERS_READ ? await firstLineOfFile(uri) : undefined })),
  );
  return { items: recordItems(files).map((item) => ({ ...item, uri: (item.file as RecordFile & { uri: vscode.Uri }).uri })), folder: dir };
}

/**
 * One run record: picked from the list of the workspace's records (newest first, "Browse…" for a
 * file elsewhere), or from a file dialog when the workspace has none.
 */
export async function pickRunRecord(title: string): Promise<vscode.Uri | undefined> {
  const { items, folder } = await listRunRecords();
  const browse = async () => (await vscode.window.showOpenDialog({ title, defaultUri: folder, canSelectMany: false, filters: { 'Run records': ['jsonl'] } }))?.[0];
  if (!items.length) return browse();
  type Pick = vscode.QuickPickItem & { uri?: vscode.Uri; browse?: boolean };
  const picks: Pick[] = [
    ...items.map((i): Pick => ({ label: i.label, description: i.description, detail: i.detail, uri: i.uri })),
    { label: '', kind: vscode.QuickPickItemKind.Separator },
    { label: '$(folder-opened) Browse…', description: 'a run record from another folder', browse: true },
  ];
  const chosen = await vscode.window.showQuickPick(picks, { title, placeHolder: 'The run records of this workspace, newest first', matchOnDescription: true, matchOnDetail: true });
  if (!chosen) return undefined;
  return chosen.browse ? browse() : chosen.uri;
}
