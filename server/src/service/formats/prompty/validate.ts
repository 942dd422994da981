// Validates Prompty frontmatter against the schema of its version (detected from the keys it
// uses), on the exact key or value; gives each version 1 key a hint with its version 2 spelling
// (with the rewrite as a quick fix where it is a rename); checks the shape of `${env:...}` and
// `${file:...}` references without resolving them.
import { isMap, isScalar, isSeq, type Document, type Node, type Pair } from 'yaml';
import type { PromptDiagnostic } from '../../diagnostic';
import { closest } from '../../suggest';
import type { Span } from '../../text';
import { describeValue, locate } from '../../yamlPath';
import { nodeSpan, schemaIssueMessage, valueAt } from '../schemaIssues';
import type { FrontmatterBlock } from '../frontmatter';
import type { KeyInfo } from '../types';
import { keyInfoAt, promptyKeysAll } from './keys';
import { PromptyV1Schema, PromptyV2Schema } from './schema';

function record(value: unknown): Record<string, unknown> {
  return value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

/** Version 1 when the file uses a key only version 1 has. */
export function detectVersion(fm: Record<string, unknown>): 1 | 2 {
  const model = record(fm.model);
  if ('api' in model || 'configuration' in model || 'parameters' in model) return 1;
  if ('sample' in fm || 'authors' in fm || typeof fm.template === 'string') return 1;
  if (('version' in fm || 'tags' in fm) && !('metadata' in fm)) return 1;
  const inputs = fm.inputs;
  if (inputs && typeof inputs === 'object' && !Array.isArray(inputs)) {
    for (const v of Object.values(inputs)) if (v && typeof v === 'object' && !Array.isArray(v) && ('type' in v || 'sample' in v)) return 1;
  }
  return 2;
}

/** A version 1 key and its version 2 spelling; `rename` when rewriting the key alone is the fix. */
interface Legacy {
  path: string[];
  v2: string;
  rename?: string;
}

const LEGACY: Legacy[] = [
  { path: ['model', 'api'], v2: '`model.apiType`', rename: 'apiType' },
  { path: ['model', 'configuration'], v2: '`model.connection` (its `type` becomes `model.provider`)', rename: 'connection' },
  { path: ['model', 'parameters'], v2: '`model.options`', rename: 'options' },
  { path: ['model', 'parameters', 'max_tokens'], v2: '`model.options.maxOutputTokens`', rename: 'maxOutputTokens' },
  { path: ['model', 'parameters', 'top_p'], v2: '`model.options.topP`', rename: 'topP' },
  { path: ['model', 'parameters', 'frequency_penalty'], v2: '`model.options.frequencyPenalty`', rename: 'frequencyPenalty' },
  { path: ['model', 'parameters', 'presence_penalty'], v2: '`model.options.presencePenalty`', rename: 'presencePenalty' },
  { path: ['model', 'parameters', 'stop'], v2: '`model.options.stopSequences`', rename: 'stopSequences' },
  { path: ['model', 'parameters', 'tools'], v2: 'top-level `tools:`' },
  // Version 1's snake_case names under version 2's `model.options`: passed to the API as written
  // (Prompty maps only its own camelCase names to the provider's), so they work where the API takes them.
  { path: ['model', 'options', 'max_tokens'], v2: '`model.options.maxOutputTokens` (as written, it goes to the API unchanged)', rename: 'maxOutputTokens' },
  { path: ['model', 'options', 'top_p'], v2: '`model.options.topP` (as written, it goes to the API unchanged)', rename: 'topP' },
  { path: ['model', 'options', 'frequency_penalty'], v2: '`model.options.frequencyPenalty` (as written, it goes to the API unchanged)', rename: 'frequencyPenalty' },
  { path: ['model', 'options', 'presence_penalty'], v2: '`model.options.presencePenalty` (as written, it goes to the API unchanged)', rename: 'presencePenalty' },
  { path: ['model', 'options', 'stop'], v2: '`model.options.stopSequences` (as written, it goes to the API unchanged)', rename: 'stopSequences' },
  { path: ['model', 'configuration', 'type'], v2: '`model.provider` (`azure_openai` is `azure`)' },
  { path: ['model', 'configuration', 'azure_endpoint'], v2: '`model.connection.endpoint`', rename: 'endpoint' },
  { path: ['model', 'configuration', 'api_key'], v2: '`model.connection.apiKey`', rename: 'apiKey' },
  { path: ['model', 'configuration', 'azure_deployment'], v2: '`model.id`' },
  { path: ['sample'], v2: 'a `default` on each input' },
  { path: ['authors'], v2: '`metadata.authors`' },
  { path: ['tags'], v2: '`metadata.tags`' },
  { path: ['version'], v2: '`metadata.version`' },
];

function legacyDiagnostic(doc: Document, l: Legacy, base: number, value: Record<string, unknown>, out: PromptDiagnostic[]): void {
  // `model.configuration` / `model.parameters` were renamed when the sibling already exists: then it is no simple rename.
  const parent = record(valueAt(value, l.path.slice(0, -1)));
  // Only where the key is (`model: gpt-4o` has no `model.api`; `locate` would stop at `model`).
  if (!(l.path[l.path.length - 1] in parent)) return;
  const { pair } = locate(doc, l.path);
  if (!pair || !isScalar(pair.key)) return;
  const rename = l.rename && !(l.rename in parent) ? l.rename : undefined;
  const at = nodeSpan(pair.key, base)!;
  const old = l.path[l.path.length - 1];
  out.push({
    code: 'prompty-v1-field',
    severity: 'hint',
    message: l.path[1] === 'options'
      ? `\`${old}\` under \`model.options\` is Prompty version 1's spelling; version 2 writes it as ${l.v2}.`
      : `\`${l.path.join('.')}\` is Prompty version 1; version 2 writes it as ${l.v2}.${rename ? '' : ' Move it by hand.'}`,
    span: at,
    data: rename ? { replacement: rename, fix: { title: `Rename \`${old}\` to \`${rename}\` (Prompty version 2)`, edits: [{ start: at.start, end: at.end, newText: rename }] } } : undefined,
  });
}

/** `inputs.<name>.type` / `.sample`, and `template: jinja2`. */
function legacyInputs(doc: Document, text: string, base: number, value: Record<string, unknown>, out: PromptDiagnostic[]): void {
  const inputs = locate(doc, ['inputs']).node;
  if (isMap(inputs)) {
    for (const pair of inputs.items as Pair<Node, Node | null>[]) {
      if (!isScalar(pair.key) || !isMap(pair.value)) continue;
      const name = String(pair.key.value);
      const entry = record(record(value.inputs)[name]);
      for (const p of pair.value.items as Pair<Node, Node | null>[]) {
        if (!isScalar(p.key)) continue;
        const k = String(p.key.value);
        const to = k === 'type' ? 'kind' : k === 'sample' ? 'default' : undefined;
        if (!to) continue;
        const at = nodeSpan(p.key, base)!;
        const clash = to in entry;
        out.push({
          code: 'prompty-v1-field',
          severity: 'hint',
          message: `\`inputs.${name}.${k}\` is Prompty version 1; version 2 writes it as \`inputs.${name}.${to}\`.`,
          span: at,
          data: clash ? undefined : { replacement: to, fix: { title: `Rename \`${k}\` to \`${to}\` (Prompty version 2)`, edits: [{ start: at.start, end: at.end, newText: to }] } },
        });
      }
    }
  }
  const template = locate(doc, ['template']);
  if (template.pair && isScalar(template.node) && typeof template.node.value === 'string') {
    const at = nodeSpan(template.node, base)!;
    const keyAt = nodeSpan(template.pair.key, base)!;
    const line = text.lastIndexOf('\n', keyAt.start) + 1;
    const indent = ' '.repeat(keyAt.start - line);
    const eol = text.includes('\r\n') ? '\r\n' : '\n';
    out.push({
      code: 'prompty-v1-field',
      severity: 'hint',
      message: `\`template: ${template.node.value}\` is Prompty version 1; version 2 writes \`template: { format: { kind: ${template.node.value} }, parser: { kind: prompty } }\`.`,
      span: { start: keyAt.start, end: at.end },
      data: { fix: { title: 'Rewrite as `template.format.kind` (Prompty version 2)', edits: [{ start: keyAt.end + 1, end: at.end, newText: `${eol}${indent}  format:${eol}${indent}    kind: ${template.node.value}${eol}${indent}  parser:${eol}${indent}    kind: prompty` }] } },
    });
  }
}

const ENV_REF = /^\$\{([A-Za-z]+):([^}]*)\}$/;
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** `${env:NAME}`, `${env:NAME:default}`, `${file:path}`: the shape only; nothing is resolved. */
function checkReferences(node: Node | null | undefined, base: number, out: PromptDiagnostic[], depth = 0): void {
  if (!node || depth > 50) return;
  if (isMap(node)) {
    for (const p of node.items as Pair<Node, Node | null>[]) checkReferences(p.value, base, out, depth + 1);
    return;
  }
  if (isSeq(node)) {
    for (const item of node.items as Node[]) checkReferences(item, base, out, depth + 1);
    return;
  }
  if (!isScalar(node) || typeof node.value !== 'string') return;
  const v = node.value;
  if (!v.startsWith('${')) return;
  const at = nodeSpan(node, base)!;
  if (!v.endsWith('}')) {
    out.push({ code: 'prompty-reference', severity: 'warning', message: `\`${v.slice(0, 40)}\` looks like a reference but has no closing \`}\`, so Prompty passes it as text. Write \`\${env:NAME}\` or \`\${file:path}\`.`, span: at });
    return;
  }
  const m = ENV_REF.exec(v);
  if (!m) {
    out.push({ code: 'prompty-reference', severity: 'warning', message: `\`${v.slice(0, 40)}\` is not a reference Prompty resolves: write \`\${env:NAME}\`, \`\${env:NAME:default}\` or \`\${file:path}\`.`, span: at });
    return;
  }
  const protocol = m[1].toLowerCase();
  if (protocol === 'env') {
    const colon = m[2].indexOf(':');
    const name = colon < 0 ? m[2] : m[2].slice(0, colon);
    if (!ENV_NAME.test(name)) out.push({ code: 'prompty-reference', severity: 'error', message: `\`${name || '(empty)'}\` is not an environment variable name: use letters, digits and \`_\`, not starting with a digit (\`\${env:AZURE_OPENAI_API_KEY}\`).`, span: at });
  } else if (protocol === 'file') {
    if (!m[2].trim()) out.push({ code: 'prompty-reference', severity: 'error', message: '`${file:}` names no file: write a path relative to the prompt (`${file:data/sample.json}`).', span: at });
  } else {
    const near = closest(protocol, ['env', 'file']);
    out.push({ code: 'prompty-reference', severity: 'warning', message: `Prompty resolves only \`\${env:...}\` and \`\${file:...}\` references; \`${m[1]}:\` is passed as text.${near ? ` Did you mean \`${near}:\`?` : ''}`, span: at });
  }
}

/** The version 1 keys with a hint of their own (`prompty-v1-field`), never an unknown key. */
const LEGACY_PATHS = new Set(LEGACY.map((l) => l.path.join('.')));

function checkUnknownKeys(pairs: Pair<Node, Node | null>[], info: KeyInfo, offset: number, root: boolean, out: PromptDiagnostic[], label?: string): void {
  const known = info.children;
  if (!known) return;
  for (const pair of pairs) {
    if (!isPair(pair) || !isScalar(pair.key)) continue;
    const key = String(pair.key.value);
    if (!label && LEGACY_PATHS.has([...info.path, key].join('.'))) continue;
    const child = known.get(key);
    if (child) {
      if (isMap(pair.value) && child.children) checkUnknownKeys(pair.value.items as Pair<Node, Node | null>[], child, offset, false, out);
      continue;
    }
    const near = closest(key, known.keys());
    if (info.open && !near) continue; // open mappings (model.options, connection, metadata) pass other keys through
    const where = label ?? (root ? 'the frontmatter' : `\`${info.path.join('.')}\``);
    out.push({
      code: 'frontmatter-unknown-key',
      severity: 'warning',
      message: `Unknown key \`${key}\` in ${where}.${near ? ` Did you mean \`${near}\`?` : ` Known keys: ${[...known.keys()].join(', ')}.`}`,
      span: nodeSpan(pair.key, offset)!,
      data: near ? { replacement: near } : undefined,
    });
  }
}

/** The value with every reference (`${...}`) left out, for type checks that cannot know what it resolves to. */
function withoutReferences(value: unknown, depth = 0): unknown {
  if (depth > 50) return value;
  if (Array.isArray(value)) return value.filter((v) => !(typeof v === 'string' && ENV_REF.test(v))).map((v) => withoutReferences(v, depth + 1));
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) if (!(typeof v === 'string' && ENV_REF.test(v))) out[k] = withoutReferences(v, depth + 1);
    return out;
  }
  return value;
}

function isPair(p: unknown): p is Pair<Node, Node | null> {
  return !!p && typeof p === 'object' && 'key' in (p as object);
}

export function validatePrompty(text: string, block: FrontmatterBlock, version: 1 | 2, out: PromptDiagnostic[]): void {
  const doc = block.yaml;
  if (!doc || doc.errors.length || block.value === undefined) return;
  const offset = block.content.start;
  const whole = { start: block.span.start, end: block.span.start + 3 };
  const value = block.value;
  if (value === null) return; // empty frontmatter: a short form
  if (typeof value !== 'object' || Array.isArray(value)) {
    out.push({ code: 'frontmatter-not-mapping', severity: 'error', message: `The frontmatter must be a YAML mapping of keys such as \`name:\` and \`model:\`; it is ${describeValue(value)}.`, span: nodeSpan(doc.contents as Node, offset) ?? whole });
    return;
  }
  const schema = version === 1 ? PromptyV1Schema : PromptyV2Schema;
  // A `${env:...}` / `${file:...}` value stands for what it resolves to at run time: any type.
  const result = schema.safeParse(withoutReferences(value));
  if (!result.success) {
    for (const issue of result.error.issues) {
      let path = issue.path as (string | number)[];
      // A union (`model: string | {...}`) reports the mapping's own issues under it: take the deepest.
      if (issue.code === 'invalid_union' && issue.errors.length) {
        const value2 = valueAt(value, path);
        // The branch that got furthest into the value (a mapping's key), not the one that wanted another type.
        const depth = (errs: readonly { path: PropertyKey[] }[]) => Math.max(0, ...errs.map((e) => e.path.length));
        const branch = [...issue.errors].sort((x, y) => depth(y) - depth(x))[0];
        const inner = branch?.find((e) => e.path.length > 0);
        if (inner && value2 && typeof value2 === 'object') {
          path = [...path, ...(inner.path as (string | number)[])];
          report(inner as unknown as typeof issue, path);
          continue;
        }
      }
      report(issue, path);
    }
  }
  function report(issue: (typeof result.error & object)['issues'][number], path: (string | number)[]): void {
    const { pair, node } = locate(doc!, path);
    const issued = schemaIssueMessage(issue, path, valueAt(value, path), keyInfoAt(path));
    // An unknown template engine: say which ones Prompty has.
    const engines = issue.code === 'invalid_value' && path[path.length - 1] === 'kind' && path.includes('format') ? ' Prompty renders with `jinja2` (also named `nunjucks`) or `mustache`.' : '';
    const message = issued.message + engines;
    const replacement = issued.replacement;
    const at = nodeSpan(node, offset) ?? nodeSpan(pair?.key, offset) ?? nodeSpan(doc!.contents as Node, offset) ?? whole;
    out.push({ code: 'frontmatter-schema', severity: 'error', message, span: at, data: { path: path.map(String), replacement } });
  }
  if (isMap(doc.contents)) {
    const contents = doc.contents.items as Pair<Node, Node | null>[];
    // A key of either version is known: the runtimes migrate version 1 keys and read version 2 keys in any file.
    checkUnknownKeys(contents, promptyKeysAll(), offset, true, out);
    // Each input's, output's and tool's own keys.
    for (const key of ['inputs', 'outputs']) {
      const n = locate(doc, [key]).node;
      const item = keyInfoAt([key, 'x']);
      if (!item || version === 1) continue;
      const entries = isSeq(n) ? (n.items as Node[]) : isMap(n) ? (n.items as Pair<Node, Node | null>[]).map((p) => p.value as Node) : [];
      for (const e of entries) {
        if (!isMap(e)) continue;
        checkUnknownKeys(e.items as Pair<Node, Node | null>[], item, offset, false, out, `an entry of \`${key}\``);
        // Prompty's TypeScript runtime refuses a property mapping without its `kind` (its type discriminator).
        const pairs = e.items as Pair<Node, Node | null>[];
        const typeKey = pairs.find((p) => isScalar(p.key) && p.key.value === 'type')?.key;
        if (typeKey && !pairs.some((p) => isScalar(p.key) && p.key.value === 'kind')) {
          // Version 1's name for the type: version 2 reads `kind` alone, so the type is lost.
          const at = nodeSpan(typeKey, offset)!;
          out.push({
            code: 'frontmatter-schema',
            severity: 'warning',
            message: `This entry of \`${key}\` names its type with \`type\`, version 1's key: Prompty version 2 reads \`kind\` (\`string\`, \`integer\`, \`object\`, ...), so the type is lost. Rename \`type\` to \`kind\`.`,
            span: at,
            data: { replacement: 'kind', fix: { title: 'Rename `type` to `kind` (Prompty version 2)', edits: [{ start: at.start, end: at.end, newText: 'kind' }] } },
          });
        } else if (!pairs.some((p) => isScalar(p.key) && p.key.value === 'kind')) {
          const name = pairs.find((p) => isScalar(p.key) && p.key.value === 'name');
          const parent = isMap(n) ? (n.items as Pair<Node, Node | null>[]).find((p) => p.value === e)?.key : undefined;
          const at = nodeSpan(name?.value ?? parent ?? e, offset)!;
          out.push({ code: 'frontmatter-schema', severity: 'warning', message: `This entry of \`${key}\` has no \`kind\` (\`string\`, \`integer\`, \`object\`, ...): Prompty's TypeScript runtime refuses to load a property without it.`, span: at });
        }
      }
    }
    // Each version 1 key where it stands, whichever version the file is detected as (a version 2
    // file may keep a root `version:`, or `top_p` under `model.options`).
    for (const l of LEGACY) legacyDiagnostic(doc, l, offset, value as Record<string, unknown>, out);
    if (version === 1) {
      legacyInputs(doc, text, offset, value as Record<string, unknown>, out);
    } else if (locate(doc, ['inputSchema']).pair) {
      const k = nodeSpan(locate(doc, ['inputSchema']).pair!.key, offset)!;
      out.push({ code: 'prompty-v1-field', severity: 'hint', message: '`inputSchema.properties` is an earlier spelling of Prompty version 2; the current one is `inputs:` (the same list).', span: k });
    }
    checkReferences(doc.contents as Node, offset, out);
  }
}
