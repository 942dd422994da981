// Everything of the client that needs the language client library: the LanguageClient, the
// rendered preview and the token status bar. Bundled separately (dist/session.js) and loaded
// right after activation, so that loading the library is not part of activation.
import * as path from 'node:path';
import * as vscode from 'vscode';
import { LanguageClient, State, TransportKind, type LanguageClientOptions, type ServerOptions } from 'vscode-languageclient/node';
import { CrashGuard } from './crashGuard';
import { registerHistoryView } from './history/view';
import { registerCatalogView } from './catalog/view';
import { AGENT_INSTRUCTION_LANGUAGES, AGENT_INSTRUCTION_PATTERNS, PROMPT_LANGUAGES } from '../../server/src/languages';
import { TrustNotification, type InitializationOptions } from '../../server/src/protocol';
import { PREVIEW_SCHEME, RenderedPreviewProvider, showRenderedPreview } from './preview';
import { TokenStatusBar } from './tokenStatus';

export interface Session {
  restart(): Promise<void>;
  /** Sends the files held back after crashes to the server again; how many there were. */
  checkHeldBack(): Promise<number>;
  showPreview(): Promise<void>;
  /** The preview after choosing its values: the input defaults or a fixture case. */
  showPreviewWithValues(): Promise<void>;
  stop(): Promise<void>;
}

export function startSession(context: vscode.ExtensionContext, output: vscode.LogOutputChannel, status: vscode.LanguageStatusItem): Session {
  const module = context.asAbsolutePath(path.join('dist', 'server.js'));
  const serverOptions: ServerOptions = {
    run: { module, transport: TransportKind.ipc },
    debug: { module, transport: TransportKind.ipc, options: { execArgv: ['--nolazy', '--inspect=6009'] } },
  };
  const crashGuard = new CrashGuard(output, () => client);
  const clientOptions: LanguageClientOptions = {
    documentSelector: [
      // Every prompt format's language, on disk, untitled, and earlier versions from the Prompt
      // History view (read-only, served from git by the client).
      ...PROMPT_LANGUAGES.flatMap((language) => ['file', 'untitled', 'prompt-history'].map((scheme) => ({ language, scheme }))),
      // Agent instruction files (AGENTS.md, *.instructions.md, ...): the ids VS Code gives them, on
      // these paths only, so no other Markdown file reaches the server.
      ...AGENT_INSTRUCTION_LANGUAGES.flatMap((language) => AGENT_INSTRUCTION_PATTERNS.map((pattern) => ({ language, scheme: 'file', pattern }))),
      // Fixture files: the server checks them against the prompt they test.
      { scheme: 'file', pattern: '**/*.tests.{yaml,yml}' },
      // Project config files: the server reports their problems, and their edits apply to prompts live.
      { scheme: 'file', pattern: '**/prompt-workbench.{yaml,yml}' },
      { scheme: 'file', pattern: '**/.promptlintrc.{yaml,yml}' },
    ],
    synchronize: {
      configurationSection: 'promptWorkbench',
      // Partials (`_name.prompt`) created, changed or deleted on disk update the server's index;
      // project config files changed on disk (a checkout, another editor) re-check the prompts;
      // fixture files created or deleted refresh the server's list of them.
      fileEvents: [...AGENT_INSTRUCTION_PATTERNS.map((p) => vscode.workspace.createFileSystemWatcher(p)), vscode.workspace.createFileSystemWatcher('**/_*.prompt'), vscode.workspace.createFileSystemWatcher('**/prompt-workbench.{yaml,yml}'), vscode.workspace.createFileSystemWatcher('**/.promptlintrc.{yaml,yml}'), vscode.workspace.createFileSystemWatcher('**/*.tests.{yaml,yml}')],
    },
    outputChannel: output,
    // Restarts a crashed server, holding back a document that crashed it twice (crashPolicy.ts).
    ...crashGuard.clientOptions(),
    // In an untrusted workspace the server reads no `file://` value of a fixture file. A function:
    // a restart after trust was granted must say so.
    initializationOptions: (): InitializationOptions => ({ trusted: vscode.workspace.isTrusted }),
  };
  const client = new LanguageClient('promptWorkbench', 'Prompt Workbench Language Server', serverOptions, clientOptions);
  const previews = new RenderedPreviewProvider(() => client, context.workspaceState);
  const tokenStatus = new TokenStatusBar(() => client);
  registerHistoryView(context, () => client, output);
  registerCatalogView(context, () => client, output);

  context.subscriptions.push(
    client.onDidChangeState((e) => {
      status.busy = e.newState === State.Starting;
      status.severity = e.newState === State.Stopped ? vscode.LanguageStatusSeverity.Warning : vscode.LanguageStatusSeverity.Information;
      status.text = e.newState === State.Running ? 'Prompt Workbench' : e.newState === State.Starting ? 'Prompt Workbench: starting' : 'Prompt Workbench: stopped';
      status.detail = e.newState === State.Stopped ? 'The language server is not running. Use "Prompt Workbench: Restart Language Server".' : undefined;
      tokenStatus.onClientState(e.newState);
    }),
    tokenStatus,
    // Trust can be granted while the window is open (revoking it reloads the window).
    vscode.workspace.onDidGrantWorkspaceTrust(() => {
      if (client.isRunning()) void client.sendNotification(TrustNotification.method, { trusted: true }).catch(() => undefined);
    }),
    vscode.workspace.registerTextDocumentContentProvider(PREVIEW_SCHEME, previews),
    previews,
  );

  client.start().then(
    () => output.info('Language server started'),
    (e: unknown) => {
      status.busy = false;
      status.severity = vscode.LanguageStatusSeverity.Error;
      status.text = 'Prompt Workbench: failed to start';
      output.error(`The language server failed to start: ${e instanceof Error ? e.message : String(e)}`);
    },
  );

  return {
    restart: () => {
      crashGuard.restarted();
      return client.restart();
    },
    checkHeldBack: () => crashGuard.checkAllAgain(),
    showPreview: () => showRenderedPreview(previews),
    showPreviewWithValues: () => showRenderedPreview(previews, true),
    stop: () => client.stop(),
  };
}
