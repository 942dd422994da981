// The suite runner behind "Compare Test Results" in the editor: the prompt's fixture suites run
// against one version's text with the Test Explorer's settings, keys (SecretStorage) and
// providers, reusing recorded results of the same text. Bundled into dist/testing.js (the
// test engine's bundle), so the history view itself carries no engine or provider SDK.
import * as path from 'node:path';
import * as vscode from 'vscode';
import { findFixtureFiles, javascriptOffIn, projectRootOf } from '../workspaceFiles';
import { runRecordsFromFile, runVersionTests } from '../../../server/src/service/history/versionTests';
import { JAVASCRIPT_OFF_BY_CONFIG, ResponseCache } from '../../../server/src/service/testing';
import { nodeFileStore } from '../../../server/src/node/host';
import { loadPartialIndex } from '../../../server/src/node/workspaceReads';
import { VERSION } from '../../../server/src/version';
import { editorValueReader } from '../testing/fileValues';
import { editorProviders } from '../testing/providers';
import { readTestSettings } from '../testing/settings';
import type { SuiteRunner } from './testResults';

async function readText(uri: string): Promise<string> {
  const open = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri);
  if (open) return open.getText();
  return new TextDecoder().decode(await vscode.workspace.fs.readFile(vscode.Uri.parse(uri)));
}

export function createSuiteRunner(context: vscode.ExtensionContext): SuiteRunner {
  return {
    async run(version, { signal, progress, provider }) {
      const uri = vscode.Uri.file(version.file);
      const folder = vscode.workspace.getWorkspaceFolder(uri);
      const root = folder?.uri ?? vscode.Uri.file(path.dirname(version.file));
      const settings = readTestSettings(uri);
      // The history view runs only in a trusted workspace (see view.ts).
      const providers = await editorProviders(context.secrets, settings, vscode.workspace.isTrusted);
      const { secrets } = providers;
      const fixtures = await findFixtureFiles();
      const javascriptOff = await javascriptOffIn(fixtures.map((f) => f.toString()));
      const folders = vscode.workspace.workspaceFolders?.map((f) => f.uri.fsPath) ?? [];
      const result = await runVersionTests(
        { promptUri: uri.toString(), text: version.text, commit: version.commit, label: version.label },
        { fixtureUris: async () => fixtures.map((f) => f.toString()), readText, records: root.scheme === 'file' ? nodeFileStore(path.resolve(root.fsPath, settings.recordsFolder)) : undefined },
        {
          rootUri: projectRootOf(uri),
          run: {
            ...providers,
            defaultProvider: provider,
            models: settings.models,
            catalogue: settings.catalogue,
            concurrency: settings.concurrency,
            cache: settings.cache ? new ResponseCache(nodeFileStore(vscode.Uri.joinPath(context.globalStorageUri, 'test-cache').fsPath), { secrets }) : undefined,
            readText: editorValueReader(),
            javascriptOff: (s) => (javascriptOff.has(s.fixture.uri) ? JAVASCRIPT_OFF_BY_CONFIG : undefined),
            analysis: { partials: await loadPartialIndex([...folders, path.dirname(version.file)]) },
          },
          signal,
          meta: { tool: 'prompt-workbench', toolVersion: VERSION, provider, origin: 'editor' },
          writeRecords: settings.writeRecords,
          onProgress: progress,
        },
      );
      if (result.cancelled) throw new vscode.CancellationError();
      return { records: result.records, reused: result.reused, ran: result.ran, recordFile: result.recordFile };
    },
  };
}

/** A run record file's cases as RunRecords ("Compare Test Run Records"). */
export const readRunRecords = runRecordsFromFile;
