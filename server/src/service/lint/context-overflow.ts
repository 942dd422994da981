// context-overflow: the prompt plus the tokens reserved for the answer do not fit the model's
// context window. The numbers come from the token module (`tokenDiagnostics`), counted once per
// document version and shared with the code lenses and the status bar: nothing is recomputed here.
import type { LintRule } from './types';

export const rule: LintRule = {
  id: 'context-overflow',
  description: "The prompt's tokens plus the tokens reserved for the answer exceed the model's context window.",
  defaultLevel: 'error',
  category: 'correctness',
  check(ctx) {
    if (!ctx.countTokens) return [];
    return ctx
      .tokenDiagnostics()
      .filter((d) => d.code === 'context-overflow')
      .map((d) => ({ message: d.message, span: d.span, data: d.data }));
  },
};
