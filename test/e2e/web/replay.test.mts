/// <reference lib="dom" />
// End-to-end scenario for "Replay Case from Run Record…", in a real VS Code (code-server) with the
// packaged extension installed, driven in chromium as a user would: a trusted workspace's tests run
// once from the palette against the local provider server (which writes a run record under
// .prompt-workbench/runs); the server then answers differently; the command, from the palette,
// sends the recorded case again to the recorded model. The diff editor shows the recorded answer
// against the new one, the notification names the verdict change, and a new record that says what
// it replays (`replayOf`) lies beside the first.
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { MockProvider } from '../../support/mockProvider.js';
import { SCENARIOS, scenario, setUp, tearDown, type Workbench } from './harness.mjs';

// The workspace: test/e2e/formats/replay (the web suite's own, beside the formats' workspaces).
const WORKSPACE = path.join(SCENARIOS, '..', 'formats', 'replay');

// the first run on a machine installs code-server (about 15 minutes on 2 cores)
before(setUp, { timeout: 45 * 60_000 });
after(tearDown);

// A loaded machine is slow: every step waits on a condition, and a scenario may take minutes.
const SCENARIO_TIMEOUT = 8 * 60_000;
const WAIT = 60_000;

const replay = {
  fixture: 'support-reply.tests.yaml',
  caseName: 'greets the customer by name',
  apiKey: 'e2e-openai-key',
  model: 'openai/gpt-4o-mini',
  /** The first run's answer passes `icontains: ada`; the replay's does not. */
  before: 'Hello Ada! Your parcel left our shop yesterday.',
  after: 'Good morning! Your parcel left our shop yesterday.',
  recordsFolder: path.join('.prompt-workbench', 'runs'),
};

/** The run records on disk, by file name. */
function records(dir: string): string[] {
  const runs = path.join(dir, replay.recordsFolder);
  return existsSync(runs) ? readdirSync(runs).filter((f) => f.endsWith('.jsonl')).sort() : [];
}

/** Waits (polling the disk) until `check` holds for the records folder's files. */
async function waitForRecords(wb: Workbench, check: (files: string[]) => boolean, what: string): Promise<string[]> {
  const deadline = Date.now() + WAIT;
  for (;;) {
    const files = records(wb.dir);
    if (check(files)) return files;
    if (Date.now() > deadline) assert.fail(`${what}: the records folder holds ${JSON.stringify(files)}`);
    await wb.page.waitForTimeout(250);
  }
}

/** The lines of a JSONL run record. */
function readRecord(dir: string, file: string): Record<string, unknown>[] {
  return readFileSync(path.join(dir, replay.recordsFolder, file), 'utf8').split('\n').filter((l) => l.trim()).map((l) => JSON.parse(l) as Record<string, unknown>);
}

/** Opens the Testing view from the activity bar and expands every item. */
async function showTestExplorer(wb: Workbench): Promise<void> {
  await wb.page.locator('.activitybar .action-item a[aria-label^="Testing"]').click();
  const rows = wb.page.locator('.test-explorer .monaco-list-row');
  await rows.first().waitFor({ timeout: WAIT });
  for (let i = 0; i < 10; i++) {
    const collapsed = wb.page.locator('.test-explorer .monaco-list-row[aria-expanded="false"]').first();
    if (!(await collapsed.count())) break;
    await collapsed.locator('.monaco-tl-twistie').click();
    await collapsed.waitFor({ state: 'detached', timeout: 2_000 }).catch(() => {});
  }
}

/** The state VS Code announces for the Test Explorer row that starts with `name`. */
async function stateOf(wb: Workbench, name: string): Promise<string> {
  return wb.page.locator('.test-explorer .monaco-list-row').evaluateAll((els, n) => {
    const row = els.find((e) => ((e.querySelector('.label') as HTMLElement | null)?.innerText ?? '').startsWith(n));
    return /\(([^)]+)\)/.exec(row?.getAttribute('aria-label') ?? '')?.[1] ?? '';
  }, name);
}

describe('replaying a case from its run record', () => {
  let mock: MockProvider;
  let answer = replay.before;
  before(async () => {
    mock = await MockProvider.start({ script: () => ({ text: answer }) });
  });
  after(() => mock.stop());

  test('a recorded case is sent again to the recorded model: a diff of both answers, the verdict change, a new record', { timeout: SCENARIO_TIMEOUT }, async () => {
    mock.requests.length = 0;
    answer = replay.before;
    await scenario('replay', { source: WORKSPACE, workspaceSettings: { 'promptWorkbench.providers.openai.baseUrl': mock.openaiBaseUrl }, settings: { 'diffEditor.useInlineViewWhenSpaceIsLimited': false } }, async (wb) => {
      // the key goes into VS Code's secret storage through the palette command, as a user sets it
      await wb.runCommand('Prompt Workbench: Set API Key');
      const pick = wb.page.locator('.quick-input-widget .monaco-list-row', { hasText: 'OpenAI' }).first();
      await pick.waitFor({ timeout: WAIT });
      await pick.click();
      const input = wb.page.locator('.quick-input-widget input[type="password"]');
      await input.waitFor({ timeout: WAIT });
      await input.fill(replay.apiKey);
      await wb.page.keyboard.press('Enter');
      await wb.page.locator('.notifications-toasts', { hasText: 'The OpenAI API key is stored' }).waitFor({ timeout: WAIT });
      await wb.clearNotifications();

      // the first run: the case passes, and its run record is written
      assert.deepEqual(records(wb.dir), [], 'no record before the first run');
      await wb.open(replay.fixture);
      await showTestExplorer(wb);
      await wb.page.waitForFunction((n) => Array.from(document.querySelectorAll('.test-explorer .monaco-list-row .label')).some((l) => (l as HTMLElement).innerText.startsWith(n)), replay.caseName, { timeout: WAIT });
      await wb.runCommand('Test: Run All Tests');
      await wb.page.waitForFunction((n) => {
        const row = Array.from(document.querySelectorAll('.test-explorer .monaco-list-row')).find((r) => ((r.querySelector('.label') as HTMLElement | null)?.innerText ?? '').startsWith(n));
        return /\((Passed|Failed|Skipped|Errored)\)/.test(row?.getAttribute('aria-label') ?? '');
      }, replay.caseName, { timeout: 3 * WAIT });
      assert.equal(await stateOf(wb, replay.caseName), 'Passed');
      assert.equal(mock.requests.length, 1, 'one request for the one case');
      const [first] = await waitForRecords(wb, (f) => f.length === 1, 'the first run wrote no record');
      const firstLines = readRecord(wb.dir, first);
      assert.equal(firstLines.find((l) => l.type === 'case')?.output, replay.before, 'the record holds the first answer');
      await wb.clearNotifications();

      // the provider now answers differently
      answer = replay.after;

      // "Replay Case from Run Record…": the record (from the list of the workspace's records: when it
      // ran and what it counted), the case, the recorded model
      await wb.runCommand('Prompt Workbench: Replay Case from Run Record…');
      await wb.page.locator('.quick-input-widget .quick-input-title', { hasText: 'Replay a case of a test run record' }).waitFor({ timeout: WAIT });
      const recordRow = wb.page.locator('.quick-input-widget .monaco-list-row', { hasText: first }).first();
      await recordRow.waitFor({ timeout: WAIT });
      const rowText = (await recordRow.innerText()).replace(/\s+/g, ' ');
      assert.match(rowText, /1 passed · .* · from the editor/, `the record's row says what it counted and where from: ${rowText}`);
      assert.ok(await wb.page.locator('.quick-input-widget .monaco-list-row', { hasText: 'Browse…' }).first().isVisible(), 'a record elsewhere can be browsed for');
      await recordRow.click();
      const caseRow = wb.page.locator('.quick-input-widget .monaco-list-row', { hasText: replay.caseName }).first();
      await wb.page.locator('.quick-input-widget .quick-input-title', { hasText: `Replay a case of ${first}` }).waitFor({ timeout: WAIT });
      await caseRow.waitFor({ timeout: WAIT });
      await caseRow.click();
      await wb.page.locator('.quick-input-widget .quick-input-title', { hasText: 'Send the recorded request to' }).waitFor({ timeout: WAIT });
      const recordedModel = wb.page.locator('.quick-input-widget .monaco-list-row', { hasText: `The recorded model (${replay.model})` }).first();
      await recordedModel.waitFor({ timeout: WAIT });
      await recordedModel.click();

      // the diff editor: the recorded answer on the left, the new one on the right
      const diff = wb.page.locator('.monaco-diff-editor').first();
      await diff.waitFor({ timeout: 2 * WAIT });
      await wb.page.locator('.tabs-container .tab.active', { hasText: `${replay.caseName}: recorded ↔ replay (${replay.model})` }).waitFor({ timeout: WAIT });
      const original = diff.locator('.editor.original .view-lines');
      const modified = diff.locator('.editor.modified .view-lines');
      await assert.doesNotReject(original.filter({ hasText: replay.before }).waitFor({ timeout: WAIT }), 'the recorded answer on the left');
      await assert.doesNotReject(modified.filter({ hasText: replay.after }).waitFor({ timeout: WAIT }), 'the new answer on the right');
      const flat = (t: string) => t.replace(/\u00a0/g, ' ').replace(/\s+/g, ' ').trim();
      assert.equal(flat(await original.innerText()), replay.before);
      assert.equal(flat(await modified.innerText()), replay.after);
      assert.equal(mock.requests.length, 2, 'the replay sent one request');
      assert.equal(mock.requests[1].prompt, mock.requests[0].prompt, 'the recorded request, sent again');
      assert.equal(mock.requests[1].headers.authorization, `Bearer ${replay.apiKey}`);

      // the notification: the verdict change, and the new record
      const toast = wb.page.locator('.notifications-toasts .notification-toast', { hasText: `Replay of "${replay.caseName}"` }).first();
      await toast.waitFor({ timeout: WAIT });
      const message = flat(await toast.innerText());
      assert.match(message, new RegExp(`Replay of "${replay.caseName}" on ${replay.model}: passed → failed; the answer changed`), message);

      // the new record on disk, beside the first: it says what it replays
      const files = await waitForRecords(wb, (f) => f.length === 2, 'the replay wrote no record');
      const second = files.find((f) => f !== first)!;
      assert.ok(message.includes(`Record: ${path.join(replay.recordsFolder, second)}`), `the notification names the new record ${second}: ${message}`);
      const lines = readRecord(wb.dir, second);
      const header = lines.find((l) => l.type === 'run');
      assert.deepEqual(header?.replayOf, { record: first, startedAt: firstLines.find((l) => l.type === 'run')?.startedAt });
      const cases = lines.filter((l) => l.type === 'case');
      assert.equal(cases.length, 1);
      assert.equal(cases[0].case, replay.caseName);
      assert.equal(cases[0].status, 'failed');
      assert.equal(cases[0].output, replay.after);
      assert.equal((cases[0].replayOf as { record?: string } | undefined)?.record, first);
      assert.ok(!readFileSync(path.join(wb.dir, replay.recordsFolder, second), 'utf8').includes(replay.apiKey), 'no key in the record');
      await wb.screenshot();
    });
  });
});
