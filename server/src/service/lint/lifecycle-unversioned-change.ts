// lifecycle-unversioned-change: a `released` prompt whose text changed since its previous committed
// version while its `version` stayed the same. Released prompts are what production runs; a new
// text needs a new version label so records, logs and rollbacks can tell them apart.
import type { CatalogFinding, LintRule } from './types';

export const rule: LintRule = {
  id: 'lifecycle-unversioned-change',
  description: 'A released prompt changed since its previous committed version without a new `version`.',
  defaultLevel: 'error',
  category: 'governance',
  async catalog(ctx) {
    const { entry, lifecycle } = ctx;
    if (entry.role !== 'released') return [];
    const before = await ctx.previous();
    if (!before || before.role !== 'released' || before.contentHash === entry.contentHash) return [];
    if ((before.version ?? '') !== (entry.version ?? '')) return [];
    const out: CatalogFinding = {
      message: entry.version
        ? `This ${lifecycle.names.released} prompt changed since its previous commit but its version is still ${entry.version}: raise \`version\` with the change.`
        : `This ${lifecycle.names.released} prompt changed since its previous commit and has no \`version\`: add one and raise it with each change.`,
      range: entry.places.version ?? entry.places.status ?? entry.places.top,
    };
    return [out];
  },
};
