/// <reference lib="dom" />
// End-to-end: the Prompt Trends view in a real VS Code (code-server). Ten run records of one
// prompt over three versions; "Show Prompt Trends" on the open prompt shows its versions, the
// spread of their runs, the drift at run 8 and the model snapshot that changed there, with the
// charts drawn by Chart.js in the webview.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Browser } from 'playwright-core';
import { TREND_PROMPT, writeTrendRecords } from '../../support/trendRecords.js';
import { launchChromium, log, REPO } from '../../../scripts/code-server.mjs';
import { ARTIFACTS, scenario, setUp, tearDown } from './harness.mjs';

before(setUp, { timeout: 45 * 60_000 });
after(tearDown);

describe('prompt trends', () => {
  test('"Show Prompt Trends" draws the active prompt\'s versions, spread, drift and model change', { timeout: 4 * 60_000 }, async () => {
    await scenario('trends', { prepare: (dir) => void writeTrendRecords(dir) }, async (wb) => {
      await wb.open(TREND_PROMPT);
      await wb.runCommand('Prompt Workbench: Show Prompt Trends');
      // A webview is an iframe holding the page's iframe.
      const view = wb.page.frameLocator('iframe.webview.ready').frameLocator('iframe#active-frame');
      await view.locator('h2', { hasText: TREND_PROMPT }).waitFor({ timeout: 60_000 });
      const tab = await wb.page.locator('.tabs-container .tab.active').first().getAttribute('aria-label');
      assert.match(tab ?? '', /^Trends: summarize\.prompt/);
      assert.equal(await view.locator('p.sub').first().textContent(), '10 run records in .prompt-workbench/runs');
      // Three versions, oldest first, with the pooled pass rate and the spread of their runs.
      const rows = await view.locator('table.versions tbody tr').evaluateAll((trs) => trs.map((tr) => Array.from(tr.querySelectorAll('td')).map((td) => td.textContent?.trim() ?? '')));
      assert.deepEqual(rows.map((r) => [r[0], r[2], r[3], r[4], r[5]]), [
        ['3f2c9e1', '3', '30', '86.7%', '80.0% – 90.0%'],
        ['7d41c0a', '5', '50', '86.0%', '40.0% – 100.0%'],
        ['c9b8a7f', '2', '20', '95.0%', '90.0% – 100.0%'],
      ]);
      assert.equal(rows[1][11], 'drift (1)');
      const alerts = await view.locator('ul.alerts li').allTextContents();
      assert.equal(alerts.length, 2);
      assert.match(alerts[0], /^Drift at 2026-11-08 09:00 .*passed 4\/10, against 39\/40 over its 4 earlier runs \(z = -4\.69\)\.$/);
      assert.match(alerts[1], /The answering model changed at 2026-11-08 09:00: gpt-4o-mini-2024-07-18 → gpt-4o-mini-2024-12-17\./);
      // Four charts, each drawn by Chart.js (a canvas it sized and painted).
      await view.locator('canvas[data-chart]').nth(3).waitFor({ timeout: 30_000 });
      const drawn = await view.locator('canvas[data-chart]').evaluateAll((canvases) =>
        (canvases as HTMLCanvasElement[]).map((c) => {
          const ctx = c.getContext('2d');
          if (!ctx || !c.width || !c.height) return false;
          const data = ctx.getImageData(0, 0, c.width, c.height).data;
          let painted = 0;
          for (let i = 3; i < data.length; i += 4 * 97) if (data[i] > 0) painted++;
          return painted > 20;
        }));
      assert.deepEqual(drawn, [true, true, true, true]);
      // The theme's colours: the page reads VS Code's chart colour variables.
      const blue = await view.locator('body').evaluate(() => getComputedStyle(document.documentElement).getPropertyValue('--vscode-charts-blue').trim());
      assert.ok(blue.length > 0, 'the theme gives --vscode-charts-blue');
      await wb.clearNotifications();
      await wb.screenshot();
    });
  });
});

describe('the HTML report', () => {
  test('report --html writes one file that Chromium opens offline with every chart drawn', { timeout: 2 * 60_000 }, async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'pw-e2e-report-'));
    const browser = (await launchChromium()) as Browser;
    try {
      const records = writeTrendRecords(dir);
      execFileSync(process.execPath, [path.join(REPO, 'dist', 'cli.js'), 'report', records, '--html', 'trends.html'], { cwd: dir, stdio: 'pipe' });
      const context = await browser.newContext({ viewport: { width: 1400, height: 1000 }, offline: true });
      const page = await context.newPage();
      const requests: string[] = [];
      page.on('request', (r) => {
        if (!r.url().startsWith('file:')) requests.push(r.url());
      });
      await page.goto(`file://${path.join(dir, 'trends.html')}`);
      await page.locator('h2', { hasText: TREND_PROMPT }).waitFor({ timeout: 30_000 });
      const drawn = await page.locator('canvas[data-chart]').evaluateAll((canvases) =>
        (canvases as HTMLCanvasElement[]).map((c) => {
          const data = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
          let painted = 0;
          for (let i = 3; i < data.length; i += 4 * 97) if (data[i] > 0) painted++;
          return painted > 20;
        }));
      assert.deepEqual(drawn, [true, true, true, true]);
      assert.deepEqual(requests, [], 'nothing fetched');
      assert.match((await page.locator('ul.alerts li').first().textContent()) ?? '', /^Drift at 2026-11-08 09:00/);
      const file = path.join(ARTIFACTS, 'trends-report.png');
      await page.screenshot({ path: file });
      if (process.env.PROMPT_WORKBENCH_UPDATE_SCREENSHOTS === '1') {
        copyFileSync(file, path.join(REPO, 'docs', 'images', 'trends-report.png'));
        log('docs/images/trends-report.png updated');
      }
      await context.close();
    } finally {
      await browser.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
