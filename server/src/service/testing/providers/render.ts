// The `render` provider: no model at all. Its output is the rendered prompt, so template-only
// cases (the right inputs reach the right message, a partial is included) run offline and in CI.
import type { ChatMessage, ModelCall, ModelReply, Provider } from './types';

/** One message: its text. Several: each under a `[role]` line, separated by a blank line. */
export function renderedOutput(messages: readonly ChatMessage[]): string {
  if (messages.length === 1) return messages[0].text;
  return messages.map((m) => `[${m.role}]\n${m.text.replace(/^\n+/, '').trimEnd()}`).join('\n\n');
}

export function createRenderProvider(): Provider {
  return {
    id: 'render',
    endpoint: 'render',
    async call(request: ModelCall): Promise<ModelReply> {
      return { output: renderedOutput(request.messages), model: 'render', usage: { inputTokens: 0, outputTokens: 0 } };
    },
  };
}
