// context-overflow: the prompt plus the tokens reserved for the answer do not fit the model's
// context window. The numbers come from the token module (`tokenDiagnostics`), counted once per
// document version and shared with the code lenses and the status bar: nothing is recomputed here.
import { documentTokensSteps } from '../tokens/count';
import type { LintRule } from './types';

export const rule: LintRule = {
  id: 'context-overflow',
  description: "The prompt's tokens plus the tokens reserved for the answer exceed the model's context window.",
  defaultLevel: 'error',
  category: 'correctness',
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
      .filter((d) => d.code === 'context-overflow')
      .map((d) => ({ message: d.message, span: d.span, data: d.data }));
  },
};
