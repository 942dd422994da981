// unknown-model: a model the model catalogue (server/src/service/tokens/models.json plus the
// setting promptWorkbench.models) does not know: usually a typo, otherwise a model without a
// context window or price, so budgets and cost cannot be checked. Names in the rule's `allow`
// option are accepted.
import { distance } from 'fastest-levenshtein';
import { z } from 'zod';
import { BUILTIN_CATALOGUE, mergeCatalogue, normaliseModelName, resolveModel } from '../tokens/catalogue';
import { nameMatcher, quickFix } from './util';
import type { LintRule } from './types';

const Options = z.strictObject({
  /** Model names accepted although the catalogue does not know them (`*` wildcards). */
  allow: z.array(z.string()).default([]),
});
type Options = z.infer<typeof Options>;

/** The catalogue name closest to `name`, when it is close enough to be a typo. */
export function suggestModel(name: string, ids: string[]): string | undefined {
  let best: string | undefined;
  let bestD = Infinity;
  for (const id of ids) {
    const d = distance(name, id);
    if (d < bestD) {
      best = id;
      bestD = d;
    }
  }
  return best && bestD > 0 && bestD <= Math.max(2, Math.floor(name.length / 5)) ? best : undefined;
}

export const rule: LintRule<Options> = {
  id: 'unknown-model',
  description: 'A `model:` the model catalogue does not know (a typo, or a model without window and price).',
  defaultLevel: 'warning',
  category: 'correctness',
  fixable: true,
  options: Options,
  check(ctx) {
    const doc = ctx.doc;
    const written = doc.prompt.model;
    const model = written?.value.trim();
    if (!written || !model || doc.notice === 'binary') return [];
    if (nameMatcher(ctx.options.allow)(model) || nameMatcher(ctx.options.allow)(normaliseModelName(model))) return [];
    const catalogue = ctx.tokens.models ? mergeCatalogue(ctx.tokens.models) : BUILTIN_CATALOGUE;
    const resolved = resolveModel(model, undefined, catalogue);
    const name = normaliseModelName(model);
    // Embedding models are no answer to a typo of a chat model's name.
    const ids = Object.entries(catalogue.models).flatMap(([id, e]) => (e.kind === 'embedding' ? [] : [id, ...(e.aliases ?? [])]));
    const near = suggestModel(name, ids);
    // A name that extends a known id (`gpt-4o-mnii` -> `gpt-4o`) is still a typo when another id is closer to it.
    const typo = !resolved.unknown && !!resolved.id && !!near && near !== resolved.id && distance(name, near) < distance(name, resolved.id);
    const span = { start: written.span.start, end: Math.max(written.span.end, written.span.start + 1) };
    if (!resolved.unknown && resolved.entry?.kind === 'embedding') {
      // Known, but for the `similar` assertion: an embedding model does not answer prompts.
      return [{ message: `\`${model}\` is an embedding model: it turns text into vectors and cannot answer a prompt. Name a chat model here; an embedding model belongs on a \`similar\` assertion (\`model:\`).`, span }];
    }
    if (!resolved.unknown && !typo) return [];
    const prefix = model.includes('/') ? model.slice(0, model.lastIndexOf('/') + 1) : '';
    const replacement = near ? `${prefix}${near}` : undefined;
    return [
      {
        message: `\`${model}\` is not in the model catalogue${replacement ? `. Did you mean \`${replacement}\`?` : '.'} Without an entry there is no context window or price, so budgets and cost go unchecked. If the name is right, add it to the setting promptWorkbench.models, or accept it with \`unknown-model: { allow: ["${name}"] }\` in .promptlintrc.yaml.`,
        span,
        data: replacement ? { replacement } : undefined,
      },
    ];
  },
  fixes(ctx, diagnostic) {
    const data = (diagnostic.data ?? {}) as { replacement?: unknown };
    if (typeof data.replacement !== 'string') return [];
    const doc = ctx.doc;
    const old = doc.text.slice(doc.lines.offsetAt(diagnostic.range.start), doc.lines.offsetAt(diagnostic.range.end));
    const quote = /^["']/.exec(old)?.[0] ?? '';
    return [quickFix(`Change to \`${data.replacement}\``, diagnostic, doc.uri, [{ range: diagnostic.range, newText: `${quote}${data.replacement}${quote}` }], true)];
  },
};
