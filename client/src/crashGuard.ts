// The language client's side of crashPolicy.ts: an error handler that asks the policy, and the
// middleware that tells it what was sent and answered and keeps a held-back document from the
// server (its didOpen / didChange / didSave / didClose are not forwarded) until the user chooses
// to check it again.
import * as vscode from 'vscode';
import { CloseAction, DidOpenTextDocumentNotification, ErrorAction, type BaseLanguageClient, type LanguageClientOptions } from 'vscode-languageclient/node';
import { CHECK_AGAIN, CrashPolicy, holdBackMessage, SHOW_OUTPUT } from './crashPolicy';

export class CrashGuard {
  readonly policy = new CrashPolicy();

  constructor(
    private readonly output: vscode.LogOutputChannel,
    private readonly client: () => BaseLanguageClient,
  ) {}

  /** Spread into the LanguageClientOptions. */
  clientOptions(): Pick<LanguageClientOptions, 'errorHandler' | 'middleware'> {
    const policy = this.policy;
    const held = (doc: vscode.TextDocument) => policy.isHeld(doc.uri.toString());
    return {
      errorHandler: {
        // As the library's default: a few broken messages are tolerated, then the connection is shut.
        error: (_error, _message, count) => ({ action: count !== undefined && count <= 3 ? ErrorAction.Continue : ErrorAction.Shutdown }),
        closed: () => {
          const decision = policy.crashed();
          if (decision.holdBack) void this.announce(decision.holdBack);
          if (!decision.restart) return { action: CloseAction.DoNotRestart, message: decision.message };
          return { action: CloseAction.Restart, handled: !!decision.holdBack };
        },
      },
      middleware: {
        didOpen: async (doc, next) => {
          if (held(doc)) return;
          policy.sent(doc.uri.toString());
          return next(doc);
        },
        didChange: async (event, next) => {
          if (held(event.document)) return;
          policy.sent(event.document.uri.toString());
          return next(event);
        },
        didSave: async (doc, next) => (held(doc) ? undefined : next(doc)),
        didClose: async (doc, next) => {
          if (held(doc)) return;
          policy.closed(doc.uri.toString());
          return next(doc);
        },
        handleDiagnostics: (uri, diagnostics, next) => {
          policy.diagnosed(uri.toString());
          next(uri, diagnostics);
        },
      },
    };
  }

  /** The user restarted the server by command. */
  restarted(): void {
    this.policy.restarted();
  }

  private async announce(uri: string): Promise<void> {
    const file = vscode.workspace.asRelativePath(vscode.Uri.parse(uri), false);
    this.output.warn(`The language server stopped twice while checking ${file}; that file is no longer sent to it until "${CHECK_AGAIN}".`);
    const choice = await vscode.window.showWarningMessage(holdBackMessage(file), CHECK_AGAIN, SHOW_OUTPUT);
    if (choice === SHOW_OUTPUT) this.output.show(true);
    else if (choice === CHECK_AGAIN) await this.checkAgain(uri);
  }

  /** Every held-back document checked again (the command, for a user who dismissed the warning). */
  async checkAllAgain(): Promise<number> {
    const held = [...this.policy.heldBack];
    for (const uri of held) await this.checkAgain(uri);
    return held.length;
  }

  private async checkAgain(uri: string): Promise<void> {
    this.policy.release(uri);
    const doc = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri);
    if (!doc) return; // closed meanwhile: its next didOpen goes through as usual
    const client = this.client();
    this.policy.sent(uri);
    await client.sendNotification(DidOpenTextDocumentNotification.type, client.code2ProtocolConverter.asOpenTextDocumentParams(doc));
  }
}
