// The documentation tree of Prompty's frontmatter keys (hover, completion, unknown-key checks),
// derived from the JSON Schema export of the zod schemas. Version 2 keys first; keys only version 1
// has are added, marked as such (completion lists them last).
import type { KeyInfo } from '../types';
import { promptyJsonSchema } from './schema';

type JsonSchema = Record<string, any>;

export const V1_FAMILY = 'Prompty version 1';

function typeLabel(s: JsonSchema): string {
  if (Array.isArray(s.enum)) return s.enum.map((v: unknown) => JSON.stringify(v)).join(' | ');
  if (Array.isArray(s.anyOf)) return [...new Set(s.anyOf.map(typeLabel))].join(' | ');
  const t = Array.isArray(s.type) ? s.type.join(' | ') : (s.type ?? 'any');
  if (t === 'array') return `${s.items ? typeLabel(s.items) : 'any'}[]`;
  if (t === 'object' && s.additionalProperties && typeof s.additionalProperties === 'object' && !s.properties) return 'mapping';
  const bounds: string[] = [];
  if (s.minimum !== undefined && s.maximum !== undefined) bounds.push(`${s.minimum} to ${s.maximum}`);
  else if (s.exclusiveMinimum === 0) bounds.push('> 0');
  return bounds.length ? `${t} (${bounds.join(', ')})` : t;
}

/** The object variant of a union (`model: string | { id, ... }`), whose keys are documented. */
function objectOf(s: JsonSchema): JsonSchema | undefined {
  if (s.type === 'object' && s.properties) return s;
  if (Array.isArray(s.anyOf)) return s.anyOf.find((x: JsonSchema) => x.type === 'object' && x.properties);
  return undefined;
}

function build(key: string, path: string[], s: JsonSchema, families?: string[]): KeyInfo {
  const info: KeyInfo = { key, path, description: s.description ?? '', type: typeLabel(s), families, open: true };
  if (Array.isArray(s.enum)) info.enumValues = s.enum.map(String);
  // Suggested values of an open string (the lifecycle statuses): completion offers them, validation takes any string.
  else if (Array.isArray(s.examples) && s.type === 'string') info.enumValues = s.examples.map(String);
  else if (Array.isArray(s.anyOf)) {
    const e = s.anyOf.find((x: JsonSchema) => Array.isArray(x.enum));
    if (e) info.enumValues = e.enum.map(String);
  }
  const obj = objectOf(s);
  if (obj) {
    info.children = new Map();
    for (const [k, child] of Object.entries<JsonSchema>(obj.properties)) info.children.set(k, build(k, [...path, k], { description: child.description, ...child }, families));
    info.open = obj.additionalProperties !== undefined && obj.additionalProperties !== false;
    if (obj === s) info.type = 'object';
  }
  return info;
}

/** Adds the keys only `extra` has, marked with `family`. */
function merge(into: KeyInfo, extra: KeyInfo, family: string): void {
  if (!extra.children) return;
  into.children ??= new Map();
  for (const [k, child] of extra.children) {
    const have = into.children.get(k);
    if (!have) into.children.set(k, mark(child, family));
    else merge(have, child, family);
  }
}

function mark(info: KeyInfo, family: string): KeyInfo {
  const out: KeyInfo = { ...info, families: [family] };
  if (info.children) out.children = new Map([...info.children].map(([k, c]) => [k, mark(c, family)]));
  return out;
}

let v2: KeyInfo | undefined;
let v1: KeyInfo | undefined;
let merged: KeyInfo | undefined;

/** The key tree of one version (for unknown-key checks). */
export function promptyKeys(version: 1 | 2): KeyInfo {
  if (version === 1) return (v1 ??= build('', [], promptyJsonSchema(1)));
  return (v2 ??= build('', [], promptyJsonSchema(2)));
}

function mergedKeys(): KeyInfo {
  if (!merged) {
    merged = build('', [], promptyJsonSchema(2));
    merge(merged, promptyKeys(1), V1_FAMILY);
  }
  return merged;
}

/**
 * Both versions' keys: Prompty's runtimes migrate version 1 keys in any file and read version 2
 * keys in any file, so a key of either is known (a version 1 one gets its hint instead).
 */
export function promptyKeysAll(): KeyInfo {
  return mergedKeys();
}

/** The documentation of the key at a path (version 2, else version 1), or undefined. */
export function keyInfoAt(path: readonly (string | number)[], root: KeyInfo = mergedKeys()): KeyInfo | undefined {
  let node: KeyInfo | undefined = root;
  for (const seg of path) {
    if (!node) return undefined;
    if (isCollection(node)) {
      node = typeof seg === 'number' ? itemInfo(node, String(seg)) : (node.children?.get(seg) ?? itemInfo(node, seg));
      continue;
    }
    // A list index elsewhere (`stopSequences[0]`) stays on the list's documentation.
    if (typeof seg === 'number') continue;
    node = node.children?.get(seg);
  }
  return node;
}

// `inputs`, `outputs`, `tools` hold named entries: `inputs.firstName.kind` is documented as a property's `kind`.
const COLLECTIONS = new Set(['inputs', 'outputs', 'tools']);
function isCollection(node: KeyInfo): boolean {
  return node.path.length === 1 && COLLECTIONS.has(node.path[0]);
}

function itemInfo(node: KeyInfo, name: string): KeyInfo | undefined {
  const schema = promptyJsonSchema(2) as JsonSchema;
  const s = schema.properties?.[node.path[0]];
  const variants: JsonSchema[] = s?.anyOf ?? [];
  const list = variants.find((v) => v.type === 'array');
  const item = list?.items;
  if (!item?.properties) return undefined;
  return build(name, [...node.path, name], { ...item, description: `The ${node.path[0] === 'tools' ? 'tool' : node.path[0] === 'inputs' ? 'input' : 'output'} \`${name}\`.` });
}
