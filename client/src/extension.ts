// The VS Code side. Activation only creates the output channel and status item and registers the
// commands; the language client library and everything built on it (session.ts, bundled as
// dist/session.js) load on the next tick, so activation stays cheap. Nothing here parses prompts
// or waits for the server.
import * as path from 'node:path';
import * as vscode from 'vscode';
import { AGENT_INSTRUCTION_PATTERNS, PROMPT_LANGUAGES } from '../../server/src/languages';
import type { Session } from './session';

let session: Promise<Session> | undefined;

export function activate(context: vscode.ExtensionContext): void {
  const started = performance.now();
  const output = vscode.window.createOutputChannel('Prompt Workbench', { log: true });
  const status = vscode.languages.createLanguageStatusItem('promptWorkbench.server', [...PROMPT_LANGUAGES.map((language) => ({ language })), ...AGENT_INSTRUCTION_PATTERNS.map((pattern) => ({ scheme: 'file', pattern }))]);
  status.name = 'Prompt Workbench Language Server';
  status.text = 'Prompt Workbench: starting';
  status.busy = true;
  status.command = { title: 'Show Output', command: 'promptWorkbench.showOutput' };
  context.subscriptions.push(output, status);

  session = new Promise<Session>((resolve, reject) => {
    setImmediate(() => {
      try {
        // A computed path: esbuild leaves this require alone, so session.js stays its own bundle.
        const { startSession } = require(context.asAbsolutePath(path.join('dist', 'session.js'))) as typeof import('./session');
        resolve(startSession(context, output, status));
      } catch (e) {
        status.busy = false;
        status.severity = vscode.LanguageStatusSeverity.Error;
        status.text = 'Prompt Workbench: failed to start';
        output.error(`The extension failed to load: ${e instanceof Error ? e.message : String(e)}`);
        reject(e);
      }
    });
  });
  // Test runs (Test Explorer, run profiles, code lenses) are their own bundle as well, loaded after
  // the session's; a failure there leaves the language features alone.
  setImmediate(() => {
    try {
      const { startTesting } = require(context.asAbsolutePath(path.join('dist', 'testing.js'))) as typeof import('./testing');
      startTesting(context, output);
    } catch (e) {
      output.error(`Test runs failed to load: ${e instanceof Error ? e.message : String(e)}`);
    }
  });

  context.subscriptions.push(
    vscode.commands.registerCommand('promptWorkbench.showOutput', () => output.show(true)),
    vscode.commands.registerCommand('promptWorkbench.checkHeldBackFiles', async () => {
      const n = (await (await session)?.checkHeldBack()) ?? 0;
      void vscode.window.showInformationMessage(n ? `Checking ${n} paused file${n === 1 ? '' : 's'} again.` : 'No file is paused: every open prompt file is being checked.');
    }),
    vscode.commands.registerCommand('promptWorkbench.previewRendered', async () => (await session)?.showPreview()),
    vscode.commands.registerCommand('promptWorkbench.previewRenderedWithValues', async () => (await session)?.showPreviewWithValues()),
    vscode.commands.registerCommand('promptWorkbench.restartServer', async () => {
      output.info('Restarting the language server');
      await (await session)?.restart();
    }),
  );
  output.info(`Activated in ${(performance.now() - started).toFixed(1)} ms`);
}

export async function deactivate(): Promise<void> {
  await (await session?.catch(() => undefined))?.stop();
}
