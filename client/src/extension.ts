// The VS Code side: starts the language server for `dotprompt` files, shows its state in a
// language status item, and logs to an output channel. Activation does no parsing and does not
// wait for the server.
import * as path from 'node:path';
import * as vscode from 'vscode';
import { LanguageClient, State, TransportKind, type LanguageClientOptions, type ServerOptions } from 'vscode-languageclient/node';
import { PREVIEW_SCHEME, RenderedPreviewProvider, showRenderedPreview } from './preview';
import { TokenStatusBar } from './tokenStatus';

let client: LanguageClient | undefined;

export function activate(context: vscode.ExtensionContext): void {
  const started = performance.now();
  const output = vscode.window.createOutputChannel('Prompt Workbench', { log: true });
  const status = vscode.languages.createLanguageStatusItem('promptWorkbench.server', { language: 'dotprompt' });
  status.name = 'Prompt Workbench Language Server';
  status.text = 'Prompt Workbench: starting';
  status.busy = true;
  status.command = { title: 'Show Output', command: 'promptWorkbench.showOutput' };
  context.subscriptions.push(output, status);

  const module = context.asAbsolutePath(path.join('dist', 'server.js'));
  const serverOptions: ServerOptions = {
    run: { module, transport: TransportKind.ipc },
    debug: { module, transport: TransportKind.ipc, options: { execArgv: ['--nolazy', '--inspect=6009'] } },
  };
  const clientOptions: LanguageClientOptions = {
    documentSelector: [
      { language: 'dotprompt', scheme: 'file' },
      { language: 'dotprompt', scheme: 'untitled' },
    ],
    synchronize: {
      configurationSection: 'promptWorkbench',
      // Partials (`_name.prompt`) created, changed or deleted on disk update the server's index.
      fileEvents: vscode.workspace.createFileSystemWatcher('**/_*.prompt'),
    },
    outputChannel: output,
    // The library's default error handler restarts a crashed server (up to 4 times in 3 minutes).
  };
  client = new LanguageClient('promptWorkbench', 'Prompt Workbench Language Server', serverOptions, clientOptions);
  const previews = new RenderedPreviewProvider(() => client);
  const tokenStatus = new TokenStatusBar(() => client);

  context.subscriptions.push(
    client.onDidChangeState((e) => {
      status.busy = e.newState === State.Starting;
      status.severity = e.newState === State.Stopped ? vscode.LanguageStatusSeverity.Warning : vscode.LanguageStatusSeverity.Information;
      status.text = e.newState === State.Running ? 'Prompt Workbench' : e.newState === State.Starting ? 'Prompt Workbench: starting' : 'Prompt Workbench: stopped';
      status.detail = e.newState === State.Stopped ? 'The language server is not running. Use "Prompt Workbench: Restart Language Server".' : undefined;
      tokenStatus.onClientState(e.newState);
    }),
    tokenStatus,
    vscode.commands.registerCommand('promptWorkbench.showOutput', () => output.show(true)),
    vscode.workspace.registerTextDocumentContentProvider(PREVIEW_SCHEME, previews),
    previews,
    vscode.commands.registerCommand('promptWorkbench.previewRendered', showRenderedPreview),
    vscode.commands.registerCommand('promptWorkbench.restartServer', async () => {
      output.info('Restarting the language server');
      await client?.restart();
    }),
  );

  client.start().then(
    () => output.info('Language server started'),
    (e: unknown) => {
      status.severity = vscode.LanguageStatusSeverity.Error;
      status.text = 'Prompt Workbench: failed to start';
      output.error(`The language server failed to start: ${e instanceof Error ? e.message : String(e)}`);
    },
  );
  output.info(`Activated in ${(performance.now() - started).toFixed(1)} ms`);
}

export function deactivate(): Thenable<void> | undefined {
  return client?.stop();
}
