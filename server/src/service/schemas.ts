// Named schemas: JSON Schemas a runtime registers by name (Dotprompt's `defineSchema`), which prompts
// then name in `input.schema` / `output.schema` (`schema: Answer`) or as a field's type
// (`answer: Answer`). The project config lists them (`schemas:`, a name to a JSON Schema file); the
// library serves the template checks, completion, render and the test runner alike.
import { parse as parseYaml, parseDocument } from 'yaml';
import type { SchemaField, SchemaLibrary } from './formats/types';
import type { Span } from './text';
import { locate } from './yamlPath';

let generations = 0;

export class NamedSchemas implements SchemaLibrary {
  readonly generation = ++generations;
  private readonly byName: Map<string, Record<string, unknown>>;

  constructor(schemas: Record<string, Record<string, unknown>> | Map<string, Record<string, unknown>> = {}) {
    this.byName = schemas instanceof Map ? new Map(schemas) : new Map(Object.entries(schemas));
  }

  get(name: string): Record<string, unknown> | undefined {
    return this.byName.get(name);
  }

  names(): string[] {
    return [...this.byName.keys()].sort();
  }
}

/** A named schema that could not be loaded, by its name in `schemas:`. */
export interface SchemaFileProblem {
  name: string;
  message: string;
}

export interface LoadedSchemas {
  library: NamedSchemas;
  problems: SchemaFileProblem[];
}

function decode(uri: string): string {
  try {
    return decodeURIComponent(uri.split('/').pop() ?? uri);
  } catch {
    return uri;
  }
}

/** Whether `uri` is `root` or beneath it (both `file:` URIs). */
function within(uri: string, root: string): boolean {
  const r = root.endsWith('/') ? root : `${root}/`;
  return uri === root || uri.startsWith(r);
}

/**
 * Reads the files of `schemas:` (names to paths relative to the config file at `configUri`) through
 * `read` (the workspace host). A file outside `root` (the project, when given) is not read. Never
 * throws: each file that cannot be read or is not a JSON Schema object is a problem by its name.
 */
export async function loadNamedSchemas(entries: Record<string, string>, configUri: string, read: (uri: string) => Promise<string>, root?: string): Promise<{ schemas: Map<string, Record<string, unknown>>; texts: string[]; problems: SchemaFileProblem[] }> {
  const schemas = new Map<string, Record<string, unknown>>();
  const problems: SchemaFileProblem[] = [];
  const texts: string[] = [];
  for (const [name, relative] of Object.entries(entries)) {
    let uri: string;
    try {
      uri = new URL(relative.replace(/\\/g, '/'), configUri).toString();
    } catch {
      problems.push({ name, message: `\`${relative}\` is not a path.` });
      continue;
    }
    if (root && !within(uri, root)) {
      problems.push({ name, message: `\`${relative}\` is outside the project (${decode(root)}); schema files are read only inside it.` });
      continue;
    }
    let text: string;
    try {
      text = await read(uri);
    } catch (e) {
      problems.push({ name, message: `The schema file \`${relative}\` cannot be read (${e instanceof Error ? e.message.split('\n')[0] : String(e)}).` });
      continue;
    }
    texts.push(text);
    let value: unknown;
    try {
      value = /\.json$/i.test(uri) ? JSON.parse(text) : parseYaml(text, { maxAliasCount: 100 });
    } catch (e) {
      problems.push({ name, message: `The schema file \`${relative}\` is not valid ${/\.json$/i.test(uri) ? 'JSON' : 'YAML'}: ${e instanceof Error ? e.message.split('\n')[0] : String(e)}.` });
      continue;
    }
    if (!value || typeof value !== 'object' || Array.isArray(value)) {
      problems.push({ name, message: `The schema file \`${relative}\` holds ${Array.isArray(value) ? 'a list' : typeof value}, not a JSON Schema object.` });
      continue;
    }
    schemas.set(name, value as Record<string, unknown>);
  }
  return { schemas, texts, problems };
}

/**
 * The named schemas of one config file, re-read through the host on each call (its reads are
 * cached by modification time) and rebuilt only when a file's text or the entries changed, so the
 * library, and the analyses memoised on its generation, stay the same while nothing changed.
 */
export class SchemaLibraries {
  private readonly last = new Map<string, { key: string; loaded: LoadedSchemas }>();

  async load(configUri: string, entries: Record<string, string> | undefined, read: (uri: string) => Promise<string>, root?: string): Promise<LoadedSchemas | undefined> {
    if (!entries || !Object.keys(entries).length) return undefined;
    const { schemas, texts, problems } = await loadNamedSchemas(entries, configUri, read, root);
    const key = JSON.stringify([entries, texts, root ?? '']);
    const hit = this.last.get(configUri);
    if (hit && hit.key === key) return hit.loaded;
    const loaded = { library: new NamedSchemas(schemas), problems };
    this.last.set(configUri, { key, loaded });
    return loaded;
  }

  clear(): void {
    this.last.clear();
  }
}

/** The problems of `schemas:` placed on the config file's text: each on its entry's value. */
export function schemaProblemSpans(configText: string, problems: readonly SchemaFileProblem[]): { message: string; span: Span; severity: 'error' }[] {
  if (!problems.length) return [];
  const doc = parseDocument(configText);
  return problems.map((p) => {
    const { node, pair } = locate(doc, ['schemas', p.name]);
    const r = node?.range ?? (pair?.key as { range?: [number, number] } | undefined)?.range;
    return { message: `\`schemas.${p.name}\`: ${p.message}`, span: r ? { start: r[0], end: Math.max(r[1], r[0] + 1) } : { start: 0, end: 1 }, severity: 'error' as const };
  });
}

const MAX_SCHEMA_DEPTH = 20;

/** A JSON Schema as a `SchemaField` (no spans: it lives in another file), named schemas resolved. */
export function fieldOfJsonSchema(name: string, schema: unknown, optional: boolean, library: SchemaLibrary | undefined, depth = 0): SchemaField {
  if (!schema || typeof schema !== 'object' || Array.isArray(schema) || depth > MAX_SCHEMA_DEPTH) return { name, type: 'any', optional };
  const js = schema as Record<string, unknown>;
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
  if (js.properties && typeof js.properties === 'object') {
    const required = new Set(Array.isArray(js.required) ? js.required.map(String) : []);
    field.children = Object.entries(js.properties as Record<string, unknown>).map(([k, v]) => fieldOfJsonSchema(k, v, !required.has(k), library, depth + 1));
  }
  if (field.type === 'array') field.items = fieldOfJsonSchema('', js.items, false, library, depth + 1);
  return field;
}

/**
 * A declared field with its named types resolved: a field typed `Address` (a name in the library)
 * gets the schema's fields, type and description (its own description wins), at any depth.
 */
export function resolveNamedField(field: SchemaField, library: SchemaLibrary, depth = 0): SchemaField {
  if (depth > MAX_SCHEMA_DEPTH) return field;
  const named = library.get(field.type);
  let out = field;
  if (named) {
    const resolved = fieldOfJsonSchema(field.name, named, field.optional, library, depth + 1);
    out = { ...resolved, description: field.description ?? resolved.description, keySpan: field.keySpan, span: field.span };
  }
  if (out.children) out = { ...out, children: out.children.map((c) => resolveNamedField(c, library, depth + 1)) };
  if (out.items) out = { ...out, items: resolveNamedField(out.items, library, depth + 1) };
  return out;
}

/** The name an `input.schema` / `output.schema` written as one name refers to (`Answer`, `Answer, a description`). */
export function schemaNameOf(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  const name = value.split(',')[0].trim();
  return name || undefined;
}
