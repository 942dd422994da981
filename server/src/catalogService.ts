// The language server's prompt catalogue: built once in the background after start-up (the file
// search and one parse per prompt, pausing between files so requests are answered), then kept
// current from the host's change events, one row per changed file, never a rescan. Git facts (the
// last change) and the lifecycle rules (which read git, the run records and other files) follow in
// the background, per changed row, after a quiet period, so no keystroke waits for them. Every
// slice of this work (a file of the build, a git call, a row's rules) waits for its turn: while a
// validation is waiting or running, none starts. The view asks for the rows once and gets the
// changed rows as notifications.
import * as path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Diagnostic } from 'vscode-languageserver';
import * as engine from './service';
import type { CatalogChange, CatalogRow, CatalogSnapshot } from './protocol';

type Catalog = engine.catalog.Catalog;

export interface CatalogServiceOptions {
  host: engine.WorkspaceHost;
  projectConfigs: engine.ProjectConfigs;
  /** The workspace folder URIs (the first is the catalogue's root). */
  folders(): readonly string[];
  /** Whether git may run (a trusted workspace). */
  trusted(): boolean;
  lintSettings(uri: string): Promise<engine.lint.LintSettings | undefined>;
  docsBase?: string;
  notify(change: CatalogChange): void;
  /** The lifecycle findings of these files changed: their diagnostics should be published again. */
  findingsChanged(uris: readonly string[]): void;
  /**
   * A turn for one slice of background work (`what` names it): resolves after the event loop has
   * had a turn and no validation is waiting or running, so an edit's diagnostics never wait for
   * more than the slice already running.
   */
  turn(what: string): Promise<void>;
  /** Whether a validation is waiting or running (background work then stops at its next pause). */
  validating(): boolean;
  /** Where the rows are kept between sessions (the row cache), when they may be: undefined in an untrusted workspace or without a storage folder. */
  rowCache?(): engine.catalog.RowCacheOptions | undefined;
  /** The server's parse of an open document whose text is `text`, if it has one: its row is made from it instead of a second parse. */
  parsed?(uri: string, text: string): engine.PromptDocument | undefined;
  log(message: string): void;
}

/** Milliseconds a changed file waits before its git facts and lifecycle rules are computed again. */
const QUIET_MS = 750;
/** Milliseconds a changed file waits before its row is computed again (a burst of keystrokes is one update). */
const ROW_WAIT_MS = 200;
/** Milliseconds after the last changed row before the row cache is written again (one write per burst of changes). */
const CACHE_WRITE_MS = 10_000;

export class CatalogService {
  private catalog: Catalog | undefined;
  private building: Promise<void> | undefined;
  private readonly findings = new Map<string, { diagnostics: Diagnostic[]; lines: string[] }>();
  private readonly dirty = new Set<string>();
  private timer: NodeJS.Timeout | undefined;
  private generation = 0;
  private readonly rowTimers = new Map<string, NodeJS.Timeout>();
  private cacheTimer: NodeJS.Timeout | undefined;

  constructor(private readonly o: CatalogServiceOptions) {
    o.host.onDidChange((uri, kind) => this.changed(uri, kind));
  }

  private root(): string | undefined {
    const first = this.o.folders()[0];
    if (!first) return undefined;
    try {
      return first.startsWith('file:') ? fileURLToPath(first) : first;
    } catch {
      return undefined;
    }
  }

  /** (Re)builds the whole catalogue in the background: at start, after a project config, CODEOWNERS or trust change. */
  rebuild(): Promise<void> {
    const generation = ++this.generation;
    const run = (async () => {
      const root = this.root();
      if (!root) return;
      // The first build starts once the open documents' first diagnostics are out.
      await this.o.turn('catalogue build');
      if (generation !== this.generation) return;
      const started = performance.now();
      const config = (await this.o.projectConfigs.configFor(path.join(root, '.folder')).catch(() => undefined))?.catalog;
      let slice = performance.now();
      const cache = this.o.rowCache?.();
      const catalog = await engine.catalog.loadCatalog(this.o.host, root, {
        config,
        cache,
        pause: async () => {
          if (this.o.validating() || performance.now() - slice > engine.DEFAULT_SLICE_MS) {
            await this.o.turn('catalogue build');
            slice = performance.now();
          }
        },
      });
      if (generation !== this.generation) return;
      this.catalog = catalog;
      const kept = catalog.rowCacheReport;
      const cacheNote = kept ? `; ${kept.hits} row(s) from the row cache${kept.ignored ? ` (its earlier rows were not used: ${kept.ignored})` : ''}${kept.writeError ? `; the row cache could not be written: ${kept.writeError}` : ''}` : '';
      this.o.log(`Catalogued ${catalog.size} prompt file(s) in ${(performance.now() - started).toFixed(0)} ms${cacheNote}`);
      this.o.notify({ changed: this.rows(catalog.entries()), removed: [], reset: true });
      for (const e of catalog.entries()) this.dirty.add(e.uri);
      this.schedule(0);
    })().catch((e: unknown) => this.o.log(`Building the prompt catalogue failed: ${e instanceof Error ? e.message : String(e)}`));
    this.building = run;
    return run;
  }

  async snapshot(): Promise<CatalogSnapshot> {
    if (!this.catalog && !this.building) void this.rebuild();
    return { rows: this.catalog ? this.rows(this.catalog.entries()) : [], ready: !!this.catalog };
  }

  /** The lifecycle findings of a file, for its published diagnostics. */
  diagnosticsFor(uri: string): Diagnostic[] {
    return this.findings.get(uri)?.diagnostics ?? [];
  }

  private row(e: engine.catalog.CatalogEntry): CatalogRow {
    const { uri, path: p, name, format, formatName, owner, ownerSource, status, statusSource, tags, version, model, tokens, tokensEstimated, costPerRun, tests, lastChange, errors } = e;
    return { uri, path: p, name, format, formatName, owner, ownerSource, status, statusSource, tags, version, model, tokens, tokensEstimated, costPerRun, tests: tests && { verdict: tests.verdict, passed: tests.passed, total: tests.total, passRate: tests.passRate, lastRun: tests.lastRun }, lastChange, errors, findings: this.findings.get(uri)?.lines ?? [], ...(e.role ? { rank: engine.catalog.LIFECYCLE_ROLES.indexOf(e.role) } : {}) };
  }

  private rows(entries: readonly engine.catalog.CatalogEntry[]): CatalogRow[] {
    return entries.map((e) => this.row(e));
  }

  /**
   * Whether the catalogue lists a file at this URI: inside a workspace folder and not in a skipped
   * folder, as the build's file search finds them (a prompt opened from elsewhere is no row).
   */
  private listed(uri: string): boolean {
    const folder = this.o.folders().find((f) => uri.startsWith(f.endsWith('/') ? f : `${f}/`));
    if (!folder) return false;
    try {
      return !engine.isExcluded(decodeURIComponent(uri.slice(folder.replace(/\/$/, '').length + 1)), this.o.host.exclude);
    } catch {
      return false; // not a URI any file search gives
    }
  }

  private changed(uri: string, kind: engine.ChangeKind): void {
    const catalog = this.catalog;
    if (!catalog) return;
    const base = uri.slice(uri.lastIndexOf('/') + 1);
    if (engine.lint.isConfigFile(uri) || base === 'CODEOWNERS') {
      void this.rebuild();
      return;
    }
    if (/\/\.prompt-workbench\/runs\/[^/]+\.jsonl$/.test(uri)) {
      void this.refreshRecords();
      return;
    }
    if (!engine.catalog.isCatalogued(uri) || !this.listed(uri)) return;
    // Edits of an open file come keystroke by keystroke: its row waits for a pause in typing.
    clearTimeout(this.rowTimers.get(uri));
    const t = setTimeout(() => {
      this.rowTimers.delete(uri);
      void this.updateRow(catalog, uri, kind);
    }, kind === 'changed' ? ROW_WAIT_MS : 0);
    t.unref?.();
    this.rowTimers.set(uri, t);
  }

  /** One file changed: its row only (one read, one parse). */
  private async updateRow(catalog: Catalog, uri: string, kind: engine.ChangeKind): Promise<void> {
    if (kind === 'deleted') {
      if (catalog.delete(uri)) {
        this.findings.delete(uri);
        this.o.notify({ changed: [], removed: [uri] });
        this.saveCacheLater();
      }
      return;
    }
    await this.o.turn('catalogue row');
    let text: string;
    try {
      text = await this.o.host.readText(uri);
    } catch {
      return;
    }
    if (catalog !== this.catalog) return;
    const before = catalog.get(uri)?.contentHash;
    // An open prompt was parsed for its diagnostics: its row reads that parse (a second parse of a
    // large prompt would hold the server for the length of a parse, in one step).
    const entry = catalog.set(uri, text, this.o.parsed?.(uri, text));
    if (!entry || before === entry.contentHash) return;
    this.o.notify({ changed: [this.row(entry)], removed: [] });
    this.dirty.add(uri);
    this.schedule(QUIET_MS);
    this.saveCacheLater();
  }

  /** Writes the row cache again a while after the last changed row (deleted rows included), so the next session starts from the rows as they are. */
  private saveCacheLater(): void {
    if (!this.o.rowCache) return;
    clearTimeout(this.cacheTimer);
    this.cacheTimer = setTimeout(() => {
      this.cacheTimer = undefined;
      const catalog = this.catalog;
      const cache = this.o.rowCache?.();
      if (!catalog || !cache) return;
      engine.catalog.saveRowCache(this.o.host, catalog, cache, () => this.o.turn('catalogue row cache')).catch((e: unknown) => this.o.log(`The catalogue's row cache could not be written: ${e instanceof Error ? e.message : String(e)}`));
    }, CACHE_WRITE_MS);
    this.cacheTimer.unref?.();
  }

  private async refreshRecords(): Promise<void> {
    const catalog = this.catalog;
    if (!catalog) return;
    await this.o.turn('catalogue records');
    if (catalog !== this.catalog) return;
    catalog.refreshVerdicts(await engine.catalog.readRecords(this.o.host, catalog.root));
    this.o.notify({ changed: this.rows(catalog.entries()), removed: [], reset: true });
    for (const e of catalog.entries()) if (e.role === 'approved' || e.role === 'released') this.dirty.add(e.uri);
    this.schedule(QUIET_MS);
  }

  private schedule(ms: number): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.followUp(), ms);
    this.timer.unref?.();
  }

  /** Git facts and lifecycle findings of the rows that changed, in the background. */
  private async followUp(): Promise<void> {
    const catalog = this.catalog;
    if (!catalog || !this.dirty.size) return;
    const uris = [...this.dirty];
    this.dirty.clear();
    const generation = this.generation;
    const stale = () => generation !== this.generation || catalog !== this.catalog;
    const git = this.o.trusted();
    try {
      if (git) {
        // One git walk for a whole catalogue (or a burst of changes), one log for a single file.
        await this.o.turn('catalogue git');
        const found = await engine.catalog.lastChangesOf(this.o.host, catalog.root, uris);
        if (stale()) return;
        await this.o.turn('catalogue git');
        if (stale()) return;
        for (const uri of uris) catalog.setLastChange(uri, found.get(uri));
      }
      await this.o.turn('lifecycle rules');
      if (stale()) return;
      const root = catalog.root;
      const configFile = path.join(root, '.folder');
      const project = await this.o.projectConfigs.configFor(configFile).catch(() => undefined);
      const lint = engine.lint.resolveLintConfig(engine.lint.RULES, project, await this.o.lintSettings(pathToFileURL(configFile).toString()));
      const workspace = engine.catalog.hostLifecycleWorkspace(this.o.host, catalog, { uris });
      // Untrusted: git does not run, so the rules that compare with the previous commit see none.
      const found = await engine.catalog
        .lifecycleFindings(catalog, git ? workspace : { previousText: async () => undefined, references: workspace.references }, {
          lint,
          config: project?.catalog,
          docsBase: this.o.docsBase,
          uris,
          cancelled: stale,
          pause: () => this.o.turn('lifecycle rules'),
        })
        .finally(() => workspace.close?.());
      if (stale()) return;
      const byUri = new Map<string, engine.catalog.LifecycleFinding[]>();
      for (const f of found) byUri.set(f.uri, [...(byUri.get(f.uri) ?? []), f]);
      const changedFindings: string[] = [];
      for (const uri of uris) {
        const list = byUri.get(uri) ?? [];
        const lines = list.map((f) => `${f.level}: ${String(f.diagnostic.message)} (${f.rule})`);
        const prev = this.findings.get(uri)?.lines ?? [];
        if (lines.length) this.findings.set(uri, { diagnostics: list.map((f) => f.diagnostic), lines });
        else this.findings.delete(uri);
        if (prev.join('\n') !== lines.join('\n')) changedFindings.push(uri);
      }
      const rows = uris.map((u) => catalog.get(u)).filter((e): e is engine.catalog.CatalogEntry => !!e);
      this.o.notify({ changed: this.rows(rows), removed: [] });
      if (changedFindings.length) this.o.findingsChanged(changedFindings);
    } catch (e) {
      if (!(e instanceof engine.CancelledError)) this.o.log(`Lifecycle checks failed: ${e instanceof Error ? e.message : String(e)}`);
    }
  }
}
