// deprecated-parameter: a model parameter the model's family does not accept (temperature on
// OpenAI reasoning models, topK on OpenAI, frequencyPenalty on Claude, ...), read from the shared
// parameter vocabulary whatever the format calls it. The facts are data (parameters.json, dated);
// the rule option `families` adds to them.
import { z } from 'zod';
import { allParameters } from '../formats/model';
import type { ModelParameter } from '../formats/types';
import { normaliseModelName } from '../tokens/catalogue';
import data from './parameters.json';
import { aloneOnLines, nameMatcher, quickFix, removeLinesEdit } from './util';
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
    const model = doc.prompt.model?.value.trim();
    if (!model || doc.notice === 'binary') return [];
    const parameters = allParameters(doc.prompt);
    if (!parameters.length) return [];
    const name = normaliseModelName(model);
    const out: Finding[] = [];
    const reported = new Set<ModelParameter>();
    // The facts name parameters by the shared vocabulary; a rule option may also name a format's own key.
    const rejection = (family: Family, p: ModelParameter) => (p.name && family.rejects[p.name]) || family.rejects[p.key];
    const named = (wanted: string) => parameters.find((p) => (p.name ?? p.key) === wanted || p.key === wanted);
    for (const family of [...ctx.options.families, ...BUILTIN_FAMILIES]) {
      if (!matches(family, name)) continue;
      for (const p of parameters) {
        const why = rejection(family, p);
        if (!why || reported.has(p)) continue;
        reported.add(p);
        out.push({ message: `\`${p.key}\` is not accepted by \`${model}\` (${family.label}): ${why} (facts as of ${PARAMETERS_AS_OF}.)`, span: p.keySpan, data: { key: p.key } });
      }
      for (const ex of family.exclusive ?? []) {
        if (!nameMatcher(ex.models)(name)) continue;
        const present = ex.parameters.map(named).filter((p): p is ModelParameter => p !== undefined && p.value !== undefined && p.value !== null);
        if (present.length < 2) continue;
        const last = present[present.length - 1];
        if (reported.has(last)) continue;
        reported.add(last);
        out.push({ message: `\`${present.map((p) => p.key).join('` and `')}\` together are not accepted by \`${model}\`: ${ex.message} (facts as of ${PARAMETERS_AS_OF}.)`, span: last.keySpan, data: { key: last.key } });
      }
    }
    return out.sort((a, b) => a.span.start - b.span.start);
  },
  fixes(ctx, diagnostic) {
    const doc = ctx.doc;
    const key = (diagnostic.data as { key?: unknown } | undefined)?.key;
    if (typeof key !== 'string') return [];
    const span = allParameters(doc.prompt).find((p) => p.key === key)?.span;
    if (!span || !aloneOnLines(doc, span)) return [];
    return [quickFix(`Remove \`${key}\``, diagnostic, doc.uri, [removeLinesEdit(doc, span)], true)];
  },
};
