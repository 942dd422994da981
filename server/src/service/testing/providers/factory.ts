// Which providers a test run has and how each is built, for every door: `prompt-workbench test`
// and `diff --tests`, the Test Explorer and "Compare Test Results". Keys, base URLs and trust come in as values.
import { PROVIDER_IDS, type ProviderId } from '../fixtures';
import type { RunOptions } from '../runner';
import { createAnthropicProvider } from './anthropic';
import { createGeminiProvider } from './gemini';
import { createGitHubModelsProvider, createOpenAIProvider } from './openai';
import { createRenderProvider } from './render';
import { PROVIDER_LABELS, ProviderError, type Provider } from './types';

/** The providers that take an API key and a base URL. */
export type KeyedProviderId = 'openai' | 'anthropic' | 'azure-openai' | 'googleai' | 'github';
/** The providers whose server can be moved (a base URL). */
export type HostedProviderId = KeyedProviderId | 'vertexai';

export const DEFAULT_TIMEOUT_MS = 60_000;
export const DEFAULT_MAX_RETRIES = 2;

/** The `offline` reason of every run in an untrusted workspace. */
export const UNTRUSTED_REASON = 'the workspace is not trusted, so nothing is sent to any provider';

export interface ProvidersConfig {
  /** The API keys, read by the door (environment variables, VS Code's SecretStorage); `github` is a GitHub token. */
  keys: Partial<Record<KeyedProviderId, string>>;
  /** Servers other than the providers' own (OpenAI-compatible servers, proxies). Empty means none. */
  baseUrls?: Partial<Record<HostedProviderId, string>>;
  /** Vertex AI: the Google Cloud project and location (application default credentials sign the requests). */
  vertex?: { project?: string; location?: string; googleAuthOptions?: Record<string, unknown> };
  /** Time limit of one answer (default 60 s). */
  timeoutMs?: number;
  /** Retries after 429, 5xx and timeouts (default 2). */
  maxRetries?: number;
  stream?: boolean;
  /** False in an untrusted workspace: only `render` exists, and no base URL is used. */
  trusted: boolean;
  /** Why only `render` exists although the workspace is trusted (the CLI's `--offline`). */
  offline?: string;
  /** Providers only the door can build: the editor's `vscode-lm` over `vscode.lm`. */
  extra?: { 'vscode-lm'?: () => Provider };
  /** The door's own advice when a key is missing (default: the command and the environment variable). */
  keyHint?: (provider: KeyedProviderId) => string;
  /** The judge of `llm-rubric` assertions that name none (setting or `--judge-provider` / `--judge-model`). */
  judge?: { provider?: ProviderId; model?: string };
  /** Azure OpenAI's API version (the endpoint is `baseUrls['azure-openai']`). */
  azureApiVersion?: string;
}

/** What the runner's options need to know about providers; spread into `RunOptions`. */
export type RunProviders = Pick<RunOptions, 'providerFor' | 'trusted' | 'offline' | 'judge'> & { secrets: (string | undefined)[] };

export function createProviders(config: ProvidersConfig): RunProviders {
  const reason = config.trusted ? config.offline || undefined : UNTRUSTED_REASON;
  const http = { timeoutMs: config.timeoutMs ?? DEFAULT_TIMEOUT_MS, maxRetries: config.maxRetries ?? DEFAULT_MAX_RETRIES, stream: config.stream };
  const options = (id: KeyedProviderId) => ({ ...http, apiKey: config.keys[id], baseURL: config.baseUrls?.[id]?.trim() || undefined, keyHint: config.keyHint?.(id) });
  const judge = config.judge && (config.judge.provider || config.judge.model) ? { provider: config.judge.provider || undefined, model: config.judge.model || undefined } : undefined;
  return {
    providerFor(id) {
      if (id === 'render') return createRenderProvider();
      // A judge's provider comes from settings unchecked; without this it would fall to vscode-lm.
      if (!(PROVIDER_IDS as readonly string[]).includes(id)) throw new ProviderError('config', `Unknown provider "${id}". Use ${PROVIDER_IDS.join(', ')}.`, id);
      // The runner already skips the cases of other providers in such a run; this also keeps an
      // `llm-rubric` judge of a render case from sending anything.
      if (reason) throw new ProviderError(config.trusted ? 'unavailable' : 'untrusted', `${PROVIDER_LABELS[id]} is not used in this run: ${reason}.`, id);
      if (id === 'openai') return createOpenAIProvider(options('openai'));
      if (id === 'anthropic') return createAnthropicProvider(options('anthropic'));
      if (id === 'azure-openai') return createOpenAIProvider({ ...options('azure-openai'), baseURL: undefined }, { endpoint: config.baseUrls?.['azure-openai']?.trim() || undefined, apiVersion: config.azureApiVersion });
      if (id === 'github') return createGitHubModelsProvider(options('github'));
      if (id === 'googleai') return createGeminiProvider({ ...options('googleai'), backend: 'googleai' });
      if (id === 'vertexai') return createGeminiProvider({ ...http, backend: 'vertexai', baseURL: config.baseUrls?.vertexai?.trim() || undefined, project: config.vertex?.project?.trim() || undefined, location: config.vertex?.location?.trim() || undefined, googleAuthOptions: config.vertex?.googleAuthOptions });
      const extra = config.extra?.[id];
      if (extra) return extra();
      throw new ProviderError('unavailable', `The ${id} provider runs only inside VS Code; the command line cannot use it.`, id);
    },
    trusted: config.trusted,
    offline: reason ? { reason } : undefined,
    judge,
    secrets: [config.keys.openai, config.keys.anthropic, config.keys['azure-openai'], config.keys.googleai, config.keys.github],
  };
}
