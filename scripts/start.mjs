#!/usr/bin/env node
// scripts/start.mjs — `npm start`: build + package the extension, then open VS Code with it on examples/.
//
//   npm start [-- options]
//     --port N               port for code-server (default 8080, or a free one if 8080 is taken)
//     --code-server          use code-server even if a desktop `code` CLI is on PATH
//     --no-build             skip `npm run package` (reuse dist/prompt-workbench.vsix)
//     --yes                  install missing Debian packages without asking (also when CI is set);
//                            otherwise npm start names them first and asks before installing
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
// Only Node builtins are used here; the headless screenshot drives chromium with the project's
// playwright-core (a devDependency), or a copy installed into the same cache dir when it is missing.

import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import readline from 'node:readline/promises';
import {
  EXTENSION_ID, REPO, UserError, VSIX, choosePort, ensureCodeServer, findOnPath, installConsent, installVsix, killTree,
  launchChromium, log, prepareProfile, run, runNpm, setInstallConfirmation, startCodeServer, stopCodeServer,
} from './code-server.mjs';
import { dismissNotifications, goTo, openViaQuickOpen, runCommand } from './workbench.mjs';

const EXAMPLES = path.join(REPO, 'examples');
const IS_WINDOWS = process.platform === 'win32';

// ---------------------------------------------------------------- arguments

function parseArgs(argv) {
  const opts = { port: undefined, forceCodeServer: false, build: true, screenshot: undefined, open: undefined,
    hover: undefined, completeAfter: undefined, activationTime: false, yes: false };
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
      case '--yes':
      case '-y': opts.yes = true; break;
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

// ---------------------------------------------------------------- headless screenshot

async function takeScreenshot(url, opts, profile) {
  const browser = await launchChromium();
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

/** 1-based line/column of the end (or start) of the first match of `re` in `text`. */
function locate(text, re, where) {
  const m = new RegExp(re, 'm').exec(text);
  if (!m) throw new UserError(`/${re}/ does not match the opened file`);
  const offset = where === 'end' ? m.index + m[0].length : m.index;
  const before = text.slice(0, offset).split('\n');
  return { line: before.length, column: before[before.length - 1].length + 1, match: m[0] };
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
  // Debian packages (code-server's build tools, chromium) are named first, then installed only
  // with --yes, in CI, or when the user says yes.
  setInstallConfirmation(async () => {
    const consent = installConsent({ yes: opts.yes, env: process.env, interactive: !!(process.stdin.isTTY && process.stdout.isTTY) });
    if (consent === 'install') {
      log(opts.yes ? '--yes: installing them' : 'CI is set: installing them');
      return true;
    }
    if (consent === 'refuse') throw new UserError('there is no terminal to ask on: install the packages yourself, or run `npm start -- --yes` to let npm start install them.');
    const rl = readline.createInterface({ input: process.stdin, output: process.stdout });
    try {
      return /^y(es)?$/i.test((await rl.question('[start] Install them now? [y/N] ')).trim());
    } finally {
      rl.close();
    }
  });
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
  const server = await startCodeServer(profile, port, { workspace: EXAMPLES });

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
