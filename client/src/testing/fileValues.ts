// The editor's reader for the `file://` values of fixture files, shared by test runs, the suite
// cost estimate and "Compare Test Results": the same guard as the language server and the command
// line (project root bounded by the workspace folder, `fixtures.allow`, the size cap), and nothing
// read while the workspace is not trusted.
import * as vscode from 'vscode';
import { createNodeHost } from '../../../server/src/node/host';
import { ProjectConfigs } from '../../../server/src/service/project';
import { fileValueAccess, guardedReader, type ValueReader } from '../../../server/src/service/testing';

export function editorValueReader(): ValueReader {
  const folders = () => vscode.workspace.workspaceFolders?.map((f) => f.uri.toString()) ?? [];
  const host = createNodeHost({ roots: folders, openText: (uri) => vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri)?.getText() });
  const configs = new ProjectConfigs(host);
  return guardedReader(fileValueAccess(host, { trusted: vscode.workspace.isTrusted, configFor: (file) => configs.configFor(file), workspaceFolders: folders }));
}
