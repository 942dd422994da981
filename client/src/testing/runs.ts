// Runs prompt tests from the Test Explorer and the code lenses: the request's jobs through the
// engine's runner with the editor's providers and settings, each result reported as it comes,
// then the run record and one notification per kind of provider problem.
import * as path from 'node:path';
import * as vscode from 'vscode';
import { JAVASCRIPT_OFF_BY_CONFIG, ResponseCache, runTests, type CaseResult, type ProviderId, type RunSummary } from '../../../server/src/service/testing';
import { nodeFileStore } from '../../../server/src/node/host';
import { loadPartialIndex } from '../../../server/src/node/workspaceReads';
import type { ResultDecorations } from './decorations';
import type { TestTree } from './discovery';
import type { VariantProfile } from './items';
import { editorValueReader } from './fileValues';
import { editorProviders } from './providers';
import { writeEditorRecord } from './records';
import { javascriptOffIn, schemasIn } from '../workspaceFiles';
import { itemJobId } from './items';
import { announceProblems, reportResult, reportVariants, showDebugOutput } from './reporting';
import { isAnnounced } from './reportText';
import { readTestSettings } from './settings';

export class TestRuns {
  constructor(
    private readonly context: vscode.ExtensionContext,
    private readonly output: vscode.LogOutputChannel,
    private readonly controller: vscode.TestController,
    private readonly tree: TestTree,
    private readonly decorations: ResultDecorations,
  ) {}

  /**
   * Runs the request's jobs; with a variant `profile`, the variants it names (all of them, or its
   * one), each variant's result on its own item below the case. A job without an item of its own
   * reports to its case's (or repeat's) item, which then shows the verdict over its variants.
   * Resolves to the run's summary (none when the run failed).
   */
  async run(request: vscode.TestRunRequest, token: vscode.CancellationToken, provider?: ProviderId, debug = false, profile?: VariantProfile): Promise<RunSummary | undefined> {
    await this.tree.discoverIfEmpty();
    const run = this.controller.createTestRun(request, undefined, true);
    const selected = this.tree.selectJobs(request, profile);
    const items = this.tree.itemsByJob();
    const byJob = new Map([...selected].flatMap((j) => {
      const item = items.get(j.id) ?? items.get(itemJobId(j));
      return item ? [[j.id, item] as const] : [];
    }));
    // How many results each item waits for (one, unless variants share an item).
    const expected = new Map<vscode.TestItem, number>();
    for (const item of byJob.values()) expected.set(item, (expected.get(item) ?? 0) + 1);
    const received = new Map<vscode.TestItem, CaseResult[]>();
    const controller = new AbortController();
    const sub = token.onCancellationRequested(() => controller.abort());
    const trusted = vscode.workspace.isTrusted;
    const suites = [...new Set(selected.map((j) => j.suite))];
    const first = suites[0] ? vscode.Uri.parse(suites[0].fixture.uri) : undefined;
    const settings = readTestSettings(first);
    const providers = await editorProviders(this.context.secrets, settings, trusted);
    const { secrets } = providers;
    // On lines of their own: the Test Results terminal breaks long lines at its width, mid-word.
    if (!trusted) run.appendOutput('This workspace is not trusted (Restricted Mode): only render cases run,\r\nnothing is sent to any provider, and no javascript assertion runs.\r\nTrust the workspace to run the others.\r\n');
    for (const item of expected.keys()) run.enqueued(item);
    const problems = new Map<string, CaseResult>();
    let summary: RunSummary | undefined;
    try {
      const javascriptOff = await javascriptOffIn(suites.map((s) => s.fixture.uri));
      const schemas = await schemasIn(suites.map((s) => s.fixture.uri));
      const folders = vscode.workspace.workspaceFolders?.map((f) => f.uri.fsPath) ?? [];
      summary = await runTests(
        suites,
        {
          ...providers,
          defaultProvider: provider,
          models: settings.models,
          catalogue: settings.catalogue,
          concurrency: settings.concurrency,
          cache: settings.cache ? new ResponseCache(nodeFileStore(vscode.Uri.joinPath(this.context.globalStorageUri, 'test-cache').fsPath), { secrets }) : undefined,
          readText: editorValueReader(),
          javascriptOff: (s) => (javascriptOff.has(s.fixture.uri) ? JAVASCRIPT_OFF_BY_CONFIG : undefined),
          analysis: { partials: await loadPartialIndex([...folders, ...suites.map((s) => path.dirname(vscode.Uri.parse(s.fixture.uri).fsPath))]) },
          schemasFor: (s) => schemas.get(s.fixture.uri),
          signal: controller.signal,
          onStart: (job) => {
            const item = byJob.get(job.id);
            if (item) run.started(item);
          },
          onResult: (r) => {
            const item = byJob.get(r.id);
            if (item && (expected.get(item) ?? 1) > 1) {
              const got = [...(received.get(item) ?? []), r];
              received.set(item, got);
              reportVariants(run, item, r, got.length === expected.get(item) ? got : undefined);
            } else if (item) reportResult(run, item, r);
            if (isAnnounced(r)) problems.set(r.error.kind, r);
            this.decorations.add(r);
            if (debug) void showDebugOutput(r);
          },
        },
        selected,
      );
      if (summary.cancelled) run.appendOutput('Cancelled: requests in flight were aborted; no run record was written.\r\n');
      else if (settings.writeRecords && summary.results.some((r) => r.status !== 'skipped')) await writeEditorRecord(summary, provider, secrets, run, this.tree.suites.values());
    } catch (e) {
      run.appendOutput(`The run failed: ${e instanceof Error ? e.message : String(e)}\r\n`);
      this.output.error(`Test run failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
    } finally {
      sub.dispose();
      run.end();
    }
    announceProblems(problems, this.context.secrets);
    return summary;
  }

  /** Runs one item (a prompt's tests or a case) by id, for the code lenses. */
  async runItem(id: string, debug: boolean): Promise<void> {
    await this.tree.discoverIfEmpty();
    const found = this.tree.find(id);
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
}
