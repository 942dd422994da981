// missing-max-tokens: no output token limit in `config`. Without one a run may generate up to the
// model's maximum output, which is billed, slow and usually a sign of a runaway answer.
import { isMap, isScalar, type Node, type Pair } from 'yaml';
import { z } from 'zod';
import type { TextEdit } from 'vscode-languageserver-types';
import type { PromptDocument } from '../document';
import { locate } from '../yamlPath';
import { eol, frontmatterOf, keySpan, promptSpan, quickFix, record } from './util';
import type { LintRule } from './types';

const Options = z.strictObject({
  /** The limit the quick fix writes. */
  value: z.int().positive().default(1024),
});
type Options = z.infer<typeof Options>;

/** Output limits under the names runtimes accept; any of them counts. */
const LIMIT_KEYS = ['maxOutputTokens', 'maxTokens', 'max_tokens', 'maxCompletionTokens', 'max_completion_tokens', 'max_output_tokens'];

function column(doc: PromptDocument, offset: number): number {
  return offset - doc.lines.lineStart(doc.lines.lineAt(offset));
}

/** Adds `maxOutputTokens: <value>` under `config`, creating `config:` (or the frontmatter) when needed. */
export function addMaxTokensEdit(doc: PromptDocument, value: number): TextEdit | undefined {
  const fm = doc.frontmatter;
  const nl = eol(doc);
  const at = (offset: number, text: string): TextEdit => ({ range: doc.lines.range(offset, offset), newText: text.replace(/\n/g, nl) });
  if (!fm.present) return at(doc.template.span.start, `---\nconfig:\n  maxOutputTokens: ${value}\n---\n`);
  if (!fm.closed || !fm.yaml || fm.yaml.errors.length) return undefined;
  const base = fm.content.start;
  const config = locate(fm.yaml, ['config']);
  if (config.pair) {
    const node = config.node;
    if (isMap(node) && node.flow && node.items.length) return undefined;
    const keyStart = base + config.pair.key.range![0];
    if (isMap(node) && node.items.length) {
      const pairs = node.items as Pair<Node, Node | null>[];
      const indent = ' '.repeat(column(doc, base + pairs[0].key.range![0]));
      const last = pairs[pairs.length - 1];
      const lastEnd = base + (last.value?.range?.[1] ?? last.key.range![1]);
      const endLine = doc.lines.lineAt(Math.max(keyStart, lastEnd - 1));
      return at(doc.lines.lineEnd(endLine), `\n${indent}maxOutputTokens: ${value}`);
    }
    if (node == null || (isScalar(node) && node.value == null) || (isMap(node) && !node.items.length)) {
      const indent = ' '.repeat(column(doc, keyStart) + 2);
      const line = doc.lines.lineAt(keyStart);
      const lineEnd = doc.lines.lineEnd(line);
      const rest = doc.text.slice(keyStart, lineEnd);
      const colon = rest.indexOf(':');
      // `config: {}` or `config:` alone: rewrite the value part.
      return { range: doc.lines.range(keyStart + colon + 1, lineEnd), newText: `${nl}${indent}maxOutputTokens: ${value}` };
    }
    return undefined;
  }
  if (fm.value == null) return at(fm.content.start, `config:\n  maxOutputTokens: ${value}\n`);
  if (!isMap(fm.yaml.contents) || fm.yaml.contents.flow) return undefined;
  // After the `model:` line when there is one, else at the end of the frontmatter.
  const model = locate(fm.yaml, ['model']);
  if (model.pair && model.node?.range) {
    const end = base + model.node.range[1];
    return at(doc.lines.lineEnd(doc.lines.lineAt(Math.max(base, end - 1))), `\nconfig:\n  maxOutputTokens: ${value}`);
  }
  return at(fm.content.end, `${fm.content.end > fm.content.start ? '\n' : ''}config:\n  maxOutputTokens: ${value}`);
}

export const rule: LintRule<Options> = {
  id: 'missing-max-tokens',
  description: 'No output token limit (`config.maxOutputTokens`): a run may bill up to the model\'s maximum output.',
  defaultLevel: 'warning',
  category: 'cost',
  fixable: true,
  options: Options,
  check(ctx) {
    const doc = ctx.doc;
    if (doc.notice === 'binary' || (doc.frontmatter.present && (doc.frontmatter.value === undefined || !doc.frontmatter.closed))) return [];
    const config = record(frontmatterOf(doc).config);
    if (LIMIT_KEYS.some((k) => config[k] !== undefined && config[k] !== null)) return [];
    const span = keySpan(doc, ['config']) ?? promptSpan(doc);
    return [
      {
        message: `No output token limit: without \`config.maxOutputTokens\` a run may generate (and bill) up to the model's maximum output. Set a limit that fits the answer you expect, e.g. \`maxOutputTokens: ${ctx.options.value}\`.`,
        span,
        data: { value: ctx.options.value },
      },
    ];
  },
  fixes(ctx, diagnostic) {
    const data = (diagnostic.data ?? {}) as { value?: unknown };
    const value = typeof data.value === 'number' ? data.value : 1024;
    const edit = addMaxTokensEdit(ctx.doc, value);
    return edit ? [quickFix(`Add \`maxOutputTokens: ${value}\` to config`, diagnostic, ctx.doc.uri, [edit], true)] : [];
  },
};
