// Turns the SDKs' errors (the `openai` and `@anthropic-ai/sdk` packages share their shapes) into
// ProviderErrors whose message says what happened and what to do. Secrets are redacted.
import type { ProviderId } from '../fixtures';
import { redact } from '../redact';
import { resetOf } from './transport';
import { PROVIDER_LABELS, ProviderError } from './types';

interface SdkErrorShape {
  name?: string;
  message?: string;
  status?: number;
  error?: unknown;
  cause?: unknown;
  headers?: { get?(name: string): string | null } | Record<string, string>;
}

function serverMessage(e: SdkErrorShape): string {
  const body = e.error as { message?: string; error?: { message?: string } } | undefined;
  const m = body?.error?.message ?? body?.message ?? e.message ?? '';
  // The messages below end their own sentence: a server's closing full stop would double it.
  return m.replace(/^\d{3}\s+/, '').slice(0, 300).replace(/\.\s*$/, '');
}

/** The SDK's error classes (checked with instanceof: class names do not survive minification). */
export interface SdkErrorClasses {
  timeout: abstract new (...args: never[]) => unknown;
  connection: abstract new (...args: never[]) => unknown;
  abort: abstract new (...args: never[]) => unknown;
}

function kindOf(e: unknown, classes: SdkErrorClasses): string {
  // The timeout class extends the connection class: check it first.
  if (e instanceof classes.timeout) return 'APIConnectionTimeoutError';
  if (e instanceof classes.abort) return 'APIUserAbortError';
  if (e instanceof classes.connection) return 'APIConnectionError';
  return (e as { name?: string })?.name ?? '';
}

/** The environment variables the CLI reads for a provider (as its SDK names them), and its base URL setting. */
export function providerEnv(provider: ProviderId): { key?: string; baseUrl: string; setting: string } {
  switch (provider) {
    case 'anthropic':
      return { key: 'ANTHROPIC_API_KEY', baseUrl: 'ANTHROPIC_BASE_URL', setting: 'promptWorkbench.providers.anthropic.baseUrl' };
    case 'googleai':
      return { key: 'GEMINI_API_KEY', baseUrl: 'GOOGLE_GEMINI_BASE_URL', setting: 'promptWorkbench.providers.gemini.baseUrl' };
    case 'vertexai':
      return { baseUrl: 'GOOGLE_VERTEX_BASE_URL', setting: 'promptWorkbench.providers.vertexai.baseUrl' };
    default:
      return { key: 'OPENAI_API_KEY', baseUrl: 'OPENAI_BASE_URL', setting: 'promptWorkbench.providers.openai.baseUrl' };
  }
}

/** What to do about a missing key: both places a key can come from, unless the door names its own. */
export function defaultKeyHint(provider: 'openai' | 'anthropic' | 'googleai'): string {
  return `Set one with "Prompt Workbench: Set API Key" (kept in VS Code's secret storage), or ${providerEnv(provider).key} for the CLI.`;
}

export function classifyError(e: unknown, provider: ProviderId, endpoint: string, secrets: readonly (string | undefined)[], timeoutMs: number, maxRetries: number, classes: SdkErrorClasses): ProviderError {
  if (e instanceof ProviderError) return e;
  const err = (e ?? {}) as SdkErrorShape;
  const name = kindOf(e, classes);
  const label = PROVIDER_LABELS[provider];
  const tried = maxRetries > 0 ? ` (after ${maxRetries + 1} attempts)` : '';
  const r = (s: string) => redact(s, secrets);
  if (name === 'APIUserAbortError' || name === 'AbortError') return new ProviderError('cancelled', 'Cancelled.', provider);
  // Before the connection error that wraps it: "Cannot reach" would be wrong, the server answered.
  const reset = resetOf(e);
  if (reset) return new ProviderError('unreachable', `${label}: ${reset.message}. The server or something between (a proxy, a load balancer) closed the connection mid-answer; try again, raise the retries (promptWorkbench.test.retries, or --retries), or check the network to ${endpoint}.`, provider);
  if (name === 'APIConnectionTimeoutError') return new ProviderError('timeout', `${label} did not answer within ${timeoutMs / 1000} s${tried} at ${endpoint}. Raise the timeout (setting promptWorkbench.test.timeoutSeconds, or --timeout), or check the server.`, provider);
  if (name === 'APIConnectionError') {
    const cause = err.cause as { message?: string; code?: string; cause?: { code?: string; message?: string } } | undefined;
    const code = cause?.code ?? cause?.cause?.code;
    return new ProviderError('unreachable', `Cannot reach ${label} at ${endpoint}${code ? ` (${code})` : ''}${tried}. Check the base URL (setting ${providerEnv(provider).setting}, or ${providerEnv(provider).baseUrl}) and your network.`, provider);
  }
  const status = err.status;
  if (typeof status === 'number') {
    const msg = r(serverMessage(err));
    if (status === 401 || status === 403) return new ProviderError('auth', `${label} refused the API key (HTTP ${status}: ${msg}). ${provider === 'vertexai' ? 'Check the application default credentials (gcloud auth application-default login) and the project\'s access to Vertex AI.' : `Set a valid key ("Prompt Workbench: Set API Key", or ${providerEnv(provider).key} for the CLI).`}`, provider, status);
    if (status === 429) return new ProviderError('rate-limited', `${label} is rate-limiting these requests (HTTP 429${tried}): ${msg}. Lower the concurrency (promptWorkbench.test.concurrency, or --concurrency) or try again later.`, provider, status);
    if (status === 404) return new ProviderError('model', `${label} answered 404 at ${endpoint}: ${msg}. Check the model name (map it with promptWorkbench.test.models) and the base URL.`, provider, status);
    if (status === 408 || status === 504) return new ProviderError('timeout', `${label} timed out (HTTP ${status}${tried}): ${msg}.`, provider, status);
    if (status >= 500) return new ProviderError('http', `${label} had a server error (HTTP ${status}${tried}): ${msg}. Try again later.`, provider, status);
    return new ProviderError('http', `${label} rejected the request (HTTP ${status}): ${msg}.`, provider, status);
  }
  if (e instanceof SyntaxError || /JSON|Unexpected token|Unexpected end/i.test(err.message ?? '')) {
    return new ProviderError('bad-response', `${label} sent a response that is not valid JSON (${r((err.message ?? '').slice(0, 200))}). Is ${endpoint} an ${label}-compatible server?`, provider);
  }
  return new ProviderError('bad-response', `${label} call failed: ${r(err.message ?? String(e))}`, provider);
}
