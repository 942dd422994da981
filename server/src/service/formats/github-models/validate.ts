// Checks a GitHub Models prompt file: the zod schema with each problem on the exact key or value,
// unknown keys with "did you mean", and what the schema cannot say: roles, `responseFormat:
// json_schema` without `jsonSchema`, `jsonSchema` as JSON Schema, evaluators with no method or
// more than one, and the variables between the messages, the test data rows and the evaluators.
import { isMap, isPair, isScalar, isSeq, type Document, type Node, type Pair } from 'yaml';
import type { PromptDiagnostic } from '../../diagnostic';
import { closest } from '../../suggest';
import type { Span } from '../../text';
import { describeValue, locate } from '../../yamlPath';
import type { KeyInfo } from '../types';
import { keyInfoAt, promptFileKeys } from './keys';
import type { PromptFileInfo, TemplatedText } from './parse';
import { BUILTIN_EVALUATORS, EVALUATOR_VARIABLES, GitHubModelsSchema, ROLES } from './schema';

let source = '';

/** A node's span, without the line breaks YAML counts into a block collection. */
function spanOf(node: Node | null | undefined, base: number): Span | undefined {
  const r = node?.range;
  if (!r) return undefined;
  const start = base + r[0];
  let end = base + Math.max(r[1], r[0] + 1);
  while (end > start + 1 && /\s/.test(source[end - 1] ?? '')) end--;
  return { start, end };
}

/** The first line of a span (a list item's diagnostic stays on its first line). */
function firstLine(text: string, span: Span): Span {
  let end = span.start;
  while (end < span.end && text[end] !== '\n' && text[end] !== '\r') end++;
  return { start: span.start, end: Math.max(end, span.start + 1) };
}

function getPath(value: unknown, path: readonly PropertyKey[]): unknown {
  let v: any = value;
  for (const seg of path) v = v == null ? undefined : v[seg as any];
  return v;
}

function expectedLabel(expected: string): string {
  return ({ number: 'a number', int: 'a whole number', integer: 'a whole number', string: 'text', boolean: '`true` or `false`', array: 'a list', object: 'a mapping of keys to values', record: 'a mapping of keys to values' } as Record<string, string>)[expected] ?? expected;
}

function dottedPath(path: readonly PropertyKey[]): string {
  return path.map((p, i) => (typeof p === 'number' ? `[${p}]` : `${i ? '.' : ''}${String(p)}`)).join('');
}

export function validatePromptFile(text: string, yaml: Document.Parsed, value: unknown, base: number, info: PromptFileInfo): PromptDiagnostic[] {
  const out: PromptDiagnostic[] = [];
  source = text;
  const root = yaml.contents as Node;
  const whole = spanOf(root, base) ?? { start: base, end: base + 1 };
  const at = (path: readonly PropertyKey[]) => {
    const { pair, node } = locate(yaml, path);
    return spanOf(node, base) ?? spanOf(pair?.key, base);
  };
  /** The nearest located ancestor's span (a missing key's mapping). */
  const near = (path: readonly PropertyKey[]) => {
    for (let n = path.length; n >= 0; n--) {
      const s = at(path.slice(0, n));
      if (s) return n < path.length ? firstLine(text, s) : s;
    }
    return whole;
  };

  // testData that is not a list: one error, and the rows are left alone.
  const testData = (value as Record<string, unknown>).testData;
  const rowsBroken = testData !== undefined && testData !== null && !Array.isArray(testData);
  if (rowsBroken) {
    out.push({ code: 'prompt-file-schema', severity: 'error', message: `\`testData\` must be a list of rows (\`- input: ...\`), one test case each; it is ${describeValue(testData)}.`, span: at(['testData']) ?? whole, data: { path: ['testData'] } });
  }

  const result = GitHubModelsSchema.safeParse(value);
  if (!result.success) {
    for (const issue of result.error.issues) {
      const path = issue.path;
      if (rowsBroken && path[0] === 'testData') continue;
      if (path.length === 1 && path[0] === 'jsonSchema') continue; // checkResponseFormat says it, as gh models does
      const dotted = dottedPath(path);
      const actual = getPath(value, path);
      const keyInfo = keyInfoAt(path as (string | number)[]);
      const last = path[path.length - 1];
      let message: string;
      let replacement: string | undefined;
      if (issue.code === 'invalid_type' && actual === undefined && path[0] === 'messages' && path.length === 3) {
        message = last === 'role' ? `This message has no \`role\`: add \`role: system\`, \`role: user\` or \`role: assistant\`.` : `This message has no \`content\`: add \`content:\` with its text.`;
      } else if (issue.code === 'invalid_type' && actual === undefined) {
        message = `\`${dotted}\` is missing: ${keyInfo?.description ?? 'add it'}`;
      } else {
        switch (issue.code) {
          case 'invalid_type':
            message = `Expected ${expectedLabel(issue.expected)}${keyInfo && /\(/.test(keyInfo.type) ? ` (${keyInfo.type.replace(/^[^(]*\(|\)$/g, '')})` : ''} for \`${dotted}\`, got ${describeValue(actual)}.`;
            break;
          case 'too_big':
            message = `\`${dotted}\` must be ${issue.inclusive === false ? 'less than' : 'at most'} ${String(issue.maximum)}; got ${String(actual)}.`;
            break;
          case 'too_small':
            message = `\`${dotted}\` must be ${issue.inclusive === false ? 'greater than' : 'at least'} ${String(issue.minimum)}; got ${String(actual)}.`;
            break;
          case 'invalid_value': {
            const options = issue.values.map(String);
            const guess = typeof actual === 'string' ? closest(actual, options) : undefined;
            message = `Expected one of ${options.map((o) => `\`${o}\``).join(', ')} for \`${dotted}\`, got ${describeValue(actual)}.${guess ? ` Did you mean \`${guess}\`?` : ''}`;
            replacement = guess;
            break;
          }
          case 'invalid_union':
            message = `Expected ${keyInfo?.type ?? 'a different value'} for \`${dotted}\`, got ${describeValue(actual)}.`;
            break;
          default:
            message = `\`${dotted}\`: ${issue.message}`;
        }
      }
      out.push({ code: 'prompt-file-schema', severity: 'error', message, span: actual === undefined ? near(path) : (at(path) ?? near(path)), data: { path: path.map(String), replacement } });
    }
  }
  if (isMap(root)) unknownKeys(root.items as Pair<Node, Node | null>[], promptFileKeys(), base, true, out);

  // No messages: `gh models` would send an empty conversation, and actions/ai-inference refuses the file.
  const messages = (value as Record<string, unknown>).messages;
  if (messages === undefined || messages === null || (Array.isArray(messages) && messages.length === 0)) {
    out.push({
      code: 'prompt-file-no-messages',
      severity: 'error',
      message: `${messages === undefined ? 'This prompt file has no `messages`' : '`messages` is empty'}: \`gh models\` sends that list to the model (a request without messages fails), and actions/ai-inference refuses a prompt file without it. Write the conversation as \`messages:\` with \`- role: system\` / \`- role: user\` items, each with its \`content\`.`,
      span: messages === undefined ? firstLine(text, whole) : (at(['messages']) ?? whole),
      data: { path: ['messages'] },
    });
  }

  // Roles: `gh models` knows system, user and assistant, in any case.
  for (const m of info.messages) {
    if (!m.role) continue;
    if (!(ROLES as readonly string[]).includes(m.role.value.toLowerCase())) {
      const guess = closest(m.role.value, ROLES);
      out.push({ code: 'unknown-role', severity: 'error', message: `Unknown role \`${m.role.value}\`: \`gh models\` accepts \`system\`, \`user\` and \`assistant\`.${guess ? ` Did you mean \`${guess}\`?` : ''}`, span: m.role.span, data: guess ? { replacement: guess } : undefined });
    } else if (m.role.value !== m.role.value.toLowerCase()) {
      // gh models lower-cases the role; actions/ai-inference compares it as written.
      const lower = m.role.value.toLowerCase();
      out.push({ code: 'role-case', severity: 'warning', message: `\`${m.role.value}\`: \`gh models\` reads it as \`${lower}\`, but actions/ai-inference (the GitHub Action that runs prompt files in workflows) refuses a role not written in lower case. Write \`${lower}\`.`, span: m.role.span, data: { replacement: lower } });
    }
  }

  // Model ids: `publisher/name`, as `gh models list` shows them; `gh models eval` sends the file's as written.
  const v = value as Record<string, unknown>;
  const modelIds: (readonly PropertyKey[])[] = [['model']];
  if (Array.isArray(v.evaluators)) v.evaluators.forEach((e, i) => e && typeof e === 'object' && (e as Record<string, unknown>).llm && modelIds.push(['evaluators', i, 'llm', 'modelId']));
  for (const path of modelIds) {
    const { node } = locate(yaml, path);
    if (!isScalar(node) || typeof node.value !== 'string' || !node.value.trim() || node.value.includes('/')) continue;
    const span = spanOf(node, base);
    if (!span) continue;
    // OpenAI's names, whose publisher is certain; another bare name may be a deployment's own.
    const id = node.value.trim();
    if (!OPENAI_MODEL.test(id)) continue;
    out.push({
      code: 'model-id-publisher',
      severity: 'warning',
      message: `\`${id}\` has no publisher: GitHub Models names this model \`openai/${id}\`, as \`gh models list\` shows, and \`gh models eval\` sends the id as written. Write \`openai/${id}\`.`,
      span,
      data: { replacement: `openai/${id}` },
    });
  }

  out.push(...checkResponseFormat(text, yaml, v, base, at));
  out.push(...checkEvaluators(text, v, info, at));
  out.push(...checkVariables(text, info, rowsBroken));
  return out;
}

/** OpenAI's model names (`gpt-4o-mini`, `o3`, `o4-mini`): published as `openai/<name>` on GitHub Models. */
const OPENAI_MODEL = /^(?:gpt-|chatgpt-|o\d(?:-|$)|text-embedding-)/i;

const LLM_KEYS = new Set(['modelId', 'prompt', 'choices', 'systemPrompt']);
const PARAMETER_ALIASES: Record<string, string> = { maxCompletionTokens: 'maxTokens', max_completion_tokens: 'maxTokens', max_tokens: 'maxTokens', maxOutputTokens: 'maxTokens', max_output_tokens: 'maxTokens', top_p: 'topP' };
const STRING_KEYS = new Set(['equals', 'contains', 'startsWith', 'endsWith']);

function unknownKeys(items: Pair<Node, Node | null>[], info: KeyInfo, base: number, root: boolean, out: PromptDiagnostic[]): void {
  const known = info.children;
  if (!known) return;
  for (const pair of items) {
    if (!isPair(pair) || !isScalar(pair.key)) continue;
    const key = String(pair.key.value);
    const child = known.get(key);
    if (child) {
      if (child.children) {
        const nodes = isSeq(pair.value) ? pair.value.items : [pair.value];
        for (const n of nodes) if (isMap(n)) unknownKeys(n.items as Pair<Node, Node | null>[], child, base, false, out);
      }
      continue;
    }
    // The names other APIs give the output limit and nucleus sampling: `gh models` reads only its own.
    const alias = info.path.join('.') === 'modelParameters' && Object.hasOwn(PARAMETER_ALIASES, key) ? PARAMETER_ALIASES[key] : undefined;
    const guess = alias ?? closest(key, known.keys());
    if (info.open && !guess) continue;
    const where = root ? 'a prompt file' : `\`${info.path.join('.')}\``;
    // An evaluator's check written one level too high.
    const parent = info.path.join('.') === 'evaluators' ? (LLM_KEYS.has(key) ? 'llm' : STRING_KEYS.has(key) ? 'string' : undefined) : undefined;
    out.push({
      code: 'prompt-file-unknown-key',
      severity: 'warning',
      message: alias
        ? `Unknown key \`${key}\` in ${where}: \`gh models\` ignores it, so this value is not sent. \`gh models\` calls it \`${alias}\`.`
        : `Unknown key \`${key}\` in ${where}: \`gh models\` ignores it.${parent ? ` \`${key}\` belongs under \`${parent}:\`.` : guess ? ` Did you mean \`${guess}\`?` : ` Known keys: ${[...known.keys()].join(', ')}.`}`,
      span: spanOf(pair.key, base)!,
      data: guess ? { replacement: guess } : undefined,
    });
  }
}

/** The quick fix of a `jsonSchema` written as a YAML mapping: the same value as JSON text in a `|` block. */
function jsonTextFix(text: string, key: Node, node: Node, value: unknown, base: number): { title: string; edits: { start: number; end: number; newText: string }[] } | undefined {
  if (!key.range || !node.range) return undefined;
  const start = base + key.range[1];
  let end = base + node.range[1];
  while (end > start && /\s/.test(text[end - 1])) end--;
  const lineStart = text.lastIndexOf('\n', base + key.range[0] - 1) + 1;
  const indent = ' '.repeat(base + key.range[0] - lineStart + 2);
  const nl = text.includes('\r\n') ? '\r\n' : '\n';
  let json: string;
  try {
    json = JSON.stringify(value, null, 2);
  } catch {
    return undefined;
  }
  if (typeof json !== 'string') return undefined;
  return { title: 'Write `jsonSchema` as JSON text', edits: [{ start, end, newText: `: |${nl}${json.split('\n').map((l) => indent + l).join(nl)}` }] };
}

function checkResponseFormat(text: string, yaml: Document.Parsed, value: Record<string, unknown>, base: number, at: (p: PropertyKey[]) => Span | undefined): PromptDiagnostic[] {
  const out: PromptDiagnostic[] = [];
  const format = value.responseFormat;
  let schema = value.jsonSchema;
  if (format === 'json_schema' && (schema === undefined || schema === null)) {
    out.push({ code: 'prompt-file-schema', severity: 'error', message: '`responseFormat: json_schema` needs a `jsonSchema` (`name`, `schema` and optionally `strict`): without it `gh models` refuses the file.', span: at(['responseFormat'])! });
  }
  if (schema === undefined || schema === null) return out;
  const schemaAt = at(['jsonSchema'])!;
  const { pair } = locate(yaml, ['jsonSchema']);
  const keyAt = (pair?.key && spanOf(pair.key as Node, base)) || schemaAt;
  if (typeof schema !== 'string' && pair && (isMap(pair.value) || isSeq(pair.value))) {
    // `gh models` decodes `jsonSchema` from a YAML scalar only and stops with "jsonSchema must be a JSON string".
    const fix = isMap(pair.value) ? jsonTextFix(text, pair.key as Node, pair.value as Node, schema, base) : undefined;
    out.push({
      code: 'prompt-file-json-schema',
      severity: 'error',
      message: `\`gh models\` refuses this file ("jsonSchema must be a JSON string"): it reads \`jsonSchema\` only as JSON text, as the GitHub Models prompt editor writes it, not as a YAML ${isMap(pair.value) ? 'mapping' : 'list'}. Write the same value as JSON in a block: \`jsonSchema: |\` followed by the JSON object, indented.`,
      span: keyAt,
      data: fix ? { fix } : undefined,
    });
  }
  // A number or boolean: gh models reads its text, which is no JSON object.
  if (typeof schema === 'number' || typeof schema === 'boolean') schema = String(schema);
  if (typeof schema === 'string') {
    try {
      schema = JSON.parse(schema);
    } catch (e) {
      out.push({ code: 'prompt-file-json-schema', severity: 'error', message: `\`jsonSchema\` is not valid JSON: ${e instanceof Error ? e.message : String(e)}. \`gh models\` refuses the file ("invalid JSON in jsonSchema").`, span: schemaAt });
      return out;
    }
    if (!schema || typeof schema !== 'object' || Array.isArray(schema)) {
      out.push({ code: 'prompt-file-json-schema', severity: 'error', message: '`jsonSchema` must be a JSON object with `name` and `schema`: `gh models` refuses any other JSON value.', span: schemaAt });
      return out;
    }
  }
  if (typeof schema !== 'object' || Array.isArray(schema)) return out;
  const s = schema as Record<string, unknown>;
  // `gh models` requires `name` and `schema` with `responseFormat: json_schema` (and sends the object as the request's `json_schema`).
  const wrapped = 'schema' in s || 'name' in s;
  if (format === 'json_schema' && !('name' in s)) {
    out.push({
      code: 'prompt-file-json-schema',
      severity: 'error',
      message: wrapped
        ? '`jsonSchema` needs a `name` (the name of the answer\'s schema, e.g. `"name": "person"`): without it `gh models` refuses the file ("jsonSchema must contain \'name\' field").'
        : '`jsonSchema` needs `name` and `schema`: `gh models` refuses a bare JSON Schema ("jsonSchema must contain \'name\' field"). Wrap it: `{"name": "answer", "schema": <this schema>}`.',
      span: keyAt,
    });
  }
  if (format === 'json_schema' && wrapped && !('schema' in s)) {
    out.push({ code: 'prompt-file-json-schema', severity: 'error', message: '`jsonSchema` needs a `schema`, the JSON Schema of the answer: without it `gh models` refuses the file ("jsonSchema must contain \'schema\' field").', span: keyAt });
  }
  if (format === undefined && (wrapped || 'type' in s || 'properties' in s)) {
    out.push({ code: 'prompt-file-json-schema', severity: 'warning', message: '`jsonSchema` has no effect without `responseFormat`: `gh models` sends the schema only with it. Add `responseFormat: json_schema`.', span: keyAt });
  }
  if (wrapped && 'name' in s && typeof s.name !== 'string') out.push({ code: 'prompt-file-json-schema', severity: 'error', message: '`jsonSchema`\'s `name` must be text (e.g. `"name": "person"`).', span: at(['jsonSchema', 'name']) ?? schemaAt });
  if (wrapped && 'schema' in s && (!s.schema || typeof s.schema !== 'object' || Array.isArray(s.schema))) out.push({ code: 'prompt-file-json-schema', severity: 'error', message: '`jsonSchema`\'s `schema` must be a JSON Schema object (`{"type": "object", ...}`).', span: at(['jsonSchema', 'schema']) ?? schemaAt });
  const body = wrapped ? s.schema : s;
  if (body && typeof body === 'object' && !Array.isArray(body)) {
    for (const problem of jsonSchemaProblems(body)) {
      const path = wrapped ? ['jsonSchema', 'schema', ...problem.path] : ['jsonSchema', ...problem.path];
      const span = typeof value.jsonSchema === 'string' ? schemaAt : (at(path) ?? at(path.slice(0, -1)) ?? schemaAt);
      out.push({ code: 'prompt-file-json-schema', severity: 'error', message: `\`jsonSchema\` is not a valid JSON Schema: ${problem.message}.`, span });
    }
  }
  return out;
}

let ajv: { validateSchema(s: object): boolean | Promise<unknown>; errors?: { instancePath: string; message?: string }[] | null } | undefined;

/** The meta-schema errors of a JSON Schema (Ajv's, draft-07), with the path of keys to each. */
function jsonSchemaProblems(schema: object): { path: (string | number)[]; message: string }[] {
  try {
    if (!ajv) {
      const Ajv = (require('ajv') as typeof import('ajv')).default;
      ajv = new Ajv({ strict: false, validateSchema: false }) as unknown as typeof ajv;
    }
    if (ajv!.validateSchema(schema) === true) return [];
    // One problem per place: a failed `anyOf` also reports each of its branches there.
    const seen = new Set<string>();
    const errors = (ajv!.errors ?? []).filter((e) => !seen.has(e.instancePath) && !!seen.add(e.instancePath));
    return errors.slice(0, 5).map((e) => ({
      path: e.instancePath.split('/').slice(1).map((p) => (/^\d+$/.test(p) ? Number(p) : p.replace(/~1/g, '/').replace(/~0/g, '~'))),
      message: `${e.instancePath ? `\`${e.instancePath.slice(1).replace(/\//g, '.')}\` ` : ''}${e.message ?? 'invalid'}`,
    }));
  } catch {
    return []; // a `$schema` Ajv does not know: not checked
  }
}

function checkEvaluators(text: string, value: Record<string, unknown>, info: PromptFileInfo, at: (p: PropertyKey[]) => Span | undefined): PromptDiagnostic[] {
  const out: PromptDiagnostic[] = [];
  const list = Array.isArray(value.evaluators) ? (value.evaluators as unknown[]) : [];
  for (const ev of info.evaluators) {
    const raw = list[ev.index] as Record<string, unknown> | undefined;
    if (!raw || typeof raw !== 'object') continue;
    const methods = ['string', 'llm', 'uses'].filter((k) => raw[k] !== undefined && raw[k] !== null);
    const where = ev.nameSpan ?? firstLine(text, ev.span);
    if (!methods.length) {
      out.push({ code: 'prompt-file-evaluator', severity: 'error', message: `The evaluator${ev.name ? ` \`${ev.name}\`` : ''} has no check: give it \`string:\` (equals, contains, startsWith, endsWith), \`llm:\` (a judge prompt with choices) or \`uses: github/...\`.`, span: where });
    } else if (methods.length > 1) {
      out.push({ code: 'prompt-file-evaluator', severity: 'warning', message: `The evaluator${ev.name ? ` \`${ev.name}\`` : ''} has ${methods.map((m) => `\`${m}\``).join(' and ')}: \`gh models eval\` runs only \`${methods[0]}\`. Split it into ${methods.length} evaluators.`, span: where });
    }
    if (ev.kind === 'string' && raw.string && typeof raw.string === 'object') {
      const keys = Object.keys(raw.string as object).filter((k) => ['equals', 'contains', 'startsWith', 'endsWith'].includes(k));
      const set = keys.filter((k) => (raw.string as Record<string, unknown>)[k] !== '');
      if (!set.length) out.push({ code: 'prompt-file-evaluator', severity: 'error', message: 'A `string` evaluator needs a non-empty `equals`, `contains`, `startsWith` or `endsWith`.', span: at(['evaluators', ev.index, 'string']) ?? where });
      else if (set.length > 1) {
        const order = ['equals', 'contains', 'startsWith', 'endsWith'].filter((k) => set.includes(k));
        out.push({ code: 'prompt-file-evaluator', severity: 'warning', message: `This \`string\` evaluator has ${order.map((k) => `\`${k}\``).join(', ')}: \`gh models eval\` checks only \`${order[0]}\`. Write one evaluator per check.`, span: at(['evaluators', ev.index, 'string']) ?? where });
      }
    }
    if (ev.kind === 'uses' && ev.uses) {
      const m = /^github\/(.*)$/.exec(ev.uses.value);
      const names = Object.keys(BUILTIN_EVALUATORS);
      if (!m || !BUILTIN_EVALUATORS[m[1]]) {
        const guess = closest(m ? m[1] : ev.uses.value, names);
        out.push({ code: 'prompt-file-evaluator', severity: 'error', message: `\`${ev.uses.value}\` is not a built-in evaluator: ${names.map((n) => `\`github/${n}\``).join(', ')}.${guess ? ` Did you mean \`github/${guess}\`?` : ''}`, span: ev.uses.span, data: guess ? { replacement: `github/${guess}` } : undefined });
      } else if (info.rows.length) {
        // The built-in judge prompts read `input` (and `expected`): rows without them leave the placeholder as text.
        for (const v of BUILTIN_EVALUATORS[m[1]].variables) {
          if (v in EVALUATOR_VARIABLES) continue;
          if (!info.rows.some((r) => r.values.some((x) => x.name === v))) {
            // A warning, as for a message: \`gh models eval\` still runs the judge, with the placeholder as written.
            out.push({ code: 'undefined-variable', severity: 'warning', message: `\`github/${m[1]}\` reads \`{{${v}}}\`, which no \`testData\` row has: the judge gets \`{{${v}}}\` as written and scores without it. Add \`${v}:\` to the rows.`, span: ev.uses.span, data: { name: v } });
          }
        }
      }
    }
  }
  return out;
}

/** The names a templated string may read: the rows' keys, plus `completion` in a judge's prompt. */
function available(t: TemplatedText, names: Set<string>): (name: string) => boolean {
  return (name) => names.has(name) || (t.scope === 'judge' && name in EVALUATOR_VARIABLES);
}

function checkVariables(text: string, info: PromptFileInfo, rowsBroken: boolean): PromptDiagnostic[] {
  const out: PromptDiagnostic[] = [];
  const names = new Set(info.rows.flatMap((r) => r.values.map((v) => v.name)));
  const used = new Set<string>();
  for (const t of info.texts) {
    const has = available(t, names);
    const inMessage = t.path[0] === 'messages';
    for (const p of t.placeholders) {
      used.add(p.name);
      if (!p.exact) {
        out.push({ code: 'placeholder-spaces', severity: 'warning', message: `\`gh models\` replaces only \`{{${p.name}}}\` written without spaces: this placeholder stays in the text as written.`, span: p.span, data: { replacement: `{{${p.name}}}` } });
      }
      if (rowsBroken || has(p.name)) continue;
      const guess = closest(p.name, [...names, ...(t.scope === 'judge' ? Object.keys(EVALUATOR_VARIABLES) : [])]);
      if (inMessage && !info.rows.length) continue; // no test data: values come at run time (`gh models run --var`)
      if (!inMessage && t.scope === 'row' && p.name === 'completion') {
        out.push({ code: 'undefined-variable', severity: 'error', message: '`{{completion}}` has a value only in an `llm` evaluator\'s prompt; a `string` evaluator compares the answer itself.', span: p.nameSpan, data: { name: p.name } });
        continue;
      }
      // Rows that nest the value one level down (`- variables: {name: ...}`): only top-level keys count.
      const nested = info.rows.flatMap((r) => r.values).find((v) => v.value && typeof v.value === 'object' && !Array.isArray(v.value) && p.name in (v.value as object));
      out.push({
        code: 'undefined-variable',
        severity: inMessage ? 'warning' : 'error',
        message: `\`{{${p.name}}}\` is not a variable of any \`testData\` row${t.scope === 'judge' ? ' (nor `completion`, the answer)' : ''}: it stays in the text as written.${nested ? ` The rows have it under \`${nested.name}:\`; \`gh models\` reads only a row's own keys, so write \`${p.name}:\` directly in the row.` : guess ? ` Did you mean \`${guess}\`?` : ` Add \`${p.name}:\` to the rows.`}`,
        span: p.nameSpan,
        data: { name: p.name, replacement: guess },
      });
    }
  }
  for (const e of info.evaluators) {
    const m = e.uses && /^github\/(.*)$/.exec(e.uses.value);
    for (const v of (m && BUILTIN_EVALUATORS[m[1]]?.variables) || []) used.add(v);
  }
  // Rows that lack a variable a message uses: `gh models` sends the placeholder as text.
  const messageVars = [...new Set(info.messages.flatMap((m) => m.content?.placeholders.map((p) => p.name) ?? []))];
  for (const row of info.rows) {
    const missing = messageVars.filter((v) => names.has(v) && !row.values.some((x) => x.name === v));
    if (missing.length) {
      out.push({
        code: 'test-row-missing-variable',
        severity: 'warning',
        message: `This row has no ${missing.map((v) => `\`${v}\``).join(', ')}: the message${missing.length > 1 ? 's send' : ' sends'} ${missing.map((v) => `\`{{${v}}}\``).join(', ')} as written for it.`,
        span: firstLine(text, row.span),
        data: { missing },
      });
    }
  }
  // Keys no message or evaluator reads (`expected` is documentation for readers and judges, and stays quiet).
  const reported = new Set<string>();
  for (const row of info.rows) {
    for (const v of row.values) {
      if (used.has(v.name) || v.name === 'expected' || reported.has(v.name)) continue;
      reported.add(v.name);
      out.push({ code: 'unused-variable', severity: 'hint', message: `\`${v.name}\` is not used by any message or evaluator.`, span: v.keySpan, unnecessary: true });
    }
  }
  return out;
}
