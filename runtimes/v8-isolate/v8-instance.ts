/**
 * A V8 instance: one sandbox with one task module loaded. Module-level state persists across the
 * calls of one instance (warm reuse); one call runs at a time.
 */
import type { ExecutionHooks, Instance, Invocation, Outcome } from '../../src/core/runtime/runtime.js';
import { ErrorCodes, OutcomeCodes, SpearletError } from '../../src/errors.js';
import { ActiveCall } from './active-call.js';
import type { Sandbox } from './sandbox.js';
import type { SyncEntryGate } from './sync-entry.js';

export interface V8InstanceInit {
  id: string;
  taskId: string;
  sandbox: Sandbox;
  /** Callable exports by name, and the one an empty function_name calls. */
  exports: ReadonlyMap<string, 'function' | 'generator'>;
  defaultExport: string | undefined;
  memoryUsedBytes: number;
  onDispose?: (instance: V8Instance) => void;
  /** Offered by a host whose thread may run warm calls synchronously (sync-entry.ts). */
  syncEntry?: SyncEntryGate;
}

export class V8Instance implements Instance {
  readonly id: string;
  readonly taskId: string;
  private readonly sandbox: Sandbox;
  private readonly exports: ReadonlyMap<string, 'function' | 'generator'>;
  private readonly defaultExport: string | undefined;
  private readonly onDispose: ((instance: V8Instance) => void) | undefined;
  private lastMemory: number;
  private seq = 0;
  private active: ActiveCall | undefined;
  private disposed = false;
  private readonly syncEntry: SyncEntryGate | undefined;
  /** The last call ended within the gate's quickCallMs with the instance usable (none yet: false). */
  private quick = false;

  constructor(init: V8InstanceInit) {
    this.id = init.id;
    this.taskId = init.taskId;
    this.sandbox = init.sandbox;
    this.exports = init.exports;
    this.defaultExport = init.defaultExport;
    this.lastMemory = init.memoryUsedBytes;
    this.onDispose = init.onDispose;
    this.syncEntry = init.syncEntry;
  }

  /**
   * Runs one call; resolves with its Outcome whatever the guest does. Rejects only for caller
   * errors: FUNCTION_NOT_FOUND when `functionName` names no callable export (or is empty and the
   * module has no default), INTERNAL when a call is already running on this instance.
   */
  execute(call: Invocation, hooks: ExecutionHooks, signal: AbortSignal): Promise<Outcome> {
    const name = call.functionName === '' ? this.defaultExport : call.functionName;
    if (name === undefined || !this.exports.has(name)) {
      const what = call.functionName === '' ? 'no default export and no export named handler' : `no exported function '${call.functionName}'`;
      return Promise.reject(new SpearletError(ErrorCodes.FUNCTION_NOT_FOUND, `function_name: task ${call.taskId} has ${what}`, { field: 'function_name' }));
    }
    if (this.active !== undefined) {
      return Promise.reject(new SpearletError(ErrorCodes.INTERNAL, `instance ${this.id} is already running a call`));
    }
    const idle = { cpuTimeUs: 0, memoryUsedBytes: this.lastMemory };
    if (this.disposed || this.sandbox.isDisposed) {
      return Promise.resolve({ status: 'failed', errorCode: OutcomeCodes.INSTANCE_FAILED, errorMessage: 'the instance has been disposed', instanceUsable: false, ...idle });
    }
    // Nothing has run yet in these two cases, so the instance stays usable.
    if (signal.aborted) {
      return Promise.resolve({ status: 'cancelled', errorCode: OutcomeCodes.CANCELLED, errorMessage: 'execution cancelled', instanceUsable: true, ...idle });
    }
    if (call.deadline <= Date.now()) {
      return Promise.resolve({ status: 'timeout', errorCode: OutcomeCodes.TIMEOUT, errorMessage: 'execution timed out before it started', instanceUsable: true, ...idle });
    }
    const ctx = {
      executionId: call.executionId,
      taskId: call.taskId,
      functionName: name,
      env: call.env,
      headers: call.headers,
      sessionId: call.sessionId,
      userId: call.userId,
      deadline: call.deadline,
      secrets: call.secrets ?? {},
    };
    // Only a warm instance whose last call was quick enters synchronously, and only a plain call
    // (a stream's generator is entered once per chunk window).
    const gate = this.quick && !call.streaming && this.syncEntry?.open() === true ? this.syncEntry : undefined;
    const started = Date.now();
    return new Promise<Outcome>((resolve) => {
      const active = new ActiveCall(++this.seq, this.sandbox, hooks, signal, call.deadline, this.lastMemory, (outcome) => {
        this.active = undefined;
        this.lastMemory = outcome.memoryUsedBytes;
        this.quick = this.syncEntry !== undefined && outcome.instanceUsable && Date.now() - started <= this.syncEntry.quickCallMs;
        if (!outcome.instanceUsable) this.dispose();
        resolve(outcome);
      });
      this.active = active;
      active.start({ name, params: call.params, ctx, streaming: call.streaming }, gate);
    });
  }

  memoryUsedBytes(): number {
    return this.lastMemory;
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.active?.terminate('disposed');
    this.sandbox.dispose();
    this.onDispose?.(this);
  }
}
