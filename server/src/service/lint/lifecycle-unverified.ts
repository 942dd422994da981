// lifecycle-unverified: a `released` or `approved` prompt whose current text no run record has
// tested and passed. Run records name the sha256 of the prompt text they ran, so any edit after the
// last green run leaves the prompt unverified until its tests run again.
import type { LintRule } from './types';

export const rule: LintRule = {
  id: 'lifecycle-unverified',
  description: 'A released or approved prompt has no passing run record for its current text.',
  defaultLevel: 'warning',
  category: 'governance',
  async catalog(ctx) {
    const { entry, lifecycle } = ctx;
    if (entry.role !== 'released' && entry.role !== 'approved') return [];
    if (entry.tests?.verdict === 'passed') return [];
    const status = lifecycle.names[entry.role];
    const message = entry.tests
      ? `This ${status} prompt's current text failed ${entry.tests.total - entry.tests.passed} of ${entry.tests.total} test case(s) in its newest run records: fix it and run its tests again.`
      : `No run record tested this ${status} prompt's current text: run its tests (Test Explorer or \`prompt-workbench test\`) so the record proves it.`;
    return [{ message, range: entry.places.status ?? entry.places.top }];
  },
};
