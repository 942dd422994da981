// The end-to-end scenarios in a real desktop VS Code, for machines that can download it:
//   npm run test:desktop            (on Linux without a display: xvfb-run -a npm run test:desktop)
// @vscode/test-electron downloads VS Code once into .vscode-test/ (VSCODE_VERSION, default stable;
// or VSCODE_EXECUTABLE_PATH to use an installed one). For each scenario of test/e2e/scenarios/ a
// temporary copy of its folder is opened in a fresh VS Code profile, with this extension in
// development mode and every other extension disabled, and the suite (./suite, bundled into
// dist/e2e/suite.js by `node esbuild.mjs --e2e`) makes the same assertions as the web suite, through
// the extension API. The local test provider (an OpenAI-compatible server on 127.0.0.1) runs here,
// so the number of requests it received is checked here, after each scenario's VS Code has exited.
//
// VS Code is started by this script, not by runTests(): runTests always passes
// --disable-workspace-trust, and the `untrusted` scenario must open in Restricted Mode.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { downloadAndUnzipVSCode } from '@vscode/test-electron';
import { MockProvider } from '../../support/mockProvider';
import { scenarioAnswer } from '../expectations';
import { DESKTOP_SCENARIOS, ENV, USER_SETTINGS, expectedProviderRequests, launchArgs, prepareWorkspace, type DesktopScenario } from './launch';

const ROOT = path.resolve(__dirname, '..', '..', '..');
const SUITE = path.join(ROOT, 'dist', 'e2e', 'suite.js');
/** A scenario whose VS Code has not exited by then is stopped and counted as failed. */
const SCENARIO_DEADLINE_MS = 10 * 60_000;

class SetupError extends Error {}

async function vscodeExecutable(): Promise<string> {
  const given = process.env.VSCODE_EXECUTABLE_PATH;
  if (given) {
    if (!existsSync(given)) throw new SetupError(`VSCODE_EXECUTABLE_PATH is ${given}, which does not exist. Point it at a VS Code executable (e.g. /usr/share/code/code), or unset it to download VS Code.`);
    return given;
  }
  const version = process.env.VSCODE_VERSION ?? 'stable';
  try {
    return await downloadAndUnzipVSCode({ version, cachePath: path.join(ROOT, '.vscode-test'), timeout: 60_000 });
  } catch (e) {
    const reason = e instanceof Error ? e.message.replace(/\s+/g, ' ').trim() : String(e);
    throw new SetupError(
      `VS Code ${version} could not be downloaded (${reason}).\n` +
        'The desktop end-to-end tests need network access to update.code.visualstudio.com once; the download is kept in .vscode-test/.\n' +
        'Without network: set VSCODE_EXECUTABLE_PATH to an installed VS Code, or run the code-server suite instead (npm run test:e2e).',
    );
  }
}

function checkDisplay(): void {
  if (process.platform !== 'linux' || process.env.DISPLAY || process.env.WAYLAND_DISPLAY) return;
  throw new SetupError('VS Code needs a display and none is set (DISPLAY, WAYLAND_DISPLAY). Run under a virtual one: xvfb-run -a npm run test:desktop');
}

/** Starts VS Code for one scenario and resolves with its exit code (null: stopped at the deadline). */
function launch(executable: string, args: string[], env: Record<string, string>): Promise<number | null> {
  const childEnv: NodeJS.ProcessEnv = { ...process.env, ...env };
  // Set when this script runs inside VS Code's own node (a task, the extension host): VS Code would start as plain node.
  delete childEnv.ELECTRON_RUN_AS_NODE;
  return new Promise((resolve, reject) => {
    const child = spawn(executable, args, { env: childEnv, stdio: ['ignore', 'inherit', 'inherit'] });
    const timer = setTimeout(() => {
      console.error(`  VS Code did not exit within ${SCENARIO_DEADLINE_MS / 60_000} minutes: stopping it`);
      child.kill();
      resolve(null);
    }, SCENARIO_DEADLINE_MS);
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(new SetupError(`VS Code could not be started (${executable}): ${e.message}`));
    });
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      resolve(code ?? (signal ? 1 : 0));
    });
  });
}

async function runScenario(executable: string, scenario: DesktopScenario, mock: MockProvider): Promise<string[]> {
  const scratch = mkdtempSync(path.join(os.tmpdir(), `pwd-${scenario.name}-`));
  const workspace = path.join(scratch, scenario.name);
  const userData = path.join(scratch, 'ud');
  const extensionsDir = path.join(scratch, 'ext');
  mkdirSync(workspace);
  mkdirSync(path.join(userData, 'User'), { recursive: true });
  mkdirSync(extensionsDir);
  writeFileSync(path.join(userData, 'User', 'settings.json'), JSON.stringify(USER_SETTINGS, null, 2) + '\n');
  prepareWorkspace(scenario, workspace, mock.openaiBaseUrl);
  mock.requests.length = 0;

  const failures: string[] = [];
  const code = await launch(executable, launchArgs(scenario, { workspace, extension: ROOT, suite: SUITE, userData, extensionsDir }), {
    [ENV.scenario]: scenario.name,
    [ENV.openaiBaseUrl]: mock.openaiBaseUrl,
  });
  if (code !== 0) failures.push(code === null ? 'VS Code did not finish the suite in time' : `the suite failed in VS Code (exit code ${code}; its checks are listed above)`);
  const expected = expectedProviderRequests(scenario.name);
  if (expected !== undefined && mock.requests.length !== expected) {
    failures.push(`the local test provider received ${mock.requests.length} request(s), expected ${expected}${expected === 0 ? ': nothing may be sent from an untrusted workspace' : ' (one per openai case and matrix variant)'}`);
  }
  if (failures.length) console.error(`  workspace, profile and VS Code logs kept in ${scratch} (VS Code's logs: ud/logs/)`);
  else rmSync(scratch, { recursive: true, force: true });
  return failures;
}

/** PROMPT_WORKBENCH_E2E_ONLY=testing,untrusted runs those scenarios only. */
function selectedScenarios(): DesktopScenario[] {
  const only = process.env.PROMPT_WORKBENCH_E2E_ONLY?.split(',').map((s) => s.trim()).filter(Boolean);
  const unknown = only?.filter((n) => !DESKTOP_SCENARIOS.some((s) => s.name === n)) ?? [];
  if (unknown.length) throw new SetupError(`PROMPT_WORKBENCH_E2E_ONLY names unknown scenario(s): ${unknown.join(', ')}. Known: ${DESKTOP_SCENARIOS.map((s) => s.name).join(', ')}.`);
  return DESKTOP_SCENARIOS.filter((s) => !only?.length || only.includes(s.name));
}

async function main(scenarios: DesktopScenario[]): Promise<number> {
  if (!existsSync(SUITE)) throw new SetupError(`${path.relative(ROOT, SUITE)} is missing: build it with \`node esbuild.mjs --e2e\` (npm run test:desktop does).`);
  checkDisplay();
  const executable = await vscodeExecutable();

  const mock = await MockProvider.start({ script: (r) => ({ text: scenarioAnswer(String(r.body.model), r.prompt) }) });
  const failed: string[] = [];
  try {
    for (const scenario of scenarios) {
      console.log(`\n=== desktop scenario: ${scenario.name}${scenario.trusted ? '' : ' (Restricted Mode)'} ===`);
      const failures = await runScenario(executable, scenario, mock);
      for (const f of failures) console.error(`  FAIL ${scenario.name}: ${f}`);
      if (failures.length) failed.push(scenario.name);
      else console.log(`  ok   ${scenario.name}`);
    }
  } finally {
    await mock.stop();
  }
  // A passing run prints no "failed" line.
  console.log(`\n${scenarios.length - failed.length} passed${failed.length ? `, ${failed.length} failed (${failed.join(', ')})` : ''}`);
  return failed.length ? 1 : 0;
}

function fail(e: unknown, planned: number): never {
  console.error(e instanceof SetupError ? e.message : e instanceof Error ? (e.stack ?? e.message) : String(e));
  console.log(`\n0 passed, ${planned} failed: no scenario could run`);
  process.exit(1);
}

let planned: number = DESKTOP_SCENARIOS.length;
try {
  const scenarios = selectedScenarios();
  planned = scenarios.length;
  main(scenarios).then((code) => process.exit(code), (e: unknown) => fail(e, planned));
} catch (e) {
  fail(e, planned);
}
