// The `vscode-lm` provider: the engine's Provider interface over the VS Code Language Model API
// (`vscode.lm`), so users with a chat model in the editor (e.g. GitHub Copilot) run tests without
// a key. It takes the API's shape as arguments (no `vscode` import), so it is tested in plain node.
import { ProviderError, type ModelCall, type ModelReply, type Provider } from '../../../server/src/service/testing';

export interface LmCancellationToken {
  isCancellationRequested: boolean;
  onCancellationRequested: (listener: () => unknown) => { dispose(): unknown };
}

export interface LmChatModel {
  id: string;
  vendor: string;
  family: string;
  name: string;
  sendRequest(messages: unknown[], options: { justification?: string; modelOptions?: Record<string, unknown> }, token: LmCancellationToken): PromiseLike<{ text: AsyncIterable<string> }>;
}

export interface LmApi {
  selectChatModels(selector?: { vendor?: string; family?: string; id?: string }): PromiseLike<LmChatModel[]>;
}

export interface LmMessageFactory {
  user(text: string): unknown;
  assistant(text: string): unknown;
}

export interface VscodeLmOptions {
  /** `promptWorkbench.providers.vscodeLm.vendor` (default: any vendor). */
  vendor?: string;
  /** `promptWorkbench.providers.vscodeLm.family`: used when the prompt's model is not available. */
  family?: string;
  /** A CancellationTokenSource factory (`new vscode.CancellationTokenSource()`). */
  tokenSource(): { token: LmCancellationToken; cancel(): void; dispose(): void };
}

/** LanguageModelError codes (`NoPermissions`, `Blocked`, `NotFound`) as the engine's error kinds. */
function classify(e: unknown): ProviderError {
  const err = e as { code?: string; message?: string; name?: string };
  const code = err.code ?? '';
  if (/NoPermissions/i.test(code)) return new ProviderError('auth', `VS Code did not allow this extension to use the language model (${err.message ?? code}). Allow it when VS Code asks, or in the Language Models / Copilot settings.`, 'vscode-lm');
  if (/Blocked/i.test(code)) return new ProviderError('rate-limited', `The language model refused the request for now (${err.message ?? code}): it may be over its quota. Try again later.`, 'vscode-lm');
  if (/NotFound/i.test(code)) return new ProviderError('model', `The language model is not available (${err.message ?? code}).`, 'vscode-lm');
  return new ProviderError('bad-response', `The language model failed: ${err.message ?? String(e)}`, 'vscode-lm');
}

export function createVscodeLmProvider(lm: LmApi, messages: LmMessageFactory, options: VscodeLmOptions): Provider {
  const pick = async (model: string): Promise<LmChatModel> => {
    const name = model.replace(/^[^/]+\//, '');
    const vendor = options.vendor || undefined;
    const tries = [name ? { vendor, id: name } : undefined, name ? { vendor, family: name } : undefined, options.family ? { vendor, family: options.family } : undefined, { vendor }];
    for (const selector of tries) {
      if (!selector) continue;
      const found = await lm.selectChatModels(selector);
      if (found.length) return found[0];
    }
    throw new ProviderError('unavailable', 'No language model is available in VS Code. Install and sign in to a chat extension that provides one (for example GitHub Copilot), or choose another run profile.', 'vscode-lm');
  };
  return {
    id: 'vscode-lm',
    endpoint: `vscode-lm${options.vendor ? `:${options.vendor}` : ''}`,
    async call(request: ModelCall): Promise<ModelReply> {
      const model = await pick(request.model);
      // The API has user and assistant messages only: system text goes first, as a user message.
      const chat = request.messages.filter((m) => m.text.trim()).map((m) => (m.role === 'model' || m.role === 'assistant' ? messages.assistant(m.text) : messages.user(m.text)));
      const source = options.tokenSource();
      const onAbort = () => source.cancel();
      request.signal?.addEventListener('abort', onAbort);
      const started = performance.now();
      try {
        if (request.signal?.aborted) throw new ProviderError('cancelled', 'Cancelled.', 'vscode-lm');
        const modelOptions: Record<string, unknown> = {};
        for (const [k, v] of Object.entries(request.parameters)) if (v !== undefined && v !== null) modelOptions[k] = v;
        const response = await model.sendRequest(chat, { justification: 'Prompt Workbench runs your prompt tests with this model.', modelOptions }, source.token);
        let output = '';
        let firstTokenMs: number | undefined;
        for await (const piece of response.text) {
          firstTokenMs ??= performance.now() - started;
          output += piece;
        }
        if (request.signal?.aborted) throw new ProviderError('cancelled', 'Cancelled.', 'vscode-lm');
        return { output, model: model.id, firstTokenMs };
      } catch (e) {
        if (request.signal?.aborted || (e as { name?: string })?.name === 'Canceled') throw new ProviderError('cancelled', 'Cancelled.', 'vscode-lm');
        throw e instanceof ProviderError ? e : classify(e);
      } finally {
        request.signal?.removeEventListener('abort', onAbort);
        source.dispose();
      }
    },
  };
}
