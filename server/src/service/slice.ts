// Long analyses in slices. The diagnostics pipeline is written as generators that `yield` between
// steps (the template analysis, each lint rule, each block a block-local rule checks); a synchronous
// driver runs them straight through (the CLI, the tests), a sliced driver gives the host's event
// loop a turn whenever a slice of work is used up, so a language server keeps answering other
// requests while a large document is analysed. The engine only awaits the hook it is given: the
// server passes `setImmediate`, nothing here knows about timers or processes.
import { CancelledError, type CancellationLike } from './host';

/** How a long analysis gives other work a turn (`DiagnosticOptions.yield`). */
export interface YieldOptions {
  /** Resolves when other work has had a turn (the server: after a `setImmediate`). */
  yieldNow(): Promise<void>;
  /** Milliseconds of work between two turns (default `DEFAULT_SLICE_MS`). A step is never cut: a step longer than this is one slice. */
  sliceMs?: number;
  /** Asked after every turn: once cancelled (a newer version of the document exists), the run throws `CancelledError`. */
  token?: CancellationLike;
  /** Told the length of every slice run and the step that ended it (for the benchmark). */
  onSlice?(ms: number, step: string): void;
}

export const DEFAULT_SLICE_MS = 4;

/** Work written as a generator: each `yield` is a point where the run may pause; it yields the name of the step just done. */
export type Steps<T> = Generator<string, T, void>;

/** Runs the steps straight through. */
export function runSteps<T>(steps: Steps<T>): T {
  let r = steps.next();
  while (!r.done) r = steps.next();
  return r.value;
}

const now = (): number => performance.now();

const slicers = new WeakMap<YieldOptions, Slicer>();

/** Times the slices of one run and pauses at the yield points where a slice is used up. */
export class Slicer {
  private started = now();
  private readonly sliceMs: number;

  /**
   * The one slicer of these options: the parts of one run that are driven apart (the server's
   * parse, then the diagnostics) share it, so a slice goes on from one to the next.
   */
  static of(options: YieldOptions): Slicer {
    let slicer = slicers.get(options);
    if (!slicer) {
      slicer = new Slicer(options);
      slicers.set(options, slicer);
    }
    return slicer;
  }

  constructor(private readonly options: YieldOptions) {
    this.sliceMs = options.sliceMs ?? DEFAULT_SLICE_MS;
  }

  /** True when the current slice is used up. */
  due(): boolean {
    return now() - this.started >= this.sliceMs;
  }

  /** Gives other work a turn now, then throws `CancelledError` if the run was cancelled meanwhile. */
  async pause(step = ''): Promise<void> {
    this.options.onSlice?.(now() - this.started, step);
    await this.options.yieldNow();
    if (this.options.token?.isCancellationRequested) throw new CancelledError();
    this.started = now();
  }

  /** Pauses if the slice is used up (no await, hence no cost, otherwise). */
  maybePause(step = ''): Promise<void> | undefined {
    return this.due() ? this.pause(step) : undefined;
  }

  /** Runs the steps, pausing at their yield points whenever a slice is used up. */
  async run<T>(steps: Steps<T>): Promise<T> {
    try {
      let r = steps.next();
      while (!r.done) {
        if (this.due()) await this.pause(r.value);
        r = steps.next();
      }
      return r.value;
    } finally {
      // A cancelled run leaves the generator suspended: close it (runs its `finally` blocks).
      steps.return(undefined as T);
    }
  }

  /** The end of a run: reports the last slice. */
  finish(step = 'end'): void {
    this.options.onSlice?.(now() - this.started, step);
  }
}
