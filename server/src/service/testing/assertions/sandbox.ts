// The sandbox of `javascript` assertions: QuickJS compiled to WebAssembly, one fresh runtime per
// assertion. The code sees only standard JavaScript (no `process`, no `require`, no timers, no
// I/O: this QuickJS build has no `std` or `os` module, so nothing inside reaches the host's files,
// processes or network), and every value crosses the boundary as JSON text, so no host object, and therefore no host `Function`
// constructor, is ever inside. QuickJS rather than `node:vm` (not a boundary) or `isolated-vm` (a
// native addon, which would need a build per Electron version of VS Code): see docs/architecture.md.
import releaseSync from '@jitl/quickjs-wasmfile-release-sync';
import { newQuickJSWASMModuleFromVariant, newVariant, type QuickJSContext, type QuickJSHandle, type QuickJSRuntime, type QuickJSWASMModule } from 'quickjs-emscripten-core';

/** Set by esbuild.mjs in the bundles: the WebAssembly file's name beside the bundle. */
declare const PROMPT_WORKBENCH_QUICKJS_WASM: string | undefined;

export const SANDBOX_MEMORY_BYTES = 32 * 1024 * 1024;
// The module's own data and stack fit in Emscripten's default initial memory (16 MB).
const MODULE_BASE_BYTES = 16 * 1024 * 1024;
const WASM_PAGE = 64 * 1024;
// QuickJS checks its own stack depth against this. Each QuickJS frame also takes a native frame of
// the host's stack, so the limit must stay well below Node's own (about 1 MB), or deep recursion
// overflows the host's stack inside the module instead of throwing a RangeError inside the sandbox.
const SANDBOX_STACK_BYTES = 256 * 1024;
// Jobs run in batches so the deadline is checked between them even when each job is tiny (a
// microtask that only schedules the next one polls QuickJS's interrupt counter rarely).
const JOB_BATCH = 256;

const MODULE_MAX_BYTES = MODULE_BASE_BYTES + SANDBOX_MEMORY_BYTES;

let loading: Promise<QuickJSWASMModule> | undefined;
let memory: WebAssembly.Memory | undefined;

// Some of QuickJS's out-of-memory paths drop the error (a job queue that just ends) or trap, so
// the module's memory at its maximum is the sign that the code ran out of it, whatever it says.
const exhausted = () => !!memory && memory.buffer.byteLength >= MODULE_MAX_BYTES;

/** Loads the WebAssembly module once per process; later assertions reuse it. */
export function loadSandbox(): Promise<QuickJSWASMModule> {
  if (!loading) {
    const wasm = typeof PROMPT_WORKBENCH_QUICKJS_WASM === 'string' ? PROMPT_WORKBENCH_QUICKJS_WASM : undefined;
    // QuickJS's own memory limit does not count every allocation in this build (large strings and
    // arrays escape it), so the module's memory itself has a maximum: an allocation past it fails
    // and QuickJS throws "out of memory" inside the sandbox, whatever allocated it. Runtimes never
    // overlap (each assertion runs to the end without yielding), so one assertion can use it all.
    const wasmMemory = new WebAssembly.Memory({ initial: MODULE_BASE_BYTES / WASM_PAGE, maximum: MODULE_MAX_BYTES / WASM_PAGE });
    memory = wasmMemory;
    // In a bundle Emscripten's own loader is inlined, and `prefix` is the bundle's folder.
    const variant = newVariant(releaseSync, { wasmMemory, ...(wasm ? { locateFile: (_name: string, prefix: string) => `${prefix}${wasm}` } : {}) });
    loading = newQuickJSWASMModuleFromVariant(variant).catch((e: unknown) => {
      loading = undefined;
      throw e;
    });
  }
  return loading;
}

export type SandboxOutcome =
  | { kind: 'value'; type: string; json: string | undefined }
  | { kind: 'threw'; message: string }
  | { kind: 'syntax'; message: string }
  | { kind: 'timeout' }
  | { kind: 'memory' }
  | { kind: 'unsettled' };

/**
 * Runs the first of `sources` that compiles (each a script whose completion value is a function
 * of one JSON text) with `input` (JSON text) as its argument; the value it returns, or its
 * Promise's value, comes back as `typeof` and JSON text. The deadline covers compiling, the call,
 * the job queue (microtasks, async functions) and the conversion of the result.
 */
export async function runInSandbox(sources: readonly string[], input: string, limits: { timeoutMs: number; memoryBytes?: number }): Promise<SandboxOutcome> {
  let quickjs: QuickJSWASMModule;
  // Another assertion may have dropped the module while this one waited for it.
  for (let pending = loadSandbox(); ; pending = loadSandbox()) {
    quickjs = await pending;
    if (pending === loading) break;
  }
  const deadline = Date.now() + limits.timeoutMs;
  let interrupted = false;
  const runtime = quickjs.newRuntime({
    memoryLimitBytes: limits.memoryBytes ?? SANDBOX_MEMORY_BYTES,
    maxStackSizeBytes: SANDBOX_STACK_BYTES,
    interruptHandler: () => (interrupted = interrupted || Date.now() > deadline || exhausted()),
  });
  let context: QuickJSContext | undefined;
  let broken = false;
  const handles: QuickJSHandle[] = [];
  const keep = (h: QuickJSHandle) => (handles.push(h), h);
  const stopped = (): SandboxOutcome | undefined => (exhausted() ? { kind: 'memory' } : interrupted || Date.now() > deadline ? { kind: 'timeout' } : undefined);
  try {
    const outcome = stopped() ?? evaluate();
    if (outcome.kind === 'memory' || outcome.kind === 'timeout') broken = true;
    return outcome;
  } catch (e) {
    // A host error thrown through the module (the host's stack overflowing inside it, a trap)
    // leaves QuickJS's state unknown.
    broken = true;
    const why = stopped();
    if (why) return why;
    if (e instanceof RangeError) return { kind: 'threw', message: 'Maximum call stack size exceeded' };
    throw e;
  } finally {
    if (!broken) {
      try {
        for (const h of handles.reverse()) if (h.alive) h.dispose();
        context?.dispose();
        runtime.dispose();
      } catch {
        broken = true;
      }
    }
    // QuickJS can leak objects on the paths that give up (out of memory, an interrupt inside a
    // job), and freeing such a runtime aborts the whole module. So after those, and after any
    // failure, the module is dropped unfreed (the garbage collector takes its memory) and the
    // next assertion loads a fresh one.
    if (broken) loading = undefined;
  }

  function evaluate(): SandboxOutcome {
    context = runtime.newContext();
    const vm = context;
    const failure = (error: QuickJSHandle, compiling = false): SandboxOutcome => {
      keep(error);
      const why = stopped();
      if (why) return why;
      const e = describe(vm, error);
      if (/out of memory/i.test(e.message)) return { kind: 'memory' };
      return compiling ? { kind: 'syntax', message: e.message } : { kind: 'threw', message: e.message };
    };
    let fn: QuickJSHandle | undefined;
    let notCompiled: SandboxOutcome | undefined;
    // Evaluating a source only creates the function: no user code runs before the call below.
    for (const source of sources) {
      const compiled = vm.evalCode(source, 'javascript-assertion.js');
      if (!compiled.error) {
        fn = keep(compiled.value);
        break;
      }
      notCompiled = failure(compiled.error, true);
      if (notCompiled.kind !== 'syntax') return notCompiled;
    }
    if (!fn) return notCompiled ?? { kind: 'syntax', message: 'no code' };
    const arg = keep(vm.newString(input));
    const called = vm.callFunction(fn, vm.undefined, arg);
    if (called.error) return failure(called.error);
    let result = keep(called.value);
    const jobs = drain(runtime, deadline, () => interrupted);
    if (jobs === 'memory') return { kind: 'memory' };
    const why = stopped() ?? (jobs === 'timeout' ? { kind: 'timeout' as const } : undefined);
    if (why) return why;
    const state = vm.getPromiseState(result);
    if (state.type === 'pending') return { kind: 'unsettled' };
    if (state.type === 'rejected') return failure(state.error);
    if (!state.notAPromise) result = keep(state.value);
    // The conversion runs inside the sandbox too: a getter or a huge value is under the same limits.
    const encode = vm.evalCode('(v) => [typeof v, v === undefined ? undefined : JSON.stringify(v)]');
    if (encode.error) return failure(encode.error);
    keep(encode.value);
    const encoded = vm.callFunction(encode.value, vm.undefined, result);
    if (encoded.error) return failure(encoded.error);
    const pair = keep(encoded.value);
    const type = vm.getString(keep(vm.getProp(pair, 0)));
    const json = keep(vm.getProp(pair, 1));
    return stopped() ?? { kind: 'value', type, json: vm.typeof(json) === 'string' ? vm.getString(json) : undefined };
  }
}

function drain(runtime: QuickJSRuntime, deadline: number, interrupted: () => boolean): 'done' | 'timeout' | 'memory' {
  while (runtime.hasPendingJob()) {
    if (interrupted() || Date.now() > deadline) return 'timeout';
    const r = runtime.executePendingJobs(JOB_BATCH);
    if (r.error) {
      // A job's own exception rejects its promise; an error here stops the queue itself.
      const message = String((r.error.context.dump(r.error) as { message?: unknown })?.message ?? '');
      r.error.dispose();
      if (interrupted() || Date.now() > deadline) return 'timeout';
      if (/out of memory/i.test(message)) return 'memory';
    }
  }
  return 'done';
}

function describe(vm: QuickJSContext, error: QuickJSHandle): { name: string; message: string } {
  try {
    const name = vm.getProp(error, 'name');
    const message = vm.getProp(error, 'message');
    try {
      const n = vm.typeof(name) === 'string' ? vm.getString(name) : '';
      const m = vm.typeof(message) === 'string' ? vm.getString(message) : '';
      // `throw 'text'` and other non-Error values: their JSON form says what was thrown.
      return m || n ? { name: n, message: m } : { name: '', message: String(vm.dump(error)) };
    } finally {
      name.dispose();
      message.dispose();
    }
  } catch {
    return { name: '', message: 'an error that cannot be shown' };
  }
}
