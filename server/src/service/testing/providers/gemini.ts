// The `googleai` and `vertexai` providers: Gemini's generateContent through Google's official SDK
// (`@google/genai`), against the Gemini API (an API key) or Vertex AI (a Google Cloud project and
// location, with application default credentials). System messages become `systemInstruction`;
// Dotprompt's `model` role is Gemini's own. Dotprompt's (and Genkit's) `config` keys are the SDK's
// names already (`maxOutputTokens`, `topK`, `stopSequences`, `safetySettings`, `thinkingConfig`).
// Timeouts (per attempt) and retries (408, 429, 5xx, with exponential backoff) are the SDK's own,
// plus retries of answers cut short (transport.ts); the AbortSignal aborts the request in flight.
// The SDK is loaded on the first call: it is large, and most runs never use it.
import { classifyError, defaultKeyHint, providerEnv } from './errors';
import { callSignal, callTransport, resetOf, retryResets } from './transport';
import type { HttpProviderOptions } from './openai';
import { PROVIDER_LABELS, ProviderError, type ChatMessage, type EmbedReply, type EmbedRequest, type ModelCall, type ModelReply, type Provider, type ToolCall, type ToolDefinition } from './types';

export const GEMINI_DEFAULT_BASE_URL = 'https://generativelanguage.googleapis.com';
/** Where Vertex AI answers for a location, as the SDK builds it. */
export function vertexDefaultBaseUrl(location: string): string {
  return location === 'global' ? 'https://aiplatform.googleapis.com' : `https://${location}-aiplatform.googleapis.com`;
}
export const VERTEX_DEFAULT_LOCATION = 'global';

export interface GeminiProviderOptions extends HttpProviderOptions {
  /** `vertexai`: Vertex AI with application default credentials; `googleai` (default): the Gemini API with a key. */
  backend?: 'googleai' | 'vertexai';
  /** Vertex AI: the Google Cloud project and location (default `global`). */
  project?: string;
  location?: string;
  /**
   * Vertex AI: options for google-auth-library's GoogleAuth (default: application default
   * credentials with the cloud-platform scope). Tests pass an `authClient` that needs no network.
   */
  googleAuthOptions?: Record<string, unknown>;
}

type GeminiContent = { role: 'user' | 'model'; parts: { text: string }[] };

/** Dotprompt's messages as Gemini's `contents` and `systemInstruction`. */
export function geminiContents(messages: readonly ChatMessage[]): { systemInstruction?: string; contents: GeminiContent[] } {
  const system = messages.filter((m) => m.role === 'system').map((m) => m.text.trim()).filter(Boolean);
  const contents: GeminiContent[] = messages.filter((m) => m.role !== 'system' && m.text.trim()).map((m) => ({ role: m.role === 'model' || m.role === 'assistant' ? 'model' : 'user', parts: [{ text: m.text }] }));
  // generateContent needs at least one content; a prompt of system text only gets a user turn.
  if (!contents.length) contents.push({ role: 'user', parts: [{ text: system.length ? '(begin)' : '' }] });
  return { systemInstruction: system.length ? system.join('\n\n') : undefined, contents };
}

/** Genkit's `reasoningEffort`-like vocabulary word to Gemini's thinking level. */
const THINKING_LEVELS: Record<string, string> = { minimal: 'MINIMAL', low: 'LOW', medium: 'MEDIUM', high: 'HIGH' };

/**
 * Dotprompt's `config` as the SDK's GenerateContentConfig. Gemini's names are Dotprompt's own, so
 * most keys pass as written (`temperature`, `topP`, `topK`, `maxOutputTokens`, `stopSequences`,
 * `candidateCount`, `presencePenalty`, `frequencyPenalty`, `seed`, `safetySettings`,
 * `thinkingConfig`, `responseMimeType`, ...); `reasoningEffort` becomes `thinkingConfig.thinkingLevel`
 * unless the file sets `thinkingConfig`; Genkit's own `version` (a model version) and `apiKey` are
 * not request parameters.
 */
export function geminiParameters(p: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(p)) {
    if (v === undefined || v === null) continue;
    switch (k) {
      case 'reasoningEffort': {
        const level = typeof v === 'string' ? THINKING_LEVELS[v.toLowerCase()] : undefined;
        if (level && p.thinkingConfig === undefined) out.thinkingConfig = { thinkingLevel: level };
        break;
      }
      case 'stop':
        out.stopSequences = Array.isArray(v) ? v : [v];
        break;
      case 'version':
      case 'apiKey':
        break; // Genkit's plugin options, not part of the request
      default:
        out[k] = v;
    }
  }
  return out;
}

/** Genkit's `config.version` picks a model version (`gemini-2.5-flash-001`) over the model's name. */
export function geminiModelName(model: string, parameters: Record<string, unknown>): string {
  return typeof parameters.version === 'string' && parameters.version.trim() ? parameters.version.trim() : model;
}

/** The fixture's tools as one Gemini `tools` entry of function declarations (arguments as JSON Schema). */
export function geminiTools(tools: readonly ToolDefinition[]) {
  return [{ functionDeclarations: tools.map((t) => ({ name: t.name, ...(t.description ? { description: t.description } : {}), parametersJsonSchema: t.parameters })) }];
}

type GeminiPart = { text?: string; thought?: boolean; functionCall?: { id?: string; name?: string; args?: Record<string, unknown> } };

interface GeminiResponse {
  text?: string;
  modelVersion?: string;
  candidates?: { finishReason?: string; content?: { parts?: GeminiPart[] }; logprobsResult?: { chosenCandidates?: { logProbability?: number }[] } }[];
  promptFeedback?: { blockReason?: string; blockReasonMessage?: string };
  usageMetadata?: { promptTokenCount?: number; candidatesTokenCount?: number; thoughtsTokenCount?: number; toolUsePromptTokenCount?: number };
}

/** The answer's text, without thought summaries (the SDK's `text` getter warns on other parts). */
function textOf(r: GeminiResponse): string {
  const parts = r.candidates?.[0]?.content?.parts ?? [];
  return parts.filter((p) => typeof p.text === 'string' && !p.thought).map((p) => p.text).join('');
}

function toolCallsOf(parts: readonly GeminiPart[]): ToolCall[] {
  return parts.filter((p) => p.functionCall?.name).map((p) => ({ format: 'gemini' as const, name: p.functionCall!.name!, arguments: p.functionCall!.args ?? {}, ...(p.functionCall!.id ? { id: p.functionCall!.id } : {}) }));
}

/** An answer of function calls only has no text: its output is the `functionCall` parts (JSON). */
function toolCallsOutput(calls: ToolCall[]): string {
  return JSON.stringify(calls.map((c) => ({ functionCall: { ...(c.id ? { id: c.id } : {}), name: c.name, args: c.arguments } })));
}

function logprobsOf(r: GeminiResponse): number[] {
  return (r.candidates?.[0]?.logprobsResult?.chosenCandidates ?? []).map((c) => c.logProbability).filter((x): x is number => typeof x === 'number');
}

/** Output tokens as billed: the answer plus the thinking (Gemini's price for output includes it). */
function usageOf(u: GeminiResponse['usageMetadata']): ModelReply['usage'] {
  if (!u) return undefined;
  const output = u.candidatesTokenCount === undefined && u.thoughtsTokenCount === undefined ? undefined : (u.candidatesTokenCount ?? 0) + (u.thoughtsTokenCount ?? 0);
  const input = u.promptTokenCount === undefined ? undefined : u.promptTokenCount + (u.toolUsePromptTokenCount ?? 0);
  return { inputTokens: input, outputTokens: output };
}

type GenAiModule = typeof import('@google/genai', { with: { 'resolution-mode': 'import' } });
let sdk: Promise<GenAiModule> | undefined;
function loadSdk(): Promise<GenAiModule> {
  // From a CommonJS bundle the SDK (dist/genai.js) may arrive as a namespace with only `default`.
  sdk ??= import('@google/genai').then((m) => ((m as { GoogleGenAI?: unknown }).GoogleGenAI ? m : ((m as { default?: GenAiModule }).default ?? m)));
  return sdk;
}

export function createGeminiProvider(options: GeminiProviderOptions): Provider {
  const id = options.backend ?? 'googleai';
  const label = PROVIDER_LABELS[id];
  const vertex = id === 'vertexai';
  const location = options.location?.trim() || VERTEX_DEFAULT_LOCATION;
  const endpoint = (options.baseURL || (vertex ? vertexDefaultBaseUrl(location) : GEMINI_DEFAULT_BASE_URL)).replace(/\/+$/, '');
  const secrets = [options.apiKey];
  const retryOptions = { attempts: options.maxRetries + 1, initialDelay: 0.5, maxDelay: 8 };
  // One client for the provider's life: Vertex AI's credentials (an access token) are fetched once
  // and refreshed by google-auth-library, not once per call. Each call passes its own fetch.
  let client: Promise<InstanceType<GenAiModule['GoogleGenAI']>> | undefined;
  const clientOf = () =>
    (client ??= loadSdk().then(({ GoogleGenAI }) => {
      // The SDK retries 408, 429 and 5xx when asked to; attempts count the first one.
      const httpOptions = { baseUrl: endpoint, timeout: options.timeoutMs, retryOptions };
      // Every value is passed, so the SDK reads none of its environment variables (keys, projects,
      // base URLs): the door decides, and the editor's settings are not overridden by the shell's.
      return vertex
        ? new GoogleGenAI({ vertexai: true, project: options.project!.trim(), location, httpOptions, googleAuthOptions: options.googleAuthOptions as never })
        : new GoogleGenAI({ vertexai: false, apiKey: options.apiKey, httpOptions });
    }));
  const checkReady = () => {
    if (!vertex && !options.apiKey) throw new ProviderError('no-key', `No Gemini API key. ${options.keyHint ?? defaultKeyHint('googleai')}`, id);
    if (vertex && !options.project?.trim()) throw new ProviderError('config', 'Vertex AI needs a Google Cloud project: set promptWorkbench.providers.vertexai.project (or GOOGLE_CLOUD_PROJECT for the CLI), and sign in with application default credentials (gcloud auth application-default login).', id);
  };
  return {
    id,
    endpoint,
    async prepare() {
      await loadSdk();
    },
    /** The SDK's `embedContent` (the Gemini API's `batchEmbedContents`, Vertex AI's `predict`), for `similar`. */
    async embed(request: EmbedRequest): Promise<EmbedReply> {
      checkReady();
      const { ApiError } = await loadSdk();
      const sdkClient = await clientOf();
      const transport = callTransport(options.fetch);
      const scope = callSignal(request.signal);
      try {
        const reply = (await sdkClient.models.embedContent({ model: request.model, contents: request.texts, config: { abortSignal: scope.signal, httpOptions: { fetch: transport.fetch, retryOptions } } } as never)) as { embeddings?: { values?: number[] }[] };
        const vectors = (reply?.embeddings ?? []).map((e) => e.values);
        if (vectors.length !== request.texts.length || vectors.some((v) => !Array.isArray(v))) throw new ProviderError('bad-response', `${label}'s embeddings answer has ${vectors.length} vectors for ${request.texts.length} texts. Is ${endpoint} a Gemini API server, and \`${request.model}\` an embedding model?`, id);
        return { vectors: vectors as number[][], model: request.model };
      } catch (e) {
        if (request.signal?.aborted) throw new ProviderError('cancelled', 'Cancelled.', id);
        throw geminiError(e, ApiError);
      } finally {
        scope.dispose();
      }
    },
    async call(request: ModelCall): Promise<ModelReply> {
      checkReady();
      const { ApiError } = await loadSdk();
      const sdkClient = await clientOf();
      // This call's fetch, so it counts this call's attempts (see transport.ts).
      const transport = callTransport(options.fetch);
      const scope = callSignal(request.signal);
      const signal = scope.signal;
      const { systemInstruction, contents } = geminiContents(request.messages);
      const config: Record<string, unknown> = { ...geminiParameters(request.parameters) };
      if (systemInstruction) config.systemInstruction = systemInstruction;
      if (request.tools?.length) config.tools = geminiTools(request.tools);
      if (request.logprobs) config.responseLogprobs = true;
      if (request.output?.format === 'json') {
        config.responseMimeType = 'application/json';
        if (request.output.schema) config.responseJsonSchema = request.output.schema;
      }
      const model = geminiModelName(request.model, request.parameters);
      const started = performance.now();
      try {
        const reply = await retryResets(transport, options.maxRetries, signal, attempt);
        return { ...reply, sent: transport.sent };
      } catch (e) {
        if (request.signal?.aborted) throw new ProviderError('cancelled', 'Cancelled.', id);
        throw geminiError(e, ApiError);
      } finally {
        scope.dispose();
      }

      async function attempt(retriesLeft: number): Promise<ModelReply> {
        const params = { model, contents, config: { ...config, abortSignal: signal, httpOptions: { fetch: transport.fetch, retryOptions: { ...retryOptions, attempts: retriesLeft + 1 } } } };
        if (options.stream) {
          const stream = await sdkClient.models.generateContentStream(params as never);
          let output = '';
          let firstTokenMs: number | undefined;
          let modelVersion: string | undefined;
          let usage: ModelReply['usage'];
          let finishReason: string | undefined;
          const toolCalls: ToolCall[] = [];
          const logprobs: number[] = [];
          for await (const chunk of stream as AsyncIterable<GeminiResponse>) {
            modelVersion ??= chunk.modelVersion;
            const piece = textOf(chunk);
            if (piece) {
              firstTokenMs ??= performance.now() - started;
              output += piece;
            }
            toolCalls.push(...toolCallsOf(chunk.candidates?.[0]?.content?.parts ?? []));
            logprobs.push(...logprobsOf(chunk));
            finishReason = chunk.candidates?.[0]?.finishReason ?? finishReason;
            if (chunk.usageMetadata) usage = usageOf(chunk.usageMetadata);
            blocked(chunk);
          }
          return { output: output || (toolCalls.length ? toolCallsOutput(toolCalls) : ''), model: modelVersion, usage, finishReason, firstTokenMs, ...(toolCalls.length ? { toolCalls } : {}), ...(request.logprobs && logprobs.length ? { logprobs } : {}) };
        }
        const reply = (await sdkClient.models.generateContent(params as never)) as GeminiResponse;
        if (!reply || typeof reply !== 'object') throw new ProviderError('bad-response', `${label}'s answer is empty. Is ${endpoint} a Gemini API server?`, id);
        blocked(reply);
        const candidate = reply.candidates?.[0];
        if (!candidate) throw new ProviderError('bad-response', `${label}'s answer has no candidate (${JSON.stringify(reply).slice(0, 200)}). Is ${endpoint} a Gemini API server?`, id);
        const toolCalls = toolCallsOf(candidate.content?.parts ?? []);
        const logprobs = request.logprobs ? logprobsOf(reply) : [];
        const text = textOf(reply);
        return { output: text || (toolCalls.length ? toolCallsOutput(toolCalls) : ''), model: reply.modelVersion, usage: usageOf(reply.usageMetadata), finishReason: candidate.finishReason, ...(toolCalls.length ? { toolCalls } : {}), ...(logprobs.length ? { logprobs } : {}) };
      }
    },
  };

  /** A prompt Gemini refused to answer (safety, a blocklist): say so rather than an empty answer. */
  function blocked(r: GeminiResponse): void {
    const reason = r.promptFeedback?.blockReason;
    if (reason && !r.candidates?.length) throw new ProviderError('model', `${label} blocked the prompt (${reason}${r.promptFeedback?.blockReasonMessage ? `: ${r.promptFeedback.blockReasonMessage}` : ''}). Change the prompt or its safetySettings in config.`, id);
  }

  function geminiError(e: unknown, ApiError: abstract new (...args: never[]) => unknown): ProviderError {
    if (e instanceof ProviderError) return e;
    const err = (e ?? {}) as { name?: string; message?: string; status?: number; cause?: { code?: string; message?: string; cause?: { code?: string } } };
    const tried = options.maxRetries > 0 ? ` (after ${options.maxRetries + 1} attempts)` : '';
    if (e instanceof ApiError && typeof err.status === 'number') {
      // The SDK's message is the error body as JSON: `{"error": {"code", "message", "status"}}`.
      let body: unknown;
      try {
        body = JSON.parse(err.message ?? '');
      } catch {
        body = { error: { message: err.message } };
      }
      return classifyError({ status: err.status, error: body, message: err.message }, id, endpoint, secrets, options.timeoutMs, options.maxRetries, NO_CLASSES);
    }
    if (resetOf(e)) return classifyError(e, id, endpoint, secrets, options.timeoutMs, options.maxRetries, NO_CLASSES);
    // The per-attempt timeout aborts the request; a cancel was handled before.
    if (err.name === 'AbortError' || err.name === 'TimeoutError') return new ProviderError('timeout', `${label} did not answer within ${options.timeoutMs / 1000} s${tried} at ${endpoint}. Raise the timeout (setting promptWorkbench.test.timeoutSeconds, or --timeout), or check the server.`, id);
    if (err.name === 'TypeError' && /fetch failed/i.test(err.message ?? '')) {
      const code = err.cause?.code ?? err.cause?.cause?.code;
      return new ProviderError('unreachable', `Cannot reach ${label} at ${endpoint}${code ? ` (${code})` : ''}. Check the base URL (setting promptWorkbench.providers.${vertex ? 'vertexai' : 'gemini'}.baseUrl, or ${providerEnv(id).baseUrl} for the CLI) and your network.`, id);
    }
    // google-auth-library: no application default credentials on this machine.
    if (vertex && /default credentials|Could not load the default credentials|invalid_grant|getaddrinfo.*metadata/i.test(err.message ?? '')) {
      return new ProviderError('auth', `Vertex AI needs application default credentials: run "gcloud auth application-default login", or set GOOGLE_APPLICATION_CREDENTIALS to a service account key file (${(err.message ?? '').split('\n')[0].slice(0, 200)}).`, id);
    }
    if (e instanceof SyntaxError || /JSON|Unexpected token|Unexpected end|Incomplete JSON/i.test(err.message ?? '')) {
      return new ProviderError('bad-response', `${label} sent a response that is not valid JSON (${(err.message ?? '').slice(0, 200)}). Is ${endpoint} a Gemini API server?`, id);
    }
    return classifyError(e, id, endpoint, secrets, options.timeoutMs, options.maxRetries, NO_CLASSES);
  }
}

class Never {}
/** The Gemini SDK has no connection error classes: its errors are sorted above. */
const NO_CLASSES = { timeout: Never, connection: Never, abort: Never };
