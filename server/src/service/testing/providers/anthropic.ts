// The `anthropic` provider: the messages API through the official `@anthropic-ai/sdk`. System
// messages become the `system` parameter; Dotprompt's `model` role is `assistant`.
import Anthropic from '@anthropic-ai/sdk';
import { classifyError, defaultKeyHint } from './errors';
import { callSignal, callTransport, retryResets } from './transport';
import type { HttpProviderOptions } from './openai';
import { ProviderError, type ChatMessage, type ModelCall, type ModelReply, type Provider, type ToolCall, type ToolDefinition } from './types';

export const ANTHROPIC_DEFAULT_BASE_URL = 'https://api.anthropic.com';
/** The messages API requires max_tokens; used when the prompt sets no `config.maxOutputTokens`. */
export const ANTHROPIC_DEFAULT_MAX_TOKENS = 4096;

export function anthropicParameters(p: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { max_tokens: ANTHROPIC_DEFAULT_MAX_TOKENS };
  for (const [k, v] of Object.entries(p)) {
    if (v === undefined || v === null) continue;
    switch (k) {
      case 'maxOutputTokens':
        out.max_tokens = v;
        break;
      case 'stopSequences':
        out.stop_sequences = v;
        break;
      case 'topP':
        out.top_p = v;
        break;
      case 'topK':
        out.top_k = v;
        break;
      case 'frequencyPenalty':
      case 'presencePenalty':
      case 'seed':
      case 'reasoningEffort':
      case 'candidateCount':
      case 'safetySettings':
        break; // not part of this API
      default:
        out[k] = v;
    }
  }
  return out;
}

export function anthropicMessages(messages: readonly ChatMessage[]): { system?: string; messages: { role: 'user' | 'assistant'; content: string }[] } {
  const system = messages.filter((m) => m.role === 'system').map((m) => m.text.trim()).filter(Boolean);
  const rest = messages.filter((m) => m.role !== 'system' && m.text.trim()).map((m) => ({ role: (m.role === 'model' || m.role === 'assistant' ? 'assistant' : 'user') as 'user' | 'assistant', content: m.text }));
  // The API needs at least one message, starting with the user.
  if (!rest.length || rest[0].role !== 'user') rest.unshift({ role: 'user', content: rest.length ? '(continue)' : system.length ? '(begin)' : '' });
  return { system: system.length ? system.join('\n\n') : undefined, messages: rest };
}

/** The fixture's tools in the messages API's form (`input_schema`). */
export function anthropicTools(tools: readonly ToolDefinition[]) {
  return tools.map((t) => ({ name: t.name, ...(t.description ? { description: t.description } : {}), input_schema: t.parameters }));
}

type ToolUseBlock = { type: 'tool_use'; id?: string; name: string; input?: unknown };

function toolCallsOf(blocks: readonly { type: string }[]): ToolCall[] | undefined {
  const out = blocks.filter((b): b is ToolUseBlock => b.type === 'tool_use').map((b) => ({ format: 'anthropic' as const, name: b.name, arguments: typeof b.input === 'string' ? b.input : ((b.input && typeof b.input === 'object' ? b.input : {}) as Record<string, unknown>), ...(b.id ? { id: b.id } : {}) }));
  return out.length ? out : undefined;
}

/** An answer of tool calls only has no text: its output is the `tool_use` blocks (JSON). */
function toolCallsOutput(calls: ToolCall[]): string {
  return JSON.stringify(calls.map((c) => ({ type: 'tool_use', id: c.id, name: c.name, input: c.arguments })));
}

export function createAnthropicProvider(options: HttpProviderOptions): Provider {
  const endpoint = (options.baseURL || ANTHROPIC_DEFAULT_BASE_URL).replace(/\/+$/, '');
  const secrets = [options.apiKey];
  return {
    id: 'anthropic',
    endpoint,
    async call(request: ModelCall): Promise<ModelReply> {
      if (!options.apiKey) throw new ProviderError('no-key', `No Anthropic API key. ${options.keyHint ?? defaultKeyHint('anthropic')}`, 'anthropic');
      // A client per call, so its fetch counts this call's attempts (see transport.ts).
      const transport = callTransport(options.fetch);
      const client = new Anthropic({ apiKey: options.apiKey, baseURL: endpoint, timeout: options.timeoutMs, maxRetries: options.maxRetries, fetch: transport.fetch, logLevel: 'off' });
      const scope = callSignal(request.signal);
      const signal = scope.signal;
      const { system, messages } = anthropicMessages(request.messages);
      const body: Record<string, unknown> = { model: request.model, messages, ...anthropicParameters(request.parameters) };
      if (system) body.system = system;
      if (request.tools?.length) body.tools = anthropicTools(request.tools);
      const started = performance.now();
      try {
        const reply = await retryResets(transport, options.maxRetries, signal, attempt);
        return { ...reply, sent: transport.sent };
      } catch (e) {
        if (request.signal?.aborted) throw new ProviderError('cancelled', 'Cancelled.', 'anthropic');
        throw classifyError(e, 'anthropic', endpoint, secrets, options.timeoutMs, options.maxRetries, { timeout: Anthropic.APIConnectionTimeoutError, connection: Anthropic.APIConnectionError, abort: Anthropic.APIUserAbortError });
      } finally {
        scope.dispose();
      }

      async function attempt(maxRetries: number): Promise<ModelReply> {
        if (options.stream) {
          const stream = (await client.messages.create({ ...body, stream: true } as unknown as Anthropic.MessageCreateParamsStreaming, { signal, maxRetries })) as AsyncIterable<Anthropic.RawMessageStreamEvent>;
          let output = '';
          let firstTokenMs: number | undefined;
          let model: string | undefined;
          let inputTokens: number | undefined;
          let outputTokens: number | undefined;
          let finishReason: string | undefined;
          // A tool_use block arrives as its start (id, name), then its input as pieces of JSON text.
          const blocks = new Map<number, { id?: string; name: string; json: string }>();
          for await (const event of stream) {
            if (event.type === 'message_start') {
              model = event.message.model;
              inputTokens = event.message.usage?.input_tokens;
            } else if (event.type === 'content_block_start' && event.content_block.type === 'tool_use') {
              blocks.set(event.index, { id: event.content_block.id, name: event.content_block.name, json: '' });
            } else if (event.type === 'content_block_delta' && event.delta.type === 'input_json_delta') {
              const b = blocks.get(event.index);
              if (b) b.json += event.delta.partial_json;
            } else if (event.type === 'content_block_delta' && event.delta.type === 'text_delta') {
              firstTokenMs ??= performance.now() - started;
              output += event.delta.text;
            } else if (event.type === 'message_delta') {
              outputTokens = event.usage?.output_tokens ?? outputTokens;
              finishReason = event.delta.stop_reason ?? finishReason;
            }
          }
          const toolCalls = toolCallsOf([...blocks.values()].map((b) => ({ type: 'tool_use', id: b.id, name: b.name, input: parseInput(b.json) })));
          return { output: output || (toolCalls ? toolCallsOutput(toolCalls) : ''), model, usage: { inputTokens, outputTokens }, finishReason, firstTokenMs, ...(toolCalls ? { toolCalls } : {}) };
        }
        const reply = (await client.messages.create(body as unknown as Anthropic.MessageCreateParamsNonStreaming, { signal, maxRetries })) as Anthropic.Message;
        if (!reply || !Array.isArray(reply.content)) throw new ProviderError('bad-response', `Anthropic's answer has no content (${JSON.stringify(reply).slice(0, 200)}). Is ${endpoint} an Anthropic messages API server?`, 'anthropic');
        const text = reply.content.map((b) => (b.type === 'text' ? b.text : '')).join('');
        const toolCalls = toolCallsOf(reply.content);
        return { output: text || (toolCalls ? toolCallsOutput(toolCalls) : ''), model: reply.model, usage: { inputTokens: reply.usage?.input_tokens, outputTokens: reply.usage?.output_tokens }, finishReason: reply.stop_reason ?? undefined, ...(toolCalls ? { toolCalls } : {}) };
      }
    },
  };
}

/** A streamed tool input's JSON text (empty for a tool without arguments); text that does not parse stays text, for the check to report. */
function parseInput(json: string): unknown {
  if (!json.trim()) return {};
  try {
    return JSON.parse(json);
  } catch {
    return json;
  }
}
