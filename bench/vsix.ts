// Bundle sizes and the packaged VSIX. The dev and production builds and `vsce package` run in a
// temporary copy of the working tree (node_modules symlinked), so the benchmark never overwrites
// `dist/` while other tests or a running server use it, and is not misled when something else
// rebuilds it meanwhile. Never throws: failures are reported as data.
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

export const BUNDLES = ['client.js', 'server.js', 'cli.js'] as const;

export function bundleSizes(dist: string): Record<string, number | undefined> {
  const out: Record<string, number | undefined> = {};
  for (const b of BUNDLES) {
    try {
      out[b] = fs.statSync(path.join(dist, b)).size;
    } catch {
      out[b] = undefined;
    }
  }
  return out;
}

interface Run {
  code: number | string | null;
  stdout: string;
  stderr: string;
  ms: number;
}

function run(file: string, args: string[], cwd: string, timeout = 300_000): Promise<Run> {
  const started = performance.now();
  return new Promise((resolve) => {
    const child = execFile(file, args, { cwd, timeout, maxBuffer: 64 * 1024 * 1024, env: { ...process.env, FORCE_COLOR: '0', NO_COLOR: '1' } }, (err, stdout, stderr) => {
      const code = err ? ((err as NodeJS.ErrnoException & { code?: number | string }).code ?? 1) : 0;
      resolve({ code: err && err.killed ? 'timeout' : code, stdout: String(stdout), stderr: String(stderr) || (err && !stdout ? err.message : ''), ms: performance.now() - started });
    });
    child.stdin?.end();
  });
}

export interface VsixResult {
  ok: boolean;
  /** Size of the .vsix file in bytes. */
  size?: number;
  files?: number;
  /** Sizes of the minified bundles that go into the VSIX. */
  productionBundles?: Record<string, number | undefined>;
  /** Sizes of the bundles of `npm run build` (not minified), built in the same copy. */
  devBundles?: Record<string, number | undefined>;
  /** Extra vsce flags that were used (none unless needed). */
  flags: string[];
  /** When packaging failed only for want of a repository URL: the size with placeholder base URLs. */
  sizeWithPlaceholderUrls?: number;
  placeholderFlags?: string[];
  /** vsce's tree of the packaged files with their sizes, as it prints it. */
  listing?: string[];
  /** vsce's WARNING lines, e.g. a missing LICENSE or repository field. */
  warnings: string[];
  error?: string;
  buildMs?: number;
  packageMs?: number;
}

const SKIP_TOP = new Set(['node_modules', '.git', 'dist', 'out', '.vscode-test', '.cache']);

export async function packageVsix(root: string): Promise<VsixResult> {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'pw-bench-vsix-'));
  const copy = path.join(tmp, 'repo');
  const result: VsixResult = { ok: false, flags: [], warnings: [] };
  try {
    fs.cpSync(root, copy, {
      recursive: true,
      filter: (src) => {
        const rel = path.relative(root, src);
        const top = rel.split(path.sep)[0];
        return !SKIP_TOP.has(top) && !rel.startsWith(path.join('bench', 'results')) && !rel.endsWith('.vsix');
      },
    });
    fs.symlinkSync(path.join(root, 'node_modules'), path.join(copy, 'node_modules'), 'dir');

    // The dev build first (what `npm run build` makes), measured here rather than in dist/, which
    // other tools may overwrite (e.g. with a production build) while the benchmark runs.
    const dev = await run(process.execPath, ['esbuild.mjs'], copy);
    if (dev.code === 0) result.devBundles = bundleSizes(path.join(copy, 'dist'));
    const build = await run(process.execPath, ['esbuild.mjs', '--production'], copy);
    result.buildMs = Math.round(build.ms);
    if (build.code !== 0) {
      result.error = `production build failed (exit ${build.code}): ${lastLines(build.stderr || build.stdout)}`;
      return result;
    }
    result.productionBundles = bundleSizes(path.join(copy, 'dist'));

    // The same flags as `npm run package`: there is no repository URL, so relative README links are
    // left as they are instead of being rewritten to one.
    const vsce = path.join(root, 'node_modules', '@vscode', 'vsce', 'vsce');
    const out = path.join(tmp, 'pw.vsix');
    const pack = async (flags: string[]) => {
      const r = await run(process.execPath, [vsce, 'package', '--no-dependencies', '--out', out, ...flags], copy);
      const text = stripAnsi(`${r.stdout}\n${r.stderr}`);
      const warnings = text
        .split('\n')
        .filter((l) => /^\s*WARNING\b/.test(l))
        .map((l) => l.replace(/^\s*WARNING\s*/, '').trim());
      const error = r.code !== 0 || !fs.existsSync(out) ? `vsce package failed (exit ${r.code}): ${lastLines(text.replace(/^\s*WARNING.*$/gm, ''))}` : undefined;
      return { ms: r.ms, text, warnings, error };
    };
    let p = await pack(['--allow-missing-repository', '--no-rewrite-relative-links']);
    result.packageMs = Math.round(p.ms);
    result.warnings = p.warnings;
    if (p.error) {
      result.error = p.error;
      // Without a `repository` field vsce cannot rewrite relative links and images in README.md
      // and refuses to package. To still learn the size, package once more with placeholder base
      // URLs (the README links in that package point nowhere); reported as such, never as a pass.
      if (/--baseContentUrl|--baseImagesUrl|Couldn't detect the repository/.test(p.error)) {
        const flags = ['--baseContentUrl', 'https://example.invalid/', '--baseImagesUrl', 'https://example.invalid/'];
        p = await pack(flags);
        result.warnings = [...new Set([...result.warnings, ...p.warnings])];
        if (!p.error) {
          result.listing = listing(p.text);
          result.sizeWithPlaceholderUrls = fs.statSync(out).size;
          result.placeholderFlags = flags;
          const files = /\((\d+) files?/.exec(p.text);
          if (files) result.files = Number(files[1]);
        }
      }
      return result;
    }
    result.size = fs.statSync(out).size;
    result.listing = listing(p.text);
    const files = /\((\d+) files?/.exec(p.text);
    if (files) result.files = Number(files[1]);
    result.ok = true;
    return result;
  } catch (e) {
    result.error = e instanceof Error ? e.message : String(e);
    return result;
  } finally {
    try {
      fs.unlinkSync(path.join(copy, 'node_modules')); // the link only, never the real node_modules
    } catch {
      // not created
    }
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

function listing(text: string): string[] {
  return text.split('\n').filter((l) => /[├└│]/.test(l)).map((l) => l.trimEnd());
}

function stripAnsi(s: string): string {
  // eslint-disable-next-line no-control-regex
  return s.replace(/\x1b\[[0-9;]*m/g, '');
}

function lastLines(s: string, n = 6): string {
  return s
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean)
    .slice(-n)
    .join(' | ');
}
