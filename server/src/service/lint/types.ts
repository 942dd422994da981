// The shapes every lint rule shares: its metadata (id, default level, description, options),
// the context it checks a document in, and what it reports.
import type { CodeAction, Diagnostic } from 'vscode-languageserver-types';
import type { z } from 'zod';
import type { PromptDiagnostic } from '../diagnostic';
import type { PromptDocument } from '../document';
import type { Analysis, AnalysisOptions } from '../scope';
import type { Span } from '../text';
import type { TokenOptions } from '../tokens/count';
import type { ProseModel } from './prose';

/** A rule's level: `off`, or the severity its findings get. */
export type Level = 'off' | 'hint' | 'info' | 'warning' | 'error';
export const LEVELS: readonly Level[] = ['off', 'hint', 'info', 'warning', 'error'];

export type Category = 'security' | 'correctness' | 'clarity' | 'cost' | 'style' | 'governance';

/** One problem a rule found; the runner adds the rule id, the level and the docs link. */
export interface Finding {
  message: string;
  span: Span;
  /** What a quick fix needs (kept on the LSP diagnostic's `data`). */
  data?: Record<string, unknown>;
  unnecessary?: boolean;
}

export interface RuleContext<O = Record<string, unknown>> {
  doc: PromptDocument;
  /** The rule's options: the config file's, with the rule's defaults filled in. */
  options: O;
  /** The template analysis (memoised per document version). */
  analysis(): Analysis;
  /** Literal text, messages, delimited regions and sentences of the template (memoised). */
  prose(): ProseModel;
  /** Token settings (model override, budgets, catalogue additions). */
  tokens: TokenOptions;
  /** False while the tokenizer data is not loaded yet: rules that count tokens report nothing. */
  countTokens: boolean;
  /** The token module's budget diagnostics, computed once per run and shared by the rules that wrap them. */
  tokenDiagnostics(): PromptDiagnostic[];
  /** A pure function of a text (a sentence's words), remembered from the document's previous version (computed afresh in fresh runs). */
  memo<T>(text: string, compute: (text: string) => T): T;
  /** Set for rules with `blocks`: check only this block of the template, uncapped, in text order. */
  block?: Span;
  /** Whether a file exists, through the workspace host; absent in a plain engine call (no workspace). */
  fileExists?(uri: string): Promise<boolean>;
  /**
   * Asynchronous rules await it between pieces of work: in a sliced run (the server) it gives other
   * requests a turn when the slice is used up, and throws `CancelledError` once a newer version exists.
   */
  pause?(): Promise<void> | undefined;
}

export interface FixContext {
  doc: PromptDocument;
  analysisOptions: AnalysisOptions;
}

export interface LintRule<O = Record<string, unknown>> {
  /** The diagnostic `code`, the setting `promptWorkbench.lint.<id>` and the page `docs/rules/<id>.md`. */
  id: string;
  /** One line: what the rule reports (settings, SARIF, the docs index). */
  description: string;
  defaultLevel: Level;
  category: Category;
  /** Rule options a config file may set; parsing fills in the defaults. */
  options?: z.ZodType<O>;
  /** Whether the rule also checks partials (`_name.prompt`), which are fragments, not whole prompts. */
  checksPartials?: boolean;
  /** Every regular expression the rule runs on document text (the ReDoS test runs each on adversarial input). */
  patterns?: readonly RegExp[];
  /** Whether a quick fix exists (listed in the docs and SARIF). */
  fixable?: boolean;
  check?(ctx: RuleContext<O>): Finding[];
  /**
   * For rules whose findings in a block of the template depend only on that block's text and the
   * rule's options: the runner calls `check` with `ctx.block` set, remembers the findings per
   * block, and re-runs it only on blocks whose text changed. `finish` gets every block's findings
   * in block order and returns what `check` over the whole document would (caps, order, findings
   * outside the template).
   */
  blocks?: {
    finish(ctx: RuleContext<O>, found: Finding[]): Finding[];
  };
  /** Rules whose library is asynchronous (secretlint). */
  checkAsync?(ctx: RuleContext<O>): Promise<Finding[]>;
  /** Quick fixes for one of this rule's diagnostics. */
  fixes?(ctx: FixContext, diagnostic: Diagnostic): CodeAction[];
}
