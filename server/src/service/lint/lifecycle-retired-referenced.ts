// lifecycle-retired-referenced: a `retired` prompt that something still uses: another prompt
// includes it as a partial, a fixture file tests it, code or another file names its file.
import type { LintRule } from './types';

export const rule: LintRule = {
  id: 'lifecycle-retired-referenced',
  description: 'A retired prompt is still referenced by other prompts, fixture files or code.',
  defaultLevel: 'warning',
  category: 'governance',
  async catalog(ctx) {
    const { entry, lifecycle } = ctx;
    if (entry.role !== 'retired') return [];
    const refs = await ctx.references();
    if (!refs.length) return [];
    const shown = refs.slice(0, 3).map((r) => `${r.path}:${r.range.start.line + 1}`);
    const more = refs.length > shown.length ? ` and ${refs.length - shown.length} more` : '';
    return [{ message: `This prompt is ${lifecycle.names.retired} but still referenced: ${shown.join(', ')}${more}. Remove the references or bring the prompt back.`, range: entry.places.status ?? entry.places.top }];
  },
};
