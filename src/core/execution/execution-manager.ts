/**
 * TaskExecutionManager: the life of an execution, from acceptance to its one terminal record.
 *
 * Accepting: the request is planned (validated, task resolved), capacity is checked, and only then
 * is the execution recorded. SYNC and STREAM calls wait for an execution slot before they record
 * anything, so a refusal (queue full, queue timeout) leaves no trace; ASYNC calls are recorded
 * PENDING at once and answered, then wait for their slot. A SYNC call of a task its own request
 * registers takes a free slot during the registration and starts as soon as the code is loaded
 * (RidingCall). Every accepted execution ends with exactly one terminal record written in one
 * batch with its task's counters.
 */
import type { Config } from '../../config.js';
import { ErrorCodes, OutcomeCodes, SpearletError, executionNotFound } from '../../errors.js';
import type { Logger } from '../../logger.js';
import type { ExecutionRecord, ExecutionStatus } from '../../store/records.js';
import type { Store } from '../../store/store.js';
import type { Capabilities } from '../../capabilities/capabilities.js';
import { GuestCall } from '../../capabilities/guest-call.js';
import type { Admission, Slot } from '../admission/admission.js';
import { callerCancelled, cancelOnAbort } from './caller-cancel.js';
import { type ExecutionFigures, addExecution, emptyFigures, fromStoredFigures } from './execution-stats.js';
import { runOnPool } from './execution-runner.js';
import type { ExecutionObserver } from './execution-observer.js';
import { newExecutionId, ulid } from '../values/ids.js';
import type { InstancePool } from '../pool/instance-pool.js';
import { type InvocationPlan, type InvokeInput, invocationOf, planInvocation, requestedExecutionId } from './invocation-plan.js';
import { LogBuffer } from './log-buffer.js';
import { RidingCall, type StartedCall } from './riding-call.js';
import type { RequestFingerprint } from './request-fingerprint.js';
import { ExecutionClaims } from './execution-claims.js';
import type { Outcome } from '../runtime/runtime.js';
import type { TaskRegistry } from '../tasks/task-registry.js';
import { tenantOf, tenantOfRequest } from '../tasks/task-limits.js';
import type { AdmissionGate, TenantQuotas } from '../admission/tenant-quotas.js';
import type { EncodedValue } from '../values/values.js';
import { type ExecutionEnd, FINISHED_BY_SHUTDOWN, terminalRecord } from './terminal-record.js';
import { DeferredRunningRecords, type LiveExecution, LiveExecutions } from './live-executions.js';

/** Where a streaming call's chunks and log lines go as they happen. */
export interface StreamSink {
  /** Calls `delivered` once the chunk has left for the client (flow control, see ExecutionHooks). */
  chunk(value: EncodedValue, delivered: () => void): void;
  log(line: string): void;
}

export interface Accepted {
  /** The record as accepted (PENDING or RUNNING), or the existing one for a repeated id. */
  execution: ExecutionRecord;
  /** True when execution_id named an existing execution and nothing new runs. */
  existing: boolean;
  /** Resolves with the terminal record once it is stored. */
  done: Promise<ExecutionRecord>;
}

export class TaskExecutionManager {
  private readonly live = new LiveExecutions();
  private figures: ExecutionFigures = emptyFigures();
  private accepting = true;
  /** Caller-chosen execution ids: a repeat joins the first, so the function runs once. */
  private readonly claims = new ExecutionClaims((executionId) => this.existing(executionId));
  /** Requests between arrival and acceptance (planning, registering a task, waiting for a slot). */
  private readonly arriving = new Set<Promise<unknown>>();
  private readonly deferred: DeferredRunningRecords;

  constructor(
    private readonly config: Config,
    private readonly store: Store,
    private readonly registry: TaskRegistry,
    private readonly pool: InstancePool,
    private readonly admission: Admission,
    private readonly log: Logger,
    private readonly observer?: ExecutionObserver,
    private readonly quotas?: TenantQuotas,
    private readonly capabilities?: Capabilities,
  ) {
    this.deferred = new DeferredRunningRecords(store, log);
  }

  /** The admission a call of `tenant` goes through. */
  private admissionOf(tenant: string | undefined): AdmissionGate {
    return this.quotas ? this.quotas.admissionFor(this.admission, tenant) : this.admission;
  }

  /** Marks executions left unfinished by a previous process INTERRUPTED and loads the figures. */
  async recover(): Promise<number> {
    const unfinished = await this.store.unfinishedExecutions();
    for (const e of unfinished) {
      const now = Date.now();
      const record: ExecutionRecord = {
        ...e,
        status: 'FAILED',
        errorCode: OutcomeCodes.INTERRUPTED,
        errorMessage: 'the server stopped before the execution finished',
        completedAt: now,
        executionTimeMs: e.startedAt ? now - e.startedAt : 0,
      };
      await this.store.putExecution(record, this.registry.noteExecution(e.taskId, 'FAILED'));
    }
    // Kept by the store beside the records: no scan of the history.
    this.figures = fromStoredFigures(await this.store.figures(), (taskId) => this.registry.get(taskId)?.name);
    return unfinished.length;
  }

  /** Live figures since start-up (all stored executions plus those finished since). */
  get totals(): ExecutionFigures {
    return this.figures;
  }

  get runningCount(): number {
    return this.live.runningCount;
  }

  get pendingCount(): number {
    return this.live.size - this.live.runningCount;
  }

  /** Ids of the tasks with an unfinished execution. */
  liveTaskIds(): Set<string> {
    return this.live.taskIds();
  }

  /** Unfinished executions of a task. */
  liveOfTask(taskId: string): ExecutionRecord[] {
    return this.live.ofTask(taskId);
  }

  /**
   * Accepts an invocation. Throws coded errors for refused requests (nothing stored then).
   * `callerGone` aborts when the caller cancelled its RPC (see callerCancellation): a call still
   * waiting for its slot ends at once, nothing stored; a stream's execution is cancelled at any
   * stage. A SYNC call that has started keeps running: a retry with its execution_id joins it.
   */
  async invoke(input: InvokeInput, sink?: StreamSink, callerGone?: AbortSignal): Promise<Accepted> {
    if (!this.accepting) throw new SpearletError(ErrorCodes.SHUTTING_DOWN, 'the server is shutting down and accepts no new executions');
    // A shutdown drains requests still on their way in too, so it never tears down the runtimes
    // under a registration or an admission in progress.
    const arrival = this.accept(input, sink, callerGone);
    this.arriving.add(arrival);
    try {
      return await arrival;
    } finally {
      this.arriving.delete(arrival);
    }
  }

  private accept(input: InvokeInput, sink?: StreamSink, callerGone?: AbortSignal): Promise<Accepted> {
    const requestedId = requestedExecutionId(input);
    if (requestedId === undefined) return this.acceptNew(input, undefined, undefined, sink, callerGone);
    return this.claims.accept(requestedId, input, (fingerprint) => this.acceptNew(input, requestedId, fingerprint, sink, callerGone));
  }

  private async acceptNew(input: InvokeInput, requestedId: string | undefined, fingerprint: RequestFingerprint | undefined, sink?: StreamSink, callerGone?: AbortSignal): Promise<Accepted> {
    // A store that cannot write (disk full) refuses new work before anything runs.
    const refused = this.store.unwritable();
    if (refused) throw refused;
    const queued = input.mode === 'ASYNC' && !input.wait;
    const abort = new AbortController();
    const logs = new LogBuffer(this.config.maxLogLinesPerExecution, this.config.maxLogLineBytes);
    const executionId = requestedId ?? newExecutionId();
    // A SYNC call of a task it registers starts as soon as the task's code is loaded.
    const riding = queued || sink !== undefined ? undefined : new RidingCall(this.admissionOf(tenantOfRequest(input, this.registry)), { executionId, input, abort, logs, capabilities: this.capabilities });
    let plan: InvocationPlan;
    try {
      plan = await planInvocation(input, this.registry, this.config, riding);
    } catch (err) {
      riding?.abandon();
      throw err;
    }
    const { task } = plan;
    const tenant = tenantOf(task.artifact.metadata);
    const admission = this.admissionOf(tenant);
    const first = riding?.running;
    let slot = riding?.slot;
    if (first === undefined) {
      if (callerGone?.aborted && !queued) {
        riding?.abandon();
        throw callerCancelled();
      }
      admission.check(task.taskId, task.limits.maxConcurrency);
      // A caller that goes while its call waits for a slot leaves the queue at once.
      if (!queued) slot = await admission.acquire(task.taskId, task.limits.maxConcurrency, callerGone);
    }
    const now = first !== undefined && riding ? riding.startedAt : Date.now();
    const record: ExecutionRecord = {
      executionId,
      // An id we made carries a fresh ULID: it is the seq too, so that a paging cursor naming the
      // execution still places it after it has expired.
      seq: requestedId === undefined ? executionId.slice('exec-'.length) : ulid(now),
      taskId: task.taskId,
      functionName: plan.functionName,
      mode: input.mode,
      status: queued ? 'PENDING' : 'RUNNING',
      createdAt: now,
      startedAt: queued ? undefined : now,
      executionTimeMs: 0,
      memoryUsedBytes: 0,
      metrics: {},
      logs: [],
      logsTruncated: false,
      metadata: { ...input.metadata },
      request: fingerprint,
      ...(tenant === undefined ? {} : { tenant }),
    };
    // ASYNC and STREAM callers are answered with the execution id before it ends: its record must
    // be stored first. A SYNC caller only hears the end.
    const deferRecord = slot !== undefined && sink === undefined;
    const fresh = requestedId === undefined;
    const firstWrite = deferRecord ? Promise.resolve() : this.store.putExecution(record, undefined, { fresh });
    const live: LiveExecution = { record, abort, logs, firstWrite, fresh: fresh && deferRecord, callerGone: queued ? undefined : callerGone, admission, done: undefined as unknown as Promise<ExecutionRecord> };
    if (deferRecord) this.deferred.add(live);
    this.live.add(live, () => this.run(live, plan, input, slot, sink, first, riding?.guest));
    if (sink !== undefined && callerGone !== undefined) cancelOnAbort(callerGone, live.done, () => this.cancel(executionId, 'the client cancelled the stream'));
    // Nothing is answered before the acceptance is stored; a failed first write fails the call.
    try {
      await firstWrite;
    } catch (err) {
      abort.abort();
      throw err;
    }
    return { execution: { ...record }, existing: false, done: live.done };
  }

  private async existing(executionId: string): Promise<Accepted | undefined> {
    const live = this.live.get(executionId);
    if (live) return { execution: { ...live.record }, existing: true, done: live.done };
    const record = await this.store.getExecution(executionId);
    if (!record) return undefined;
    return { execution: record, existing: true, done: Promise.resolve(record) };
  }

  private async run(
    live: LiveExecution,
    plan: InvocationPlan,
    input: InvokeInput,
    slot: Slot | undefined,
    sink?: StreamSink,
    first?: StartedCall,
    firstGuest?: GuestCall,
  ): Promise<ExecutionRecord> {
    const { record, abort } = live;
    let outcome: Outcome;
    let guest = first !== undefined ? firstGuest : undefined;
    let queueMs = slot?.queueMs ?? 0;
    const metrics: Record<string, string> = {};
    try {
      if (!slot) {
        try {
          slot = await live.admission.acquire(plan.task.taskId, plan.task.limits.maxConcurrency, abort.signal);
        } catch (err) {
          const cancelled = abort.signal.aborted;
          return await this.finish(live, {
            status: cancelled ? 'CANCELLED' : 'FAILED',
            errorCode: cancelled ? OutcomeCodes.CANCELLED : OutcomeCodes.QUEUE_TIMEOUT,
            errorMessage: cancelled ? this.cancelMessage(live) : (err as Error).message,
          });
        }
        queueMs = slot.queueMs;
        record.status = 'RUNNING';
        record.startedAt = Date.now();
      }
      metrics.queue_ms = String(queueMs);
      const started = record.startedAt ?? Date.now();
      const deadline = started + plan.timeoutMs;
      guest ??= new GuestCall(this.capabilities, { taskId: plan.task.taskId, metadata: plan.task.artifact.metadata, callEnv: input.context.environment, deadline, signal: abort.signal });
      const run = await runOnPool(this.pool, plan, {
        call: invocationOf(input, {
          executionId: record.executionId,
          taskId: plan.task.taskId,
          functionName: plan.functionName,
          params: plan.params,
          paramList: plan.paramList,
          deadline,
          streaming: sink !== undefined,
          env: guest.env,
          secrets: guest.secrets,
        }),
        first,
        hooks: guest.hooks({
          onLog: (line) => {
            const stored = live.logs.push(line);
            if (stored !== undefined) sink?.log(stored);
          },
          onChunk: (chunk, delivered) => (sink ? sink.chunk(chunk, delivered) : delivered()),
        }),
        forceNewInstance: input.forceNewInstance,
        signal: abort.signal,
        callerGone: sink === undefined ? live.callerGone : undefined,
      });
      outcome = run.outcome;
      if (outcome.logLinesDropped) live.logs.noteDropped(outcome.logLinesDropped);
      this.quotas?.chargeCpu(record.tenant, outcome.cpuTimeUs);
      Object.assign(metrics, {
        cpu_time_us: String(outcome.cpuTimeUs),
        cold_start: String(run.coldStart),
        instance_id: run.instanceId,
        attempts: String(run.attempts),
        ...guest.metrics(),
      });
      if (outcome.status === 'cancelled') {
        if (!abort.signal.aborted && live.callerGone?.aborted) live.cancelReason ??= 'the client went before the call started';
        outcome = { ...outcome, errorMessage: this.cancelMessage(live) };
      }
      return await this.finish(live, {
        status: outcome.status.toUpperCase() as ExecutionStatus,
        value: outcome.value,
        errorCode: outcome.errorCode,
        errorMessage: outcome.errorMessage,
        memoryUsedBytes: outcome.memoryUsedBytes,
        metrics,
      });
    } finally {
      guest?.close();
      slot?.release();
    }
  }

  private cancelMessage(live: LiveExecution): string {
    return live.cancelReason ? `cancelled: ${live.cancelReason}` : 'cancelled';
  }

  private async finish(live: LiveExecution, end: ExecutionEnd): Promise<ExecutionRecord> {
    const record = terminalRecord(live.record, end, live.logs, live.cancelReason, this.config, Date.now());
    const status = record.status;
    live.record = record;
    this.deferred.delete(live);
    await live.firstWrite.catch(() => undefined);
    const fresh = live.fresh;
    live.fresh = false;
    await this.store.putExecution(record, this.registry.noteExecution(record.taskId, status), { sync: this.config.syncWrites, fresh });
    addExecution(this.figures, record, this.registry.get(record.taskId)?.name);
    this.observer?.executionFinished(record, this.registry.get(record.taskId)?.runtime ?? 'unknown');
    this.log.info(
      {
        executionId: record.executionId,
        taskId: record.taskId,
        functionName: record.functionName,
        mode: record.mode,
        status,
        errorCode: record.errorCode,
        executionTimeMs: record.executionTimeMs,
        queueMs: Number(record.metrics.queue_ms ?? 0),
        coldStart: record.metrics.cold_start === 'true',
      },
      'execution finished',
    );
    return record;
  }

  /** The current record of an execution: live state first, else the store. */
  async status(executionId: string): Promise<ExecutionRecord | undefined> {
    return this.live.snapshot(executionId) ?? this.store.getExecution(executionId);
  }

  /** The log buffer and completion of an execution still PENDING or RUNNING (FollowExecutionLogs). */
  liveLogs(executionId: string): { logs: LogBuffer; done: Promise<ExecutionRecord> } | undefined {
    const live = this.live.get(executionId);
    return live && { logs: live.logs, done: live.done };
  }

  /**
   * Cancels a PENDING or RUNNING execution for real (its instance is terminated). Returns the
   * final status; `cancelled` is false when the execution had already finished.
   */
  async cancel(executionId: string, reason: string): Promise<{ cancelled: boolean; record: ExecutionRecord }> {
    const live = this.live.get(executionId);
    if (live) {
      live.cancelReason = reason;
      live.abort.abort(new SpearletError(ErrorCodes.INTERNAL, 'cancelled'));
      const record = await live.done;
      return { cancelled: record.status === 'CANCELLED', record };
    }
    const record = await this.store.getExecution(executionId);
    if (!record) throw executionNotFound(executionId);
    return { cancelled: false, record };
  }

  /**
   * Stops accepting work, waits up to `graceMs` for running executions, then cancels the rest
   * (they end FAILED INTERRUPTED).
   */
  async drain(graceMs: number): Promise<void> {
    this.accepting = false;
    const all = () => [...[...this.arriving].map((a) => a.catch(() => undefined)), ...[...this.live.values()].map((l) => l.done.catch(() => undefined))];
    let expired = false;
    const timer = setTimeout(() => (expired = true), graceMs);
    const tick = new Promise<void>((resolve) => setTimeout(resolve, graceMs).unref());
    // An arriving request becomes a live execution, so wait until both sets are empty.
    while (!expired && (this.arriving.size > 0 || this.live.size > 0)) await Promise.race([Promise.all(all()), tick]);
    clearTimeout(timer);
    for (const l of this.live.values()) {
      l.cancelReason = FINISHED_BY_SHUTDOWN;
      l.abort.abort();
    }
    await Promise.all(all());
  }
}
