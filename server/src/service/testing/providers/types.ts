// What every provider (render, openai, anthropic, vscode-lm) implements, and the errors a person
// sees when a call fails: each says what happened and what to do.
import type { ProviderId } from '../fixtures';
import type { SentRequest } from './transport';

export interface ChatMessage {
  /** Dotprompt's roles: `system`, `user`, `model`, `tool`. */
  role: string;
  text: string;
}

export type { SentRequest } from './transport';

export interface ModelCall {
  /** The model name as the provider knows it (no `openai/` prefix). */
  model: string;
  messages: ChatMessage[];
  /** Dotprompt `config` (`temperature`, `maxOutputTokens`, `topP`, `topK`, `stopSequences`, ...). */
  parameters: Record<string, unknown>;
  /** `output.format: json` (and its JSON Schema) asks for a JSON answer where the API supports it. */
  output?: { format?: string; schema?: Record<string, unknown> };
  signal?: AbortSignal;
}

export interface Usage {
  inputTokens?: number;
  outputTokens?: number;
}

export interface ModelReply {
  output: string;
  /** The model that answered, as the API reports it. */
  model?: string;
  usage?: Usage;
  finishReason?: string;
  /** Streaming only: milliseconds until the first piece of text arrived. */
  firstTokenMs?: number;
  /** The request as the adapter's SDK sent it (method, URL, body; never a header), for the run record. */
  sent?: SentRequest;
}

export interface Provider {
  readonly id: ProviderId;
  /** Where requests go (a base URL, or a fixed name), part of the cache key. Never a secret. */
  readonly endpoint: string;
  call(request: ModelCall): Promise<ModelReply>;
  /** Loads what the first call needs (an SDK loaded on demand), so that its load is not counted as the model's latency. */
  prepare?(): Promise<void>;
}

export type ProviderErrorKind = 'no-key' | 'auth' | 'unreachable' | 'rate-limited' | 'timeout' | 'bad-response' | 'http' | 'cancelled' | 'untrusted' | 'unavailable' | 'model' | 'config';

export class ProviderError extends Error {
  constructor(
    readonly kind: ProviderErrorKind,
    message: string,
    readonly provider: ProviderId,
    readonly status?: number,
  ) {
    super(message);
    this.name = 'ProviderError';
  }
}

export const PROVIDER_LABELS: Record<ProviderId, string> = { render: 'render', openai: 'OpenAI', anthropic: 'Anthropic', 'azure-openai': 'Azure OpenAI', googleai: 'Gemini API', vertexai: 'Vertex AI', 'vscode-lm': 'VS Code Language Model', github: 'GitHub Models' };
