// JSON checks: is-json, contains-json, json-schema (default: the prompt's output schema). Schema
// failures name the path in the output that failed and the rule, from ajv's errors.
import type { ErrorObject, ValidateFunction } from 'ajv';
import type { FixtureAssertion } from '../fixtures';
import { quote } from './text';
import type { AssertionContext, Check } from './types';

type AjvInstance = { compile(schema: object): ValidateFunction };
let ajv: AjvInstance | undefined;
const compiled = new WeakMap<object, ValidateFunction>();

/** Loaded on the first schema check only. */
export function validator(schema: object): ValidateFunction {
  if (!ajv) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const Ajv = (require('ajv') as typeof import('ajv')).default;
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const addFormats = (require('ajv-formats') as typeof import('ajv-formats')).default;
    const instance = new Ajv({ allErrors: true, strict: false });
    addFormats(instance);
    ajv = instance;
  }
  let v = compiled.get(schema);
  if (!v) {
    v = ajv.compile(schema);
    compiled.set(schema, v);
  }
  return v;
}

export function describeSchemaErrors(errors: readonly ErrorObject[] | null | undefined): string {
  return (errors ?? [])
    .slice(0, 5)
    .map((e) => {
      const at = e.instancePath || '(the root)';
      const extra = e.keyword === 'additionalProperties' ? ` (\`${String((e.params as { additionalProperty?: string }).additionalProperty)}\`)` : e.keyword === 'enum' ? ` (${((e.params as { allowedValues?: unknown[] }).allowedValues ?? []).map((x) => JSON.stringify(x)).join(', ')})` : '';
      return `${at}: ${e.message ?? e.keyword}${extra} [schema ${e.schemaPath}]`;
    })
    .join('; ');
}

function checkSchema(value: unknown, schema: Record<string, unknown>, what: string): Check {
  let validate: ValidateFunction;
  try {
    validate = validator(schema);
  } catch (e) {
    return { pass: false, error: true, reason: `The JSON Schema is invalid: ${(e as Error).message}.` };
  }
  const ok = validate(value) as boolean;
  return {
    pass: ok,
    reason: ok ? `${what} matches the schema.` : `${what} does not match the schema: ${describeSchemaErrors(validate.errors)}.`,
    expected: JSON.stringify(schema, null, 2),
    actual: JSON.stringify(value, null, 2),
  };
}

export function isJson(a: FixtureAssertion, ctx: AssertionContext): Check {
  let value: unknown;
  try {
    value = JSON.parse(ctx.output);
  } catch (e) {
    return { pass: false, reason: `The output is not valid JSON: ${(e as Error).message}.`, expected: 'valid JSON', actual: ctx.output };
  }
  if (a.value && typeof a.value === 'object') return checkSchema(value, a.value as Record<string, unknown>, 'The output');
  return { pass: true, reason: 'The output is valid JSON.', expected: 'valid JSON', actual: ctx.output };
}

/** Every balanced `{...}` / `[...]` in the text that parses as JSON, in order (strings respected). */
export function findJsonValues(text: string, limit = 20): unknown[] {
  const found: unknown[] = [];
  for (let i = 0; i < text.length && found.length < limit; i++) {
    const open = text[i];
    if (open !== '{' && open !== '[') continue;
    const stack: string[] = [];
    let inString = false;
    for (let j = i; j < text.length; j++) {
      const ch = text[j];
      if (inString) {
        if (ch === '\\') j++;
        else if (ch === '"') inString = false;
        continue;
      }
      if (ch === '"') inString = true;
      else if (ch === '{' || ch === '[') stack.push(ch === '{' ? '}' : ']');
      else if (ch === '}' || ch === ']') {
        if (stack.pop() !== ch) break;
        if (!stack.length) {
          try {
            found.push(JSON.parse(text.slice(i, j + 1)));
            i = j;
          } catch {
            // not JSON: try the next opening bracket
          }
          break;
        }
      }
    }
  }
  return found;
}

export function containsJson(a: FixtureAssertion, ctx: AssertionContext): Check {
  const values = findJsonValues(ctx.output);
  if (!values.length) return { pass: false, reason: 'The output contains no JSON object or array.', expected: 'a JSON object or array in the output', actual: ctx.output };
  if (!(a.value && typeof a.value === 'object')) return { pass: true, reason: `The output contains JSON (${quote(JSON.stringify(values[0]), 60)}).`, actual: ctx.output };
  let last: Check | undefined;
  for (const v of values) {
    last = checkSchema(v, a.value as Record<string, unknown>, 'The JSON in the output');
    if (last.pass || last.error) return last;
  }
  return last!;
}

export function jsonSchema(a: FixtureAssertion, ctx: AssertionContext): Check {
  const schema = (a.value && typeof a.value === 'object' ? a.value : ctx.outputSchema) as Record<string, unknown> | undefined;
  if (!schema) return { pass: false, error: true, reason: '`json-schema` has no `value` and the prompt declares no `output.schema` to check against.' };
  let value: unknown;
  try {
    value = JSON.parse(ctx.output);
  } catch (e) {
    return { pass: false, reason: `The output is not valid JSON (${(e as Error).message}), so it cannot match the schema.`, expected: JSON.stringify(schema, null, 2), actual: ctx.output };
  }
  return checkSchema(value, schema, `The output${a.value ? '' : " (against the prompt's output.schema)"}`);
}
