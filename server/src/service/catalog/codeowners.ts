// CODEOWNERS, read as GitHub reads it: the file is the first of `.github/CODEOWNERS`,
// `CODEOWNERS`, `docs/CODEOWNERS` at the repository root; each line is a pattern and its owners;
// the LAST matching line wins, and a matching line without owners leaves the file without an
// owner. Patterns follow .gitignore's rules (a leading `/` or a slash inside anchors the pattern at
// the root, otherwise it matches at any depth; a trailing `/` matches a folder's contents; `*`
// stays within a folder, `**` crosses folders; a pattern that names a folder covers everything in
// it, except after a final lone `*`), with GitHub's exceptions: `!` does not negate and `[ ]` is no character range — such lines
// are reported and ignored, as GitHub ignores them. Paths are case-sensitive. Matching is
// picomatch's (the glob library tinyglobby uses), fed a translation of each pattern.
import picomatch from 'picomatch';
import type { Span } from '../text';

/** Where GitHub looks, in order; the first file found is used. */
export const CODEOWNERS_LOCATIONS = ['.github/CODEOWNERS', 'CODEOWNERS', 'docs/CODEOWNERS'] as const;

export interface CodeownersRule {
  pattern: string;
  owners: string[];
  /** 0-based line in the file. */
  line: number;
  matches(path: string): boolean;
}

export interface CodeownersProblem {
  line: number;
  message: string;
  span: Span;
}

export interface Codeowners {
  /** The file's path relative to the repository root (`.github/CODEOWNERS`). */
  file?: string;
  rules: CodeownersRule[];
  problems: CodeownersProblem[];
}

export interface OwnerMatch {
  /** Empty when the last matching line has no owners (the path is explicitly unowned). */
  owners: string[];
  rule: CodeownersRule;
}

const OPTIONS = { dot: true, nobrace: true, noextglob: true, nonegate: true, nobracket: true } as const;
const OWNER = /^(@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\/[A-Za-z0-9._-]+)?|[^@\s]+@[^@\s]+\.[^@\s]+)$/;

/** Escapes what picomatch would read as syntax GitHub does not have (parentheses, `+`, `@`, `!`, `$`, `^`). */
function escapeGlob(s: string): string {
  return s.replace(/[()+@!$^|]/g, (c) => `\\${c}`);
}

/** The globs one CODEOWNERS pattern means, as picomatch matchers of a repository-relative path. */
export function patternMatcher(pattern: string): (path: string) => boolean {
  let p = pattern;
  const dirOnly = p.endsWith('/');
  if (dirOnly) p = p.replace(/\/+$/, '');
  const anchored = p.startsWith('/') || p.includes('/');
  p = p.replace(/^\/+/, '');
  // `/` alone names no file.
  if (!p) return () => false;
  const glob = escapeGlob(anchored ? p : `**/${p}`);
  const self = dirOnly ? undefined : picomatch(glob, OPTIONS);
  // A pattern naming a folder covers everything inside it, except when its last segment is a lone
  // `*`: GitHub documents `docs/*` as matching `docs/getting-started.md` but not `docs/build-app/x.md`.
  const last = p.slice(p.lastIndexOf('/') + 1);
  const inside = dirOnly || last !== '*' ? picomatch(`${glob}/**`, OPTIONS) : undefined;
  return (path) => {
    const rel = path.replace(/\\/g, '/').replace(/^\/+/, '');
    return (self ? self(rel) : false) || (inside ? inside(rel) : false);
  };
}

/** Parses a CODEOWNERS file's text. Never throws: lines GitHub would reject come back as problems. */
export function parseCodeowners(text: string, file?: string): Codeowners {
  const rules: CodeownersRule[] = [];
  const problems: CodeownersProblem[] = [];
  const lines = text.split('\n');
  let offset = 0;
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i].replace(/\r$/, '');
    const lineStart = offset;
    offset += lines[i].length + 1;
    // A `#` starts a comment at the start of the line or after white space.
    const body = raw.replace(/(^|\s)#.*$/, '').trim();
    if (!body) continue;
    const [pattern, ...owners] = body.split(/\s+/);
    const at = lineStart + raw.indexOf(pattern);
    const span = { start: at, end: at + pattern.length };
    if (pattern.startsWith('!')) {
      problems.push({ line: i, span, message: `CODEOWNERS line ${i + 1}: \`!\` does not negate a pattern on GitHub; the line is ignored.` });
      continue;
    }
    if (/[[\]]/.test(pattern)) {
      problems.push({ line: i, span, message: `CODEOWNERS line ${i + 1}: GitHub does not support \`[ ]\` character ranges; the line is ignored.` });
      continue;
    }
    const bad = owners.find((o) => !OWNER.test(o));
    if (bad) {
      const start = lineStart + raw.indexOf(bad, raw.indexOf(pattern) + pattern.length);
      problems.push({ line: i, span: { start, end: start + bad.length }, message: `CODEOWNERS line ${i + 1}: \`${bad}\` is not an owner (\`@user\`, \`@org/team\` or an e-mail address); GitHub ignores the line.` });
      continue;
    }
    rules.push({ pattern, owners, line: i, matches: patternMatcher(pattern) });
  }
  return { file, rules, problems };
}

/** The owners of a repository-relative path: the last matching line's; undefined when no line matches. */
export function ownersOf(codeowners: Codeowners, path: string): OwnerMatch | undefined {
  for (let i = codeowners.rules.length - 1; i >= 0; i--) {
    const rule = codeowners.rules[i];
    if (rule.matches(path)) return { owners: rule.owners, rule };
  }
  return undefined;
}
