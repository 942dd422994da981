// When the language server crashes: which document to blame, whether to hold it back, and whether
// to restart. Without it, a file that crashes the server crashes it again on every restart (the
// client reopens every document), and after the library's fifth crash in 3 minutes every prompt
// file loses its language features. Plain data, no `vscode`: tested in node.
//
// The evidence is what the server had not yet answered: a document whose didOpen / didChange went
// out and whose diagnostics have not come back is being analysed. The server analyses documents in
// the order they arrive, so of several such documents the one sent first is the likeliest; a
// document's count is reset by its diagnostics, so a file that was checked fine after a restart
// stops being a suspect.

export interface CrashPolicyOptions {
  /** Crashes of one document (while it was being analysed) that hold it back. Default 2. */
  holdBackAfter?: number;
  /** Crashes that no hold-back explains, within `windowMs`, that are still restarted. Default 4. */
  maxRestarts?: number;
  /** Default 3 minutes, as the library's own handler. */
  windowMs?: number;
  now?: () => number;
}

export interface CrashDecision {
  restart: boolean;
  /** The document held back by this crash. */
  holdBack?: string;
  /** Why the server is not restarted. */
  message?: string;
}

export class CrashPolicy {
  private readonly holdBackAfter: number;
  private readonly maxRestarts: number;
  private readonly windowMs: number;
  private readonly now: () => number;
  /** Sent and not yet diagnosed, in the order sent (a Set keeps insertion order). */
  private readonly pending = new Set<string>();
  private readonly crashes = new Map<string, number>();
  private readonly held = new Set<string>();
  private lastSent: string | undefined;
  private unexplained: number[] = [];

  constructor(options: CrashPolicyOptions = {}) {
    this.holdBackAfter = options.holdBackAfter ?? 2;
    this.maxRestarts = options.maxRestarts ?? 4;
    this.windowMs = options.windowMs ?? 3 * 60 * 1000;
    this.now = options.now ?? Date.now;
  }

  isHeld(uri: string): boolean {
    return this.held.has(uri);
  }

  get heldBack(): readonly string[] {
    return [...this.held];
  }

  /** A didOpen or didChange went to the server. */
  sent(uri: string): void {
    // Re-inserted, so a document edited again counts from its latest send.
    this.pending.delete(uri);
    this.pending.add(uri);
    this.lastSent = uri;
  }

  /** The server published the document's diagnostics: it got through an analysis. */
  diagnosed(uri: string): void {
    this.pending.delete(uri);
    this.crashes.delete(uri);
  }

  closed(uri: string): void {
    this.pending.delete(uri);
    if (this.lastSent === uri) this.lastSent = undefined;
  }

  /** The user asked to check a held-back document again; it gets a fresh count. */
  release(uri: string): void {
    this.held.delete(uri);
    this.crashes.delete(uri);
  }

  /** The document blamed for a crash now: the most crashed of those pending, then the first sent; else the last sent. */
  suspect(): string | undefined {
    let best: string | undefined;
    let bestCount = -1;
    for (const uri of this.pending) {
      const count = this.crashes.get(uri) ?? 0;
      if (count > bestCount) {
        best = uri;
        bestCount = count;
      }
    }
    return best ?? this.lastSent;
  }

  /** The connection to the server closed without a stop: what to do. */
  crashed(): CrashDecision {
    const now = this.now();
    const pending = [...this.pending];
    const suspect = this.suspect();
    // Every pending document was possibly the cause; the suspect (and the last sent, when nothing
    // was pending) gets the count when nothing was.
    for (const uri of pending.length ? pending : suspect ? [suspect] : []) this.crashes.set(uri, (this.crashes.get(uri) ?? 0) + 1);
    // The restart reopens every document: all are sent again.
    this.pending.clear();
    this.lastSent = undefined;
    if (suspect && !this.held.has(suspect) && (this.crashes.get(suspect) ?? 0) >= this.holdBackAfter) {
      this.held.add(suspect);
      // The other documents pending with it were innocent by this account: start them afresh.
      this.crashes.clear();
      return { restart: true, holdBack: suspect };
    }
    this.unexplained = this.unexplained.filter((t) => now - t <= this.windowMs);
    this.unexplained.push(now);
    if (this.unexplained.length > this.maxRestarts) {
      return { restart: false, message: `Prompt Workbench's language server stopped ${this.unexplained.length} times in the last ${Math.round(this.windowMs / 60000)} minutes and is not restarted. See the output for details; "Prompt Workbench: Restart Language Server" starts it again.` };
    }
    return { restart: true };
  }

  /** The user restarted the server: crashes before it do not count against the next. */
  restarted(): void {
    this.unexplained = [];
    this.pending.clear();
  }
}

/** The notification naming a held-back file. */
export function holdBackMessage(file: string): string {
  return `Prompt Workbench's language server stopped twice while checking ${file}; its checks are paused so the other files keep working.`;
}

export const CHECK_AGAIN = 'Check it again';
export const SHOW_OUTPUT = 'Show output';
