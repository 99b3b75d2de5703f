/**
 * InstancePool: keeps warm instances per task so invocations skip cold starts.
 *
 * One call runs on an instance at a time. `acquire` hands out an idle instance of the task (the
 * most recently used, so its caches are warm), or creates one while the task is under its
 * max_instances and the pool under its global caps (evicting the least recently used idle instance
 * of another task when needed), or waits for one to be released. `release` returns an instance or
 * disposes it; the decision lives in `shouldRecycle`.
 */
import type { Config } from '../config.js';
import type { TaskRecord } from '../store/records.js';
import type { Instance, Outcome } from './runtime.js';
import type { RuntimeManager } from './runtime-manager.js';

/** An instance with the pool's bookkeeping. */
export interface PooledInstance {
  readonly instance: Instance;
  readonly taskId: string;
  readonly memoryLimitMb: number;
  executions: number;
  lastUsed: number;
  busy: boolean;
}

export interface Lease {
  readonly pooled: PooledInstance;
  /** True when the instance was created for this call. */
  readonly cold: boolean;
}

interface TaskEntry {
  idle: PooledInstance[];
  all: Set<PooledInstance>;
  creating: number;
  waiters: Array<() => void>;
}

export interface PoolSnapshot {
  live: number;
  idle: number;
  busy: number;
  memoryBytes: number;
  byTask: Map<string, { live: number; idle: number }>;
}

/** Why an instance must not be reused after a call, or undefined to keep it. */
export function shouldRecycle(p: PooledInstance, outcome: Outcome | undefined, config: Config): string | undefined {
  if (outcome && !outcome.instanceUsable) return `instance unusable after ${outcome.errorCode ?? outcome.status}`;
  if (p.executions >= config.recycleAfterExecutions) return `served ${p.executions} executions`;
  if (outcome && outcome.memoryUsedBytes > config.recycleHeapMb * 1024 * 1024) return `heap grew to ${outcome.memoryUsedBytes} bytes`;
  return undefined;
}

export class InstancePool {
  private readonly tasks = new Map<string, TaskEntry>();
  private total = 0;
  private readonly sweeper: NodeJS.Timeout;
  private closed = false;

  constructor(
    private readonly runtimes: RuntimeManager,
    private readonly config: Config,
    private readonly codeOf: (task: TaskRecord) => Promise<Uint8Array>,
  ) {
    this.sweeper = setInterval(() => this.evictIdle(Date.now()), Math.min(30_000, Math.max(50, config.instanceIdleMs / 2)));
    this.sweeper.unref();
  }

  private entry(taskId: string): TaskEntry {
    let e = this.tasks.get(taskId);
    if (!e) {
      e = { idle: [], all: new Set(), creating: 0, waiters: [] };
      this.tasks.set(taskId, e);
    }
    return e;
  }

  /** An instance for one call of `task`; `forceNew` skips warm instances. */
  async acquire(task: TaskRecord, forceNew = false): Promise<Lease> {
    const e = this.entry(task.taskId);
    for (;;) {
      if (!forceNew) {
        const warm = e.idle.pop();
        if (warm) {
          warm.busy = true;
          return { pooled: warm, cold: false };
        }
      }
      if (e.all.size + e.creating < task.limits.maxInstances || (forceNew && e.idle.length > 0)) {
        if (forceNew && e.all.size + e.creating >= task.limits.maxInstances) this.disposeOne(e, e.idle.shift()!);
        if (this.total + 1 > this.config.maxTotalInstances) this.evictLeastRecentlyUsed(task.taskId);
        return { pooled: await this.create(task, e), cold: true };
      }
      await new Promise<void>((resolve) => e.waiters.push(resolve));
    }
  }

  private async create(task: TaskRecord, e: TaskEntry): Promise<PooledInstance> {
    e.creating++;
    this.total++;
    try {
      const runtime = this.runtimes.byRuntimeName(task.runtime);
      const instance = await runtime.createInstance({
        taskId: task.taskId,
        digest: task.digest,
        code: await this.codeOf(task),
        limits: { memoryLimitMb: task.limits.memoryLimitMb },
      });
      const pooled: PooledInstance = { instance, taskId: task.taskId, memoryLimitMb: task.limits.memoryLimitMb, executions: 0, lastUsed: Date.now(), busy: true };
      e.all.add(pooled);
      return pooled;
    } catch (err) {
      this.total--;
      throw err;
    } finally {
      e.creating--;
    }
  }

  /** Returns an instance after a call; disposes it when `shouldRecycle` says so. */
  release(lease: Lease, outcome: Outcome | undefined): void {
    const p = lease.pooled;
    p.busy = false;
    p.executions++;
    p.lastUsed = Date.now();
    const e = this.entry(p.taskId);
    if (this.closed || shouldRecycle(p, outcome, this.config)) this.disposeOne(e, p);
    else e.idle.push(p);
    e.waiters.shift()?.();
  }

  private disposeOne(e: TaskEntry, p: PooledInstance): void {
    if (!e.all.delete(p)) return;
    const i = e.idle.indexOf(p);
    if (i >= 0) e.idle.splice(i, 1);
    this.total--;
    p.instance.dispose();
  }

  private evictLeastRecentlyUsed(exceptTaskId: string): void {
    let victim: { e: TaskEntry; p: PooledInstance } | undefined;
    for (const [taskId, e] of this.tasks) {
      if (taskId === exceptTaskId) continue;
      for (const p of e.idle) if (!victim || p.lastUsed < victim.p.lastUsed) victim = { e, p };
    }
    if (victim) this.disposeOne(victim.e, victim.p);
  }

  /** Disposes instances idle longer than the idle time, keeping each task's min_instances. */
  evictIdle(now: number, minInstancesOf: (taskId: string) => number = () => 0): void {
    for (const [taskId, e] of this.tasks) {
      const keep = minInstancesOf(taskId);
      for (const p of [...e.idle]) {
        if (e.all.size <= keep) break;
        if (now - p.lastUsed >= this.config.instanceIdleMs) this.disposeOne(e, p);
      }
    }
  }

  /** Disposes every instance of a task (deleted task). Busy ones go when released. */
  disposeTask(taskId: string): void {
    const e = this.tasks.get(taskId);
    if (!e) return;
    for (const p of [...e.idle]) this.disposeOne(e, p);
    if (e.all.size === 0) this.tasks.delete(taskId);
  }

  snapshot(): PoolSnapshot {
    const byTask = new Map<string, { live: number; idle: number }>();
    let idle = 0;
    let memoryBytes = 0;
    for (const [taskId, e] of this.tasks) {
      byTask.set(taskId, { live: e.all.size, idle: e.idle.length });
      idle += e.idle.length;
      for (const p of e.all) memoryBytes += p.instance.memoryUsedBytes();
    }
    return { live: this.total, idle, busy: this.total - idle, memoryBytes, byTask };
  }

  close(): void {
    this.closed = true;
    clearInterval(this.sweeper);
    for (const e of this.tasks.values()) for (const p of [...e.idle]) this.disposeOne(e, p);
  }
}
