// Per-resource settings read from the client (`promptWorkbench.*`), with defaults when the client
// cannot be asked.
import type { Connection } from 'vscode-languageserver/node';
import { DEFAULT_MAX_TEMPLATE_SIZE } from './service';

export interface Settings {
  maxFileSize: number;
  /** Helper names registered in code, so templates may use them (`promptWorkbench.template.helpers`). */
  customHelpers: string[];
}

export const DEFAULT_SETTINGS: Settings = { maxFileSize: DEFAULT_MAX_TEMPLATE_SIZE, customHelpers: [] };

export async function readSettings(connection: Connection, uri: string, supported: boolean): Promise<Settings> {
  if (!supported) return DEFAULT_SETTINGS;
  try {
    const raw = (await connection.workspace.getConfiguration({ scopeUri: uri, section: 'promptWorkbench' })) ?? {};
    const max = Number(raw.maxFileSize);
    const helpers = raw.template?.helpers;
    return {
      maxFileSize: Number.isFinite(max) && max >= 0 ? max : DEFAULT_SETTINGS.maxFileSize,
      customHelpers: Array.isArray(helpers) ? helpers.filter((h: unknown): h is string => typeof h === 'string') : [],
    };
  } catch {
    return DEFAULT_SETTINGS;
  }
}
