// The extension host's searches and project roots, through the same Node host the server and the
// CLI use: one skip list (the built-in folders plus `files.exclude` of the project config), and
// case ids relative to the project root, as `prompt-workbench test` makes them.
import * as path from 'node:path';
import * as vscode from 'vscode';
import { createNodeHost, toUri } from '../../server/src/node/host';
import { findProjectRoot, ProjectConfigs, FIXTURE_GLOBS, type SchemaLibrary } from '../../server/src/service';
import { EMBEDDED_TEST_GLOBS } from '../../server/src/service/testing/embedded';

function fileFolders(): vscode.WorkspaceFolder[] {
  return (vscode.workspace.workspaceFolders ?? []).filter((f) => f.uri.scheme === 'file');
}

function openText(uri: string): string | undefined {
  return vscode.workspace.textDocuments.find((d) => d.uri.toString() === vscode.Uri.parse(uri).toString())?.getText();
}

/** The fixture files of the workspace's folders, skipping what every other search skips. */
export async function findFixtureFiles(token?: vscode.CancellationToken): Promise<vscode.Uri[]> {
  const out: vscode.Uri[] = [];
  for (const folder of fileFolders()) {
    if (token?.isCancellationRequested) break;
    const probe = createNodeHost({ roots: [folder.uri.toString()], openText });
    const config = await new ProjectConfigs(probe).configFor(path.join(folder.uri.fsPath, '.folder')).catch(() => undefined);
    const host = createNodeHost({ roots: [folder.uri.toString()], openText, exclude: config?.exclude ?? [] });
    const found = await host.findFiles([...FIXTURE_GLOBS, ...EMBEDDED_TEST_GLOBS], { token }).catch(() => [] as string[]);
    out.push(...found.map((u) => vscode.Uri.parse(u)));
  }
  return out.sort((a, b) => a.fsPath.localeCompare(b.fsPath));
}

/**
 * What case ids are relative to: the project root of the file (its nearest project config, else
 * its git root) when that lies inside the file's workspace folder, else the workspace folder.
 */
export function projectRootOf(uri: vscode.Uri): string {
  const folder = vscode.workspace.getWorkspaceFolder(uri)?.uri;
  if (uri.scheme !== 'file') return (folder ?? uri.with({ path: path.posix.dirname(uri.path) })).toString();
  const host = createNodeHost({ openText });
  const found = findProjectRoot(path.dirname(uri.fsPath), (p) => host.exists(p));
  const inside = folder && (found.root === folder.fsPath || found.root.startsWith(folder.fsPath + path.sep));
  if (found.reason !== 'start' && (inside || !folder)) return toUri(found.root);
  return (folder ?? vscode.Uri.file(path.dirname(uri.fsPath))).toString();
}

/** The fixture files whose project config turns `javascript` assertions off (`testing.javascript: false`). */
export async function javascriptOffIn(fixtureUris: readonly string[]): Promise<Set<string>> {
  const configs = new ProjectConfigs(createNodeHost({ roots: fileFolders().map((f) => f.uri.toString()), openText }));
  const off = new Set<string>();
  for (const uri of fixtureUris) {
    if (!uri.startsWith('file:')) continue;
    const config = await configs.configFor(uri).catch(() => undefined);
    if (config?.testing?.javascript === false) off.add(uri);
  }
  return off;
}

/** The named schemas (`schemas:` of the project config) that apply to each file, by URI. */
export async function schemasIn(uris: readonly string[]): Promise<Map<string, SchemaLibrary | undefined>> {
  const configs = new ProjectConfigs(createNodeHost({ roots: fileFolders().map((f) => f.uri.toString()), openText }));
  const out = new Map<string, SchemaLibrary | undefined>();
  for (const uri of uris) if (uri.startsWith('file:')) out.set(uri, (await configs.schemasFor(uri).catch(() => undefined))?.library);
  return out;
}
