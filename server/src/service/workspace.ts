// What the doors need from the workspace as a whole, over the host: the partial index, the
// fixture files as texts or parsed, and the prompt under test of a fixture file. One place, so the
// server, the CLI and the extension host skip the same folders and read the same way.
import type { PromptDocument } from './document';
import { parseDocument, type ParseOptions } from './document';
import type { FixtureText } from './fixtureRefs';
import { throwIfCancelled, type CancellationLike, type WorkspaceHost } from './host';
import { PartialIndex } from './partials';
import { isFixtureUri, parseFixtureFile, resolveDefaultPrompt, type FixtureFile } from './testing/fixtures';

/** Fixture files: both spellings of the suffix, everywhere (`*.tests.yaml` and `*.tests.yml`). */
export const FIXTURE_GLOBS: readonly string[] = ['**/*.tests.yaml', '**/*.tests.yml'];
/** Dotprompt partials. */
export const PARTIAL_GLOBS: readonly string[] = ['**/_*.prompt'];

const BATCH = 64;
const tick = () => new Promise((r) => setImmediate(r));

/** Fills `index` with the partials under the host's roots; open files are left to the editor. Yields between batches so other requests are served. */
export async function indexPartials(host: WorkspaceHost, index: PartialIndex, options: { isOpen?: (uri: string) => boolean; roots?: readonly string[]; token?: CancellationLike } = {}): Promise<{ files: number; ms: number }> {
  const started = performance.now();
  let files = 0;
  const uris = await host.findFiles(PARTIAL_GLOBS, { roots: options.roots, token: options.token });
  for (let i = 0; i < uris.length; i += BATCH) {
    throwIfCancelled(options.token);
    await Promise.all(
      uris.slice(i, i + BATCH).map(async (uri) => {
        if (options.isOpen?.(uri)) return;
        const text = await host.readText(uri).catch(() => undefined);
        if (text !== undefined) {
          index.set(uri, text);
          files++;
        }
      }),
    );
    await tick();
  }
  return { files, ms: performance.now() - started };
}

/** A new partial index of the given folders (the CLI and test runs). */
export async function loadPartialIndex(host: WorkspaceHost, roots?: readonly string[]): Promise<PartialIndex> {
  const index = new PartialIndex();
  await indexPartials(host, index, { roots });
  return index;
}

/** Re-reads one partial after a file event. */
export async function refreshPartial(host: WorkspaceHost, index: PartialIndex, uri: string, deleted: boolean): Promise<void> {
  if (deleted) {
    index.delete(uri);
    return;
  }
  const text = await host.readText(uri).catch(() => undefined);
  if (text === undefined) index.delete(uri);
  else index.set(uri, text);
}

/** Every fixture file under the roots as text, plus `open` ones outside them; the open text wins. */
export async function fixtureTexts(host: WorkspaceHost, open: readonly FixtureText[], token?: CancellationLike): Promise<FixtureText[]> {
  const out = new Map<string, FixtureText>();
  for (const f of open) out.set(f.uri, f);
  const uris = (await host.findFiles(FIXTURE_GLOBS, { token })).filter((u) => !out.has(u));
  for (let i = 0; i < uris.length; i += BATCH) {
    throwIfCancelled(token);
    await Promise.all(
      uris.slice(i, i + BATCH).map(async (uri) => {
        const text = await host.readText(uri).catch(() => undefined);
        if (text !== undefined) out.set(uri, { uri, text });
      }),
    );
  }
  return [...out.values()];
}

/**
 * The workspace's fixture files, parsed once per text (open: per version, by the caller; disk: per
 * modification time and size), the list re-searched at most every `ttlMs` or after `forgetList`.
 */
export class FixtureFileCache {
  private listed: { at: number; uris: Promise<string[]> } | undefined;
  private readonly disk = new Map<string, { mtimeMs: number; size: number; file: FixtureFile }>();

  constructor(
    private readonly host: WorkspaceHost,
    private readonly ttlMs = 10_000,
  ) {
    // A fixture file created or deleted changes the list; any change drops its parse.
    host.onDidChange((uri, kind) => {
      // A prompt created or deleted beside a fixture without `prompt:` may change what it tests.
      if (kind !== 'changed' && /\.prompty?$/i.test(uri)) {
        const base = uri.replace(/\.prompty?$/i, '');
        this.forget(`${base}.tests.yaml`);
        this.forget(`${base}.tests.yml`);
      }
      if (!isFixtureUri(uri)) return;
      this.forget(uri);
      if (kind !== 'changed') this.forgetList();
    });
  }

  forgetList(): void {
    this.listed = undefined;
  }

  forget(uri: string): void {
    this.disk.delete(uri);
  }

  private list(now: number, token?: CancellationLike): Promise<string[]> {
    if (this.listed && now - this.listed.at < this.ttlMs) return this.listed.uris;
    const uris = this.host.findFiles(FIXTURE_GLOBS, { token }).catch(() => [] as string[]);
    this.listed = { at: now, uris };
    return uris;
  }

  private async parsed(uri: string): Promise<FixtureFile | undefined> {
    const s = await this.host.stat(uri);
    if (!s || s.isDirectory) {
      this.disk.delete(uri);
      return undefined;
    }
    const hit = this.disk.get(uri);
    if (hit && hit.mtimeMs === s.mtimeMs && hit.size === s.size) return hit.file;
    const text = await this.host.readText(uri).catch(() => undefined);
    if (text === undefined) return undefined;
    const file = await resolveDefaultPrompt(parseFixtureFile(text, uri), async (u) => !!(await this.host.stat(u).catch(() => undefined)));
    this.disk.set(uri, { mtimeMs: s.mtimeMs, size: s.size, file });
    return file;
  }

  /** The parsed fixture files whose prompt is `promptUri`; `open` (the editor's, parsed per version) win over the disk's copy. */
  async forPrompt(promptUri: string, open: readonly FixtureFile[], options: { now?: number; token?: CancellationLike } = {}): Promise<FixtureFile[]> {
    const out = new Map<string, FixtureFile>();
    for (const f of open) if (f.promptUri === promptUri) out.set(f.uri, f);
    const openUris = new Set(open.map((f) => f.uri));
    const uris = (await this.list(options.now ?? Date.now(), options.token)).filter((u) => !openUris.has(u) && isFixtureUri(u));
    throwIfCancelled(options.token);
    const files = await Promise.all(uris.map((u) => this.parsed(u)));
    for (const f of files) if (f && f.promptUri === promptUri) out.set(f.uri, f);
    return [...out.values()].sort((a, b) => a.uri.localeCompare(b.uri));
  }
}

/**
 * The prompt a fixture file tests, from disk (parsed once per modification time and size) when the
 * editor does not have it open. `null`: the file does not exist; undefined: it cannot be read.
 */
export class DiskPrompts {
  private readonly docs = new Map<string, { mtimeMs: number; size: number; key: string; doc: PromptDocument }>();

  constructor(private readonly host: WorkspaceHost) {}

  async get(uri: string, options: ParseOptions = {}): Promise<PromptDocument | null | undefined> {
    const s = await this.host.stat(uri);
    if (!s) return uri.startsWith('file:') ? null : undefined;
    if (s.isDirectory) return null;
    const key = JSON.stringify(options);
    const hit = this.docs.get(uri);
    if (hit && hit.mtimeMs === s.mtimeMs && hit.size === s.size && hit.key === key) return hit.doc;
    const text = await this.host.readText(uri).catch(() => undefined);
    if (text === undefined) return undefined;
    const doc = parseDocument(text, uri, 0, options);
    this.docs.set(uri, { mtimeMs: s.mtimeMs, size: s.size, key, doc });
    return doc;
  }
}
