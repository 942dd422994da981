// Rendering a prompt with values, whatever its format: the document's front-end renders (Dotprompt
// through the reference implementation), and the result reads the same for every format.
import type { PromptDocument } from './document';
import { inputDefaults } from './formats/model';
import { formatOf } from './formats/registry';
import type { RenderData, RenderedMessage, RenderResult, TemplateOptions } from './formats/types';

export type { HistoryMessage, RenderData, RenderedMessage, RenderedPart, RenderError, RenderResult, SchemaLibrary } from './formats/types';

/**
 * Renders the prompt with `values` (default: its inputs' defaults) through its format's renderer;
 * `data` gives the runtime's context (`@state`, `@auth`, ...) and the conversation history.
 */
export function renderPrompt(doc: PromptDocument, values: Record<string, unknown> = inputDefaults(doc.prompt), options: TemplateOptions = {}, data: RenderData = {}): Promise<RenderResult> {
  return formatOf(doc).render(doc, values, options, data);
}

/** The rendered messages as a readable text, one heading per role. */
export function formatRendered(result: RenderResult, title: string): string {
  const out = [`# Rendered: ${title}`, ''];
  if (result.error) {
    const e = result.error;
    const where = [e.file ? decodeURIComponent(e.file.split('/').pop() ?? e.file) : undefined, e.line !== undefined ? `line ${e.line + 1}` : undefined].filter(Boolean).join(', ');
    out.push(`Error${where ? ` (${where})` : ''}: ${e.message}`);
  } else {
    for (const m of result.messages ?? []) out.push(`## ${m.role}${m.metadata?.purpose === 'history' ? ' (history)' : ''}${typeof m.metadata?.name === 'string' ? ` (name: ${m.metadata.name})` : ''}`, '', previewText(m).trim(), '');
    if (!result.messages?.length) out.push('(no messages: the template renders to nothing)');
  }
  out.push('', '---', `Values: \`${JSON.stringify(result.values)}\``);
  return out.join('\n') + '\n';
}

/** A message as the preview shows it: text, media as a placeholder, section markers visible (they send nothing). */
function previewText(m: RenderedMessage): string {
  if (!m.parts) return m.text;
  return m.parts.map((p) => (p.kind === 'section' ? `[section "${p.name}"]` : p.kind === 'text' ? p.text : p.kind === 'media' ? `[media${p.contentType ? ` ${p.contentType}` : ''}: ${p.url}]` : JSON.stringify(p.value))).join('');
}
