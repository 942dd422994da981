// context-budget: the prompt uses more than `promptWorkbench.tokens.warnAtShare` of the context
// window, or more tokens than its budget (`promptWorkbench.tokens.budget`). From the token
// module's `tokenDiagnostics`, like context-overflow.
import { documentTokensSteps } from '../tokens/count';
import type { LintRule } from './types';

export const rule: LintRule = {
  id: 'context-budget',
  description: 'The prompt uses more of the context window than promptWorkbench.tokens.warnAtShare, or more tokens than its budget.',
  defaultLevel: 'warning',
  category: 'cost',
  // The count of a large document seen for the first time is long: it is made first, pausing
  // after each chunk the tokenizer counts (memoised per document, for the check to read).
  *checkSteps(ctx) {
    if (ctx.countTokens && ctx.doc.notice !== 'binary') yield* documentTokensSteps(ctx.doc, ctx.tokens);
    return rule.check!(ctx);
  },
  check(ctx) {
    if (!ctx.countTokens) return [];
    return ctx
      .tokenDiagnostics()
      .filter((d) => d.code === 'context-budget')
      .map((d) => ({ message: d.message, span: d.span, data: d.data }));
  },
};
