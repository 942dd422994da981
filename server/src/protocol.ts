// Custom requests between the VS Code client and the language server: one module, imported by
// both sides, so their names and shapes cannot drift apart.
import { RequestType } from 'vscode-languageserver-protocol';
import type { ChangeSummary } from './service/history/summary';
import type { TokenSummary } from './service/tokens';

export interface RenderParams {
  uri: string;
  /** Values to render with; the prompt's `input.default` when absent. */
  values?: Record<string, unknown>;
}

export interface RenderResponse {
  /** The rendered messages as readable text (one heading per role). */
  text: string;
  ok: boolean;
  error?: { message: string; line?: number };
}

/** Renders a prompt through the reference Dotprompt implementation. */
export const RenderRequest = new RequestType<RenderParams, RenderResponse | null, void>('promptWorkbench/render');

export type { TokenSummary };

/** The token counts of an open prompt for the status bar: template and rendered, window share, cost. */
export const TokenSummaryRequest = new RequestType<{ uri: string }, TokenSummary | null, void>('promptWorkbench/tokenSummary');

export type { ChangeSummary };

export interface ChangeSummaryParams {
  /** Texts to compare, old then new; an absent side means the file did not exist there. */
  pairs: { before?: string | null; after?: string | null }[];
  /** The prompt the versions belong to (its settings supply catalogue additions). */
  uri?: string;
}

/**
 * Prompt-aware summaries of changes between versions of a prompt, for the history view (the
 * client reads the versions from git; the server, which has the parser and tokenizers, compares
 * them). `null` for a pair that could not be summarised.
 */
export const ChangeSummaryRequest = new RequestType<ChangeSummaryParams, (ChangeSummary | null)[], void>('promptWorkbench/changeSummary');
