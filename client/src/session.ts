// Everything of the client that needs the language client library: the LanguageClient, the
// rendered preview and the token status bar. Bundled separately (dist/session.js) and loaded
// right after activation, so that loading the library is not part of activation.
import * as path from 'node:path';
import * as vscode from 'vscode';
import { LanguageClient, State, TransportKind, type DocumentSelector, type LanguageClientOptions, type ServerOptions } from 'vscode-languageclient/node';
import { CrashGuard } from './crashGuard';
import { registerHistoryView } from './history/view';
import { registerCatalogView } from './catalog/view';
import { AGENT_INSTRUCTION_LANGUAGES, AGENT_INSTRUCTION_PATTERNS, PROMPT_LANGUAGES } from '../../server/src/languages';
import { TrustNotification, type InitializationOptions } from '../../server/src/protocol';
import { PREVIEW_SCHEME, RenderedPreviewProvider, showRenderedPreview } from './preview';
import { TokenStatusBar } from './tokenStatus';
import { agentGlobSelectors, agentGlobsOf, globsKey, PROJECT_CONFIG_NAMES, type FolderGlobs } from './agentGlobs';

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
  // Files that `agents.files` of a workspace folder's project config names: filled before the client
  // starts and replaced in place when those globs change (the client reads this array at each start).
  const globSelectors: vscode.DocumentFilter[] = [];
  const documentSelector: Exclude<DocumentSelector[number], string>[] = [
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
  ];
  const builtInStatusSelector = status.selector;
  const builtInSelectorCount = documentSelector.length;
  const clientOptions: LanguageClientOptions = {
    documentSelector,
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
    initializationOptions: (): InitializationOptions => ({ trusted: vscode.workspace.isTrusted, storageDir: context.storageUri?.scheme === 'file' ? context.storageUri.fsPath : undefined }),
  };
  const client = new LanguageClient('promptWorkbench', 'Prompt Workbench Language Server', serverOptions, clientOptions);
  const previews = new RenderedPreviewProvider(() => client, context.workspaceState);
  const tokenStatus = new TokenStatusBar(() => client, (document) => globSelectors.length > 0 && vscode.languages.match(globSelectors, document) > 0);
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

  // The globs of `agents.files`: read before the start; a change of them (the config saved, a folder
  // added) restarts the client with the new selectors.
  let globs = '[]';
  const applyGlobs = async (): Promise<boolean> => {
    const folders = await readAgentGlobs();
    const key = globsKey(folders.map((f) => ({ folder: f.folder.uri, globs: f.globs })));
    if (key === globs) return false;
    globs = key;
    globSelectors.splice(0, globSelectors.length, ...agentGlobSelectors(folders, (folder, glob) => new vscode.RelativePattern(folder, glob)));
    // The client's selectors are the protocol's: a relative pattern is `{ baseUri, pattern }`.
    documentSelector.splice(builtInSelectorCount, documentSelector.length, ...agentGlobSelectors(folders, (folder, glob) => ({ baseUri: folder.uri.toString(), pattern: glob })));
    status.selector = [...(Array.isArray(builtInStatusSelector) ? builtInStatusSelector : [builtInStatusSelector as vscode.DocumentFilter]), ...globSelectors];
    if (globSelectors.length) output.info(`Further agent instruction files (agents.files): ${folders.flatMap((f) => f.globs.map((g) => `${vscode.workspace.asRelativePath(f.folder.uri, true)}: ${g}`)).join(', ')}`);
    return true;
  };
  let timer: NodeJS.Timeout | undefined;
  const globsMayHaveChanged = (uri?: vscode.Uri) => {
    if (uri && !vscode.workspace.workspaceFolders?.some((f) => vscode.Uri.joinPath(f.uri, path.posix.basename(uri.path)).toString() === uri.toString())) return;
    if (timer) clearTimeout(timer);
    timer = setTimeout(() => {
      void applyGlobs().then(
        (changed) => {
          if (!changed || !client.isRunning()) return;
          output.info('The agents.files globs changed: restarting the language server');
          return client.restart();
        },
        (e: unknown) => output.error(`Reading agents.files failed: ${e instanceof Error ? e.message : String(e)}`),
      );
    }, 300);
  };
  const configWatcher = vscode.workspace.createFileSystemWatcher('**/{prompt-workbench,.promptlintrc}.{yaml,yml}');
  context.subscriptions.push(
    configWatcher,
    configWatcher.onDidCreate(globsMayHaveChanged),
    configWatcher.onDidChange(globsMayHaveChanged),
    configWatcher.onDidDelete(globsMayHaveChanged),
    vscode.workspace.onDidChangeWorkspaceFolders(() => globsMayHaveChanged()),
    { dispose: () => timer && clearTimeout(timer) },
  );

  applyGlobs()
    .catch((e: unknown) => output.error(`Reading agents.files failed: ${e instanceof Error ? e.message : String(e)}`))
    .then(() => client.start())
    .then(
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

/** The `agents.files` globs of the project config at the root of each workspace folder (the first config file found, as the server reads it). */
async function readAgentGlobs(): Promise<FolderGlobs<vscode.WorkspaceFolder>[]> {
  const out: FolderGlobs<vscode.WorkspaceFolder>[] = [];
  for (const folder of vscode.workspace.workspaceFolders ?? []) {
    if (folder.uri.scheme !== 'file') continue;
    for (const name of PROJECT_CONFIG_NAMES) {
      let bytes: Uint8Array;
      try {
        bytes = await vscode.workspace.fs.readFile(vscode.Uri.joinPath(folder.uri, name));
      } catch {
        continue;
      }
      out.push({ folder, globs: agentGlobsOf(new TextDecoder().decode(bytes)) });
      break;
    }
  }
  return out;
}
