/// <reference lib="dom" />
// End-to-end: the Prompt Catalogue view in a real VS Code (code-server) with the packaged
// extension. A workspace of five prompts in three formats, owners from the files and CODEOWNERS,
// statuses from the files and the project config's folder defaults; the view, grouped by status,
// lists the statuses in lifecycle order with each prompt under its own. Its screenshot is the
// README's picture of the catalogue (`npm run screenshots`).
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { scenario, setUp, tearDown } from './harness.mjs';

before(setUp, { timeout: 45 * 60_000 });
after(tearDown);

const GIT_ENV = { ...process.env, GIT_CONFIG_GLOBAL: '/dev/null', GIT_CONFIG_NOSYSTEM: '1', LC_ALL: 'C', GIT_AUTHOR_NAME: 'Ada Lovelace', GIT_AUTHOR_EMAIL: 'ada@example.com', GIT_COMMITTER_NAME: 'Ada Lovelace', GIT_COMMITTER_EMAIL: 'ada@example.com', GIT_AUTHOR_DATE: '2026-03-02T10:00:00Z', GIT_COMMITTER_DATE: '2026-03-02T10:00:00Z' };

/** The scenario copy as a git repository with one commit, so rows show their last change. */
function commitAll(dir: string): void {
  const git = (...args: string[]) => execFileSync('git', args, { cwd: dir, env: GIT_ENV, stdio: 'ignore' });
  git('init', '-q', '-b', 'main');
  git('add', '-A');
  git('commit', '-q', '--no-verify', '-m', 'Add the support, ops and lab prompts');
}

/** Polls for a file the extension writes in the background (up to 30 s). */
async function waitForFile(find: () => string | undefined): Promise<string> {
  for (let i = 0; i < 60; i++) {
    try {
      const found = find();
      if (found) return found;
    } catch {
      // the folder does not exist yet
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error('the catalogue row cache was not written in the workspace storage within 30 s');
}

/** What the view must show, grouped by status: each group and its prompts (by name). */
const EXPECTED: [status: string, prompts: string[]][] = [
  ['draft', ['Brainstorm']],
  ['review', ['Triage']],
  ['approved', ['greeting']],
  ['released', ['refund']],
  ['retired', ['legacy-faq']],
];

describe('prompt catalogue', () => {
  test('the Prompt Catalogue view groups every prompt of every format by status, in lifecycle order', { timeout: 4 * 60_000 }, async () => {
    await scenario('catalog', { prepare: commitAll }, async (wb) => {
      await wb.runCommand('Prompt Workbench: Show Prompt Catalogue');
      const view = wb.page.locator('.pane', { has: wb.page.locator('.pane-header', { hasText: 'Prompt Catalogue' }) });
      const rows = view.locator('.monaco-list-row');
      const total = EXPECTED.length + EXPECTED.flatMap(([, p]) => p).length;
      // every group and row, each row with its description (owner · format · model · tokens …)
      await wb.page.waitForFunction(
        (n) => {
          const pane = Array.from(document.querySelectorAll('.pane')).find((p) => p.querySelector('.pane-header')?.textContent?.includes('Prompt Catalogue'));
          return !!pane && pane.querySelectorAll('.monaco-list-row').length >= n && Array.from(pane.querySelectorAll('.monaco-list-row .label-description')).filter((d) => / · /.test(d.textContent ?? '')).length >= n - 5;
        },
        total,
        { timeout: 60_000 },
      );
      const texts = await rows.evaluateAll((els) => els.map((e) => ({ level: Number(e.getAttribute('aria-level')), name: e.querySelector('.label-name')?.textContent ?? '', description: e.querySelector('.label-description')?.textContent ?? '' })));
      const groups = texts.filter((t) => t.level === 1).map((t) => t.name);
      assert.deepEqual(groups, EXPECTED.map(([s]) => s), `groups: ${JSON.stringify(texts)}`);
      // each prompt under its status
      const under: Record<string, string[]> = {};
      let current = '';
      for (const t of texts) {
        if (t.level === 1) current = t.name;
        else (under[current] ??= []).push(t.name);
      }
      assert.deepEqual(under, Object.fromEntries(EXPECTED));
      const row = (name: string) => texts.find((t) => t.level === 2 && t.name === name)!.description;
      assert.match(row('refund'), /^@support-team · Dotprompt · openai\/gpt-4o-mini · \d+ tok · ≤\$[\d.]+ · untested$/);
      assert.match(row('Triage'), /^@ops-team · GitHub Models prompt · openai\/gpt-4o · /, 'owner from CODEOWNERS');
      assert.match(row('Brainstorm'), /^ana · Prompty · /, 'Prompty authors as the owner');
      // the picture: the catalogue alone (Prompt History folded), in a side bar wide enough for the rows
      await wb.page.locator('.pane-header', { hasText: 'Prompt History' }).first().click();
      const bar = await wb.page.locator('.part.sidebar').boundingBox();
      assert.ok(bar, 'the side bar is shown');
      await wb.page.mouse.move(bar.x + bar.width + 1, bar.y + bar.height / 2);
      await wb.page.mouse.down();
      await wb.page.mouse.move(bar.x + bar.width + 420, bar.y + bar.height / 2, { steps: 10 });
      await wb.page.mouse.up();
      await wb.page.mouse.move(bar.x + bar.width + 700, bar.y + bar.height - 20); // off the sash
      await wb.page.waitForTimeout(500);
      await wb.screenshot();
      // the rows are kept in the extension's storage for this workspace, for the next session
      const kept = await waitForFile(() => (readdirSync(path.join(wb.userData, 'User', 'workspaceStorage'), { recursive: true }) as string[]).find((f) => f.endsWith(path.join('catalog', 'catalog-rows.jsonl'))));
      const keptRows = readFileSync(path.join(wb.userData, 'User', 'workspaceStorage', kept), 'utf8').trimEnd().split('\n').slice(1).map((l) => (JSON.parse(l) as { name: string }).name);
      assert.deepEqual(keptRows.sort(), EXPECTED.flatMap(([, p]) => p).sort());
      // a click opens the prompt
      await rows.filter({ hasText: 'refund' }).first().click();
      await wb.page.locator('.tabs-container .tab.active[aria-label^="refund.prompt"]').first().waitFor({ timeout: 30_000 });
    });
  });
});
