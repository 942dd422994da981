// deprecated-parameter: a `config` parameter the model's family does not accept (temperature on
// OpenAI reasoning models, topK on OpenAI, frequencyPenalty on Claude, ...). The facts are data
// (parameters.json, dated); the rule option `families` adds to them.
import { z } from 'zod';
import { normaliseModelName } from '../tokens/catalogue';
import data from './parameters.json';
import { aloneOnLines, frontmatterOf, keySpan, nameMatcher, pairSpan, quickFix, record, removeLinesEdit } from './util';
import type { Finding, LintRule } from './types';

const Family = z.strictObject({
  id: z.string(),
  label: z.string(),
  models: z.array(z.string()),
  except: z.array(z.string()).optional(),
  rejects: z.record(z.string(), z.string()).default({}),
  exclusive: z.array(z.strictObject({ models: z.array(z.string()), parameters: z.array(z.string()).min(2), message: z.string() })).optional(),
});
type Family = z.infer<typeof Family>;

const Options = z.strictObject({
  /** More families (checked before the built-in ones). */
  families: z.array(Family).default([]),
});
type Options = z.infer<typeof Options>;

export const BUILTIN_FAMILIES: Family[] = (data as { families: unknown[] }).families.map((f) => Family.parse(f));
export const PARAMETERS_AS_OF: string = data.asOf;

function matches(family: { models: string[]; except?: string[] }, name: string): boolean {
  return nameMatcher(family.models)(name) && !nameMatcher(family.except ?? [])(name);
}

export const rule: LintRule<Options> = {
  id: 'deprecated-parameter',
  description: "A `config` parameter the model's family does not accept (e.g. temperature on OpenAI reasoning models).",
  defaultLevel: 'warning',
  category: 'correctness',
  fixable: true,
  options: Options,
  check(ctx) {
    const doc = ctx.doc;
    const model = doc.model?.trim();
    if (!model || doc.notice === 'binary') return [];
    const config = record(frontmatterOf(doc).config);
    const keys = Object.keys(config);
    if (!keys.length) return [];
    const name = normaliseModelName(model);
    const out: Finding[] = [];
    const reported = new Set<string>();
    for (const family of [...ctx.options.families, ...BUILTIN_FAMILIES]) {
      if (!matches(family, name)) continue;
      for (const key of keys) {
        const why = family.rejects[key];
        if (!why || reported.has(key)) continue;
        const span = keySpan(doc, ['config', key]);
        if (!span) continue;
        reported.add(key);
        out.push({ message: `\`${key}\` is not accepted by \`${model}\` (${family.label}): ${why} (facts as of ${PARAMETERS_AS_OF}.)`, span, data: { key } });
      }
      for (const ex of family.exclusive ?? []) {
        if (!nameMatcher(ex.models)(name)) continue;
        const present = ex.parameters.filter((p) => config[p] !== undefined && config[p] !== null);
        if (present.length < 2) continue;
        const last = present[present.length - 1];
        const span = keySpan(doc, ['config', last]);
        if (!span || reported.has(last)) continue;
        reported.add(last);
        out.push({ message: `\`${present.join('` and `')}\` together are not accepted by \`${model}\`: ${ex.message} (facts as of ${PARAMETERS_AS_OF}.)`, span, data: { key: last } });
      }
    }
    return out.sort((a, b) => a.span.start - b.span.start);
  },
  fixes(ctx, diagnostic) {
    const doc = ctx.doc;
    const key = (diagnostic.data as { key?: unknown } | undefined)?.key;
    if (typeof key !== 'string') return [];
    const span = pairSpan(doc, ['config', key]);
    if (!span || !aloneOnLines(doc, span)) return [];
    return [quickFix(`Remove \`${key}\``, diagnostic, doc.uri, [removeLinesEdit(doc, span)], true)];
  },
};
