// A tree of every documented frontmatter key, derived from the JSON Schema export so that
// validation, hover and completion all read the same source.
import type { KeyInfo } from '../types';
import { frontmatterJsonSchema, type ModelFamily } from './schema';

type JsonSchema = Record<string, any>;

function typeLabel(s: JsonSchema): string {
  if (Array.isArray(s.enum)) return s.enum.map((v: unknown) => JSON.stringify(v)).join(' | ');
  if (Array.isArray(s.anyOf)) return s.anyOf.map(typeLabel).join(' | ');
  const t = Array.isArray(s.type) ? s.type.join(' | ') : (s.type ?? 'any');
  if (t === 'array') return `${s.items ? typeLabel(s.items) : 'any'}[]`;
  const bounds: string[] = [];
  if (s.minimum !== undefined && s.maximum !== undefined) bounds.push(`${s.minimum} to ${s.maximum}`);
  else if (s.exclusiveMinimum === 0) bounds.push('> 0');
  else if (s.minimum !== undefined) bounds.push(`>= ${s.minimum}`);
  return bounds.length ? `${t} (${bounds.join(', ')})` : t;
}

function build(key: string, path: string[], s: JsonSchema): KeyInfo {
  const info: KeyInfo = {
    key,
    path,
    description: s.description ?? '',
    type: typeLabel(s),
    families: s.families,
    open: s.type !== 'object' || s.additionalProperties !== false,
  };
  if (Array.isArray(s.enum)) info.enumValues = s.enum.map(String);
  // Suggested values of an open string (the lifecycle statuses): completion offers them, validation takes any string.
  else if (Array.isArray(s.examples) && s.type === 'string') info.enumValues = s.examples.map(String);
  if (s.type === 'object' && s.properties) {
    info.children = new Map();
    for (const [k, child] of Object.entries<JsonSchema>(s.properties)) {
      info.children.set(k, build(k, [...path, k], child));
    }
    // `looseObject` exports `additionalProperties: {}`; `object` exports `false`.
    info.open = s.additionalProperties !== undefined && s.additionalProperties !== false;
    info.type = 'object';
  }
  return info;
}

let root: KeyInfo | undefined;

export function frontmatterKeys(): KeyInfo {
  root ??= build('', [], frontmatterJsonSchema());
  return root;
}

/** The documentation node for a path of keys, or undefined when the path is not documented. */
export function keyInfoAt(path: readonly (string | number)[]): KeyInfo | undefined {
  let node: KeyInfo | undefined = frontmatterKeys();
  for (const seg of path) {
    if (typeof seg === 'number') return undefined;
    node = node?.children?.get(seg);
    if (!node) return undefined;
  }
  return node;
}

/** The model family named by a `provider/model` string, if it is one we know. */
export function modelFamily(model: unknown): ModelFamily | undefined {
  if (typeof model !== 'string') return undefined;
  const provider = model.split('/')[0].toLowerCase();
  if (provider === 'openai' || provider === 'azure-openai') return 'openai';
  if (provider === 'anthropic') return 'anthropic';
  if (provider === 'googleai' || provider === 'google') return 'googleai';
  if (provider === 'vertexai') return 'vertexai';
  if (provider === 'ollama') return 'ollama';
  return undefined;
}
