// scripts/workbench.mjs: small steps a user takes in the VS Code workbench (code-server in chromium,
// driven by playwright-core): run a palette command, Quick Open a file, go to a line, clear
// notifications. Used by `npm start -- --screenshot` and the end-to-end tests (test/e2e/web).

export class WorkbenchError extends Error {}

/**
 * Runs a command from the palette (F1) by its exact title ("Category: Title"). Right after the
 * window opens, extensions' commands are not listed yet: it looks again for up to `timeoutMs`.
 */
export async function runCommand(page, title, timeoutMs = 30_000) {
  const input = page.locator('.quick-input-widget input');
  // the row whose label is exactly the title (the palette also lists similar commands)
  const row = page.locator('.quick-input-widget .quick-input-list .monaco-list-row').filter({
    has: page.locator('.label-name', { hasText: new RegExp(`^${title.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`) }),
  }).first();
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    for (let attempt = 0; attempt < 3 && !(await input.isVisible()); attempt++) {
      await page.keyboard.press('F1');
      await input.waitFor({ state: 'visible', timeout: 5_000 }).catch(() => {});
    }
    if (!(await input.isVisible())) throw new WorkbenchError('the command palette (F1) did not open');
    await input.fill(`>${title}`);
    try {
      await row.waitFor({ state: 'visible', timeout: 5_000 });
      await row.click();
      return;
    } catch {
      await page.keyboard.press('Escape');
      if (Date.now() > deadline) throw new WorkbenchError(`the command palette has no command "${title}"`);
      await page.waitForTimeout(1_000);
    }
  }
}

export async function openViaQuickOpen(page, rel) {
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
  throw new WorkbenchError('Quick Open (Ctrl+P) did not appear in the workbench');
}

export async function dismissNotifications(page) {
  await runCommand(page, 'Notifications: Clear All Notifications').catch(() => {});
  await page.waitForTimeout(300);
  await page.keyboard.press('Escape');
}

export async function goTo(page, line, column) {
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

