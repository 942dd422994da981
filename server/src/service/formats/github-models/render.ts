// Renders a prompt file as `gh models` does: each `{{name}}` written exactly so (no spaces) is
// replaced by the row's value, a value that is not text by its printed form; anything else stays
// as written. Roles are sent in lower case.
import type { PromptDocument } from '../../document';
import type { RenderResult } from '../types';
import { promptFileInfo } from './parse';

/** A value as `gh models` writes it into the text (text as is, numbers and booleans printed, others as JSON). */
export function valueText(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value === null || value === undefined) return '<nil>';
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

/** `gh models`' template substitution: every `{{key}}` of the values, replaced everywhere. */
export function substitute(template: string, values: Record<string, unknown>): string {
  let out = template;
  for (const [key, value] of Object.entries(values)) out = out.split(`{{${key}}}`).join(valueText(value));
  return out;
}

export async function renderPromptFile(doc: PromptDocument, values: Record<string, unknown>): Promise<RenderResult> {
  const info = promptFileInfo(doc);
  const bad = doc.diagnostics.find((d) => d.severity === 'error' && (d.code.startsWith('yaml') || d.code === 'unknown-role' || d.code === 'prompt-file-not-mapping'));
  if (bad) return { values, error: { message: bad.message, line: doc.lines.positionAt(bad.span.start).line } };
  return {
    values,
    messages: info.messages.map((m) => ({ role: (m.role?.value ?? 'user').toLowerCase(), text: substitute(m.content?.value ?? '', values) })),
  };
}
