// Dotprompt's files in the shared model: frontmatter keys mapped to the model's fields (config keys
// to the parameter vocabulary), `{{role}}` / `{{history}}` messages with their tags and the inputs
// they read. Built once per document version; the frontmatter half once per frontmatter text.
import { isScalar, isSeq, type Node } from 'yaml';
import type { PromptDocument } from '../../document';
import type { Expr, Tag, Template } from '../../template';
import { startingIn, type Span } from '../../text';
import { locate } from '../../yamlPath';
import { frontmatterSettings, trimEnd, type FrontmatterBlock } from '../frontmatter';
import { definedOnly, emptyModel } from '../model';
import { MAX_SCANNED_SIZE, type ModelParameter, type ParameterName, type PromptInput, type PromptMessage, type PromptModel, type PromptSetting, type SchemaField, type SourceValue, type VariableReference } from '../types';
import { HELPERS } from './helpers';

/** Dotprompt's `config` keys for each shared parameter; the first is Dotprompt's own, the others are names runtimes also accept. */
export const CONFIG_KEYS: Record<ParameterName, readonly string[]> = {
  temperature: ['temperature'],
  maxOutputTokens: ['maxOutputTokens', 'maxTokens', 'max_tokens', 'maxCompletionTokens', 'max_completion_tokens', 'max_output_tokens'],
  topP: ['topP', 'top_p'],
  topK: ['topK', 'top_k'],
  stop: ['stopSequences', 'stop'],
  presencePenalty: ['presencePenalty', 'presence_penalty'],
  frequencyPenalty: ['frequencyPenalty', 'frequency_penalty'],
  seed: ['seed'],
  reasoningEffort: ['reasoningEffort', 'reasoning_effort'],
};

const PARAMETER_OF = new Map<string, { name: ParameterName; rank: number }>();
for (const [name, keys] of Object.entries(CONFIG_KEYS) as [ParameterName, readonly string[]][]) keys.forEach((k, rank) => PARAMETER_OF.set(k, { name, rank }));

type FrontmatterFacts = Omit<PromptModel, 'messages' | 'tests' | 'includes' | 'approximate'>;

const models = new WeakMap<PromptDocument, PromptModel>();
// Keyed by the frontmatter block, which the parse hands on unchanged while the frontmatter text is.
const facts = new WeakMap<FrontmatterBlock, FrontmatterFacts>();

/** The shared model of a Dotprompt document (memoised per document version). */
export function dotpromptModel(doc: PromptDocument): PromptModel {
  let model = models.get(doc);
  if (!model) {
    model = build(doc);
    models.set(doc, model);
  }
  return model;
}

function build(doc: PromptDocument): PromptModel {
  if (doc.notice === 'binary') return emptyModel();
  let f = facts.get(doc.frontmatter);
  if (!f) {
    f = frontmatterFacts(doc);
    facts.set(doc.frontmatter, f);
  }
  const model: PromptModel = { ...f, messages: [], tests: [], includes: [] };
  if (doc.notice === 'too-large') {
    const { start, end } = doc.template.span;
    if (end - start <= MAX_SCANNED_SIZE) {
      model.messages = scanMessages(doc.text, start, end);
      model.approximate = 'The template is over promptWorkbench.maxFileSize, so it is not analysed; its messages are found by a plain scan for `{{role}}` and `{{history}}` markers.';
    } else {
      model.messages = [{ role: 'user', kind: 'message', span: { start, end }, contentSpan: { start, end }, tags: [], variables: [] }];
    }
    return model;
  }
  model.messages = templateMessages(doc.template, doc.text);
  for (const t of doc.template.tags) {
    if (t.kind !== 'partial' && t.kind !== 'partial-block-open') continue;
    const p = t.path;
    const name = p?.kind === 'path' ? p.original : p?.kind === 'literal' ? String(p.value) : (t.name ?? '');
    model.includes.push({ name, span: p?.span ?? t.span });
  }
  return model;
}

// ---- frontmatter ----

function child(settings: readonly PromptSetting[] | undefined, key: string): PromptSetting | undefined {
  return settings?.find((s) => s.key === key);
}

function sourceValue<T>(s: PromptSetting | undefined, accept: (v: unknown) => v is T): SourceValue<T> | undefined {
  if (!s || !accept(s.value)) return undefined;
  return { value: s.value, span: s.valueSpan ?? s.keySpan, keySpan: s.keySpan };
}

const isString = (v: unknown): v is string => typeof v === 'string';
const isVersion = (v: unknown): v is string | number => typeof v === 'string' || typeof v === 'number';
const isStrings = (v: unknown): v is string[] => Array.isArray(v) && v.every((x) => typeof x === 'string');
const isAny = (v: unknown): v is unknown => v !== undefined && v !== null;

function parameter(s: PromptSetting, name: ParameterName | undefined): ModelParameter {
  return { name, key: s.key, path: `config.${s.key}`, value: s.value, span: s.span, keySpan: s.keySpan, valueSpan: s.valueSpan ?? s.keySpan };
}

function frontmatterFacts(doc: PromptDocument): FrontmatterFacts {
  const settings = frontmatterSettings(doc.text, doc.frontmatter);
  const metadata = child(settings, 'metadata')?.children;
  const model = sourceValue(child(settings, 'model'), isString);
  // Only the fields the file writes (no `delete` afterwards: it would leave the objects in V8's
  // slow dictionary mode for every later read).
  const out: FrontmatterFacts = {
    metadata: definedOnly({
      name: sourceValue(child(settings, 'name'), isString),
      description: sourceValue(child(settings, 'description'), isString),
      version: sourceValue(child(settings, 'version'), isVersion),
      owner: sourceValue(child(metadata, 'owner'), isString) ?? sourceValue(child(settings, 'workbench.owner'), isString),
      tags: sourceValue(child(metadata, 'tags'), isStrings) ?? sourceValue(child(settings, 'workbench.tags'), isStrings),
      status: sourceValue(child(metadata, 'status'), isString) ?? sourceValue(child(settings, 'workbench.status'), isString),
      statusNote: sourceValue(child(metadata, 'statusNote'), isString) ?? sourceValue(child(settings, 'workbench.statusNote'), isString),
    }),
    ...(model ? { model } : {}),
    parameters: {},
    otherParameters: [],
    tools: [],
    inputs: inputsOf(doc),
    settings,
  };

  // Where several keys name one parameter (`maxOutputTokens` and `max_tokens`), Dotprompt's own wins.
  const ranks = new Map<ParameterName, number>();
  for (const s of child(settings, 'config')?.children ?? []) {
    const known = PARAMETER_OF.get(s.key);
    const taken = known ? ranks.get(known.name) : undefined;
    if (known && (taken === undefined || known.rank < taken)) {
      const previous = out.parameters[known.name];
      if (previous) out.otherParameters.push({ ...previous, name: undefined });
      out.parameters[known.name] = parameter(s, known.name);
      ranks.set(known.name, known.rank);
    } else {
      out.otherParameters.push(parameter(s, undefined));
    }
  }
  out.otherParameters.sort((a, b) => a.span.start - b.span.start);

  const tools = doc.frontmatter.yaml ? locate(doc.frontmatter.yaml, ['tools']).node : undefined;
  if (isSeq(tools) && doc.frontmatter.value !== undefined) {
    const base = doc.frontmatter.content.start;
    for (const item of tools.items as Node[]) {
      if (isScalar(item) && typeof item.value === 'string' && item.range) out.tools.push({ value: item.value, span: { start: base + item.range[0], end: base + item.range[1] } });
    }
  }

  const output = child(settings, 'output');
  if (output) {
    out.output = { span: output.span };
    const format = sourceValue(child(output.children, 'format'), isString);
    const schema = sourceValue(child(output.children, 'schema'), isAny);
    if (format) out.output.format = format;
    if (schema) out.output.schema = schema;
  }
  return out;
}

function typeOfValue(v: unknown): string {
  if (Array.isArray(v)) return 'array';
  if (v === null) return 'null';
  if (typeof v === 'number') return Number.isInteger(v) ? 'integer' : 'number';
  return typeof v === 'object' ? 'object' : typeof v === 'string' || typeof v === 'boolean' ? typeof v : 'any';
}

/** `input.schema` fields, then names only `input.default` declares (as the template scope counts them). */
function inputsOf(doc: PromptDocument): PromptInput[] {
  const defaults = child(child(frontmatterSettings(doc.text, doc.frontmatter), 'input')?.children, 'default');
  const defaultOf = new Map((defaults?.children ?? []).map((s) => [s.key, s]));
  const out: PromptInput[] = [];
  const text = doc.text;
  for (const field of doc.input.fields) {
    if (!field.keySpan) continue;
    const at = text.indexOf(field.name, field.keySpan.start);
    const nameSpan = at >= 0 && at < field.keySpan.end ? { start: at, end: at + field.name.length } : field.keySpan;
    const span = field.span ? { start: field.span.start, end: trimEnd(text, field.span.start, field.span.end) } : field.keySpan;
    const input: PromptInput = { name: field.name, type: field.type, required: !field.optional, span, nameSpan, field };
    if (field.description !== undefined) input.description = field.description;
    const d = defaultOf.get(field.name);
    if (d) input.default = d.value;
    out.push(input);
  }
  for (const [name, d] of defaultOf) {
    if (out.some((i) => i.name === name)) continue;
    const field: SchemaField = { name, type: typeOfValue(d.value), optional: true, keySpan: d.keySpan, span: d.span };
    out.push({ name, type: field.type, default: d.value, required: false, span: d.span, nameSpan: d.keySpan, field });
  }
  return out;
}

// ---- template ----

/** Tags that write nothing themselves: comments, and the opening, `else` and closing tags of the built-in blocks. */
const SILENT_BLOCKS = new Set(['if', 'unless', 'each', 'with']);
function writesNothing(t: Tag): boolean {
  if (t.kind === 'comment') return true;
  if (t.kind === 'block-open' || t.kind === 'block-close' || t.kind === 'inverse-open') return !!t.name && SILENT_BLOCKS.has(t.name);
  return t.kind === 'else';
}

/**
 * A message with nothing but blanks, comments and the tags of built-in blocks (`{{#if x}}` just
 * before a `{{role}}` marker): Dotprompt's parser drops a message without text (the next marker
 * takes it over), so it sends nothing.
 */
function sendsNothing(m: Template['messages'][number], tags: readonly Tag[], text: string): boolean {
  if (m.kind !== 'message') return false;
  return writesNothingIn(m.marker ? m.marker.span.end : m.span.start, m.span.end, tags, text);
}

function writesNothingIn(from: number, end: number, tags: readonly Tag[], text: string): boolean {
  const inside = startingIn(tags, { start: from, end });
  if (inside.some((t) => !writesNothing(t))) return false;
  let pos = from;
  for (const t of inside) {
    if (text.slice(pos, t.span.start).trim()) return false;
    pos = Math.max(pos, t.span.end);
  }
  return !text.slice(pos, end).trim();
}

function templateMessages(template: Template, text: string): PromptMessage[] {
  const tags = template.tags;
  let variables: VariableReference[] | undefined;
  // Each message's tags and variables are found on first read: most readers (the lint rules, folding)
  // want the roles and spans only, and listing a long template's variables on every keystroke cost
  // milliseconds.
  // A message whose text Dotprompt takes as a role name (`lost`) sends nothing: it is not one of the prompt's messages.
  // Nor does an empty role block (the `empty-message` rule reports it, from the template's messages).
  const message = (role: string, kind: PromptMessage['kind'], span: Span, contentSpan: Span): PromptMessage => {
    let ownTags: Tag[] | undefined;
    let ownVariables: VariableReference[] | undefined;
    return {
      role,
      kind,
      span,
      contentSpan,
      get tags() {
        return (ownTags ??= startingIn(tags, contentSpan));
      },
      get variables() {
        return (ownVariables ??= startingIn((variables ??= templateVariables(tags)), contentSpan));
      },
    };
  };
  const out: PromptMessage[] = [];
  for (const m of template.messages) {
    if (m.lost || sendsNothing(m, tags, text)) continue;
    const from = m.marker ? m.marker.span.end : m.span.start;
    if (m.kind === 'history' && m.marker && !writesNothingIn(from, m.span.end, tags, text)) {
      // Text after `{{history}}` with no role marker before it: Dotprompt starts a `model` message there.
      out.push(message(m.role, m.kind, m.marker.span, { start: from, end: from }));
      out.push(message('model', 'message', { start: from, end: m.span.end }, { start: from, end: m.span.end }));
      continue;
    }
    out.push(message(m.role, m.kind, m.span, { start: from, end: m.span.end }));
  }
  return out;
}

interface Frame {
  name?: string;
  /** Whether names inside resolve against something other than the enclosing context (`{{#each}}`, `{{#with}}`). */
  changes: boolean;
  locals: readonly string[];
}

const EXPLICIT_THIS = /^(\.\.\/)*(this|\.)(\/|\.|$)/;

/**
 * The inputs the template reads, from its syntax alone: paths at the root context, `@root.x`, and
 * `../x` that climbs back to it; not block parameters, `this`, `@data` or names inside `{{#each}}`
 * / `{{#with}}` (those are the item's). The scope analysis resolves all of them against the schema.
 */
export function templateVariables(tags: readonly Tag[]): VariableReference[] {
  const out: VariableReference[] = [];
  // One mutable stack with running counts of what it holds, so that each tag costs the same
  // whatever the nesting depth (copying or searching the stack per tag made deep templates quadratic).
  const stack: Frame[] = [];
  let changes = 0;
  const locals = new Map<string, number>();
  const names = new Map<string | undefined, number>();
  const bump = <K>(m: Map<K, number>, k: K, by: number) => m.set(k, (m.get(k) ?? 0) + by);
  const push = (f: Frame) => {
    stack.push(f);
    if (f.changes) changes++;
    for (const l of f.locals) bump(locals, l, 1);
    bump(names, f.name, 1);
  };
  const pop = () => {
    const f = stack.pop()!;
    if (f.changes) changes--;
    for (const l of f.locals) bump(locals, l, -1);
    bump(names, f.name, -1);
  };

  const visitPath = (e: Extract<Expr, { kind: 'path' }>) => {
    const text = e.original;
    if (e.data) {
      if (e.parts[0] !== 'root' || e.parts.length < 2) return;
      const at = text.indexOf(e.parts[1], 1);
      if (at > 0) out.push({ name: e.parts[1], span: { start: e.span.start + at, end: e.span.start + at + e.parts[1].length }, path: e.parts.slice(1) });
      return;
    }
    if (!e.parts.length) return;
    const explicitThis = EXPLICIT_THIS.test(text);
    if (!explicitThis && e.depth === 0 && locals.get(e.parts[0])) return;
    if (e.depth < changes) return;
    const rest = e.parts.slice(1).join('.').length;
    const at = text.lastIndexOf(e.parts[0], text.length - rest - (e.parts.length > 1 ? 1 : 0));
    if (at >= 0) out.push({ name: e.parts[0], span: { start: e.span.start + at, end: e.span.start + at + e.parts[0].length }, path: e.parts });
  };
  const visit = (e: Expr) => {
    if (e.kind === 'path') visitPath(e);
    else if (e.kind === 'subexpression') {
      e.params.forEach(visit);
      e.hash.forEach((h) => visit(h.value));
    }
  };
  const visitArgs = (tag: Tag) => {
    tag.params.forEach(visit);
    tag.hash.forEach((h) => visit(h.value));
  };

  for (const tag of tags) {
    if (!tag.closed) continue;
    const head = tag.path;
    switch (tag.kind) {
      case 'mustache':
      case 'unescaped': {
        if (head?.kind !== 'path') break;
        const helper = tag.params.length > 0 || tag.hash.length > 0 || (HELPERS.has(head.original) && !head.data && head.depth === 0);
        if (helper) visitArgs(tag);
        else visitPath(head);
        break;
      }
      case 'block-open':
      case 'inverse-open': {
        if (head?.kind !== 'path') break;
        const name = head.original;
        if (tag.kind === 'block-open' && (HELPERS.has(name) || tag.params.length > 0 || tag.hash.length > 0)) {
          visitArgs(tag);
          const known = HELPERS.has(name);
          push({ name, changes: !known || name === 'each' || name === 'with', locals: tag.blockParams ?? [] });
        } else {
          // A section over a variable (`{{#items}}`, `{{^items}}`).
          visitPath(head);
          push({ name, changes: tag.kind === 'block-open', locals: [] });
        }
        break;
      }
      case 'else': {
        // `{{else}}` renders in the enclosing context; `{{else if x}}` reads names there too.
        if (stack.length) {
          const name = stack[stack.length - 1].name;
          pop();
          push({ name, changes: false, locals: [] });
        }
        if (tag.name && tag.name !== 'else') visitArgs(tag);
        break;
      }
      case 'block-close': {
        // Every frame above the match is popped, so the search is linear overall.
        if (names.get(tag.name)) {
          while (stack[stack.length - 1].name !== tag.name) pop();
          pop();
        }
        break;
      }
      case 'partial':
      case 'partial-block-open':
        visitArgs(tag);
        if (tag.kind === 'partial-block-open') push({ name: tag.name, changes: false, locals: [] });
        break;
      case 'decorator-block-open':
        push({ name: tag.name?.replace(/^\*/, ''), changes: false, locals: [] });
        break;
      default:
        break;
    }
  }
  return out;
}

const MARKER_RE = /\{\{~?\s*(?:role\s+(?:"([^"]*)"|'([^']*)')|(history))\s*~?\}\}/g;

/** The messages of a body too large to analyse: a plain scan for `{{role "x"}}` and `{{history}}`. */
function scanMessages(text: string, start: number, end: number): PromptMessage[] {
  const out: PromptMessage[] = [];
  const message = (role: string, marker: Span): PromptMessage => ({ role, kind: role === 'history' ? 'history' : 'message', span: { start: marker.start, end }, contentSpan: { start: marker.end, end }, tags: [], variables: [] });
  let current = message('user', { start, end: start });
  const close = (at: number) => {
    current.span.end = at;
    current.contentSpan.end = at;
    if (current.contentSpan.start > current.span.start || text.slice(current.contentSpan.start, at).trim()) out.push(current);
  };
  MARKER_RE.lastIndex = start;
  for (let m = MARKER_RE.exec(text); m && m.index < end; m = MARKER_RE.exec(text)) {
    close(m.index);
    current = message(m[3] ? 'history' : (m[1] ?? m[2] ?? 'user'), { start: m.index, end: m.index + m[0].length });
  }
  close(end);
  return out;
}
