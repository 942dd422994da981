// Per-resource settings read from the client (`promptWorkbench.*`), with defaults when the client
// cannot be asked.
import type { Connection } from 'vscode-languageserver/node';
import { DEFAULT_MAX_TEMPLATE_SIZE } from './service';

export interface Settings {
  maxFileSize: number;
}

export const DEFAULT_SETTINGS: Settings = { maxFileSize: DEFAULT_MAX_TEMPLATE_SIZE };

export async function readSettings(connection: Connection, uri: string, supported: boolean): Promise<Settings> {
  if (!supported) return DEFAULT_SETTINGS;
  try {
    const raw = (await connection.workspace.getConfiguration({ scopeUri: uri, section: 'promptWorkbench' })) ?? {};
    const max = Number(raw.maxFileSize);
    return { maxFileSize: Number.isFinite(max) && max >= 0 ? max : DEFAULT_SETTINGS.maxFileSize };
  } catch {
    return DEFAULT_SETTINGS;
  }
}
