// Reads the declared input variables from `input.schema`, written either in Picoschema (Dotprompt's
// compact schema) or as JSON Schema, keeping the frontmatter range of every field.
import { isMap, isScalar, isSeq, type Node, type Pair, type YAMLMap } from 'yaml';
import type { InputSchemaModel } from '../../document';
import type { PromptDiagnostic } from '../../diagnostic';
import { closest } from '../../suggest';
import type { Span } from '../../text';
import type { SchemaField } from '../types';

export const SCALAR_TYPES = ['string', 'number', 'integer', 'boolean', 'null', 'any'] as const;
const JSON_SCHEMA_TYPES = new Set(['string', 'number', 'integer', 'boolean', 'null', 'object', 'array']);
/** The `type:` values that make Dotprompt take a whole schema as JSON Schema (its Picoschema parser also counts `any`). */
const JSON_SCHEMA_ROOT_TYPES = new Set([...JSON_SCHEMA_TYPES, 'any']);

export type { InputSchemaModel };

interface Ctx {
  offset: number;
  diagnostics: PromptDiagnostic[];
}

function spanOf(node: Node | null | undefined, ctx: Ctx): Span | undefined {
  const r = node?.range;
  return r ? { start: r[0] + ctx.offset, end: r[1] + ctx.offset } : undefined;
}

function report(ctx: Ctx, node: Node | null | undefined, code: string, message: string, fallback: Span, severity: PromptDiagnostic['severity'] = 'error', data?: Record<string, unknown>): void {
  ctx.diagnostics.push({ code, severity, message, span: spanOf(node, ctx) ?? fallback, data });
}

const PLAIN_KEY = /^[\w$-]+$/;
const KEY_RE = /^\s*([^\s?()]+?)\s*(\?)?\s*(?:\(\s*([^,()]*?)\s*(?:,\s*([^()]*?))?\s*\))?\s*$/;

/**
 * `type, description` split as Dotprompt splits it: at the first comma, the type as written (a
 * blank before the comma stays in it), the description without the blanks after the comma. A
 * text with a line break and a comma is not split (Dotprompt's pattern stops at line breaks).
 */
function splitDescription(text: string): [string, string | undefined] {
  const i = text.indexOf(',');
  if (i < 0 || text.includes('\n')) return [text, undefined];
  return [text.slice(0, i), text.slice(i + 1).replace(/^ +/, '') || undefined];
}

/** Parses `input.schema` (the YAML node of its value). `offset` is where the YAML text starts in the document. */
export function parseInputSchema(node: Node | null | undefined, offset: number, at: Span): InputSchemaModel {
  const ctx: Ctx = { offset, diagnostics: [] };
  if (node == null || (isScalar(node) && node.value == null)) return { style: 'none', fields: [], diagnostics: [] };
  if (isScalar(node)) {
    if (typeof node.value !== 'string') {
      report(ctx, node, 'input-schema-invalid', 'An input schema must be a Picoschema mapping, a JSON Schema, or the name of a registered schema.', at);
      return { style: 'none', fields: [], diagnostics: ctx.diagnostics };
    }
    const field = picoType(node.value, node, ctx, at);
    return { style: 'named', fields: field.type === 'object' ? field.children ?? [] : [], diagnostics: ctx.diagnostics };
  }
  if (!isMap(node)) {
    report(ctx, node, 'input-schema-invalid', 'An input schema must be a mapping of variable names to types (Picoschema) or a JSON Schema object.', at);
    return { style: 'none', fields: [], diagnostics: ctx.diagnostics };
  }
  if (looksLikeJsonSchema(node)) {
    const root = jsonSchemaField('', node, false, ctx, at);
    return { style: 'json-schema', fields: root.children ?? [], diagnostics: ctx.diagnostics };
  }
  const root: SchemaField = { name: '', type: 'object', optional: false };
  const fields = picoObject(node, ctx, at, root);
  return { style: 'picoschema', fields, diagnostics: ctx.diagnostics, ...(root.additional ? { additional: root.additional } : {}) };
}

/** As Dotprompt decides: a `type:` of a JSON Schema type (or `any`), or `properties:` holding a mapping (or nothing). */
function looksLikeJsonSchema(map: YAMLMap): boolean {
  const type = map.get('type');
  if (typeof type === 'string' && JSON_SCHEMA_ROOT_TYPES.has(type)) return true;
  if (!map.has('properties')) return false;
  const props = map.get('properties', true) as Node | null | undefined;
  return props == null || isMap(props) || isSeq(props) || (isScalar(props) && props.value == null);
}

function picoType(text: string, node: Node, ctx: Ctx, at: Span): SchemaField {
  const [written, description] = splitDescription(text);
  const type = written.trim();
  if (written !== type && (SCALAR_TYPES as readonly string[]).includes(type)) {
    // Dotprompt compares the type as written: `string , text` names the schema `string `, and the prompt fails to load.
    report(ctx, node, 'input-schema-type', `Dotprompt reads the type as \`${written}\`, blanks included, and fails to load the prompt (no schema has that name). Write \`${type}${description ? `, ${description}` : ''}\` without the ${written.endsWith(' ') ? 'blank before the comma' : 'blanks'}.`, at, 'error', { replacement: type + (description ? `, ${description}` : '') });
  } else if (!(SCALAR_TYPES as readonly string[]).includes(type)) {
    const near = closest(type, SCALAR_TYPES);
    const list = type.length > 2 && type.endsWith('[]') ? [type, type.slice(0, -2).trimEnd()] : undefined;
    if (list && list[1]) {
      // TypeScript's list notation: Dotprompt takes `any[]` for the name of a registered schema and fails to load the prompt.
      report(ctx, node, 'input-schema-type', `\`${type}\` is TypeScript's notation for a list, not a Picoschema type: Dotprompt looks for a schema registered under the name \`${type}\`, and the prompt fails to load without one. Mark the key instead: \`name(array): ${list[1]}\` (\`name?(array): ${list[1]}\` when optional).`, at, 'warning');
    } else if (type === 'array' || type === 'object') {
      // JSON Schema's type names are not Picoschema scalars: Dotprompt looks for a schema registered under the name.
      const example = type === 'array' ? '`name(array): string` (with the item type)' : '`name(object):` with its fields indented below it';
      report(ctx, node, 'input-schema-type', `\`${type}\` is not a Picoschema type: Dotprompt looks for a schema registered under the name \`${type}\`, and the prompt fails to load without one. Put it in the key instead: ${example}.`, at, 'warning');
    } else if (near) {
      report(ctx, node, 'input-schema-type', `Unknown Picoschema type \`${type}\`. Did you mean \`${near}\`?`, at, 'warning', { replacement: near + (description ? `, ${description}` : '') });
    } else if (!/^[A-Z]/.test(type)) {
      report(ctx, node, 'input-schema-type', `Unknown Picoschema type \`${type}\`. Use one of ${SCALAR_TYPES.join(', ')}, or the name of a schema registered in code.`, at, 'info');
    }
  }
  return { name: '', type, optional: false, description };
}

/** The fields of a Picoschema object; its `(*)` wildcard, when it has one, goes to `owner.additional`. */
function picoObject(map: YAMLMap, ctx: Ctx, at: Span, owner?: SchemaField): SchemaField[] {
  const fields: SchemaField[] = [];
  for (const pair of map.items as Pair<Node, Node | null>[]) {
    const keyNode = pair.key;
    const key = isScalar(keyNode) ? String(keyNode.value) : undefined;
    const keySpan = spanOf(keyNode, ctx) ?? at;
    if (key === undefined) {
      report(ctx, keyNode, 'input-schema-invalid', 'Picoschema keys must be plain names like `name`, `name?` or `name(array, description)`.', at);
      continue;
    }
    if (key === '(*)') {
      // The wildcard: any further property, of this type (Dotprompt's `additionalProperties`).
      const value = pair.value;
      if (owner) owner.additional = isMap(value) ? { name: '', type: 'object', optional: false, children: picoObject(value, ctx, keySpan) } : isScalar(value) && typeof value.value === 'string' ? picoType(value.value, value, ctx, keySpan) : { name: '', type: 'any', optional: false };
      continue;
    }
    // Most keys are a bare name: no blanks, `?` or parentheses to read.
    const plain = PLAIN_KEY.test(key);
    const blanks = plain ? undefined : keyBlanks(key);
    if (blanks) report(ctx, keyNode, 'input-schema-invalid', blanks[0], keySpan, blanks[1]);
    const m = plain ? ['', key] : KEY_RE.exec(key);
    if (!m) {
      report(ctx, keyNode, 'input-schema-invalid', `\`${key}\` is not a valid Picoschema key. Write \`name\`, \`name?\` (optional) or \`name(type, description)\` with type array, object or enum.`, at);
      continue;
    }
    const [, name, optionalMark, parenType, parenDescription] = m;
    const value = pair.value;
    const endSpan = spanOf(value, ctx);
    const span = { start: keySpan.start, end: endSpan?.end ?? keySpan.end };
    let field: SchemaField;
    if (parenType !== undefined) {
      if (parenType === 'array') {
        const object: SchemaField = { name: '', type: 'object', optional: false };
        if (isMap(value)) object.children = picoObject(value, ctx, keySpan, object);
        const items = isMap(value)
          ? object
          : isScalar(value) && typeof value.value === 'string'
            ? picoType(value.value, value, ctx, keySpan)
            : undefined;
        if (!items) report(ctx, value ?? keyNode, 'input-schema-invalid', `\`${name}(array)\` needs an item type, e.g. \`${name}(array): string\`.`, keySpan);
        field = { name, type: 'array', optional: false, items };
      } else if (parenType === 'object') {
        if (!isMap(value)) report(ctx, value ?? keyNode, 'input-schema-invalid', `\`${name}(object)\` needs a mapping of its fields below it.`, keySpan);
        field = { name, type: 'object', optional: false };
        field.children = isMap(value) ? picoObject(value, ctx, keySpan, field) : [];
      } else if (parenType === 'enum') {
        if (!isSeq(value)) report(ctx, value ?? keyNode, 'input-schema-invalid', `\`${name}(enum)\` needs a list of values, e.g. \`${name}(enum): [low, high]\`.`, keySpan);
        field = { name, type: 'enum', optional: false, enumValues: isSeq(value) ? value.items.map((i) => (isScalar(i) ? i.value : null)) : [] };
      } else {
        report(ctx, keyNode, 'input-schema-invalid', `Parenthetical Picoschema types must be array, object or enum; got \`${parenType || '(empty)'}\`. For a scalar write \`${name}: ${parenType || 'string'}\`.`, keySpan);
        field = { name, type: 'any', optional: false };
      }
      if (parenDescription) field.description = parenDescription;
    } else if (isMap(value)) {
      field = { name, type: 'object', optional: false };
      field.children = picoObject(value, ctx, keySpan, field);
    } else if (isScalar(value) && typeof value.value === 'string') {
      field = { ...picoType(value.value, value, ctx, keySpan), name };
    } else if (isSeq(value) && value.items.length === 1 && (isMap(value.items[0]) || (isScalar(value.items[0]) && typeof (value.items[0] as { value: unknown }).value === 'string'))) {
      // A YAML list holding one item's shape (`- role: string` or `[string]`): a list meant as an
      // array. Dotprompt would read it as an object with a field "0"; the fields are kept for the
      // template checks, as `(array)` would give them.
      const item = value.items[0];
      const example = isMap(item) ? `\`${name}(array):\` with the item's fields indented below it (without \`- \`)` : `\`${name}(array): ${String((item as { value: unknown }).value)}\``;
      report(ctx, value, 'input-schema-invalid', `A YAML list is not a Picoschema type: Dotprompt reads \`${name}\` as an object with a field "0". For a list, write ${example}.`, keySpan);
      const items = isMap(item) ? { name: '', type: 'object', optional: false, children: picoObject(item, ctx, keySpan) } : picoType(String((item as { value: unknown }).value), item as Node, ctx, keySpan);
      field = { name, type: 'array', optional: false, items };
    } else {
      report(ctx, value ?? keyNode, 'input-schema-invalid', `\`${name}\` needs a type, e.g. \`${name}: string, what it holds\`. Lists of values are written \`${name}(enum): [a, b]\`.`, keySpan);
      field = { name, type: 'any', optional: false };
    }
    field.optional = optionalMark === '?';
    field.keySpan = keySpan;
    field.span = span;
    fields.push(field);
  }
  return fields;
}

/**
 * Blanks Dotprompt keeps in a key: it takes the name as everything before the first `(` and the
 * type between the parentheses as written, so `tags (array)` declares a field named "tags " that
 * `{{tags}}` never reads, and `tags( array )` fails to load.
 */
function keyBlanks(key: string): [string, PromptDiagnostic['severity']] | undefined {
  const open = key.indexOf('(');
  const name = open < 0 ? key : key.slice(0, open);
  const bare = name.endsWith('?') ? name.slice(0, -1) : name;
  if (bare !== bare.trim() && bare.trim()) {
    const fixed = `${bare.trim()}${name.endsWith('?') ? '?' : ''}${open < 0 ? '' : key.slice(open)}`;
    return [`Dotprompt names this field \`${bare}\`, blanks included, so \`{{${bare.trim()}}}\` does not read it. Write \`${fixed}\`.`, 'warning'];
  }
  if (open >= 0) {
    const inner = key.slice(open + 1, key.endsWith(')') ? -1 : undefined);
    const type = inner.includes(',') ? inner.slice(0, inner.indexOf(',')) : inner;
    if (type !== type.trim() && ['array', 'object', 'enum'].includes(type.trim())) {
      return [`Dotprompt reads the type in parentheses as \`${type}\`, blanks included, and fails to load the prompt. Write \`${name}(${type.trim()}${inner.includes(',') ? inner.slice(inner.indexOf(',')) : ''})\`.`, 'error'];
    }
  }
  return undefined;
}

function jsonSchemaField(name: string, node: Node | null, optional: boolean, ctx: Ctx, at: Span): SchemaField {
  if (!isMap(node)) return { name, type: 'any', optional };
  const js = node.toJSON() as Record<string, unknown>;
  const rawType = Array.isArray(js.type) ? js.type.find((t) => t !== 'null') : js.type;
  const field: SchemaField = {
    name,
    type: typeof rawType === 'string' ? rawType : js.properties ? 'object' : Array.isArray(js.enum) ? 'enum' : 'any',
    optional,
    description: typeof js.description === 'string' ? js.description : undefined,
  };
  if (Array.isArray(js.enum)) {
    field.enumValues = js.enum;
    if (field.type === 'string' || field.type === 'any') field.type = 'enum';
  }
  const props = node.get('properties', true);
  if (isMap(props)) {
    const required = new Set(Array.isArray(js.required) ? js.required.map(String) : []);
    field.children = [];
    for (const pair of props.items as Pair<Node, Node | null>[]) {
      const key = isScalar(pair.key) ? String(pair.key.value) : '';
      const child = jsonSchemaField(key, pair.value, !required.has(key), ctx, at);
      child.keySpan = spanOf(pair.key, ctx);
      const end = spanOf(pair.value, ctx)?.end;
      if (child.keySpan) child.span = { start: child.keySpan.start, end: end ?? child.keySpan.end };
      field.children.push(child);
    }
  }
  const items = node.get('items', true) as Node | undefined;
  if (field.type === 'array') field.items = jsonSchemaField('', items ?? null, false, ctx, at);
  if (typeof js.type === 'string' && !JSON_SCHEMA_TYPES.has(js.type)) {
    report(ctx, node.get('type', true) as Node, 'input-schema-type', `\`${js.type}\` is not a JSON Schema type. Use one of ${[...JSON_SCHEMA_TYPES].join(', ')}.`, at);
  }
  return field;
}
