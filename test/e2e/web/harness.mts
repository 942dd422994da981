// The end-to-end harness: the packaged extension (dist/prompt-workbench.vsix) installed into a real
// VS Code (code-server, installed once into ~/.cache/prompt-workbench/code-server), one scenario
// workspace per code-server, driven in Debian's chromium by playwright-core as a user would drive it.
//
// Artifacts go to test-results/e2e/: <scenario>.png for every scenario (`npm run screenshots` also
// copies them to docs/images/, where the README shows them); for a failed scenario also <scenario>-failure.png,
// and <scenario>-logs/ with VS Code's logs (extension host, the extension's output channel) and
// code-server's own output.
import { copyFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import {
  REPO, VSIX, ensureCodeServer, freePort, installVsix, launchChromium, log, prepareProfile, setLogPrefix,
  startCodeServer, stopCodeServer,
} from '../../../scripts/code-server.mjs';
import { dismissNotifications, goTo, openViaQuickOpen, runCommand } from '../../../scripts/workbench.mjs';

export const ARTIFACTS = path.join(REPO, 'test-results', 'e2e');
export const SCENARIOS = path.join(REPO, 'test', 'e2e', 'scenarios');
const DOC_IMAGES = path.join(REPO, 'docs', 'images');

type Server = Awaited<ReturnType<typeof startCodeServer>>;
type Profile = Awaited<ReturnType<typeof prepareProfile>>;

let browser: Browser | undefined;
let extensionsDir: string | undefined;
let scratch: string | undefined;

/** Once per test file: code-server (cached), chromium, and the VSIX installed into a shared extensions dir. */
export async function setUp(): Promise<void> {
  setLogPrefix('[e2e]');
  if (!existsSync(VSIX)) throw new Error(`${VSIX} is missing: run \`npm run package\` first (npm run test:e2e does)`);
  await ensureCodeServer();
  // Each test file runs in its own process and calls this: it must not remove the artifacts of the
  // files that ran before it (openWorkbench removes a scenario's own stale ones instead).
  mkdirSync(ARTIFACTS, { recursive: true });
  scratch = mkdtempSync(path.join(os.tmpdir(), 'pw-e2e-'));
  const installProfile = await prepareProfile({ runsDir: scratch, keep: 0, prefix: 'install' });
  await installVsix(installProfile);
  extensionsDir = installProfile.extensions;
  browser = await launchChromium();
}

export async function tearDown(): Promise<void> {
  await browser?.close().catch(() => {});
  if (scratch) rmSync(scratch, { recursive: true, force: true });
}

export interface OpenOptions {
  /** false: Workspace Trust is on and the folder opens untrusted (the user answers the trust dialog "No"). */
  trusted?: boolean;
  /** User settings over the harness defaults. */
  settings?: Record<string, unknown>;
  /** Workspace settings (.vscode/settings.json of the scenario copy). */
  workspaceSettings?: Record<string, unknown>;
  /** Name of the artifacts (screenshots, logs) instead of the scenario's. */
  artifactName?: string;
  /** The body throws on purpose (the harness's own test): its artifacts are kept without a "failed" line. */
  expectError?: boolean;
  /** Runs on the scenario copy before VS Code opens it (e.g. to make a git repository). */
  prepare?: (dir: string) => void | Promise<void>;
  /** The folder to copy instead of test/e2e/scenarios/<name> (scenarios of the web suite only). */
  source?: string;
}

export class Workbench {
  constructor(
    readonly name: string,
    readonly page: Page,
    readonly dir: string,
    private readonly context: BrowserContext,
    private readonly server: Server,
    private readonly profile: Profile,
  ) {}

  /** code-server's user data folder of this workbench (settings, logs, the extensions' workspace storage). */
  get userData(): string {
    return this.profile.userData;
  }

  /**
   * Saves test-results/e2e/<scenario>[-suffix].png. With PROMPT_WORKBENCH_UPDATE_SCREENSHOTS=1
   * (`npm run screenshots`) the scenario's screenshot also replaces docs/images/<scenario>.png,
   * the README's picture of it.
   */
  async screenshot(suffix = ''): Promise<string> {
    const file = path.join(ARTIFACTS, `${this.name}${suffix ? `-${suffix}` : ''}.png`);
    await this.page.screenshot({ path: file });
    if (!suffix && process.env.PROMPT_WORKBENCH_UPDATE_SCREENSHOTS === '1') {
      copyFileSync(file, path.join(DOC_IMAGES, `${this.name}.png`));
      log(`docs/images/${this.name}.png updated`);
    }
    return file;
  }

  async runCommand(title: string): Promise<void> {
    await runCommand(this.page, title);
  }

  /** Opens a file of the scenario (path relative to it) through Quick Open and waits for its editor. */
  async open(rel: string): Promise<Locator> {
    await openViaQuickOpen(this.page, rel);
    const name = path.basename(rel);
    await this.page.locator(`.tabs-container .tab.active[aria-label^="${name}"]`).first().waitFor({ timeout: 30_000 });
    const editor = this.page.locator('.editor-instance .monaco-editor').first();
    await editor.locator('.view-lines .view-line').first().waitFor({ timeout: 30_000 });
    return editor;
  }

  async goTo(line: number, column: number): Promise<void> {
    await goTo(this.page, line, column);
  }

  async clearNotifications(): Promise<void> {
    await dismissNotifications(this.page);
  }

  /** Stops code-server; on failure keeps a screenshot and the logs under test-results/e2e/. */
  async close(failed: boolean, expected = false): Promise<void> {
    if (failed) {
      await this.screenshot('failure').catch(() => {});
      await this.page.waitForTimeout(2_000); // log files are flushed every second or so
      const logs = path.join(ARTIFACTS, `${this.name}-logs`);
      rmSync(logs, { recursive: true, force: true });
      mkdirSync(logs, { recursive: true });
      const vscodeLogs = path.join(this.profile.userData, 'logs');
      if (existsSync(vscodeLogs)) cpSync(vscodeLogs, path.join(logs, 'vscode'), { recursive: true });
      writeFileSync(path.join(logs, 'code-server.txt'), this.server.tail.join('\n') + '\n');
      const kept = `${path.relative(REPO, ARTIFACTS)}/${this.name}-failure.png and ${this.name}-logs/`;
      // A passing run prints no "failed" line: the harness's own check of this path says what it is.
      log(expected ? `${this.name}: the deliberate error left its screenshot and logs in ${kept}` : `${this.name} failed: screenshot and logs kept in ${kept}`);
    }
    await this.context.close().catch(() => {});
    await stopCodeServer(this.server);
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** Copies scenario `name` to a temporary folder and opens it in a fresh code-server + browser context. */
export async function openWorkbench(name: string, options: OpenOptions = {}): Promise<Workbench> {
  if (!browser || !extensionsDir || !scratch) throw new Error('setUp() first');
  // no stale screenshot or logs of this scenario from an earlier run
  const artifact = options.artifactName ?? name;
  for (const stale of [`${artifact}.png`, `${artifact}-failure.png`, `${artifact}-logs`]) rmSync(path.join(ARTIFACTS, stale), { recursive: true, force: true });
  const dir = mkdtempSync(path.join(os.tmpdir(), `pw-e2e-${name}-`));
  cpSync(options.source ?? path.join(SCENARIOS, name), dir, { recursive: true });
  if (options.workspaceSettings) {
    mkdirSync(path.join(dir, '.vscode'), { recursive: true });
    writeFileSync(path.join(dir, '.vscode', 'settings.json'), JSON.stringify(options.workspaceSettings, null, 2));
  }
  await options.prepare?.(dir);
  const profile = await prepareProfile({
    runsDir: scratch,
    keep: 0,
    prefix: name,
    settings: {
      'security.workspace.trust.enabled': options.trusted === false,
      // the DOM renderer, so that the test output terminal's text can be read
      'terminal.integrated.gpuAcceleration': 'off',
      'workbench.editor.enablePreview': false,
      // long answers wrap in the Test Results diff instead of running off its edge
      'diffEditor.wordWrap': 'on',
      // code-server would offer to forward the local test provider's port
      'remote.autoForwardPorts': false,
      'git.enabled': false,
      ...options.settings,
    },
  });
  const port = await freePort();
  const server = await startCodeServer({ ...profile, extensions: extensionsDir }, port, { workspace: dir, echo: false });
  const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
  const page = await context.newPage();
  const wb = new Workbench(options.artifactName ?? name, page, dir, context, server, profile);
  try {
    await page.goto(`http://127.0.0.1:${port}/?folder=${encodeURI(dir)}`, { waitUntil: 'domcontentloaded', timeout: 60_000 });
    await page.locator('.monaco-workbench .part.statusbar').waitFor({ timeout: 60_000 });
    if (options.trusted === false) {
      // code-server opens a new folder in Restricted Mode at once; desktop VS Code asks first
      // (then answer as a careful user would)
      const no = page.getByRole('button', { name: /No, I don.t trust the authors/ });
      const restricted = page.locator('.statusbar-item', { hasText: 'Restricted Mode' });
      await no.or(restricted).first().waitFor({ timeout: 30_000 });
      if (await no.isVisible()) await no.click();
      await restricted.first().waitFor({ timeout: 30_000 });
    }
    await page.locator('.explorer-folders-view .monaco-list-row').first().waitFor({ timeout: 60_000 });
  } catch (e) {
    await wb.close(true);
    throw e;
  }
  return wb;
}

/** Runs `body` on scenario `name` (which saves its screenshot), keeping a screenshot and logs on failure. */
export async function scenario(name: string, options: OpenOptions, body: (wb: Workbench) => Promise<void>): Promise<void> {
  const wb = await openWorkbench(name, options);
  let failed = true;
  try {
    await body(wb);
    failed = false;
  } finally {
    await wb.close(failed, options.expectError);
  }
}
