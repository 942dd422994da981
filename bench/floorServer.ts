// The floor of table 1: a language server that analyses nothing. It keeps each document as the real
// server does (incremental sync, the same LSP libraries) and, for every version, publishes the
// diagnostics it was given at start (`initializationOptions.diagnostics`: what the real server
// published for the unedited prompt), built afresh each time. What a keystroke costs it is what the
// transport costs: the change message, the edit applied, the diagnostics encoded, written, read and
// decoded, under the same load. Bundled by `node esbuild.mjs --bench` into dist/bench/floor-server.js.
import { createConnection, ProposedFeatures, TextDocuments, TextDocumentSyncKind, type Diagnostic } from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';

const connection = createConnection(ProposedFeatures.all);
const documents = new TextDocuments(TextDocument);
let published: Diagnostic[] = [];

connection.onInitialize((params) => {
  const options = params.initializationOptions as { diagnostics?: Diagnostic[] } | undefined;
  published = options?.diagnostics ?? [];
  return { capabilities: { textDocumentSync: TextDocumentSyncKind.Incremental } };
});

documents.onDidChangeContent(({ document }) => {
  // New objects per version, as a server that computed them would send.
  const diagnostics = published.map((d) => ({ ...d, range: { start: { ...d.range.start }, end: { ...d.range.end } } }));
  void connection.sendDiagnostics({ uri: document.uri, version: document.version, diagnostics });
});

documents.listen(connection);
connection.listen();
