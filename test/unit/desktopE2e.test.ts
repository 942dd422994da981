// The desktop end-to-end suite's plan (test/e2e/desktop/launch.ts), checked in plain node: the
// suite itself needs a downloaded VS Code, but which scenarios it runs, how their workspaces are
// prepared and with which trust flags VS Code starts can be checked anywhere. (That the suite has
// checks for each scenario is checked by the compiler: its table is a Record<ScenarioName, ...>.)
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { after, describe, test } from 'node:test';
import { history } from '../e2e/expectations';
import { BASE_URL_SETTING, DESKTOP_SCENARIOS, SCENARIOS_DIR, USER_SETTINGS, expectedProviderRequests, launchArgs, prepareWorkspace } from '../e2e/desktop/launch';
import { git } from '../support/gitRepo';

const REPO = path.resolve(__dirname, '..', '..');
const paths = { workspace: '/tmp/ws', extension: REPO, suite: path.join(REPO, 'dist', 'e2e', 'suite.js'), userData: '/tmp/ud', extensionsDir: '/tmp/ext' };
const scenario = (name: string) => DESKTOP_SCENARIOS.find((s) => s.name === name)!;

describe('desktop end-to-end suite', () => {
  const scratch = mkdtempSync(path.join(tmpdir(), 'pw-desktop-plan-'));
  after(() => rmSync(scratch, { recursive: true, force: true }));

  test('runs exactly the scenario folders of test/e2e/scenarios (the web suite\'s workspaces)', () => {
    const folders = readdirSync(SCENARIOS_DIR).filter((n) => statSync(path.join(SCENARIOS_DIR, n)).isDirectory()).sort();
    assert.ok(folders.length >= 6, `scenario folders: ${folders.join(', ')}`);
    assert.deepEqual(DESKTOP_SCENARIOS.map((s) => s.name).sort(), folders);
  });

  test('only the untrusted scenario opens with Workspace Trust on', () => {
    for (const s of DESKTOP_SCENARIOS) {
      const args = launchArgs(s, paths);
      assert.equal(args.includes('--disable-workspace-trust'), s.name !== 'untrusted', `${s.name}: ${args.join(' ')}`);
      assert.equal(args[0], paths.workspace, 'the workspace folder comes first, so VS Code opens it');
      for (const a of ['--disable-extensions', `--extensionDevelopmentPath=${REPO}`, `--extensionTestsPath=${paths.suite}`, `--user-data-dir=${paths.userData}`, `--extensions-dir=${paths.extensionsDir}`]) {
        assert.ok(args.includes(a), `${s.name} lacks ${a}`);
      }
    }
    assert.equal(USER_SETTINGS['security.workspace.trust.enabled'], true);
    assert.equal(USER_SETTINGS['security.workspace.trust.startupPrompt'], 'never');
  });

  test('the local test provider must get one request per openai case when trusted, none in Restricted Mode', () => {
    assert.equal(expectedProviderRequests('testing'), 2);
    assert.equal(expectedProviderRequests('untrusted'), 0);
    assert.equal(expectedProviderRequests('problems'), undefined);
    // the two-model matrix: each of its 4 cases on both models
    assert.equal(expectedProviderRequests('compare-models'), 8);
  });

  test('the testing, untrusted and compare-models copies point the openai provider at the local server; the others have no settings', () => {
    for (const s of DESKTOP_SCENARIOS) {
      const dir = path.join(scratch, s.name);
      prepareWorkspace(s, dir, 'http://127.0.0.1:9/v1');
      const settings = path.join(dir, '.vscode', 'settings.json');
      if (s.name === 'testing' || s.name === 'untrusted' || s.name === 'compare-models') {
        assert.deepEqual(JSON.parse(readFileSync(settings, 'utf8')), { [BASE_URL_SETTING]: 'http://127.0.0.1:9/v1' });
        assert.ok(existsSync(path.join(dir, 'support-reply.tests.yaml')));
      } else assert.equal(existsSync(settings), false, `${s.name} has workspace settings`);
    }
    assert.equal(existsSync(path.join(SCENARIOS_DIR, 'testing', '.vscode')), false, 'the scenario folder itself is left alone');
  });

  test('the history copy is a git repository with the expected commits, newest first', () => {
    const dir = path.join(scratch, 'history-repo');
    prepareWorkspace(scenario('history'), dir, 'http://127.0.0.1:9/v1');
    const subjects = git(dir, ['log', '--format=%s', '--', history.file]).trim().split('\n');
    assert.deepEqual(subjects, history.commits.map((c) => c.message).reverse());
    assert.equal(readFileSync(path.join(dir, history.file), 'utf8'), history.commits.at(-1)!.text);
    assert.equal(git(dir, ['status', '--porcelain', '--', history.file]), '', 'the prompt has no uncommitted changes, so the view lists commits only');
  });
});
