// Per-resource settings read from the client (`promptWorkbench.*`), with defaults when the client
// cannot be asked.
import type { Connection } from 'vscode-languageserver/node';
import { DEFAULT_MAX_TEMPLATE_SIZE, type ProjectConfig } from './service';

export interface Settings {
  maxFileSize: number;
  /** Helper names registered in code, so templates may use them (`promptWorkbench.template.helpers`). */
  customHelpers: string[];
  /** Token counting: `promptWorkbench.tokens.*` and the catalogue additions `promptWorkbench.models`. */
  tokens: TokenSettings;
  /** Lint rule levels, `promptWorkbench.lint.<rule-id>`: a level, or `default` (the config file's, else the rule's). */
  lint: Record<string, string>;
}

export interface TokenSettings {
  /** Overrides the frontmatter `model:` for counting (`promptWorkbench.tokens.model`). */
  model?: string;
  /** A token budget (`promptWorkbench.tokens.budget`): a number, or glob patterns to numbers. */
  budget?: number | Record<string, number>;
  /** Warn above this share of the context window (`promptWorkbench.tokens.warnAtShare`). */
  warnAtShare: number;
  /** Catalogue additions and overrides (`promptWorkbench.models`). */
  models?: Record<string, unknown>;
}

export const DEFAULT_SETTINGS: Settings = { maxFileSize: DEFAULT_MAX_TEMPLATE_SIZE, customHelpers: [], tokens: { warnAtShare: 0.8 }, lint: {} };

/** `promptWorkbench.lint` as an object of rule ids to level strings (anything else is dropped). */
export function readLintSettings(raw: unknown): Record<string, string> {
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) return {};
  return Object.fromEntries(Object.entries(raw).filter((e): e is [string, string] => typeof e[1] === 'string'));
}

export function readTokenSettings(raw: { tokens?: { model?: unknown; budget?: unknown; warnAtShare?: unknown }; models?: unknown }): TokenSettings {
  const t = raw.tokens ?? {};
  const budget = Number(t.budget);
  const share = Number(t.warnAtShare);
  const models = raw.models;
  return {
    model: typeof t.model === 'string' && t.model.trim() ? t.model.trim() : undefined,
    budget:
      t.budget && typeof t.budget === 'object' && !Array.isArray(t.budget)
        ? (Object.fromEntries(Object.entries(t.budget).filter(([, v]) => typeof v === 'number' && v > 0)) as Record<string, number>)
        : t.budget !== null && t.budget !== undefined && Number.isFinite(budget) && budget > 0
          ? budget
          : undefined,
    warnAtShare: t.warnAtShare !== null && t.warnAtShare !== undefined && Number.isFinite(share) && share >= 0 ? share : DEFAULT_SETTINGS.tokens.warnAtShare,
    models: models && typeof models === 'object' && !Array.isArray(models) && Object.keys(models).length ? (models as Record<string, unknown>) : undefined,
  };
}

export async function readSettings(connection: Connection, uri: string, supported: boolean): Promise<Settings> {
  if (!supported) return DEFAULT_SETTINGS;
  try {
    const raw = (await connection.workspace.getConfiguration({ scopeUri: uri, section: 'promptWorkbench' })) ?? {};
    const max = Number(raw.maxFileSize);
    const helpers = raw.template?.helpers;
    return {
      maxFileSize: Number.isFinite(max) && max >= 0 ? max : DEFAULT_SETTINGS.maxFileSize,
      customHelpers: Array.isArray(helpers) ? helpers.filter((h: unknown): h is string => typeof h === 'string') : [],
      tokens: readTokenSettings(raw),
      lint: readLintSettings(raw.lint),
    };
  } catch {
    return DEFAULT_SETTINGS;
  }
}

/**
 * The settings that apply to one document: the editor's, with the project config filling in what
 * the editor leaves unset. Helpers are the union of both; a token model or budget set in the editor
 * wins over the project's; `warnAtShare` is the project's unless the editor's differs from the
 * built-in default. Lint levels are combined per rule by `resolveLintConfig`.
 */
export function withProjectConfig(settings: Settings, config: ProjectConfig | undefined): Settings {
  if (!config) return settings;
  const t = config.tokens ?? {};
  return {
    ...settings,
    customHelpers: [...new Set([...(config.helpers ?? []), ...settings.customHelpers])],
    tokens: {
      ...settings.tokens,
      model: settings.tokens.model ?? t.model,
      budget: settings.tokens.budget ?? t.budget,
      warnAtShare: settings.tokens.warnAtShare !== DEFAULT_SETTINGS.tokens.warnAtShare || t.warnAtShare === undefined ? settings.tokens.warnAtShare : t.warnAtShare,
    },
  };
}
