// Validates the parsed frontmatter against the zod schema and places each problem on the exact
// YAML key or value at fault, with a message that says what was expected.
import { isMap, isPair, isScalar, type Node, type Pair } from 'yaml';
import type { PromptDiagnostic } from '../../diagnostic';
import { closest } from '../../suggest';
import type { Span } from '../../text';
import { describeValue, locate } from '../../yamlPath';
import { nodeSpan, schemaIssueMessage, valueAt } from '../schemaIssues';
import type { FrontmatterBlock } from '../frontmatter';
import type { KeyInfo } from '../types';
import { keyInfoAt, frontmatterKeys } from './keys';
import { FrontmatterSchema, OUTPUT_FORMATS } from './schema';

export function validateFrontmatter(block: FrontmatterBlock, diagnostics: PromptDiagnostic[]): void {
  const doc = block.yaml;
  if (!doc || doc.errors.length || block.value === undefined) return;
  const offset = block.content.start;
  const whole = { start: block.span.start, end: block.span.start + 3 };
  const value = block.value;
  if (value === null) return; // empty frontmatter
  if (typeof value !== 'object' || Array.isArray(value)) {
    diagnostics.push({
      code: 'frontmatter-not-mapping',
      severity: 'error',
      message: `The frontmatter must be a YAML mapping of keys such as \`model:\` and \`input:\`; it is ${describeValue(value)}.`,
      span: nodeSpan(doc.contents as Node, offset) ?? whole,
    });
    return;
  }
  const result = FrontmatterSchema.safeParse(value);
  if (!result.success) {
    for (const issue of result.error.issues) {
      const path = issue.path;
      const { pair, node } = locate(doc, path);
      const { message, replacement } = schemaIssueMessage(issue, path as (string | number)[], valueAt(value, path), keyInfoAt(path as (string | number)[]));
      const at = nodeSpan(node, offset) ?? nodeSpan(pair?.key, offset) ?? nodeSpan(doc.contents as Node, offset) ?? whole;
      const tag = templateLike(node);
      const said = tag ? `\`${path.join('.')}: {{${tag}}}\` is not filled in: the frontmatter is YAML, not a template, and YAML reads \`{{${tag}}}\` as a mapping. Write the value itself, or set it from your code when you call the prompt.` : message;
      diagnostics.push({ code: 'frontmatter-schema', severity: 'error', message: said, span: at, data: { path: path.map(String), replacement } });
    }
  }
  if (isMap(doc.contents)) checkUnknownKeys(doc.contents.items as Pair<Node, Node | null>[], frontmatterKeys(), offset, true, diagnostics);
  checkOutputFormat(doc, value as Record<string, unknown>, offset, diagnostics);
}

/**
 * An `output.format` that is not a built-in one: Genkit looks it up among the formats the code
 * registers (`ai.defineFormat`), so it is not an error; a name close to a built-in is likely a typo.
 */
function checkOutputFormat(doc: NonNullable<FrontmatterBlock['yaml']>, value: Record<string, unknown>, offset: number, diagnostics: PromptDiagnostic[]): void {
  const output = value.output;
  const format = output && typeof output === 'object' ? (output as Record<string, unknown>).format : undefined;
  if (typeof format !== 'string' || !format || (OUTPUT_FORMATS as readonly string[]).includes(format)) return;
  const at = nodeSpan(locate(doc, ['output', 'format']).node, offset);
  if (!at) return;
  const near = closest(format, OUTPUT_FORMATS);
  diagnostics.push(
    near
      ? { code: 'output-format-unknown', severity: 'warning', message: `\`${format}\` is not a built-in output format. Did you mean \`${near}\`? (A format your code registers with \`ai.defineFormat\` works too.)`, span: at, data: { replacement: near } }
      : { code: 'output-format-unknown', severity: 'info', message: `\`${format}\` is not a built-in output format (${OUTPUT_FORMATS.join(', ')}): it works only if your code registers it with \`ai.defineFormat\`.`, span: at },
  );
}

/** The name in a value written `{{name}}`, which YAML reads as a flow mapping whose only key is a mapping. */
function templateLike(node: Node | null | undefined): string | undefined {
  if (!isMap(node) || !node.flow || node.items.length !== 1) return undefined;
  const inner = (node.items[0] as Pair<Node, Node | null>).key;
  if (!isMap(inner) || !inner.flow || inner.items.length !== 1) return undefined;
  const key = (inner.items[0] as Pair<Node, Node | null>).key;
  return isScalar(key) && typeof key.value === 'string' && (inner.items[0] as Pair<Node, Node | null>).value == null ? key.value : undefined;
}

function checkUnknownKeys(pairs: Pair<Node, Node | null>[], info: KeyInfo, offset: number, root: boolean, diagnostics: PromptDiagnostic[]): void {
  const known = info.children;
  if (!known) return;
  for (const pair of pairs) {
    if (!isPair(pair) || !isScalar(pair.key)) continue;
    const key = String(pair.key.value);
    const child = known.get(key);
    if (child) {
      if (isMap(pair.value) && child.children) checkUnknownKeys(pair.value.items as Pair<Node, Node | null>[], child, offset, false, diagnostics);
      continue;
    }
    if (root && key.includes('.')) continue; // dotted keys are Dotprompt extension fields
    // A model setting written at the top (`temperature: 0.3`): Dotprompt reads it only under `config:`.
    const configKey = root && !known.get('config')?.children?.has(key) ? undefined : root ? key : undefined;
    const near = configKey ? undefined : closest(key, known.keys());
    if (info.open && !root && !near) continue; // open objects (config) pass unknown keys through
    const where = root ? 'the frontmatter' : `\`${info.path.join('.')}\``;
    diagnostics.push({
      code: 'frontmatter-unknown-key',
      severity: 'warning',
      message: configKey
        ? `Unknown key \`${key}\` in the frontmatter: Dotprompt ignores it here, so the model never gets it. A model setting belongs under \`config:\` (\`config:\` then \`  ${key}: ...\`).`
        : `Unknown key \`${key}\` in ${where}.${near ? ` Did you mean \`${near}\`?` : ` Known keys: ${[...known.keys()].join(', ')}.${root ? ' Extension fields use a dotted name such as `myteam.owner`.' : ''}`}`,
      span: nodeSpan(pair.key, offset)!,
      data: near ? { replacement: near } : undefined,
    });
  }
}
