/**
 * InstancePool: keeps warm instances per task so invocations skip cold starts, within a task's
 * min/max_instances and the server's global caps on live instances and their memory.
 *
 * One call runs on an instance at a time. `acquire` hands out an idle instance of the task (which
 * one is the scheduler's choice), or creates one while the task is under its max_instances and the
 * pool under its caps (evicting the least recently used idle instances across tasks when needed),
 * or waits for an instance to be released. `release` returns an instance or disposes it; that
 * decision lives in `shouldRecycle`. Each task's min_instances are created in the background (at
 * registration, at start-up, after recycling) and are kept through idle eviction.
 *
 * Memory is accounted with each instance's measured heap (and linear memory), as its runtime
 * reports after every call; an instance being created counts with the last figure measured for its
 * task (NEW_INSTANCE_ESTIMATE_BYTES for a task's first instance).
 */
import type { Config } from '../../config.js';
import { ErrorCodes, SpearletError } from '../../errors.js';
import type { TaskRecord } from '../../store/records.js';
import type { AcquireOptions, Lease, PoolCounters, PoolSnapshot, PooledInstance } from './pool-types.js';
import { shouldRecycle } from './recycle-policy.js';
import type { Instance, Outcome } from '../runtime/runtime.js';
import type { RuntimeManager } from '../runtime/runtime-manager.js';
import { type Scheduler, createScheduler } from './scheduler.js';
import { PoolWaiters, ROOM, eitherSignal } from './pool-waiters.js';
import { type Member, type TaskEntry, entryFigures, expiredIdle, leastRecentlyUsed, lruVictim } from './pool-members.js';
import { instanceLimitsOf, tenantOf } from '../tasks/task-limits.js';

export type { AcquireOptions, Lease, PoolCounters, PoolSnapshot, PooledInstance } from './pool-types.js';
export { shouldRecycle } from './recycle-policy.js';

/** Memory charged for a task's first instance until it is measured. */
export const NEW_INSTANCE_ESTIMATE_BYTES = 2 * 1024 * 1024;
/** Weight of the latest call in an instance's decayed load. */
const LOAD_WEIGHT = 0.3;

export class InstancePool {
  private readonly tasks = new Map<string, TaskEntry>();
  private readonly scheduler: Scheduler;
  private readonly waiters = new PoolWaiters();
  private readonly maxMemoryBytes: number;
  private readonly sweeper: NodeJS.Timeout;
  private readonly counters: PoolCounters = { created: 0, recycled: 0, evictedIdle: 0, evictedForCapacity: 0, discarded: 0, warmFailures: 0 };
  /** Instances alive plus those being created. */
  private live = 0;
  /** Measured memory of live instances plus estimates for those being created. */
  private memory = 0;
  private useSeq = 0;
  private closed = false;

  /**
   * @param codeOf the artifact bytes of a task (the registry's cache)
   * @param onBackgroundError told when a background creation (min_instances) fails
   */
  constructor(
    private readonly runtimes: RuntimeManager,
    private readonly config: Config,
    private readonly codeOf: (task: TaskRecord) => Promise<Uint8Array>,
    private readonly onBackgroundError: (taskId: string, err: unknown) => void = () => {},
  ) {
    this.scheduler = createScheduler(config.schedulingPolicy);
    this.maxMemoryBytes = config.maxTotalInstanceMemoryMb * 1024 * 1024;
    this.sweeper = setInterval(() => this.evictIdle(Date.now()), Math.min(30_000, Math.max(50, config.instanceIdleMs / 2)));
    this.sweeper.unref();
  }

  /** The policy picking among idle instances. */
  get schedulingPolicy(): string {
    return this.scheduler.policy;
  }

  private entry(task: TaskRecord): TaskEntry {
    let e = this.tasks.get(task.taskId);
    if (!e || e.deleted) {
      e = { task, idle: [], all: new Set(), creating: 0, warming: false, deleted: false, memoryEstimate: NEW_INSTANCE_ESTIMATE_BYTES };
      this.tasks.set(task.taskId, e);
    } else {
      e.task = task;
    }
    return e;
  }

  /**
   * An instance for one call of `task`. Resolves at once with a warm instance when the task has an
   * idle one; otherwise creates one (cold) or waits for one. Rejects with the signal's reason when
   * the call is cancelled while waiting, SHUTTING_DOWN once the pool is closed, and with the
   * runtime's error when creating the instance fails.
   */
  async acquire(task: TaskRecord, options: AcquireOptions = {}): Promise<Lease> {
    const e = this.entry(task);
    // The queue this call was last woken from: it keeps its turn if it must wait again, and passes
    // the wake-up on if it gives up.
    let wokenFrom: string | undefined;
    let waitSignal: AbortSignal | undefined;
    for (;;) {
      if (this.closed) throw new SpearletError(ErrorCodes.SHUTTING_DOWN, 'the instance pool is closed');
      if (options.signal?.aborted || options.alsoAbortedBy?.aborted) {
        if (wokenFrom !== undefined) this.waiters.passOn(wokenFrom);
        options.signal?.throwIfAborted();
        options.alsoAbortedBy?.throwIfAborted();
      }
      if (!options.forceNew && e.idle.length > 0) {
        const p = this.take(e);
        const cold = p.coldOnFirstUse;
        p.coldOnFirstUse = false;
        return { pooled: p, cold };
      }
      if (e.all.size + e.creating >= task.limits.maxInstances) {
        // A fresh instance within max_instances: the warm one used longest ago makes way.
        const oldest = options.forceNew ? leastRecentlyUsed(e.idle) : undefined;
        if (oldest === undefined) {
          await this.waiters.wait(task.taskId, (waitSignal ??= eitherSignal(options.signal, options.alsoAbortedBy)), wokenFrom !== undefined);
          wokenFrom = task.taskId;
          continue;
        }
        this.dispose(oldest, 'recycled');
      }
      if (!this.makeRoom(e.memoryEstimate)) {
        await this.waiters.wait(ROOM, (waitSignal ??= eitherSignal(options.signal, options.alsoAbortedBy)), wokenFrom !== undefined);
        wokenFrom = ROOM;
        continue;
      }
      return { pooled: await this.create(e, true), cold: true };
    }
  }

  private take(e: TaskEntry): Member {
    const i = e.idle.length === 1 ? 0 : this.scheduler.pick(e.idle);
    const p = e.idle[i];
    // Order within the idle list does not matter (schedulers look at every candidate).
    e.idle[i] = e.idle[e.idle.length - 1];
    e.idle.pop();
    p.busy = true;
    p.lastUseSeq = ++this.useSeq;
    return p;
  }

  /** Builds an instance; `forCall` ones are handed out busy, the others join the idle list. */
  private async create(e: TaskEntry, forCall: boolean): Promise<Member> {
    const reserved = e.memoryEstimate;
    e.creating++;
    this.live++;
    this.memory += reserved;
    let instance: Instance;
    try {
      const task = e.task;
      const runtime = this.runtimes.byRuntimeName(task.runtime);
      instance = await runtime.createInstance({
        taskId: task.taskId,
        digest: task.digest,
        code: await this.codeOf(task),
        limits: instanceLimitsOf(task.limits, tenantOf(task.artifact.metadata)),
        reload: () => this.codeOf(task),
      });
    } catch (err) {
      this.live--;
      this.memory -= reserved;
      e.creating--;
      this.waiters.slotFreed(e.task.taskId);
      throw err;
    }
    e.creating--;
    this.live--;
    this.memory -= reserved;
    const p = this.join(e, instance, forCall, false);
    // It was charged an estimate; measured, it may not fit after all, or leave room for another.
    if (p.memoryBytes > reserved) this.shrinkToMemoryCap();
    else if (p.memoryBytes < reserved) this.waiters.wakeOne(ROOM);
    return p;
  }

  /** Adds a built instance to its task: busy (handed to a call) or idle. */
  private join(e: TaskEntry, instance: Instance, busy: boolean, coldOnFirstUse: boolean): Member {
    const memoryBytes = instance.memoryUsedBytes();
    const p: Member = {
      instance,
      entry: e,
      taskId: e.task.taskId,
      memoryLimitMb: e.task.limits.memoryLimitMb,
      executions: 0,
      lastUsed: Date.now(),
      lastUseSeq: busy ? ++this.useSeq : 0,
      load: 0,
      memoryBytes,
      busy,
      coldOnFirstUse,
    };
    e.all.add(p);
    if (!busy) e.idle.push(p);
    this.live++;
    this.memory += memoryBytes;
    if (memoryBytes > 0) e.memoryEstimate = memoryBytes;
    this.counters.created++;
    return p;
  }

  /**
   * Returns an instance after a call (`outcome` undefined when nothing ran on it); disposes it
   * when `shouldRecycle` says so, replacing it in the background if its task keeps a minimum.
   */
  release(lease: Lease, outcome: Outcome | undefined): void {
    const p = lease.pooled as Member;
    const e = p.entry;
    p.busy = false;
    p.lastUsed = Date.now();
    let shrank = false;
    if (outcome) {
      p.executions++;
      p.load = p.executions === 1 ? outcome.cpuTimeUs : p.load + LOAD_WEIGHT * (outcome.cpuTimeUs - p.load);
      const memoryBytes = outcome.instanceUsable ? outcome.memoryUsedBytes : p.memoryBytes;
      this.memory += memoryBytes - p.memoryBytes;
      shrank = memoryBytes < p.memoryBytes;
      p.memoryBytes = memoryBytes;
      if (memoryBytes > 0) e.memoryEstimate = memoryBytes;
    }
    if (this.closed || e.deleted) {
      this.dispose(p, 'discarded');
    } else if (shouldRecycle(p, outcome, this.config) !== undefined) {
      this.dispose(p, 'recycled');
      this.keepMinimum(e);
    } else {
      e.idle.push(p);
      // A heap that grew may have pushed the pool past its memory cap.
      this.shrinkToMemoryCap();
      if (!this.waiters.idleAppeared(e.task.taskId) && shrank) this.waiters.wakeOne(ROOM);
    }
  }

  private dispose(p: Member, why: 'recycled' | 'evictedIdle' | 'evictedForCapacity' | 'discarded'): void {
    const e = p.entry;
    if (!e.all.delete(p)) return;
    const i = e.idle.indexOf(p);
    if (i >= 0) e.idle.splice(i, 1);
    this.live--;
    this.memory -= p.memoryBytes;
    this.counters[why]++;
    p.instance.dispose();
    if (e.deleted && e.all.size === 0 && e.creating === 0 && this.tasks.get(e.task.taskId) === e) this.tasks.delete(e.task.taskId);
    this.waiters.slotFreed(e.task.taskId);
  }

  private fits(extraBytes: number): boolean {
    return this.live + 1 <= this.config.maxTotalInstances && this.memory + extraBytes <= this.maxMemoryBytes;
  }

  /**
   * Evicts least recently used idle instances across tasks until one more instance of `needBytes`
   * fits under the caps. False when it cannot (every instance is busy); an empty pool always has
   * room for one.
   */
  private makeRoom(needBytes: number): boolean {
    while (!this.fits(needBytes)) {
      if (this.live === 0) return true;
      const victim = lruVictim(this.tasks.values());
      if (victim === undefined) return false;
      this.dispose(victim, 'evictedForCapacity');
    }
    return true;
  }

  private shrinkToMemoryCap(): void {
    while (this.memory > this.maxMemoryBytes) {
      const victim = lruVictim(this.tasks.values());
      if (victim === undefined) return;
      this.dispose(victim, 'evictedForCapacity');
    }
  }

  /**
   * Takes in an instance of `task` built outside the pool (the registry builds a new task's first
   * instance alongside its analysis). It joins the idle list, and the call that takes it first is
   * told it was a cold start; it is disposed when the pool has no room for it.
   */
  adopt(task: TaskRecord, instance: Instance): void {
    const e = this.entry(task);
    const memoryBytes = instance.memoryUsedBytes();
    if (this.closed || e.all.size + e.creating >= task.limits.maxInstances || !this.makeRoom(memoryBytes)) {
      instance.dispose();
      return;
    }
    this.join(e, instance, false, true);
    this.waiters.idleAppeared(e.task.taskId);
  }

  /**
   * Takes in, leased, a new task's first instance on which its first call is already running (it
   * started as soon as the instance was built, see FirstCall), then warms the task's
   * min_instances. Undefined when the pool has no room for it: the caller lets the call end and
   * disposes the instance.
   */
  adoptLeased(task: TaskRecord, instance: Instance): Lease | undefined {
    const e = this.entry(task);
    const memoryBytes = instance.memoryUsedBytes();
    let lease: Lease | undefined;
    if (!this.closed && e.all.size + e.creating < task.limits.maxInstances && this.makeRoom(memoryBytes)) {
      lease = { pooled: this.join(e, instance, true, false), cold: true };
    }
    this.keepWarm(task);
    return lease;
  }

  /**
   * Keeps `task`'s min_instances warm: creates the missing ones in the background, one at a time,
   * while they fit under the global caps (never evicting other tasks' instances for them). Called
   * when a task is registered or loaded at start-up; the pool calls it again after recycling and
   * on every idle sweep.
   */
  keepWarm(task: TaskRecord): void {
    if (this.closed) return;
    this.keepMinimum(this.entry(task));
  }

  private keepMinimum(e: TaskEntry): void {
    if (e.warming || e.deleted || this.closed || e.all.size + e.creating >= e.task.limits.minInstances) return;
    e.warming = true;
    // Off the request path: this may run inside a call's release.
    setImmediate(() => void this.warm(e));
  }

  private async warm(e: TaskEntry): Promise<void> {
    try {
      while (!e.deleted && !this.closed && e.all.size + e.creating < e.task.limits.minInstances && this.fits(e.memoryEstimate)) {
        const p = await this.create(e, false);
        if (e.deleted || this.closed) this.dispose(p, 'discarded');
        else this.waiters.idleAppeared(e.task.taskId);
      }
    } catch (err) {
      this.counters.warmFailures++;
      this.onBackgroundError(e.task.taskId, err);
    } finally {
      e.warming = false;
    }
  }

  /**
   * Disposes instances idle for instanceIdleMs or longer (the longest idle first), keeping each
   * task's min_instances, then tops every task back up to its minimum. Runs on a timer.
   */
  evictIdle(now: number): void {
    for (const e of this.tasks.values()) {
      for (const p of expiredIdle(e, now, this.config.instanceIdleMs)) {
        if (e.all.size <= e.task.limits.minInstances) break;
        this.dispose(p, 'evictedIdle');
      }
      this.keepMinimum(e);
    }
  }

  /** Disposes every instance of a task (deleted task). Busy ones go when released. */
  disposeTask(taskId: string): void {
    const e = this.tasks.get(taskId);
    if (!e) return;
    e.deleted = true;
    for (const p of [...e.idle]) this.dispose(p, 'discarded');
    if (e.all.size === 0 && e.creating === 0) this.tasks.delete(taskId);
  }

  snapshot(): PoolSnapshot {
    const byTask: PoolSnapshot['byTask'] = new Map();
    let idle = 0;
    let creating = 0;
    for (const [taskId, e] of this.tasks) {
      byTask.set(taskId, entryFigures(e));
      idle += e.idle.length;
      creating += e.creating;
    }
    return {
      live: this.live,
      idle,
      busy: this.live - idle - creating,
      creating,
      waiting: this.waiters.size,
      memoryBytes: this.memory,
      byTask,
      counters: { ...this.counters },
    };
  }

  /** Disposes idle instances and refuses new calls; busy instances are disposed when released. */
  close(): void {
    this.closed = true;
    clearInterval(this.sweeper);
    for (const e of this.tasks.values()) for (const p of [...e.idle]) this.dispose(p, 'discarded');
    this.waiters.wakeAll();
  }
}
