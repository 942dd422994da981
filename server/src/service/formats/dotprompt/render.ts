// Renders a prompt with real values through the reference implementation (the `dotprompt`
// package), so the preview shows exactly what Dotprompt would send. Errors come back with a
// location and a plain message, never a stack trace.
import { Dotprompt, type Message } from 'dotprompt';
import type { PromptDocument } from '../../document';
import { analyze } from '../../scope';
import type { HistoryMessage, RenderData, RenderedPart, RenderResult, SchemaLibrary, TemplateOptions } from '../types';

type Part = Record<string, unknown>;

/** A runtime part as one of ours: text, media, a section marker, or anything else kept as given. */
export function toRenderedPart(part: Part): RenderedPart {
  if (typeof part.text === 'string') return { kind: 'text', text: part.text };
  const media = part.media as { url?: unknown; contentType?: unknown } | undefined;
  if (media && typeof media === 'object') return { kind: 'media', url: typeof media.url === 'string' ? media.url : '', ...(typeof media.contentType === 'string' ? { contentType: media.contentType } : {}) };
  const meta = part.metadata as { purpose?: unknown; pending?: unknown } | undefined;
  if (meta && meta.pending === true && typeof meta.purpose === 'string' && Object.keys(part).length === 1) return { kind: 'section', name: meta.purpose };
  return { kind: 'other', value: part };
}

/** Our part as the runtime's (for history passed in). */
export function toRuntimePart(part: RenderedPart): Part {
  switch (part.kind) {
    case 'text':
      return { text: part.text };
    case 'media':
      return { media: { url: part.url, ...(part.contentType ? { contentType: part.contentType } : {}) } };
    case 'section':
      return { metadata: { purpose: part.name, pending: true } };
    default:
      return (part.value && typeof part.value === 'object' ? part.value : { data: part.value }) as Part;
  }
}

/** The text a message's parts read as: text as is, media as a placeholder, section markers as nothing. */
export function partsText(parts: readonly RenderedPart[]): string {
  return parts
    .map((p) => (p.kind === 'text' ? p.text : p.kind === 'media' ? `[media${p.contentType ? ` ${p.contentType}` : ''}: ${p.url}]` : p.kind === 'section' ? '' : JSON.stringify(p.value)))
    .join('');
}

function historyForRuntime(history: readonly HistoryMessage[] | undefined): Message[] | undefined {
  if (!history) return undefined;
  return history.map((m) => ({ role: m.role as Message['role'], content: (m.parts ?? [{ kind: 'text', text: m.text ?? '' }]).map(toRuntimePart) as unknown as Message['content'] }));
}

/** The resolver Dotprompt asks for a schema name (`input.schema: Name`, `field: Name`). */
export function schemaResolverOf(schemas: SchemaLibrary | undefined): ((name: string) => Record<string, unknown> | null) | undefined {
  return schemas ? (name: string) => schemas.get(name) ?? null : undefined;
}

/**
 * The package's instances share one Handlebars environment (`Handlebars.noConflict()` returns the
 * global one), and a partial once registered there is never asked for again: the next render
 * would use a partial's old text, or a same-named partial of another folder. So renders take
 * turns, and each starts with no partial registered, to resolve every one as it is now.
 */
let turn: Promise<unknown> = Promise.resolve();
function inTurn<T>(run: () => Promise<T>): Promise<T> {
  const next = turn.then(run, run);
  turn = next.catch(() => undefined);
  return next;
}

interface SharedHandlebars {
  partials?: Record<string, unknown>;
  unregisterPartial?(name: string): void;
}

function forgetPartials(dotprompt: Dotprompt): void {
  const hb = (dotprompt as unknown as { handlebars?: SharedHandlebars }).handlebars;
  if (!hb?.partials || typeof hb.unregisterPartial !== 'function') return;
  for (const name of Object.keys(hb.partials)) hb.unregisterPartial(name);
}

export function renderDotprompt(doc: PromptDocument, values: Record<string, unknown>, options: TemplateOptions = {}, data: RenderData = {}): Promise<RenderResult> {
  return inTurn(() => renderNow(doc, values, options, data));
}

async function renderNow(doc: PromptDocument, values: Record<string, unknown>, options: TemplateOptions = {}, data: RenderData = {}): Promise<RenderResult> {
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
    schemaResolver: schemaResolverOf(options.schemas),
  });
  forgetPartials(dotprompt);
  try {
    // Comment lines before `---` are left out: the package's parser (1.1.2) would take the whole
    // file, frontmatter included, as the template; Dotprompt's current parser skips them.
    const source = doc.frontmatter.preamble ? doc.text.slice(doc.frontmatter.span.start) : doc.text.replace(/^\uFEFF/, '');
    const rendered = await dotprompt.render(source, { input: values, ...(data.context ? { context: data.context } : {}), ...(data.history ? { messages: historyForRuntime(data.history) } : {}) });
    return {
      values,
      messages: rendered.messages.map((m) => {
        const parts = m.content.map((p) => toRenderedPart(p as unknown as Part));
        return { role: m.role, text: partsText(parts), parts, ...(m.metadata && Object.keys(m.metadata).length ? { metadata: m.metadata } : {}) };
      }),
    };
  } catch (e) {
    const raw = e instanceof Error ? e.message : String(e);
    const m = / - (\d+):(\d+)$/.exec(raw);
    const bodyLine = line(doc.template.span.start);
    let message = raw.replace(/ - \d+:\d+$/, '');
    const helper = /unknown helper (\S+)/.exec(message);
    const schema = /could not find schema with name '([^']*)'/.exec(message);
    if (schema) {
      const at = doc.text.indexOf(schema[1], doc.frontmatter.span.start);
      return {
        values,
        error: {
          message: `The prompt names the schema \`${schema[1]}\`, which code registers (defineSchema). List it under \`schemas:\` in prompt-workbench.yaml (a path to its JSON Schema file) to render here.`,
          line: at >= 0 && at < doc.frontmatter.span.end ? line(at) : undefined,
        },
      };
    }
    if (helper) message = `The template uses the helper \`${helper[1]}\`, which Dotprompt does not know. Register it in code with defineHelper; the preview cannot run helpers registered in code.`;
    else if (/lookupProperty|Cannot read properties/.test(message)) message = `A helper was called with missing or wrong arguments (${message}).`;
    return { values, error: { message, line: m ? bodyLine + Number(m[1]) - 1 : undefined } };
  }
}
