// Bundle sizes and the packaged VSIX. The dev and production builds and `vsce package` run in a
// temporary copy of the working tree (node_modules symlinked), so the benchmark never overwrites
// `dist/` while other tests or a running server use it, and is not misled when something else
// rebuilds it meanwhile. Never throws: failures are reported as data.
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { readZip } from '../test/package/zip';

/** Every file `esbuild.mjs` writes to dist/ (the CLI is not packaged; the rest is). */
export const BUNDLES = ['client.js', 'session.js', 'testing.js', 'server.js', 'tokenizer-o200k_base.js', 'tokenizer-cl100k_base.js', 'cli.js'] as const;

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
  /** The vsce flags of `npm run package` besides `--no-dependencies` and `--out`. */
  flags: string[];
  /** Every file in the package with its uncompressed and compressed size, read from the zip. */
  entries?: { name: string; size: number; compressed: number }[];
  /** No longer set: vsce needed placeholder base URLs only while the manifest had no repository. */
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

    // The same flags as `npm run package` (read from its script, so the two never drift apart).
    const vsce = path.join(root, 'node_modules', '@vscode', 'vsce', 'vsce');
    const out = path.join(tmp, 'pw.vsix');
    result.flags = packageFlags(root);
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
    const p = await pack(result.flags);
    result.packageMs = Math.round(p.ms);
    result.warnings = p.warnings;
    if (p.error) {
      result.error = p.error;
      return result;
    }
    result.size = fs.statSync(out).size;
    result.listing = listing(p.text);
    result.entries = (await readZip(out)).filter((e) => !e.name.endsWith('/')).map(({ name, size, compressed }) => ({ name, size, compressed }));
    result.files = result.entries.length;
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

/** The flags `npm run package` gives `vsce package`, apart from `--no-dependencies` and `--out <file>`. */
export function packageFlags(root: string): string[] {
  const script: string = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')).scripts?.package ?? '';
  const args = /\bvsce package\b(.*)$/.exec(script)?.[1].trim().split(/\s+/).filter(Boolean) ?? [];
  const flags: string[] = [];
  for (let i = 0; i < args.length; i++) {
    if (args[i] === '&&' || args[i] === ';') break;
    if (args[i] === '--out' || args[i] === '-o') i++;
    else if (args[i] !== '--no-dependencies') flags.push(args[i]);
  }
  return flags;
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

// `node --import tsx bench/vsix.ts`: this part of the benchmark alone (bundles, VSIX and the size
// of every file in it), without the rest of `bench/run.ts`.
if (require.main === module) {
  const root = path.resolve(__dirname, '..');
  void packageVsix(root).then((r) => {
    const kib = (n: number | undefined) => (n === undefined ? '-' : `${(n / 1024).toFixed(1)} KiB`);
    console.log(`production bundles: ${BUNDLES.map((b) => `${b} ${kib(r.productionBundles?.[b])}`).join(', ')}`);
    console.log(`dev bundles: ${BUNDLES.map((b) => `${b} ${kib(r.devBundles?.[b])}`).join(', ')}`);
    if (!r.ok) {
      console.log(`FAILED: ${r.error}`);
      process.exitCode = 1;
    } else {
      console.log(`VSIX: ${(r.size! / 1024 / 1024).toFixed(2)} MiB (${r.size} bytes), ${r.files} files; build ${r.buildMs} ms, package ${r.packageMs} ms; vsce flags: ${r.flags.join(' ') || '(none)'}`);
      const width = Math.max(...r.entries!.map((e) => e.name.length));
      console.log(`${'file'.padEnd(width)}  ${'size'.padStart(12)}  ${'compressed'.padStart(12)}`);
      for (const e of r.entries!) console.log(`${e.name.padEnd(width)}  ${kib(e.size).padStart(12)}  ${kib(e.compressed).padStart(12)}`);
    }
    for (const w of r.warnings) console.log(`vsce warning: ${w}`);
  });
}
