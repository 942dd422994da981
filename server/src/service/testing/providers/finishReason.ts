// Why the model stopped, in one vocabulary for every provider, so that one `finish-reason`
// assertion reads the same whichever API answered. The common names are OpenAI's (`stop`,
// `length`, `tool_calls`, `content_filter`); reasons with no common name pass through lowercased.
import type { ModelReply } from './types';

export const COMMON_FINISH_REASONS = ['stop', 'length', 'tool_calls', 'content_filter'] as const;

/** What each API's reason means in the common vocabulary (keys lowercased). */
export const FINISH_REASON_MAP: Readonly<Record<string, string>> = {
  // OpenAI chat completions (and compatible servers)
  stop: 'stop',
  length: 'length',
  tool_calls: 'tool_calls',
  function_call: 'tool_calls',
  content_filter: 'content_filter',
  refusal: 'content_filter',
  // Anthropic messages
  end_turn: 'stop',
  stop_sequence: 'stop',
  max_tokens: 'length',
  model_context_window_exceeded: 'length',
  tool_use: 'tool_calls',
  // Gemini (`STOP`, `MAX_TOKENS`, and the blocked answers)
  safety: 'content_filter',
  recitation: 'content_filter',
  blocklist: 'content_filter',
  prohibited_content: 'content_filter',
  spii: 'content_filter',
  image_safety: 'content_filter',
};

/**
 * The reason in the common vocabulary, or undefined when the provider gave none. Gemini says
 * `STOP` when it asks for function calls: an answer with tool calls that stopped normally is `tool_calls`.
 */
export function normalizeFinishReason(reply: Pick<ModelReply, 'finishReason' | 'toolCalls'>): string | undefined {
  const raw = reply.finishReason?.trim().toLowerCase();
  if (!raw) return undefined;
  const common = FINISH_REASON_MAP[raw] ?? raw;
  return common === 'stop' && reply.toolCalls?.length ? 'tool_calls' : common;
}
