// The local provider server of test/support/mockProvider.ts (OpenAI, Anthropic and Gemini wire formats) in a process of its own, so a benchmark
// measures the client's work, not the server's (a real provider is another machine). Controlled
// over IPC: `reset` and `stats` messages; it sends `{ url }` when listening.
import { MockProvider } from '../test/support/mockProvider';

void (async () => {
  const latencyMs = Number(process.argv[2] ?? 100);
  const mock = await MockProvider.start({ latencyMs, script: () => ({ text: 'Well, hello there.', usage: { input: 12, output: 4 } }) });
  process.on('message', (m: { type: string }) => {
    if (m.type === 'reset') {
      mock.requests.length = 0;
      mock.maxInFlight = 0;
      process.send!({ type: 'reset' });
    } else if (m.type === 'stats') {
      const byApi: Record<string, number> = {};
      for (const r of mock.requests) byApi[r.api] = (byApi[r.api] ?? 0) + 1;
      process.send!({ type: 'stats', requests: mock.requests.length, maxInFlight: mock.maxInFlight, byApi });
    }
    else if (m.type === 'stop') void mock.stop().then(() => process.exit(0));
  });
  process.send!({ type: 'ready', url: mock.url });
})();
