// missing-metadata: governance fields the workspace requires in every prompt's frontmatter (a
// description, an owner, ...). Off by default; turned on, with the required fields, in the config:
//   rules:
//     missing-metadata: { level: warning, required: [description, metadata.owner] }
import { z } from 'zod';
import { frontmatterOf, keySpan, promptSpan } from './util';
import type { Finding, LintRule } from './types';

const Options = z.strictObject({
  /** Frontmatter paths that must have a value: `description`, `metadata.owner`, or a dotted extension key such as `myteam.owner`. */
  required: z.array(z.string().min(1)).default(['description']),
});
type Options = z.infer<typeof Options>;

/** The value at a dotted path: nested keys first (`metadata.owner`), else a literal dotted key (`myteam.owner`). */
export function valueAt(fm: Record<string, unknown>, path: string): unknown {
  if (path in fm) return fm[path];
  let v: unknown = fm;
  for (const part of path.split('.')) {
    if (!v || typeof v !== 'object' || Array.isArray(v)) return undefined;
    v = (v as Record<string, unknown>)[part];
  }
  return v;
}

function missing(v: unknown): boolean {
  return v === undefined || v === null || (typeof v === 'string' && !v.trim()) || (Array.isArray(v) && !v.length);
}

export const rule: LintRule<Options> = {
  id: 'missing-metadata',
  description: 'Frontmatter fields the workspace requires (e.g. description, metadata.owner) are missing. Off by default.',
  defaultLevel: 'off',
  category: 'governance',
  options: Options,
  check(ctx) {
    const doc = ctx.doc;
    if (doc.notice === 'binary' || (doc.frontmatter.present && doc.frontmatter.value === undefined)) return [];
    const fm = frontmatterOf(doc);
    const out: Finding[] = [];
    for (const path of ctx.options.required) {
      if (!missing(valueAt(fm, path))) continue;
      const parts = path.split('.');
      // On the parent key when it exists (`metadata:` for metadata.owner), else the key itself if present but empty, else the top.
      const span = keySpan(doc, parts) ?? (parts.length > 1 ? keySpan(doc, parts.slice(0, -1)) : undefined) ?? promptSpan(doc);
      out.push({
        message: `This workspace requires \`${path}\` in every prompt's frontmatter (rule missing-metadata in .promptlintrc.yaml), and it is ${valueAt(fm, path) === undefined ? 'missing' : 'empty'}.`,
        span,
        data: { field: path },
      });
    }
    return out;
  },
};
