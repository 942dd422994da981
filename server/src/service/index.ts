// The language engine's public surface. Plain TypeScript over plain data: no `vscode`, no LSP
// connection, so the server, the CLI and the tests all call the same functions.
import type { CodeAction, CompletionList, Diagnostic, Hover } from 'vscode-languageserver-types';
import { codeActions } from './codeActions';
import { completeFrontmatter, type FrontmatterContext } from './completion';
import { toLspDiagnostic, type PromptDiagnostic } from './diagnostic';
import type { PromptDocument } from './document';
import { formatById, formatOf } from './formats/registry';
import { hoverFrontmatter } from './hover';
import { hoverTemplate } from './navigation';
import { analyzeSteps, type AnalysisOptions } from './scope';
import { completeTemplate } from './templateCompletion';
import { lintCodeActions, lintDiagnosticsAsync, lintSteps, type LintOptions } from './lint';
import { runSteps, Slicer, type Steps, type YieldOptions } from './slice';
import { combineHovers, tokenHover } from './tokens/present';
import type { TokenOptions } from './tokens/count';

export { PromptDocumentCache, type VersionedText } from './cache';
export { codeActions } from './codeActions';
export { completeFrontmatter, type FrontmatterContext } from './completion';
export { DIAGNOSTIC_SOURCE, type PromptDiagnostic } from './diagnostic';
export { DEFAULT_MAX_TEMPLATE_SIZE, parseDocument, parsePromptDocument, type ParseOptions, type PromptDocument } from './document';
export { formatById, formatFor, formatForLanguage, formatOf, promptFileGlobs, promptLanguageIds, registerFormat, registeredFormats } from './formats/registry';
export type { ModelParameter, ParameterName, PromptFormat, PromptInput, PromptMessage, PromptModel } from './formats/types';
export { foldingRanges } from './folding';
export { hoverFrontmatter } from './hover';
export { definition, hoverTemplate, prepareRename, references, rename, RenameError, type NavigationOptions } from './navigation';
export { embeddedCasesOf, fixtureCasesOf, fixturesOf, fixtureVarOccurrences, formatCaseRendered, renderFixtureCase, type CaseRenderResult, type FixtureCaseInfo, type FixtureText } from './fixtureRefs';
export { PartialIndex, partialNameOf, type PartialFile } from './partials';
export { formatRendered, renderPrompt, type HistoryMessage, type RenderData, type RenderedMessage, type RenderedPart, type RenderResult, type SchemaLibrary } from './render';
export { loadNamedSchemas, NamedSchemas, SchemaLibraries, schemaProblemSpans, type LoadedSchemas, type SchemaFileProblem } from './schemas';
export { analyze, type AnalysisOptions } from './scope';
export { SEMANTIC_LEGEND, semanticTokens } from './semanticTokens';
export { DEFAULT_SLICE_MS, Slicer, type YieldOptions } from './slice';
export { documentSymbols } from './symbols';
export { completeTemplate } from './templateCompletion';
export * as lint from './lint';
export * as catalog from './catalog';
export { completeConfig, hoverConfig, type ConfigLanguageOptions } from './lint/configLanguage';
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
  /**
   * `completePromptDiagnostics` / `documentDiagnostics` only: run in slices, giving the host a turn
   * (`yieldNow`) whenever one is used up, and stop with `CancelledError` once `token` is cancelled.
   * Absent: the run goes straight through (the CLI).
   */
  yield?: YieldOptions;
}

/**
 * The synchronous checks as steps: the shared model, the template analysis, the format's checks,
 * then the lint rules (rule by rule, block by block). Each step is memoised on the document, so a
 * request that needs one of them meanwhile (a code action) computes or reuses the same result.
 */
function* diagnosticSteps(doc: PromptDocument, options: DiagnosticOptions): Steps<PromptDiagnostic[]> {
  const all = [...doc.diagnostics];
  // Documents with a notice (binary, too large) were not analysed: report the notice only.
  if (!doc.notice) {
    void doc.prompt; // the shared model, built on first read
    yield 'model';
    yield* analyzeSteps(doc, options); // memoised per document and options: the format's check reuses it
    yield 'analysis';
    all.push(...formatOf(doc).check(doc, options));
    yield 'checks';
  }
  if (options.lint) all.push(...(yield* lintSteps(doc, options.lint, options, options.onLintError)));
  return all;
}

/** Every problem found in the document: parse, schema and template checks and the synchronous lint rules, in document order. */
export function promptDiagnostics(doc: PromptDocument, options: DiagnosticOptions = {}): PromptDiagnostic[] {
  return runSteps(diagnosticSteps(doc, options)).sort((a, b) => a.span.start - b.span.start);
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
 * prints them, so both always report the same findings. With `options.yield` the run is sliced
 * and can be cancelled (see `DiagnosticOptions.yield`); the findings are the same.
 */
export async function completePromptDiagnostics(doc: PromptDocument, options: DiagnosticOptions = {}): Promise<PromptDiagnostic[]> {
  if (!options.yield) {
    const all = promptDiagnostics(doc, options);
    all.push(...(await asyncPromptDiagnostics(doc, options)));
    return all.sort((a, b) => a.span.start - b.span.start);
  }
  const slicer = Slicer.of(options.yield);
  const all = await slicer.run(diagnosticSteps(doc, options));
  if (options.lint) all.push(...(await lintDiagnosticsAsync(doc, options.lint, options, options.onLintError, slicer)));
  await slicer.maybePause('asynchronous rules');
  slicer.finish('sort');
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
export function complete(doc: PromptDocument, offset: number, options: AnalysisOptions & FrontmatterContext = {}): CompletionList | null {
  const own = formatOf(doc).features?.complete;
  if (own) return own(doc, offset, options);
  return offset < doc.template.span.start ? completeFrontmatter(doc, offset, options) : completeTemplate(doc, offset, options);
}

/** What hover needs: the analysis options and, for the token counts on role markers, the token options. */
export interface HoverOptions extends AnalysisOptions, FrontmatterContext {
  tokens?: TokenOptions;
}

/** Hover anywhere in a prompt; with `options.tokens`, a role marker's hover adds its message's token count. */
export function hover(doc: PromptDocument, offset: number, options: HoverOptions = {}): Hover | null {
  const own = formatOf(doc).features?.hover;
  const base = own ? own(doc, offset, options) : (hoverFrontmatter(doc, offset, options) ?? hoverTemplate(doc, offset, options));
  return options.tokens ? combineHovers(base, tokenHover(doc, offset, options.tokens)) : base;
}
