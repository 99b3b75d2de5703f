/**
 * RemoteInstance: an Instance whose sandbox lives in a sandbox worker process.
 *
 * It is bound to one worker at a time. When that worker dies or is drained, an instance of a task
 * that keeps instances warm (`limits.keepWarm`) is rebuilt on a live worker at once, in the
 * background (module state lost, as with any replaced instance), or when its running call ends;
 * a call that finds it still waiting for that rebuild has it done at once. Any other instance, and
 * one whose rebuild failed, is rebuilt by its next call, which reports a cold start. (Rebuilding
 * every idle instance at once cost a fifth of the throughput while workers were being killed
 * every 350 ms: most of them were never called again.) A worker that dies during a call ends that
 * call FAILED / INSTANCE_FAILED and the instance is reported unusable, so the pool replaces it and
 * the runner may retry.
 */
import type { ArtifactAnalysis, ExecutionHooks, FirstCall, Instance, InstanceSpec, Invocation, Outcome } from '../core/runtime/runtime.js';
import { OutcomeCodes } from '../errors.js';
import type { Supervisor } from './supervisor.js';
import type { WorkerProcess } from './worker-process.js';

export class RemoteInstance implements Instance {
  readonly taskId: string;
  private worker: WorkerProcess | undefined;
  private remoteId = '';
  private memory = 0;
  private disposed = false;
  /** A call is running on it. */
  private busy = false;
  /** The background rebuild after its worker went, until it has run. */
  private moving: Promise<void> | undefined;
  /**
   * The artifact bytes, until the sandbox is built: a rebuild reads them again (spec.reload), so
   * the server does not hold every task's code for as long as its instances live.
   */
  private code: Uint8Array | undefined;
  /** The spec without its code (see `code`). */
  private readonly spec: InstanceSpec;
  /** Starts that rebuild now if it is still waiting its turn. */
  private hurryMove: () => void = () => {};
  /** Its worker went (told only for instances kept warm): move now if idle, else when the running call ends. */
  private readonly workerLeaving = (): void => {
    if (!this.busy) this.moveSoon();
  };

  constructor(
    private readonly runtime: string,
    spec: InstanceSpec,
    private readonly supervisor: Supervisor,
  ) {
    this.taskId = spec.taskId;
    this.code = spec.code;
    this.spec = { ...spec, code: NO_CODE };
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
    const spec = this.wireSpec(this.code ?? (await this.reloadCode()));
    await this.bind((worker) => worker.create(this.runtime, spec));
  }

  /**
   * Builds it as a new task's first instance (Runtime.prepare) and gives back the analysis. With
   * `first`, that call travels with the code and starts as soon as the instance is built.
   */
  async prepare(first?: FirstCall): Promise<{ analysis: ArtifactAnalysis; firstOutcome?: Promise<Outcome> }> {
    let firstOutcome: Promise<Outcome> | undefined;
    const { analysis } = await this.bind((worker) => {
      // A first build: the code is still here.
      const sent = worker.prepare(this.runtime, this.wireSpec(this.code ?? NO_CODE), first);
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
    if (this.spec.reload !== undefined) this.code = undefined;
    this.memory = created.memoryUsedBytes;
    worker.liveInstances++;
    if (this.spec.limits.keepWarm === true) worker.onLeaving(this.workerLeaving);
    return created;
  }

  /** What a worker gets: the spec's cloneable fields with the code. */
  private wireSpec(code: Uint8Array): InstanceSpec {
    const { taskId, digest, limits } = this.spec;
    return { taskId, digest, code, limits };
  }

  /** Only called once `code` was dropped, which happens only when the spec can reload it. */
  private reloadCode(): Promise<Uint8Array> {
    return this.spec.reload?.() ?? Promise.resolve(NO_CODE);
  }

  private moveSoon(): void {
    if (this.disposed || this.moving) return;
    let moved!: () => void;
    this.moving = new Promise<void>((resolve) => (moved = resolve));
    this.hurryMove = this.supervisor.rebuildSoon(async () => {
      try {
        if (this.disposed || this.worker?.accepting) return;
        this.unbind();
        await this.build();
      } catch {
        // No worker took it: the next call tries again, and reports why if it cannot.
      } finally {
        this.moving = undefined;
        moved();
      }
    });
  }

  async execute(call: Invocation, hooks: ExecutionHooks, signal: AbortSignal): Promise<Outcome> {
    if (this.disposed) return failure('the instance has been disposed', this.memory);
    this.busy = true;
    try {
      return await this.run(call, hooks, signal);
    } finally {
      this.busy = false;
      // Drained during the call: move now. (A worker that died during it failed the call, and the
      // pool replaces the instance.)
      if (this.spec.limits.keepWarm === true && !this.disposed && this.worker?.alive === true && !this.worker.accepting) this.moveSoon();
    }
  }

  private async run(call: Invocation, hooks: ExecutionHooks, signal: AbortSignal): Promise<Outcome> {
    // Waiting for a move makes this call pay for the rebuild: it is reported as one.
    let rebuilt = false;
    if (this.moving) {
      this.hurryMove();
      await this.moving;
      rebuilt = true;
    }
    if (this.disposed) return failure('the instance was disposed while it was rebuilt', this.memory);
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
    w.offLeaving(this.workerLeaving);
    w.dispose(this.remoteId);
  }
}

const NO_CODE = new Uint8Array(0);

function failure(message: string, memoryUsedBytes: number): Outcome {
  return { status: 'failed', errorCode: OutcomeCodes.INSTANCE_FAILED, errorMessage: `the sandbox failed: ${message}`, cpuTimeUs: 0, memoryUsedBytes, instanceUsable: false };
}
