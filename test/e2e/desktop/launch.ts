// The desktop suite's plan, in plain node (no `vscode`): which scenarios run, how each scenario's
// workspace copy is prepared, and the arguments VS Code is started with. runTest.ts uses it to
// launch VS Code; test/unit/desktopE2e.test.ts checks it, so that neither end-to-end suite can
// drop a scenario of test/e2e/scenarios/ and the trust flags stay what each scenario needs.
import { cpSync, mkdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { compareModels, testing } from '../expectations';
import { makeHistoryRepository } from '../historyRepository';
import { writeTrendRecords } from '../../support/trendRecords';

export const SCENARIOS_DIR = path.resolve(__dirname, '..', 'scenarios');

/**
 * Every scenario of test/e2e/scenarios/, in the order the desktop suite runs them.
 * `trusted: false` opens the folder in Restricted Mode; `mock`: the workspace settings point the
 * openai provider at the local test provider server.
 */
export const DESKTOP_SCENARIOS = [
  { name: 'problems', trusted: true, mock: false },
  { name: 'completion', trusted: true, mock: false },
  { name: 'tokens', trusted: true, mock: false },
  { name: 'testing', trusted: true, mock: true },
  { name: 'untrusted', trusted: false, mock: true },
  { name: 'history', trusted: true, mock: false },
  { name: 'compare-models', trusted: true, mock: true },
  { name: 'trends', trusted: true, mock: false },
  { name: 'agents', trusted: true, mock: false },
  { name: 'catalog', trusted: true, mock: false },
] as const;

export type ScenarioName = (typeof DESKTOP_SCENARIOS)[number]['name'];
export type DesktopScenario = (typeof DESKTOP_SCENARIOS)[number];

/** Environment variables runTest.ts gives the suite in the extension host. */
export const ENV = {
  scenario: 'PROMPT_WORKBENCH_E2E_SCENARIO',
  /** The local test provider's OpenAI base URL (the `mock` scenarios' workspace settings hold it too). */
  openaiBaseUrl: 'PROMPT_WORKBENCH_E2E_OPENAI_BASE_URL',
} as const;

/** The workspace setting that points the openai provider at the local test provider. */
export const BASE_URL_SETTING = 'promptWorkbench.providers.openai.baseUrl';

/**
 * How many requests the local test provider must have received once the scenario's VS Code has
 * exited: every openai case in the trusted workspace, none in Restricted Mode. undefined: the
 * scenario does not use it.
 */
export function expectedProviderRequests(name: ScenarioName): number | undefined {
  if (name === 'testing') return testing.cases.filter((c) => c.provider === 'openai').length;
  if (name === 'untrusted') return 0;
  // every case on both models of the matrix
  if (name === 'compare-models') return compareModels.cases.length * 2;
  return undefined;
}

/**
 * Copies scenario `scenario` into `dir` (an empty folder) and prepares it: the local test
 * provider's URL in `.vscode/settings.json`, a git repository for `history`, run records for `trends`.
 */
export function prepareWorkspace(scenario: DesktopScenario, dir: string, openaiBaseUrl: string): void {
  cpSync(path.join(SCENARIOS_DIR, scenario.name), dir, { recursive: true });
  if (scenario.mock) {
    mkdirSync(path.join(dir, '.vscode'), { recursive: true });
    writeFileSync(path.join(dir, '.vscode', 'settings.json'), JSON.stringify({ [BASE_URL_SETTING]: openaiBaseUrl }, null, 2) + '\n');
  }
  if (scenario.name === 'history') makeHistoryRepository(dir);
  if (scenario.name === 'trends') writeTrendRecords(dir);
}

/**
 * User settings of the scenario's fresh VS Code profile. Workspace Trust stays on (it is VS Code's
 * default; `--disable-workspace-trust` turns it off for the trusted scenarios), but VS Code does not
 * ask at start-up, so the untrusted folder simply opens in Restricted Mode, as after "No".
 */
export const USER_SETTINGS = {
  'security.workspace.trust.enabled': true,
  'security.workspace.trust.startupPrompt': 'never',
  'git.enabled': false,
  'extensions.autoUpdate': false,
  'extensions.autoCheckUpdates': false,
  'update.mode': 'none',
  'telemetry.telemetryLevel': 'off',
  'workbench.startupEditor': 'none',
} as const;

export interface LaunchPaths {
  /** The scenario's workspace copy. */
  workspace: string;
  /** The repository root (the extension, in development mode). */
  extension: string;
  /** The bundled suite (dist/e2e/suite.js). */
  suite: string;
  /** A fresh profile: user data (settings, secret storage, global storage, logs) and extensions. */
  userData: string;
  extensionsDir: string;
}

/**
 * The command line of VS Code for one scenario: what @vscode/test-electron's runTests passes (its
 * sandbox, update and welcome flags), except that `--disable-workspace-trust`, which runTests
 * always adds, is given to trusted scenarios only; plus `--disable-extensions` and a fresh profile.
 */
export function launchArgs(scenario: DesktopScenario, paths: LaunchPaths): string[] {
  return [
    paths.workspace,
    '--disable-extensions',
    ...(scenario.trusted ? ['--disable-workspace-trust'] : []),
    '--no-sandbox',
    '--disable-gpu-sandbox',
    '--disable-updates',
    '--skip-welcome',
    '--skip-release-notes',
    '--no-cached-data',
    `--extensionDevelopmentPath=${paths.extension}`,
    `--extensionTestsPath=${paths.suite}`,
    `--user-data-dir=${paths.userData}`,
    `--extensions-dir=${paths.extensionsDir}`,
  ];
}
