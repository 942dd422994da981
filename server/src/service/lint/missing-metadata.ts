// missing-metadata: governance fields the workspace requires in every prompt's frontmatter (a
// description, an owner, ...). Off by default; turned on, with the required fields, in the config:
//   rules:
//     missing-metadata: { level: warning, required: [description, metadata.owner] }
// A field of the shared metadata (`owner`) counts wherever the format keeps it (Dotprompt: `metadata.owner`).
import { z } from 'zod';
import { settingAt } from '../formats/model';
import type { PromptMetadata } from '../formats/types';
import type { Span } from '../text';
import { promptSpan } from './util';
import type { Finding, LintRule } from './types';

const Options = z.strictObject({
  /** Frontmatter paths that must have a value: `description`, `metadata.owner`, or a dotted extension key such as `myteam.owner`. */
  required: z.array(z.string().min(1)).default(['description']),
});
type Options = z.infer<typeof Options>;

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
    const out: Finding[] = [];
    for (const path of ctx.options.required) {
      const { setting, parent } = settingAt(doc.prompt.settings, path);
      const shared = setting || !Object.prototype.hasOwnProperty.call(doc.prompt.metadata, path) ? undefined : doc.prompt.metadata[path as keyof PromptMetadata];
      const value = setting ? setting.value : shared?.value;
      if (!missing(value)) continue;
      // On the key when it is there but empty, else its parent (`metadata:` for metadata.owner), else the top.
      const span: Span = setting?.keySpan ?? shared?.keySpan ?? parent?.keySpan ?? promptSpan(doc);
      out.push({
        // A GitHub Models prompt file is YAML throughout: its settings are top-level keys, not frontmatter.
        message: `This workspace requires \`${path}\` in every prompt's ${doc.format === 'github-models' ? 'file (a top-level key of a `.prompt.yml`)' : 'frontmatter'} (rule missing-metadata in .promptlintrc.yaml), and it is ${setting || shared ? 'empty' : 'missing'}.`,
        span,
        data: { field: path },
      });
    }
    return out;
  },
};
