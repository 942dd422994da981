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

/** What a request asks of the answer's form. */
export interface OutputSpec {
  format?: string;
  schema?: Record<string, unknown>;
  /** A `response_format` written by the prompt file (GitHub Models' `responseFormat` and `jsonSchema`), sent as is by OpenAI-compatible APIs. */
  responseFormat?: Record<string, unknown>;
}

export interface ModelCall {
  /** The model name as the provider knows it (no `openai/` prefix). */
  model: string;
  messages: ChatMessage[];
  /** Dotprompt `config` (`temperature`, `maxOutputTokens`, `topP`, `topK`, `stopSequences`, ...). */
  parameters: Record<string, unknown>;
  /** `output.format: json` (and its JSON Schema) asks for a JSON answer where the API supports it. */
  output?: OutputSpec;
  /** Functions the model may call (the fixture file's `tools:`), sent in each API's own form. */
  tools?: ToolDefinition[];
  /** Ask for the log probability of each output token (for `perplexity`), where the API has them. */
  logprobs?: boolean;
  signal?: AbortSignal;
}

/** A function the model may call: its name, what it does, and its arguments as JSON Schema. */
export interface ToolDefinition {
  name: string;
  description?: string;
  parameters: Record<string, unknown>;
}

/** The wire format a tool call came in: OpenAI's `tool_calls`, Anthropic's `tool_use` blocks, Gemini's `functionCall` parts. */
export type ToolCallFormat = 'openai' | 'anthropic' | 'gemini';

/** One call the model asked for, as the API returned it. */
export interface ToolCall {
  format: ToolCallFormat;
  name: string;
  /** OpenAI: the arguments as the JSON text the model wrote; Anthropic and Gemini: the parsed object. */
  arguments: string | Record<string, unknown>;
  id?: string;
}

export interface EmbedRequest {
  model: string;
  texts: string[];
  signal?: AbortSignal;
}

export interface EmbedReply {
  /** One vector per text, in order. */
  vectors: number[][];
  model?: string;
  /** Input tokens, where the API reports them. */
  inputTokens?: number;
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
  /** As the API says it (`stop`, `end_turn`, `STOP`, ...); see finishReason.ts for the common names. */
  finishReason?: string;
  /** The calls the model asked for, when it called tools. */
  toolCalls?: ToolCall[];
  /** The log probability of each output token, when they were asked for and the API returned them. */
  logprobs?: number[];
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
  /** Embeddings of texts (for `similar`); absent where the API has no embeddings endpoint (Anthropic). */
  embed?(request: EmbedRequest): Promise<EmbedReply>;
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
