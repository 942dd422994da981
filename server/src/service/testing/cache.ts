// The response cache: one file per response, keyed by a hash of the provider, its endpoint, the
// model, the parameters, the rendered messages and the repeat index (never the key). Errors are
// never cached; entries older than the lifetime (14 days by default) are ignored.
import { createHash } from 'node:crypto';
import type { ChatMessage, ModelReply } from './providers/types';
import { redact } from './redact';
import type { FileStore } from './store';

export const DEFAULT_CACHE_TTL_MS = 14 * 24 * 3600 * 1000;
const VERSION = 1;

export interface CacheKeyParts {
  provider: string;
  endpoint: string;
  model: string;
  parameters: Record<string, unknown>;
  messages: readonly ChatMessage[];
  output?: unknown;
  /** The tools sent (absent: none, which keeps the keys of earlier runs). */
  tools?: unknown;
  /** Log probabilities were asked for. */
  logprobs?: boolean;
  /** Repeats of a case must not share one answer. */
  repeat?: number;
}

export interface CachedReply {
  reply: ModelReply;
  latencyMs: number;
  createdAt: number;
}

function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (value && typeof value === 'object') return Object.fromEntries(Object.keys(value).sort().map((k) => [k, canonical((value as Record<string, unknown>)[k])]));
  return value;
}

export function cacheKey(parts: CacheKeyParts): string {
  const data = JSON.stringify(canonical({ v: VERSION, ...parts, repeat: parts.repeat ?? 0 }));
  return createHash('sha256').update(data).digest('hex');
}

export class ResponseCache {
  hits = 0;
  misses = 0;
  writes = 0;

  constructor(
    private readonly store: FileStore,
    private readonly options: { ttlMs?: number; now?: () => number; secrets?: readonly (string | undefined)[] } = {},
  ) {}

  get location(): string {
    return this.store.location;
  }

  private file(key: string): string {
    return `${key.slice(0, 2)}/${key}.json`;
  }

  async get(key: string): Promise<CachedReply | undefined> {
    let entry: CachedReply & { v?: number; key?: string } | undefined;
    try {
      const text = await this.store.read(this.file(key));
      entry = text ? (JSON.parse(text) as CachedReply & { v?: number; key?: string }) : undefined;
    } catch {
      entry = undefined; // unreadable or corrupt: a miss
    }
    const now = (this.options.now ?? Date.now)();
    if (!entry || entry.v !== VERSION || entry.key !== key || typeof entry.reply?.output !== 'string' || now - entry.createdAt > (this.options.ttlMs ?? DEFAULT_CACHE_TTL_MS)) {
      this.misses++;
      return undefined;
    }
    this.hits++;
    return { reply: entry.reply, latencyMs: entry.latencyMs, createdAt: entry.createdAt };
  }

  /** Stores a successful reply (callers never pass errors). */
  async set(key: string, reply: ModelReply, latencyMs: number): Promise<void> {
    const entry = { v: VERSION, key, createdAt: (this.options.now ?? Date.now)(), latencyMs, reply };
    await this.store.writeAtomic(this.file(key), redact(JSON.stringify(entry), this.options.secrets ?? []));
    this.writes++;
  }

  async clear(): Promise<void> {
    await this.store.clear();
  }
}
