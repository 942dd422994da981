// lifecycle-status-backwards: the status moved back in the lifecycle (released -> review, approved
// -> draft, retired -> released) since the previous committed version, without a `statusNote`
// saying why (a new or changed note).
import type { LintRule } from './types';

export const rule: LintRule = {
  id: 'lifecycle-status-backwards',
  description: 'The lifecycle status moved backwards since the previous commit without a `statusNote` saying why.',
  defaultLevel: 'warning',
  category: 'governance',
  async catalog(ctx) {
    const { entry, lifecycle } = ctx;
    if (!entry.role) return [];
    const before = await ctx.previous();
    if (!before?.role || lifecycle.rank(before.role) <= lifecycle.rank(entry.role)) return [];
    const note = entry.statusNote?.trim();
    if (note && note !== (before.statusNote ?? '').trim()) return [];
    return [{ message: `The status moved back from ${before.status} to ${entry.status} since the previous commit: say why in \`statusNote\` (a new note with this change).`, range: entry.places.status ?? entry.places.top }];
  },
};
