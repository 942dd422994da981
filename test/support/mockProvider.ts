// A real HTTP server on 127.0.0.1 (random port) that speaks the OpenAI chat completions, the
// Anthropic messages and Gemini's generateContent wire formats (the Gemini API's
// `/v1beta/models/{model}:generateContent` and Vertex AI's
// `/v1beta1/projects/{project}/locations/{location}/publishers/google/models/{model}:generateContent`),
// plain and streaming (server-sent events; Gemini's `:streamGenerateContent?alt=sse`). Scriptable: replies,
// latency, 429 with Retry-After, 500s, stalls, malformed bodies, connections reset mid-answer. It records every request, how many
// were in flight at most, and whether the client closed the connection before the answer ended.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export type Api = 'openai' | 'anthropic' | 'gemini';

export interface RecordedRequest {
  api: Api;
  path: string;
  headers: IncomingMessage['headers'];
  body: Record<string, unknown>;
  /** The text of the last user message. */
  prompt: string;
  startedAt: number;
  /** The client closed the connection before the response was complete. */
  closedByClient: boolean;
  completed: boolean;
  /** The server reset the connection after this many bytes of the body (`MockReply.reset`). */
  resetAfterBytes?: number;
}

export interface MockReply {
  /** The answer's text (default: "ok"). */
  text?: string;
  status?: number;
  headers?: Record<string, string>;
  /** A raw body to send instead of a well-formed answer (e.g. malformed JSON). */
  raw?: string;
  /** Milliseconds before answering (default: the server's latency). */
  delayMs?: number;
  /** Never answer (until the client gives up or the server stops). */
  stall?: boolean;
  /**
   * Send the headers and the first half of the answer (streaming: half of its events), then
   * destroy the socket, as a proxy or a server restart does to a connection mid-answer.
   */
  reset?: boolean;
  model?: string;
  usage?: { input: number; output: number };
}

export type Script = (request: RecordedRequest, index: number) => MockReply;

export class MockProvider {
  readonly requests: RecordedRequest[] = [];
  inFlight = 0;
  maxInFlight = 0;
  /** Default latency for every reply, in ms. */
  latencyMs = 0;
  /** Replies used in order, before `script`. */
  readonly queue: MockReply[] = [];
  script: Script = () => ({ text: 'ok' });
  private readonly sockets = new Set<Socket>();
  private readonly timers = new Set<NodeJS.Timeout>();

  private constructor(private readonly server: Server) {}

  static async start(options: { latencyMs?: number; script?: Script } = {}): Promise<MockProvider> {
    let mock!: MockProvider;
    const server = createServer((req, res) => void mock.handle(req, res));
    mock = new MockProvider(server);
    if (options.latencyMs) mock.latencyMs = options.latencyMs;
    if (options.script) mock.script = options.script;
    server.on('connection', (s) => {
      mock.sockets.add(s);
      s.on('close', () => mock.sockets.delete(s));
    });
    server.keepAliveTimeout = 30_000;
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return mock;
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }
  /** For `OPENAI_BASE_URL` / the openai SDK's `baseURL`. */
  get openaiBaseUrl(): string {
    return `${this.url}/v1`;
  }
  /** For `ANTHROPIC_BASE_URL` / the Anthropic SDK's `baseURL`. */
  get anthropicBaseUrl(): string {
    return this.url;
  }
  /** For `GOOGLE_GEMINI_BASE_URL` / `GOOGLE_VERTEX_BASE_URL` (the SDK adds `/v1beta/...` itself). */
  get geminiBaseUrl(): string {
    return this.url;
  }

  reset(): void {
    this.requests.length = 0;
    this.queue.length = 0;
    this.maxInFlight = 0;
    this.script = () => ({ text: 'ok' });
    this.latencyMs = 0;
  }

  async stop(): Promise<void> {
    for (const t of this.timers) clearTimeout(t);
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const t = setTimeout(() => {
        this.timers.delete(t);
        resolve();
      }, ms);
      this.timers.add(t);
    });
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    let body: Record<string, unknown> = {};
    try {
      body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
    } catch {
      // recorded as empty
    }
    const gemini = GEMINI_ROUTE.exec(req.url ?? '');
    const api: Api = gemini ? 'gemini' : req.url?.includes('/chat/completions') ? 'openai' : 'anthropic';
    if (!gemini && !req.url?.includes('/chat/completions') && !req.url?.includes('/messages')) {
      res.writeHead(404, { 'content-type': 'application/json' }).end(JSON.stringify({ error: { message: `No route ${req.url}` } }));
      return;
    }
    if (gemini) {
      // The model comes in the path; streaming is the method's name, not a body field.
      body = { ...body, model: decodeURIComponent(gemini[1]), stream: gemini[2] === 'streamGenerateContent' ? true : undefined };
      if (!body.stream) delete body.stream;
    }
    const messages = gemini ? ((body.contents as { role: string; parts: { text: string }[] }[] | undefined) ?? []).map((c) => ({ role: c.role, content: c.parts?.map((p) => p.text).join('') })) : ((body.messages as { role: string; content: unknown }[] | undefined) ?? []);
    const lastUser = [...messages].reverse().find((m) => m.role === 'user');
    const record: RecordedRequest = { api, path: req.url ?? '', headers: req.headers, body, prompt: typeof lastUser?.content === 'string' ? lastUser.content : JSON.stringify(lastUser?.content ?? ''), startedAt: Date.now(), closedByClient: false, completed: false };
    const index = this.requests.length;
    this.requests.push(record);
    this.inFlight++;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    res.on('close', () => {
      if (!res.writableFinished) record.closedByClient = true;
      this.inFlight--;
    });
    const reply = this.queue.shift() ?? this.script(record, index);
    if (reply.stall) return; // the client has to give up
    await this.sleep(reply.delayMs ?? this.latencyMs);
    if (res.destroyed) return;
    const headers = { 'content-type': 'application/json', ...reply.headers };
    if (reply.raw !== undefined) {
      res.writeHead(reply.status ?? 200, headers).end(reply.raw);
    } else if ((reply.status ?? 200) >= 400) {
      const error = api === 'openai' ? { error: { message: reply.text ?? 'error', type: 'mock_error' } } : api === 'gemini' ? { error: { code: reply.status, message: reply.text ?? 'error', status: GEMINI_STATUS[reply.status!] ?? 'UNKNOWN' } } : { type: 'error', error: { type: 'mock_error', message: reply.text ?? 'error' } };
      res.writeHead(reply.status!, headers).end(JSON.stringify(error));
    } else if (body.stream) {
      if (!(await this.stream(api, res, reply, body, record))) return;
    } else {
      const text = JSON.stringify(api === 'openai' ? openaiBody(reply, body) : api === 'gemini' ? geminiBody(reply, body) : anthropicBody(reply, body));
      if (reply.reset) {
        // The full length is announced, so the client knows the body was cut short.
        res.writeHead(200, { ...headers, 'content-length': String(Buffer.byteLength(text)) });
        await this.resetAfter(res, record, text.slice(0, Math.floor(text.length / 2)));
        return;
      }
      res.writeHead(200, headers).end(text);
    }
    record.completed = true;
  }

  /** Writes `part`, lets it reach the client, then destroys the socket (no orderly end). */
  private async resetAfter(res: ServerResponse, record: RecordedRequest, part: string): Promise<void> {
    await new Promise<void>((resolve) => res.write(part, () => resolve()));
    await this.sleep(20);
    record.resetAfterBytes = Buffer.byteLength(part);
    res.socket?.destroy();
  }

  /** False when the reply was a reset. */
  private async stream(api: Api, res: ServerResponse, reply: MockReply, body: Record<string, unknown>, record: RecordedRequest): Promise<boolean> {
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
    const text = reply.text ?? 'ok';
    const pieces = text.match(/.{1,4}/gs) ?? [''];
    const model = reply.model ?? String(body.model);
    const usage = reply.usage ?? { input: 10, output: pieces.length };
    const events: string[] = [];
    const send = (event: string | undefined, data: unknown) => void events.push(`${event ? `event: ${event}\n` : ''}data: ${typeof data === 'string' ? data : JSON.stringify(data)}\n\n`);
    if (api === 'openai') {
      for (const p of pieces) send(undefined, { id: 'chatcmpl-mock', object: 'chat.completion.chunk', created: 1, model, choices: [{ index: 0, delta: { content: p }, finish_reason: null }] });
      send(undefined, { id: 'chatcmpl-mock', object: 'chat.completion.chunk', created: 1, model, choices: [{ index: 0, delta: {}, finish_reason: 'stop' }] });
      send(undefined, { id: 'chatcmpl-mock', object: 'chat.completion.chunk', created: 1, model, choices: [], usage: { prompt_tokens: usage.input, completion_tokens: usage.output, total_tokens: usage.input + usage.output } });
      send(undefined, '[DONE]');
    } else if (api === 'gemini') {
      pieces.forEach((p, i) => {
        const last = i === pieces.length - 1;
        send(undefined, { candidates: [{ content: { role: 'model', parts: [{ text: p }] }, index: 0, ...(last ? { finishReason: 'STOP' } : {}) }], ...(last ? { usageMetadata: { promptTokenCount: usage.input, candidatesTokenCount: usage.output, totalTokenCount: usage.input + usage.output } } : {}), modelVersion: model, responseId: 'mock' });
      });
    } else {
      send('message_start', { type: 'message_start', message: { id: 'msg_mock', type: 'message', role: 'assistant', model, content: [], stop_reason: null, usage: { input_tokens: usage.input, output_tokens: 0 } } });
      send('content_block_start', { type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } });
      for (const p of pieces) send('content_block_delta', { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: p } });
      send('content_block_stop', { type: 'content_block_stop', index: 0 });
      send('message_delta', { type: 'message_delta', delta: { stop_reason: 'end_turn' }, usage: { output_tokens: usage.output } });
      send('message_stop', { type: 'message_stop' });
    }
    if (reply.reset) {
      await this.resetAfter(res, record, events.slice(0, Math.max(1, Math.floor(events.length / 2))).join(''));
      return false;
    }
    res.end(events.join(''));
    return true;
  }
}

function openaiBody(reply: MockReply, body: Record<string, unknown>) {
  const usage = reply.usage ?? { input: 10, output: 5 };
  return {
    id: 'chatcmpl-mock',
    object: 'chat.completion',
    created: Math.floor(Date.now() / 1000),
    model: reply.model ?? String(body.model),
    choices: [{ index: 0, message: { role: 'assistant', content: reply.text ?? 'ok', refusal: null }, finish_reason: 'stop', logprobs: null }],
    usage: { prompt_tokens: usage.input, completion_tokens: usage.output, total_tokens: usage.input + usage.output },
  };
}

/** `models/{model}:generateContent` (Gemini API) or `publishers/google/models/{model}:...` (Vertex AI). */
const GEMINI_ROUTE = /^\/v1beta1?\/(?:projects\/[^/]+\/locations\/[^/]+\/publishers\/google\/)?models\/([^/:?]+):(generateContent|streamGenerateContent)(?:\?|$)/;
const GEMINI_STATUS: Record<number, string> = { 400: 'INVALID_ARGUMENT', 401: 'UNAUTHENTICATED', 403: 'PERMISSION_DENIED', 404: 'NOT_FOUND', 429: 'RESOURCE_EXHAUSTED', 500: 'INTERNAL', 503: 'UNAVAILABLE' };

function geminiBody(reply: MockReply, body: Record<string, unknown>) {
  const usage = reply.usage ?? { input: 10, output: 5 };
  return {
    candidates: [{ content: { role: 'model', parts: [{ text: reply.text ?? 'ok' }] }, finishReason: 'STOP', index: 0 }],
    usageMetadata: { promptTokenCount: usage.input, candidatesTokenCount: usage.output, totalTokenCount: usage.input + usage.output },
    modelVersion: reply.model ?? String(body.model),
    responseId: 'mock',
  };
}

function anthropicBody(reply: MockReply, body: Record<string, unknown>) {
  const usage = reply.usage ?? { input: 10, output: 5 };
  return { id: 'msg_mock', type: 'message', role: 'assistant', model: reply.model ?? String(body.model), content: [{ type: 'text', text: reply.text ?? 'ok' }], stop_reason: 'end_turn', stop_sequence: null, usage: { input_tokens: usage.input, output_tokens: usage.output } };
}

/** Answers like a model would for the example prompts, and like a judge for llm-rubric. */
export function exampleReplies(req: RecordedRequest): MockReply {
  const system = req.api === 'gemini' ? ((req.body.systemInstruction as { parts?: { text: string }[] } | undefined)?.parts ?? []).map((p) => p.text).join('') : (((req.body.messages as { role: string; content: string }[]) ?? []).find((m) => m.role === 'system')?.content ?? '');
  if (system.includes('You grade the output')) return { text: '{"reason": "Three bullets, then an action line.", "score": 0.9, "pass": true}', usage: { input: 80, output: 20 } };
  if (req.prompt.includes('<message>')) return { text: req.prompt.includes('charged twice') ? '{"team":"billing","confidence":0.92,"reason":"A double charge."}' : '{"team":"technical","confidence":0.8,"reason":"A crash."}', usage: { input: 60, output: 15 } };
  return { text: '- Checkout fails with 502 since this morning.\n- Orders are lost.\n- Priority urgent.\nAction: roll back the payment gateway.', usage: { input: 120, output: 30 } };
}

