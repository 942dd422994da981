// The Test Explorer for prompt tests: a test item per prompt, per case and per repeat, discovered
// from `**/*.tests.yaml` and kept current by file watchers; run profiles per provider; results with
// output, usage, latency and cost; failures as diffs at the failing assertion's line.
import * as path from 'node:path';
import * as vscode from 'vscode';
import {
  contentHash,
  loadSuite,
  parseRunRecord,
  planJobs,
  ResponseCache,
  runTests,
  writeRunRecord,
  type CaseJob,
  type CaseResult,
  type ProviderId,
  type RecordedCase,
  type TestSuite,
} from '../../../server/src/service/testing';
import { gitInfo, loadPartialIndex, nodeFileStore } from '../../../server/src/service/testing/nodeHost';
import { VERSION } from '../../../server/src/version';
import { editorProviders } from './providers';
import { readTestSettings, setApiKey } from './settings';

interface ItemData {
  kind: 'prompt' | 'case' | 'repeat';
  promptUri: string;
  fixtureUri?: string;
  caseName?: string;
  /** The job id this item runs (a case's first repeat, or one repeat). */
  jobId?: string;
  caseKey?: string;
}

type DecorationEntry = { line: number; text: string; status: CaseResult['status']; passed?: number; total?: number };

const PROFILES: { label: string; provider?: ProviderId; isDefault?: boolean }[] = [
  { label: 'Run (provider from each prompt\'s model)', isDefault: true },
  { label: 'Run with render (offline, no model)', provider: 'render' },
  { label: 'Run with OpenAI', provider: 'openai' },
  { label: 'Run with Anthropic', provider: 'anthropic' },
  { label: 'Run with VS Code Language Model', provider: 'vscode-lm' },
];

export class PromptTests implements vscode.Disposable {
  readonly controller = vscode.tests.createTestController('promptWorkbench.tests', 'Prompt Tests');
  private readonly data = new WeakMap<vscode.TestItem, ItemData>();
  private readonly suites = new Map<string, TestSuite>();
  private readonly disposables: vscode.Disposable[] = [];
  private readonly decorations = new Map<string, Map<number, DecorationEntry>>();
  private readonly lensEmitter = new vscode.EventEmitter<void>();
  private readonly passedType = vscode.window.createTextEditorDecorationType({ after: { color: new vscode.ThemeColor('testing.iconPassed'), margin: '0 0 0 2em' } });
  private readonly failedType = vscode.window.createTextEditorDecorationType({ after: { color: new vscode.ThemeColor('testing.iconFailed'), margin: '0 0 0 2em' } });
  private readonly otherType = vscode.window.createTextEditorDecorationType({ after: { color: new vscode.ThemeColor('descriptionForeground'), margin: '0 0 0 2em' } });
  private refreshTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly context: vscode.ExtensionContext,
    private readonly output: vscode.LogOutputChannel,
  ) {
    const c = this.controller;
    c.resolveHandler = async (item) => {
      if (!item) await this.discover();
    };
    c.refreshHandler = () => this.discover();
    for (const p of PROFILES) c.createRunProfile(p.label, vscode.TestRunProfileKind.Run, (req, token) => this.run(req, token, p.provider), p.isDefault ?? false);
    c.createRunProfile('Debug output (show the rendered prompt and the answer)', vscode.TestRunProfileKind.Debug, (req, token) => this.run(req, token, undefined, true), true);

    const fixtures = vscode.workspace.createFileSystemWatcher('**/*.tests.{yaml,yml}');
    const prompts = vscode.workspace.createFileSystemWatcher('**/*.prompt');
    const changed = (uri: vscode.Uri) => this.scheduleRefresh(uri);
    this.disposables.push(
      c,
      fixtures,
      prompts,
      fixtures.onDidCreate(changed),
      fixtures.onDidChange(changed),
      fixtures.onDidDelete(changed),
      prompts.onDidChange((u) => this.clearDecorationsFor(u.toString())),
      vscode.workspace.onDidChangeTextDocument((e) => {
        if (/\.prompt$/.test(e.document.uri.path) && e.contentChanges.length) this.clearDecorationsFor(e.document.uri.toString());
        if (/\.tests\.ya?ml$/.test(e.document.uri.path) && e.contentChanges.length) {
          this.decorations.delete(e.document.uri.toString());
          this.scheduleRefresh(e.document.uri);
        }
      }),
      vscode.window.onDidChangeVisibleTextEditors(() => this.paintAll()),
      vscode.workspace.onDidGrantWorkspaceTrust(() => this.lensEmitter.fire()),
      this.passedType,
      this.failedType,
      this.otherType,
      this.lensEmitter,
      vscode.languages.registerCodeLensProvider([{ pattern: '**/*.tests.{yaml,yml}' }, { language: 'dotprompt', scheme: 'file' }], { provideCodeLenses: (doc) => this.lenses(doc), onDidChangeCodeLenses: this.lensEmitter.event }),
    );
    void this.discover();
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
  }

  // ---- discovery ----

  private scheduleRefresh(_uri: vscode.Uri): void {
    clearTimeout(this.refreshTimer);
    this.refreshTimer = setTimeout(() => void this.discover(), 300);
  }

  private async readText(uri: string): Promise<string> {
    const open = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri);
    if (open) return open.getText();
    return new TextDecoder().decode(await vscode.workspace.fs.readFile(vscode.Uri.parse(uri)));
  }

  private rootOf(uri: vscode.Uri): string {
    return (vscode.workspace.getWorkspaceFolder(uri)?.uri ?? vscode.Uri.file(path.dirname(uri.fsPath))).toString();
  }

  async discover(): Promise<void> {
    try {
      const files = await vscode.workspace.findFiles('**/*.tests.{yaml,yml}', '**/node_modules/**');
      this.suites.clear();
      const items = new Map<string, vscode.TestItem>();
      for (const file of files.sort((a, b) => a.fsPath.localeCompare(b.fsPath))) {
        const suite = await loadSuite(file.toString(), this.rootOf(file), (u) => this.readText(u));
        this.suites.set(file.toString(), suite);
        const promptUri = suite.fixture.promptUri;
        let promptItem = items.get(promptUri);
        if (!promptItem) {
          promptItem = this.controller.createTestItem(promptUri, suite.promptPath, vscode.Uri.parse(promptUri));
          promptItem.range = new vscode.Range(0, 0, 0, 0);
          promptItem.error = suite.prompt ? undefined : `The prompt ${suite.promptPath} does not exist.`;
          this.data.set(promptItem, { kind: 'prompt', promptUri });
          items.set(promptUri, promptItem);
        }
        const jobs = planJobs([suite]);
        for (const c of suite.fixture.cases) {
          const caseJobs = jobs.filter((j) => j.testCase === c);
          const id = `${file.toString()}#${c.name}`;
          const caseItem = this.controller.createTestItem(id, c.name, file);
          caseItem.range = new vscode.Range(c.line, 0, c.line, 0);
          caseItem.description = [c.provider, c.repeat > 1 ? `×${c.repeat}` : undefined, c.skip ? 'skipped' : undefined].filter(Boolean).join(' · ') || undefined;
          this.data.set(caseItem, { kind: 'case', promptUri, fixtureUri: file.toString(), caseName: c.name, jobId: caseJobs[0]?.id, caseKey: caseJobs[0]?.caseKey });
          if (c.repeat > 1) {
            for (const j of caseJobs) {
              const r = this.controller.createTestItem(`${id}#${j.repeat}`, `run ${j.repeat} of ${j.repeats}`, file);
              r.range = caseItem.range;
              this.data.set(r, { kind: 'repeat', promptUri, fixtureUri: file.toString(), caseName: c.name, jobId: j.id, caseKey: j.caseKey });
              caseItem.children.add(r);
            }
          }
          promptItem.children.add(caseItem);
        }
      }
      this.controller.items.replace([...items.values()]);
      this.lensEmitter.fire();
    } catch (e) {
      this.output.error(`Discovering prompt tests failed: ${e instanceof Error ? e.message : String(e)}`);
    }
  }

  /** The items for job ids, for results and for replaying records. */
  private itemsByJob(): Map<string, vscode.TestItem> {
    const out = new Map<string, vscode.TestItem>();
    const walk = (item: vscode.TestItem) => {
      const d = this.data.get(item);
      if (d?.jobId && (d.kind === 'repeat' || item.children.size === 0)) out.set(d.jobId, item);
      item.children.forEach(walk);
    };
    this.controller.items.forEach(walk);
    return out;
  }

  // ---- running ----

  async run(request: vscode.TestRunRequest, token: vscode.CancellationToken, provider?: ProviderId, debug = false): Promise<void> {
    await this.discoverIfEmpty();
    const run = this.controller.createTestRun(request, undefined, true);
    const selected = this.selectJobs(request);
    const byJob = this.itemsByJob();
    const controller = new AbortController();
    const sub = token.onCancellationRequested(() => controller.abort());
    const trusted = vscode.workspace.isTrusted;
    const suites = [...new Set(selected.map((j) => j.suite))];
    const first = suites[0] ? vscode.Uri.parse(suites[0].fixture.uri) : undefined;
    const settings = readTestSettings(first);
    const providers = await editorProviders(this.context.secrets, settings, trusted);
    const { secrets } = providers;
    if (!trusted) run.appendOutput('This workspace is not trusted (Restricted Mode): only render cases run, nothing is sent to any provider, and no javascript assertion runs. Trust the workspace to run the others.\r\n');
    for (const j of selected) {
      const item = byJob.get(j.id);
      if (item) run.enqueued(item);
    }
    const problems = new Map<string, CaseResult>();
    try {
      const folders = vscode.workspace.workspaceFolders?.map((f) => f.uri.fsPath) ?? [];
      const summary = await runTests(
        suites,
        {
          ...providers,
          defaultProvider: provider,
          models: settings.models,
          catalogue: settings.catalogue,
          concurrency: settings.concurrency,
          cache: settings.cache ? new ResponseCache(nodeFileStore(vscode.Uri.joinPath(this.context.globalStorageUri, 'test-cache').fsPath), { secrets }) : undefined,
          readText: (u) => this.readText(u),
          analysis: { partials: await loadPartialIndex([...folders, ...suites.map((s) => path.dirname(vscode.Uri.parse(s.fixture.uri).fsPath))]) },
          signal: controller.signal,
          onStart: (job) => {
            const item = byJob.get(job.id);
            if (item) run.started(item);
          },
          onResult: (r) => {
            const item = byJob.get(r.id);
            if (item) this.report(run, item, r);
            if (r.error && ['no-key', 'auth', 'unreachable', 'rate-limited', 'timeout', 'bad-response', 'model', 'unavailable'].includes(r.error.kind)) problems.set(r.error.kind, r);
            this.decorate(r);
            if (debug) void this.showDebugOutput(r);
          },
        },
        selected,
      );
      if (summary.cancelled) run.appendOutput('Cancelled: requests in flight were aborted; no run record was written.\r\n');
      else if (settings.writeRecords && summary.results.some((r) => r.status !== 'skipped')) await this.writeRecord(summary, provider, secrets, run);
    } catch (e) {
      run.appendOutput(`The run failed: ${e instanceof Error ? e.message : String(e)}\r\n`);
      this.output.error(`Test run failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
    } finally {
      sub.dispose();
      run.end();
    }
    this.announce(problems);
  }

  private async discoverIfEmpty(): Promise<void> {
    if (this.controller.items.size === 0) await this.discover();
  }

  private selectJobs(request: vscode.TestRunRequest): CaseJob[] {
    const all = planJobs([...this.suites.values()]);
    const ids = new Set<string>();
    const add = (item: vscode.TestItem) => {
      const d = this.data.get(item);
      if (!d) return;
      if (d.kind === 'prompt') {
        item.children.forEach(add);
      } else if (d.kind === 'case') {
        for (const j of all) if (j.caseKey === d.caseKey && j.suite.fixture.uri === d.fixtureUri) ids.add(j.id);
      } else if (d.jobId) ids.add(d.jobId);
    };
    if (request.include) request.include.forEach(add);
    else for (const j of all) ids.add(j.id);
    const excluded = new Set<string>();
    const exclude = (item: vscode.TestItem) => {
      const d = this.data.get(item);
      if (d?.jobId && d.kind !== 'prompt') for (const j of all) if (j.id === d.jobId || (d.kind === 'case' && j.caseKey === d.caseKey)) excluded.add(j.id);
      item.children.forEach(exclude);
    };
    request.exclude?.forEach(exclude);
    return all.filter((j) => ids.has(j.id) && !excluded.has(j.id));
  }

  private report(run: vscode.TestRun, item: vscode.TestItem, r: CaseResult): void {
    const fixture = vscode.Uri.parse(r.fixtureUri);
    const facts = [r.provider, r.returnedModel ?? r.requestedModel, r.latencyMs !== undefined ? `${Math.round(r.latencyMs)} ms` : undefined, r.usage ? `${r.usage.inputTokens ?? '?'} in / ${r.usage.outputTokens ?? '?'} out tokens` : undefined, r.cost !== undefined ? `$${r.cost.toPrecision(3)}` : undefined, r.cached ? 'from the cache' : undefined].filter(Boolean);
    const title = `${r.caseName}${r.repeats > 1 ? ` (run ${r.repeat} of ${r.repeats})` : ''}`;
    const lines = [`── ${title} ── ${r.status.toUpperCase()} · ${facts.join(' · ')}`];
    if (r.status === 'skipped' && r.reason) lines.push(r.reason);
    if (r.output !== undefined) lines.push(r.output);
    for (const a of r.assertions) lines.push(`${a.pass ? '✓' : a.error ? '!' : '✗'} ${a.type} (line ${a.line + 1}): ${a.reason}`);
    // No location: VS Code would draw the output inline at the case, over the result decoration.
    run.appendOutput(lines.join('\r\n').replace(/\r?\n/g, '\r\n') + '\r\n\r\n', undefined, item);
    const duration = r.latencyMs;
    if (r.status === 'passed') run.passed(item, duration);
    else if (r.status === 'skipped') run.skipped(item);
    else if (r.status === 'failed') {
      const messages = r.assertions
        .filter((a) => !a.pass && a.weight > 0)
        .map((a) => {
          const m = a.expected !== undefined && a.actual !== undefined ? vscode.TestMessage.diff(`${a.type}: ${a.reason}`, a.expected, a.actual) : new vscode.TestMessage(`${a.type}: ${a.reason}`);
          m.location = new vscode.Location(fixture, new vscode.Position(a.line, 0));
          return m;
        });
      if (!messages.length) messages.push(Object.assign(new vscode.TestMessage(r.reason), { location: new vscode.Location(fixture, new vscode.Position(r.caseLine, 0)) }));
      run.failed(item, messages, duration);
    } else {
      const m = new vscode.TestMessage(r.reason);
      m.location = new vscode.Location(fixture, new vscode.Position(r.error?.line ?? r.caseLine, 0));
      run.errored(item, m, duration);
    }
  }

  /** One notification per kind of provider problem, with the action that fixes it. */
  private announce(problems: Map<string, CaseResult>): void {
    for (const [kind, r] of problems) {
      const p = r.provider === 'anthropic' ? 'anthropic' : 'openai';
      if (kind === 'no-key' || kind === 'auth') {
        void vscode.window.showErrorMessage(r.reason, 'Set API Key').then((choice) => {
          if (choice) void setApiKey(this.context.secrets, p);
        });
      } else if (kind === 'unreachable' || kind === 'model') {
        void vscode.window.showErrorMessage(r.reason, 'Open Settings').then((choice) => {
          if (choice) void vscode.commands.executeCommand('workbench.action.openSettings', `promptWorkbench.providers.${p}.baseUrl`);
        });
      } else void vscode.window.showWarningMessage(r.reason);
    }
  }

  private async writeRecord(summary: Awaited<ReturnType<typeof runTests>>, provider: ProviderId | undefined, secrets: (string | undefined)[], run: vscode.TestRun): Promise<void> {
    const first = vscode.Uri.parse(summary.results[0].fixtureUri);
    const folder = vscode.workspace.getWorkspaceFolder(first);
    if (!folder || folder.uri.scheme !== 'file') return;
    const settings = readTestSettings(first);
    const dir = path.resolve(folder.uri.fsPath, settings.recordsFolder);
    const infos = new Map<string, { hash: string; git?: { commit?: string; dirty?: boolean } }>();
    for (const s of this.suites.values()) {
      if (!s.prompt || infos.has(s.fixture.promptUri)) continue;
      infos.set(s.fixture.promptUri, { hash: contentHash(s.prompt.text), git: await gitInfo(vscode.Uri.parse(s.fixture.promptUri).fsPath) });
    }
    try {
      const name = await writeRunRecord(nodeFileStore(dir), summary, { tool: 'prompt-workbench', toolVersion: VERSION, provider, origin: 'editor' }, (u) => infos.get(u), secrets);
      if (name) run.appendOutput(`Run record: ${path.relative(folder.uri.fsPath, path.join(dir, name))}\r\n`);
    } catch (e) {
      run.appendOutput(`The run record could not be written to ${dir}: ${(e as Error).message}\r\n`);
    }
  }

  private async showDebugOutput(r: CaseResult): Promise<void> {
    const parts = [`# ${r.caseName}${r.repeats > 1 ? ` (run ${r.repeat} of ${r.repeats})` : ''}: ${r.status}`, '', r.reason, ''];
    parts.push('## Rendered prompt', '');
    for (const m of r.messages ?? []) parts.push(`### ${m.role}`, '', m.text.trim(), '');
    parts.push('## Answer', '', `Provider ${r.provider ?? '-'}, model ${r.returnedModel ?? r.requestedModel ?? '-'}${r.latencyMs !== undefined ? `, ${Math.round(r.latencyMs)} ms` : ''}${r.cached ? ' (from the cache)' : ''}`, '', '```', r.output ?? '(none)', '```', '', '## Assertions', '');
    for (const a of r.assertions) parts.push(`- ${a.pass ? 'pass' : a.error ? 'not run' : 'FAIL'} \`${a.type}\` (line ${a.line + 1}): ${a.reason}${a.reasoning ? `\n  Judge: ${a.reasoning}` : ''}`);
    parts.push('', '## Values', '', '```json', JSON.stringify(r.vars, null, 2), '```');
    const doc = await vscode.workspace.openTextDocument({ language: 'markdown', content: parts.join('\n') });
    await vscode.window.showTextDocument(doc, { viewColumn: vscode.ViewColumn.Beside, preview: true, preserveFocus: true });
  }

  // ---- inline results ----

  private decorate(r: CaseResult): void {
    let map = this.decorations.get(r.fixtureUri);
    if (!map) this.decorations.set(r.fixtureUri, (map = new Map()));
    const prev = map.get(r.caseLine);
    const icon = r.status === 'passed' ? '✓' : r.status === 'failed' ? '✗' : r.status === 'error' ? '!' : '–';
    const facts = [r.latencyMs !== undefined ? `${Math.round(r.latencyMs)} ms` : undefined, r.cost ? `$${r.cost.toPrecision(2)}` : undefined].filter(Boolean).join(' · ');
    let text = `${icon} ${r.status}${facts ? ` · ${facts}` : ''}${r.status === 'passed' ? '' : ` — ${r.reason.slice(0, 120)}`}`;
    let status = r.status;
    if (r.repeats > 1) {
      // Repeats: one line for the case, "runs: 2/3 passed".
      const passed = (prev?.passed ?? 0) + (r.status === 'passed' ? 1 : 0);
      const total = (prev?.total ?? 0) + 1;
      text = `runs: ${passed}/${total} passed${total < r.repeats ? ' …' : ''}`;
      status = passed === total ? 'passed' : 'failed';
      map.set(r.caseLine, { line: r.caseLine, text, status, passed, total });
      this.paintAll();
      return;
    }
    map.set(r.caseLine, { line: r.caseLine, text, status });
    this.paintAll();
  }

  private clearDecorationsFor(promptUri: string): void {
    let changed = false;
    for (const s of this.suites.values()) {
      if (s.fixture.promptUri === promptUri && this.decorations.delete(s.fixture.uri)) changed = true;
    }
    if (changed) this.paintAll();
  }

  private paintAll(): void {
    for (const editor of vscode.window.visibleTextEditors) {
      const map = this.decorations.get(editor.document.uri.toString());
      const doc = editor.document;
      // At the end of the case's line (after its `- name: ...`).
      const at = (line: number) => (line < doc.lineCount ? doc.lineAt(line).range.end : new vscode.Position(line, 0));
      const of = (pred: (e: DecorationEntry) => boolean) => [...(map?.values() ?? [])].filter(pred).map((e) => ({ range: new vscode.Range(at(e.line), at(e.line)), renderOptions: { after: { contentText: `  ${e.text}` } } }));
      editor.setDecorations(this.passedType, of((e) => e.status === 'passed'));
      editor.setDecorations(this.failedType, of((e) => e.status === 'failed' || e.status === 'error'));
      editor.setDecorations(this.otherType, of((e) => e.status === 'skipped'));
    }
  }

  // ---- code lenses ----

  private lenses(doc: vscode.TextDocument): vscode.CodeLens[] {
    const uri = doc.uri.toString();
    const top = new vscode.Range(0, 0, 0, 0);
    if (/\.tests\.ya?ml$/.test(doc.uri.path)) {
      const suite = this.suites.get(uri);
      if (!suite) return [];
      return suite.fixture.cases.flatMap((c) => {
        const range = new vscode.Range(c.line, 0, c.line, 0);
        const id = `${uri}#${c.name}`;
        return [new vscode.CodeLens(range, { title: '$(play) Run', command: 'promptWorkbench.test.runItem', arguments: [id, false] }), new vscode.CodeLens(range, { title: 'Debug output', command: 'promptWorkbench.test.runItem', arguments: [id, true] })];
      });
    }
    const has = [...this.suites.values()].some((s) => s.fixture.promptUri === uri);
    return has ? [new vscode.CodeLens(top, { title: '$(beaker) Run all tests', command: 'promptWorkbench.test.runItem', arguments: [uri, false] })] : [];
  }

  /** Runs one item (a prompt's tests or a case) by id, for the code lenses. */
  async runItem(id: string, debug: boolean): Promise<void> {
    await this.discoverIfEmpty();
    let found: vscode.TestItem | undefined;
    const walk = (item: vscode.TestItem) => {
      if (item.id === id) found = item;
      else item.children.forEach(walk);
    };
    this.controller.items.forEach(walk);
    if (!found) {
      void vscode.window.showWarningMessage('This test is not known yet: save the file and try again.');
      return;
    }
    const source = new vscode.CancellationTokenSource();
    try {
      await this.run(new vscode.TestRunRequest([found]), source.token, undefined, debug);
    } finally {
      source.dispose();
    }
  }

  // ---- records ----

  async openRecord(): Promise<void> {
    const folder = vscode.workspace.workspaceFolders?.[0];
    const settings = readTestSettings(folder?.uri);
    const defaultUri = folder ? vscode.Uri.joinPath(folder.uri, settings.recordsFolder) : undefined;
    const picked = await vscode.window.showOpenDialog({ title: 'Open Test Run Record', defaultUri, canSelectMany: false, filters: { 'Run records': ['jsonl'] } });
    if (!picked?.[0]) return;
    const text = new TextDecoder().decode(await vscode.workspace.fs.readFile(picked[0]));
    const record = parseRunRecord(text);
    if (!record.run) {
      void vscode.window.showErrorMessage(`${path.basename(picked[0].fsPath)} is not a Prompt Workbench run record: ${record.problems[0] ?? 'no run header'}`);
      return;
    }
    await this.discoverIfEmpty();
    const byJob = this.itemsByJob();
    const byKeyEnd = (c: RecordedCase) => [...byJob.entries()].find(([id]) => id === c.id || id.endsWith(`/${c.id}`))?.[1];
    const run = this.controller.createTestRun(new vscode.TestRunRequest(), `Record ${path.basename(picked[0].fsPath)} (${record.run.startedAt})`, false);
    run.appendOutput(`Replaying ${record.cases.length} result(s) recorded at ${record.run.startedAt}.\r\n`);
    for (const c of record.cases) {
      const item = byKeyEnd(c);
      if (!item) {
        run.appendOutput(`Case "${c.case}" (${c.fixture}) is no longer in the workspace: ${c.status}.\r\n`);
        continue;
      }
      const fixture = item.uri!;
      run.appendOutput(`── ${c.case} ── ${c.status.toUpperCase()} · ${c.provider ?? '-'} · ${c.latencyMs ?? '-'} ms\r\n${(c.output ?? '').replace(/\r?\n/g, '\r\n')}\r\n`, undefined, item);
      if (c.status === 'passed') run.passed(item, c.latencyMs ?? undefined);
      else if (c.status === 'skipped') run.skipped(item);
      else if (c.status === 'failed') {
        const msgs = c.assertions.filter((a) => !a.pass && a.weight > 0).map((a) => Object.assign(a.expected !== null && a.actual !== null ? vscode.TestMessage.diff(`${a.type}: ${a.reason}`, a.expected, a.actual) : new vscode.TestMessage(`${a.type}: ${a.reason}`), { location: new vscode.Location(fixture, new vscode.Position(a.line - 1, 0)) }));
        run.failed(item, msgs.length ? msgs : [new vscode.TestMessage(c.reason)], c.latencyMs ?? undefined);
      } else run.errored(item, new vscode.TestMessage(c.reason), c.latencyMs ?? undefined);
    }
    for (const p of record.problems) run.appendOutput(`${p}\r\n`);
    run.end();
    void vscode.commands.executeCommand('workbench.view.testing.focus');
  }

  async clearCache(): Promise<void> {
    await new ResponseCache(nodeFileStore(vscode.Uri.joinPath(this.context.globalStorageUri, 'test-cache').fsPath)).clear();
    void vscode.window.showInformationMessage('The test response cache is cleared.');
  }
}
