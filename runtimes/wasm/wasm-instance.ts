/**
 * One Wasm instance: a V8 isolate holding the task's compiled module and the guest runner. Calls
 * run asynchronously on isolated-vm's thread, so a watchdog timer and the abort signal can end
 * them by disposing the isolate (the only way to stop a Wasm loop); the pool then replaces it.
 */
import { randomBytes, randomFillSync, randomUUID } from 'node:crypto';
import ivm from 'isolated-vm';
import { ErrorCodes, OutcomeCodes, SpearletError } from '../../src/errors.js';
import type { ExecutionHooks, Instance, InstanceSpec, Invocation, Outcome } from '../../src/core/runtime/runtime.js';
import { GUEST_RUNNER_SOURCE, type GuestReply, type GuestSettings, type WasiCall } from './guest-runner.js';
import type { CompiledWasm, ModuleInfo } from './module-info.js';
import type { FuncType } from './wasm-binary.js';
import { checkArgs, commandStdin } from './params.js';
import { Watchdog } from './watchdog.js';
import { failed, fromIsolateFailure, fromReply, type CallStats, type StopReason } from './outcome.js';

/** A module compiled once per digest and limit, shared by every instance of the task. */
export interface CompiledModule {
  info: ModuleInfo;
  /** The compiled module, transferable into any isolate without recompiling. */
  copy: ivm.ExternalCopy<CompiledWasm>;
}

export interface WasmInstanceOptions {
  /** Lines of stderr (and non-command stdout) forwarded per call; the rest are dropped. */
  maxLogLines: number;
  maxLogLineBytes: number;
}

/** `run(name, command, wasiCall, ...args)` in the isolate; see guest-runner.ts. */
type RunFn = (...args: ivm.Transferable[]) => GuestReply;
/** Its arguments; bigint is a primitive isolated-vm passes as is, though its typings omit it. */
type RunArgs = [string, boolean, ivm.Copy<WasiCall> | undefined, ...(number | bigint)[]];

const RANDOM_POOL_BYTES = 64;
const MAX_RANDOM_REFILL = 1 << 20;
const HEAP_SAMPLE_CALLS = 32;

export class WasmInstance implements Instance {
  readonly id = randomUUID();
  private hooks: ExecutionHooks | undefined;
  private lastMemory = 0;
  private heapBytes = 0;
  private callsSinceHeap = 0;
  private lastCpuNs: bigint | undefined;
  private disposed = false;
  private readonly watchdog = new Watchdog();

  private constructor(
    readonly taskId: string,
    private readonly isolate: ivm.Isolate,
    private run: ivm.Reference<RunFn> | undefined,
    private readonly compiled: CompiledModule,
    private readonly options: WasmInstanceOptions,
  ) {}

  /** Builds the isolate and hands it the compiled module; no guest code runs until the first call. */
  static async create(spec: InstanceSpec, compiled: CompiledModule, options: WasmInstanceOptions): Promise<WasmInstance> {
    // The isolate heap holds only the runner and WASI buffers; linear memory is capped separately
    // by the rewritten memory maximum (isolated-vm does not count it).
    const isolate = new ivm.Isolate({ memoryLimit: Math.max(8, spec.limits.memoryLimitMb) });
    const instance = new WasmInstance(spec.taskId, isolate, undefined, compiled, options);
    try {
      const context = await isolate.createContext();
      const script = await isolate.compileScript(GUEST_RUNNER_SOURCE, { filename: 'spearlet:wasm-runner.js' });
      const bootstrap = (await script.run(context, { reference: true })) as ivm.Reference<unknown>;
      const settings: GuestSettings = { kind: compiled.info.kind, usesWasi: compiled.info.usesWasi };
      instance.run = (await bootstrap.apply(
        undefined,
        [
          compiled.copy.copyInto({ release: false }),
          new ivm.ExternalCopy(settings).copyInto({ release: true }),
          new ivm.Callback((line: string) => instance.hooks?.onLog(line), { ignored: true }),
          // A Wasm guest runs synchronously and cannot wait for its chunks to leave: they are not
          // flow-controlled, but bounded by the instance's memory limit (WASI keeps stdout there).
          new ivm.Callback((bytes: Uint8Array) => instance.hooks?.onChunk({ kind: 'bytes', value: bytes }, () => {}), { ignored: true }),
          new ivm.Callback((n: number) => randomFillSync(new Uint8Array(Math.min(Math.max(0, n), MAX_RANDOM_REFILL)))),
        ],
        { result: { reference: true } },
      )) as ivm.Reference<RunFn>;
      bootstrap.release();
      script.release();
      instance.measure(0);
      return instance;
    } catch (err) {
      instance.dispose();
      const message = err instanceof Error ? err.message : String(err);
      throw new SpearletError(ErrorCodes.INTERNAL, `could not create a Wasm instance: ${message}`, { cause: err });
    }
  }

  async execute(call: Invocation, hooks: ExecutionHooks, signal: AbortSignal): Promise<Outcome> {
    const idle: CallStats = { cpuTimeUs: 0, memoryUsedBytes: this.lastMemory };
    if (this.disposed || this.run === undefined) {
      return failed(OutcomeCodes.INSTANCE_FAILED, 'the Wasm instance was disposed', idle, false);
    }
    const { info } = this.compiled;
    const name = call.functionName || info.analysis.defaultExport;
    const type = name === undefined ? undefined : info.functions.get(name);
    if (name === undefined || type === undefined) {
      const known = [...info.functions.keys()].join(', ') || 'none';
      const problem = name === undefined ? 'is required for this module' : `names no exported function ('${name}')`;
      return failed(OutcomeCodes.INVALID_PARAMETERS, `function_name ${problem}; exported functions: ${known}`, idle, true);
    }
    const command = info.kind === 'command' && name === '_start';
    let args: (number | bigint)[] = [];
    if (!command) {
      const check = checkArgs(name, type, call.paramList);
      if (!check.ok) return failed(OutcomeCodes.INVALID_PARAMETERS, check.message, idle, true);
      args = check.args;
    }
    if (signal.aborted) {
      return { status: 'cancelled', errorCode: OutcomeCodes.CANCELLED, errorMessage: 'execution was cancelled before it started', ...idle, instanceUsable: true };
    }
    const budgetMs = call.deadline - Date.now();
    if (budgetMs <= 0) {
      return { status: 'timeout', errorCode: OutcomeCodes.TIMEOUT, errorMessage: 'the deadline passed before the execution started', ...idle, instanceUsable: true };
    }
    let wasiCall: ivm.Copy<WasiCall> | undefined;
    if (info.usesWasi) {
      const state: WasiCall = {
        stdin: command ? commandStdin(call.params, call.paramList) : undefined,
        env: Object.entries(call.env).map(([k, v]) => `${k}=${v}`),
        args: [call.functionName || call.taskId],
        random: new Uint8Array(randomBytes(RANDOM_POOL_BYTES)),
        monoNs: process.hrtime.bigint(),
        streaming: call.streaming,
        maxLogLines: this.options.maxLogLines,
        maxLineBytes: this.options.maxLogLineBytes,
      };
      wasiCall = new ivm.ExternalCopy(state).copyInto({ release: true });
    }
    return this.runCall([name, command, wasiCall, ...args], type, hooks, signal, budgetMs);
  }

  /** Runs a checked request under the watchdog and the abort signal. */
  private async runCall(request: RunArgs, type: FuncType, hooks: ExecutionHooks, signal: AbortSignal, budgetMs: number): Promise<Outcome> {
    let reason: StopReason;
    const stop = (why: Exclude<StopReason, undefined>): void => {
      if (reason !== undefined) return;
      reason = why;
      this.dispose();
    };
    this.watchdog.watch(Date.now() + budgetMs, () => stop('timeout'));
    const onAbort = (): void => stop('cancelled');
    signal.addEventListener('abort', onAbort, { once: true });
    const started = process.hrtime.bigint();
    let cpuBefore = 0n;
    this.hooks = hooks;
    try {
      cpuBefore = this.isolate.cpuTime;
      // Primitives and the WASI copy transfer as they are: no argument copying on the hot path.
      const run = this.run!;
      const reply = (await run.apply(undefined, request as ivm.Transferable[], { result: { copy: true } })) as GuestReply;
      if (reason !== undefined) throw new Error('terminated');
      const outcome = fromReply(reply, type, this.measure(Number(this.isolate.cpuTime - cpuBefore) / 1000, reply.linearBytes));
      if (typeof reply.logLinesDropped === 'number' && reply.logLinesDropped > 0) outcome.logLinesDropped = reply.logLinesDropped;
      if (!outcome.instanceUsable) this.dispose();
      return outcome;
    } catch (err) {
      this.dispose();
      // The isolate is gone: charge the whole wall time (a killed call was spinning until the end).
      const cpuNs = this.lastCpuNs !== undefined ? this.lastCpuNs - cpuBefore : process.hrtime.bigint() - started;
      const stats = { cpuTimeUs: Math.max(0, Math.round(Number(cpuNs) / 1000)), memoryUsedBytes: this.lastMemory };
      return fromIsolateFailure(reason, err, budgetMs, stats);
    } finally {
      this.watchdog.clear();
      signal.removeEventListener('abort', onAbort);
      this.hooks = undefined;
    }
  }

  /**
   * Isolate heap plus linear memory after a call. The isolate is idle, so reading its heap does not
   * block; a core module's heap barely moves, so it is sampled every HEAP_SAMPLE_CALLS calls.
   */
  private measure(cpuTimeUs: number, linearBytes = 0): CallStats {
    if (this.compiled.info.usesWasi || this.callsSinceHeap++ % HEAP_SAMPLE_CALLS === 0) {
      this.heapBytes = this.isolate.getHeapStatisticsSync().used_heap_size;
    }
    this.lastMemory = this.heapBytes + linearBytes;
    return { cpuTimeUs: Math.round(cpuTimeUs), memoryUsedBytes: this.lastMemory };
  }

  memoryUsedBytes(): number {
    return this.disposed ? 0 : this.lastMemory;
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.watchdog.dispose();
    try {
      this.lastCpuNs = this.isolate.cpuTime;
    } catch {
      // already disposed by isolated-vm (memory limit)
    }
    this.run?.release();
    try {
      this.isolate.dispose();
    } catch {
      // already disposed
    }
  }
}
