// The rows of an earlier build, kept in a file between runs, so a new process does not parse a file
// whose text it has already catalogued: a row is taken back only for the same URI and the same text
// (its sha256), and only when everything else a row is made from is the same too: the engine's build,
// the root, the project's catalogue config, CODEOWNERS, the model catalogue additions and whether
// tokens are counted (the cache's key). Anything else, or a file that does not read as a cache of
// this kind (not its header, a line that is no row), is a cache of nothing: the build parses every
// file and writes a new one. The verdicts of the tests and the git facts are never kept: they are
// read again as in any build.
import { sha256, type CatalogEntry, type CatalogOptions } from './catalog';

/** The file's name in its folder. */
export const ROW_CACHE_FILE = 'catalog-rows.jsonl';
/** Bumped when the file's shape changes. */
const FORMAT = 1;

/** A row as kept: without the parts that are read again on every build. */
export type CachedRow = Omit<CatalogEntry, 'tests' | 'lastChange'>;

/**
 * The file: JSON Lines, a header (`{"format":1,"key":"..."}`) and then one row per line, so a
 * large catalogue is read and written a slice of rows at a time (`pause` between slices) rather
 * than in one step that holds a language server for a tenth of a second.
 */
export interface RowCacheHeader {
  format: number;
  key: string;
}

/** Rows between two pauses when reading or writing. */
const SLICE_ROWS = 256;

/**
 * What a row depends on besides its URI and text. `build` names the engine's code (the door passes
 * its own bundle's version and size and time), so another build of the extension or the CLI never
 * reads rows an earlier one made.
 */
export function rowCacheKey(build: string, options: CatalogOptions): string {
  const codeowners = options.codeowners && { file: options.codeowners.file, rules: options.codeowners.rules.map((r) => [r.pattern, r.owners, r.line]) };
  return sha256(JSON.stringify([FORMAT, build, options.root, options.config ?? null, codeowners ?? null, options.models ?? null, options.tokens !== false]));
}

const isRange = (r: unknown): boolean => {
  const p = r as { start?: { line?: unknown; character?: unknown }; end?: { line?: unknown; character?: unknown } } | undefined;
  return !!p && typeof p.start?.line === 'number' && typeof p.start.character === 'number' && typeof p.end?.line === 'number' && typeof p.end.character === 'number';
};

/** Whether a value read from the file has a row's shape (a damaged or foreign file is no cache). */
function isRow(v: unknown): v is CachedRow {
  const r = v as Partial<CachedRow> | null;
  if (!r || typeof r !== 'object') return false;
  if (typeof r.uri !== 'string' || typeof r.path !== 'string' || typeof r.name !== 'string' || typeof r.format !== 'string' || typeof r.formatName !== 'string') return false;
  if (typeof r.status !== 'string' || typeof r.contentHash !== 'string' || typeof r.errors !== 'number') return false;
  if (!Array.isArray(r.tags) || !r.tags.every((t) => typeof t === 'string') || !Array.isArray(r.includes) || !r.includes.every((t) => typeof t === 'string')) return false;
  if (!['file', 'codeowners', 'none'].includes(r.ownerSource as string) || !['file', 'config', 'default'].includes(r.statusSource as string)) return false;
  const places = r.places as CachedRow['places'] | undefined;
  if (!places || !isRange(places.top) || [places.status, places.version, places.owner].some((p) => p !== undefined && !isRange(p))) return false;
  for (const k of ['owner', 'role', 'statusNote', 'version', 'model', 'partialName'] as const) if (r[k] !== undefined && typeof r[k] !== 'string') return false;
  for (const k of ['tokens', 'costPerRun'] as const) if (r[k] !== undefined && typeof r[k] !== 'number') return false;
  return r.tokensEstimated === undefined || typeof r.tokensEstimated === 'boolean';
}

/** The rows of an earlier build, by URI. */
export class RowCache {
  private readonly rows = new Map<string, CachedRow>();
  /** Rows taken back by `take`. */
  hits = 0;

  constructor(rows: readonly CachedRow[] = []) {
    for (const r of rows) this.rows.set(r.uri, r);
  }

  /** The cache in a file's text, if it is one for this key; else an empty cache (and why, for the log). */
  static async read(text: string | undefined, key: string, pause?: () => Promise<void>): Promise<{ cache: RowCache; ignored?: string }> {
    const none = (ignored?: string) => ({ cache: new RowCache(), ignored });
    if (text === undefined) return none();
    const lines = text.split('\n');
    if (lines[lines.length - 1] === '') lines.pop();
    const parse = (line: string): unknown => {
      try {
        return JSON.parse(line) as unknown;
      } catch {
        return undefined;
      }
    };
    const header = parse(lines[0]) as Partial<RowCacheHeader> | undefined;
    if (!header || typeof header !== 'object' || header.format !== FORMAT) return none('it is not a row cache of this version');
    if (header.key !== key) return none('it was made by another build or with other settings, CODEOWNERS or root');
    const rows: CachedRow[] = [];
    for (let i = 1; i < lines.length; i++) {
      const row = parse(lines[i]);
      if (!isRow(row)) return none(`its line ${i + 1} is not a row`);
      rows.push(row);
      if (pause && i % SLICE_ROWS === 0) await pause();
    }
    return { cache: new RowCache(rows) };
  }

  /** The earlier row of this URI if its text was this one (same sha256). */
  take(uri: string, contentHash: string): CachedRow | undefined {
    const row = this.rows.get(uri);
    if (!row || row.contentHash !== contentHash) return undefined;
    this.hits++;
    return row;
  }

  get size(): number {
    return this.rows.size;
  }

  /** The kept rows of files other than these (a build of some files keeps the others' rows). */
  othersThan(uris: ReadonlySet<string>): CachedRow[] {
    return [...this.rows.values()].filter((r) => !uris.has(r.uri));
  }

  /** The file's text for these rows (the parts read again on every build left out). */
  static async write(key: string, entries: readonly (CatalogEntry | CachedRow)[], pause?: () => Promise<void>): Promise<string> {
    const lines = [JSON.stringify({ format: FORMAT, key } satisfies RowCacheHeader)];
    for (let i = 0; i < entries.length; i++) {
      const { tests: _tests, lastChange: _lastChange, ...row } = entries[i] as CatalogEntry;
      lines.push(JSON.stringify(row satisfies CachedRow));
      if (pause && i % SLICE_ROWS === SLICE_ROWS - 1) await pause();
    }
    return `${lines.join('\n')}\n`;
  }
}
