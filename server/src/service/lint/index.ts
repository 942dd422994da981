// Lint rules for prompts: the registry of rules (one file per rule, `<rule-id>.ts`) and the runner
// that applies each rule's level (preset < project config < editor setting), inline
// suppressions and the docs link. The server and the CLI both reach it through the engine's
// `diagnostics()` / `asyncDiagnostics()` in service/index.ts.
import type { CodeAction, Diagnostic } from 'vscode-languageserver-types';
import type { PromptDiagnostic } from '../diagnostic';
import type { PromptDocument } from '../document';
import { partialNameOf } from '../partials';
import { analyze, type AnalysisOptions } from '../scope';
import type { TokenOptions } from '../tokens/count';
import { tokenDiagnostics } from '../tokens/present';
import { CancelledError } from '../host';
import { runSteps, type Slicer, type Steps } from '../slice';
import { quickFix } from './util';
import { resolveLintConfig, severityFor, type ResolvedLintConfig } from './config';
import { textMemo } from './blocks';
import { proseOf, proseSteps } from './prose';
import { disableFileEdit, disableLineEdit, suppressionsOf } from './suppress';
import type { Finding, Level, LintRule, RuleContext } from './types';

import { rule as agentUnknownField } from './agent-unknown-field';
import { rule as skillFrontmatter } from './skill-frontmatter';
import { rule as brokenLink } from './broken-link';
import { rule as conflictingInstructions } from './conflicting-instructions';
import { rule as contextBudget } from './context-budget';
import { rule as contextOverflow } from './context-overflow';
import { rule as deprecatedParameter } from './deprecated-parameter';
import { rule as duplicateInstruction } from './duplicate-instruction';
import { rule as emptyMessage } from './empty-message';
import { rule as missingMaxTokens } from './missing-max-tokens';
import { rule as missingMetadata } from './missing-metadata';
import { rule as outputFormatMismatch } from './output-format-mismatch';
import { rule as piiInPrompt } from './pii-in-prompt';
import { rule as secretInPrompt } from './secret-in-prompt';
import { rule as unknownModel } from './unknown-model';
import { rule as untrustedInputUndelimited } from './untrusted-input-undelimited';
import { rule as vagueLanguage } from './vague-language';
import { rule as variableInSystemRole } from './variable-in-system-role';
import { rule as whitespace } from './whitespace';
import { rule as lifecycleUnversionedChange } from './lifecycle-unversioned-change';
import { rule as lifecycleUnverified } from './lifecycle-unverified';
import { rule as lifecycleRetiredReferenced } from './lifecycle-retired-referenced';
import { rule as lifecycleMissingOwner } from './lifecycle-missing-owner';
import { rule as lifecycleStatusBackwards } from './lifecycle-status-backwards';
import { formatOf } from '../formats/registry';

/** Every rule, in the order of the docs index. */
export const RULES: readonly LintRule<any>[] = [
  secretInPrompt,
  piiInPrompt,
  untrustedInputUndelimited,
  variableInSystemRole,
  outputFormatMismatch,
  missingMaxTokens,
  contextOverflow,
  contextBudget,
  conflictingInstructions,
  duplicateInstruction,
  vagueLanguage,
  emptyMessage,
  unknownModel,
  deprecatedParameter,
  missingMetadata,
  whitespace,
  brokenLink,
  agentUnknownField,
  skillFrontmatter,
  lifecycleUnversionedChange,
  lifecycleUnverified,
  lifecycleRetiredReferenced,
  lifecycleMissingOwner,
  lifecycleStatusBackwards,
];

/** The lifecycle rules: they check catalogue rows with the workspace around them (`LintRule.catalog`). */
export const CATALOG_RULES: readonly LintRule<any>[] = RULES.filter((r) => r.catalog);

const BY_ID = new Map(RULES.map((r) => [r.id, r]));

export function ruleById(id: string): LintRule<any> | undefined {
  return BY_ID.get(id);
}

/** The docs page of a rule, relative to the project (and the installed extension). */
export function docsPath(id: string): string {
  return `docs/rules/${id}.md`;
}

export interface LintOptions {
  /** Levels and options per rule; `resolveLintConfig(RULES)` gives the defaults. */
  config?: ResolvedLintConfig;
  /** Token settings (model override, budgets, catalogue additions) for the token rules and unknown-model. */
  tokens?: TokenOptions;
  /** False skips the rules that need tokenizer data (the server, before that data is loaded). Default true. */
  countTokens?: boolean;
  /** Base URI of the rule pages (`file:///…/docs/rules/`): diagnostics link to `<base><id>.md`. */
  docsBase?: string;
  /** Lint from scratch, neither using nor updating what was remembered of earlier versions (a reference for tests). */
  fresh?: boolean;
  /** Whether a file exists, through the workspace host (`broken-link`); absent, links are not checked. */
  fileExists?: (uri: string) => Promise<boolean>;
}

/** For tests: told each time a rule runs, with the index of the template block it checks (-1: the whole document). */
export const lintHooks: { onRuleRun?: (ruleId: string, blockIndex: number) => void } = {};

let defaults: ResolvedLintConfig | undefined;

/** The built-in levels and options, with no config file and no settings. */
export function defaultLintConfig(): ResolvedLintConfig {
  return (defaults ??= resolveLintConfig(RULES));
}

function isPartial(doc: PromptDocument): boolean {
  return !!partialNameOf(doc.uri);
}

function contextFor(doc: PromptDocument, options: LintOptions, analysisOptions: AnalysisOptions, config: ResolvedLintConfig): (rule: LintRule<any>) => RuleContext<any> {
  let tokenDiags: PromptDiagnostic[] | undefined;
  const tokens: TokenOptions = { ...options.tokens, analysis: options.tokens?.analysis ?? analysisOptions };
  return (rule) => ({
    doc,
    options: config.options[rule.id] ?? {},
    analysis: () => analyze(doc, analysisOptions),
    prose: () => proseOf(doc, options.fresh),
    tokens,
    countTokens: options.countTokens ?? true,
    tokenDiagnostics: () => (tokenDiags ??= doc.notice === 'binary' ? [] : tokenDiagnostics(doc, tokens)),
    memo: options.fresh ? (text, compute) => compute(text) : textMemo(doc, rule.id),
    fileExists: options.fileExists,
  });
}

function shift(f: Finding, by: number): Finding {
  return { ...f, span: { start: f.span.start + by, end: f.span.end + by } };
}

/**
 * A rule's findings: block by block from what is remembered where the rule allows it, else over the
 * whole document. A step (`yield`) after each block it checks, so a sliced run can pause there.
 */
function* runRule(rule: LintRule<any>, ctx: RuleContext<any>, fresh: boolean | undefined): Steps<Finding[]> {
  const blocks = rule.blocks && !fresh && !ctx.doc.notice ? ctx.prose().blocks : undefined;
  if (!rule.blocks || !blocks) {
    lintHooks.onRuleRun?.(rule.id, -1);
    return rule.checkSteps ? yield* rule.checkSteps(ctx) : rule.check!(ctx);
  }
  // The options change what a block yields; the level does not (it is applied afterwards).
  const key = `${rule.id}\u0000${JSON.stringify(ctx.options)}`;
  const found: Finding[] = [];
  for (let i = 0; i < blocks.length; i++) {
    const { span, memo } = blocks[i];
    let local = memo.findings.get(key);
    if (!local) {
      lintHooks.onRuleRun?.(rule.id, i);
      local = rule.check!({ ...ctx, block: span }).map((f) => shift(f, -span.start));
      memo.findings.set(key, local);
      yield rule.id;
    }
    for (const f of local) found.push(shift(f, span.start));
  }
  return rule.blocks.finish(ctx, found);
}

function toDiagnostics(doc: PromptDocument, rule: LintRule<any>, level: Level, findings: Finding[], options: LintOptions): PromptDiagnostic[] {
  const severity = severityFor(level);
  if (!severity || !findings.length) return [];
  const suppressions = suppressionsOf(doc);
  const out: PromptDiagnostic[] = [];
  for (const f of findings) {
    if (suppressions.isSuppressed(rule.id, doc.lines.lineAt(f.span.start))) continue;
    out.push({
      code: rule.id,
      severity,
      message: f.message,
      span: f.span,
      data: f.data,
      unnecessary: f.unnecessary,
      href: options.docsBase ? `${options.docsBase}${rule.id}.md` : undefined,
    });
  }
  return out;
}

function activeRules(doc: PromptDocument, config: ResolvedLintConfig, async: boolean): { rule: LintRule<any>; level: Level }[] {
  const partial = isPartial(doc);
  const out: { rule: LintRule<any>; level: Level }[] = [];
  for (const rule of RULES) {
    const level = config.levels[rule.id] ?? rule.defaultLevel;
    if (level === 'off' || (partial && !rule.checksPartials)) continue;
    if (async ? rule.checkAsync : rule.check) out.push({ rule, level });
  }
  return out;
}

/**
 * The synchronous rules as steps: the prose model the rules share, then rule by rule (and block by
 * block within a block-local rule). A rule that throws is skipped, never the others. A format with
 * a lint view (GitHub Models prompt files) is linted through it: its prose only.
 */
export function* lintSteps(doc: PromptDocument, options: LintOptions = {}, analysisOptions: AnalysisOptions = {}, onError?: (rule: string, e: unknown) => void): Steps<PromptDiagnostic[]> {
  doc = formatOf(doc).lintView?.(doc) ?? doc;
  const config = options.config ?? defaultLintConfig();
  const context = contextFor(doc, options, analysisOptions, config);
  const out: PromptDiagnostic[] = [];
  const active = activeRules(doc, config, false);
  if (!doc.notice && !options.fresh && active.some((a) => a.rule.blocks)) {
    try {
      yield* proseSteps(doc); // memoised per document: the rules' `ctx.prose()` read this one
    } catch {
      // Each rule that reads it reports the error as its own.
    }
    yield 'prose';
  }
  for (const { rule, level } of active) {
    try {
      out.push(...toDiagnostics(doc, rule, level, yield* runRule(rule, context(rule), options.fresh), options));
    } catch (e) {
      onError?.(rule.id, e);
    }
    yield rule.id;
  }
  return out;
}

/** The synchronous rules' diagnostics (all but secretlint's). A rule that throws is skipped, never the others. */
export function lintDiagnostics(doc: PromptDocument, options: LintOptions = {}, analysisOptions: AnalysisOptions = {}, onError?: (rule: string, e: unknown) => void): PromptDiagnostic[] {
  return runSteps(lintSteps(doc, options, analysisOptions, onError));
}

/** The asynchronous rules' diagnostics (secret-in-prompt); with a slicer, the rules pause (`ctx.pause`) when a slice is used up. */
export async function lintDiagnosticsAsync(doc: PromptDocument, options: LintOptions = {}, analysisOptions: AnalysisOptions = {}, onError?: (rule: string, e: unknown) => void, slicer?: Slicer): Promise<PromptDiagnostic[]> {
  const config = options.config ?? defaultLintConfig();
  const context = contextFor(doc, options, analysisOptions, config);
  let pause: (() => Promise<void> | undefined) | undefined;
  if (slicer) await slicer.maybePause('lint');
  const out: PromptDiagnostic[] = [];
  for (const { rule, level } of activeRules(doc, config, true)) {
    try {
      if (slicer) pause = () => slicer.maybePause(rule.id);
      out.push(...toDiagnostics(doc, rule, level, await rule.checkAsync!({ ...context(rule), pause }), options));
    } catch (e) {
      // A cancelled run stops here; any other error skips the rule only.
      if (e instanceof CancelledError) throw e;
      onError?.(rule.id, e);
    }
  }
  return out;
}

/** Quick fixes for lint diagnostics: the rule's own fixes, then "Disable <id> for this line" and "... for this file". */
export function lintCodeActions(doc: PromptDocument, diagnostics: Diagnostic[], analysisOptions: AnalysisOptions = {}): CodeAction[] {
  const actions: CodeAction[] = [];
  for (const d of diagnostics) {
    const rule = typeof d.code === 'string' ? BY_ID.get(d.code) : undefined;
    if (!rule) continue;
    if (rule.fixes) actions.push(...rule.fixes({ doc, analysisOptions }, d));
    const line = disableLineEdit(doc, rule.id, d.range.start.line);
    if (line) actions.push(quickFix(`Disable ${rule.id} for this line`, d, doc.uri, [line]));
    actions.push(quickFix(`Disable ${rule.id} for this file`, d, doc.uri, [disableFileEdit(doc, rule.id)]));
  }
  return actions;
}

export { forgetLintState } from './blocks';
export { CONFIG_FILE_NAMES, DEFAULT_SETTING, findLintConfig, formatConfigProblem, isConfigFile, parseLintConfig, resolveLintConfig, sarifLevel, severityFor, type LintConfigFile, type LintSettings, type ResolvedLintConfig } from './config';
export { DEFAULT_PRESET, isPreset, PRESET_DESCRIPTIONS, PRESETS, presetLevel, presetLevels, type Preset } from './presets';
export { presetOf } from './config';
export type { CatalogFinding, CatalogRuleContext, Level, LintRule, Reference } from './types';
export { LEVELS } from './types';
