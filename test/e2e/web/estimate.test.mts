/// <reference lib="dom" />
// End-to-end: "Estimate Test Suite Cost" in a real VS Code (code-server) with the packaged
// extension, on a fixture file with a two-model `matrix:`. From the palette with the prompt open:
// the scope (this prompt), then the run to estimate (every variant), then the Markdown preview
// beside the editor prices each model's four cases. Nothing is sent: no provider is configured.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { compareModels } from '../expectations.js';
import { scenario, setUp, tearDown } from './harness.mjs';

// the first run on a machine installs code-server (about 15 minutes on 2 cores)
before(setUp, { timeout: 45 * 60_000 });
after(tearDown);

const SCENARIO_TIMEOUT = 4 * 60_000;
const WAIT = 30_000;

describe('estimating a test suite with a model matrix', () => {
  test('the palette command asks which run, then prices every variant in a Markdown preview', { timeout: SCENARIO_TIMEOUT }, async () => {
    await scenario('compare-models', {}, async (wb) => {
      await wb.open(compareModels.fixture.replace('.tests.yaml', '.prompt'));
      await wb.runCommand('Prompt Workbench: Estimate Test Suite Cost');
      const rows = wb.page.locator('.quick-input-widget .quick-input-list .monaco-list-row');
      await rows.filter({ hasText: 'This prompt' }).first().waitFor({ timeout: WAIT });
      await rows.filter({ hasText: 'This prompt' }).first().click();
      // the suite has two matrix variants: which run to estimate
      await rows.filter({ hasText: 'Every variant' }).first().waitFor({ timeout: WAIT });
      const offered = await rows.evaluateAll((els) => els.map((e) => e.getAttribute('aria-label') ?? ''));
      assert.ok(offered.some((l) => l.startsWith('Every variant') && l.includes('2 matrix and prompt variants')), `offered: ${offered.join(' | ')}`);
      assert.ok(offered.some((l) => l.startsWith('Each case once')), `offered: ${offered.join(' | ')}`);
      await rows.filter({ hasText: 'Every variant' }).first().click();
      // the report: a Markdown preview (a webview in a webview) with one row per model
      const view = wb.page.locator('iframe.webview.ready').last().contentFrame().locator('iframe#active-frame').contentFrame();
      await view.locator('h1', { hasText: 'Test suite cost' }).waitFor({ timeout: WAIT });
      const table = await view.locator('table').first().evaluate((t: HTMLTableElement) => Array.from(t.querySelectorAll('tbody tr')).map((r) => Array.from(r.querySelectorAll('td')).map((td) => td.textContent ?? '')));
      const byModel = table.map((cells) => cells.join(' | '));
      assert.equal(table.length, 2, `rows: ${byModel.join('\n')}`);
      assert.ok(byModel.some((r) => r.includes('openai/gpt-4o-mini') && r.includes('| 4 |')), `rows: ${byModel.join('\n')}`);
      assert.ok(byModel.some((r) => /openai\/gpt-4o(?!-)/.test(r) && r.includes('| 4 |')), `rows: ${byModel.join('\n')}`);
      await wb.screenshot('estimate');
    });
  });
});
