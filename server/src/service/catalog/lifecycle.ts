// The lifecycle of a prompt: five statuses in order (draft, review, approved, released, then
// retired), each with the project's name for it (`catalog.statuses` of the project config), and the
// status of a prompt that writes none: the last matching glob of `catalog.defaults`, else draft.
import picomatch from 'picomatch';
import type { CatalogConfig } from '../lint/config';

export const LIFECYCLE_ROLES = ['draft', 'review', 'approved', 'released', 'retired'] as const;
export type LifecycleRole = (typeof LIFECYCLE_ROLES)[number];

export interface Lifecycle {
  /** The project's name of each status. */
  names: Record<LifecycleRole, string>;
  /** The status a name stands for; undefined for a name that is no status. */
  roleOf(name: string | undefined): LifecycleRole | undefined;
  /** Position in the order draft < review < approved < released < retired. */
  rank(role: LifecycleRole): number;
  /** The status of a prompt that writes none, from its path relative to the config's folder. */
  defaultFor(relPath: string): { status: string; source: 'config' | 'default'; glob?: string };
}

export function lifecycleOf(config?: CatalogConfig): Lifecycle {
  const names = { ...Object.fromEntries(LIFECYCLE_ROLES.map((r) => [r, r])), ...config?.statuses } as Record<LifecycleRole, string>;
  const byName = new Map(LIFECYCLE_ROLES.map((r) => [names[r], r] as const));
  const defaults = Object.entries(config?.defaults ?? {}).map(([glob, status]) => ({ glob, status, match: picomatch(glob.replace(/^\.?\//, ''), { dot: true }) }));
  return {
    names,
    roleOf: (name) => (name === undefined ? undefined : byName.get(name)),
    rank: (role) => LIFECYCLE_ROLES.indexOf(role),
    defaultFor(relPath) {
      const rel = relPath.replace(/\\/g, '/');
      for (let i = defaults.length - 1; i >= 0; i--) if (defaults[i].match(rel)) return { status: defaults[i].status, source: 'config', glob: defaults[i].glob };
      return { status: names.draft, source: 'default' };
    },
  };
}
