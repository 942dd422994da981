/// <reference lib="dom" />
// End-to-end: agent instruction files in a real VS Code (code-server) with the packaged extension.
// An AGENTS.md, which VS Code opens as Markdown, shows its token lenses (the file with the
// always-loaded set, each section) and the status bar count, and the always-loaded set (AGENTS.md
// and .github/copilot-instructions.md) over `agents.budget` of the project config puts an
// `agents-budget` warning on its first line. A README beside it is left alone.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { SCENARIOS, scenario, setUp, tearDown } from './harness.mjs';

const require = createRequire(import.meta.url);
const o200k: (text: string) => number = require('gpt-tokenizer/encoding/o200k_base').countTokens;

// the first run on a machine installs code-server (about 15 minutes on 2 cores)
before(setUp, { timeout: 45 * 60_000 });
after(tearDown);

const dir = path.join(SCENARIOS, 'agents');
const agents = readFileSync(path.join(dir, 'AGENTS.md'), 'utf8');
const copilot = readFileSync(path.join(dir, '.github', 'copilot-instructions.md'), 'utf8');
const BUDGET = 120;

describe('agent instruction files', () => {
  test('an AGENTS.md shows its token lenses and the always-loaded set over its budget', { timeout: 4 * 60_000 }, async () => {
    const mine = o200k(agents);
    const total = mine + o200k(copilot);
    assert.ok(total > BUDGET, 'the scenario is over its budget');
    await scenario('agents', {}, async (wb) => {
      const editor = await wb.open('AGENTS.md');
      // Lenses on one line share a decoration (the file lens and the first heading's): three in all.
      const lenses = editor.locator('.codelens-decoration');
      await lenses.first().waitFor({ timeout: 60_000 });
      await wb.page.waitForFunction(() => document.querySelectorAll('.editor-instance .codelens-decoration').length >= 3, undefined, { timeout: 30_000 });
      const all = (await lenses.allInnerTexts()).join('\n');
      assert.match(all, new RegExp(`AGENTS\\.md: ${mine} tokens · o200k_base · always loaded: ${total} tokens in 2 files of ${BUDGET} budget \\(${total - BUDGET} over\\)`), `code lenses:\n${all}`);
      const build = agents.indexOf('## Build and test');
      const style = agents.indexOf('## Code style');
      assert.match(all, new RegExp(`# Project guide: ${o200k(agents.slice(0, build))} tokens`), all);
      assert.match(all, new RegExp(`## Build and test: ${o200k(agents.slice(build, style))} tokens`), all);
      assert.match(all, new RegExp(`## Code style: ${o200k(agents.slice(style))} tokens`), all);
      // the status bar: this file, and the set against its budget
      const status = wb.page.locator('.part.statusbar .statusbar-item', { hasText: /tokens/ }).first();
      await status.waitFor({ timeout: 30_000 });
      assert.match((await status.innerText()).trim(), new RegExp(`${mine} tokens · set ${total}/${BUDGET}`));
      // the budget warning: a squiggle on the first line, and its row in the Problems panel
      await editor.locator('.squiggly-warning').first().waitFor({ timeout: 30_000 });
      await wb.page.keyboard.press('Control+Shift+M');
      const row = wb.page.locator('.markers-panel .monaco-list-row', { hasText: 'agents-budget' }).first();
      await row.waitFor({ timeout: 30_000 });
      const label = (await row.getAttribute('aria-label')) ?? '';
      assert.match(label, new RegExp(`^Warning: The always-loaded instruction files are ${total} tokens, ${total - BUDGET} over the budget of ${BUDGET} .* at line 1 and character 1\\.`), label);
      // the duplicate sentence across the two files is reported too
      await wb.page.locator('.markers-panel .monaco-list-row', { hasText: 'duplicate-instruction' }).first().waitFor({ timeout: 30_000 });
      await wb.page.locator('.editor-instance').first().click({ position: { x: 600, y: 300 } });
      await wb.screenshot();
    });
  });
});
