// lifecycle-missing-owner: a prompt with no owner, neither in the file (`metadata.owner`, ...)
// nor in CODEOWNERS, in a project whose config asks for owners (`catalog.requireOwner: true`).
import type { LintRule } from './types';

export const rule: LintRule = {
  id: 'lifecycle-missing-owner',
  description: 'A prompt has no owner in the file or CODEOWNERS, and the project config requires one.',
  defaultLevel: 'warning',
  category: 'governance',
  async catalog(ctx) {
    const { entry } = ctx;
    if (!ctx.config?.requireOwner || entry.owner || entry.partialName) return [];
    return [{ message: 'This prompt has no owner, and the project config requires one (`catalog.requireOwner`): write `owner` in its metadata, or give its path an owner in CODEOWNERS.', range: entry.places.top }];
  },
};
