// The desktop suite: runs inside VS Code's extension host (started by ../runTest.ts on one scenario
// workspace) and makes the web suite's assertions (../../web/scenarios.test.mts, both from
// ../../expectations.ts) through the extension API instead of the screen. No test framework: each
// check is an async function; run() reports each, and rejects when one failed, which fails the
// VS Code run.
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { parseRunRecord, type RecordedCase } from '../../../../server/src/service/testing/records';
import { agents, compareModels, completion, history, problems, testing, tokens, type CaseStatus } from '../../expectations';
import { BASE_URL_SETTING, DESKTOP_SCENARIOS, ENV, type ScenarioName } from '../launch';
import { TREND_PROMPT } from '../../../support/trendRecords';

type Check = [name: string, body: () => Promise<void>];

const EXTENSION_ID = 'prompt-workbench.prompt-workbench';
/** How long to wait for something the extension computes in the background (server start, a run). */
const WAIT_MS = 60_000;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Polls `probe` until it returns a value; on the deadline fails with `what` and the last thing seen. */
async function waitFor<T>(what: string, probe: () => T | undefined | Promise<T | undefined>, lastSeen?: () => string, timeoutMs = WAIT_MS): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`waited ${timeoutMs / 1000} s for ${what}${lastSeen ? `; last seen: ${lastSeen()}` : ''}`);
    await sleep(250);
  }
}

function workspaceFolder(): vscode.Uri {
  const folder = vscode.workspace.workspaceFolders?.[0];
  assert.ok(folder, 'VS Code opened no workspace folder');
  return folder.uri;
}

/** Opens a file of the scenario folder in an editor, as a user would, and waits for the extension. */
async function open(rel: string): Promise<vscode.TextDocument> {
  const uri = vscode.Uri.joinPath(workspaceFolder(), ...rel.split('/'));
  const doc = await vscode.workspace.openTextDocument(uri);
  await vscode.window.showTextDocument(doc);
  if (rel.endsWith('.prompt')) assert.equal(doc.languageId, 'dotprompt', `${rel} should open as a Dotprompt file`);
  const ext = vscode.extensions.getExtension(EXTENSION_ID);
  assert.ok(ext, `the extension ${EXTENSION_ID} is not loaded (is --extensionDevelopmentPath the repository root?)`);
  await waitFor('the extension to activate', () => (ext.isActive ? true : undefined));
  return doc;
}

async function waitForCommand(id: string): Promise<void> {
  await waitFor(`the command ${id} to be registered`, async () => ((await vscode.commands.getCommands(true)).includes(id) ? true : undefined));
}

const text = (v: string | vscode.MarkdownString | undefined) => (v === undefined ? '' : typeof v === 'string' ? v : v.value);
const labelOf = (item: vscode.CompletionItem) => (typeof item.label === 'string' ? item.label : item.label.label);
const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

// ---- problems ----

/** A diagnostic as the Problems panel lists it: 1-based line and column. */
function row(d: vscode.Diagnostic): string {
  const code = typeof d.code === 'object' ? d.code.value : d.code;
  const severity = d.severity === vscode.DiagnosticSeverity.Error ? 'error' : d.severity === vscode.DiagnosticSeverity.Warning ? 'warning' : d.severity === vscode.DiagnosticSeverity.Information ? 'info' : `severity ${d.severity}`;
  return `${severity} ${code} ${d.range.start.line + 1}:${d.range.start.character + 1} ${d.message}`;
}

const problemsChecks: Check[] = [
  ['opening a .prompt file with errors reports exactly the expected problems', async () => {
    const doc = await open(problems.file);
    const want = problems.entries.map((p) => `${p.severity} ${p.code} ${p.line}:${p.column} ${p.message}`).sort();
    const current = () => vscode.languages.getDiagnostics(doc.uri).map(row).sort();
    const same = () => JSON.stringify(current()) === JSON.stringify(want);
    await waitFor(`the problems of ${problems.file}`, () => (same() ? true : undefined), () => `\n    ${current().join('\n    ')}`);
    // nothing more arrives later (a second validation pass, another source)
    await sleep(1500);
    assert.deepEqual(current(), want, `the problems of ${problems.file} changed after they first matched`);
    for (const d of vscode.languages.getDiagnostics(doc.uri)) assert.equal(d.source, 'prompt-workbench', `source of "${d.message}"`);
  }],
];

// ---- completion ----

const completionChecks: Check[] = [
  ['typing {{ offers the prompt\'s input variables with their descriptions', async () => {
    const doc = await open(completion.file);
    const line = completion.line - 1;
    assert.ok(line < doc.lineCount, `${completion.file} has ${doc.lineCount} lines, the scenario types on line ${completion.line}`);
    const edit = new vscode.WorkspaceEdit();
    edit.insert(doc.uri, doc.lineAt(line).range.end, completion.typed);
    assert.ok(await vscode.workspace.applyEdit(edit), 'the typed text could not be inserted');
    const at = new vscode.Position(line, doc.lineAt(line).text.length);
    assert.ok(doc.lineAt(line).text.endsWith(completion.typed), `line ${completion.line} reads "${doc.lineAt(line).text}"`);
    let seen: vscode.CompletionItem[] = [];
    const list = await waitFor('variable completions', async () => {
      const result = await vscode.commands.executeCommand<vscode.CompletionList>('vscode.executeCompletionItemProvider', doc.uri, at, '{', 100);
      seen = result.items;
      return completion.variables.every((v) => result.items.some((i) => labelOf(i) === v.label)) ? result : undefined;
    }, () => seen.map(labelOf).join(', ') || '(no completions)');
    for (const v of completion.variables) {
      const item = list.items.find((i) => labelOf(i) === v.label)!;
      const shown = [item.detail ?? '', text(item.documentation), typeof item.label === 'object' ? `${item.label.detail ?? ''} ${item.label.description ?? ''}` : ''].join('\n');
      assert.ok(shown.includes(v.detail), `the completion "${v.label}" should show "${v.detail}"; it shows: ${JSON.stringify(shown)}`);
    }
    await vscode.commands.executeCommand('workbench.action.files.revert');
  }],
];

// ---- tokens ----

const tokensChecks: Check[] = [
  ['the token code lenses show the counts', async () => {
    const doc = await open(tokens.file);
    let titles: string[] = [];
    const lenses = await waitFor('the token code lenses', async () => {
      const result = (await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', doc.uri, 100)) ?? [];
      titles = result.map((l) => l.command?.title ?? '(unresolved)');
      return titles.some((t) => t.startsWith('Prompt:')) ? result : undefined;
    }, () => titles.join(' | ') || '(no lenses)');
    const all = titles.join('\n');
    assert.match(all, new RegExp(`^Prompt: ${tokens.template} tokens · ${escape(tokens.model)}\\b`, 'm'), `code lenses:\n${all}`);
    assert.match(all, new RegExp(`^Frontmatter: ${tokens.frontmatter} tokens \\(not sent\\)$`, 'm'), `code lenses:\n${all}`);
    for (const m of tokens.messages) {
      const lens = lenses.find((l) => new RegExp(`^${m.role}: ${m.tokens} tokens \\(\\d+ \\+ \\d+ framing\\)$`).test(l.command?.title ?? ''));
      assert.ok(lens, `no ${m.role} lens with ${m.tokens} tokens in:\n${all}`);
      assert.equal(lens.range.start.line + 1, m.line, `the ${m.role} lens should stand above line ${m.line}`);
    }
  }],
];

// ---- agents ----

const agentsChecks: Check[] = [
  ['an AGENTS.md shows its token lenses and the always-loaded set over its budget', async () => {
    const doc = await open(agents.file);
    assert.notEqual(doc.languageId, 'dotprompt', 'AGENTS.md keeps its own language');
    let titles: string[] = [];
    const lenses = await waitFor('the token code lenses', async () => {
      const result = (await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', doc.uri, 100)) ?? [];
      titles = result.map((l) => l.command?.title ?? '(unresolved)');
      return titles.some((t) => t.startsWith('AGENTS.md:')) ? result : undefined;
    }, () => titles.join(' | ') || '(no lenses)');
    const all = titles.join('\n');
    assert.ok(titles.includes(`AGENTS.md: ${agents.tokens} tokens · o200k_base · always loaded: ${agents.total} tokens in 2 files of ${agents.budget} budget (${agents.total - agents.budget} over)`), `code lenses:\n${all}`);
    for (const s of agents.sections) {
      const lens = lenses.find((l) => l.command?.title === `${s.title}: ${s.tokens} tokens`);
      assert.ok(lens, `no lens "${s.title}: ${s.tokens} tokens" in:\n${all}`);
      assert.equal(lens.range.start.line, s.line);
    }
    const budget = await waitFor('the agents-budget warning', () => vscode.languages.getDiagnostics(doc.uri).find((d) => (typeof d.code === 'object' ? d.code.value : d.code) === 'agents-budget'));
    assert.equal(budget.severity, vscode.DiagnosticSeverity.Warning);
    assert.equal(budget.range.start.line, 0);
    assert.match(budget.message, new RegExp(`are ${agents.total} tokens, ${agents.total - agents.budget} over the budget of ${agents.budget}`));
  }],
];

// ---- testing / untrusted ----

/** Runs the prompt's tests as its "Run all tests" code lens does, and returns the run record it wrote. */
async function runPromptTests(): Promise<{ cases: RecordedCase[]; file: string }> {
  const doc = await open(testing.prompt);
  await waitForCommand('promptWorkbench.test.runItem');
  let titles: string[] = [];
  const lens = await waitFor('the "Run all tests" code lens of the prompt', async () => {
    const result = (await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', doc.uri, 100)) ?? [];
    titles = result.map((l) => l.command?.title ?? '(unresolved)');
    return result.find((l) => l.command?.title.includes('Run all tests'));
  }, () => titles.join(' | ') || '(no lenses)');
  assert.equal(lens.command!.command, 'promptWorkbench.test.runItem');
  const args = lens.command!.arguments ?? [doc.uri.toString(), false];
  assert.equal(args[0], doc.uri.toString(), 'the lens runs the tests of this prompt');

  const runs = path.join(workspaceFolder().fsPath, '.prompt-workbench', 'runs');
  const records = () => {
    try {
      return readdirSync(runs).filter((f) => f.endsWith('.jsonl'));
    } catch {
      return [];
    }
  };
  assert.deepEqual(records(), [], 'the scenario starts with no run record');
  // runItem returns once the run has ended and its record is written
  await vscode.commands.executeCommand(lens.command!.command, ...args);
  const written = records();
  assert.equal(written.length, 1, `the run should write one record in ${runs}; found: ${written.join(', ') || 'none'}`);
  const file = path.join(runs, written[0]);
  const record = parseRunRecord(readFileSync(file, 'utf8'));
  assert.deepEqual(record.problems, [], `${file} is not a well-formed run record`);
  return { cases: record.cases, file };
}

function assertStatuses(cases: RecordedCase[], want: (c: (typeof testing.cases)[number]) => CaseStatus, file: string): void {
  const got = cases.map((c) => `${c.case}: ${c.status}`).sort();
  const expected = testing.cases.map((c) => `${c.name}: ${want(c)}`).sort();
  assert.deepEqual(got, expected, `case results in ${file}`);
}

const testingChecks: Check[] = [
  ['a run marks each case\'s result, and the failing case has the expected diff', async () => {
    assert.equal(vscode.workspace.isTrusted, true, 'the testing scenario opens trusted');
    const baseUrl = vscode.workspace.getConfiguration().get<string>(BASE_URL_SETTING);
    assert.equal(baseUrl, process.env[ENV.openaiBaseUrl], `${BASE_URL_SETTING} (workspace settings) should point at the local test provider`);
    const { cases, file } = await runPromptTests();
    assertStatuses(cases, (c) => c.trusted, file);
    const failing = cases.find((c) => c.case === testing.diff.case);
    assert.ok(failing, `no result for "${testing.diff.case}"`);
    const diff = failing.assertions.find((a) => !a.pass && a.expected !== null && a.actual !== null);
    assert.ok(diff, `"${testing.diff.case}" failed without a diff: ${JSON.stringify(failing.assertions)}`);
    assert.equal(diff.expected, testing.diff.expected, 'the diff\'s expected side (the fixture)');
    assert.equal(diff.actual, testing.diff.actual, 'the diff\'s actual side (the answer)');
    for (const c of cases.filter((x) => x.provider === 'openai')) assert.ok(c.output, `"${c.case}" has no answer recorded`);
  }],
];

const untrustedChecks: Check[] = [
  ['in Restricted Mode only the render case runs, and each skipped case says why', async () => {
    assert.equal(vscode.workspace.isTrusted, false, 'the untrusted scenario must open in Restricted Mode');
    const { cases, file } = await runPromptTests();
    assertStatuses(cases, (c) => c.untrusted, file);
    for (const c of cases.filter((x) => x.status === 'skipped')) {
      assert.equal(c.reason, testing.skippedReason, `the reason "${c.case}" was skipped`);
      assert.equal(c.output, null, `"${c.case}" was skipped, so it has no answer`);
    }
  }],
];

// ---- history ----

interface DiffTab {
  label: string;
  original: vscode.Uri;
  modified: vscode.Uri;
}

function activeDiff(): DiffTab | undefined {
  const tab = vscode.window.tabGroups.activeTabGroup.activeTab;
  return tab?.input instanceof vscode.TabInputTextDiff ? { label: tab.label, original: tab.input.original, modified: tab.input.modified } : undefined;
}

async function textOf(uri: vscode.Uri): Promise<string> {
  return (await vscode.workspace.openTextDocument(uri)).getText();
}

/**
 * Acts on the n-th entry (0: the newest) of the Prompt History view as from the keyboard: focus the
 * view, move to the entry and select it, which does what a click does (its diff with the working
 * copy); with `compareWithPrevious`, then run "Compare with Previous", which compares the selected
 * entry with its parent. Resolves with the diff editor that opened.
 */
async function historyEntryDiff(index: number, action: 'click' | 'compareWithPrevious', previous?: DiffTab): Promise<DiffTab> {
  let seen = 'no diff editor';
  return waitFor(`${action === 'click' ? 'a click on' : '"Compare with Previous" on'} entry ${index + 1} of the Prompt History view to open a diff editor`, async () => {
    await vscode.commands.executeCommand('promptWorkbench.history.focus');
    await vscode.commands.executeCommand('list.focusFirst');
    for (let i = 0; i < index; i++) await vscode.commands.executeCommand('list.focusDown');
    await vscode.commands.executeCommand('list.select');
    if (action === 'compareWithPrevious') await vscode.commands.executeCommand('promptWorkbench.history.compareWithPrevious');
    const diff = activeDiff();
    seen = diff ? `${diff.label} (${diff.original.toString(true)} ↔ ${diff.modified.toString(true)})` : (vscode.window.tabGroups.activeTabGroup.activeTab?.label ?? 'no editor');
    // left: a version; right: a version (Compare with Previous) or the working copy (a click)
    if (!diff || diff.original.scheme !== 'prompt-history' || diff.modified.scheme !== (action === 'click' ? 'file' : 'prompt-history')) return undefined;
    // not the diff of an earlier step (the view had not listed the entries yet)
    return previous && diff.original.toString() === previous.original.toString() && diff.modified.toString() === previous.modified.toString() ? undefined : diff;
  }, () => `${seen} (the list commands need keyboard focus in the view: is the VS Code window focused?)`);
}

const historyChecks: Check[] = [
  ['the Prompt History view lists the commits newest first, a click and "Compare with Previous" open their diffs', async () => {
    assert.equal(vscode.workspace.isTrusted, true, 'the history scenario opens trusted (git runs only then)');
    const doc = await open(history.file);
    await waitForCommand('promptWorkbench.history.show');
    await vscode.commands.executeCommand('promptWorkbench.history.show');
    const newestFirst = [...history.commits].reverse();
    // "Compare with Previous" on each entry in turn: the entries are the commits, newest first
    let previous: DiffTab | undefined;
    for (const [i, commit] of newestFirst.entries()) {
      const diff = await historyEntryDiff(i, 'compareWithPrevious', previous);
      previous = diff;
      const parent = newestFirst[i + 1];
      assert.equal(await textOf(diff.modified), commit.text, `entry ${i + 1} should be "${commit.message}": the right side of its diff`);
      assert.equal(await textOf(diff.original), parent?.text ?? '', parent ? `the left side of "${commit.message}" should be "${parent.message}"` : `"${commit.message}" added the file: the left side is empty`);
    }
    // a click on the scenario's version: that version against the working copy
    const index = newestFirst.findIndex((c) => c.message === history.diff.message);
    assert.ok(index >= 0, `no commit "${history.diff.message}" in the scenario`);
    const diff = await historyEntryDiff(index, 'click', previous);
    assert.equal(diff.modified.fsPath, doc.uri.fsPath, 'a click compares with the working copy of the prompt');
    const left = (await textOf(diff.original)).split('\n');
    const right = (await textOf(diff.modified)).split('\n');
    assert.ok(left.includes(history.diff.removed) && !right.includes(history.diff.removed), `"${history.diff.removed}" should be on the left side only; left:\n${left.join('\n')}\nright:\n${right.join('\n')}`);
    assert.ok(right.includes(history.diff.added) && !left.includes(history.diff.added), `"${history.diff.added}" should be on the right side only; left:\n${left.join('\n')}\nright:\n${right.join('\n')}`);
  }],
];

// ---- compare-models ----

const compareModelsChecks: Check[] = [
  ['"Compare Models" runs both models of the matrix, records each case per variant and opens the comparison', async () => {
    assert.equal(vscode.workspace.isTrusted, true, 'the compare-models scenario opens trusted');
    const doc = await open(compareModels.fixture);
    await vscode.window.showTextDocument(doc);
    await waitForCommand('promptWorkbench.test.compareModels');
    const runs = path.join(workspaceFolder().fsPath, '.prompt-workbench', 'runs');
    // the command returns once the matrix has run and the view is open
    await vscode.commands.executeCommand('promptWorkbench.test.compareModels');
    const written = readdirSync(runs).filter((f) => f.endsWith('.jsonl'));
    assert.equal(written.length, 1, `one run record in ${runs}; found: ${written.join(', ') || 'none'}`);
    const record = parseRunRecord(readFileSync(path.join(runs, written[0]), 'utf8'));
    assert.deepEqual(record.problems, []);
    const got = record.cases.map((c) => `${c.case} [${c.variant}]: ${c.status}`).sort();
    const want = compareModels.cases.flatMap((c) => (['gpt-4o-mini', 'gpt-4o'] as const).map((v) => `${c.name} [${v}]: ${c[v]}`)).sort();
    assert.deepEqual(got, want, 'each case on each model');
    const tab = vscode.window.tabGroups.all.flatMap((g) => g.tabs).find((t) => t.input instanceof vscode.TabInputWebview && t.label === 'Compare Models');
    assert.ok(tab, `no "Compare Models" tab; tabs: ${vscode.window.tabGroups.all.flatMap((g) => g.tabs).map((t) => t.label).join(', ')}`);
  }],
];

// ---- trends ----

const trendsChecks: Check[] = [
  ['"Show Prompt Trends" opens the active prompt\'s trends in a webview in the editor area', async () => {
    await open(TREND_PROMPT);
    await waitForCommand('promptWorkbench.trends.show');
    await vscode.commands.executeCommand('promptWorkbench.trends.show');
    const tab = await waitFor('the Prompt Trends tab', () => vscode.window.tabGroups.all.flatMap((g) => g.tabs).find((t) => t.input instanceof vscode.TabInputWebview && t.input.viewType.endsWith('promptWorkbench.trends')), () => vscode.window.tabGroups.all.flatMap((g) => g.tabs.map((t) => t.label)).join(', '));
    assert.equal(tab.label, `Trends: ${TREND_PROMPT}`);
  }],
];

// ---- catalog ----

const catalogChecks: Check[] = [
  ['the catalogue is built and its lifecycle rules report on the open prompts', async () => {
    await waitForCommand('promptWorkbench.catalog.show');
    await vscode.commands.executeCommand('promptWorkbench.catalog.show');
    // `refund.prompt` is released and `greeting.prompt` approved, neither with a run record.
    for (const rel of ['prompts/support/refund.prompt', 'prompts/support/greeting.prompt']) {
      const doc = await open(rel);
      const found = await waitFor(`lifecycle-unverified on ${rel}`, () => vscode.languages.getDiagnostics(doc.uri).find((d) => d.code === 'lifecycle-unverified' || (typeof d.code === 'object' && d.code.value === 'lifecycle-unverified')));
      assert.equal(doc.getText(found.range), rel.includes('refund') ? 'released' : 'approved', 'on the status value');
    }
  }],
];

const CHECKS: Record<ScenarioName, Check[]> = {
  catalog: catalogChecks,
  problems: problemsChecks,
  completion: completionChecks,
  tokens: tokensChecks,
  testing: testingChecks,
  untrusted: untrustedChecks,
  history: historyChecks,
  'compare-models': compareModelsChecks,
  trends: trendsChecks,
  agents: agentsChecks,
};

export async function run(): Promise<void> {
  const name = process.env[ENV.scenario];
  const scenario = DESKTOP_SCENARIOS.find((s) => s.name === name);
  if (!scenario) throw new Error(`${ENV.scenario} is ${JSON.stringify(name)}, not one of: ${DESKTOP_SCENARIOS.map((s) => s.name).join(', ')}`);
  const checks = CHECKS[scenario.name];
  const failures: string[] = [];
  for (const [title, check] of checks) {
    try {
      await check();
      console.log(`  ok   ${scenario.name}: ${title}`);
    } catch (e) {
      failures.push(title);
      console.error(`  FAIL ${scenario.name}: ${title}\n       ${e instanceof Error ? e.message.replace(/\n/g, '\n       ') : String(e)}`);
    }
  }
  console.log(`  ${scenario.name}: ${checks.length - failures.length} passed${failures.length ? `, ${failures.length} failed` : ''}`);
  if (failures.length) throw new Error(`${failures.length} check(s) of the ${scenario.name} scenario failed`);
}
