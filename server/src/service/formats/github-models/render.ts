// Renders a prompt file as `gh models` does: each `{{name}}` written exactly so (no spaces) is
// replaced by the row's value, a value that is not text by its printed form; anything else stays
// as written. Roles are sent in lower case.
import type { PromptDocument } from '../../document';
import type { RenderResult } from '../types';
import { substitutePlaceholders as substitute } from '../../placeholders';
import { promptFileInfo } from './parse';

export { placeholderValueText as valueText, substitutePlaceholders as substitute } from '../../placeholders';

export async function renderPromptFile(doc: PromptDocument, values: Record<string, unknown>): Promise<RenderResult> {
  const info = promptFileInfo(doc);
  const bad = doc.diagnostics.find((d) => d.severity === 'error' && (d.code.startsWith('yaml') || d.code === 'unknown-role' || d.code === 'prompt-file-not-mapping'));
  if (bad) return { values, error: { message: bad.message, line: doc.lines.positionAt(bad.span.start).line } };
  return {
    values,
    messages: info.messages.map((m) => ({ role: (m.role?.value ?? 'user').toLowerCase(), text: substitute(m.content?.value ?? m.scalarText ?? '', values) })),
  };
}
