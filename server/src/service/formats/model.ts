// Small readings of the shared model that several features need, and the document a front-end
// without YAML frontmatter or a Handlebars template returns, so it fills only what it has.
import type { PromptDocument } from '../document';
import type { PromptDiagnostic } from '../diagnostic';
import { LineIndex } from '../text';
import type { ModelParameter, PromptMessage, PromptModel, PromptSetting, SchemaField } from './types';

// Nothing to cut or decode: the name is the text after the last `/` as it stands.
const NEEDS_DECODING = /[%?#]/;

/**
 * The entries of `o` with a value: the metadata of a model, built without `delete` (which would
 * leave the object in V8's slow dictionary mode for every later read).
 */
export function definedOnly<T extends object>(o: T): T {
  const out = {} as T;
  for (const key of Object.keys(o) as (keyof T)[]) if (o[key]) out[key] = o[key];
  return out;
}

/** The file name of a URI without folders, query or fragment (history documents carry the revision in the query). */
export function fileBaseName(uri: string): string {
  if (!NEEDS_DECODING.test(uri)) return uri.slice(uri.lastIndexOf('/') + 1);
  const path = uri.replace(/[?#].*$/, '');
  try {
    return decodeURIComponent(path.slice(path.lastIndexOf('/') + 1));
  } catch {
    return path.slice(path.lastIndexOf('/') + 1);
  }
}

/** `string[]`, `object`, `"a" | "b"`: the type as people read it. */
export function fieldTypeLabel(f: SchemaField): string {
  if (f.type === 'array') return `${f.items ? fieldTypeLabel(f.items) : 'any'}[]`;
  if (f.type === 'enum') return (f.enumValues ?? []).map((v) => JSON.stringify(v)).join(' | ');
  return f.type;
}

/** Every parameter, in the vocabulary or not, in the order the file writes them. */
export function allParameters(model: PromptModel): ModelParameter[] {
  const known = Object.values(model.parameters) as ModelParameter[];
  return [...known, ...model.otherParameters].sort((a, b) => a.span.start - b.span.start);
}

/** Where a message's role marker is, when it has one (the implicit first message of a template has none). */
export function markerSpan(m: PromptMessage): { start: number; end: number } | undefined {
  return m.contentSpan.start > m.span.start ? { start: m.span.start, end: m.contentSpan.start } : undefined;
}

/** The default values of the declared inputs. */
export function inputDefaults(model: PromptModel): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const input of model.inputs) if ('default' in input) out[input.name] = input.default;
  return out;
}

/** The setting at a dotted path: nested keys first (`metadata.owner`), else a literal dotted key (`myteam.owner`). */
export function settingAt(settings: readonly PromptSetting[], path: string): { setting?: PromptSetting; parent?: PromptSetting } {
  const literal = settings.find((s) => s.key === path);
  if (literal) return { setting: literal };
  let level: readonly PromptSetting[] | undefined = settings;
  let parent: PromptSetting | undefined;
  const parts = path.split('.');
  for (let i = 0; i < parts.length; i++) {
    const hit: PromptSetting | undefined = level?.find((s) => s.key === parts[i]);
    if (!hit) return { parent: i === parts.length - 1 ? parent : undefined };
    if (i === parts.length - 1) return { setting: hit, parent };
    parent = hit;
    level = hit.children;
  }
  return {};
}

/** A model with nothing in it. */
export function emptyModel(): PromptModel {
  return { metadata: {}, parameters: {}, otherParameters: [], tools: [], inputs: [], messages: [], tests: [], includes: [], settings: [] };
}

/**
 * A `PromptDocument` for a format whose files have neither YAML frontmatter nor a Handlebars
 * template: those fields stay empty (the features that read them find nothing), the shared model
 * carries the prompt.
 */
export function baseDocument(parts: { format: string; uri: string; version: number; text: string; prompt: PromptModel; diagnostics?: PromptDiagnostic[] }): PromptDocument {
  const { text, prompt } = parts;
  const diagnostics = parts.diagnostics ?? [];
  const first = prompt.messages[0]?.span.start ?? 0;
  const last = prompt.messages[prompt.messages.length - 1]?.span.end ?? text.length;
  return {
    uri: parts.uri,
    version: parts.version,
    text,
    lines: new LineIndex(text),
    format: parts.format,
    prompt,
    frontmatter: { present: false, closed: false, span: { start: 0, end: 0 }, content: { start: 0, end: 0 }, value: undefined },
    template: { span: { start: first, end: last }, tags: [], blocks: [], messages: [], diagnostics: [] },
    input: { style: 'none', fields: prompt.inputs.map((i) => i.field), diagnostics: [] },
    defaults: inputDefaults(prompt),
    model: prompt.model?.value,
    diagnostics,
    frontmatterDiagnostics: [],
  };
}
