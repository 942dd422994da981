// Renders a prompt with real values through the reference implementation (the `dotprompt`
// package), so the preview shows exactly what Dotprompt would send. Errors come back with a
// location and a plain message, never a stack trace.
import { Dotprompt } from 'dotprompt';
import type { PromptDocument } from '../../document';
import { analyze } from '../../scope';
import type { RenderResult, TemplateOptions } from '../types';

function partText(part: Record<string, unknown>): string {
  if (typeof part.text === 'string') return part.text;
  const media = part.media as { url?: string; contentType?: string } | undefined;
  if (media) return `[media${media.contentType ? ` ${media.contentType}` : ''}: ${media.url ?? ''}]`;
  return JSON.stringify(part);
}

export async function renderDotprompt(doc: PromptDocument, values: Record<string, unknown>, options: TemplateOptions = {}): Promise<RenderResult> {
  const line = (offset: number) => doc.lines.positionAt(offset).line;
  const blocking = [...doc.diagnostics, ...analyze(doc, options).diagnostics].find(
    (d) => d.severity === 'error' && (d.code.startsWith('template-') || d.code.startsWith('yaml-') || d.code === 'frontmatter-unclosed' || d.code === 'circular-partial' || d.code === 'missing-partial'),
  );
  if (blocking) return { values, error: { message: `The prompt cannot be rendered until this is fixed: ${blocking.message}`, line: line(blocking.span.start) } };
  if (doc.notice) return { values, error: { message: doc.notice === 'binary' ? 'This file is binary, not a prompt.' : 'This file is too large to render in the editor.' } };

  const missing = doc.input.fields.filter((f) => !f.optional && values[f.name] === undefined);
  if (missing.length) {
    const f = missing[0];
    return {
      values,
      error: {
        message: `No value for the required input ${missing.map((m) => `\`${m.name}\``).join(', ')}. Give ${missing.length > 1 ? 'them' : 'it'} a value in \`input.default\` (or a test case), or mark ${missing.length > 1 ? 'them' : 'it'} optional with \`?\`.`,
        line: f.keySpan ? line(f.keySpan.start) : undefined,
      },
    };
  }

  const dotprompt = new Dotprompt({
    partialResolver: async (name: string) => options.partials?.resolve(name, doc.uri)?.text ?? (null as unknown as string),
  });
  try {
    // Comment lines before `---` are left out: the package's parser (1.1.2) would take the whole
    // file, frontmatter included, as the template; Dotprompt's current parser skips them.
    const source = doc.frontmatter.preamble ? doc.text.slice(doc.frontmatter.span.start) : doc.text.replace(/^\uFEFF/, '');
    const rendered = await dotprompt.render(source, { input: values });
    return {
      values,
      messages: rendered.messages.map((m) => ({ role: m.role, text: m.content.map((p) => partText(p as unknown as Record<string, unknown>)).join('') })),
    };
  } catch (e) {
    const raw = e instanceof Error ? e.message : String(e);
    const m = / - (\d+):(\d+)$/.exec(raw);
    const bodyLine = line(doc.template.span.start);
    let message = raw.replace(/ - \d+:\d+$/, '');
    const helper = /unknown helper (\S+)/.exec(message);
    if (helper) message = `The template uses the helper \`${helper[1]}\`, which Dotprompt does not know. Register it in code with defineHelper; the preview cannot run helpers registered in code.`;
    else if (/lookupProperty|Cannot read properties/.test(message)) message = `A helper was called with missing or wrong arguments (${message}).`;
    return { values, error: { message, line: m ? bodyLine + Number(m[1]) - 1 : undefined } };
  }
}
