// Starts `dist/server.js --stdio` as an editor would and talks to it with the real LSP protocol
// library. Used by the integration tests and the benchmark.
import { spawn, type ChildProcess } from 'node:child_process';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  createProtocolConnection,
  DidChangeTextDocumentNotification,
  DidCloseTextDocumentNotification,
  DidOpenTextDocumentNotification,
  ExitNotification,
  InitializedNotification,
  InitializeRequest,
  PublishDiagnosticsNotification,
  ShutdownRequest,
  StreamMessageReader,
  StreamMessageWriter,
  type ProtocolConnection,
  type PublishDiagnosticsParams,
} from 'vscode-languageserver-protocol/node';

export const ROOT = path.resolve(__dirname, '..', '..');
export const SERVER = path.join(ROOT, 'dist', 'server.js');

export function fileUri(file: string): string {
  return pathToFileURL(file).toString();
}

type Waiter = { uri: string; version?: number; resolve: (p: PublishDiagnosticsParams) => void };

/** What the test editor answers to `workspace/configuration`. */
export interface SettingsSource {
  values(scopeUri: string | undefined, section: string | undefined): unknown;
  /** Answer only after this many milliseconds. */
  delayMs?: number;
  /** Answer a request whose first item is for this scope only after this many milliseconds (an editor that hangs on one file). */
  delayFor?(scopeUri: string | undefined): number | undefined;
}

export class TestLanguageClient {
  readonly connection: ProtocolConnection;
  readonly process: ChildProcess;
  readonly published = new Map<string, PublishDiagnosticsParams>();
  /** Every publication, in the order received. */
  readonly publications: PublishDiagnosticsParams[] = [];
  readonly stderr: string[] = [];
  private readonly reader: StreamMessageReader;
  private waiters: Waiter[] = [];
  private versions = new Map<string, number>();

  private constructor(proc: ChildProcess, settings?: SettingsSource) {
    this.process = proc;
    proc.stderr!.on('data', (d) => this.stderr.push(String(d)));
    this.reader = new StreamMessageReader(proc.stdout!);
    this.connection = createProtocolConnection(this.reader, new StreamMessageWriter(proc.stdin!));
    this.connection.onNotification(PublishDiagnosticsNotification.type, (p) => {
      this.published.set(p.uri, p);
      this.publications.push(p);
      const ready = this.waiters.filter((w) => w.uri === p.uri && (w.version === undefined || p.version === w.version));
      this.waiters = this.waiters.filter((w) => !ready.includes(w));
      for (const w of ready) w.resolve(p);
    });
    // The server may ask for configuration; answer with defaults like a minimal editor would, or
    // with the test's settings (after its delay, as a busy editor might).
    this.connection.onRequest('workspace/configuration', async (p: { items: { scopeUri?: string; section?: string }[] }) => {
      if (!settings) return p.items.map(() => null);
      const delay = settings.delayFor?.(p.items[0]?.scopeUri) ?? settings.delayMs;
      if (delay) await new Promise((r) => setTimeout(r, delay).unref());
      return p.items.map((item) => settings.values(item.scopeUri, item.section));
    });
    this.connection.onRequest('client/registerCapability', () => null);
    this.connection.listen();
  }

  /** A server whose workspace is `root` (it indexes that folder's partials at start). */
  static startWithRoot(root: string): Promise<TestLanguageClient> {
    return TestLanguageClient.start({ rootUri: fileUri(root) });
  }

  /**
   * `server` is the bundle to run (default: this tree's `dist/server.js`); the benchmark also runs
   * the bundle built from an older commit, to compare the two in one run.
   */
  static async start(options: { configuration?: boolean; rootUri?: string; settings?: SettingsSource; server?: string; initializationOptions?: unknown; trace?: 'off' | 'messages' | 'verbose' } = {}): Promise<TestLanguageClient> {
    // PW_SERVER_NODE_ARGS: extra node flags for the server process (e.g. `--cpu-prof`, when profiling a benchmark).
    const nodeArgs = process.env.PW_SERVER_NODE_ARGS?.split(/\s+/).filter(Boolean) ?? [];
    const proc = spawn(process.execPath, [...nodeArgs, options.server ?? SERVER, '--stdio'], { stdio: ['pipe', 'pipe', 'pipe'] });
    const client = new TestLanguageClient(proc, options.settings);
    await client.connection.sendRequest(InitializeRequest.type, {
      processId: process.pid,
      rootUri: options.rootUri ?? fileUri(path.join(ROOT, 'examples')),
      capabilities: {
        workspace: { configuration: options.configuration ?? !!options.settings },
        textDocument: {
          hover: { contentFormat: ['markdown', 'plaintext'] },
          completion: { completionItem: { snippetSupport: true } },
          documentSymbol: { hierarchicalDocumentSymbolSupport: true },
          publishDiagnostics: { versionSupport: true },
        },
      },
      workspaceFolders: null,
      ...(options.initializationOptions === undefined ? {} : { initializationOptions: options.initializationOptions }),
      ...(options.trace ? { trace: options.trace } : {}),
    });
    await client.connection.sendNotification(InitializedNotification.type, {});
    return client;
  }

  /**
   * The diagnostics last published for `uri`, once they pass `ok` (polled: for findings that come
   * after background work, such as a set of files read from disk); throws after `ms`.
   */
  async diagnosticsWhere(uri: string, ok: (p: PublishDiagnosticsParams) => boolean, ms = 20_000): Promise<PublishDiagnosticsParams> {
    const deadline = Date.now() + ms;
    for (;;) {
      const p = this.published.get(uri);
      if (p && ok(p)) return p;
      if (Date.now() > deadline) throw new Error(`timed out; last: ${JSON.stringify(p?.diagnostics.map((d) => [d.code, d.message]))}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  /** Resolves with the next diagnostics published for `uri` (for `version`, when given). */
  nextDiagnostics(uri: string, version?: number): Promise<PublishDiagnosticsParams> {
    return new Promise((resolve) => this.waiters.push({ uri, version, resolve }));
  }

  async open(uri: string, text: string, languageId = 'dotprompt'): Promise<PublishDiagnosticsParams> {
    this.versions.set(uri, 1);
    const published = this.nextDiagnostics(uri, 1);
    await this.connection.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri, languageId, version: 1, text } });
    return published;
  }

  /** Replaces the whole text and waits for the diagnostics of the new version. */
  async change(uri: string, text: string): Promise<PublishDiagnosticsParams> {
    const version = (this.versions.get(uri) ?? 1) + 1;
    this.versions.set(uri, version);
    const published = this.nextDiagnostics(uri, version);
    await this.connection.sendNotification(DidChangeTextDocumentNotification.type, { textDocument: { uri, version }, contentChanges: [{ text }] });
    return published;
  }

  /** Sends an incremental edit (replace `range` with `text`) and waits for its diagnostics. */
  async edit(uri: string, range: { start: { line: number; character: number }; end: { line: number; character: number } }, text: string): Promise<PublishDiagnosticsParams> {
    const version = (this.versions.get(uri) ?? 1) + 1;
    this.versions.set(uri, version);
    const published = this.nextDiagnostics(uri, version);
    await this.connection.sendNotification(DidChangeTextDocumentNotification.type, { textDocument: { uri, version }, contentChanges: [{ range, text }] });
    return published;
  }

  async close(uri: string): Promise<void> {
    await this.connection.sendNotification(DidCloseTextDocumentNotification.type, { textDocument: { uri } });
  }

  async stop(): Promise<void> {
    try {
      await Promise.race([this.connection.sendRequest(ShutdownRequest.type), new Promise((r) => setTimeout(r, 2000))]);
      await this.connection.sendNotification(ExitNotification.type);
    } catch {
      // the process may already be gone
    }
    // A server stopped in the middle of writing a message leaves the reader with a partial one, and
    // the reader re-arms a 10 s timer for it for ever (vscode-jsonrpc), which keeps the test process
    // alive after its last test: no more timers.
    this.reader.partialMessageTimeout = 0;
    this.connection.dispose();
    if (this.process.exitCode === null) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(() => {
          this.process.kill('SIGKILL');
          resolve();
        }, 2000);
        this.process.once('exit', () => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }
}
