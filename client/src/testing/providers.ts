// The editor's providers for a run: keys from SecretStorage, the test settings, Workspace Trust,
// and `vscode-lm` over VS Code's Language Model API, which only the editor can build.
import * as vscode from 'vscode';
import { createProviders, ProviderError, type Provider, type RunProviders } from '../../../server/src/service/testing';
import { getApiKey, type TestSettings } from './settings';
import { createVscodeLmProvider, type LmApi } from './vscodeLm';

export async function editorProviders(secrets: vscode.SecretStorage, settings: TestSettings, trusted: boolean): Promise<RunProviders> {
  return createProviders({
    keys: { openai: await getApiKey(secrets, 'openai'), anthropic: await getApiKey(secrets, 'anthropic'), 'azure-openai': await getApiKey(secrets, 'azure-openai'), googleai: await getApiKey(secrets, 'googleai'), github: (await getApiKey(secrets, 'github')) ?? (trusted ? await githubSession() : undefined) },
    baseUrls: { openai: settings.openaiBaseUrl, anthropic: settings.anthropicBaseUrl, 'azure-openai': settings.azureEndpoint, googleai: settings.geminiBaseUrl, vertexai: settings.vertex.baseUrl, github: settings.githubBaseUrl },
    azureApiVersion: settings.azureApiVersion,
    vertex: { project: settings.vertex.project, location: settings.vertex.location },
    timeoutMs: settings.timeoutSeconds * 1000,
    maxRetries: settings.retries,
    stream: settings.stream,
    trusted,
    judge: settings.judge,
    extra: { 'vscode-lm': () => vscodeLmProvider(settings) },
  });
}

/** The token of the GitHub account signed in to VS Code, when there is one (never asks to sign in). */
async function githubSession(): Promise<string | undefined> {
  try {
    return (await vscode.authentication.getSession('github', ['read:user'], { silent: true }))?.accessToken;
  } catch {
    return undefined;
  }
}

function vscodeLmProvider(settings: TestSettings): Provider {
  if (!vscode.lm) throw new ProviderError('unavailable', 'This VS Code has no Language Model API (it needs VS Code 1.90 or later).', 'vscode-lm');
  return createVscodeLmProvider(vscode.lm as unknown as LmApi, { user: (t) => vscode.LanguageModelChatMessage.User(t), assistant: (t) => vscode.LanguageModelChatMessage.Assistant(t) }, { vendor: settings.lmVendor, family: settings.lmFamily, tokenSource: () => new vscode.CancellationTokenSource() });
}
