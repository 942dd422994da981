// The suite runner behind "Compare Test Results" in the editor: the prompt's fixture suites run
// against one version's text with the Test Explorer's settings, keys (SecretStorage) and
// providers, reusing recorded results of the same text. Bundled into dist/testing.js (the
// test engine's bundle), so the history view itself carries no engine or provider SDK.
import * as path from 'node:path';
import * as vscode from 'vscode';
import { runRecordsFromFile, runVersionTests } from '../../../server/src/service/history/versionTests';
import { createAnthropicProvider, createOpenAIProvider, createRenderProvider, ProviderError, ResponseCache, type Provider, type ProviderId } from '../../../server/src/service/testing';
import { loadPartialIndex, nodeFileStore } from '../../../server/src/node/host';
import { getApiKey, readTestSettings } from '../testing/settings';
import { createVscodeLmProvider, type LmApi } from '../testing/vscodeLm';
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
      const keys = { openai: await getApiKey(context.secrets, 'openai'), anthropic: await getApiKey(context.secrets, 'anthropic') };
      const http = { timeoutMs: settings.timeoutSeconds * 1000, maxRetries: settings.retries, stream: settings.stream };
      const providerFor = (id: ProviderId): Provider => {
        if (id === 'render') return createRenderProvider();
        if (id === 'openai') return createOpenAIProvider({ ...http, apiKey: keys.openai, baseURL: settings.openaiBaseUrl });
        if (id === 'anthropic') return createAnthropicProvider({ ...http, apiKey: keys.anthropic, baseURL: settings.anthropicBaseUrl });
        if (!vscode.lm) throw new ProviderError('unavailable', 'This VS Code has no Language Model API (it needs VS Code 1.90 or later).', 'vscode-lm');
        return createVscodeLmProvider(vscode.lm as unknown as LmApi, { user: (t) => vscode.LanguageModelChatMessage.User(t), assistant: (t) => vscode.LanguageModelChatMessage.Assistant(t) }, { vendor: settings.lmVendor, family: settings.lmFamily, tokenSource: () => new vscode.CancellationTokenSource() });
      };
      const secrets = [keys.openai, keys.anthropic];
      const fixtures = await vscode.workspace.findFiles('**/*.tests.{yaml,yml}', '**/node_modules/**');
      const folders = vscode.workspace.workspaceFolders?.map((f) => f.uri.fsPath) ?? [];
      const result = await runVersionTests(
        { promptUri: uri.toString(), text: version.text, commit: version.commit, label: version.label },
        { fixtureUris: async () => fixtures.map((f) => f.toString()), readText, records: root.scheme === 'file' ? nodeFileStore(path.resolve(root.fsPath, settings.recordsFolder)) : undefined },
        {
          rootUri: root.toString(),
          run: {
            providerFor,
            defaultProvider: provider,
            models: settings.models,
            catalogue: settings.catalogue,
            concurrency: settings.concurrency,
            cache: settings.cache ? new ResponseCache(nodeFileStore(vscode.Uri.joinPath(context.globalStorageUri, 'test-cache').fsPath), { secrets }) : undefined,
            // The history view runs only in a trusted workspace (see view.ts).
            trusted: vscode.workspace.isTrusted,
            offline: vscode.workspace.isTrusted ? undefined : { reason: 'the workspace is not trusted, so nothing is sent to any provider' },
            judge: settings.judge,
            readText,
            analysis: { partials: await loadPartialIndex([...folders, path.dirname(version.file)]) },
            secrets,
          },
          signal,
          meta: { tool: 'prompt-workbench', toolVersion: '0.1.0', provider, origin: 'editor' },
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
