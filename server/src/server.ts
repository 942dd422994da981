// The LSP adapter: a few lines per request, each looking the document up in the shared cache,
// calling the engine, and never letting an exception escape. Run `node dist/server.js --stdio`.
import {
  CodeLensRefreshRequest,
  createConnection,
  DidChangeConfigurationNotification,
  ErrorCodes,
  ResponseError,
  ProposedFeatures,
  TextDocuments,
  TextDocumentSyncKind,
  type CancellationToken,
  type InitializeResult,
} from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { ChangeSummaryRequest, FixtureCasesRequest, RenderRequest, TokenSummaryRequest, type ChangeSummary, type ChangeSummaryParams, type FixtureCaseItem, type RenderParams, type RenderResponse } from './protocol';
import { readOpenOrDisk, workspaceFixtures } from './fixtureFiles';
import * as engine from './service';
import { summarizeChange } from './service/history/summary';
import * as tokens from './service/tokens';
import { DEFAULT_SETTINGS, readSettings, type Settings } from './settings';
import { configFileDiagnostics, docsBaseUri, LintConfigFiles } from './lintConfig';
import { indexPartials, refreshPartial } from './workspacePartials';
import { fixtureOf, forgetFixture, isFixtureUri, promptFor } from './fixtureSupport';
import * as testing from './service/testing';
import { readTextUri } from './service/testing/nodeHost';
import { fixturesForPrompt } from './fixtureTokens';
import { VERSION } from './version';

const connection = createConnection(ProposedFeatures.all);
const documents = new TextDocuments(TextDocument);
const settings = new Map<string, Settings>();
const cache = new engine.PromptDocumentCache((uri) => ({ maxTemplateSize: settings.get(uri)?.maxFileSize }));
const partials = new engine.PartialIndex();
let configurationSupported = false;
let codeLensRefreshSupported = false;
let workspaceFolders: string[] = [];
// Diagnostics wait (briefly) for the first partial index, so a prompt opened at startup is not
// told its partials are missing; completion and hover never wait.
let partialsIndexed: Promise<unknown> = Promise.resolve();
const INDEX_WAIT_MS = 2000;
// `.promptlintrc.yaml` files: found per prompt, read from the editor when open, cached until one changes.
const lintConfigs = new LintConfigFiles({ openText: (uri) => documents.get(uri)?.getText() }, () => workspaceFolders, (m) => connection.console.warn(m));
const DOCS_BASE = docsBaseUri();

/** What the template analysis of a document needs from the workspace and its settings. */
/** What token counting needs: the `promptWorkbench.tokens.*` settings, and partials for rendering. */
function tokenOptions(uri: string): tokens.TokenOptions {
  return { ...(settings.get(uri) ?? DEFAULT_SETTINGS).tokens, analysis: analysisOptions(uri) };
}

function analysisOptions(uri: string): engine.AnalysisOptions {
  return { partials, customHelpers: (settings.get(uri) ?? DEFAULT_SETTINGS).customHelpers };
}

/** Everything validation needs: the analysis options, the lint levels (config file < setting), the token settings. */
function diagnosticOptions(uri: string, countTokens: boolean): engine.DiagnosticOptions {
  const config = engine.lint.resolveLintConfig(engine.lint.RULES, lintConfigs.configFor(uri), (settings.get(uri) ?? DEFAULT_SETTINGS).lint);
  return {
    ...analysisOptions(uri),
    lint: { config, tokens: tokenOptions(uri), countTokens, docsBase: DOCS_BASE },
    onLintError: (rule, e) => connection.console.error(`Lint rule ${rule} failed on ${uri}: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`),
  };
}

function runSafe<T>(what: string, fallback: T, token: CancellationToken | undefined, fn: () => T): T {
  if (token?.isCancellationRequested) return fallback;
  try {
    return fn();
  } catch (e) {
    connection.console.error(`${what} failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
    return fallback;
  }
}

function parsed(uri: string) {
  // Fixture files (`*.tests.yaml`) are not prompts: only their own handlers below read them.
  if (isFixtureUri(uri)) return undefined;
  // Lint config files (`.promptlintrc.yaml`) are synced for their own diagnostics only.
  if (engine.lint.isConfigFile(uri)) return undefined;
  const doc = documents.get(uri);
  return doc ? cache.get(doc) : undefined;
}

/** A fixture file and the prompt it tests (`null`: missing; `undefined`: unknown). */
function fixtureAndPrompt(uri: string) {
  const doc = isFixtureUri(uri) ? documents.get(uri) : undefined;
  if (!doc) return undefined;
  const file = fixtureOf(doc);
  return { file, prompt: promptFor(file, (u) => parsed(u)) };
}

connection.onInitialize((params): InitializeResult => {
  configurationSupported = !!params.capabilities.workspace?.configuration;
  codeLensRefreshSupported = !!params.capabilities.workspace?.codeLens?.refreshSupport;
  workspaceFolders = params.workspaceFolders?.map((f) => f.uri) ?? (params.rootUri ? [params.rootUri] : []);
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
  // Index the workspace's partials in the background; open documents are re-checked when done.
  partialsIndexed = indexPartials(partials, workspaceFolders, (uri) => !!documents.get(uri)).then(
    (report) => {
      connection.console.info(`Indexed ${report.files} partial file(s) in ${report.ms.toFixed(0)} ms`);
      revalidateAll();
    },
    (e: unknown) => connection.console.error(`Indexing partials failed: ${e instanceof Error ? e.message : String(e)}`),
  );
});

function revalidateAll(): void {
  for (const doc of documents.all()) scheduleValidation(doc.uri);
}

connection.onDidChangeWatchedFiles(async (e) => {
  let changed = false;
  for (const change of e.changes) {
    if (engine.lint.isConfigFile(change.uri)) {
      lintConfigs.clear();
      changed = true;
      continue;
    }
    if (!engine.partialNameOf(change.uri) || documents.get(change.uri)) continue;
    await refreshPartial(partials, change.uri, change.type === 3 /* Deleted */);
    changed = true;
  }
  if (changed) revalidateAll();
});

connection.onDidChangeConfiguration(() => {
  settings.clear();
  cache.clear();
  revalidateAll();
  // Token lenses depend on settings (model override, catalogue): ask the editor to re-request them.
  if (codeLensRefreshSupported) void connection.sendRequest(CodeLensRefreshRequest.type).catch(() => undefined);
});

// Validation is coalesced: a burst of edits to one document validates only its latest version,
// and results are published only if that version is still current.
const pending = new Set<string>();
function scheduleValidation(uri: string): void {
  if (pending.has(uri)) return;
  pending.add(uri);
  setImmediate(() => {
    pending.delete(uri);
    void validate(uri);
  });
}

async function validate(uri: string): Promise<void> {
  const doc = documents.get(uri);
  if (!doc) return;
  if (!settings.has(uri)) settings.set(uri, await readSettings(connection, uri, configurationSupported));
  await Promise.race([partialsIndexed, new Promise((r) => setTimeout(r, INDEX_WAIT_MS))]);
  const current = documents.get(uri);
  if (!current || current.version !== doc.version) return;
  if (isFixtureUri(uri)) {
    const fixture = runSafe('Fixture validation', [], undefined, () => {
      const f = fixtureAndPrompt(uri);
      return f ? testing.fixtureLspDiagnostics(f.file, f.prompt) : [];
    });
    void connection.sendDiagnostics({ uri, version: current.version, diagnostics: fixture });
    return;
  }
  if (engine.lint.isConfigFile(uri)) {
    const problems = runSafe('Lint config validation', [], undefined, () => configFileDiagnostics(current.getText(), uri));
    void connection.sendDiagnostics({ uri, version: current.version, diagnostics: problems });
    return;
  }
  // Budget checks (the context-overflow / context-budget rules) need tokenizer data. Its first load
  // (a few hundred ms, once) waits until these diagnostics have been written (the message writer
  // sends in a later tick, so a load queued before that would hold them up), then the document is
  // checked again.
  const doc2 = cache.get(current);
  const ready = runSafe('Token budget', true, undefined, () => tokens.tokenizerReady(doc2, tokenOptions(uri)));
  const options = diagnosticOptions(uri, ready);
  const diagnostics = runSafe('Validation', [], undefined, () => engine.diagnostics(doc2, options));
  // secret-in-prompt (secretlint) is asynchronous; its findings join the same publication, which
  // is sent only if the document has not changed meanwhile.
  diagnostics.push(
    ...(await engine.asyncDiagnostics(doc2, options).catch((e: unknown) => {
      connection.console.error(`Lint (async rules) failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
      return [];
    })),
  );
  const latest = documents.get(uri);
  if (!latest || latest.version !== current.version) return;
  const sent = connection.sendDiagnostics({ uri, version: current.version, diagnostics });
  if (!ready) {
    void sent.then(() =>
      setTimeout(() => {
        runSafe('Loading the tokenizer', undefined, undefined, () => tokens.loadTokenizer(doc2, tokenOptions(uri)));
        scheduleValidation(uri);
      }, 0),
    );
  }
}

documents.onDidChangeContent((e) => {
  // An edited lint config applies to the prompts below it at once (and gets its own diagnostics).
  if (engine.lint.isConfigFile(e.document.uri)) {
    lintConfigs.clear();
    revalidateAll();
    return;
  }
  // An edited partial changes what the prompts that include it see.
  if (engine.partialNameOf(e.document.uri)) {
    partials.set(e.document.uri, e.document.getText());
    revalidateAll();
  } else scheduleValidation(e.document.uri);
  // Fixture files check their cases against the prompt's inputs: re-check them when a prompt changes.
  if (!isFixtureUri(e.document.uri)) for (const d of documents.all()) if (isFixtureUri(d.uri)) scheduleValidation(d.uri);
});
documents.onDidClose((e) => {
  cache.delete(e.document.uri);
  forgetFixture(e.document.uri);
  settings.delete(e.document.uri);
  connection.sendDiagnostics({ uri: e.document.uri, diagnostics: [] });
  // A closed config file is read from disk again (unsaved edits no longer apply).
  if (engine.lint.isConfigFile(e.document.uri)) {
    lintConfigs.clear();
    revalidateAll();
  }
  if (engine.partialNameOf(e.document.uri)) void refreshPartial(partials, e.document.uri, false).then(revalidateAll);
});

connection.onCompletion((p, token) =>
  runSafe('Completion', null, token, () => {
    const fixture = fixtureAndPrompt(p.textDocument.uri);
    if (fixture) return testing.completeFixture(fixture.file.text, fixture.file.lines.offsetAt(p.position), fixture.file.lines, fixture.prompt ?? undefined);
    const doc = parsed(p.textDocument.uri);
    return doc ? engine.complete(doc, doc.lines.offsetAt(p.position), analysisOptions(doc.uri)) : null;
  }),
);

connection.onHover((p, token) =>
  runSafe('Hover', null, token, () => {
    const fixture = fixtureAndPrompt(p.textDocument.uri);
    if (fixture) return testing.hoverFixture(fixture.file, fixture.file.lines.offsetAt(p.position), fixture.prompt ?? undefined);
    const doc = parsed(p.textDocument.uri);
    if (!doc) return null;
    const offset = doc.lines.offsetAt(p.position);
    return tokens.combineHovers(engine.hover(doc, offset, analysisOptions(doc.uri)), tokens.tokenHover(doc, offset, tokenOptions(doc.uri)));
  }),
);

connection.onDocumentSymbol((p, token) =>
  runSafe('Document symbols', [], token, () => {
    const doc = parsed(p.textDocument.uri);
    return doc ? engine.documentSymbols(doc) : [];
  }),
);

connection.onFoldingRanges((p, token) =>
  runSafe('Folding ranges', [], token, () => {
    const doc = parsed(p.textDocument.uri);
    return doc ? engine.foldingRanges(doc) : [];
  }),
);

connection.onDefinition((p, token) =>
  runSafe('Definition', [], token, () => {
    const doc = parsed(p.textDocument.uri);
    return doc ? engine.definition(doc, doc.lines.offsetAt(p.position), analysisOptions(doc.uri)) : [];
  }),
);

/** The fixture files of the workspace (open ones with their live text), for rename, references and the preview. */
async function fixtureTexts(): Promise<engine.FixtureText[]> {
  const open = documents.all().filter((d) => isFixtureUri(d.uri)).map((d) => ({ uri: d.uri, text: d.getText() }));
  try {
    return await workspaceFixtures(workspaceFolders, open);
  } catch (e) {
    connection.console.error(`Reading the fixture files failed: ${e instanceof Error ? e.message : String(e)}`);
    return open;
  }
}

connection.onReferences(async (p, token) => {
  const doc = parsed(p.textDocument.uri);
  if (!doc) return [];
  const fixtures = await fixtureTexts();
  return runSafe('References', [], token, () => engine.references(doc, doc.lines.offsetAt(p.position), p.context.includeDeclaration, { ...analysisOptions(doc.uri), fixtures }));
});

connection.onPrepareRename((p, token) =>
  runSafe('Prepare rename', null, token, () => {
    const doc = parsed(p.textDocument.uri);
    return doc ? engine.prepareRename(doc, doc.lines.offsetAt(p.position), analysisOptions(doc.uri)) : null;
  }),
);

connection.onRenameRequest(async (p, token) => {
  const doc = parsed(p.textDocument.uri);
  if (!doc || token.isCancellationRequested) return null;
  try {
    // Fixture files that test this prompt get their variable keys renamed in the same edit.
    const fixtures = engine.prepareRename(doc, doc.lines.offsetAt(p.position), analysisOptions(doc.uri)) ? await fixtureTexts() : [];
    if (token.isCancellationRequested) return null;
    return engine.rename(doc, doc.lines.offsetAt(p.position), p.newName, { ...analysisOptions(doc.uri), fixtures });
  } catch (e) {
    // A bad new name is the user's to fix: show it as the request's error message.
    if (e instanceof engine.RenameError) return new ResponseError(ErrorCodes.InvalidRequest, e.message);
    connection.console.error(`Rename failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
    return null;
  }
});

connection.onCodeAction((p, token) =>
  runSafe('Code actions', [], token, () => {
    const doc = parsed(p.textDocument.uri);
    return doc ? engine.allCodeActions(doc, p.context.diagnostics, analysisOptions(doc.uri)) : [];
  }),
);

connection.languages.semanticTokens.on((p, token) =>
  runSafe('Semantic tokens', { data: [] }, token, () => {
    const doc = parsed(p.textDocument.uri);
    return doc ? engine.semanticTokens(doc, analysisOptions(doc.uri)) : { data: [] };
  }),
);

// `.method`: the server's protocol library is a different copy from the client's, so the typed
// RequestType object is shared by name only.
connection.onRequest(RenderRequest.method, async (p: RenderParams): Promise<RenderResponse | null> => {
  const doc = parsed(p.uri);
  if (!doc) return null;
  try {
    const name = decodeURIComponent(p.uri.split('/').pop() ?? p.uri);
    if (p.case) {
      // The case's values are resolved here, exactly as the test runner resolves them: the open
      // fixture document's text (else the disk's), `file://` values read the same way.
      const read = readOpenOrDisk((uri) => documents.get(uri)?.getText());
      const fixture = await read(p.case.fixtureUri).then(
        (text) => ({ uri: p.case!.fixtureUri, text }),
        () => undefined,
      );
      const result: engine.CaseRenderResult = fixture
        ? await engine.renderFixtureCase(doc, fixture, p.case.caseName, read, analysisOptions(doc.uri))
        : { label: `case "${p.case.caseName}"`, values: {}, error: { message: `The fixture file ${decodeURIComponent(p.case.fixtureUri.split('/').pop() ?? '')} cannot be read any more. Choose the values again ("Preview Rendered Prompt with Values…").`, file: p.case.fixtureUri } };
      return { text: engine.formatRendered(result, `${name} — ${result.label}`), ok: !result.error, error: result.error };
    }
    const result = await engine.renderPrompt(doc, p.values ?? doc.defaults, analysisOptions(doc.uri));
    return { text: engine.formatRendered(result, `${name} — ${p.values ? 'given values' : 'input defaults'}`), ok: !result.error, error: result.error };
  } catch (e) {
    connection.console.error(`Render failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
    return { text: `Rendering failed: ${e instanceof Error ? e.message : String(e)}`, ok: false, error: { message: String(e) } };
  }
});

connection.onRequest(FixtureCasesRequest.method, async (p: { uri: string }): Promise<FixtureCaseItem[]> => {
  try {
    return engine.fixtureCasesOf(p.uri, await fixtureTexts()).map((c) => ({ fixtureUri: c.fixtureUri, caseName: c.name, fixtureName: c.fixtureName, line: c.line, description: c.description }));
  } catch (e) {
    connection.console.error(`Listing fixture cases failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
    return [];
  }
});

connection.onCodeLens((p, token) =>
  runSafe('Code lens', [], token, () => {
    const doc = parsed(p.textDocument.uri);
    return doc ? tokens.tokenCodeLenses(doc, tokenOptions(doc.uri)) : [];
  }),
);

/** The prompt rendered with its fixture cases' values, for the status bar tooltip (undefined without cases). */
async function fixtureCaseTokens(doc: engine.PromptDocument): Promise<tokens.FixtureCaseTokens | undefined> {
  try {
    const open = documents.all().filter((d) => isFixtureUri(d.uri)).map((d) => fixtureOf(d));
    const fixtures = await fixturesForPrompt(doc.uri, workspaceFolders, open);
    if (!fixtures.length) return undefined;
    const read = async (uri: string) => documents.get(uri)?.getText() ?? readTextUri(uri);
    return await testing.fixtureCaseTokens(doc, fixtures, tokenOptions(doc.uri), read);
  } catch (e) {
    connection.console.error(`Fixture case token counts failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
    return undefined;
  }
}

connection.onRequest(TokenSummaryRequest.method, async (p: { uri: string }): Promise<tokens.TokenSummary | null> => {
  const doc = parsed(p.uri);
  if (!doc) return null;
  try {
    if (!settings.has(p.uri)) settings.set(p.uri, await readSettings(connection, p.uri, configurationSupported));
    return await tokens.tokenSummary(doc, tokenOptions(p.uri), await fixtureCaseTokens(doc));
  } catch (e) {
    connection.console.error(`Token summary failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
    return null;
  }
});

connection.onRequest(ChangeSummaryRequest.method, async (p: ChangeSummaryParams, token: CancellationToken): Promise<(ChangeSummary | null)[]> => {
  if (p.uri && !settings.has(p.uri)) settings.set(p.uri, await readSettings(connection, p.uri, configurationSupported).catch(() => DEFAULT_SETTINGS));
  const models = (p.uri ? settings.get(p.uri) : undefined)?.tokens.models;
  return (p.pairs ?? []).map((pair) => runSafe('Change summary', null, token, () => summarizeChange(pair.before ?? undefined, pair.after ?? undefined, { models })));
});

documents.listen(connection);
connection.listen();
