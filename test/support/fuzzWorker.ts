// The engine share of the fuzzer, in a child process: a mutant that overflows the stack in a way
// that kills the process, runs out of memory or never returns takes only this process with it,
// and the parent (fuzzRun.ts) records it and goes on with the next mutant.
import { checkEngine, engineContext, loadSeeds, makeMutant } from './fuzz';

export type WorkerMessage = { type: 'start'; index: number } | { type: 'done'; index: number; ms: number; failures: { cause: string; detail: string }[] } | { type: 'end' };
export interface WorkerJob {
  seed: number;
  indices: number[];
}

process.once('message', async (job: WorkerJob) => {
  const seeds = loadSeeds();
  const ctx = engineContext();
  for (const index of job.indices) {
    process.send!({ type: 'start', index } satisfies WorkerMessage);
    const m = makeMutant(seeds, job.seed, index);
    const t0 = performance.now();
    const failures = await checkEngine(m, job.seed, ctx);
    process.send!({ type: 'done', index, ms: performance.now() - t0, failures } satisfies WorkerMessage);
  }
  process.send!({ type: 'end' } satisfies WorkerMessage, () => process.exit(0));
});
