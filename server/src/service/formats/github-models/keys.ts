// The documentation tree of the prompt file's keys, derived from the schema's JSON Schema export
// (so hover, completion and the unknown-key check read what validation runs). Lists of mappings
// (`messages`, `testData`, `evaluators`) document their items' keys as their own children: the
// cursor path of a key inside a list item names the list, not the index.
import type { KeyInfo } from '../types';
import { githubModelsJsonSchema } from './schema';

type JsonSchema = Record<string, any>;

function typeLabel(s: JsonSchema): string {
  if (Array.isArray(s.enum)) return s.enum.map((v: unknown) => JSON.stringify(v)).join(' | ');
  if (Array.isArray(s.anyOf)) return s.anyOf.map(typeLabel).join(' | ');
  const t = Array.isArray(s.type) ? s.type.join(' | ') : (s.type ?? 'any');
  if (t === 'array') return `${s.items ? (s.items.type === 'object' ? 'mapping' : typeLabel(s.items)) : 'any'}[]`;
  if (t === 'object' && !s.properties) return 'mapping';
  const bounds: string[] = [];
  if (s.minimum !== undefined && s.maximum !== undefined) bounds.push(`${s.minimum} to ${s.maximum}`);
  else if (s.exclusiveMinimum === 0) bounds.push('> 0');
  else if (s.minimum !== undefined) bounds.push(`>= ${s.minimum}`);
  return bounds.length ? `${t} (${bounds.join(', ')})` : t;
}

function build(key: string, path: string[], s: JsonSchema): KeyInfo {
  const info: KeyInfo = { key, path, description: s.description ?? '', type: typeLabel(s), open: true };
  if (Array.isArray(s.enum)) info.enumValues = s.enum.map(String);
  // Suggested values of an open string (the lifecycle statuses): completion offers them, validation takes any string.
  else if (Array.isArray(s.examples) && s.type === 'string') info.enumValues = s.examples.map(String);
  const shape = s.type === 'array' && s.items?.type === 'object' ? s.items : s.type === 'object' ? s : undefined;
  if (shape?.properties) {
    info.children = new Map();
    for (const [k, child] of Object.entries<JsonSchema>(shape.properties)) info.children.set(k, build(k, [...path, k], child));
    info.open = shape.additionalProperties !== undefined && shape.additionalProperties !== false;
  }
  return info;
}

let root: KeyInfo | undefined;

export function promptFileKeys(): KeyInfo {
  root ??= build('', [], githubModelsJsonSchema());
  return root;
}

/** The documentation of the key at a path (list indexes are skipped: a list's children are its items' keys). */
export function keyInfoAt(path: readonly (string | number)[]): KeyInfo | undefined {
  let node: KeyInfo | undefined = promptFileKeys();
  for (const seg of path) {
    if (typeof seg === 'number') continue;
    node = node?.children?.get(seg);
    if (!node) return undefined;
  }
  return node;
}
