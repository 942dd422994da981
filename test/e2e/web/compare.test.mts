/// <reference lib="dom" />
// End-to-end: comparing two models in a real VS Code (code-server) with the packaged extension.
// A fixture file with a two-model `matrix:` runs against a local server speaking the OpenAI wire
// format (each model answers its own way); "Prompt Workbench: Compare Models" runs every variant
// and opens the comparison: the variants with their pass rates, the chart drawn by Chart.js, the
// cases where the models disagree first; a click on a case opens both outputs in the diff editor.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { compareModels, scenarioAnswer } from '../expectations.js';
import { MockProvider, type RecordedRequest } from '../../support/mockProvider.js';
import { scenario, setUp, tearDown } from './harness.mjs';

// the first run on a machine installs code-server (about 15 minutes on 2 cores)
before(setUp, { timeout: 45 * 60_000 });
after(tearDown);

const SCENARIO_TIMEOUT = 4 * 60_000;
const { apiKey: API_KEY, fixture: FIXTURE, answers: ANSWERS } = compareModels;

function answer(r: RecordedRequest) {
  const model = String(r.body.model);
  return { text: scenarioAnswer(model, r.prompt), delayMs: model === 'gpt-4o' ? 180 : 60, usage: { input: 60, output: model === 'gpt-4o' ? 20 : 15 } };
}

describe('comparing models', () => {
  let mock: MockProvider;
  before(async () => {
    mock = await MockProvider.start({ script: answer });
  });
  after(() => mock.stop());

  test('a two-model matrix runs, Compare Models shows both with pass rates, the chart and the disagreements first; a click opens the diff', { timeout: SCENARIO_TIMEOUT }, async () => {
    const settings = { 'diffEditor.useInlineViewWhenSpaceIsLimited': false, 'diffEditor.wordWrap': 'on' };
    await scenario('compare-models', { settings, workspaceSettings: { 'promptWorkbench.providers.openai.baseUrl': mock.openaiBaseUrl } }, async (wb) => {
      // the key, through the palette into VS Code's secret storage
      await wb.runCommand('Prompt Workbench: Set API Key');
      const pick = wb.page.locator('.quick-input-widget .monaco-list-row', { hasText: 'OpenAI' }).first();
      await pick.waitFor({ timeout: 20_000 });
      await pick.click();
      const input = wb.page.locator('.quick-input-widget input[type="password"]');
      await input.waitFor({ timeout: 10_000 });
      await input.fill(API_KEY);
      await wb.page.keyboard.press('Enter');
      await wb.page.locator('.notifications-toasts', { hasText: 'The OpenAI API key is stored' }).waitFor({ timeout: 10_000 });
      await wb.clearNotifications();

      // the fixture file open, the palette command runs its matrix and opens the comparison
      await wb.open(FIXTURE);
      await wb.runCommand('Prompt Workbench: Compare Models');
      await wb.page.locator('.tabs-container .tab.active', { hasText: 'Compare Models' }).waitFor({ timeout: 60_000 });
      // every case on both models, each with its own model name
      assert.deepEqual(mock.requests.map((r) => String(r.body.model)).sort(), ['gpt-4o', 'gpt-4o', 'gpt-4o', 'gpt-4o', 'gpt-4o-mini', 'gpt-4o-mini', 'gpt-4o-mini', 'gpt-4o-mini']);
      assert.ok(mock.requests.every((r) => r.headers.authorization === `Bearer ${API_KEY}`));

      // the webview (an iframe in an iframe)
      const view = wb.page.locator('iframe.webview.ready').last().contentFrame().locator('iframe#active-frame').contentFrame();
      await view.locator('h1', { hasText: 'Compare Models' }).waitFor({ timeout: 30_000 });
      const variants = await view.locator('table.variants tbody tr').evaluateAll((rows) => rows.map((r) => Array.from(r.querySelectorAll('td')).map((td) => td.textContent ?? '')));
      assert.deepEqual(variants.map((cells) => [cells[0], cells[1], cells[2], cells[6], cells[7], cells[10]]), [
        ['gpt-4o-mini', 'openai/gpt-4o-mini', '2/4 (50%)', '240', '60', '0'],
        ['gpt-4o', 'openai/gpt-4o', '4/4 (100%)', '240', '80', '0'],
      ]);
      // the chart: Chart.js drew into the canvas (it has painted pixels), one legend entry per variant
      const canvas = view.locator('canvas#cost-pass-rate');
      await canvas.waitFor({ timeout: 10_000 });
      const painted = await canvas.evaluate((c: HTMLCanvasElement) => {
        const data = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
        let n = 0;
        for (let i = 3; i < data.length; i += 4) if (data[i] > 0) n++;
        return { n, width: c.width, height: c.height };
      });
      assert.ok(painted.width > 100 && painted.height > 100 && painted.n > 2000, `the chart is not drawn: ${JSON.stringify(painted)}`);
      // the cases: the two where the models disagree first
      const cases = await view.locator('table.cases tbody tr').evaluateAll((rows) => rows.map((r) => [r.className, r.querySelector('th')?.textContent ?? '', ...Array.from(r.querySelectorAll('td .badge')).map((b) => b.textContent ?? '')]));
      const short = { passed: 'pass', failed: 'fail' } as const;
      const disagree = compareModels.cases.filter((c) => c['gpt-4o-mini'] !== c['gpt-4o']);
      const agree = compareModels.cases.filter((c) => c['gpt-4o-mini'] === c['gpt-4o']);
      assert.deepEqual(cases, [
        ...disagree.map((c) => ['case disagree', `≠ ${FIXTURE}:${c.line} ${c.name}`, short[c['gpt-4o-mini']], short[c['gpt-4o']]]),
        ...agree.map((c) => ['case', `${FIXTURE}:${c.line} ${c.name}`, short[c['gpt-4o-mini']], short[c['gpt-4o']]]),
      ]);
      assert.equal(disagree.length, 2);
      // the picture: the comparison across the whole window
      await wb.runCommand('View: Close Primary Side Bar');
      await wb.page.waitForTimeout(800);
      await wb.screenshot();

      // a click on the first case: the model that passed on the left, the one that did not on the right
      await view.locator('table.cases tbody tr').first().click();
      const diff = wb.page.locator('.editor-instance .monaco-diff-editor').first();
      await diff.waitFor({ timeout: 20_000 });
      await wb.page.locator('.tabs-container .tab', { hasText: 'states the refund period: gpt-4o ↔ gpt-4o-mini' }).first().waitFor({ timeout: 10_000 });
      await assert.doesNotReject(diff.locator('.editor.original .view-lines', { hasText: ANSWERS['gpt-4o'].Katherine }).waitFor({ timeout: 10_000 }), 'gpt-4o\'s answer on the left');
      await assert.doesNotReject(diff.locator('.editor.modified .view-lines', { hasText: ANSWERS['gpt-4o-mini'].Katherine }).waitFor({ timeout: 10_000 }), 'gpt-4o-mini\'s answer on the right');
      await wb.screenshot('diff');

      // the Test Explorer: each case's state is the verdict over both models (failed when one
      // failed), and its title bar offers Compare Models
      await wb.page.locator('.activitybar .action-item a[aria-label^="Testing"]').click();
      const rows = wb.page.locator('.test-explorer .monaco-list-row');
      await rows.first().waitFor({ timeout: 30_000 });
      for (let i = 0; i < 10; i++) {
        const collapsed = wb.page.locator('.test-explorer .monaco-list-row[aria-expanded="false"]').first();
        if (!(await collapsed.count())) break;
        await collapsed.locator('.monaco-tl-twistie').click();
        await wb.page.waitForTimeout(300);
      }
      // (the label, without the duration VS Code shows after it)
      const states = await rows.evaluateAll((els) => Object.fromEntries(els.map((e) => [((e.querySelector('.label') as HTMLElement | null)?.innerText ?? '').trim().replace(/\s*\d+(?:\.\d+)?\s*m?s$/, ''), /\(([^)]+)\)/.exec(e.getAttribute('aria-label') ?? '')?.[1] ?? ''])));
      assert.deepEqual(
        compareModels.cases.map((c) => [c.name, states[c.name]]),
        compareModels.cases.map((c) => [c.name, c['gpt-4o-mini'] === 'failed' || c['gpt-4o'] === 'failed' ? 'Failed' : 'Passed']),
        JSON.stringify(states),
      );
      await wb.page.locator('.part.sidebar .title-actions .action-label[aria-label="Compare Models"]').waitFor({ timeout: 10_000 });
    });
  });
});
