#!/usr/bin/env node
// scripts/start.mjs — `npm start`: build + package the extension, then open VS Code with it on examples/.
//
//   npm start [-- options]
//     --port N               port for code-server (default 8080, or a free one if 8080 is taken)
//     --code-server          use code-server even if a desktop `code` CLI is on PATH
//     --no-build             skip `npm run package` (reuse dist/prompt-workbench.vsix)
//     --screenshot FILE.png  headless (always code-server): open the workbench in Debian chromium
//                            (playwright-core), take a 1400x900 screenshot, stop code-server, exit
//       --open FILE          file (relative to examples/) to open first via Quick Open
//       --hover REGEX        hover the mouse over the first match of REGEX in that file
//       --complete-after REGEX  put the cursor after the first match of REGEX (rest of the
//                            line removed, not saved) and trigger suggestions (Ctrl+Space)
//       --activation-time    also open "Developer: Show Running Extensions" and print the
//                            extension's activation time as VS Code reports it
//
// With a desktop `code` on PATH it runs `code --extensionDevelopmentPath=<repo> <repo>/examples`.
// Otherwise it installs code-server (which needs Node 24, taken from the npm package `node@24`)
// once into a cache dir (~/.cache/prompt-workbench/code-server, or $PROMPT_WORKBENCH_CODE_SERVER_DIR);
// the first run downloads it and compiles native modules (2 minutes measured with a warm npm cache,
// up to ~15 minutes on 2 cores), later runs reuse the cache. Each run gets a fresh profile
// (user-data-dir, extensions-dir) under <cache>/runs/ (the 3 latest are kept, with their logs/).
// Only Node builtins are used here; playwright-core is installed into the same cache dir.

import { spawn, execFile } from 'node:child_process';
import { createRequire } from 'node:module';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const EXAMPLES = path.join(REPO, 'examples');
const VSIX = path.join(REPO, 'dist', 'prompt-workbench.vsix');
const EXTENSION_ID = 'prompt-workbench.prompt-workbench';
const CODE_SERVER_SPEC = 'code-server@4.139';
const NODE_SPEC = 'node@24';
const DEBIAN_DEV_PACKAGES = ['libkrb5-dev', 'libx11-dev', 'libxkbfile-dev', 'libsecret-1-dev'];
const CHROMIUM = '/usr/bin/chromium';
const IS_WINDOWS = process.platform === 'win32';
const CACHE_DIR = path.resolve(
  process.env.PROMPT_WORKBENCH_CODE_SERVER_DIR || path.join(os.homedir(), '.cache', 'prompt-workbench', 'code-server'),
);

class UserError extends Error {}

function log(msg) {
  console.log(`[start] ${msg}`);
}

// ---------------------------------------------------------------- arguments

function parseArgs(argv) {
  const opts = { port: undefined, forceCodeServer: false, build: true, screenshot: undefined, open: undefined,
    hover: undefined, completeAfter: undefined, activationTime: false };
  const value = (i, name) => {
    if (i + 1 >= argv.length || argv[i + 1].startsWith('--')) throw new UserError(`${name} needs a value`);
    return argv[i + 1];
  };
  for (let i = 0; i < argv.length; i++) {
    let a = argv[i];
    let inline;
    if (a.startsWith('--') && a.includes('=')) {
      inline = a.slice(a.indexOf('=') + 1);
      a = a.slice(0, a.indexOf('='));
    }
    const take = () => (inline !== undefined ? inline : value(i++, a));
    switch (a) {
      case '--port': {
        const v = take();
        const n = Number(v);
        if (!Number.isInteger(n) || n < 1 || n > 65535) throw new UserError(`--port: not a port number: ${v}`);
        opts.port = n;
        break;
      }
      case '--code-server': opts.forceCodeServer = true; break;
      case '--no-build': opts.build = false; break;
      case '--screenshot': opts.screenshot = path.resolve(take()); break;
      case '--open': opts.open = take(); break;
      case '--hover': opts.hover = take(); break;
      case '--complete-after': opts.completeAfter = take(); break;
      case '--activation-time': opts.activationTime = true; break;
      case '-h':
      case '--help':
        opts.help = true; break;
      default:
        throw new UserError(`unknown option: ${argv[i]} (see --help)`);
    }
  }
  if ((opts.open || opts.hover || opts.completeAfter || opts.activationTime) && !opts.screenshot) {
    throw new UserError('--open, --hover, --complete-after and --activation-time only work with --screenshot FILE.png');
  }
  if ((opts.hover || opts.completeAfter) && !opts.open) throw new UserError('--hover and --complete-after need --open FILE');
  if (opts.hover && opts.completeAfter) throw new UserError('use either --hover or --complete-after, not both');
  for (const [name, re] of [['--hover', opts.hover], ['--complete-after', opts.completeAfter]]) {
    if (re === undefined) continue;
    try { new RegExp(re); } catch (e) { throw new UserError(`${name}: invalid regular expression: ${e.message}`); }
  }
  if (opts.open) {
    const abs = path.resolve(EXAMPLES, opts.open);
    if (!fs.existsSync(abs)) throw new UserError(`--open: no such file in examples/: ${opts.open}`);
  }
  return opts;
}

function printHelp() {
  const text = fs.readFileSync(fileURLToPath(import.meta.url), 'utf8');
  const lines = [];
  for (const l of text.split('\n').slice(1)) {
    if (!l.startsWith('//')) break;
    lines.push(l.replace(/^\/\/ ?/, ''));
  }
  console.log(lines.join('\n'));
}

// ---------------------------------------------------------------- processes

/** Runs a command (argument array, no shell) with inherited stdio; rejects with a clear message. */
function run(cmd, args, { cwd = REPO, env = process.env, what, quiet = false, shell = false } = {}) {
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

function capture(cmd, args, opts = {}) {
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

function runNpm(args, opts = {}) {
  const [cmd, lead, shell] = npmCommand();
  return run(cmd, [...lead, ...args], { ...opts, shell });
}

function findOnPath(name) {
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

// ---------------------------------------------------------------- build

async function buildAndPackage() {
  log('building and packaging the extension: npm run package');
  await runNpm(['run', 'package'], { what: '`npm run package`' });
  if (!fs.existsSync(VSIX)) throw new UserError(`\`npm run package\` succeeded but ${path.relative(REPO, VSIX)} is missing`);
  log(`packaged ${path.relative(REPO, VSIX)}`);
}

// ---------------------------------------------------------------- desktop VS Code

async function openDesktopCode(codePath) {
  log(`desktop VS Code found (${codePath}): opening examples/ with the extension in development mode`);
  const args = [`--extensionDevelopmentPath=${REPO}`, EXAMPLES];
  if (IS_WINDOWS && /\.(cmd|bat)$/i.test(codePath)) {
    await run(codePath, args.map((a) => `"${a}"`), { what: 'code', shell: true });
  } else {
    await run(codePath, args, { what: 'code' });
  }
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

async function ensureDebianPackages(pkgs, why) {
  const missing = await missingDebianPackages(pkgs);
  if (!missing.length) return;
  const cmd = `sudo apt-get install -y ${missing.join(' ')}`;
  if (typeof process.getuid !== 'function' || process.getuid() !== 0) {
    throw new UserError(`${why} needs Debian packages that are not installed. Run:\n    ${cmd}\nthen run npm start again.`);
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

async function ensureCodeServer() {
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

async function loadPlaywright() {
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

function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

async function choosePort(requested) {
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

async function prepareProfile() {
  const runs = cachePath('runs');
  await fsp.mkdir(runs, { recursive: true });
  // keep the 3 most recent profiles (their logs/ are useful), drop older ones
  const old = (await fsp.readdir(runs)).filter((n) => n.startsWith('run-')).sort().reverse().slice(3);
  for (const n of old) await fsp.rm(path.join(runs, n), { recursive: true, force: true }).catch(() => {});
  const stamp = new Date().toISOString().replace(/[-:]/g, '').replace(/\..*/, '');
  const dir = await fsp.mkdtemp(path.join(runs, `run-${stamp}-`));
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
  }, null, 2) + '\n');
  // code-server would otherwise create ~/.config/code-server/config.yaml with a password
  const config = path.join(dir, 'config.yaml');
  await fsp.writeFile(config, 'auth: none\ncert: false\n');
  return { dir, userData, extensions, config };
}

async function installVsix(profile) {
  if (!fs.existsSync(VSIX)) {
    throw new UserError(`${path.relative(REPO, VSIX)} does not exist; run without --no-build (or run \`npm run package\`)`);
  }
  log(`installing ${path.relative(REPO, VSIX)} into code-server`);
  await run(node24(), [codeServerEntry(), '--config', profile.config, '--user-data-dir', profile.userData,
    '--extensions-dir', profile.extensions, '--install-extension', VSIX, '--force'], {
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

/** Starts code-server and resolves once it answers HTTP; rejects with its output tail if it exits first. */
async function startCodeServer(profile, port) {
  const args = [codeServerEntry(), '--config', profile.config, '--auth', 'none', '--bind-addr', `127.0.0.1:${port}`,
    '--disable-telemetry', '--disable-update-check',
    '--user-data-dir', profile.userData, '--extensions-dir', profile.extensions, EXAMPLES];
  const child = spawn(node24(), args, { cwd: REPO, stdio: ['ignore', 'pipe', 'pipe'], detached: !IS_WINDOWS });
  const tail = [];
  const verbose = { on: true };
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

function killTree(child, signal = 'SIGTERM') {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  try {
    if (!IS_WINDOWS) process.kill(-child.pid, signal); // its own process group (detached): code-server + extension hosts
    else child.kill(signal);
  } catch {
    try { child.kill(signal); } catch {}
  }
}

async function stopCodeServer(server) {
  killTree(server.child, 'SIGTERM');
  const t = setTimeout(() => killTree(server.child, 'SIGKILL'), 5000);
  await server.exitPromise;
  clearTimeout(t);
}

// ---------------------------------------------------------------- headless screenshot

async function takeScreenshot(url, opts, profile) {
  await ensureDebianPackages(['chromium'], 'the headless screenshot');
  if (!fs.existsSync(CHROMIUM)) throw new UserError(`${CHROMIUM} is missing (install Debian's chromium package)`);
  const { chromium } = await loadPlaywright();
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync'],
  });
  try {
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    log(`headless chromium: loading ${url}`);
    await page.goto(url, { waitUntil: 'domcontentloaded', timeout: 60_000 });
    await page.locator('.monaco-workbench .part.statusbar').waitFor({ timeout: 60_000 });
    await page.locator('.explorer-folders-view .monaco-list-row').first().waitFor({ timeout: 60_000 });
    await page.waitForTimeout(1500);

    if (opts.open) {
      const name = path.basename(opts.open);
      const rel = opts.open.split(path.sep).join('/');
      log(`opening ${rel} via Quick Open`);
      await page.locator('.monaco-workbench').click({ position: { x: 700, y: 450 } }).catch(() => {});
      await openViaQuickOpen(page, rel);
      await page.locator(`.tabs-container .tab.active[aria-label^="${name}"], .tabs-container .tab.active:has-text("${name}")`)
        .first().waitFor({ timeout: 30_000 }).catch(() => {
          throw new UserError(`the editor did not show ${rel} after Quick Open`);
        });
      await page.locator('.editor-instance .monaco-editor .view-lines .view-line').first().waitFor({ timeout: 30_000 });
      // give the language server time to start and publish diagnostics
      log('waiting for the language server (diagnostics)');
      await page.locator('.monaco-editor .squiggly-error, .monaco-editor .squiggly-warning, .monaco-editor .squiggly-info')
        .first().waitFor({ timeout: 15_000 }).catch(() => {});
      await page.waitForTimeout(3000);
      await dismissNotifications(page);

      const text = fs.readFileSync(path.resolve(EXAMPLES, opts.open), 'utf8');
      if (opts.hover) await doHover(page, text, opts.hover);
      if (opts.completeAfter) await doComplete(page, text, opts.completeAfter);
    } else {
      await dismissNotifications(page);
    }
    await fsp.mkdir(path.dirname(opts.screenshot), { recursive: true });
    await page.screenshot({ path: opts.screenshot });
    const rel = path.relative(process.cwd(), opts.screenshot);
    log(`screenshot written: ${rel.startsWith('..') ? opts.screenshot : rel}`);

    if (opts.activationTime) {
      const ms = await readActivationTime(page, profile);
      if (ms) log(`activation time of ${EXTENSION_ID} as VS Code reports it: ${ms}`);
      else log(`could not read the activation time of ${EXTENSION_ID}`);
    }
  } finally {
    await browser.close().catch(() => {});
  }
}

async function runCommand(page, title) {
  await page.keyboard.press('F1');
  const input = page.locator('.quick-input-widget input');
  await input.waitFor({ timeout: 10_000 });
  await input.fill(`>${title}`);
  await page.waitForTimeout(800);
  await page.keyboard.press('Enter');
}

async function openViaQuickOpen(page, rel) {
  for (let attempt = 0; attempt < 3; attempt++) {
    await page.keyboard.press('Control+P');
    const input = page.locator('.quick-input-widget input');
    try {
      await input.waitFor({ state: 'visible', timeout: 5_000 });
    } catch {
      continue;
    }
    await input.fill(rel);
    // wait for the file search to list it
    await page.locator('.quick-input-widget .quick-input-list .monaco-list-row').first().waitFor({ timeout: 15_000 });
    await page.waitForTimeout(500);
    await page.keyboard.press('Enter');
    return;
  }
  throw new UserError('Quick Open (Ctrl+P) did not appear in the workbench');
}

async function dismissNotifications(page) {
  await runCommand(page, 'Notifications: Clear All Notifications').catch(() => {});
  await page.waitForTimeout(300);
  await page.keyboard.press('Escape');
}

/** 1-based line/column of the end (or start) of the first match of `re` in `text`. */
function locate(text, re, where) {
  const m = new RegExp(re, 'm').exec(text);
  if (!m) throw new UserError(`/${re}/ does not match the opened file`);
  const offset = where === 'end' ? m.index + m[0].length : m.index;
  const before = text.slice(0, offset).split('\n');
  return { line: before.length, column: before[before.length - 1].length + 1, match: m[0] };
}

async function goTo(page, line, column) {
  // focus the editor's input (clicking could land on a code lens or widget)
  await page.locator('.editor-instance .monaco-editor textarea.inputarea, .editor-instance .monaco-editor .native-edit-context')
    .first().focus({ timeout: 10_000 });
  await page.keyboard.press('Control+G');
  const input = page.locator('.quick-input-widget input');
  await input.waitFor({ timeout: 10_000 });
  await input.fill(`:${line}:${column}`);
  await page.waitForTimeout(300);
  await page.keyboard.press('Enter');
  await page.waitForTimeout(500);
}

async function doHover(page, text, re) {
  const { line, column, match } = locate(text, re, 'start');
  log(`hovering "${match}" (line ${line}, column ${column})`);
  await goTo(page, line, column);
  const cursor = await page.locator('.editor-instance .monaco-editor .cursors-layer .cursor').first().boundingBox();
  if (!cursor) throw new UserError('could not find the editor cursor to hover at');
  const lineHeight = cursor.height || 18;
  const charWidth = await page.evaluate(() => {
    const el = document.querySelector('.editor-instance .monaco-editor .view-line span span');
    if (!el || !el.textContent) return 8;
    return el.getBoundingClientRect().width / el.textContent.length;
  });
  const x = cursor.x + Math.min(match.length, 6) * charWidth / 2 + 1;
  const y = cursor.y + lineHeight / 2;
  await page.mouse.move(x - 40, y + 60);
  await page.mouse.move(x, y, { steps: 5 });
  const hover = page.locator('.monaco-hover:not(.hidden) .monaco-hover-content, .monaco-editor .monaco-hover .hover-contents').first();
  try {
    await hover.waitFor({ state: 'visible', timeout: 8_000 });
  } catch {
    log('no hover after moving the mouse; using "Show or Focus Hover" (Ctrl+K Ctrl+I) at the cursor');
    await page.keyboard.press('Control+K');
    await page.keyboard.press('Control+I');
    await hover.waitFor({ state: 'visible', timeout: 8_000 }).catch(() => {
      throw new UserError(`no hover appeared over "${match}"`);
    });
  }
  await page.waitForTimeout(800);
}

async function doComplete(page, text, re) {
  const { line, column, match } = locate(text, re, 'end');
  log(`triggering suggestions after "${match.split('\n').pop()}" (line ${line}, column ${column})`);
  await goTo(page, line, column);
  // clear the rest of the line so the list is not filtered by an existing value (never saved)
  await page.keyboard.press('Shift+End');
  await page.keyboard.press('Delete');
  await page.keyboard.press('Control+Space');
  const widget = page.locator('.monaco-editor .suggest-widget.visible .monaco-list-row').first();
  await widget.waitFor({ state: 'visible', timeout: 10_000 }).catch(async () => {
    await page.keyboard.press('Control+Space');
    await widget.waitFor({ state: 'visible', timeout: 10_000 }).catch(() => {
      throw new UserError(`no completion list appeared after "${match}"`);
    });
  });
  await page.waitForTimeout(1000);
}

/** Reads the activation time from "Developer: Show Running Extensions". */
async function readActivationTime(page, profile) {
  await page.keyboard.press('Escape');
  await runCommand(page, 'Developer: Show Running Extensions');
  const row = page.locator('.runtime-extensions-editor .monaco-list-row', { hasText: 'Prompt Workbench' }).first();
  try {
    // The list is virtualised and sorted by activation time, slowest first: scroll until the row shows.
    const first = page.locator('.runtime-extensions-editor .monaco-list-row').first();
    await first.waitFor({ timeout: 15_000 });
    await first.click();
    for (let i = 0; i < 20 && !(await row.isVisible()); i++) {
      await page.keyboard.press('PageDown');
      await page.waitForTimeout(200);
    }
    await row.waitFor({ timeout: 5_000 });
    const time = await row.locator('.activation-time').first().textContent({ timeout: 5_000 });
    if (process.env.PROMPT_WORKBENCH_DEBUG) {
      console.log(await row.innerText());
      await page.screenshot({ path: path.join(profile.dir, 'running-extensions.png') });
    }
    return (time || '').trim();
  } catch {
    if (process.env.PROMPT_WORKBENCH_DEBUG) await page.screenshot({ path: path.join(profile.dir, 'running-extensions.png') });
    return undefined;
  }
}

// ---------------------------------------------------------------- main

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  if (opts.help) {
    printHelp();
    return 0;
  }
  if (opts.build) await buildAndPackage();
  else log('--no-build: using the existing dist/');

  const code = !opts.forceCodeServer && !opts.screenshot ? findOnPath('code') : undefined;
  if (code) {
    await openDesktopCode(code);
    return 0;
  }

  await ensureCodeServer();
  const port = await choosePort(opts.port);
  const profile = await prepareProfile();
  log(`fresh profile: ${profile.dir}`);
  await installVsix(profile);
  const url = `http://127.0.0.1:${port}/?folder=${encodeURI(EXAMPLES)}`;
  log(`starting code-server on 127.0.0.1:${port}`);
  const server = await startCodeServer(profile, port);

  if (opts.screenshot) {
    server.verbose.on = false; // keep the screenshot run's output short
    try {
      await takeScreenshot(url, opts, profile);
    } finally {
      await stopCodeServer(server);
    }
    return 0;
  }

  log(`VS Code (code-server) with Prompt Workbench is running:`);
  console.log(`\n    ${url}\n`);
  log('press Ctrl+C to stop');
  const forward = (sig) => () => {
    log(`${sig}: stopping code-server`);
    killTree(server.child, sig);
    setTimeout(() => killTree(server.child, 'SIGKILL'), 5000).unref();
  };
  process.on('SIGINT', forward('SIGINT'));
  process.on('SIGTERM', forward('SIGTERM'));
  const { code: exitCode, signal } = await server.exitPromise;
  if (signal || exitCode === 0) return 0;
  console.error(`[start] code-server exited with code ${exitCode}.\n--- last output ---\n${server.tail.join('\n')}`);
  return 1;
}

main().then(
  (code) => process.exit(code),
  (e) => {
    if (e instanceof UserError) console.error(`\n[start] error: ${e.message}`);
    else console.error('\n[start] unexpected error:', e && e.stack ? e.stack : e);
    process.exit(1);
  },
);
