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
import { combineHovers, tokenHover } from './tokens/present';
import type { TokenOptions } from './tokens/count';

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
export { fixtureCasesOf, fixturesOf, fixtureVarOccurrences, formatCaseRendered, renderFixtureCase, type CaseRenderResult, type FixtureCaseInfo, type FixtureText } from './fixtureRefs';
export { PartialIndex, partialNameOf, type PartialFile } from './partials';
export { formatRendered, renderPrompt, type RenderResult } from './render';
export { analyze, type AnalysisOptions } from './scope';
export { SEMANTIC_LEGEND, semanticTokens } from './semanticTokens';
export { documentSymbols } from './symbols';
export { completeTemplate } from './templateCompletion';
export * as lint from './lint';
export { CancelledError, gitInfoOf, throwIfCancelled, type CancellationLike, type ChangeKind, type FileInfo, type WorkspaceHost } from './host';
export { commonProjectRoot, DEFAULT_EXCLUDE, excludeGlobs, findProjectRoot, isExcluded, ProjectConfigs, CACHE_DIR, RUNS_DIR, WORKBENCH_DIR, WORKBENCH_GITIGNORE, type ProjectRoot } from './project';
export { DiskPrompts, FIXTURE_GLOBS, FixtureFileCache, fixtureTexts, indexPartials, loadPartialIndex, PARTIAL_GLOBS, refreshPartial } from './workspace';
export type { ProjectConfig } from './lint/config';

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

/**
 * The complete diagnostics of a document: the synchronous checks and lint rules plus the
 * asynchronous rules (secretlint), in document order. The server publishes these and the CLI
 * prints them, so both always report the same findings.
 */
export async function completePromptDiagnostics(doc: PromptDocument, options: DiagnosticOptions = {}): Promise<PromptDiagnostic[]> {
  const all = promptDiagnostics(doc, options);
  all.push(...(await asyncPromptDiagnostics(doc, options)));
  return all.sort((a, b) => a.span.start - b.span.start);
}

/** `completePromptDiagnostics` as LSP diagnostics. */
export async function documentDiagnostics(doc: PromptDocument, options: DiagnosticOptions = {}): Promise<Diagnostic[]> {
  return (await completePromptDiagnostics(doc, options)).map((d) => toLspDiagnostic(d, doc.lines));
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
  const own = formatOf(doc).features?.complete;
  if (own) return own(doc, offset);
  return offset < doc.template.span.start ? completeFrontmatter(doc, offset) : completeTemplate(doc, offset, options);
}

/** What hover needs: the analysis options and, for the token counts on role markers, the token options. */
export interface HoverOptions extends AnalysisOptions {
  tokens?: TokenOptions;
}

/** Hover anywhere in a prompt; with `options.tokens`, a role marker's hover adds its message's token count. */
export function hover(doc: PromptDocument, offset: number, options: HoverOptions = {}): Hover | null {
  const own = formatOf(doc).features?.hover;
  const base = own ? own(doc, offset) : (hoverFrontmatter(doc, offset) ?? hoverTemplate(doc, offset, options));
  return options.tokens ? combineHovers(base, tokenHover(doc, offset, options.tokens)) : base;
}
