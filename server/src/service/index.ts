// The language engine's public surface. Plain TypeScript over plain data: no `vscode`, no LSP
// connection, so the server, the CLI and the tests all call the same functions.
import type { CodeAction, CompletionList, Diagnostic, Hover } from 'vscode-languageserver-types';
import { codeActions } from './codeActions';
import { completeFrontmatter } from './completion';
import { toLspDiagnostic, type PromptDiagnostic } from './diagnostic';
import type { PromptDocument } from './document';
import { formatById, formatOf } from './formats/registry';
import { hoverFrontmatter } from './hover';
import { hoverTemplate } from './navigation';
import type { AnalysisOptions } from './scope';
import { completeTemplate } from './templateCompletion';
import { lintCodeActions, lintDiagnostics, lintDiagnosticsAsync, type LintOptions } from './lint';

export { PromptDocumentCache, type VersionedText } from './cache';
export { codeActions } from './codeActions';
export { completeFrontmatter } from './completion';
export { DIAGNOSTIC_SOURCE, type PromptDiagnostic } from './diagnostic';
export { DEFAULT_MAX_TEMPLATE_SIZE, parseDocument, parsePromptDocument, type ParseOptions, type PromptDocument } from './document';
export { formatById, formatFor, formatForLanguage, formatOf, promptFileGlobs, registerFormat, registeredFormats } from './formats/registry';
export type { ModelParameter, ParameterName, PromptFormat, PromptInput, PromptMessage, PromptModel } from './formats/types';
export { foldingRanges } from './folding';
export { hoverFrontmatter } from './hover';
export { definition, hoverTemplate, prepareRename, references, rename, RenameError, type NavigationOptions } from './navigation';
export { fixtureCasesOf, fixturesOf, fixtureVarOccurrences, renderFixtureCase, type CaseRenderResult, type FixtureCaseInfo, type FixtureText } from './fixtureRefs';
export { PartialIndex, partialNameOf, type PartialFile } from './partials';
export { formatRendered, renderPrompt, type RenderResult } from './render';
export { analyze, type AnalysisOptions } from './scope';
export { SEMANTIC_LEGEND, semanticTokens } from './semanticTokens';
export { documentSymbols } from './symbols';
export { completeTemplate } from './templateCompletion';
export * as lint from './lint';

/** The Dotprompt frontmatter schema as JSON Schema (`prompt-workbench schema`, `schemas/dotprompt-frontmatter.schema.json`). */
export function frontmatterJsonSchema(): Record<string, unknown> {
  return formatById('dotprompt')!.schema!.jsonSchema();
}

/** What `diagnostics()` needs: the template analysis options, and the lint options when lint rules should run. */
export interface DiagnosticOptions extends AnalysisOptions {
  /** Runs the lint rules (server/src/service/lint/) with this configuration; absent: no lint rules. */
  lint?: LintOptions;
  /** Told about a lint rule that threw (the rule is skipped, never the others). */
  onLintError?: (rule: string, error: unknown) => void;
}

/** Every problem found in the document: parse, schema and template checks and the synchronous lint rules, in document order. */
export function promptDiagnostics(doc: PromptDocument, options: DiagnosticOptions = {}): PromptDiagnostic[] {
  // Documents with a notice (binary, too large) were not analysed: report the notice only.
  const all = doc.notice ? [...doc.diagnostics] : [...doc.diagnostics, ...formatOf(doc).check(doc, options)];
  if (options.lint) all.push(...lintDiagnostics(doc, options.lint, options, options.onLintError));
  return all.sort((a, b) => a.span.start - b.span.start);
}

/** Every diagnostic of the document, in document order, as LSP diagnostics. */
export function diagnostics(doc: PromptDocument, options: DiagnosticOptions = {}): Diagnostic[] {
  return promptDiagnostics(doc, options).map((d) => toLspDiagnostic(d, doc.lines));
}

/** The lint rules that run asynchronously (secret-in-prompt, through secretlint); empty without `options.lint`. */
export async function asyncPromptDiagnostics(doc: PromptDocument, options: DiagnosticOptions = {}): Promise<PromptDiagnostic[]> {
  return options.lint ? lintDiagnosticsAsync(doc, options.lint, options, options.onLintError) : [];
}

/** `asyncPromptDiagnostics` as LSP diagnostics. */
export async function asyncDiagnostics(doc: PromptDocument, options: DiagnosticOptions = {}): Promise<Diagnostic[]> {
  return (await asyncPromptDiagnostics(doc, options)).map((d) => toLspDiagnostic(d, doc.lines));
}

/** Quick fixes: the template checks' and the lint rules' (with "Disable <rule> for this line"). */
export function allCodeActions(doc: PromptDocument, diagnostics: Diagnostic[], options: AnalysisOptions = {}): CodeAction[] {
  return [...codeActions(doc, diagnostics, options), ...lintCodeActions(doc, diagnostics, options)];
}

/** Completion anywhere in a prompt: frontmatter keys and values, or names inside `{{ }}`. */
export function complete(doc: PromptDocument, offset: number, options: AnalysisOptions = {}): CompletionList | null {
  return offset < doc.template.span.start ? completeFrontmatter(doc, offset) : completeTemplate(doc, offset, options);
}

/** Hover anywhere in a prompt. */
export function hover(doc: PromptDocument, offset: number, options: AnalysisOptions = {}): Hover | null {
  return hoverFrontmatter(doc, offset) ?? hoverTemplate(doc, offset, options);
}
