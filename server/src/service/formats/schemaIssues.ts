// What the YAML-settings front-ends share when they report a zod issue: the span of a YAML node in
// the document, the value at a path, and one message per kind of issue that says what was expected
// and what was written.
import type { Node } from 'yaml';
import type { $ZodIssue } from 'zod/v4/core';
import { closest } from '../suggest';
import type { Span } from '../text';
import { describeValue } from '../yamlPath';
import type { KeyInfo } from './types';

/** A YAML node's range as document offsets (`offset` is where the YAML text starts); never empty. */
export function nodeSpan(node: Node | null | undefined, offset: number): Span | undefined {
  const r = node?.range;
  return r ? { start: offset + r[0], end: offset + Math.max(r[1], r[0] + 1) } : undefined;
}

/** The plain value at a path of keys and indexes, or undefined. */
export function valueAt(value: unknown, path: readonly PropertyKey[]): unknown {
  let v: unknown = value;
  for (const seg of path) v = v == null ? undefined : (v as Record<PropertyKey, unknown>)[seg];
  return v;
}

function expectedLabel(expected: string): string {
  switch (expected) {
    case 'number':
      return 'a number';
    case 'int':
    case 'integer':
      return 'a whole number';
    case 'string':
      return 'text';
    case 'boolean':
      return '`true` or `false`';
    case 'array':
      return 'a list';
    case 'object':
    case 'record':
      return 'a mapping of keys to values';
    default:
      return expected;
  }
}

/**
 * The message of a schema issue at `path`, given the value written there and the key's documentation;
 * `replacement` is the allowed value nearest to what was written, for a quick fix.
 */
export function schemaIssueMessage(issue: $ZodIssue, path: readonly (string | number)[], actual: unknown, info: KeyInfo | undefined): { message: string; replacement?: string } {
  const dotted = path.join('.');
  switch (issue.code) {
    case 'invalid_type':
      return { message: `Expected ${expectedLabel(issue.expected)}${info && /\(/.test(info.type) ? ` (${info.type.replace(/^[^(]*\(|\)$/g, '')})` : ''} for \`${dotted}\`, got ${describeValue(actual)}.` };
    case 'too_big':
      return { message: `\`${dotted}\` must be ${issue.inclusive === false ? 'less than' : 'at most'} ${String(issue.maximum)}; got ${String(actual)}.` };
    case 'too_small':
      return { message: typeof actual === 'string' ? `\`${dotted}\` must not be empty.` : `\`${dotted}\` must be ${issue.inclusive === false ? 'greater than' : 'at least'} ${String(issue.minimum)}; got ${String(actual)}.` };
    case 'invalid_value': {
      const options = issue.values.map(String);
      const near = typeof actual === 'string' ? closest(actual, options) : undefined;
      return { message: `Expected one of ${options.map((o) => `\`${o}\``).join(', ')} for \`${dotted}\`, got ${describeValue(actual)}.${near ? ` Did you mean \`${near}\`?` : ''}`, replacement: near };
    }
    case 'invalid_union':
      return { message: `Expected ${info?.type ?? 'a different value'} for \`${dotted}\`, got ${describeValue(actual)}.` };
    default:
      return { message: `\`${dotted}\`: ${issue.message}` };
  }
}
