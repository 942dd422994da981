// The shapes every lint rule shares: its metadata (id, default level, description, options),
// the context it checks a document in, and what it reports.
import type { CodeAction, Diagnostic, Range } from 'vscode-languageserver-types';
import type { CatalogEntry } from '../catalog/catalog';
import type { Lifecycle } from '../catalog/lifecycle';
import type { CatalogConfig } from './config';
import type { z } from 'zod';
import type { PromptDiagnostic } from '../diagnostic';
import type { PromptDocument } from '../document';
import type { Analysis, AnalysisOptions } from '../scope';
import type { Span } from '../text';
import type { Steps } from '../slice';
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

/** A place outside the prompt that names it: a fixture file, code, another prompt. */
export interface Reference {
  uri: string;
  /** Relative to the catalogue's root. */
  path: string;
  range: Range;
  /** What names it (`{{> header}}`, `prompt: ./old.prompt`, the file name). */
  text: string;
}

/** What a lifecycle rule sees: one catalogue row, and the workspace around it on demand. */
export interface CatalogRuleContext<O = Record<string, unknown>> {
  entry: CatalogEntry;
  options: O;
  lifecycle: Lifecycle;
  config?: CatalogConfig;
  /**
   * The row of the prompt's previous committed version (git): HEAD when the file has uncommitted
   * changes, else HEAD's parent (a CI checkout compares the last commit), or the base revision the
   * door was given (`--base`). Undefined without git or when that version has no such file.
   */
  previous(): Promise<CatalogEntry | undefined>;
  /** Places in other files that name the prompt (partials' includes, fixture files, code, other prompts). */
  references(): Promise<Reference[]>;
}

export interface CatalogFinding {
  message: string;
  range: Range;
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
   * `check` over the whole document as steps (service/slice.ts), for a rule whose work on a large
   * document is long: a sliced run pauses inside it (the runner prefers it to `check`). The same
   * findings as `check`; what it computes before the last step is memoised, so a run cancelled in
   * the middle leaves nothing half done.
   */
  checkSteps?(ctx: RuleContext<O>): Steps<Finding[]>;
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
  /**
   * Lifecycle rules check a catalogue row with the workspace around it (git, run records, other
   * files): they run when the catalogue is built or a prompt file is saved, never on a keystroke,
   * and in `prompt-workbench catalog`. Such a rule has neither `check` nor `checkAsync`.
   */
  catalog?(ctx: CatalogRuleContext<O>): Promise<CatalogFinding[]>;
  /** Quick fixes for one of this rule's diagnostics. */
  fixes?(ctx: FixContext, diagnostic: Diagnostic): CodeAction[];
}
