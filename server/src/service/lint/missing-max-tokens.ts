// missing-max-tokens: no output token limit among the model parameters. Without one a run may
// generate up to the model's maximum output, which is billed, slow and usually a sign of a runaway
// answer. Formats without a place for the limit are not checked.
import { z } from 'zod';
import { settingAt } from '../formats/model';
import { formatOf } from '../formats/registry';
import { promptSpan, quickFix } from './util';
import type { LintRule } from './types';

const Options = z.strictObject({
  /** The limit the quick fix writes. */
  value: z.int().positive().default(1024),
});
type Options = z.infer<typeof Options>;

export const rule: LintRule<Options> = {
  id: 'missing-max-tokens',
  description: 'No output token limit (`config.maxOutputTokens`): a run may bill up to the model\'s maximum output.',
  defaultLevel: 'off',
  category: 'cost',
  fixable: true,
  options: Options,
  check(ctx) {
    const doc = ctx.doc;
    const format = formatOf(doc);
    const where = format.keyPath('maxOutputTokens');
    if (!where || doc.notice === 'binary' || (doc.frontmatter.present && (doc.frontmatter.value === undefined || !doc.frontmatter.closed))) return [];
    // Any name the format maps to the limit counts (Dotprompt also takes `max_tokens` and the like).
    const limit = doc.prompt.parameters.maxOutputTokens;
    if (limit && limit.value !== undefined && limit.value !== null) return [];
    const block = format.keyPath('parameters');
    const span = (block ? settingAt(doc.prompt.settings, block).setting?.keySpan : undefined) ?? promptSpan(doc);
    return [
      {
        message: `No output token limit: without \`${where}\` a run may generate (and bill) up to the model's maximum output. Set a limit that fits the answer you expect, e.g. \`${where.split('.').pop()}: ${ctx.options.value}\`.`,
        span,
        data: { value: ctx.options.value },
      },
    ];
  },
  fixes(ctx, diagnostic) {
    const data = (diagnostic.data ?? {}) as { value?: unknown };
    const value = typeof data.value === 'number' ? data.value : 1024;
    const fix = formatOf(ctx.doc).edits?.addParameter(ctx.doc, 'maxOutputTokens', value);
    return fix ? [quickFix(fix.title, diagnostic, ctx.doc.uri, [fix.edit], true)] : [];
  },
};
