// The test settings (`promptWorkbench.test.*`, `promptWorkbench.providers.*`) and the API keys in
// VS Code's SecretStorage: the only places keys are kept.
import * as vscode from 'vscode';
import type { ProviderId } from '../../../server/src/service/testing';

export interface TestSettings {
  concurrency: number;
  timeoutSeconds: number;
  retries: number;
  stream: boolean;
  cache: boolean;
  writeRecords: boolean;
  recordsFolder: string;
  models: Record<string, string>;
  judge?: { provider?: ProviderId; model?: string };
  openaiBaseUrl?: string;
  anthropicBaseUrl?: string;
  /** Azure OpenAI's resource endpoint and API version. */
  azureEndpoint?: string;
  azureApiVersion?: string;
  geminiBaseUrl?: string;
  vertex: { baseUrl?: string; project?: string; location?: string };
  githubBaseUrl?: string;
  lmVendor?: string;
  lmFamily?: string;
  catalogue?: Record<string, unknown>;
}

export function readTestSettings(scope?: vscode.Uri): TestSettings {
  const c = vscode.workspace.getConfiguration('promptWorkbench', scope);
  const num = (key: string, fallback: number, min: number) => {
    const v = Number(c.get(key));
    return Number.isFinite(v) && v >= min ? v : fallback;
  };
  const str = (key: string) => {
    const v = c.get<string>(key);
    return typeof v === 'string' && v.trim() ? v.trim() : undefined;
  };
  const judge = c.get<{ provider?: ProviderId; model?: string }>('test.judge');
  const models = c.get<Record<string, string>>('test.models');
  const catalogue = c.get<Record<string, unknown>>('models');
  return {
    concurrency: Math.floor(num('test.concurrency', 4, 1)),
    timeoutSeconds: num('test.timeoutSeconds', 60, 1),
    retries: Math.floor(num('test.retries', 2, 0)),
    stream: c.get<boolean>('test.stream') === true,
    cache: c.get<boolean>('test.cache') !== false,
    writeRecords: c.get<boolean>('test.writeRecords') !== false,
    recordsFolder: str('test.recordsFolder') ?? '.prompt-workbench/runs',
    models: models && typeof models === 'object' ? models : {},
    judge: judge && typeof judge === 'object' && (judge.provider || judge.model) ? judge : undefined,
    openaiBaseUrl: str('providers.openai.baseUrl'),
    anthropicBaseUrl: str('providers.anthropic.baseUrl'),
    azureEndpoint: str('providers.azureOpenAI.endpoint'),
    azureApiVersion: str('providers.azureOpenAI.apiVersion'),
    geminiBaseUrl: str('providers.gemini.baseUrl'),
    vertex: { baseUrl: str('providers.vertexai.baseUrl'), project: str('providers.vertexai.project'), location: str('providers.vertexai.location') },
    githubBaseUrl: str('providers.github.baseUrl'),
    lmVendor: str('providers.vscodeLm.vendor'),
    lmFamily: str('providers.vscodeLm.family'),
    catalogue: catalogue && typeof catalogue === 'object' && Object.keys(catalogue).length ? catalogue : undefined,
  };
}

export const KEY_PROVIDERS = [
  { id: 'openai' as const, label: 'OpenAI', env: 'OPENAI_API_KEY', detail: 'Also for OpenAI-compatible servers that need a key (Azure OpenAI, OpenRouter, ...)' },
  { id: 'anthropic' as const, label: 'Anthropic', env: 'ANTHROPIC_API_KEY', detail: 'The Anthropic messages API' },
  { id: 'azure-openai' as const, label: 'Azure OpenAI', env: 'AZURE_OPENAI_API_KEY', detail: 'Azure OpenAI / Foundry (endpoint in promptWorkbench.providers.azureOpenAI.endpoint)' },
  { id: 'googleai' as const, label: 'Gemini API', env: 'GEMINI_API_KEY', detail: 'Gemini through the Gemini API (googleai/... models); Vertex AI uses your Google Cloud credentials instead' },
  { id: 'github' as const, label: 'GitHub Models', env: 'GITHUB_TOKEN', detail: 'A GitHub token with the models: read permission (else your GitHub sign-in in VS Code is used)' },
];

/** The providers whose API key is kept in SecretStorage. */
export type KeyProvider = (typeof KEY_PROVIDERS)[number]['id'];

const secretName = (provider: string) => `promptWorkbench.apiKey.${provider}`;

export function getApiKey(secrets: vscode.SecretStorage, provider: KeyProvider): Thenable<string | undefined> {
  return secrets.get(secretName(provider));
}

/** "Prompt Workbench: Set API Key": pick a provider, type the key (hidden); empty removes it. */
export async function setApiKey(secrets: vscode.SecretStorage, provider?: KeyProvider): Promise<void> {
  const chosen = provider ?? (await vscode.window.showQuickPick(KEY_PROVIDERS.map((p) => ({ label: p.label, description: p.id, detail: p.detail, id: p.id })), { title: 'Set API Key', placeHolder: 'Which provider is the key for?' }))?.id;
  if (!chosen) return;
  const label = KEY_PROVIDERS.find((p) => p.id === chosen)!.label;
  const has = !!(await secrets.get(secretName(chosen)));
  const key = await vscode.window.showInputBox({
    title: `${label} API key`,
    prompt: `Kept in VS Code's secret storage (the OS keychain), never in settings, logs, caches or run records.${has ? ' Leave empty to remove the stored key.' : ''}`,
    password: true,
    ignoreFocusOut: true,
  });
  if (key === undefined) return;
  if (!key.trim()) {
    await secrets.delete(secretName(chosen));
    void vscode.window.showInformationMessage(`The ${label} API key was removed.`);
    return;
  }
  await secrets.store(secretName(chosen), key.trim());
  void vscode.window.showInformationMessage(`The ${label} API key is stored in VS Code's secret storage.`);
}
