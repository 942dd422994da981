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

/** What each status means, for completion and hover. */
const ROLE_MEANING: Record<LifecycleRole, string> = {
  draft: 'being written; no checks apply yet',
  review: 'waiting for review',
  approved: 'reviewed and accepted: its current text needs a passing run record',
  released: 'in production: its current text needs a passing run record, and a change needs a new `version`',
  retired: 'no longer used: nothing should still reference it',
};

/** Whether a frontmatter key path is where a format writes the lifecycle status (`metadata.status`, Dotprompt's `workbench.status`). */
export function isStatusPath(path: readonly string[]): boolean {
  const p = path.join('.');
  return p === 'metadata.status' || p === 'workbench.status';
}

/** The statuses in order, by the project's names, each with what it means. */
export function statusChoices(lifecycle: Lifecycle): { name: string; role: LifecycleRole; doc: string }[] {
  return LIFECYCLE_ROLES.map((role, i) => ({
    name: lifecycle.names[role],
    role,
    doc: `Lifecycle status ${i + 1} of ${LIFECYCLE_ROLES.length}${lifecycle.names[role] !== role ? ` (the project's name for \`${role}\`)` : ''}: ${ROLE_MEANING[role]}.`,
  }));
}

/** One line for a status value's hover: what it stands for, or that the project has no such status. */
export function statusHover(lifecycle: Lifecycle, value: string): string {
  const role = lifecycle.roleOf(value.trim());
  if (role) return `\`${value}\`: ${statusChoices(lifecycle).find((c) => c.role === role)!.doc}`;
  const names = LIFECYCLE_ROLES.map((r) => `\`${lifecycle.names[r]}\``).join(' → ');
  return `\`${value}\` is not one of this project's statuses: ${names} (\`catalog.statuses\` in prompt-workbench.yaml names them).`;
}
