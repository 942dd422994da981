// A real HTTP server on 127.0.0.1 (random port) that speaks the OpenAI chat completions, the
// Anthropic messages and Gemini's generateContent wire formats (the Gemini API's
// `/v1beta/models/{model}:generateContent` and Vertex AI's
// `/v1beta1/projects/{project}/locations/{location}/publishers/google/models/{model}:generateContent`),
// plain and streaming (server-sent events; Gemini's `:streamGenerateContent?alt=sse`). Scriptable: replies,
// latency, 429 with Retry-After, 500s, stalls, malformed bodies, connections reset mid-answer. It records every request, how many
// were in flight at most, and whether the client closed the connection before the answer ended.
// It also answers tool calls (OpenAI `tool_calls`, Anthropic `tool_use`, Gemini `functionCall`), log
// probabilities (OpenAI `logprobs`, Gemini `logprobsResult`) and embeddings (OpenAI `/v1/embeddings`,
// the Gemini API's `:batchEmbedContents`, Vertex AI's `:predict`), with vectors from `embed`.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export type Api = 'openai' | 'anthropic' | 'gemini';

/** A deterministic embedding: counts of the letters a to z (texts with the same letters point the same way). */
export function letterVector(text: string): number[] {
  const v = new Array<number>(26).fill(0);
  for (const ch of text.toLowerCase()) {
    const i = ch.charCodeAt(0) - 97;
    if (i >= 0 && i < 26) v[i]++;
  }
  return v;
}

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
  /** Tool calls to answer with (no text unless `text` is given too). `arguments`: an object, or raw text (OpenAI's JSON string as the model wrote it). */
  toolCalls?: { name: string; arguments: unknown }[];
  /** Log probabilities of the output tokens, sent when the request asked for them. */
  logprobs?: number[];
  /** The API's own finish reason instead of the default (`stop`, `end_turn`, `STOP`, or the tool-call one). */
  finishReason?: string;
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
  /** The vector of each text embedded. */
  embed: (text: string) => number[] = letterVector;
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
    this.embed = letterVector;
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
    if (await this.embeddings(req, res, body)) return;
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

  /** Answers the embeddings routes; false for other requests. */
  private async embeddings(req: IncomingMessage, res: ServerResponse, body: Record<string, unknown>): Promise<boolean> {
    const url = req.url ?? '';
    const openai = /\/embeddings(\?|$)/.test(url);
    const gemini = EMBED_ROUTE.exec(url);
    if (!openai && !gemini) return false;
    let texts: string[];
    if (openai) texts = Array.isArray(body.input) ? (body.input as string[]) : [String(body.input)];
    else if (gemini![2] === 'batchEmbedContents') texts = ((body.requests as { content?: { parts?: { text?: string }[] } }[]) ?? []).map((r) => (r.content?.parts ?? []).map((p) => p.text ?? '').join(''));
    else texts = ((body.instances as { content?: string }[]) ?? []).map((i) => i.content ?? '');
    const api: Api = openai ? 'openai' : 'gemini';
    const record: RecordedRequest = { api, path: url, headers: req.headers, body: { ...body, ...(gemini ? { model: decodeURIComponent(gemini[1]) } : {}) }, prompt: texts.join('\n'), startedAt: Date.now(), closedByClient: false, completed: false };
    const index = this.requests.length;
    this.requests.push(record);
    const reply = this.queue.shift() ?? this.script(record, index);
    await this.sleep(reply.delayMs ?? this.latencyMs);
    if ((reply.status ?? 200) >= 400) {
      res.writeHead(reply.status!, { 'content-type': 'application/json' }).end(JSON.stringify(openai ? { error: { message: reply.text ?? 'error', type: 'mock_error' } } : { error: { code: reply.status, message: reply.text ?? 'error', status: GEMINI_STATUS[reply.status!] ?? 'UNKNOWN' } }));
      record.completed = true;
      return true;
    }
    const vectors = texts.map((t) => this.embed(t));
    const tokens = texts.reduce((n, t) => n + Math.max(1, t.split(/\s+/).filter(Boolean).length), 0);
    const answer = openai
      ? { object: 'list', model: String(body.model), data: vectors.map((embedding, i) => ({ object: 'embedding', index: i, embedding })), usage: { prompt_tokens: tokens, total_tokens: tokens } }
      : gemini![2] === 'batchEmbedContents'
        ? { embeddings: vectors.map((values) => ({ values })) }
        : { predictions: vectors.map((values) => ({ embeddings: { values, statistics: { token_count: values.length, truncated: false } } })) };
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(answer));
    record.completed = true;
    return true;
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
    const calls = reply.toolCalls ?? [];
    const onlyCalls = calls.length > 0 && reply.text === undefined;
    const streamPieces = onlyCalls ? [] : pieces;
    const lp = body.logprobs || (body.generationConfig as { responseLogprobs?: boolean } | undefined)?.responseLogprobs ? reply.logprobs : undefined;
    if (api === 'openai') {
      streamPieces.forEach((p, i) => send(undefined, { id: 'chatcmpl-mock', object: 'chat.completion.chunk', created: 1, model, choices: [{ index: 0, delta: { content: p }, finish_reason: null, ...(lp ? { logprobs: { content: i === 0 ? lp.map((x, k) => ({ token: `t${k}`, logprob: x, bytes: null, top_logprobs: [] })) : [] } } : {}) }] }));
      calls.forEach((c, i) => {
        const args = typeof c.arguments === 'string' ? c.arguments : JSON.stringify(c.arguments);
        const half = Math.floor(args.length / 2);
        send(undefined, { id: 'chatcmpl-mock', object: 'chat.completion.chunk', created: 1, model, choices: [{ index: 0, delta: { tool_calls: [{ index: i, id: `call_${i}`, type: 'function', function: { name: c.name, arguments: args.slice(0, half) } }] }, finish_reason: null }] });
        send(undefined, { id: 'chatcmpl-mock', object: 'chat.completion.chunk', created: 1, model, choices: [{ index: 0, delta: { tool_calls: [{ index: i, function: { arguments: args.slice(half) } }] }, finish_reason: null }] });
      });
      send(undefined, { id: 'chatcmpl-mock', object: 'chat.completion.chunk', created: 1, model, choices: [{ index: 0, delta: {}, finish_reason: reply.finishReason ?? (calls.length ? 'tool_calls' : 'stop') }] });
      send(undefined, { id: 'chatcmpl-mock', object: 'chat.completion.chunk', created: 1, model, choices: [], usage: { prompt_tokens: usage.input, completion_tokens: usage.output, total_tokens: usage.input + usage.output } });
      send(undefined, '[DONE]');
    } else if (api === 'gemini') {
      const parts: Record<string, unknown>[][] = [...streamPieces.map((p) => [{ text: p }]), ...calls.map((c) => [{ functionCall: { name: c.name, args: c.arguments } }])];
      parts.forEach((p, i) => {
        const last = i === parts.length - 1;
        send(undefined, { candidates: [{ content: { role: 'model', parts: p }, index: 0, ...(last ? { finishReason: reply.finishReason ?? 'STOP' } : {}), ...(lp && i === 0 ? { logprobsResult: { chosenCandidates: lp.map((x, k) => ({ token: `t${k}`, logProbability: x })) } } : {}) }], ...(last ? { usageMetadata: { promptTokenCount: usage.input, candidatesTokenCount: usage.output, totalTokenCount: usage.input + usage.output } } : {}), modelVersion: model, responseId: 'mock' });
      });
    } else {
      send('message_start', { type: 'message_start', message: { id: 'msg_mock', type: 'message', role: 'assistant', model, content: [], stop_reason: null, usage: { input_tokens: usage.input, output_tokens: 0 } } });
      if (!onlyCalls) {
        send('content_block_start', { type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } });
        for (const p of pieces) send('content_block_delta', { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: p } });
        send('content_block_stop', { type: 'content_block_stop', index: 0 });
      }
      calls.forEach((c, i) => {
        const index = (onlyCalls ? 0 : 1) + i;
        const json = typeof c.arguments === 'string' ? c.arguments : JSON.stringify(c.arguments);
        send('content_block_start', { type: 'content_block_start', index, content_block: { type: 'tool_use', id: `toolu_${i}`, name: c.name, input: {} } });
        send('content_block_delta', { type: 'content_block_delta', index, delta: { type: 'input_json_delta', partial_json: json.slice(0, Math.floor(json.length / 2)) } });
        send('content_block_delta', { type: 'content_block_delta', index, delta: { type: 'input_json_delta', partial_json: json.slice(Math.floor(json.length / 2)) } });
        send('content_block_stop', { type: 'content_block_stop', index });
      });
      send('message_delta', { type: 'message_delta', delta: { stop_reason: reply.finishReason ?? (calls.length ? 'tool_use' : 'end_turn') }, usage: { output_tokens: usage.output } });
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
  const calls = reply.toolCalls ?? [];
  const toolCalls = calls.map((c, i) => ({ id: `call_${i}`, type: 'function', function: { name: c.name, arguments: typeof c.arguments === 'string' ? c.arguments : JSON.stringify(c.arguments) } }));
  const logprobs = body.logprobs && reply.logprobs ? { content: reply.logprobs.map((x, k) => ({ token: `t${k}`, logprob: x, bytes: null, top_logprobs: [] })) } : null;
  return {
    id: 'chatcmpl-mock',
    object: 'chat.completion',
    created: Math.floor(Date.now() / 1000),
    model: reply.model ?? String(body.model),
    choices: [{ index: 0, message: { role: 'assistant', content: calls.length && reply.text === undefined ? null : (reply.text ?? 'ok'), refusal: null, ...(calls.length ? { tool_calls: toolCalls } : {}) }, finish_reason: reply.finishReason ?? (calls.length ? 'tool_calls' : 'stop'), logprobs }],
    usage: { prompt_tokens: usage.input, completion_tokens: usage.output, total_tokens: usage.input + usage.output },
  };
}

/** `models/{model}:generateContent` (Gemini API) or `publishers/google/models/{model}:...` (Vertex AI). */
const GEMINI_ROUTE = /^\/v1beta1?\/(?:projects\/[^/]+\/locations\/[^/]+\/publishers\/google\/)?models\/([^/:?]+):(generateContent|streamGenerateContent)(?:\?|$)/;
/** Embeddings: the Gemini API's `models/{model}:batchEmbedContents`, Vertex AI's `publishers/google/models/{model}:predict`. */
const EMBED_ROUTE = /^\/v1beta1?\/(?:projects\/[^/]+\/locations\/[^/]+\/publishers\/google\/)?models\/([^/:?]+):(batchEmbedContents|predict)(?:\?|$)/;
const GEMINI_STATUS: Record<number, string> = { 400: 'INVALID_ARGUMENT', 401: 'UNAUTHENTICATED', 403: 'PERMISSION_DENIED', 404: 'NOT_FOUND', 429: 'RESOURCE_EXHAUSTED', 500: 'INTERNAL', 503: 'UNAVAILABLE' };

function geminiBody(reply: MockReply, body: Record<string, unknown>) {
  const usage = reply.usage ?? { input: 10, output: 5 };
  const calls = reply.toolCalls ?? [];
  const parts: Record<string, unknown>[] = [...(calls.length && reply.text === undefined ? [] : [{ text: reply.text ?? 'ok' }]), ...calls.map((c) => ({ functionCall: { name: c.name, args: c.arguments } }))];
  const lp = (body.generationConfig as { responseLogprobs?: boolean } | undefined)?.responseLogprobs && reply.logprobs ? { logprobsResult: { chosenCandidates: reply.logprobs.map((x, k) => ({ token: `t${k}`, logProbability: x })) } } : {};
  return {
    candidates: [{ content: { role: 'model', parts }, finishReason: reply.finishReason ?? 'STOP', index: 0, ...lp }],
    usageMetadata: { promptTokenCount: usage.input, candidatesTokenCount: usage.output, totalTokenCount: usage.input + usage.output },
    modelVersion: reply.model ?? String(body.model),
    responseId: 'mock',
  };
}

function anthropicBody(reply: MockReply, body: Record<string, unknown>) {
  const usage = reply.usage ?? { input: 10, output: 5 };
  const calls = reply.toolCalls ?? [];
  const content = [...(calls.length && reply.text === undefined ? [] : [{ type: 'text', text: reply.text ?? 'ok' }]), ...calls.map((c, i) => ({ type: 'tool_use', id: `toolu_${i}`, name: c.name, input: c.arguments }))];
  return { id: 'msg_mock', type: 'message', role: 'assistant', model: reply.model ?? String(body.model), content, stop_reason: reply.finishReason ?? (calls.length ? 'tool_use' : 'end_turn'), stop_sequence: null, usage: { input_tokens: usage.input, output_tokens: usage.output } };
}

/** Answers like a model would for the example prompts, and like a judge for llm-rubric. */
export function exampleReplies(req: RecordedRequest): MockReply {
  const system = req.api === 'gemini' ? ((req.body.systemInstruction as { parts?: { text: string }[] } | undefined)?.parts ?? []).map((p) => p.text).join('') : (((req.body.messages as { role: string; content: string }[]) ?? []).find((m) => m.role === 'system')?.content ?? '');
  if (system.includes('You grade the output')) return { text: '{"reason": "Three bullets, then an action line.", "score": 0.9, "pass": true}', usage: { input: 80, output: 20 } };
  if (req.prompt.includes('<message>')) return { text: req.prompt.includes('charged twice') ? '{"team":"billing","confidence":0.92,"reason":"A double charge."}' : '{"team":"technical","confidence":0.8,"reason":"A crash."}', usage: { input: 60, output: 15 } };
  return { text: '- Checkout fails with 502 since this morning.\n- Orders are lost.\n- Priority urgent.\nAction: roll back the payment gateway.', usage: { input: 120, output: 30 } };
}

