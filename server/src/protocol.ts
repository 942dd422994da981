// Custom requests between the VS Code client and the language server: one module, imported by
// both sides, so their names and shapes cannot drift apart.
import { RequestType } from 'vscode-languageserver-protocol';
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
