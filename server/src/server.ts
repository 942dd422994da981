// The LSP adapter: a few lines per request, each looking the document up in the shared cache,
// calling the engine, and never letting an exception escape. Run `node dist/server.js --stdio`.
import {
  CodeLensRefreshRequest,
  createConnection,
  DidChangeConfigurationNotification,
  DidChangeWatchedFilesNotification,
  ErrorCodes,
  ResponseError,
  ProposedFeatures,
  TextDocuments,
  TextDocumentSyncKind,
  type CancellationToken,
  type Diagnostic,
  type InitializeResult,
} from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { CatalogChangedNotification, CatalogRequest, ChangeSummaryRequest, FixtureCasesRequest, RenderRequest, TokenSummaryRequest, TrustNotification, type ChangeSummary, type ChangeSummaryParams, type FixtureCaseItem, type InitializationOptions, type RenderParams, type RenderResponse, type TrustParams } from './protocol';
import * as engine from './service';
import { summarizeChange } from './service/history/summary';
import * as tokens from './service/tokens';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import * as agents from './service/agents';
import { AGENT_INSTRUCTION_LANGUAGES, isAgentInstructionPath } from './languages';
import { toLspDiagnostic } from './service/diagnostic';
import { DEFAULT_SETTINGS, readSettings, withProjectConfig, type Settings } from './settings';
import { configFileDiagnostics, docsBaseUri } from './lintConfig';
import { fixtureOf, forgetFixture, isFixtureUri } from './fixtureSupport';
import * as testing from './service/testing';
import { createNodeHost } from './node/host';
import { engineBuildId } from './node/buildId';
import { CatalogService } from './catalogService';
import { VERSION } from './version';

const connection = createConnection(ProposedFeatures.all);
const documents = new TextDocuments(TextDocument);
const cache = new engine.PromptDocumentCache();
const partials = new engine.PartialIndex();
let configurationSupported = false;
let codeLensRefreshSupported = false;
let watchedFilesDynamic = false;
let workspaceFolders: string[] = [];
// Everything outside the open texts goes through the one host: searches skip the same folders
// (the built-in ones plus `files.exclude` of the workspace folders' project configs) everywhere.
let workspaceExclude: string[] = [];
// Untrusted: the host reads nothing outside the workspace folders (the open documents excepted).
const host = createNodeHost({ roots: () => workspaceFolders, openText: (uri) => documents.get(uri)?.getText(), exclude: () => workspaceExclude, confined: () => !workspaceTrusted });
const projectConfigs = new engine.ProjectConfigs(host, (m) => connection.console.warn(m));
const fixtureFiles = new engine.FixtureFileCache(host);
const diskPrompts = new engine.DiskPrompts(host);
// Agent instruction files of the workspace (the always-loaded set), kept until the host reports a change.
const agentFiles = new agents.AgentFiles(host);
// Fixture files' `file://` values: inside the project root (bounded by the workspace folder) or
// `fixtures.allow`, size-capped, and not read at all until the client says the workspace is trusted.
let workspaceTrusted = true;
/** The extension's storage folder for this workspace (the catalogue's row cache), when the client gave one. */
let storageDir: string | undefined;
/** This server's engine build, read once at start: a bundle replaced on disk while it runs is another build than the code running. */
const ENGINE_BUILD = engineBuildId();
function fileValues(): testing.FileValueAccess {
  return testing.fileValueAccess(host, {
    trusted: workspaceTrusted,
    configFor: (file) => projectConfigs.configFor(file),
    workspaceFolders: () => workspaceFolders,
  });
}
// Diagnostics wait (briefly) for the first partial index, so a prompt opened at startup is not
// told its partials are missing; completion and hover never wait.
let partialsIndexed: Promise<unknown> = Promise.resolve();
const INDEX_WAIT_MS = 2000;
const DOCS_BASE = docsBaseUri();

/**
 * What applies to one document: the editor's settings for it and its project config, merged. Read
 * once per document (until settings or a config file change); every request on the document waits
 * for it, so no request parses with defaults that a later one would reuse.
 */
const contexts = new Map<string, Promise<Settings>>();
function settingsOf(uri: string): Promise<Settings> {
  let p = contexts.get(uri);
  if (!p) {
    p = Promise.all([readSettings(connection, uri, configurationSupported).catch(() => DEFAULT_SETTINGS), projectConfigs.configFor(uri).catch(() => undefined)]).then(([s, c]) => withProjectConfig(s, c));
    contexts.set(uri, p);
  }
  return p;
}

function forgetSettings(): void {
  contexts.clear();
}

/** The options every analysis of a document gets, from its settings. */
function optionsFrom(s: Settings, schemas?: engine.SchemaLibrary) {
  const analysis: engine.AnalysisOptions = { partials, customHelpers: s.customHelpers, ...(schemas ? { schemas } : {}) };
  const tokenOptions: tokens.TokenOptions = { ...s.tokens, analysis };
  return { analysis, tokens: tokenOptions, parse: { maxTemplateSize: s.maxFileSize } };
}

/** Everything validation needs: the analysis options, the lint levels (project config < setting), the token settings. */
async function diagnosticOptions(uri: string, s: Settings, countTokens: boolean): Promise<engine.DiagnosticOptions> {
  const o = optionsFrom(s, await schemasOf(uri));
  const config = engine.lint.resolveLintConfig(engine.lint.RULES, await projectConfigs.configFor(uri).catch(() => undefined), s.lint);
  return {
    ...o.analysis,
    lint: { config, tokens: o.tokens, countTokens, docsBase: DOCS_BASE, fileExists: workspaceFileExists },
    onLintError: (rule, e) => connection.console.error(`Lint rule ${rule} failed on ${uri}: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`),
  };
}

/** The `catalog:` section of the project config that applies to a file (the lifecycle's status names, for completion and hover). */
async function catalogConfigOf(uri: string): Promise<engine.catalog.CatalogConfig | undefined> {
  return (await projectConfigs.configFor(uri).catch(() => undefined))?.catalog;
}

/** Whether a file exists, for `broken-link`: asked only inside the workspace folders (a path outside them counts as existing). */
async function workspaceFileExists(uri: string): Promise<boolean> {
  if (!workspaceFolders.some((f) => uri.startsWith(f.endsWith('/') ? f : `${f}/`))) return true;
  return (await host.stat(uri).catch(() => undefined)) !== undefined;
}

/** The folder an agent instruction file's set is counted in: the project config's, else the workspace folder's, else its own. */
function agentRoot(uri: string): string | undefined {
  const folder = workspaceFolders.filter((f) => uri.startsWith(f.endsWith('/') ? f : `${f}/`)).sort((a, b) => b.length - a.length)[0];
  // A file outside the workspace folders has no set: nothing beside it is read.
  if (!folder) return undefined;
  const config = projectConfigs.pathFor(uri);
  const configDir = config ? pathToFileURL(path.dirname(config)).toString().replace(/\/$/, '') : undefined;
  return configDir && configDir.startsWith(folder.replace(/\/$/, '')) ? configDir : folder.replace(/\/$/, '');
}

async function agentConfigOf(uri: string): Promise<agents.AgentsConfig | undefined> {
  return (await projectConfigs.configFor(uri).catch(() => undefined))?.agents;
}

/** The token options of an agent instruction file: `agents.model` of the project config counts first. */
async function agentTokenOptions(d: NonNullable<Awaited<ReturnType<typeof prompt>>>): Promise<tokens.TokenOptions> {
  const model = (await agentConfigOf(d.doc.uri))?.model;
  return model ? { ...d.tokens, model } : d.tokens;
}

/** The always-loaded set an open agent instruction file belongs to (open files counted with their unsaved text). */
async function agentSetOf(d: NonNullable<Awaited<ReturnType<typeof prompt>>>, token?: engine.CancellationLike): Promise<agents.AgentSet | undefined> {
  if (!agents.agentInfo(d.doc) || !d.doc.uri.startsWith('file:')) return undefined;
  const config = await agentConfigOf(d.doc.uri);
  const open = (uri: string) => {
    const t = documents.get(uri);
    // Every file of the set is an instruction file: one no format claims by name was named by `agents.files`.
    return t && kindOf(uri) === 'prompt' ? cache.get(t, engine.formatFor(uri) ? d.parse : { ...d.parse, format: agents.AGENTS_ID }) : undefined;
  };
  const root = agentRoot(d.doc.uri);
  return root ? agentFiles.set(root, config, d.tokens, { token, open }) : undefined;
}

function logError(what: string, e: unknown): void {
  connection.console.error(`${what} failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
}

// The last line of defence: an error no handler caught (a callback outside runSafe) is logged and
// the server goes on serving, rather than exiting and leaving the editor without a language server.
process.on('uncaughtException', (e) => logError('An unexpected error', e));
process.on('unhandledRejection', (e) => logError('An unhandled promise', e));

/** Runs a handler; a cancelled request, or one that throws, gives the fallback and the server goes on. */
async function runSafe<T>(what: string, fallback: T, token: CancellationToken | undefined, fn: () => T | Promise<T>): Promise<T> {
  if (token?.isCancellationRequested) return fallback;
  try {
    const result = await fn();
    return token?.isCancellationRequested ? fallback : result;
  } catch (e) {
    if (!(e instanceof engine.CancelledError)) logError(what, e);
    return fallback;
  }
}

type DocumentKind = 'prompt' | 'fixture' | 'config';
function kindOf(uri: string): DocumentKind {
  if (isFixtureUri(uri)) return 'fixture';
  if (engine.lint.isConfigFile(uri)) return 'config';
  return 'prompt';
}

/** A prompt document parsed with its own settings, and the options its features take. */
async function prompt(uri: string, sliced?: engine.YieldOptions) {
  // Fixture files and project config files are synced for their own handlers only.
  if (kindOf(uri) !== 'prompt' || !documents.get(uri)) return undefined;
  const s = await settingsOf(uri);
  const named = await namedByAgentFiles(uri);
  const doc = documents.get(uri);
  if (!doc) return undefined;
  if (named) agentFilesDocs.add(uri);
  else agentFilesDocs.delete(uri);
  // A Markdown (or plain text) file no format claims by name and `agents.files` does not name is
  // not served: the client sends such a file only while a glob named it.
  if (!named && !engine.formatFor(uri, doc.getText()) && (AGENT_INSTRUCTION_LANGUAGES as readonly string[]).includes(doc.languageId)) return undefined;
  const o = optionsFrom(s, await schemasOf(uri));
  const parse = named ? { ...o.parse, format: agents.AGENTS_ID } : o.parse;
  // A validation parses in slices (a newer version stops it with CancelledError); a request parses
  // at once, finishing a sliced parse of the same version if one is under way.
  return { doc: sliced ? await engine.Slicer.of(sliced).run(cache.getSteps(doc, parse)) : cache.get(doc, parse), settings: s, ...o };
}

/** The open documents that `agents.files` of their project config names (and no format claims by name). */
const agentFilesDocs = new Set<string>();

/** Whether a file is an agent instruction file by `agents.files` of its project config (relative to the project root): not one a format claims by its name. */
async function namedByAgentFiles(uri: string): Promise<boolean> {
  if (!uri.startsWith('file:') || engine.formatFor(uri)) return false;
  const files = (await agentConfigOf(uri))?.files;
  if (!files?.length) return false;
  const root = agentRoot(uri);
  return !!root && uri.startsWith(`${root}/`) && agents.matchesAgentFiles(files, agents.relativePath(root, uri));
}

/** Whether an open document is an agent instruction file: by its name, or by `agents.files`. */
function isAgentDocument(uri: string): boolean {
  return isAgentInstructionPath(uri) || agentFilesDocs.has(uri);
}

/**
 * The named schemas of the project config that applies to a file (`schemas:`). Read on each use:
 * the host's reads are cached by modification time, and the library stays the same object (and the
 * analyses memoised on it stay valid) while no schema file changed.
 */
async function schemasOf(uri: string): Promise<engine.SchemaLibrary | undefined> {
  return (await projectConfigs.schemasFor(uri).catch(() => undefined))?.library;
}

/** The prompt under test of a fixture file: the open document, else the file on disk (`null`: missing). */
async function promptOfFixture(file: testing.FixtureFile): Promise<engine.PromptDocument | null | undefined> {
  await resolveFixturePrompt(file);
  const open = await prompt(file.promptUri);
  if (open) return open.doc;
  const s = await settingsOf(file.promptUri);
  return diskPrompts.get(file.promptUri, optionsFrom(s).parse);
}

/** Without `prompt:`, `x.tests.yaml` tests `x.prompt`, else `x.prompty` beside it (open editors count). */
function resolveFixturePrompt(file: testing.FixtureFile): Promise<testing.FixtureFile> {
  return testing.resolveDefaultPrompt(file, async (uri) => !!documents.get(uri) || !!(await host.stat(uri).catch(() => undefined)));
}

/** A fixture file and the prompt it tests (`null`: missing; `undefined`: unknown). */
async function fixtureAndPrompt(uri: string) {
  const doc = kindOf(uri) === 'fixture' ? documents.get(uri) : undefined;
  if (!doc) return undefined;
  const file = fixtureOf(doc);
  return { file, prompt: await promptOfFixture(file) };
}

/** The `files.exclude` of the project configs at the workspace folders, for every search. */
async function readWorkspaceExclude(): Promise<void> {
  const lists = await Promise.all(workspaceFolders.map((f) => projectConfigs.configFor(`${f.replace(/\/$/, '')}/.folder`).catch(() => undefined)));
  workspaceExclude = [...new Set(lists.flatMap((c) => c?.exclude ?? []))];
}

connection.onInitialize((params): InitializeResult => {
  configurationSupported = !!params.capabilities.workspace?.configuration;
  codeLensRefreshSupported = !!params.capabilities.workspace?.codeLens?.refreshSupport;
  watchedFilesDynamic = !!params.capabilities.workspace?.didChangeWatchedFiles?.dynamicRegistration;
  workspaceFolders = params.workspaceFolders?.map((f) => f.uri) ?? (params.rootUri ? [params.rootUri] : []);
  workspaceTrusted = (params.initializationOptions as InitializationOptions | undefined)?.trusted !== false;
  storageDir = (params.initializationOptions as InitializationOptions | undefined)?.storageDir;
  return {
    capabilities: {
      textDocumentSync: TextDocumentSyncKind.Incremental,
      completionProvider: { triggerCharacters: [' ', ':', '{', '.', '@', '>', '#', '/'] },
      hoverProvider: true,
      documentSymbolProvider: true,
      foldingRangeProvider: true,
      definitionProvider: true,
      referencesProvider: true,
      renameProvider: { prepareProvider: true },
      codeActionProvider: { codeActionKinds: ['quickfix'] },
      semanticTokensProvider: { legend: engine.SEMANTIC_LEGEND, full: true },
      codeLensProvider: { resolveProvider: false },
    },
    serverInfo: { name: 'Prompt Workbench Language Server', version: process.env.PROMPT_WORKBENCH_VERSION ?? VERSION },
  };
});

connection.onInitialized(() => {
  if (configurationSupported) void connection.client.register(DidChangeConfigurationNotification.type, { section: 'promptWorkbench' });
  // The catalogue follows every registered format's files, the run records and CODEOWNERS on disk.
  if (watchedFilesDynamic) void connection.client.register(DidChangeWatchedFilesNotification.type, { watchers: [...engine.promptFileGlobs(), '**/.prompt-workbench/runs/*.jsonl', '**/CODEOWNERS'].map((globPattern) => ({ globPattern })) }).catch(() => undefined);
  // Index the workspace's partials in the background; open documents are re-checked when done.
  partialsIndexed = readWorkspaceExclude()
    .then(() => engine.indexPartials(host, partials, { isOpen: (uri) => !!documents.get(uri) }))
    .then(
      (report) => {
        connection.console.info(`Indexed ${report.files} partial file(s) in ${report.ms.toFixed(0)} ms`);
        revalidateAll();
        void catalogService.rebuild();
      },
      (e: unknown) => connection.console.error(`Indexing partials failed: ${e instanceof Error ? e.message : String(e)}`),
    );
});

function revalidateAll(): void {
  for (const doc of documents.all()) scheduleValidation(doc.uri);
}

/** A project config file changed: every document's settings and every search's skip list are read again. */
function projectConfigChanged(): void {
  projectConfigs.clear();
  forgetSettings();
  void readWorkspaceExclude().finally(() => fixtureFiles.forgetList());
  revalidateAll();
  // The lenses follow the config (`agents.files` names other files, `agents.model`, `tokens.model`).
  if (codeLensRefreshSupported) void connection.sendRequest(CodeLensRefreshRequest.type).catch(() => undefined);
}

connection.onDidChangeWatchedFiles(async (e) => {
  let changed = false;
  for (const change of e.changes) {
    host.changed(change.uri, change.type === 1 ? 'created' : change.type === 3 ? 'deleted' : 'changed');
    if (kindOf(change.uri) === 'config') {
      projectConfigChanged();
      continue;
    }
    if (!engine.partialNameOf(change.uri) || documents.get(change.uri)) continue;
    await engine.refreshPartial(host, partials, change.uri, change.type === 3 /* Deleted */);
    changed = true;
  }
  if (changed) revalidateAll();
});

connection.onNotification(TrustNotification.method, (p: TrustParams) => {
  const trusted = p?.trusted !== false;
  if (trusted === workspaceTrusted) return;
  workspaceTrusted = trusted;
  revalidateAll();
  void catalogService.rebuild();
});

connection.onDidChangeConfiguration(() => {
  forgetSettings();
  cache.clear();
  revalidateAll();
  // Token lenses depend on settings (model override, catalogue): ask the editor to re-request them.
  if (codeLensRefreshSupported) void connection.sendRequest(CodeLensRefreshRequest.type).catch(() => undefined);
});

// Background work (the catalogue's build, git facts and lifecycle rules) runs in slices, each after
// `backgroundTurn`: while a validation is waiting (`pending`) or running (`running`, `oneAtATime`)
// no slice starts, so an edit's diagnostics wait at most for the slice already running. The count
// covers a validation from its scheduling to its end (publication included).
// A validation that never ends (an answer the editor never sends, a file system that hangs) must not
// stop background work for good: once validations have kept the server busy for STUCK_MS without a
// pause, background slices run again beside them (logged once per busy stretch). Typing does not
// reach it: each keystroke's validation ends before the next one starts, which resets the clock.
let validations = 0;
let idle: (() => void)[] = [];
/** When `validations` last went from 0 to 1. */
let busySince = 0;
let stuckLogged = false;
const STUCK_MS = 3000;
/** The last publication's write: background work resumes once it is sent. */
let lastPublication: Promise<void> = Promise.resolve();
function validationStarted(): void {
  if (validations++ === 0) {
    busySince = performance.now();
    stuckLogged = false;
  }
}
function validationDone(): void {
  if (--validations > 0) return;
  const waiting = idle;
  idle = [];
  for (const go of waiting) go();
}
async function backgroundTurn(what: string): Promise<void> {
  await yieldNow();
  while (validations > 0) {
    const waited = performance.now() - busySince;
    if (waited >= STUCK_MS) {
      if (!stuckLogged) {
        stuckLogged = true;
        const uris = [...inFlight.keys()];
        const named = uris.length ? `${uris.slice(0, 3).join(', ')}${uris.length > 3 ? ` and ${uris.length - 3} more` : ''}` : 'a document';
        connection.console.warn(`Validation has kept the server busy for ${Math.round(waited / 1000)} s (${named}): background work (the catalogue) goes on beside it.`);
      }
      break;
    }
    let timer: NodeJS.Timeout | undefined;
    await new Promise<void>((resolve) => {
      idle.push(resolve);
      timer = setTimeout(resolve, STUCK_MS - waited);
    });
    clearTimeout(timer);
    await lastPublication.catch(() => undefined);
    await yieldNow();
  }
  connection.tracer.log(`background ${what}`);
}

// Validation is coalesced: a burst of edits to one document validates only its latest version,
// and results are published only if that version is still current.
const pending = new Set<string>();
/** The documents whose validation has started and not ended (how many of each). */
const inFlight = new Map<string, number>();
function scheduleValidation(uri: string): void {
  supersede(uri);
  connection.tracer.log(`validation queued ${uri} v${documents.get(uri)?.version ?? '-'}`);
  if (pending.has(uri)) return;
  pending.add(uri);
  validationStarted();
  setImmediate(() => {
    pending.delete(uri);
    inFlight.set(uri, (inFlight.get(uri) ?? 0) + 1);
    void validate(uri)
      .catch((e: unknown) => logError(`Validation of ${uri}`, e))
      .finally(() => {
        const n = (inFlight.get(uri) ?? 1) - 1;
        if (n > 0) inFlight.set(uri, n);
        else inFlight.delete(uri);
        validationDone();
      });
  });
}

/**
 * A prompt's validation in flight. It runs in slices (engine `DiagnosticOptions.yield`): between two
 * slices the server reads and answers other requests. A newer validation of the document (a new
 * version; or new settings, partials or trust for the same one) supersedes it: the old run stops at
 * its next pause and publishes nothing.
 */
interface ValidationRun {
  readonly version: number;
  superseded: boolean;
}
const running = new Map<string, ValidationRun>();
function supersede(uri: string): void {
  const run = running.get(uri);
  if (run) run.superseded = true;
}
/** Gives the event loop a turn: queued requests are read and answered before the run goes on. */
const yieldNow = () => new Promise<void>((resolve) => setImmediate(resolve));
/** Milliseconds of analysis between two turns; one step of the engine (a parse, a rule) is never cut. */
const SLICE_MS = engine.DEFAULT_SLICE_MS;

/** Publishes a document's diagnostics if the version they were computed for is still current (a prompt's with its lifecycle findings). */
function publish(uri: string, version: number, diagnostics: Diagnostic[]): Promise<void> | undefined {
  const latest = documents.get(uri);
  if (!latest || latest.version !== version) return undefined;
  const lifecycle = kindOf(uri) === 'prompt' ? catalogService.diagnosticsFor(uri) : [];
  return (lastPublication = connection.sendDiagnostics({ uri, version, diagnostics: lifecycle.length ? [...diagnostics, ...lifecycle] : diagnostics }));
}

// The prompt catalogue (the Prompt Catalogue view, the lifecycle rules): built in the background
// after start-up, then updated row by row from the host's change events.
const catalogService = new CatalogService({
  host,
  projectConfigs,
  folders: () => workspaceFolders,
  trusted: () => workspaceTrusted,
  lintSettings: async (uri) => (await settingsOf(uri).catch(() => undefined))?.lint,
  docsBase: DOCS_BASE,
  notify: (change) => void connection.sendNotification(CatalogChangedNotification.method, change).catch(() => undefined),
  findingsChanged: (uris) => {
    for (const uri of uris) if (documents.get(uri)) scheduleValidation(uri);
  },
  turn: backgroundTurn,
  validating: () => validations > 0,
  // In an untrusted workspace nothing outside it is read: no row cache.
  rowCache: () => (storageDir && workspaceTrusted ? { dir: path.join(storageDir, 'catalog'), build: ENGINE_BUILD } : undefined),
  parsed: (uri, text) => {
    const doc = cache.peek(uri);
    return doc && doc.text === text && doc.format === engine.formatFor(uri, text)?.id ? doc : undefined;
  },
  log: (m) => connection.console.info(m),
});

connection.onRequest(CatalogRequest.method, () => runSafe('Catalogue', { rows: [], ready: false }, undefined, () => catalogService.snapshot()));

/** One validation per document kind. */
const validators: Record<DocumentKind, (doc: TextDocument) => Promise<void>> = {
  async fixture(doc) {
    const f = await fixtureAndPrompt(doc.uri);
    const diagnostics = await runSafe('Fixture validation', [], undefined, async () => (f ? testing.fixtureLspDiagnostics(f.file, f.prompt, [...(await testing.fileValueDiagnostics(f.file, fileValues())), ...(await testing.variantFileDiagnostics(f.file, async (uri) => (await host.stat(uri)) !== undefined))]) : []));
    void publish(doc.uri, doc.version, diagnostics);
  },
  async config(doc) {
    const diagnostics = await runSafe('Project config validation', [], undefined, async () => configFileDiagnostics(doc.getText(), doc.uri, (await projectConfigs.schemasFor(doc.uri).catch(() => undefined))?.problems));
    void publish(doc.uri, doc.version, diagnostics);
  },
  async prompt(doc) {
    const uri = doc.uri;
    supersede(uri);
    const run: ValidationRun = { version: doc.version, superseded: false };
    running.set(uri, run);
    const token = { get isCancellationRequested() { return run.superseded || documents.get(uri)?.version !== run.version; } };
    try {
      await oneAtATime(() => analyse(doc, token));
    } finally {
      if (running.get(uri) === run) running.delete(uri);
    }
  },
};

/**
 * One prompt is analysed at a time, in the order the validations came: requests are answered
 * between the slices, but two analyses never interleave. A crash therefore happens while the
 * oldest document still waiting for diagnostics is analysed, which is what the client's crash
 * policy blames (client/src/crashPolicy.ts).
 */
let analysing: Promise<void> = Promise.resolve();
function oneAtATime(fn: () => Promise<void>): Promise<void> {
  const next = analysing.then(fn);
  analysing = next.catch(() => undefined);
  return next;
}

/** A prompt's validation, once its turn has come: parse, diagnostics in slices, publish. */
async function analyse(doc: TextDocument, token: engine.CancellationLike): Promise<void> {
  const uri = doc.uri;
  if (token.isCancellationRequested) return;
  // The parse runs in slices too, pausing inside its loops; a newer version stops it.
  const sliced: engine.YieldOptions = { yieldNow, sliceMs: SLICE_MS, token };
  const p = await prompt(uri, sliced).catch((e: unknown) => {
    if (e instanceof engine.CancelledError) return null;
    throw e;
  });
  if (p === null) return;
  // A document no longer served (a glob of `agents.files` removed) keeps no findings.
  if (!p && documents.get(uri)?.version === doc.version) connection.sendDiagnostics({ uri, version: doc.version, diagnostics: [] });
  if (!p || p.doc.version !== doc.version) return;
  if (token.isCancellationRequested) return;
  // Budget checks (the context-overflow / context-budget rules) need tokenizer data. Its first
  // load (a few hundred ms, once) waits until these diagnostics have been written (the message
  // writer sends in a later tick, so a load queued before that would hold them up), then the
  // document is checked again.
  const ready = await runSafe('Token budget', true, undefined, () => tokens.tokenizerReady(p.doc, p.tokens));
  // The same slicer as the parse's: the slice goes on where the parse left it.
  const options: engine.DiagnosticOptions = { ...(await diagnosticOptions(uri, p.settings, ready)), yield: sliced };
  // The asynchronous rule (secret-in-prompt, secretlint) joins the same publication. A
  // superseded run ends with CancelledError (runSafe gives []) and publishes nothing.
  const diagnostics = await runSafe('Validation', [], undefined, () => engine.documentDiagnostics(p.doc, options));
  if (token.isCancellationRequested) return;
  // An agent instruction file: the always-loaded set's budget and the findings across its files.
  if (agents.agentInfo(p.doc) && ready) {
    const set = await runSafe('Agent instruction files', undefined, undefined, () => agentSetOf(p, token));
    if (token.isCancellationRequested) return;
    if (set) diagnostics.push(...agents.agentSetDiagnostics(p.doc, set, options.lint?.config).map((x) => ({ ...toLspDiagnostic(x, p.doc.lines), codeDescription: { href: `${DOCS_BASE}${x.code}.md` } })));
  }
  const sent = publish(uri, doc.version, diagnostics);
  if (sent && !ready) {
    void sent.then(() =>
      setTimeout(() => {
        void runSafe('Loading the tokenizer', undefined, undefined, () => tokens.loadTokenizer(p.doc, p.tokens));
        scheduleValidation(uri);
        // The token lenses asked for while the data was loading are asked for again, now with it.
        if (codeLensRefreshSupported) void connection.sendRequest(CodeLensRefreshRequest.type).catch(() => undefined);
      }, 0),
    );
  }
}

async function validate(uri: string): Promise<void> {
  const doc = documents.get(uri);
  if (!doc) return;
  await settingsOf(uri);
  await Promise.race([partialsIndexed, new Promise((r) => setTimeout(r, INDEX_WAIT_MS))]);
  const current = documents.get(uri);
  if (!current || current.version !== doc.version) return;
  await validators[kindOf(uri)](current);
}

documents.onDidChangeContent((e) => {
  const uri = e.document.uri;
  host.changed(uri, 'changed');
  // An edited project config applies to the prompts below it at once (and gets its own diagnostics).
  if (kindOf(uri) === 'config') {
    projectConfigChanged();
    return;
  }
  // An edited partial changes what the prompts that include it see.
  if (engine.partialNameOf(uri)) {
    partials.set(uri, e.document.getText());
    revalidateAll();
  } else scheduleValidation(uri);
  // The always-loaded set's sum and cross-file findings change for the other open instruction files.
  if (isAgentDocument(uri)) for (const d of documents.all()) if (d.uri !== uri && isAgentDocument(d.uri)) scheduleValidation(d.uri);
  // Fixture files check their cases against the prompt's inputs: re-check them when a prompt changes.
  if (kindOf(uri) !== 'fixture') for (const d of documents.all()) if (kindOf(d.uri) === 'fixture') scheduleValidation(d.uri);
});
documents.onDidClose((e) => {
  const uri = e.document.uri;
  supersede(uri);
  agentFilesDocs.delete(uri);
  host.changed(uri, 'changed');
  cache.delete(uri);
  forgetFixture(uri);
  contexts.delete(uri);
  connection.sendDiagnostics({ uri, diagnostics: [] });
  // A closed config file is read from disk again (unsaved edits no longer apply).
  if (kindOf(uri) === 'config') projectConfigChanged();
  if (engine.partialNameOf(uri)) void engine.refreshPartial(host, partials, uri, false).then(revalidateAll);
});

/** An open project config file (prompt-workbench.yaml), for its completion and hover. */
function configDocument(uri: string): TextDocument | undefined {
  return kindOf(uri) === 'config' ? documents.get(uri) : undefined;
}

connection.onCompletion((p, token) =>
  runSafe('Completion', null, token, async () => {
    const fixture = await fixtureAndPrompt(p.textDocument.uri);
    if (fixture) return testing.completeFixture(fixture.file.text, fixture.file.lines.offsetAt(p.position), fixture.file.lines, fixture.prompt ?? undefined);
    const config = configDocument(p.textDocument.uri);
    if (config) return engine.completeConfig(config.getText(), config.offsetAt(p.position), { rules: engine.lint.RULES, docsBase: DOCS_BASE });
    const d = await prompt(p.textDocument.uri);
    return d ? engine.complete(d.doc, d.doc.lines.offsetAt(p.position), { ...d.analysis, catalog: await catalogConfigOf(p.textDocument.uri) }) : null;
  }),
);

connection.onHover((p, token) =>
  runSafe('Hover', null, token, async () => {
    const fixture = await fixtureAndPrompt(p.textDocument.uri);
    if (fixture) return testing.hoverFixture(fixture.file, fixture.file.lines.offsetAt(p.position), fixture.prompt ?? undefined);
    const config = configDocument(p.textDocument.uri);
    if (config) return engine.hoverConfig(config.getText(), config.offsetAt(p.position), { rules: engine.lint.RULES, docsBase: DOCS_BASE });
    const d = await prompt(p.textDocument.uri);
    return d ? engine.hover(d.doc, d.doc.lines.offsetAt(p.position), { ...d.analysis, tokens: d.tokens, catalog: await catalogConfigOf(p.textDocument.uri) }) : null;
  }),
);

connection.onDocumentSymbol((p, token) =>
  runSafe('Document symbols', [], token, async () => {
    const d = await prompt(p.textDocument.uri);
    // An agent instruction file's outline, folding and colours are its language's (VS Code's Markdown).
    return d && !agents.agentInfo(d.doc) ? engine.documentSymbols(d.doc) : [];
  }),
);

connection.onFoldingRanges((p, token) =>
  runSafe('Folding ranges', [], token, async () => {
    const d = await prompt(p.textDocument.uri);
    return d && !agents.agentInfo(d.doc) ? engine.foldingRanges(d.doc) : [];
  }),
);

connection.onDefinition((p, token) =>
  runSafe('Definition', [], token, async () => {
    const d = await prompt(p.textDocument.uri);
    return d ? engine.definition(d.doc, d.doc.lines.offsetAt(p.position), d.analysis) : [];
  }),
);

/** The fixture files of the workspace (open ones with their live text), for rename, references and the preview. */
function fixtureTexts(token?: CancellationToken): Promise<engine.FixtureText[]> {
  const open = documents.all().filter((d) => kindOf(d.uri) === 'fixture').map((d) => ({ uri: d.uri, text: d.getText() }));
  return engine.fixtureTexts(host, open, token);
}

connection.onReferences((p, token) =>
  runSafe('References', [], token, async () => {
    const d = await prompt(p.textDocument.uri);
    if (!d) return [];
    const fixtures = await fixtureTexts(token);
    return engine.references(d.doc, d.doc.lines.offsetAt(p.position), p.context.includeDeclaration, { ...d.analysis, fixtures, token });
  }),
);

connection.onPrepareRename((p, token) =>
  runSafe('Prepare rename', null, token, async () => {
    const d = await prompt(p.textDocument.uri);
    return d ? engine.prepareRename(d.doc, d.doc.lines.offsetAt(p.position), d.analysis) : null;
  }),
);

connection.onRenameRequest(async (p, token) => {
  try {
    const d = await prompt(p.textDocument.uri);
    if (!d || token.isCancellationRequested) return null;
    // Fixture files that test this prompt get their variable keys renamed in the same edit.
    const fixtures = engine.prepareRename(d.doc, d.doc.lines.offsetAt(p.position), d.analysis) ? await fixtureTexts(token) : [];
    if (token.isCancellationRequested) return null;
    return engine.rename(d.doc, d.doc.lines.offsetAt(p.position), p.newName, { ...d.analysis, fixtures, token });
  } catch (e) {
    // A bad new name is the user's to fix: show it as the request's error message.
    if (e instanceof engine.RenameError) return new ResponseError(ErrorCodes.InvalidRequest, e.message);
    if (!(e instanceof engine.CancelledError)) logError('Rename', e);
    return null;
  }
});

connection.onCodeAction((p, token) =>
  runSafe('Code actions', [], token, async () => {
    const d = await prompt(p.textDocument.uri);
    return d ? engine.allCodeActions(d.doc, p.context.diagnostics, d.analysis) : [];
  }),
);

connection.languages.semanticTokens.on((p, token) =>
  runSafe('Semantic tokens', { data: [] }, token, async () => {
    const d = await prompt(p.textDocument.uri);
    return d && !agents.agentInfo(d.doc) ? engine.semanticTokens(d.doc, d.analysis) : { data: [] };
  }),
);

// `.method`: the server's protocol library is a different copy from the client's, so the typed
// RequestType object is shared by name only.
connection.onRequest(RenderRequest.method, async (p: RenderParams): Promise<RenderResponse | null> => {
  try {
    const d = await prompt(p.uri);
    if (!d) return null;
    const doc = d.doc;
    const name = decodeURIComponent(p.uri.split('/').pop() ?? p.uri);
    if (p.case) {
      // The case's values are resolved here, exactly as the test runner resolves them: the open
      // fixture document's text (else the disk's), `file://` values through the same guard.
      // (the prompt's own rows: the "fixture" is the prompt, as the editor has it)
      const fixture = p.case.fixtureUri === p.uri ? { uri: p.uri, text: doc.text } : await host.readText(p.case.fixtureUri).then(
        (text) => ({ uri: p.case!.fixtureUri, text }),
        () => undefined,
      );
      const result: engine.CaseRenderResult = fixture
        ? await engine.renderFixtureCase(doc, fixture, p.case.caseName, testing.guardedReader(fileValues()), d.analysis)
        : { label: `case "${p.case.caseName}"`, values: {}, error: { message: `The fixture file ${decodeURIComponent(p.case.fixtureUri.split('/').pop() ?? '')} cannot be read any more. Choose the values again ("Preview Rendered Prompt with Values…").`, file: p.case.fixtureUri } };
      return { text: engine.formatCaseRendered(result, `${name} — ${result.label}`), ok: !result.error, error: result.error };
    }
    const result = await engine.renderPrompt(doc, p.values ?? doc.defaults, d.analysis);
    return { text: engine.formatRendered(result, `${name} — ${p.values ? 'given values' : 'input defaults'}`), ok: !result.error, error: result.error };
  } catch (e) {
    logError('Render', e);
    return { text: `Rendering failed: ${e instanceof Error ? e.message : String(e)}`, ok: false, error: { message: String(e) } };
  }
});

connection.onRequest(FixtureCasesRequest.method, (p: { uri: string }, token: CancellationToken): Promise<FixtureCaseItem[]> =>
  runSafe('Listing fixture cases', [], token, async () => {
    // A GitHub Models file's own `testData` rows first, then the fixture files naming the prompt.
    const d = await prompt(p.uri);
    const own = d ? engine.embeddedCasesOf(d.doc) : [];
    return [...own, ...engine.fixtureCasesOf(p.uri, await fixtureTexts(token))].map((c) => ({ fixtureUri: c.fixtureUri, caseName: c.name, fixtureName: c.fixtureName, line: c.line, description: c.description }));
  }),
);

connection.onCodeLens((p, token) =>
  runSafe('Code lens', [], token, async () => {
    const d = await prompt(p.textDocument.uri);
    if (d && agents.agentInfo(d.doc)) return agentLenses(d, token);
    return d ? [...tokens.tokenCodeLenses(d.doc, d.tokens), ...(await tokens.testRowLenses(d.doc, d.tokens))] : [];
  }),
);

/** An agent instruction file's lenses: its tokens and the set's, each section's, and the files its `applyTo` matches. */
async function agentLenses(d: NonNullable<Awaited<ReturnType<typeof prompt>>>, token: CancellationToken) {
  if (!tokens.tokenizerReady(d.doc, d.tokens)) return [];
  const set = await agentSetOf(d, token).catch(() => undefined);
  const lenses = agents.agentCodeLenses(d.doc, await agentTokenOptions(d), set);
  const applyTo = agents.agentInfo(d.doc)?.applyTo?.value;
  const root = agentRoot(d.doc.uri);
  if (root && applyTo?.length && !applyTo.some((g) => g === '**' || g === '**/*')) {
    // Relative to the root, never above it. VS Code matches an `applyTo` glob at any depth (it
    // prefixes `**/` to one that does not start with it); a Cursor rule's glob with a `/` is
    // anchored at the root.
    const anyDepth = agents.agentInfo(d.doc)?.kind === 'instructions';
    const globs = applyTo
      .filter((g) => !g.split('/').includes('..') && !g.startsWith('/'))
      .map((g) => g.replace(/^\.\//, ''))
      .map((g) => (g.startsWith('**/') || (g.includes('/') && !anyDepth) ? g : `**/${g}`));
    const found = await host.findFiles(globs, { roots: [root], token }).catch(() => [] as string[]);
    const lens = agents.applyToLens(d.doc, found.map((u) => agents.relativePath(root, u)));
    if (lens) lenses.push(lens);
  }
  return lenses;
}

/** The prompt rendered with its fixture cases' values, for the status bar tooltip (undefined without cases). */
async function fixtureCaseTokens(doc: engine.PromptDocument, options: tokens.TokenOptions, token?: CancellationToken): Promise<tokens.FixtureCaseTokens | undefined> {
  try {
    const open = await Promise.all(documents.all().filter((d) => kindOf(d.uri) === 'fixture').map((d) => resolveFixturePrompt(fixtureOf(d))));
    const fixtures = await fixtureFiles.forPrompt(doc.uri, open, { token });
    if (!fixtures.length) return undefined;
    const access = fileValues();
    return await testing.fixtureCaseTokens(doc, fixtures, options, testing.guardedReader(access), access.trusted);
  } catch (e) {
    if (!(e instanceof engine.CancelledError)) logError('Fixture case token counts', e);
    return undefined;
  }
}

connection.onRequest(TokenSummaryRequest.method, (p: { uri: string }, token: CancellationToken): Promise<tokens.TokenSummary | null> =>
  runSafe('Token summary', null, token, async () => {
    const d = await prompt(p.uri);
    if (d && agents.agentInfo(d.doc)) {
      const summary = await tokens.tokenSummary(d.doc, d.tokens);
      const agent = agents.agentSummaryText(d.doc, await agentTokenOptions(d), await agentSetOf(d, token).catch(() => undefined));
      return agent ? { ...summary, ...agent } : summary;
    }
    return d ? tokens.tokenSummary(d.doc, d.tokens, await fixtureCaseTokens(d.doc, d.tokens, token)) : null;
  }),
);

connection.onRequest(ChangeSummaryRequest.method, async (p: ChangeSummaryParams, token: CancellationToken): Promise<(ChangeSummary | null)[]> => {
  const models = p.uri ? (await settingsOf(p.uri)).tokens.models : undefined;
  return Promise.all((p.pairs ?? []).map((pair) => runSafe('Change summary', null, token, () => summarizeChange(pair.before ?? undefined, pair.after ?? undefined, { models }, p.uri))));
});

documents.listen(connection);
connection.listen();
