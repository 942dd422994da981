// Parses a Prompty `.prompty` file: YAML frontmatter (version 2 or version 1, detected), the body
// split into messages by role lines (`system:`, `user:`, ...) as Prompty's parser splits it, and the
// Jinja2 or Mustache template of the body. Never throws.
import { isMap, isScalar, isSeq, type Node, type Pair } from 'yaml';
import type { PromptDocument } from '../../document';
import type { PromptDiagnostic } from '../../diagnostic';
import { closest } from '../../suggest';
import type { Tag, Template } from '../../template';
import { LineIndex, type Span } from '../../text';
import { locate } from '../../yamlPath';
import { frontmatterSettings, parseFrontmatterYaml, splitFrontmatter, trimEnd, type FrontmatterBlock } from '../frontmatter';
import { definedOnly, emptyModel, settingAt } from '../model';
import { DEFAULT_MAX_TEMPLATE_SIZE, type ModelParameter, type ParameterName, type ParseOptions, type PromptInput, type PromptMessage, type PromptModel, type PromptSetting, type SchemaField, type SourceValue } from '../types';
import { canonicalBracket, isRoleLine, roleLineShape, type RoleLineShape } from './roles';
import { ROLES, TEMPLATE_KINDS } from './schema';
import { analyseJinja, analyseMustache, type BodyAnalysis, type Engine } from './template';
import { detectVersion, validatePrompty } from './validate';

export const PROMPTY_ID = 'prompty';

/** What the Prompty parse knows beyond the shared `PromptDocument`. */
export interface PromptyParse {
  version: 1 | 2;
  engine: Engine;
  /** The template kind as written (`jinja2`, `nunjucks`, `mustache`), when the file names one. */
  engineKind?: string;
  /** Whether the file names an engine Prompty does not have: the body is then not checked. */
  unknownEngine: boolean;
  body: Span;
  analysis?: BodyAnalysis;
  inputs: PromptInput[];
  /** Whether the file declares its inputs at all (`inputs:`); the short forms need not. */
  declaresInputs: boolean;
  /** Whether the names come from version 1's `sample:` alone (no `inputs:`): example values, not a list of every input. */
  sampleOnly?: boolean;
  /**
   * Version 1's `model.api: completion`: the runtime's parser for it passes the rendered body on
   * unsplit, sent as one prompt to the completions API, so role lines are text.
   */
  completion?: boolean;
  model: PromptModel;
}

const parses = new WeakMap<PromptDocument, PromptyParse>();

export function promptyOf(doc: PromptDocument): PromptyParse | undefined {
  return parses.get(doc);
}

function record(value: unknown): Record<string, unknown> {
  return value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

/** A line shaped like a role line whose word is not a role (`sytem:`). */
const ROLE_LIKE = /^[ \t]*(?:#[ \t]*)?([A-Za-z][A-Za-z_-]{1,20})[ \t]*:[ \t]*\r?$/;
const NOT_ROLE_LINES = new Map([
  ['tool', 'Prompty has no `tool:` role line: tool results come from the tool calls at run time.'],
  ['tools', 'Prompty\'s current runtimes have no `tools:` role line (its first Python runtime read tool definitions there); declare tools under `tools:` in the frontmatter.'],
  ['function', 'Prompty\'s current runtimes have no `function:` role line (its first Python runtime had one).'],
  ['human', 'Prompty\'s role for the person is `user:`.'],
  ['ai', 'Prompty\'s role for the model is `assistant:`.'],
  ['bot', 'Prompty\'s role for the model is `assistant:`.'],
  ['model', 'Prompty\'s role for the model is `assistant:`.'],
]);
/** The longest line tried as a role line (the runtimes try every line; a role line is short). */
const MAX_ROLE_LINE = 1000;

interface RoleLine {
  role: string;
  line: Span;
  /** The line's end including its line break. */
  next: number;
}

/** A line shaped like a role line that a runtime does not split on: what each runtime does, and the bracket both read alike. */
function roleLineWarning(shape: RoleLineShape, lineStart: number, previous: RoleLine | undefined): PromptDiagnostic {
  const from = lineStart + shape.roleEnd;
  const to = lineStart + (shape.bracketStart ?? shape.roleEnd) + (shape.bracket?.length ?? 0);
  const sentAs = `so it is sent as text of the ${previous ? `${previous.role} message` : 'first message'}`;
  const written = shape.bracket ?? '';
  let message: string;
  if (shape.spaceBeforeBracket) message = `Attributes must follow the role with no space (\`${shape.role}${written}:\`): neither Prompty runtime splits messages at this line, ${sentAs}.`;
  else if (shape.python && !shape.typescript) message = `Prompty's Python runtime starts a ${shape.role} message at this line but its TypeScript runtime does not (its attribute names are ASCII letters, digits and \`_\`), which sends it as text. Use ASCII attribute names.`;
  else if (!shape.python && shape.typescript) message = `Prompty's TypeScript runtime starts a ${shape.role} message at this line but its Python runtime does not (it reads an unquoted value only up to a \`,\` or \`]\`, and a quoted one to its closing \`"\`), which sends it as text. Quote each value: \`${shape.role}[name="Alice"]:\`.`;
  else message = `\`${shape.role}${written}:\` is not a role line for Prompty: attributes are \`key=value\` pairs (\`${shape.role}[name="Alice"]:\`), ${sentAs}.`;
  const canonical = shape.python && !shape.typescript ? undefined : shape.bracket !== undefined ? canonicalBracket(shape.bracket) : undefined;
  const replacement = canonical === undefined ? undefined : canonical;
  return {
    code: 'prompty-unknown-role',
    severity: 'warning',
    message,
    span: { start: from, end: Math.max(to, from + 1) },
    data: replacement === undefined ? undefined : { fix: { title: replacement ? `Write the attributes as ${shape.role}${replacement}:` : `Remove the empty attributes (${shape.role}:)`, edits: [{ start: from, end: to, newText: replacement }] } },
  };
}

function roleLines(text: string, body: Span, lines: LineIndex, diagnostics: PromptDiagnostic[], skip: (offset: number) => boolean): RoleLine[] {
  const out: RoleLine[] = [];
  if (body.end <= body.start) return out;
  const first = lines.lineAt(body.start);
  const last = lines.lineAt(Math.max(body.start, body.end - 1));
  for (let l = first; l <= last; l++) {
    const start = Math.max(lines.lineStart(l), body.start);
    const end = Math.min(lines.lineEnd(l), body.end);
    if (end - start > MAX_ROLE_LINE || text.indexOf(':', start) < 0 || text.indexOf(':', start) >= end) continue;
    const s = text.slice(start, end);
    const trimmed = s.trim();
    const shape = roleLineShape(trimmed);
    if (shape) {
      if (skip(start)) continue;
      if (isRoleLine(shape)) out.push({ role: shape.role, line: { start, end }, next: l + 1 < lines.lineCount ? lines.lineStart(l + 1) : end });
      else diagnostics.push(roleLineWarning(shape, start + (s.length - s.trimStart().length), out[out.length - 1]));
      continue;
    }
    const like = ROLE_LIKE.exec(s);
    if (!like || skip(start)) continue;
    const word = like[1];
    const lower = word.toLowerCase();
    const at = start + s.indexOf(word);
    // `Tools:`, `Function:`, `Model:` or `Users:` alone on a line are more likely headings of the prose than role lines (written in lower case); `Human:` and `AI:` are transcript roles in any case.
    const plural = (ROLES as readonly string[]).includes(lower.replace(/s$/, ''));
    const near = NOT_ROLE_LINES.has(lower) || plural ? undefined : word.length >= 4 ? closest(lower, ROLES) : undefined;
    const note = word === lower || ['human', 'ai', 'bot'].includes(lower) ? NOT_ROLE_LINES.get(lower) : undefined;
    if (!near && !note) continue;
    diagnostics.push({
      code: 'prompty-unknown-role',
      severity: 'warning',
      message: near
        ? `\`${word}:\` is not a role line, so this line is sent as text of the ${out.length ? `${out[out.length - 1].role} message` : 'first message'}. Did you mean \`${near}:\`? Role lines are ${ROLES.map((r) => `\`${r}:\``).join(', ')}.`
        : `\`${word}:\` is not a role line, so this line is sent as text. ${note}`,
      span: { start: at, end: at + word.length },
      data: near ? { replacement: near } : undefined,
    });
  }
  return out;
}

/** The body's messages, as Prompty's parser splits the rendered text: text before the first role line is a `system` message. */
function messagesOf(text: string, body: Span, roles: RoleLine[], analysis: BodyAnalysis | undefined, inputs: Set<string>): PromptMessage[] {
  const out: PromptMessage[] = [];
  const trimmed = (start: number, end: number) => {
    let s = start;
    let e = end;
    while (s < e && (text[s] === '\n' || text[s] === '\r')) s++;
    e = trimEnd(text, s, e);
    return { start: s, end: Math.max(s, e) };
  };
  const push = (role: string, span: Span, contentSpan: Span) => {
    const tags = (analysis?.tags ?? []).filter((t) => t.span.start >= contentSpan.start && t.span.start < Math.max(contentSpan.end, contentSpan.start + 1));
    const variables = (analysis?.refs ?? [])
      .filter((r) => !r.local && (inputs.size === 0 || inputs.has(r.name) || !r.sections?.length) && r.span.start >= contentSpan.start && r.span.start < contentSpan.end)
      .map((r) => ({ name: r.name, span: r.span, path: r.path.map((p) => p.name) }));
    out.push({ role, kind: 'message', span, contentSpan, tags: tags.map((t) => ({ kind: t.kind, name: t.keyword, span: t.span })), variables });
  };
  const firstRole = roles.length ? roles[0].line.start : body.end;
  const before = trimmed(body.start, firstRole);
  if (before.end > before.start) push('system', before, before);
  // The loader trims the body: blank lines at its end are no lines of the last message.
  const bodyEnd = trimEnd(text, body.start, body.end);
  roles.forEach((r, i) => {
    const end = i + 1 < roles.length ? roles[i + 1].line.start : body.end;
    // A role line with no line after it before the next one (or the end) starts no message: the parser sends only what has lines.
    if (r.next >= (i + 1 < roles.length ? end : bodyEnd)) return;
    const content = trimmed(Math.min(r.next, end), end);
    push(r.role, { start: r.line.start, end: Math.max(content.end, r.line.end) }, content);
  });
  return out;
}

// ---- inputs ----

function span(node: Node | null | undefined, base: number): Span | undefined {
  const r = node?.range;
  return r ? { start: base + r[0], end: base + Math.max(r[1], r[0] + 1) } : undefined;
}

function kindOfValue(v: unknown): string {
  if (typeof v === 'boolean') return 'boolean';
  if (typeof v === 'number') return Number.isInteger(v) ? 'integer' : 'float';
  if (Array.isArray(v)) return 'array';
  if (v && typeof v === 'object') return 'object';
  return 'string';
}

/** One property (`{ name, kind, ... }`) as a schema field, with its nested `properties` / `items`. */
function fieldOf(name: string, value: unknown, node: Node | null | undefined, keyNode: Node | null | undefined, base: number, v1: boolean, depth = 0): SchemaField {
  const obj = record(value);
  const isObj = value !== null && typeof value === 'object' && !Array.isArray(value);
  const kind = isObj ? String(obj.kind ?? (v1 ? (obj.type ?? 'string') : obj.properties ? 'object' : obj.items ? 'array' : 'string')) : kindOfValue(value);
  const field: SchemaField = { name, type: kind, optional: !(isObj && obj.required === true) };
  if (isObj && typeof obj.description === 'string') field.description = obj.description;
  if (isObj && Array.isArray(obj.enumValues)) field.enumValues = obj.enumValues;
  const k = span(keyNode, base);
  if (k) field.keySpan = k;
  const s = span(node, base);
  if (s) field.span = k ? { start: k.start, end: Math.max(k.end, s.end) } : s;
  if (depth < 20 && isObj && isMap(node)) {
    const props = locateIn(node, 'properties');
    if (props && obj.properties) field.children = collection(obj.properties, props.value, base, v1, depth + 1).map((c) => c.field);
    const items = locateIn(node, 'items');
    if (items && obj.items) field.items = fieldOf('item', obj.items, items.value, undefined, base, v1, depth + 1);
  }
  return field;
}

function locateIn(node: Node, key: string): Pair<Node, Node | null> | undefined {
  if (!isMap(node)) return undefined;
  return (node.items as Pair<Node, Node | null>[]).find((p) => isScalar(p.key) && String(p.key.value) === key);
}

interface Entry {
  name: string;
  value: unknown;
  field: SchemaField;
  nameSpan: Span;
  span: Span;
}

/** A list of `{ name, ... }` or a mapping `name: { ... }` / `name: example`. */
function collection(value: unknown, node: Node | null | undefined, base: number, v1: boolean, depth = 0): Entry[] {
  const out: Entry[] = [];
  if (Array.isArray(value) && isSeq(node)) {
    value.forEach((item, i) => {
      const itemNode = node.items[i] as Node | null;
      const obj = record(item);
      if (typeof obj.name !== 'string' || !isMap(itemNode)) return;
      const namePair = locateIn(itemNode, 'name');
      const nameSpan = span(namePair?.value, base) ?? span(itemNode, base)!;
      const field = fieldOf(obj.name, item, itemNode, namePair?.value, base, v1, depth);
      out.push({ name: obj.name, value: item, field, nameSpan, span: span(itemNode, base)! });
    });
  } else if (value && typeof value === 'object' && isMap(node)) {
    for (const pair of node.items as Pair<Node, Node | null>[]) {
      if (!isScalar(pair.key)) continue;
      const name = String(pair.key.value);
      const v = (value as Record<string, unknown>)[name];
      const nameSpan = span(pair.key, base)!;
      const field = fieldOf(name, v, pair.value, pair.key, base, v1, depth);
      const whole = span(pair.value, base);
      out.push({ name, value: v, field, nameSpan, span: { start: nameSpan.start, end: Math.max(nameSpan.end, whole?.end ?? nameSpan.end) } });
    }
  }
  return out;
}

function inputsOf(text: string, block: FrontmatterBlock, fm: Record<string, unknown>, version: 1 | 2): { inputs: PromptInput[]; declared: boolean; sampleOnly?: boolean } {
  if (!block.yaml) return { inputs: [], declared: false };
  const base = block.content.start;
  let path = ['inputs'];
  let value = fm.inputs;
  if (value === undefined && record(fm.inputSchema).properties !== undefined) {
    path = ['inputSchema', 'properties'];
    value = record(fm.inputSchema).properties;
  }
  const out: PromptInput[] = [];
  // Version 1's `sample:` gives the values a render uses; a name only it has counts as declared.
  const sample = version === 1 && fm.sample && typeof fm.sample === 'object' && !Array.isArray(fm.sample) ? (fm.sample as Record<string, unknown>) : undefined;
  const sampleNode = sample ? locate(block.yaml, ['sample']).node : undefined;
  const fromSample = () => {
    if (!sample || !isMap(sampleNode)) return;
    for (const e of collection(sample, sampleNode, base, true)) {
      const have = out.find((i) => i.name === e.name);
      if (have) {
        if (!('default' in have) && e.value !== null && e.value !== undefined) have.default = e.value;
        continue;
      }
      const field: SchemaField = { name: e.name, type: kindOfValue(e.value), optional: true, keySpan: e.nameSpan, span: e.span };
      out.push({ name: e.name, type: field.type, required: false, span: e.span, nameSpan: e.nameSpan, field, default: e.value });
    }
  };
  if (value === undefined || value === null || (typeof value === 'string' && value.startsWith('${'))) {
    fromSample();
    return { inputs: out, declared: out.length > 0, sampleOnly: out.length > 0 };
  }
  const node = locate(block.yaml, path).node;
  for (const e of collection(value, node, base, version === 1)) {
    const obj = record(e.value);
    const isObj = e.value !== null && typeof e.value === 'object' && !Array.isArray(e.value);
    const input: PromptInput = { name: e.name, type: e.field.type, required: isObj && obj.required === true, span: { start: e.span.start, end: trimEnd(text, e.span.start, e.span.end) }, nameSpan: e.nameSpan, field: e.field };
    if (e.field.description !== undefined) input.description = e.field.description;
    // The value a render uses when none is given: `default`, else the example (`example`, v1 `sample`, the short form).
    const def = isObj ? (obj.default ?? obj.example ?? obj.sample) : e.value;
    if (def !== undefined && def !== null) input.default = def;
    out.push(input);
  }
  fromSample();
  return { inputs: out, declared: true };
}

// ---- the model ----

/** Prompty's option keys (version 2, then version 1) for each shared parameter. */
export const OPTION_KEYS: Record<ParameterName, readonly string[]> = {
  temperature: ['temperature'],
  maxOutputTokens: ['maxOutputTokens', 'max_tokens'],
  topP: ['topP', 'top_p'],
  topK: ['topK', 'top_k'],
  stop: ['stopSequences', 'stop'],
  presencePenalty: ['presencePenalty', 'presence_penalty'],
  frequencyPenalty: ['frequencyPenalty', 'frequency_penalty'],
  seed: ['seed'],
  reasoningEffort: ['reasoningEffort', 'reasoning_effort'],
};

const PARAMETER_OF = new Map<string, ParameterName>();
for (const [name, keys] of Object.entries(OPTION_KEYS) as [ParameterName, readonly string[]][]) for (const k of keys) PARAMETER_OF.set(k, name);

function child(settings: readonly PromptSetting[] | undefined, key: string): PromptSetting | undefined {
  return settings?.find((s) => s.key === key);
}

function sourceValue<T>(s: PromptSetting | undefined, accept: (v: unknown) => v is T): SourceValue<T> | undefined {
  if (!s || !accept(s.value)) return undefined;
  return { value: s.value, span: s.valueSpan ?? s.keySpan, keySpan: s.keySpan };
}

const isString = (v: unknown): v is string => typeof v === 'string' && v.length > 0;
const isVersion = (v: unknown): v is string | number => typeof v === 'string' || typeof v === 'number';
const isStrings = (v: unknown): v is string[] => Array.isArray(v) && v.every((x) => typeof x === 'string');

/** Our provider names for Prompty's (`azure` is Azure OpenAI / Foundry). */
export function providerOf(provider: string | undefined, v1Type?: string): string | undefined {
  const p = (provider ?? '').toLowerCase();
  if (p === 'openai' || v1Type === 'openai') return 'openai';
  if (p === 'azure' || p === 'azure_openai' || p === 'azureopenai' || p === 'foundry' || v1Type === 'azure_openai') return 'azure';
  if (p === 'anthropic') return 'anthropic';
  return p || undefined;
}

/** Prompty's `metadata.authors`, as the owner when no `metadata.owner` is written: the authors, comma-separated. */
function authorsOf(s: PromptSetting | undefined): SourceValue<string> | undefined {
  const list = sourceValue(s, isStrings);
  return list && list.value.length ? { value: list.value.join(', '), span: list.span, keySpan: list.keySpan } : undefined;
}

function modelFacts(text: string, block: FrontmatterBlock, version: 1 | 2, inputs: PromptInput[]): Omit<PromptModel, 'messages' | 'tests' | 'includes' | 'approximate'> {
  const settings = frontmatterSettings(text, block);
  const metadata = child(settings, 'metadata')?.children;
  const modelSetting = child(settings, 'model');
  const out: Omit<PromptModel, 'messages' | 'tests' | 'includes' | 'approximate'> = {
    metadata: definedOnly({
      name: sourceValue(child(settings, 'name'), isString),
      description: sourceValue(child(settings, 'description'), isString),
      version: sourceValue(child(metadata, 'version') ?? child(settings, 'version'), isVersion),
      owner: sourceValue(child(metadata, 'owner'), isString) ?? authorsOf(child(metadata, 'authors') ?? child(settings, 'authors')),
      tags: sourceValue(child(metadata, 'tags') ?? child(settings, 'tags'), isStrings),
      status: sourceValue(child(metadata, 'status'), isString),
      statusNote: sourceValue(child(metadata, 'statusNote'), isString),
    }),
    parameters: {},
    otherParameters: [],
    tools: [],
    inputs,
    settings,
  };

  // The model id: `model: gpt-4o`, `model.id`, or version 1's deployment / name; provider-qualified when the provider is known.
  const m = modelSetting?.children;
  const configuration = child(m, 'configuration')?.children;
  const idSetting = typeof modelSetting?.value === 'string' ? modelSetting : (child(m, 'id') ?? child(configuration, 'azure_deployment') ?? child(configuration, 'name') ?? child(configuration, 'model'));
  const id = sourceValue(idSetting, isString);
  if (id && !/^\$\{/.test(id.value)) {
    const provider = providerOf(typeof child(m, 'provider')?.value === 'string' ? String(child(m, 'provider')!.value) : undefined, typeof child(configuration, 'type')?.value === 'string' ? String(child(configuration, 'type')!.value) : undefined);
    out.model = { ...id, value: provider && !id.value.includes('/') ? `${provider === 'azure' ? 'azure-openai' : provider}/${id.value}` : id.value };
  }

  const optionsKey = version === 1 ? 'parameters' : child(m, 'options') ? 'options' : 'parameters';
  for (const s of child(m, optionsKey)?.children ?? []) {
    const name = PARAMETER_OF.get(s.key);
    const p: ModelParameter = { name, key: s.key, path: `model.${optionsKey}.${s.key}`, value: s.value, span: s.span, keySpan: s.keySpan, valueSpan: s.valueSpan ?? s.keySpan };
    if (name && !out.parameters[name]) out.parameters[name] = p;
    else out.otherParameters.push({ ...p, name: undefined });
  }

  const tools = block.yaml ? locate(block.yaml, ['tools']).node : undefined;
  const base = block.content.start;
  if (isSeq(tools)) {
    for (const item of tools.items as Node[]) {
      const name = isMap(item) ? locateIn(item, 'name')?.value : undefined;
      if (isScalar(name) && typeof name.value === 'string' && name.range) out.tools.push({ value: name.value, span: { start: base + name.range[0], end: base + name.range[1] } });
    }
  } else if (isMap(tools)) {
    for (const pair of tools.items as Pair<Node, Node | null>[]) if (isScalar(pair.key) && pair.key.range) out.tools.push({ value: String(pair.key.value), span: { start: base + pair.key.range[0], end: base + pair.key.range[1] } });
  }

  const outputs = child(settings, 'outputs') ?? child(settings, 'outputSchema');
  if (outputs) out.output = { span: outputs.span, format: { value: 'json', span: outputs.keySpan, keySpan: outputs.keySpan }, schema: { value: outputs.value, span: outputs.valueSpan ?? outputs.keySpan, keySpan: outputs.keySpan } };
  return out;
}

/** `template.format.kind`, `template.format`, version 1's `template: jinja2` or `template.type`. */
function engineOf(fm: Record<string, unknown>): { kind?: string; known: boolean } {
  const t = fm.template;
  let kind: unknown;
  if (typeof t === 'string') kind = t;
  else {
    const tr = record(t);
    const format = tr.format;
    kind = typeof format === 'string' ? format : (record(format).kind ?? tr.type);
  }
  if (kind === undefined || kind === null) return { known: true };
  const k = String(kind).toLowerCase();
  return { kind: String(kind), known: (TEMPLATE_KINDS as readonly string[]).includes(k) };
}

function emptyTemplate(start: number, end: number): Template {
  return { span: { start, end }, tags: [], blocks: [], messages: [], diagnostics: [] };
}

/** The body's tags as the shared template sees them: opaque (comments), so features built for Handlebars leave them alone; the lint rules read the text between. */
function opaqueTags(text: string, analysis: BodyAnalysis | undefined): Tag[] {
  return (analysis?.tags ?? []).map((t) => {
    const tag: Tag = { kind: 'comment', span: t.span, closed: t.closed, params: [], hash: [] };
    if (t.kind === 'comment') tag.comment = text.slice(t.inner.start, t.inner.end).replace(/^[\s!#]+|[\s#]+$/g, '');
    return tag;
  });
}

/**
 * Blank lines before `---`: Prompty's Python runtime skips them, its TypeScript runtime does not
 * (gray-matter needs `---` first) and reads the whole file, frontmatter included, as the body.
 */
function preambleHint(preamble: Span): PromptDiagnostic {
  return {
    code: 'frontmatter-preamble',
    severity: 'hint',
    message: "Blank lines before the opening `---`: Prompty's Python runtime (and prompt flow) skips them, but Prompty's TypeScript runtime does not find the frontmatter there and reads the whole file, frontmatter included, as the prompt. Remove them so that every runtime reads the frontmatter.",
    span: { start: preamble.start, end: Math.max(preamble.start + 1, preamble.end - 1) },
  };
}

export function parsePrompty(text: string, uri = 'untitled:prompt.prompty', version = 0, options: ParseOptions = {}, previous?: PromptDocument): PromptDocument {
  const lines = new LineIndex(text);
  const diagnostics: PromptDiagnostic[] = [];
  const bom = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  const nul = text.indexOf('\u0000');
  const noFrontmatter: FrontmatterBlock = { present: false, closed: false, span: { start: 0, end: 0 }, content: { start: 0, end: 0 }, value: undefined };
  const base = (fields: Partial<PromptDocument>, model: PromptModel, info: Omit<PromptyParse, 'model'>): PromptDocument => {
    const doc: PromptDocument = {
      uri,
      version,
      text,
      lines,
      format: PROMPTY_ID,
      prompt: model,
      frontmatter: noFrontmatter,
      template: emptyTemplate(0, text.length),
      input: { style: 'prompty', fields: model.inputs.map((i) => i.field), diagnostics: [] },
      defaults: Object.fromEntries(model.inputs.filter((i) => 'default' in i).map((i) => [i.name, i.default])),
      model: model.model?.value,
      diagnostics,
      frontmatterDiagnostics: [],
      ...fields,
    };
    parses.set(doc, { ...info, model });
    return doc;
  };
  if (nul >= 0) {
    diagnostics.push({ code: 'file-binary', severity: 'info', message: 'This file contains binary data (a NUL byte), so it is not analysed as a prompt. If it should be a prompt, save it as UTF-8 text.', span: { start: 0, end: 0 } });
    return base({ notice: 'binary' }, emptyModel(), { version: 2, engine: 'jinja2', unknownEngine: false, body: { start: 0, end: text.length }, inputs: [], declaresInputs: false });
  }

  // Blank lines before `---`: Prompty's Python runtime (and prompt flow's) skips them (`^\s*---`).
  const split = splitFrontmatter(text, bom, { leadingBlankLines: true });
  let frontmatter = split.block;
  let frontmatterDiagnostics: PromptDiagnostic[] = [];
  // While the frontmatter text is unchanged (most keystrokes), its YAML parse and checks are reused.
  const before = previous ? parses.get(previous) : undefined;
  const reuse = before && previous!.notice !== 'binary' && previous!.frontmatter.closed && frontmatter.closed && previous!.frontmatter.span.end === frontmatter.span.end && previous!.text.startsWith(text.slice(0, frontmatter.span.end));
  if (reuse) {
    frontmatter = previous!.frontmatter;
    frontmatterDiagnostics = previous!.frontmatterDiagnostics;
  } else {
    if (frontmatter.preamble) frontmatterDiagnostics.push(preambleHint(frontmatter.preamble));
    parseFrontmatterYaml(text, frontmatter, frontmatterDiagnostics);
  }
  const fm = record(frontmatter.value);
  const fileVersion = detectVersion(fm);
  if (!reuse) validatePrompty(text, frontmatter, fileVersion, frontmatterDiagnostics);
  diagnostics.push(...frontmatterDiagnostics);

  // The loader trims the body (`content.trim()`): leading blank lines are not part of any message.
  let bodyStart = split.bodyStart;
  while (bodyStart < text.length && /\s/.test(text[bodyStart])) bodyStart++;
  const body = { start: Math.min(bodyStart, text.length), end: text.length };
  const templateKind = engineOf(fm);
  const engine: Engine = templateKind.kind?.toLowerCase() === 'mustache' ? 'mustache' : 'jinja2';
  const { inputs, declared, sampleOnly } = reuse ? { inputs: before!.inputs, declared: before!.declaresInputs, sampleOnly: before!.sampleOnly } : inputsOf(text, frontmatter, fm, fileVersion);

  const maxSize = options.maxTemplateSize ?? DEFAULT_MAX_TEMPLATE_SIZE;
  let notice: PromptDocument['notice'];
  let analysis: BodyAnalysis | undefined;
  if (body.end - body.start > maxSize) {
    notice = 'too-large';
    diagnostics.push({
      code: 'file-too-large',
      severity: 'info',
      message: `This prompt is ${(text.length / 1e6).toFixed(1)} MB; bodies over ${(maxSize / 1e6).toFixed(1)} MB are not analysed (only the frontmatter is checked). Raise the setting promptWorkbench.maxFileSize to analyse it.`,
      span: { start: body.start, end: Math.min(text.length, body.start + 1) },
    });
  } else {
    analysis = engine === 'mustache' ? analyseMustache(text, body) : analyseJinja(text, body);
    // With an engine Prompty does not have, `template.format` carries the one diagnostic; the body is not judged by a guess.
    if (templateKind.known) diagnostics.push(...analysis.diagnostics);
  }

  const inside = (offset: number) => !!analysis?.tags.some((t) => t.span.start < offset && offset < t.span.end && t.kind !== 'statement' && t.kind !== 'output' && t.kind !== 'section');
  const completion = fileVersion === 1 && record(fm.model).api === 'completion';
  const roles = notice || completion ? [] : roleLines(text, body, lines, diagnostics, inside);
  const names = new Set(inputs.map((i) => i.name));
  const model: PromptModel = { ...modelFacts(text, frontmatter, fileVersion, inputs), messages: [], tests: [], includes: [] };
  if (notice) {
    model.messages = [{ role: 'system', kind: 'message', span: body, contentSpan: body, tags: [], variables: [] }];
    model.approximate = 'The body is over promptWorkbench.maxFileSize, so it is not analysed; it is counted as one message.';
  } else {
    // A completion prompt is one text, a user's prompt rather than a system message.
    model.messages = messagesOf(text, body, roles, analysis, names).map((m) => (completion ? { ...m, role: 'user' } : m));
  }
  if (analysis && templateKind.known && !notice) {
    // Version 1's `sample:` mapping: a name only it gives is sample data, not an `inputs` entry.
    const sampleNode = fileVersion === 1 && frontmatter.yaml ? locate(frontmatter.yaml, ['sample']).node : undefined;
    const sample = sampleNode && isMap(sampleNode) ? span(sampleNode, frontmatter.content.start) : undefined;
    // A body Jinja2 cannot parse fails to render: its names are not checked against the inputs.
    if (!analysis.diagnostics.some((d) => d.code === 'prompty-template-syntax')) diagnostics.push(...inputChecks(analysis, inputs, declared, text, sample, sampleOnly));
  }

  const template = emptyTemplate(body.start, body.end);
  template.tags = opaqueTags(text, analysis);
  return base(
    { notice, frontmatter, template, frontmatterDiagnostics },
    model,
    { version: fileVersion, engine, engineKind: templateKind.kind, unknownEngine: !templateKind.known, body, analysis, inputs, declaresInputs: declared, sampleOnly, ...(completion ? { completion } : {}) },
  );
}

/** Names read but not declared, and inputs declared but never read. */
function inputChecks(analysis: BodyAnalysis, inputs: PromptInput[], declared: boolean, text: string, sample?: Span, sampleOnly?: boolean): PromptDiagnostic[] {
  const out: PromptDiagnostic[] = [];
  const names = new Set(inputs.map((i) => i.name));
  const used = new Set<string>();
  for (const r of analysis.refs) {
    if (r.local) continue;
    if (names.has(r.name)) {
      used.add(r.name);
      continue;
    }
    // Mustache: inside a section a name may be a field of the section's item.
    if (r.sections?.length) {
      const owner = r.sections.map((s) => inputs.find((i) => i.name === s[0])).find((i) => i && (i.field.children?.some((c) => c.name === r.name) || i.field.items?.children?.some((c) => c.name === r.name) || !i.field.children));
      if (owner || r.sections.some((s) => !names.has(s[0]))) continue;
    }
    if (!declared) continue; // the short forms declare nothing: every name is passed at run time
    const near = closest(r.name, names);
    // `sample:` alone gives example values for some inputs, not the list of all: only a near miss of one of its names is worth a word.
    if (sampleOnly) {
      if (near) {
        out.push({
          code: 'prompty-undeclared-input',
          severity: 'warning',
          message: `\`${r.name}\` has no value in \`sample\`, which gives \`${near}\`: a misspelling? Without a value passed, \`${r.name}\` renders as an empty string.`,
          span: r.span,
          data: { replacement: near, name: r.name },
        });
      }
      continue;
    }
    out.push({
      code: 'prompty-undeclared-input',
      severity: 'warning',
      message: `\`${r.name}\` is not declared in \`inputs\`, so it renders as an empty string unless a value is passed.${near ? ` Did you mean \`${near}\`?` : ` Declare it under \`inputs:\`.`}`,
      span: r.span,
      data: near ? { replacement: near, name: r.name } : { name: r.name },
    });
  }
  for (const i of inputs) {
    if (used.has(i.name)) continue;
    const use = analysis.engine === 'mustache' ? `{{${i.name}}}` : `{{ ${i.name} }}`;
    const fromSample = !!sample && i.nameSpan.start >= sample.start && i.nameSpan.end <= sample.end;
    out.push({
      code: 'prompty-unused-input',
      severity: 'warning',
      message: fromSample
        ? `\`sample\` gives a value for \`${i.name}\`, but the template never reads it. Use it (\`${use}\`) or remove it from \`sample\`.`
        : `The input \`${i.name}\` is declared but the template never reads it. Use it (\`${use}\`) or remove it from \`inputs\`.`,
      span: i.nameSpan,
      unnecessary: true,
      data: { name: i.name },
    });
  }
  void text;
  return out;
}

/** The setting at a dotted path of the file (`model.options.temperature`). */
export function promptySetting(doc: PromptDocument, path: string): PromptSetting | undefined {
  return settingAt(doc.prompt.settings, path).setting;
}
