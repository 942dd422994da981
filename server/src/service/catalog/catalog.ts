// The prompt catalogue: one row per prompt file of the workspace, every registered format, with its
// owner, lifecycle status, tags, model, tokens and cost per run, the verdict of its tests on the
// current text (run records, by content hash) and its last change (git). Plain data built from texts:
// `Catalog.set(uri, text)` (re)computes one row, so a file change costs one parse, never a rescan.
import * as crypto from 'node:crypto';
import type { Range } from 'vscode-languageserver-types';
import type { PromptDocument } from '../document';
import { formatById, formatFor, parseDocument, registeredFormats } from '../formats/registry';
import { partialNameOf } from '../partials';
import { documentTokens } from '../tokens/count';
import { promptSpan } from '../lint/util';
import type { CatalogConfig } from '../lint/config';
import { ownersOf, type Codeowners } from './codeowners';
import { lifecycleOf, type Lifecycle, type LifecycleRole } from './lifecycle';
import type { RecordIndex, TextVerdict } from './records';
import { rowCacheKey, type CachedRow } from './rowCache';
import type { RowCacheReport } from './workspace';

export interface LastChange {
  commit: string;
  /** Author date, ISO 8601. */
  date: string;
  author: string;
  /** The commit's subject line. */
  summary: string;
}

export interface CatalogEntry {
  uri: string;
  /** Relative to the catalogue's root, with `/`. */
  path: string;
  /** The file's `name`, else its file name without the format's extension. */
  name: string;
  /** The format's id (`dotprompt`, `prompty`, `github-models`, ...) and display name. */
  format: string;
  formatName: string;
  owner?: string;
  /** Where the owner came from: the file, CODEOWNERS (its line), or nowhere. */
  ownerSource: 'file' | 'codeowners' | 'none';
  status: string;
  /** The lifecycle status the name stands for; undefined when the file writes a name the project does not know. */
  role?: LifecycleRole;
  statusSource: 'file' | 'config' | 'default';
  statusNote?: string;
  tags: string[];
  version?: string;
  model?: string;
  /** Template tokens (as written, framing included), when counted. */
  tokens?: number;
  tokensEstimated?: boolean;
  /** Upper bound of one run's cost in USD: the prompt at the input price plus the output limit at the output price. */
  costPerRun?: number;
  /** sha256 of the file's text: what run records name. */
  contentHash: string;
  /** The verdict of the run records on this exact text. */
  tests?: TextVerdict;
  lastChange?: LastChange;
  /** Errors in the file (YAML, schema, template syntax). */
  errors: number;
  /** Partials the prompt includes (`{{> name}}`), for the references of retired prompts. */
  includes: string[];
  /** The partial name this file defines (`_name.prompt`), if it is one. */
  partialName?: string;
  /** Where the fields are written (LSP ranges), for findings; `top` is the prompt's first line or `model:`. */
  places: { top: Range; status?: Range; version?: Range; owner?: Range };
}

export interface CatalogOptions {
  /** The folder paths are relative to (path, not URI). */
  root: string;
  config?: CatalogConfig;
  codeowners?: Codeowners;
  records?: RecordIndex;
  /** Count tokens and cost (loads tokenizer data on the first count). Default true. */
  tokens?: boolean;
  /** Catalogue additions (`promptWorkbench.models`). */
  models?: unknown;
}

// Node's one-shot hash (Node 20.12 and later) skips the Hash object `createHash` builds per call:
// about a tenth of a millisecond per row, a second of a 10,000-row build under load.
const oneShot = (crypto as { hash?: (algorithm: string, data: string, encoding: 'hex') => string }).hash;

export function sha256(text: string): string {
  return oneShot ? oneShot('sha256', text, 'hex') : crypto.createHash('sha256').update(text).digest('hex');
}

let lastRoot: string | undefined;
let lastRootPrefix = '';

/** A Windows path as `c:/...`: VS Code's URIs write the drive letter in lower case, after a slash. */
function driveLower(p: string): string {
  if (p.charCodeAt(0) === 47 /* / */ && p.charCodeAt(2) === 58 /* : */ && /^\/[A-Za-z]:/.test(p)) p = p.slice(1);
  return p.charCodeAt(1) === 58 && /^[A-Z]:/.test(p) ? p[0].toLowerCase() + p.slice(1) : p;
}

function relativePath(root: string, uri: string): string {
  // Every row of a build has the same root: its normalised form is computed once.
  if (root !== lastRoot) {
    lastRootPrefix = `${driveLower(root.replace(/\\/g, '/').replace(/\/+$/, ''))}/`;
    lastRoot = root;
  }
  let p = uri;
  if (p.startsWith('file://')) p = p.includes('%') ? decodeURIComponent(p.slice(7)) : p.slice(7);
  if (p.includes('\\')) p = p.replace(/\\/g, '/');
  p = driveLower(p);
  return p.startsWith(lastRootPrefix) ? p.slice(lastRootPrefix.length) : p.replace(/^\/+/, '');
}

/**
 * Whether the file's name starts with `_` (written or `%5F`), the one case `partialNameOf` (which
 * splits and decodes the whole URI) can name a partial: most rows skip it.
 */
const PARTIAL_NAME_START = /(?:^|[\\/])(?:_|%5[Ff])[^\\/]*$/;
function mayBePartial(uri: string): boolean {
  return PARTIAL_NAME_START.test(uri);
}

function baseName(path: string, format: string): string {
  const file = path.slice(path.lastIndexOf('/') + 1);
  const trimmed = format === 'github-models' ? file.replace(/\.prompt\.ya?ml$/, '') : file.replace(/\.[^.]+$/, '');
  return trimmed || file;
}

/**
 * One row of the catalogue from a file's text. Never throws for bad content: a file that does not
 * parse is a row with errors. `parsed`: the parse of this very text, when the caller has one (the
 * server's parse of an open document), used instead of parsing it again.
 */
export function catalogEntry(uri: string, text: string, options: CatalogOptions, lifecycle: Lifecycle = lifecycleOf(options.config), parsed?: PromptDocument): CatalogEntry {
  const doc = parsed && parsed.text === text ? parsed : parseDocument(text, uri);
  const format = formatById(doc.format);
  const path = relativePath(options.root, uri);
  const m = doc.prompt.metadata;
  const range = (s: { start: number; end: number } | undefined) => (s ? doc.lines.range(s.start, s.end) : undefined);

  let owner = m.owner?.value?.trim() || undefined;
  let ownerSource: CatalogEntry['ownerSource'] = owner ? 'file' : 'none';
  if (!owner && options.codeowners) {
    const hit = ownersOf(options.codeowners, path);
    if (hit?.owners.length) {
      owner = hit.owners.join(' ');
      ownerSource = 'codeowners';
    }
  }
  let status = m.status?.value?.trim() || undefined;
  let statusSource: CatalogEntry['statusSource'] = 'file';
  if (!status) {
    const d = lifecycle.defaultFor(path);
    status = d.status;
    statusSource = d.source;
  }
  const top = promptSpan(doc);
  const entry: CatalogEntry = {
    uri,
    path,
    name: (typeof m.name?.value === 'string' && m.name.value.trim()) || baseName(path, doc.format),
    format: doc.format,
    formatName: format?.displayName ?? doc.format,
    owner,
    ownerSource,
    status,
    role: lifecycle.roleOf(status),
    statusSource,
    statusNote: m.statusNote?.value,
    tags: m.tags?.value ?? [],
    version: m.version === undefined ? undefined : String(m.version.value),
    model: doc.prompt.model?.value,
    contentHash: sha256(text),
    errors: doc.diagnostics.filter((d) => d.severity === 'error').length,
    includes: doc.prompt.includes.map((i) => i.name),
    partialName: mayBePartial(uri) ? partialNameOf(uri) : undefined,
    places: { top: doc.lines.range(top.start, top.end), status: range(m.status?.span), version: range(m.version?.span), owner: range(m.owner?.span) },
  };
  if (options.tokens !== false && doc.notice !== 'binary') {
    try {
      const t = documentTokens(doc, { models: options.models, frontmatter: false });
      entry.tokens = t.template;
      entry.tokensEstimated = t.estimated;
      if (t.cost) entry.costPerRun = t.cost.total;
    } catch {
      // A count that fails leaves the columns empty; the row stays.
    }
  }
  const verdict = options.records?.verdictOf(entry.contentHash);
  if (verdict) entry.tests = verdict;
  return entry;
}

/** The ids of the formats the catalogue lists (every registered format). */
export function catalogFormatIds(): string[] {
  return registeredFormats().map((f) => f.id);
}

/** Whether a file belongs in the catalogue: a registered format claims its name. */
export function isCatalogued(uri: string): boolean {
  return !!formatFor(uri);
}

/**
 * The catalogue of a workspace, kept up to date file by file: `set` after a create or change,
 * `delete` after a delete. Rows keep the git facts (`lastChange`) they were given until the text changes.
 */
export class Catalog {
  private readonly rows = new Map<string, CatalogEntry>();
  private lifecycleMemo: Lifecycle;
  /** Bumped on every change, for views that poll. */
  generation = 0;
  /** What the row cache did in the build that made this catalogue, when it had one (`loadCatalog`). */
  rowCacheReport?: RowCacheReport;

  constructor(private options: CatalogOptions) {
    this.lifecycleMemo = lifecycleOf(options.config);
  }

  get lifecycle(): Lifecycle {
    return this.lifecycleMemo;
  }

  get root(): string {
    return this.options.root;
  }

  /** New settings (config, CODEOWNERS, records): every row is recomputed from its text by the caller (`rebuild`). */
  configure(options: Partial<CatalogOptions>): void {
    this.options = { ...this.options, ...options };
    this.lifecycleMemo = lifecycleOf(this.options.config);
  }

  /** (Re)computes one row (from `parsed`, the parse of this text, when given); returns it, or undefined when no format claims the file. */
  set(uri: string, text: string, parsed?: PromptDocument): CatalogEntry | undefined {
    if (!isCatalogued(uri)) return undefined;
    const previous = this.rows.get(uri);
    const entry = catalogEntry(uri, text, this.options, this.lifecycleMemo, parsed);
    if (previous?.lastChange && previous.contentHash === entry.contentHash) entry.lastChange = previous.lastChange;
    this.rows.set(uri, entry);
    this.generation++;
    return entry;
  }

  /** Puts back the row an earlier build made of this same text (the row cache), with this build's test verdict. */
  restore(row: CachedRow): CatalogEntry {
    const entry: CatalogEntry = { ...row };
    const verdict = this.options.records?.verdictOf(entry.contentHash);
    if (verdict) entry.tests = verdict;
    this.rows.set(entry.uri, entry);
    this.generation++;
    return entry;
  }

  /** The row cache's key for this catalogue's settings and the given build of the engine. */
  rowCacheKey(build: string): string {
    return rowCacheKey(build, this.options);
  }

  delete(uri: string): boolean {
    const had = this.rows.delete(uri);
    if (had) this.generation++;
    return had;
  }

  get(uri: string): CatalogEntry | undefined {
    return this.rows.get(uri);
  }

  get size(): number {
    return this.rows.size;
  }

  /** The rows, sorted by path. */
  entries(): CatalogEntry[] {
    return [...this.rows.values()].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  }

  /** A row for another version of a file (its previous commit), computed with this catalogue's settings, not stored. */
  entryOf(uri: string, text: string): CatalogEntry {
    return catalogEntry(uri, text, { ...this.options, tokens: false }, this.lifecycleMemo);
  }

  /** Attaches the git facts of a row (kept while its text is unchanged). */
  setLastChange(uri: string, change: LastChange | undefined): void {
    const row = this.rows.get(uri);
    if (row) row.lastChange = change;
  }

  /** Re-reads the verdicts of every row from the record index (after a run wrote a record). */
  refreshVerdicts(records: RecordIndex): void {
    this.options = { ...this.options, records };
    for (const row of this.rows.values()) {
      const v = records.verdictOf(row.contentHash);
      if (v) row.tests = v;
      else delete row.tests;
    }
    this.generation++;
  }
}

export interface CatalogFilter {
  /** Status names (any of). */
  status?: readonly string[];
  /** Owners (any of; a row with several owners matches any of them; `none` matches rows without one). */
  owner?: readonly string[];
  /** Format ids (any of). */
  format?: readonly string[];
  /** Free text: matched, case-insensitively, against name, path, owner, status, format, model and tags. */
  text?: string;
}

export function filterEntries(entries: readonly CatalogEntry[], filter: CatalogFilter): CatalogEntry[] {
  const text = filter.text?.trim().toLowerCase();
  return entries.filter((e) => {
    if (filter.status?.length && !filter.status.includes(e.status)) return false;
    if (filter.owner?.length) {
      const owners = e.owner ? e.owner.split(/[\s,]+/).filter(Boolean) : ['none'];
      if (!filter.owner.some((o) => owners.includes(o))) return false;
    }
    if (filter.format?.length && !filter.format.includes(e.format)) return false;
    if (text) {
      const hay = [e.name, e.path, e.owner ?? '', e.status, e.format, e.formatName, e.model ?? '', ...e.tags].join('\n').toLowerCase();
      if (!text.split(/\s+/).every((w) => hay.includes(w))) return false;
    }
    return true;
  });
}
