// scripts/code-server.mjs: a real VS Code (code-server) on this machine, for `npm start` and the
// end-to-end tests (test/e2e/web). Installs code-server once into a cache outside the repo
// (~/.cache/prompt-workbench/code-server, or $PROMPT_WORKBENCH_CODE_SERVER_DIR) with the Node 24
// it needs (npm package `node@24`), installs Debian packages it needs when running as root,
// prepares throwaway profiles, installs a VSIX, starts and stops code-server, and launches
// Debian's chromium through playwright-core (installed into the same cache, not into the repo).
// Only Node builtins are imported here.

import { spawn, execFile } from 'node:child_process';
import { createRequire } from 'node:module';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const VSIX = path.join(REPO, 'dist', 'prompt-workbench.vsix');
export const EXTENSION_ID = 'prompt-workbench.prompt-workbench';
const CODE_SERVER_SPEC = 'code-server@4.139';
const NODE_SPEC = 'node@24';
const DEBIAN_DEV_PACKAGES = ['libkrb5-dev', 'libx11-dev', 'libxkbfile-dev', 'libsecret-1-dev'];
export const CHROMIUM = '/usr/bin/chromium';
export const IS_WINDOWS = process.platform === 'win32';
export const CACHE_DIR = path.resolve(
  process.env.PROMPT_WORKBENCH_CODE_SERVER_DIR || path.join(os.homedir(), '.cache', 'prompt-workbench', 'code-server'),
);

/** An error whose message is for the user as it is (no stack trace). */
export class UserError extends Error {}

let logPrefix = '[start]';
/** Sets the prefix of this module's progress lines (`[start]` for npm start, `[e2e]` for the tests). */
export function setLogPrefix(prefix) {
  logPrefix = prefix;
}

export function log(msg) {
  console.log(`${logPrefix} ${msg}`);
}

// ---------------------------------------------------------------- processes

/** Runs a command (argument array, no shell) with inherited stdio; rejects with a clear message. */
export function run(cmd, args, { cwd = REPO, env = process.env, what, quiet = false, shell = false } = {}) {
  return new Promise((resolve, reject) => {
    let child;
    const tail = [];
    try {
      child = spawn(cmd, args, { cwd, env, shell, stdio: quiet ? ['ignore', 'pipe', 'pipe'] : 'inherit' });
    } catch (e) {
      reject(new UserError(`${what || cmd} could not be started: ${e.message}`));
      return;
    }
    if (quiet) {
      const keep = (d) => {
        tail.push(...d.toString().split('\n'));
        if (tail.length > 60) tail.splice(0, tail.length - 60);
      };
      child.stdout.on('data', keep);
      child.stderr.on('data', keep);
    }
    child.on('error', (e) => reject(new UserError(`${what || cmd} could not be started: ${e.message}`)));
    child.on('exit', (code, signal) => {
      if (code === 0) resolve();
      else {
        const why = signal ? `was killed by ${signal}` : `exited with code ${code}`;
        const out = quiet && tail.length ? `\n--- last output ---\n${tail.join('\n').trim()}` : '';
        reject(new UserError(`${what || [cmd, ...args].join(' ')} ${why}${out}`));
      }
    });
  });
}

export function capture(cmd, args, opts = {}) {
  return new Promise((resolve) => {
    execFile(cmd, args, { timeout: 60_000, ...opts }, (err, stdout, stderr) =>
      resolve({ ok: !err, stdout: String(stdout || ''), stderr: String(stderr || ''), err }),
    );
  });
}

/** npm as [command, leadingArgs, shell]: under `npm start`, npm's own CLI script run by this Node. */
function npmCommand() {
  const execPath = process.env.npm_execpath;
  if (execPath && /\.(c?js|mjs)$/.test(execPath) && fs.existsSync(execPath)) return [process.execPath, [execPath], false];
  // npm.cmd is a batch file: Node refuses to spawn those without a shell (our arguments are constants).
  return IS_WINDOWS ? ['npm.cmd', [], true] : ['npm', [], false];
}

export function runNpm(args, opts = {}) {
  const [cmd, lead, shell] = npmCommand();
  return run(cmd, [...lead, ...args], { ...opts, shell });
}

export function findOnPath(name) {
  const exts = IS_WINDOWS ? (process.env.PATHEXT || '.EXE;.CMD;.BAT').split(';') : [''];
  for (const dir of (process.env.PATH || '').split(path.delimiter)) {
    if (!dir) continue;
    for (const ext of exts) {
      const p = path.join(dir, name + ext.toLowerCase());
      try {
        if (fs.statSync(p).isFile()) {
          if (!IS_WINDOWS) fs.accessSync(p, fs.constants.X_OK);
          return p;
        }
      } catch {}
    }
  }
  return undefined;
}

// ---------------------------------------------------------------- code-server install (cached)

const cachePath = (...p) => path.join(CACHE_DIR, ...p);
// Node 24 lives in its own package dir (<cache>/node24): installing code-server next to it in the same
// node_modules made npm reinstall the `node` package mid-install, and code-server's postinstall then
// ran with the system Node ("code-server currently requires node v24").
const NODE24_DIR = cachePath('node24');
const node24 = () => path.join(NODE24_DIR, 'node_modules', 'node', 'bin', IS_WINDOWS ? 'node.exe' : 'node');
const codeServerEntry = () => cachePath('node_modules', 'code-server', 'out', 'node', 'entry.js');

function node24HeadersDir() {
  const dir = path.join(NODE24_DIR, 'node_modules', 'node', 'node_modules');
  let names = [];
  try { names = fs.readdirSync(dir); } catch {}
  const want = `node-${process.platform}-${process.arch}`;
  const name = names.includes(want) ? want : names.find((n) => /^node-[a-z]+-[a-z0-9]+$/.test(n));
  if (!name) return undefined;
  const full = path.join(dir, name);
  return fs.existsSync(path.join(full, 'include', 'node', 'node.h')) ? full : undefined;
}

async function codeServerVersion() {
  if (!fs.existsSync(node24()) || !fs.existsSync(codeServerEntry())) return undefined;
  // --config: otherwise code-server writes ~/.config/code-server/config.yaml even for --version
  await fsp.mkdir(CACHE_DIR, { recursive: true });
  const config = cachePath('config.yaml');
  if (!fs.existsSync(config)) await fsp.writeFile(config, 'auth: none\ncert: false\n');
  const r = await capture(node24(), [codeServerEntry(), '--config', config, '--version']);
  return r.ok && /\d+\.\d+\.\d+/.test(r.stdout) ? r.stdout.trim().split('\n')[0] : undefined;
}

async function missingDebianPackages(pkgs) {
  if (process.platform !== 'linux' || !findOnPath('dpkg')) return [];
  const missing = [];
  for (const p of pkgs) {
    const r = await capture('dpkg', ['-s', p]);
    if (!r.ok || !/^Status: install ok installed/m.test(r.stdout)) missing.push(p);
  }
  return missing;
}

/**
 * Whether `npm start` may install Debian packages: `install` with --yes or in CI (the CI variable
 * set, as CI services do), `ask` on a terminal, `refuse` when there is no terminal to ask on.
 */
export function installConsent({ yes = false, env = process.env, interactive = false } = {}) {
  if (yes || (env.CI && env.CI !== 'false' && env.CI !== '0')) return 'install';
  return interactive ? 'ask' : 'refuse';
}

/** What is said before installing: the packages, why, and the command. */
export function installAnnouncement(missing, why) {
  return `${why} needs these Debian packages, which are not installed: ${missing.join(', ')}. They are installed with: apt-get install -y ${missing.join(' ')}`;
}

/**
 * Set by `npm start`: asked (after the packages are named) before anything is installed; false
 * stops. Unset (the end-to-end tests), the packages are named and installed.
 */
let confirmInstall;
export function setInstallConfirmation(fn) {
  confirmInstall = fn;
}

export async function ensureDebianPackages(pkgs, why) {
  const missing = await missingDebianPackages(pkgs);
  if (!missing.length) return;
  const cmd = `sudo apt-get install -y ${missing.join(' ')}`;
  if (typeof process.getuid !== 'function' || process.getuid() !== 0) {
    throw new UserError(`${why} needs Debian packages that are not installed. Run:\n    ${cmd}\nthen run the same command again.`);
  }
  log(installAnnouncement(missing, why));
  if (confirmInstall && !(await confirmInstall(missing, why))) {
    throw new UserError(`nothing installed. Install the packages yourself (${cmd}), or run \`npm start -- --yes\` to let npm start install them.`);
  }
  log(`installing Debian packages (${why}): apt-get install -y ${missing.join(' ')}`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  try {
    await run('apt-get', ['install', '-y', ...missing], { env, what: 'apt-get install' });
  } catch (e) {
    log('apt-get install failed; refreshing the package lists (apt-get update) and trying once more');
    await run('apt-get', ['update'], { env, what: 'apt-get update' });
    await run('apt-get', ['install', '-y', ...missing], { env, what: 'apt-get install' });
  }
}

async function writeCachePackageJson(dir = CACHE_DIR, name = 'prompt-workbench-code-server-cache') {
  await fsp.mkdir(dir, { recursive: true });
  const pj = path.join(dir, 'package.json');
  if (!fs.existsSync(pj)) {
    await fsp.writeFile(pj, JSON.stringify({
      name,
      private: true,
      description: 'Written by scripts/start.mjs of Prompt Workbench (code-server, Node 24, playwright-core). Safe to delete.',
    }, null, 2) + '\n');
  }
}

export async function ensureCodeServer() {
  const existing = await codeServerVersion();
  if (existing) {
    log(`code-server ${existing.split(' ')[0]} (cached in ${CACHE_DIR})`);
    return;
  }
  if (IS_WINDOWS) throw new UserError('code-server does not run on Windows; install desktop VS Code so that `code` is on PATH.');
  await ensureDebianPackages(DEBIAN_DEV_PACKAGES, 'building code-server\'s native modules');
  await writeCachePackageJson();
  const started = Date.now();
  log(`installing code-server into ${CACHE_DIR}`);
  log('first run only: this downloads ~300 MB and compiles native modules, which can take up to ~15 minutes on 2 cores;');
  log('later runs reuse the cache');
  if (!fs.existsSync(node24()) || !node24HeadersDir()) {
    log(`step 1/2: npm install ${NODE_SPEC} (the Node 24 runtime code-server needs, with its headers)`);
    await writeCachePackageJson(NODE24_DIR, 'prompt-workbench-node24');
    await runNpm(['install', NODE_SPEC], { cwd: NODE24_DIR, what: `npm install ${NODE_SPEC} (in ${NODE24_DIR})` });
  }
  const headers = node24HeadersDir();
  if (!fs.existsSync(node24()) || !headers) {
    throw new UserError(`npm install ${NODE_SPEC} did not produce ${node24()} and its headers under ${NODE24_DIR}/node_modules/node/node_modules/node-*/include/node`);
  }
  log(`step 2/2: npm install ${CODE_SERVER_SPEC} (native modules built against ${path.relative(CACHE_DIR, headers)}; this is the slow part)`);
  const ticker = setInterval(() => log(`... still installing code-server (${Math.round((Date.now() - started) / 60000)} min so far)`), 120_000);
  try {
    await cacheNpm(['install', CODE_SERVER_SPEC], `npm install ${CODE_SERVER_SPEC} (in ${CACHE_DIR})`);
  } catch (e) {
    throw new UserError(`${e.message}\nThe code-server install failed. Fix the cause above and run again, or delete ${CACHE_DIR} to start from scratch.`);
  } finally {
    clearInterval(ticker);
  }
  const v = await codeServerVersion();
  if (!v) throw new UserError(`code-server was installed into ${CACHE_DIR} but \`code-server --version\` does not work there`);
  log(`code-server ${v.split(' ')[0]} installed in ${Math.round((Date.now() - started) / 60000)} min`);
}

/** npm in the cache dir, run by Node 24 with node-gyp pointed at Node 24's headers. */
function cacheNpm(args, what) {
  const headers = node24HeadersDir();
  if (!fs.existsSync(node24()) || !headers) return runNpm(args, { cwd: CACHE_DIR, what });
  const env = {
    ...process.env,
    // the user's npmrc may point node-gyp at another Node's headers (here: nodedir=/usr): use Node 24's
    npm_config_nodedir: headers,
    PATH: `${path.dirname(node24())}${path.delimiter}${process.env.PATH || ''}`,
  };
  // Under `npm start` the outer npm (system Node) exports its user agent ("npm/… node/v20…") and
  // node path; the inner npm would inherit them, and code-server's postinstall reads the Node
  // version from npm_config_user_agent.
  for (const k of ['npm_config_user_agent', 'npm_node_execpath', 'NODE']) delete env[k];
  return run(node24(), [...npmCliFor24(), ...args], { cwd: CACHE_DIR, env, what });
}

/** npm's CLI script, to run it with Node 24 (so install scripts see Node 24). */
function npmCliFor24() {
  const execPath = process.env.npm_execpath;
  if (execPath && /\.(c?js|mjs)$/.test(execPath) && fs.existsSync(execPath)) return [execPath];
  const npm = findOnPath('npm');
  if (npm) {
    const real = fs.realpathSync(npm);
    if (/\.(c?js|mjs)$/.test(real)) return [real];
    const guess = path.join(path.dirname(real), '..', 'lib', 'node_modules', 'npm', 'bin', 'npm-cli.js');
    if (fs.existsSync(guess)) return [guess];
  }
  const bundled = path.join(NODE24_DIR, 'node_modules', 'node', 'node_modules', 'npm', 'bin', 'npm-cli.js');
  if (fs.existsSync(bundled)) return [bundled];
  throw new UserError('could not find npm\'s CLI script (npm-cli.js) to run with Node 24');
}

/** playwright-core: the project's own (a devDependency), else a copy installed into the cache dir. */
export async function loadPlaywright() {
  const own = createRequire(path.join(REPO, 'package.json'));
  try {
    return own(own.resolve('playwright-core'));
  } catch {}
  const req = createRequire(cachePath('package.json'));
  const resolveIt = () => { try { return req.resolve('playwright-core'); } catch { return undefined; } };
  if (!resolveIt()) {
    await writeCachePackageJson();
    log(`installing playwright-core into ${CACHE_DIR} (not into the repo)`);
    await cacheNpm(['install', 'playwright-core'], `npm install playwright-core (in ${CACHE_DIR})`);
  }
  const resolved = resolveIt();
  if (!resolved) throw new UserError(`playwright-core is not resolvable from ${CACHE_DIR} after installing it`);
  return req(resolved);
}

// ---------------------------------------------------------------- code-server run

function portFree(port) {
  return new Promise((resolve) => {
    const srv = net.createServer();
    srv.once('error', () => resolve(false));
    srv.listen(port, '127.0.0.1', () => srv.close(() => resolve(true)));
  });
}

export function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

export async function choosePort(requested) {
  if (requested !== undefined) {
    if (!(await portFree(requested))) {
      throw new UserError(`port ${requested} on 127.0.0.1 is already in use; pick another with --port N (or omit --port to use a free one)`);
    }
    return requested;
  }
  if (await portFree(8080)) return 8080;
  const p = await freePort();
  log(`port 8080 is in use, using free port ${p}`);
  return p;
}

/**
 * A fresh profile (user-data-dir, extensions-dir, config) under `runsDir` (default <cache>/runs),
 * keeping the `keep` most recent ones there (their logs/ are useful). `settings` are merged over the
 * defaults, which trust every workspace (`security.workspace.trust.enabled: false`).
 * @param {{ runsDir?: string, keep?: number, settings?: Record<string, unknown>, prefix?: string }} [options]
 */
export async function prepareProfile({ runsDir = cachePath('runs'), keep = 3, settings = {}, prefix = 'run' } = {}) {
  const runs = runsDir;
  await fsp.mkdir(runs, { recursive: true });
  if (keep > 0) {
    const old = (await fsp.readdir(runs)).filter((n) => n.startsWith(`${prefix}-`)).sort().reverse().slice(keep);
    for (const n of old) await fsp.rm(path.join(runs, n), { recursive: true, force: true }).catch(() => {});
  }
  const stamp = new Date().toISOString().replace(/[-:]/g, '').replace(/\..*/, '');
  const dir = await fsp.mkdtemp(path.join(runs, `${prefix}-${stamp}-`));
  const userData = path.join(dir, 'user-data');
  const extensions = path.join(dir, 'extensions');
  await fsp.mkdir(path.join(userData, 'User'), { recursive: true });
  await fsp.mkdir(extensions, { recursive: true });
  await fsp.writeFile(path.join(userData, 'User', 'settings.json'), JSON.stringify({
    'security.workspace.trust.enabled': false,
    'workbench.startupEditor': 'none',
    'telemetry.telemetryLevel': 'off',
    'files.autoSave': 'off',
    'workbench.tips.enabled': false,
    'extensions.ignoreRecommendations': true,
    'update.mode': 'none',
    'chat.disableAIFeatures': true,
    'workbench.secondarySideBar.defaultVisibility': 'hidden',
    // no extension gallery look-ups (this machine may have no network)
    'extensions.autoCheckUpdates': false,
    'extensions.autoUpdate': false,
    ...settings,
  }, null, 2) + '\n');
  // code-server would otherwise create ~/.config/code-server/config.yaml with a password
  const config = path.join(dir, 'config.yaml');
  await fsp.writeFile(config, 'auth: none\ncert: false\n');
  return { dir, userData, extensions, config };
}

export async function installVsix(profile, vsix = VSIX) {
  if (!fs.existsSync(vsix)) {
    throw new UserError(`${path.relative(REPO, vsix)} does not exist; run \`npm run package\` first`);
  }
  log(`installing ${path.relative(REPO, vsix)} into code-server`);
  await run(node24(), [codeServerEntry(), '--config', profile.config, '--user-data-dir', profile.userData,
    '--extensions-dir', profile.extensions, '--install-extension', vsix, '--force'], {
    what: 'code-server --install-extension', quiet: true,
  });
}

function httpOk(url) {
  return new Promise((resolve) => {
    const req = http.get(url, (res) => { res.resume(); resolve(res.statusCode >= 200 && res.statusCode < 400); });
    req.on('error', () => resolve(false));
    req.setTimeout(2000, () => { req.destroy(); resolve(false); });
  });
}

/**
 * Starts code-server on `workspace` and resolves once it answers HTTP; rejects with its output tail if
 * it exits first. With `echo` false its output is only kept (the last 40 lines, in `tail`), not printed.
 * @param {{ config: string, userData: string, extensions: string }} profile
 * @param {number} port
 * @param {{ workspace?: string, echo?: boolean }} [options]
 */
export async function startCodeServer(profile, port, { workspace, echo = true } = {}) {
  const args = [codeServerEntry(), '--config', profile.config, '--auth', 'none', '--bind-addr', `127.0.0.1:${port}`,
    '--disable-telemetry', '--disable-update-check',
    '--user-data-dir', profile.userData, '--extensions-dir', profile.extensions, ...(workspace ? [workspace] : [])];
  const child = spawn(node24(), args, { cwd: REPO, stdio: ['ignore', 'pipe', 'pipe'], detached: !IS_WINDOWS });
  const tail = [];
  const verbose = { on: echo };
  const keep = (out) => (d) => {
    const text = d.toString();
    tail.push(...text.split('\n').filter(Boolean));
    if (tail.length > 40) tail.splice(0, tail.length - 40);
    if (verbose.on) out.write(text.replace(/^(?=.)/gm, '[code-server] '));
  };
  child.stdout.on('data', keep(process.stdout));
  child.stderr.on('data', keep(process.stderr));
  let exited = null;
  const exitPromise = new Promise((resolve) => child.on('exit', (code, signal) => { exited = { code, signal }; resolve(exited); }));
  child.on('error', (e) => { exited = { error: e }; });
  const deadline = Date.now() + 60_000;
  while (true) {
    if (exited) {
      const why = exited.error ? exited.error.message : exited.signal ? `killed by ${exited.signal}` : `exit code ${exited.code}`;
      throw new UserError(`code-server exited early (${why}).\n--- last output ---\n${tail.join('\n') || '(none)'}`);
    }
    if (await httpOk(`http://127.0.0.1:${port}/healthz`)) break;
    if (Date.now() > deadline) {
      killTree(child);
      throw new UserError(`code-server did not answer on http://127.0.0.1:${port}/ within 60 s.\n--- last output ---\n${tail.join('\n') || '(none)'}`);
    }
    await new Promise((r) => setTimeout(r, 300));
  }
  return { child, exitPromise, tail, verbose };
}

export function killTree(child, signal = 'SIGTERM') {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  try {
    if (!IS_WINDOWS) process.kill(-child.pid, signal); // its own process group (detached): code-server + extension hosts
    else child.kill(signal);
  } catch {
    try { child.kill(signal); } catch {}
  }
}

export async function stopCodeServer(server) {
  killTree(server.child, 'SIGTERM');
  const t = setTimeout(() => killTree(server.child, 'SIGKILL'), 5000);
  await server.exitPromise;
  clearTimeout(t);
}

/** Debian's chromium (installed when missing and running as root), driven by playwright-core. */
export async function launchChromium() {
  await ensureDebianPackages(['chromium'], 'the headless browser');
  if (!fs.existsSync(CHROMIUM)) throw new UserError(`${CHROMIUM} is missing (install Debian's chromium package)`);
  const { chromium } = await loadPlaywright();
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    // without the networking switches chromium keeps trying hosts this machine cannot reach
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync'],
  });
}
