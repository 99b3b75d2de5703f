/**
 * RemoteInstance: an Instance whose sandbox lives in a sandbox worker process.
 *
 * It is bound to one worker at a time. When that worker has died or is being drained, the next call
 * first rebuilds the instance on a live worker (a cold start, module state lost, as with any
 * replaced instance), so the warm instances the pool holds never point at a dead process for long.
 * A worker that dies during a call ends that call FAILED / INSTANCE_FAILED and the instance is
 * reported unusable, so the pool replaces it and the runner may retry.
 */
import type { ArtifactAnalysis, ExecutionHooks, FirstCall, Instance, InstanceSpec, Invocation, Outcome } from '../core/runtime.js';
import { OutcomeCodes } from '../errors.js';
import type { Supervisor } from './supervisor.js';
import type { WorkerProcess } from './worker-process.js';

export class RemoteInstance implements Instance {
  readonly taskId: string;
  private worker: WorkerProcess | undefined;
  private remoteId = '';
  private memory = 0;
  private disposed = false;

  constructor(
    private readonly runtime: string,
    private readonly spec: InstanceSpec,
    private readonly supervisor: Supervisor,
  ) {
    this.taskId = spec.taskId;
  }

  /** The id of the sandbox in its worker (it changes when the instance is rebuilt elsewhere). */
  get id(): string {
    return this.remoteId;
  }

  /** Worker pid, for operators and tests; undefined before the first build. */
  get pid(): number | undefined {
    return this.worker?.pid;
  }

  /** Builds the sandbox on a worker the supervisor picks. Throws what the runtime throws. */
  async build(): Promise<void> {
    await this.bind((worker) => worker.create(this.runtime, this.spec));
  }

  /**
   * Builds it as a new task's first instance (Runtime.prepare) and gives back the analysis. With
   * `first`, that call travels with the code and starts as soon as the instance is built.
   */
  async prepare(first?: FirstCall): Promise<{ analysis: ArtifactAnalysis; firstOutcome?: Promise<Outcome> }> {
    let firstOutcome: Promise<Outcome> | undefined;
    const { analysis } = await this.bind((worker) => {
      const sent = worker.prepare(this.runtime, this.spec, first);
      if (sent.firstOutcome) {
        firstOutcome = sent.firstOutcome.then((outcome) => {
          this.memory = outcome.memoryUsedBytes;
          return outcome;
        });
        // A load that fails rejects it too; the caller hears of that from this method instead.
        firstOutcome.catch(() => undefined);
      }
      return sent.prepared;
    });
    return { analysis, firstOutcome };
  }

  private async bind<T extends { instanceId: string; memoryUsedBytes: number }>(build: (worker: WorkerProcess) => Promise<T>): Promise<T> {
    const tenant = this.spec.limits.tenant;
    // No turn between choosing the worker and sending the request, so concurrent builds spread.
    const worker = this.supervisor.available(tenant) ?? (await this.supervisor.pick(tenant));
    const created = await build(worker);
    if (this.disposed) {
      worker.dispose(created.instanceId);
      return created;
    }
    this.worker = worker;
    this.remoteId = created.instanceId;
    this.memory = created.memoryUsedBytes;
    worker.liveInstances++;
    return created;
  }

  async execute(call: Invocation, hooks: ExecutionHooks, signal: AbortSignal): Promise<Outcome> {
    if (this.disposed) return failure('the instance has been disposed', this.memory);
    let rebuilt = false;
    if (!this.worker?.accepting) {
      const from = this.worker?.describe(this.worker.alive ? 'is draining' : 'is gone') ?? 'no worker';
      this.unbind();
      try {
        await this.build();
      } catch (err) {
        return failure(`${from} and the instance could not be rebuilt: ${(err as Error).message}`, this.memory);
      }
      rebuilt = true;
    }
    const worker = this.worker;
    if (!worker) return failure('the instance was disposed while it was rebuilt', this.memory);
    if (signal.aborted) {
      return { status: 'cancelled', errorCode: OutcomeCodes.CANCELLED, errorMessage: 'execution cancelled', cpuTimeUs: 0, memoryUsedBytes: this.memory, instanceUsable: true };
    }
    const outcome = await worker.execute(this.remoteId, call, hooks, signal);
    this.memory = outcome.memoryUsedBytes;
    return rebuilt ? { ...outcome, rebuilt } : outcome;
  }

  /** The figure the worker reported with the last outcome: no round trip. */
  memoryUsedBytes(): number {
    return this.memory;
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.unbind();
  }

  private unbind(): void {
    const w = this.worker;
    if (!w) return;
    this.worker = undefined;
    w.liveInstances--;
    w.dispose(this.remoteId);
  }
}

function failure(message: string, memoryUsedBytes: number): Outcome {
  return { status: 'failed', errorCode: OutcomeCodes.INSTANCE_FAILED, errorMessage: `the sandbox failed: ${message}`, cpuTimeUs: 0, memoryUsedBytes, instanceUsable: false };
}
