// The `anthropic` provider: the messages API through the official `@anthropic-ai/sdk`. System
// messages become the `system` parameter; Dotprompt's `model` role is `assistant`.
import Anthropic from '@anthropic-ai/sdk';
import { classifyError, defaultKeyHint } from './errors';
import { callSignal, callTransport, retryResets } from './transport';
import type { HttpProviderOptions } from './openai';
import { ProviderError, type ChatMessage, type ModelCall, type ModelReply, type Provider } from './types';

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
          for await (const event of stream) {
            if (event.type === 'message_start') {
              model = event.message.model;
              inputTokens = event.message.usage?.input_tokens;
            } else if (event.type === 'content_block_delta' && event.delta.type === 'text_delta') {
              firstTokenMs ??= performance.now() - started;
              output += event.delta.text;
            } else if (event.type === 'message_delta') {
              outputTokens = event.usage?.output_tokens ?? outputTokens;
              finishReason = event.delta.stop_reason ?? finishReason;
            }
          }
          return { output, model, usage: { inputTokens, outputTokens }, finishReason, firstTokenMs };
        }
        const reply = (await client.messages.create(body as unknown as Anthropic.MessageCreateParamsNonStreaming, { signal, maxRetries })) as Anthropic.Message;
        if (!reply || !Array.isArray(reply.content)) throw new ProviderError('bad-response', `Anthropic's answer has no content (${JSON.stringify(reply).slice(0, 200)}). Is ${endpoint} an Anthropic messages API server?`, 'anthropic');
        const output = reply.content.map((b) => (b.type === 'text' ? b.text : '')).join('');
        return { output, model: reply.model, usage: { inputTokens: reply.usage?.input_tokens, outputTokens: reply.usage?.output_tokens }, finishReason: reply.stop_reason ?? undefined };
      }
    },
  };
}
