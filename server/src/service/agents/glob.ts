import picomatch from 'picomatch';
import { agentFileGlobs } from '../../languages';

// Globs over workspace-relative paths, as instruction files write them (`applyTo: "src/**/*.ts"`,
// `agents.alwaysLoaded`): `**` any run of folders, `*` any run of characters but `/`, `?` one
// character, `{a,b}` alternatives. A glob without `/` matches a file name at any depth, as
// `*.ts` does for VS Code's `applyTo`.

const cache = new Map<string, (path: string) => boolean>();

export function globMatcher(glob: string): (path: string) => boolean {
  let m = cache.get(glob);
  if (m) return m;
  const g = glob.trim().replace(/^\.\//, '').replace(/^\//, '');
  let src = '';
  let braces = 0;
  for (let i = 0; i < g.length; i++) {
    const c = g[i];
    if (c === '*' && g[i + 1] === '*') {
      i++;
      if (g[i + 1] === '/') {
        i++;
        src += '(?:[^/]*/)*';
      } else src += '.*';
    } else if (c === '*') src += '[^/]*';
    else if (c === '?') src += '[^/]';
    else if (c === '{') {
      braces++;
      src += '(?:';
    } else if (c === '}' && braces) {
      braces--;
      src += ')';
    } else if (c === ',' && braces) src += '|';
    else src += c.replace(/[.+^$()|[\]\\]/g, '\\$&');
  }
  if (braces) src = g.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const re = new RegExp(`^${g.includes('/') ? '' : '(?:[^/]*/)*'}${src}$`);
  m = (path: string) => re.test(path);
  cache.set(glob, m);
  return m;
}

/** A file URI's path relative to a folder URI, with `/` (the URI's path when it is not inside). */
export function relativePath(root: string, uri: string): string {
  const r = root.endsWith('/') ? root : `${root}/`;
  const rel = uri.startsWith(r) ? uri.slice(r.length) : uri.replace(/^[a-z][\w+.-]*:\/\/[^/]*\//i, '');
  try {
    return decodeURIComponent(rel);
  } catch {
    return rel;
  }
}

export { agentFileGlobs };

/**
 * Whether `agents.files` of the project config names a file, by its path relative to the project
 * root: the same globs the search of the set runs (picomatch, as tinyglobby does: anchored at the
 * root, no dot files), so a file the editor treats as an instruction file is one the set counts.
 */
export function matchesAgentFiles(files: readonly string[] | undefined, path: string): boolean {
  const globs = agentFileGlobs(files);
  return globs.length > 0 && picomatch(globs, { dot: false })(path);
}
