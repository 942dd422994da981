// Parses a GitHub Models prompt file: the whole file is YAML (read with ranges by the frontmatter
// reader, which guards depth and aliases), checked against the schema, and read into the shared
// model plus what only this format has: the test data rows, the evaluators and every `{{name}}`
// placeholder with where it is written. Never throws.
import { isMap, isScalar, isSeq, type Node, type Pair, type YAMLMap } from 'yaml';
import type { PromptDocument } from '../../document';
import type { PromptDiagnostic } from '../../diagnostic';
import type { Tag } from '../../template';
import type { Span } from '../../text';
import { parseFrontmatterYaml, frontmatterSettings, trimEnd, type FrontmatterBlock } from '../frontmatter';
import { baseDocument, emptyModel } from '../model';
import { DEFAULT_MAX_TEMPLATE_SIZE, type ModelParameter, type ParseOptions, type PromptInput, type PromptMessage, type PromptModel, type PromptTest, type SourceValue, type TemplateTag, type VariableReference } from '../types';
import { blockTail, layoutBlanks, placeholdersIn, scalarTextSpan, type Placeholder } from './scalars';
import { validatePromptFile } from './validate';

export const GITHUB_MODELS_ID = 'github-models';

/** A string the file templates: a message's content, a string evaluator's text, a judge's prompt. */
export interface TemplatedText {
  /** The YAML path of the string (`messages.1.content`). */
  path: (string | number)[];
  /** The string's value, as `gh models` reads it. */
  value: string;
  /** Its text in the file. */
  span: Span;
  placeholders: Placeholder[];
  /** What fills its placeholders: the row's values, plus `completion` in a judge's prompt. */
  scope: 'row' | 'judge';
}

export interface RowValue {
  name: string;
  value: unknown;
  keySpan: Span;
  valueSpan: Span;
  /** The value's text in the file, when it is a string. */
  textSpan?: Span;
}

export interface TestRow {
  index: number;
  span: Span;
  values: RowValue[];
}

export interface EvaluatorInfo {
  index: number;
  name?: string;
  span: Span;
  nameSpan?: Span;
  kind: 'string' | 'llm' | 'uses' | 'none';
  /** `equals`, `contains`, `startsWith`, `endsWith` for a string evaluator. */
  check?: string;
  /**
   * A string evaluator's checks as `gh models` reads them into its text fields: a number or boolean
   * as written (`1.50`, `1e6`, `True`), not as the number it stands for.
   */
  texts?: Record<string, string>;
  /** `github/similarity` ... for `uses`. */
  uses?: SourceValue<string>;
}

/** What the GitHub Models front-end knows of a file beyond the shared model. */
export interface PromptFileInfo {
  block: FrontmatterBlock;
  /**
   * `scalarText`: a `content` that is a number or boolean, as written (`gh models` sends that text);
   * `contentIsText`: the content is text, a scalar, empty or absent, what `gh models` reads as text.
   */
  messages: { index: number; role?: SourceValue<string>; span: Span; content?: TemplatedText; scalarText?: string; contentIsText: boolean }[];
  rows: TestRow[];
  /** Whether `testData` is a list (absent counts as one). */
  rowsReadable: boolean;
  evaluators: EvaluatorInfo[];
  /** Every templated string, in file order. */
  texts: TemplatedText[];
  /** The strings the lint rules read as prose: message contents, judge prompts and system prompts. */
  prose: Span[];
  /** Blanks inside the prose that are YAML layout, not text (a block scalar's indentation, folded line ends). */
  proseLayout: Span[];
  /**
   * The request's `response_format` as `gh models` sends it: `type` is `responseFormat`, and
   * `json_schema` the `jsonSchema` JSON text's object as written (`name`, `strict`, `schema`, ...).
   */
  responseFormat?: Record<string, unknown>;
}

const infoMemo = new WeakMap<PromptDocument, PromptFileInfo>();

/** The format's own reading of a document it parsed (an empty one for any other document). */
export function promptFileInfo(doc: PromptDocument): PromptFileInfo {
  return infoMemo.get(doc) ?? { block: doc.frontmatter, messages: [], rows: [], rowsReadable: true, evaluators: [], texts: [], prose: [], proseLayout: [] };
}

function spanOf(node: Node | null | undefined, base: number, text: string): Span | undefined {
  const r = node?.range;
  return r ? { start: base + r[0], end: trimEnd(text, base + r[0], base + Math.max(r[1], r[0])) } : undefined;
}

function pairs(node: Node | null | undefined): Pair<Node, Node | null>[] {
  return isMap(node) ? ((node as YAMLMap<Node, Node | null>).items as Pair<Node, Node | null>[]) : [];
}

function pairOf(node: Node | null | undefined, key: string): Pair<Node, Node | null> | undefined {
  return pairs(node).find((p) => isScalar(p.key) && String(p.key.value) === key);
}

/**
 * A number or boolean scalar as the file writes it (`1.50`, `1e6`, `True`): what gopkg.in/yaml.v3
 * puts in a Go string field (the scalar's text, where a JavaScript number would print `1.5`).
 */
function writtenScalar(text: string, node: Node | null | undefined, base: number): string | undefined {
  if (!isScalar(node) || (typeof node.value !== 'number' && typeof node.value !== 'boolean') || !node.range) return undefined;
  return text.slice(base + node.range[0], base + node.range[1]).trim();
}

/** An evaluator as plain data, a string evaluator's numbers and booleans as written. */
function checkValue(raw: unknown, e: EvaluatorInfo): unknown {
  if (!e.texts || !raw || typeof raw !== 'object') return raw;
  const spec = raw as Record<string, unknown>;
  const string = spec.string && typeof spec.string === 'object' ? (spec.string as Record<string, unknown>) : undefined;
  return string ? { ...spec, string: { ...string, ...e.texts } } : raw;
}

function sourceString(text: string, node: Node | null | undefined, key: Node | null | undefined, base: number): SourceValue<string> | undefined {
  if (!isScalar(node) || typeof node.value !== 'string') return undefined;
  const span = spanOf(node, base, text)!;
  return { value: node.value, span, keySpan: spanOf(key, base, text) };
}

function placeholderTag(p: Placeholder): Tag {
  return {
    kind: 'mustache',
    span: p.span,
    closed: true,
    name: p.name,
    nameSpan: p.nameSpan,
    path: { kind: 'path', original: p.name, parts: [p.name], data: false, depth: 0, span: p.nameSpan },
    params: [],
    hash: [],
  };
}

/**
 * The JSON Schema of the answer in `jsonSchema`: the structured-output form (`name`, `strict`,
 * `schema`; a mapping or JSON text) gives its `schema`, the older bare form is the schema itself.
 */
function answerSchema(value: unknown): unknown {
  let v = value;
  if (typeof v === 'string') {
    try {
      v = JSON.parse(v);
    } catch {
      return undefined;
    }
  }
  if (v && typeof v === 'object' && !Array.isArray(v) && ('schema' in v || 'name' in v)) return (v as Record<string, unknown>).schema;
  return v;
}

const PARAMETERS: Record<string, ModelParameter['name']> = { maxTokens: 'maxOutputTokens', temperature: 'temperature', topP: 'topP' };

export function parsePromptFile(text: string, uri = 'untitled:prompt.prompt.yml', version = 0, options: ParseOptions = {}): PromptDocument {
  const diagnostics: PromptDiagnostic[] = [];
  const bom = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  const block: FrontmatterBlock = { present: true, closed: true, span: { start: bom, end: text.length }, content: { start: bom, end: text.length }, value: undefined };
  const prompt = emptyModel();
  const info: PromptFileInfo = { block, messages: [], rows: [], rowsReadable: true, evaluators: [], texts: [], prose: [], proseLayout: [] };

  if (text.includes('\u0000')) {
    diagnostics.push({ code: 'file-binary', severity: 'info', message: 'This file contains binary data (a NUL byte), so it is not analysed as a prompt. If it should be a prompt, save it as UTF-8 text.', span: { start: 0, end: 0 } });
    const doc = finish(text, uri, version, prompt, diagnostics, { ...block, present: false }, info);
    doc.notice = 'binary';
    return doc;
  }
  const maxSize = options.maxTemplateSize ?? DEFAULT_MAX_TEMPLATE_SIZE;
  if (text.length > maxSize) {
    diagnostics.push({
      code: 'file-too-large',
      severity: 'info',
      message: `This prompt file is ${(text.length / 1e6).toFixed(1)} MB; files over ${(maxSize / 1e6).toFixed(1)} MB are not analysed. Raise the setting promptWorkbench.maxFileSize to analyse it.`,
      span: { start: 0, end: Math.min(1, text.length) },
    });
    const doc = finish(text, uri, version, prompt, diagnostics, { ...block, present: false }, info);
    doc.notice = 'too-large';
    return doc;
  }

  const yamlDiagnostics: PromptDiagnostic[] = [];
  parseFrontmatterYaml(text, block, yamlDiagnostics);
  // An error at the very end (an unclosed quote) is placed on the last character, inside the text.
  const clamp = (n: number) => Math.min(Math.max(0, n), text.length);
  for (const d of yamlDiagnostics) {
    const start = Math.min(clamp(d.span.start), Math.max(0, text.length - 1));
    diagnostics.push({ ...d, span: { start, end: Math.max(start, clamp(d.span.end)) }, message: d.message.replace('YAML in the frontmatter', 'YAML').replace('The frontmatter YAML', 'The YAML') });
  }
  const yaml = block.yaml;
  const root = yaml?.contents as Node | null | undefined;
  if (yaml && !yaml.errors.length && block.value !== undefined && block.value !== null && !isMap(root)) {
    diagnostics.push({ code: 'prompt-file-not-mapping', severity: 'error', message: 'A prompt file is a YAML mapping with keys such as `model:`, `messages:` and `testData:`.', span: spanOf(root, bom, text) ?? { start: 0, end: Math.min(1, text.length) } });
  }
  if (yaml && isMap(root)) {
    read(text, root, bom, prompt, info, block.value);
    prompt.settings = frontmatterSettings(text, block);
    if (!yaml.errors.length && block.value !== undefined) diagnostics.push(...validatePromptFile(text, yaml, block.value, bom, info));
  }
  return finish(text, uri, version, prompt, diagnostics, block, info);
}

function finish(text: string, uri: string, version: number, prompt: PromptModel, diagnostics: PromptDiagnostic[], block: FrontmatterBlock, info: PromptFileInfo): PromptDocument {
  const doc = baseDocument({ format: GITHUB_MODELS_ID, uri, version, text, prompt, diagnostics });
  doc.frontmatter = block;
  doc.frontmatterDiagnostics = diagnostics;
  // The template is the file's templated strings: their placeholders are its tags; it spans the
  // whole file, so the YAML around the strings is the template's "text" too (features that look
  // for prose read the format's prose spans, not this).
  doc.template = { span: { start: block.content.start, end: text.length }, tags: info.texts.flatMap((t) => t.placeholders.map(placeholderTag)), blocks: [], messages: [], diagnostics: [] };
  infoMemo.set(doc, info);
  return doc;
}

function read(text: string, root: Node, base: number, prompt: PromptModel, info: PromptFileInfo, value: unknown): void {
  // Plain values come from the alias-limited conversion of the whole file (none when the YAML has errors).
  const plain = (node: Node | null | undefined, ...path: (string | number)[]): unknown => {
    if (isScalar(node)) return node.value;
    let v: unknown = value;
    for (const seg of path) v = v && typeof v === 'object' ? (v as Record<string | number, unknown>)[seg] : undefined;
    return v;
  };
  const str = (key: string) => {
    const p = pairOf(root, key);
    return p ? sourceString(text, p.value, p.key, base) : undefined;
  };
  prompt.metadata = { name: str('name'), description: str('description') };
  // The catalogue's convention: a top-level `metadata:` mapping (`gh models` reads the file with
  // gopkg.in/yaml.v3's non-strict Unmarshal, so it ignores the key).
  const meta = pairOf(root, 'metadata')?.value;
  if (isMap(meta)) {
    const field = (key: string) => {
      const p = pairOf(meta, key);
      return p ? sourceString(text, p.value, p.key, base) : undefined;
    };
    const tagsPair = pairOf(meta, 'tags');
    const tags = tagsPair && isSeq(tagsPair.value) && tagsPair.value.items.every((i) => isScalar(i) && typeof i.value === 'string') ? { value: tagsPair.value.items.map((i) => String((i as { value: unknown }).value)), span: spanOf(tagsPair.value, base, text)!, keySpan: spanOf(tagsPair.key, base, text) } : undefined;
    const versionPair = pairOf(meta, 'version');
    const version = versionPair && isScalar(versionPair.value) && (typeof versionPair.value.value === 'string' || typeof versionPair.value.value === 'number') ? { value: versionPair.value.value, span: spanOf(versionPair.value, base, text)!, keySpan: spanOf(versionPair.key, base, text) } : undefined;
    const extra = { owner: field('owner'), status: field('status'), statusNote: field('statusNote'), tags, version };
    for (const [k, v] of Object.entries(extra)) if (v) (prompt.metadata as Record<string, unknown>)[k] = v;
  }
  prompt.model = str('model');

  // modelParameters: the three `gh models` sends, onto the shared vocabulary.
  for (const p of pairs(pairOf(root, 'modelParameters')?.value)) {
    if (!isScalar(p.key) || !p.value) continue;
    const key = String(p.key.value);
    const keySpan = spanOf(p.key, base, text)!;
    const valueSpan = spanOf(p.value, base, text)!;
    const param: ModelParameter = { name: PARAMETERS[key], key, path: `modelParameters.${key}`, value: plain(p.value, 'modelParameters', key), span: { start: keySpan.start, end: valueSpan.end }, keySpan, valueSpan };
    if (param.name && !prompt.parameters[param.name]) prompt.parameters[param.name] = param;
    else prompt.otherParameters.push(param);
  }

  // responseFormat / jsonSchema: the output.
  const format = str('responseFormat');
  const schemaPair = pairOf(root, 'jsonSchema');
  if (format || schemaPair) {
    const spans = [format && { start: format.keySpan!.start, end: format.span.end }, schemaPair && { start: spanOf(schemaPair.key, base, text)!.start, end: (spanOf(schemaPair.value, base, text) ?? spanOf(schemaPair.key, base, text)!).end }].filter(Boolean) as Span[];
    if (format) {
      let written: unknown;
      try {
        const js = schemaPair ? plain(schemaPair.value, 'jsonSchema') : undefined;
        written = typeof js === 'string' ? JSON.parse(js) : undefined;
      } catch {
        written = undefined;
      }
      info.responseFormat = { type: format.value, ...(written && typeof written === 'object' && !Array.isArray(written) ? { json_schema: written } : {}) };
    }
    prompt.output = {
      span: { start: Math.min(...spans.map((s) => s.start)), end: Math.max(...spans.map((s) => s.end)) },
      format,
      schema: schemaPair?.value ? { value: answerSchema(plain(schemaPair.value, 'jsonSchema')), span: spanOf(schemaPair.value, base, text)!, keySpan: spanOf(schemaPair.key, base, text) } : undefined,
    };
  }

  // messages
  const messages = pairOf(root, 'messages')?.value;
  if (isSeq(messages)) {
    messages.items.forEach((item, index) => {
      const node = item as Node | null;
      const span = spanOf(node, base, text);
      if (!span) return;
      const rolePair = pairOf(node, 'role');
      const role = rolePair ? sourceString(text, rolePair.value, rolePair.key, base) : undefined;
      const contentPair = pairOf(node, 'content');
      const contentText = contentPair && scalarTextSpan(text, contentPair.value, base);
      const content: TemplatedText | undefined = contentText && isScalar(contentPair!.value) && typeof contentPair!.value.value === 'string'
        ? { path: ['messages', index, 'content'], value: contentPair!.value.value, span: contentText, placeholders: placeholdersIn(text, contentText), scope: 'row' }
        : undefined;
      const scalar = contentPair && isScalar(contentPair.value) && (typeof contentPair.value.value === 'number' || typeof contentPair.value.value === 'boolean') ? contentPair.value : undefined;
      const scalarText = scalar?.range ? text.slice(base + scalar.range[0], base + scalar.range[1]).trim() : undefined;
      const contentIsText = !contentPair || contentPair.value === null || isScalar(contentPair.value);
      info.messages.push({ index, role, span, content, contentIsText, ...(scalarText ? { scalarText } : {}) });
      if (content) {
        info.texts.push(content);
        info.prose.push(content.span);
        info.proseLayout.push(...layoutBlanks(text, contentPair!.value, content.span));
        const tail = blockTail(text, contentPair!.value, content.span, base);
        if (tail) info.prose.push(tail);
      }
      const contentSpan = content?.span ?? (contentPair ? spanOf(contentPair.value, base, text) : undefined) ?? { start: span.end, end: span.end };
      const tags: TemplateTag[] = (content?.placeholders ?? []).map((p) => ({ kind: 'variable', name: p.name, span: p.span }));
      const variables: VariableReference[] = (content?.placeholders ?? []).map((p) => ({ name: p.name, span: p.nameSpan, path: [p.name] }));
      const message: PromptMessage = { role: role ? role.value.toLowerCase() : 'user', kind: 'message', span, contentSpan, tags, variables, text: content?.value ?? '' };
      prompt.messages.push(message);
    });
  }

  // testData: each row a test; its keys declare the variables.
  const testData = pairOf(root, 'testData');
  info.rowsReadable = !testData || !testData.value || isSeq(testData.value);
  const inputs = new Map<string, PromptInput>();
  if (isSeq(testData?.value)) {
    testData.value.items.forEach((item, index) => {
      const node = item as Node | null;
      const span = spanOf(node, base, text);
      if (!span) return;
      const row: TestRow = { index, span, values: [] };
      for (const p of pairs(node)) {
        if (!isScalar(p.key)) continue;
        const name = String(p.key.value);
        const keySpan = spanOf(p.key, base, text)!;
        const value = p.value ? plain(p.value, 'testData', index, name) : null;
        const textSpan = scalarTextSpan(text, p.value, base);
        row.values.push({ name, value, keySpan, valueSpan: spanOf(p.value, base, text) ?? keySpan, textSpan });
        if (!inputs.has(name)) {
          const type = typeof value === 'string' ? 'string' : typeof value === 'number' ? 'number' : typeof value === 'boolean' ? 'boolean' : Array.isArray(value) ? 'array' : value === null ? 'any' : 'object';
          inputs.set(name, { name, type, required: false, description: `From \`testData\` (first in row ${index + 1}).`, span: keySpan, nameSpan: keySpan, field: { name, type, optional: true, keySpan, span: keySpan } });
        }
      }
      info.rows.push(row);
    });
  }
  prompt.inputs = [...inputs.values()];

  // evaluators
  const evaluators = pairOf(root, 'evaluators')?.value;
  if (isSeq(evaluators)) {
    evaluators.items.forEach((item, index) => {
      const node = item as Node | null;
      const span = spanOf(node, base, text);
      if (!span) return;
      const namePair = pairOf(node, 'name');
      const name = namePair ? sourceString(text, namePair.value, namePair.key, base) : undefined;
      const ev: EvaluatorInfo = { index, name: name?.value, span, nameSpan: name?.span, kind: 'none' };
      const stringNode = pairOf(node, 'string')?.value;
      const llmNode = pairOf(node, 'llm')?.value;
      const usesPair = pairOf(node, 'uses');
      if (stringNode) {
        ev.kind = 'string';
        for (const p of pairs(stringNode)) {
          if (!isScalar(p.key)) continue;
          const key = String(p.key.value);
          const s = scalarTextSpan(text, p.value, base);
          ev.check ??= key;
          const written = writtenScalar(text, p.value, base);
          if (written !== undefined) (ev.texts ??= {})[key] = written;
          if (s && isScalar(p.value)) info.texts.push({ path: ['evaluators', index, 'string', key], value: written ?? String(p.value.value), span: s, placeholders: placeholdersIn(text, s), scope: 'row' });
        }
      } else if (llmNode) {
        ev.kind = 'llm';
        for (const key of ['systemPrompt', 'prompt']) {
          const p = pairOf(llmNode, key);
          const s = p && scalarTextSpan(text, p.value, base);
          if (!s || !isScalar(p!.value)) continue;
          info.prose.push(s);
          info.proseLayout.push(...layoutBlanks(text, p!.value, s));
          const tail = blockTail(text, p!.value, s, base);
          if (tail) info.prose.push(tail);
          // The system prompt is sent as written; only the prompt is templated.
          if (key === 'prompt') info.texts.push({ path: ['evaluators', index, 'llm', key], value: String(p!.value.value), span: s, placeholders: placeholdersIn(text, s), scope: 'judge' });
        }
      } else if (usesPair) {
        ev.kind = 'uses';
        ev.uses = sourceString(text, usesPair.value, usesPair.key, base);
      }
      info.evaluators.push(ev);
    });
  }
  info.texts.sort((a, b) => a.span.start - b.span.start);
  info.prose.sort((a, b) => a.start - b.start);

  // The evaluators as plain data (from the alias-limited conversion of the whole file).
  const raw = value && typeof value === 'object' ? (value as Record<string, unknown>).evaluators : undefined;
  const checks = info.evaluators.map((e) => ({ type: e.kind === 'string' ? `string.${e.check ?? ''}` : e.kind === 'uses' ? (e.uses?.value ?? 'uses') : e.kind, name: e.name, value: checkValue(Array.isArray(raw) ? raw[e.index] : undefined, e), span: e.span }));
  prompt.tests = info.rows.map((r): PromptTest => ({ name: `row ${r.index + 1}`, span: r.span, values: Object.fromEntries(r.values.map((v) => [v.name, v.value])), checks }));
}
