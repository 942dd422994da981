// The one list of folders every search of the workspace skips, as globs. Its own module, with no
// imports, so that the Node host (bundled into the client's session) does not pull in the engine.
/** Folders no search of the workspace enters; `files.exclude` in the project config adds to them. */
export const DEFAULT_EXCLUDE: readonly string[] = ['node_modules', '.git', 'dist', 'out', '.prompt-workbench'];

/**
 * The ignore globs for a search: the built-in folders plus the project's `files.exclude`. A plain
 * name (`build`) skips that folder anywhere; an entry with a slash or a wildcard is a glob relative
 * to the searched root (`legacy/**`).
 */
export function excludeGlobs(extra: readonly string[] = []): string[] {
  const out = new Set<string>();
  for (const raw of [...DEFAULT_EXCLUDE, ...extra]) {
    const entry = raw.trim().replace(/\\/g, '/').replace(/^\.\//, '').replace(/\/+$/, '');
    if (!entry) continue;
    if (/[/*?[{]/.test(entry)) out.add(entry.endsWith('/**') || entry.endsWith('**') ? entry : `${entry}/**`);
    else out.add(`**/${entry}/**`);
  }
  return [...out];
}

/** Whether a path relative to a searched root lies in an excluded folder (for paths a search did not produce, such as file events). */
export function isExcluded(relativePath: string, extra: readonly string[] = []): boolean {
  const parts = relativePath.replace(/\\/g, '/').split('/').slice(0, -1);
  const names = new Set([...DEFAULT_EXCLUDE, ...extra.filter((e) => !/[/*?[{]/.test(e))].map((e) => e.trim().replace(/\/+$/, '')));
  if (parts.some((p) => names.has(p))) return true;
  const globs = extra.filter((e) => /[/*?[{]/.test(e)).map((e) => e.trim().replace(/\\/g, '/').replace(/^\.\//, '').replace(/\/?\*\*$/, '').replace(/\/+$/, ''));
  const dir = parts.join('/');
  return globs.some((g) => !/[*?[{]/.test(g) && (dir === g || dir.startsWith(`${g}/`)));
}
