// The LSP adapter: a few lines per request, each looking the document up in the shared cache,
// calling the engine, and never letting an exception escape. Run `node dist/server.js --stdio`.
import {
  createConnection,
  DidChangeConfigurationNotification,
  ProposedFeatures,
  TextDocuments,
  TextDocumentSyncKind,
  type CancellationToken,
  type InitializeResult,
} from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import * as engine from './service';
import { readSettings, type Settings } from './settings';

const connection = createConnection(ProposedFeatures.all);
const documents = new TextDocuments(TextDocument);
const settings = new Map<string, Settings>();
const cache = new engine.PromptDocumentCache((uri) => ({ maxTemplateSize: settings.get(uri)?.maxFileSize }));
let configurationSupported = false;

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
  const doc = documents.get(uri);
  return doc ? cache.get(doc) : undefined;
}

connection.onInitialize((params): InitializeResult => {
  configurationSupported = !!params.capabilities.workspace?.configuration;
  return {
    capabilities: {
      textDocumentSync: TextDocumentSyncKind.Incremental,
      completionProvider: { triggerCharacters: [' ', ':'] },
      hoverProvider: true,
      documentSymbolProvider: true,
      foldingRangeProvider: true,
    },
    serverInfo: { name: 'Prompt Workbench Language Server', version: process.env.PROMPT_WORKBENCH_VERSION ?? '0.1.0' },
  };
});

connection.onInitialized(() => {
  if (configurationSupported) void connection.client.register(DidChangeConfigurationNotification.type, { section: 'promptWorkbench' });
});

connection.onDidChangeConfiguration(() => {
  settings.clear();
  cache.clear();
  for (const doc of documents.all()) scheduleValidation(doc.uri);
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
  const current = documents.get(uri);
  if (!current || current.version !== doc.version) return;
  const diagnostics = runSafe('Validation', [], undefined, () => engine.diagnostics(cache.get(current)));
  connection.sendDiagnostics({ uri, version: current.version, diagnostics });
}

documents.onDidOpen((e) => scheduleValidation(e.document.uri));
documents.onDidChangeContent((e) => scheduleValidation(e.document.uri));
documents.onDidClose((e) => {
  cache.delete(e.document.uri);
  settings.delete(e.document.uri);
  connection.sendDiagnostics({ uri: e.document.uri, diagnostics: [] });
});

connection.onCompletion((p, token) =>
  runSafe('Completion', null, token, () => {
    const doc = parsed(p.textDocument.uri);
    return doc ? engine.completeFrontmatter(doc, doc.lines.offsetAt(p.position)) : null;
  }),
);

connection.onHover((p, token) =>
  runSafe('Hover', null, token, () => {
    const doc = parsed(p.textDocument.uri);
    return doc ? engine.hoverFrontmatter(doc, doc.lines.offsetAt(p.position)) : null;
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

documents.listen(connection);
connection.listen();
