// The language engine's public surface. Plain TypeScript over plain data: no `vscode`, no LSP
// connection, so the server, the CLI and the tests all call the same functions.
import type { Diagnostic } from 'vscode-languageserver-types';
import { toLspDiagnostic } from './diagnostic';
import type { PromptDocument } from './document';

export { PromptDocumentCache, type VersionedText } from './cache';
export { completeFrontmatter } from './completion';
export { DIAGNOSTIC_SOURCE, type PromptDiagnostic } from './diagnostic';
export { DEFAULT_MAX_TEMPLATE_SIZE, parsePromptDocument, type ParseOptions, type PromptDocument } from './document';
export { foldingRanges } from './folding';
export { hoverFrontmatter } from './hover';
export { frontmatterJsonSchema } from './schema';
export { documentSymbols } from './symbols';

/** Every diagnostic of the document, in document order, as LSP diagnostics. */
export function diagnostics(doc: PromptDocument): Diagnostic[] {
  return [...doc.diagnostics].sort((a, b) => a.span.start - b.span.start).map((d) => toLspDiagnostic(d, doc.lines));
}
