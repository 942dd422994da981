// What the SDKs' own retries miss, for the HTTP providers. fetch resolves as soon as the headers
// arrive; a body cut short after that (a connection reset by a proxy, a load balancer or a server
// restart) rejects later, while the SDK reads it, with undici's bare `TypeError: terminated`,
// outside the SDK's retry loop. So each call gets a fetch that reads a plain answer to its end
// before resolving, which turns a cut-short body into a connection error the SDK retries with its
// own backoff and budget; a streamed answer cannot be read ahead, so its resets are retried here,
// from the same budget. The fetch also counts attempts and bytes, for a message that says what
// happened.

/** A body that ended before it was complete. */
export class ConnectionResetError extends Error {
  constructor(
    /** Bytes of the body received before the connection went. */
    readonly bytes: number,
    /** Retries made before the attempt that failed. */
    readonly retries: number,
    override readonly cause: unknown,
  ) {
    super(`the connection was reset while the answer was being received (after ${bytes} bytes); retried ${retries} time${retries === 1 ? '' : 's'}`);
    this.name = 'ConnectionResetError';
  }
}

const RESET_CODES = new Set(['ECONNRESET', 'EPIPE', 'UND_ERR_SOCKET', 'UND_ERR_CLOSED']);

/** undici's error for a body that stopped early: `TypeError: terminated`, caused by a socket error. */
export function isCutShort(e: unknown): boolean {
  const err = e as { name?: string; message?: string; code?: string; cause?: { code?: string } } | undefined;
  if (!err || typeof err !== 'object' || err.name === 'AbortError') return false;
  return err.message === 'terminated' || RESET_CODES.has(err.code ?? '') || RESET_CODES.has(err.cause?.code ?? '');
}

/** The ConnectionResetError in an error or its causes (the SDKs wrap it in their connection error). */
export function resetOf(e: unknown): ConnectionResetError | undefined {
  for (let x = e, depth = 0; x && depth < 5; x = (x as { cause?: unknown }).cause, depth++) {
    if (x instanceof ConnectionResetError) return x;
  }
  return undefined;
}

export interface CallTransport {
  /** For the SDK client of this one call. */
  readonly fetch: typeof fetch;
  /** HTTP attempts so far, the SDK's retries included. */
  readonly attempts: number;
  /** The last request the SDK sent through this fetch: method, URL and body, never a header. */
  readonly sent: SentRequest | undefined;
}

/**
 * A request as the provider's SDK put it on the wire: the method, the URL (without its query's
 * `key`, where some Google clients put an API key) and the body (parsed when it is JSON). Headers
 * (keys, tokens) are never kept.
 */
export interface SentRequest {
  method: string;
  url: string;
  body: unknown;
}

const SECRET_QUERY = /^(key|api[-_]?key|access[-_]?token|token)$/i;

/** What a request sent, for the record: no headers, no credentials in the URL's query. */
export function sentRequest(input: string | URL | Request, init?: RequestInit): SentRequest {
  const raw = typeof input === 'string' ? input : input instanceof URL ? input.toString() : input.url;
  let url = raw;
  try {
    const u = new URL(raw);
    u.username = '';
    u.password = '';
    for (const k of [...u.searchParams.keys()]) if (SECRET_QUERY.test(k)) u.searchParams.delete(k);
    url = u.toString();
  } catch {
    // not a URL: kept as given
  }
  const method = (init?.method ?? (typeof input === 'object' && 'method' in input ? input.method : undefined) ?? 'GET').toUpperCase();
  let body: unknown = null;
  if (typeof init?.body === 'string') {
    try {
      body = JSON.parse(init.body);
    } catch {
      body = init.body;
    }
  } else if (init?.body instanceof Uint8Array) {
    const text = new TextDecoder().decode(init.body);
    try {
      body = JSON.parse(text);
    } catch {
      body = text;
    }
  }
  return { method, url, body };
}

export function callTransport(base: typeof fetch = globalThis.fetch): CallTransport {
  let attempts = 0;
  let sent: SentRequest | undefined;
  const wrapped = async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    const retries = attempts++;
    sent = sentRequest(input, init);
    const res = await base(input, init);
    if (!res.body) return res;
    const meta = { status: res.status, statusText: res.statusText, headers: res.headers };
    let bytes = 0;
    const reader = res.body.getReader();
    const cutShort = (e: unknown) => (isCutShort(e) ? new ConnectionResetError(bytes, retries, e) : e);
    if (/^text\/event-stream/i.test(res.headers.get('content-type') ?? '')) {
      const counted = new ReadableStream<Uint8Array>({
        async pull(controller) {
          try {
            const { value, done } = await reader.read();
            if (done) return controller.close();
            bytes += value.byteLength;
            controller.enqueue(value);
          } catch (e) {
            controller.error(cutShort(e));
          }
        },
        cancel: (reason) => reader.cancel(reason),
      });
      return new Response(counted, meta);
    }
    const chunks: Uint8Array[] = [];
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        bytes += value.byteLength;
        chunks.push(value);
      }
    } catch (e) {
      throw cutShort(e);
    }
    const body = new Uint8Array(bytes);
    let at = 0;
    for (const c of chunks) {
      body.set(c, at);
      at += c.byteLength;
    }
    return new Response(body, meta);
  };
  return {
    fetch: wrapped as typeof fetch,
    get attempts() {
      return attempts;
    },
    get sent() {
      return sent;
    },
  };
}

/**
 * Runs `attempt` (one SDK request, told how many retries it may still make) again after a reset
 * the SDK could not retry itself (a streamed answer), until `maxRetries` is used up in all.
 */
export async function retryResets<T>(transport: CallTransport, maxRetries: number, signal: AbortSignal | undefined, attempt: (retriesLeft: number) => Promise<T>): Promise<T> {
  for (;;) {
    try {
      return await attempt(Math.max(0, maxRetries - Math.max(0, transport.attempts - 1)));
    } catch (e) {
      const retried = Math.max(0, transport.attempts - 1);
      if (signal?.aborted || !resetOf(e) || retried >= maxRetries) throw e;
      // The SDKs' backoff for a failed connection: 0.5 s doubling, with jitter.
      await delay(Math.min(8000, 500 * 2 ** retried) * (1 - Math.random() * 0.25), signal);
    }
  }
}

function delay(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
  });
}

/**
 * A signal of its own for one call, aborted with the caller's. The SDKs add an abort listener to
 * the signal of every request attempt and never remove it; on the run's signal those would pile
 * up (node warns at 11) and keep every finished call reachable until the run ends. Here they land
 * on a signal that is dropped with the call, and the one listener on the caller's is removed.
 */
export function callSignal(parent: AbortSignal | undefined): { signal: AbortSignal | undefined; dispose(): void } {
  if (!parent) return { signal: undefined, dispose() {} };
  const controller = new AbortController();
  const forward = () => controller.abort(parent.reason);
  if (parent.aborted) forward();
  else parent.addEventListener('abort', forward, { once: true });
  return { signal: controller.signal, dispose: () => parent.removeEventListener('abort', forward) };
}
