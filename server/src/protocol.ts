// Custom requests between the VS Code client and the language server: one module, imported by
// both sides, so their names and shapes cannot drift apart.
import { NotificationType, RequestType, RequestType0 } from 'vscode-languageserver-protocol';
import type { CatalogEntry, TextVerdict } from './service/catalog';
import type { ChangeSummary } from './service/history/summary';
import type { TokenSummary } from './service/tokens';

/** A case of a fixture file (`*.tests.yaml`), by the file's URI and the case's name. */
export interface FixtureCaseRef {
  fixtureUri: string;
  caseName: string;
}

export interface RenderParams {
  uri: string;
  /** Values to render with; the prompt's `input.default` when absent. */
  values?: Record<string, unknown>;
  /** Render with this fixture case's values, resolved by the server exactly as the test runner does (wins over `values`). */
  case?: FixtureCaseRef;
}

export interface RenderResponse {
  /** The rendered messages as readable text (one heading per role). */
  text: string;
  ok: boolean;
  error?: { message: string; line?: number };
}

/** Renders a prompt through the reference Dotprompt implementation. */
export const RenderRequest = new RequestType<RenderParams, RenderResponse | null, void>('promptWorkbench/render');

export interface FixtureCaseItem extends FixtureCaseRef {
  /** The fixture file's name, e.g. `summarize.tests.yaml`. */
  fixtureName: string;
  /** Zero-based line of the case in the fixture file. */
  line: number;
  description?: string;
}

/** The cases of every fixture file that tests the prompt (open editors first, then the workspace on disk), for the preview's choice of values. */
export const FixtureCasesRequest = new RequestType<{ uri: string }, FixtureCaseItem[], void>('promptWorkbench/fixtureCases');

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

/** `initializationOptions` the client sends when it starts the server. */
export interface InitializationOptions {
  /** Whether the workspace is trusted (VS Code's Workspace Trust); absent means trusted. */
  trusted?: boolean;
  /**
   * A folder of the extension's own storage for this workspace (VS Code's `storageUri`), where the
   * server keeps the catalogue's rows between sessions. Used only in a trusted workspace.
   */
  storageDir?: string;
}

export interface TrustParams {
  trusted: boolean;
}

/**
 * The client tells the server that the workspace's trust changed. Untrusted, the server reads no
 * `file://` value of a fixture file (the preview and the status bar show what they can without it).
 */
export const TrustNotification = new NotificationType<TrustParams>('promptWorkbench/trust');

/** One row of the prompt catalogue as the view shows it (the engine's entry, less what only the rules read), with the lifecycle findings of the prompt. */
export type CatalogRow = Pick<
  CatalogEntry,
  'uri' | 'path' | 'name' | 'format' | 'formatName' | 'owner' | 'ownerSource' | 'status' | 'statusSource' | 'tags' | 'version' | 'model' | 'tokens' | 'tokensEstimated' | 'costPerRun' | 'lastChange' | 'errors'
> & {
  /** Position of the status in the lifecycle (0 draft … 4 retired); absent for a name that is no status. */
  rank?: number;
  tests?: Omit<TextVerdict, 'records'>;
  /** Lifecycle findings: `level: message (rule)`. */
  findings: string[];
};

export interface CatalogSnapshot {
  rows: CatalogRow[];
  /** False while the first build is running. */
  ready: boolean;
}

/** The whole catalogue (the view asks once, then follows `CatalogChangedNotification`). */
export const CatalogRequest = new RequestType0<CatalogSnapshot, void>('promptWorkbench/catalog');

export interface CatalogChange {
  /** Rows added or changed. */
  changed: CatalogRow[];
  /** URIs of rows removed. */
  removed: string[];
  /** Set when the catalogue was rebuilt: `changed` holds every row and the view replaces its own. */
  reset?: boolean;
}

/** Rows that changed since the last notification: the view updates without asking for the whole catalogue. */
export const CatalogChangedNotification = new NotificationType<CatalogChange>('promptWorkbench/catalogChanged');
