// The `openai` provider: chat completions through the official `openai` SDK. A base URL makes it
// serve any OpenAI-compatible server (Azure OpenAI, Ollama, vLLM, LM Studio, llama.cpp, OpenRouter).
// Timeouts and retries (honouring Retry-After) are the SDK's own, plus retries of answers cut short
// (transport.ts); the AbortSignal aborts the HTTP request in flight.
import OpenAI, { AzureOpenAI } from 'openai';
import { classifyError, defaultKeyHint } from './errors';
import { callSignal, callTransport, retryResets } from './transport';
import { ProviderError, type ChatMessage, type EmbedReply, type EmbedRequest, type ModelCall, type ModelReply, type Provider, type ToolCall, type ToolDefinition } from './types';

export interface HttpProviderOptions {
  apiKey?: string;
  /** Default: the SDK's (api.openai.com / api.anthropic.com). */
  baseURL?: string;
  timeoutMs: number;
  maxRetries: number;
  /** Stream the answer (records the time to the first token). */
  stream?: boolean;
  /** For tests and proxies: a fetch implementation. */
  fetch?: typeof fetch;
  /** The second sentence of the missing-key error, where the door keeps keys (default: both the command and the environment variable). */
  keyHint?: string;
}

export const OPENAI_DEFAULT_BASE_URL = 'https://api.openai.com/v1';

/** The Azure OpenAI API version used when neither the setting nor `OPENAI_API_VERSION` names one. */
export const AZURE_OPENAI_DEFAULT_API_VERSION = '2024-10-21';

/** Azure OpenAI / Foundry: the resource endpoint (`https://NAME.openai.azure.com`) and API version; the model of a call is its deployment. */
export interface AzureOptions {
  endpoint?: string;
  apiVersion?: string;
}

/** Reasoning models take `max_completion_tokens`; others (and most compatible servers) `max_tokens`. */
export function usesMaxCompletionTokens(model: string): boolean {
  return /^(o\d|gpt-5|gpt-4\.1)/i.test(model.replace(/^.*\//, ''));
}

function role(r: string): 'system' | 'user' | 'assistant' {
  return r === 'system' ? 'system' : r === 'model' || r === 'assistant' ? 'assistant' : 'user';
}

/** Dotprompt's `config` in the chat completions API's names; unknown keys pass through as written. */
export function openAiParameters(model: string, p: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(p)) {
    if (v === undefined || v === null) continue;
    switch (k) {
      case 'maxOutputTokens':
        out[usesMaxCompletionTokens(model) ? 'max_completion_tokens' : 'max_tokens'] = v;
        break;
      case 'stopSequences':
        out.stop = v;
        break;
      case 'topP':
        out.top_p = v;
        break;
      case 'frequencyPenalty':
        out.frequency_penalty = v;
        break;
      case 'presencePenalty':
        out.presence_penalty = v;
        break;
      case 'reasoningEffort':
        out.reasoning_effort = v;
        break;
      case 'topK':
      case 'candidateCount':
      case 'safetySettings':
        break; // not part of this API
      default:
        out[k] = v;
    }
  }
  return out;
}

export function openAiMessages(messages: readonly ChatMessage[]) {
  return messages.map((m) => ({ role: role(m.role), content: m.text }));
}

/** The fixture's tools in the chat completions API's form. */
export function openAiTools(tools: readonly ToolDefinition[]) {
  return tools.map((t) => ({ type: 'function' as const, function: { name: t.name, ...(t.description ? { description: t.description } : {}), parameters: t.parameters } }));
}

type OpenAiToolCall = { id?: string; type?: string; function?: { name?: string; arguments?: string } };

function toolCallsOf(calls: readonly OpenAiToolCall[] | null | undefined): ToolCall[] | undefined {
  const out = (calls ?? []).filter((c) => c?.function?.name).map((c) => ({ format: 'openai' as const, name: c.function!.name!, arguments: c.function!.arguments ?? '', ...(c.id ? { id: c.id } : {}) }));
  return out.length ? out : undefined;
}

/** An answer of tool calls only has no text: its output is the calls as the API sent them (JSON). */
function toolCallsOutput(calls: ToolCall[]): string {
  return JSON.stringify(calls.map((c) => ({ id: c.id, type: 'function', function: { name: c.name, arguments: c.arguments } })));
}

/** GitHub Models' OpenAI-compatible inference endpoint; models are named as GitHub names them (`openai/gpt-4o`, `meta/llama-3.3-70b-instruct`). */
export const GITHUB_MODELS_DEFAULT_BASE_URL = 'https://models.github.ai/inference';

/**
 * The `github` provider: GitHub Models through the same SDK, at GitHub's endpoint, authenticated
 * with a GitHub token (`GITHUB_TOKEN`, or VS Code's GitHub sign-in), the model names passed as
 * GitHub writes them.
 */
export function createGitHubModelsProvider(options: HttpProviderOptions): Provider {
  return createOpenAIProvider(options, undefined, 'github');
}

/** `openai` (and OpenAI-compatible servers), `azure-openai` when `azure` is given, or `github`. */
export function createOpenAIProvider(options: HttpProviderOptions, azure?: AzureOptions, which: 'openai' | 'github' = 'openai'): Provider {
  const id = azure ? 'azure-openai' : which;
  const github = id === 'github';
  const endpoint = (azure ? (azure.endpoint ?? '') : options.baseURL || (github ? GITHUB_MODELS_DEFAULT_BASE_URL : OPENAI_DEFAULT_BASE_URL)).replace(/\/+$/, '');
  // Local OpenAI-compatible servers (Ollama, vLLM, ...) usually need no key; GitHub Models and Azure always do.
  const custom = !azure && !github && !!options.baseURL && !/^https:\/\/api\.openai\.com/i.test(options.baseURL);
  const secrets = [options.apiKey];
  const label = azure ? 'Azure OpenAI' : github ? 'GitHub Models' : 'OpenAI';
  const checkReady = () => {
    if (azure && !endpoint) throw new ProviderError('config', 'No Azure OpenAI endpoint: set promptWorkbench.providers.azureOpenAI.endpoint (or AZURE_OPENAI_ENDPOINT for the CLI) to the resource URL, e.g. https://NAME.openai.azure.com.', id);
    if (!options.apiKey && !custom) throw new ProviderError('no-key', github ? `No GitHub token for GitHub Models. ${options.keyHint ?? 'Sign in to GitHub in VS Code, or set GITHUB_TOKEN (a token with the models: read permission) for the CLI.'}` : `No ${azure ? 'Azure OpenAI' : 'OpenAI'} API key. ${options.keyHint ?? defaultKeyHint(azure ? 'azure-openai' : 'openai')}`, id);
  };
  const clientFor = (transport: ReturnType<typeof callTransport>, model: string) => {
    const common = { apiKey: options.apiKey || 'no-key', timeout: options.timeoutMs, maxRetries: options.maxRetries, fetch: transport.fetch, logLevel: 'off' as const };
    // Azure: the official SDK's own client (deployment URLs, `api-key` header, `api-version`); the model is the deployment.
    return azure ? new AzureOpenAI({ ...common, endpoint, apiVersion: azure.apiVersion || AZURE_OPENAI_DEFAULT_API_VERSION, deployment: model }) : new OpenAI({ ...common, baseURL: endpoint, organization: null, project: null });
  };
  const classes = { timeout: OpenAI.APIConnectionTimeoutError, connection: OpenAI.APIConnectionError, abort: OpenAI.APIUserAbortError };
  return {
    id,
    endpoint,
    /** The embeddings endpoint (`embeddings.create`), for `similar`. */
    async embed(request: EmbedRequest): Promise<EmbedReply> {
      checkReady();
      const transport = callTransport(options.fetch);
      const client = clientFor(transport, request.model);
      const scope = callSignal(request.signal);
      try {
        const reply = await client.embeddings.create({ model: request.model, input: request.texts, encoding_format: 'float' }, { signal: scope.signal });
        const data = [...(reply?.data ?? [])].sort((a, b) => a.index - b.index);
        if (data.length !== request.texts.length || data.some((d) => !Array.isArray(d.embedding))) throw new ProviderError('bad-response', `${label}'s embeddings answer has ${data.length} vectors for ${request.texts.length} texts. Is ${endpoint} an OpenAI-compatible embeddings server?`, id);
        return { vectors: data.map((d) => d.embedding as number[]), model: reply.model, inputTokens: reply.usage?.prompt_tokens };
      } catch (e) {
        if (request.signal?.aborted) throw new ProviderError('cancelled', 'Cancelled.', id);
        if (e instanceof ProviderError) throw e;
        throw classifyError(e, id, endpoint, secrets, options.timeoutMs, options.maxRetries, classes);
      } finally {
        scope.dispose();
      }
    },
    async call(request: ModelCall): Promise<ModelReply> {
      checkReady();
      // A client per call, so its fetch counts this call's attempts (a client costs microseconds).
      const transport = callTransport(options.fetch);
      const client = clientFor(transport, request.model);
      const scope = callSignal(request.signal);
      const signal = scope.signal;
      const body: Record<string, unknown> = { model: request.model, messages: openAiMessages(request.messages), ...openAiParameters(request.model, request.parameters) };
      if (request.tools?.length) body.tools = openAiTools(request.tools);
      if (request.logprobs) body.logprobs = true;
      if (request.output?.responseFormat) body.response_format = request.output.responseFormat;
      else if (request.output?.format === 'json') {
        body.response_format = request.output.schema ? { type: 'json_schema', json_schema: { name: 'output', schema: request.output.schema, strict: false } } : { type: 'json_object' };
      }
      const started = performance.now();
      try {
        const reply = await retryResets(transport, options.maxRetries, signal, attempt);
        return { ...reply, sent: transport.sent };
      } catch (e) {
        if (request.signal?.aborted) throw new ProviderError('cancelled', 'Cancelled.', id);
        throw classifyError(e, id, endpoint, secrets, options.timeoutMs, options.maxRetries, classes);
      } finally {
        scope.dispose();
      }

      async function attempt(maxRetries: number): Promise<ModelReply> {
        if (options.stream) {
          const stream = await client.chat.completions.create({ ...body, stream: true, stream_options: { include_usage: true } } as unknown as OpenAI.Chat.ChatCompletionCreateParamsStreaming, { signal, maxRetries });
          let output = '';
          let firstTokenMs: number | undefined;
          let model: string | undefined;
          let usage: ModelReply['usage'];
          let finishReason: string | undefined;
          const logprobs: number[] = [];
          // Tool calls arrive in pieces, by index: the first piece has the id and name, the rest the arguments' text.
          const calls: OpenAiToolCall[] = [];
          for await (const chunk of stream) {
            model ??= chunk.model;
            const choice = chunk.choices?.[0];
            const delta = choice?.delta?.content;
            if (delta) {
              firstTokenMs ??= performance.now() - started;
              output += delta;
            }
            for (const piece of choice?.delta?.tool_calls ?? []) {
              const c = (calls[piece.index] ??= { function: { name: '', arguments: '' } });
              if (piece.id) c.id = piece.id;
              if (piece.function?.name) c.function!.name += piece.function.name;
              if (piece.function?.arguments) c.function!.arguments += piece.function.arguments;
            }
            for (const t of choice?.logprobs?.content ?? []) logprobs.push(t.logprob);
            finishReason = choice?.finish_reason ?? finishReason;
            if (chunk.usage) usage = { inputTokens: chunk.usage.prompt_tokens, outputTokens: chunk.usage.completion_tokens };
          }
          const toolCalls = toolCallsOf(calls.filter(Boolean));
          return { output: output || (toolCalls ? toolCallsOutput(toolCalls) : ''), model, usage, finishReason, firstTokenMs, ...(toolCalls ? { toolCalls } : {}), ...(request.logprobs && logprobs.length ? { logprobs } : {}) };
        }
        const reply = await client.chat.completions.create(body as unknown as OpenAI.Chat.ChatCompletionCreateParamsNonStreaming, { signal, maxRetries });
        const choice = reply?.choices?.[0];
        const toolCalls = toolCallsOf(choice?.message?.tool_calls as OpenAiToolCall[] | undefined);
        const logprobs = request.logprobs ? choice?.logprobs?.content?.map((t) => t.logprob) : undefined;
        const extra = { ...(toolCalls ? { toolCalls } : {}), ...(logprobs?.length ? { logprobs } : {}) };
        if (choice && typeof choice.message?.content !== 'string' && toolCalls) {
          return { output: toolCallsOutput(toolCalls), model: reply.model, finishReason: choice.finish_reason ?? undefined, usage: reply.usage ? { inputTokens: reply.usage.prompt_tokens, outputTokens: reply.usage.completion_tokens } : undefined, ...extra };
        }
        if (!choice || typeof choice.message?.content !== 'string') {
          if (choice?.message?.refusal) return { output: choice.message.refusal, model: reply.model, finishReason: 'refusal', usage: reply.usage ? { inputTokens: reply.usage.prompt_tokens, outputTokens: reply.usage.completion_tokens } : undefined };
          throw new ProviderError('bad-response', `${label}'s answer has no message text (${JSON.stringify(reply).slice(0, 200)}). Is ${endpoint} an OpenAI-compatible chat completions server?`, id);
        }
        return {
          output: choice.message.content,
          model: reply.model,
          finishReason: choice.finish_reason ?? undefined,
          usage: reply.usage ? { inputTokens: reply.usage.prompt_tokens, outputTokens: reply.usage.completion_tokens } : undefined,
          ...extra,
        };
      }
    },
  };
}
