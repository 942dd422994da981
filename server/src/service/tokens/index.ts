// Token counting, context budgets and cost: the public surface for the server, the CLI and tests.
import type { Diagnostic } from 'vscode-languageserver-types';
import { toLspDiagnostic } from '../diagnostic';
import type { PromptDocument } from '../document';
import { resolveDocumentModel, type TokenOptions } from './count';
import { tokenDiagnostics } from './present';
import { encodingCounter, isEncodingLoaded } from './tokenizer';

export { budgetFor, type BudgetSetting } from './budget';
export { BUILTIN_CATALOGUE, ESTIMATE_FACTORS, familyOf, mergeCatalogue, normaliseModelName, resolveModel, type Catalogue, type ModelEntry, type ResolvedModel } from './catalogue';
export {
  costOf,
  countMessages,
  DEFAULT_MAX_RENDER_SIZE,
  DEFAULT_WARN_AT_SHARE,
  documentTokens,
  renderedTokens,
  REPLY_PRIMING,
  testRowTokens,
  MAX_COUNTED_ROWS,
  type RowTokens,
  resolveDocumentModel,
  TOKENS_PER_MESSAGE,
  type Cost,
  type DocumentTokens,
  type MediaTally,
  type MessageCount,
  type RenderedTokens,
  type TokenOptions,
} from './count';
export { anthropicTokens, imageSizeOf, mediaTokens, openAiPatchTokens, openAiTileTokens, type ImageCount, type ImageSize } from './images';
export { combineHovers, mediaLines, formatMoney, formatShare, formatTokens, formatWindow, messagesInSettings, testRowLenses, tokenCodeLenses, tokenDiagnostics, tokenHover, tokenSummary, type FixtureCaseTokens, type TokenSummary } from './present';
export { BlockCounter, blockCounter, blockEnds, encodingCounter, isEncodingLoaded, loadTimes, LONG_RUN, MAX_BLOCK, splitBlocks, type EncodingName } from './tokenizer';

/** Whether counting this document would first have to load tokenizer data (a few hundred ms, once). */
export function tokenizerReady(doc: PromptDocument, options: TokenOptions = {}): boolean {
  return isEncodingLoaded(resolveDocumentModel(doc, options).encoding);
}

/** Loads the tokenizer data this document needs (synchronously; the server calls it off the edit path). */
export function loadTokenizer(doc: PromptDocument, options: TokenOptions = {}): void {
  encodingCounter(resolveDocumentModel(doc, options).encoding);
}

/** `tokenDiagnostics` as LSP diagnostics, for the server's validation. */
export function tokenLspDiagnostics(doc: PromptDocument, options: TokenOptions = {}): Diagnostic[] {
  return tokenDiagnostics(doc, options).map((d) => toLspDiagnostic(d, doc.lines));
}
