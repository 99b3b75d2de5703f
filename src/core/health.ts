/**
 * Health and statistics from live figures: the store is pinged, the pool and admission counted,
 * the process measured. Nothing here is a constant.
 */
import * as os from 'node:os';
import type { Config } from '../config.js';
import { runtimeVersions } from '../node-release.js';
import type { Store } from '../store/store.js';
import type { Admission } from './admission/admission.js';
import { type ExecutionFigures, averageTimeMs, fromStoredFigures, successRatePercent } from './execution/execution-stats.js';
import type { TaskExecutionManager } from './execution/execution-manager.js';
import type { InstancePool } from './pool/instance-pool.js';
import type { RuntimeManager } from './runtime/runtime-manager.js';
import type { TaskRegistry } from './tasks/task-registry.js';
import type { TaskRecord } from '../store/records.js';

export interface HealthReport {
  status: 'healthy' | 'degraded' | 'unhealthy';
  message: string;
  uptimeSeconds: number;
  activeTasks: number;
  runningExecutions: number;
  pendingExecutions: number;
  totalMemoryUsed: number;
  totalExecutions: number;
  systemInfo: Record<string, string>;
}

export interface StatsReport {
  uptimeSeconds: number;
  totalTasks: number;
  totalExecutions: number;
  totalMemoryUsed: number;
  cpuUsagePercent: number;
  memoryUsagePercent: number;
  tasks: { active: number; idle: number; byType: Record<string, number>; mostActive: TaskRecord[] };
  executions: {
    running: number;
    pending: number;
    completed: number;
    failed: number;
    averageTimeMs: number;
    successRatePercent: number;
    byFunction: Record<string, number>;
  };
}

/** A store answer slower than this makes the service `degraded`. */
const SLOW_STORE_MS = 500;

export class HealthMonitor {
  private readonly startedAt = Date.now();
  private lastCpu = process.cpuUsage();
  private lastCpuAt = process.hrtime.bigint();

  constructor(
    private readonly config: Config,
    private readonly store: Store,
    private readonly registry: TaskRegistry,
    private readonly manager: TaskExecutionManager,
    private readonly pool: InstancePool,
    private readonly admission: Admission,
    private readonly runtimes: RuntimeManager,
  ) {}

  uptimeSeconds(): number {
    return Math.floor((Date.now() - this.startedAt) / 1000);
  }

  /** Tasks with a live instance or a live execution. */
  private activeTaskIds(): Set<string> {
    // One pass over live executions, not one per registered task.
    const active = this.manager.liveTaskIds();
    for (const [taskId, t] of this.pool.snapshot().byTask) if (t.live > 0) active.add(taskId);
    return active;
  }

  /**
   * Executions waiting to run: ASYNC ones accepted PENDING, and SYNC and STREAM calls waiting in
   * the admission queue (not recorded yet). Every PENDING execution waits in that queue too.
   */
  private pendingCount(): number {
    return Math.max(this.manager.pendingCount, this.admission.queuedCount);
  }

  async health(): Promise<HealthReport> {
    let status: HealthReport['status'] = 'healthy';
    const problems: string[] = [];
    const t0 = performance.now();
    try {
      await this.store.ping();
      const ms = performance.now() - t0;
      if (ms > SLOW_STORE_MS) {
        status = 'degraded';
        problems.push(`store answered in ${ms.toFixed(0)} ms`);
      }
    } catch (err) {
      status = 'unhealthy';
      problems.push(`store unusable: ${(err as Error).message}`);
    }
    if (status === 'healthy' && this.admission.saturated) {
      status = 'degraded';
      problems.push(`execution queue saturated (${this.admission.queuedCount} of ${this.config.maxQueueLength} waiting, new calls are refused)`);
    }
    const pool = this.pool.snapshot();
    const versions = runtimeVersions();
    const stored = await this.store.storedExecutions().catch(() => undefined);
    return {
      status,
      message: problems.length === 0 ? 'serving' : problems.join('; '),
      uptimeSeconds: this.uptimeSeconds(),
      activeTasks: this.activeTaskIds().size,
      runningExecutions: this.manager.runningCount,
      pendingExecutions: this.pendingCount(),
      totalMemoryUsed: pool.memoryBytes,
      totalExecutions: this.manager.totals.total,
      systemInfo: {
        version: '0.1.0',
        node_version: versions.node,
        v8_version: versions.v8,
        isolated_vm_version: versions.isolatedVm,
        platform: `${process.platform}-${process.arch}`,
        runtimes: this.runtimes.names().join(','),
        artifact_types: this.runtimes.artifactTypes().join(','),
        isolation: this.config.isolation,
        live_instances: String(pool.live),
        idle_instances: String(pool.idle),
        warm_instances: String(pool.idle),
        busy_instances: String(pool.busy),
        creating_instances: String(pool.creating),
        instance_waiters: String(pool.waiting),
        instance_memory_bytes: String(pool.memoryBytes),
        instances_created: String(pool.counters.created),
        instances_recycled: String(pool.counters.recycled),
        instances_evicted_idle: String(pool.counters.evictedIdle),
        instances_evicted_for_capacity: String(pool.counters.evictedForCapacity),
        scheduling_policy: this.pool.schedulingPolicy,
        running_slots: `${this.admission.runningCount}/${this.config.maxConcurrentExecutions}`,
        queue_depth: String(this.admission.queuedCount),
        queue_capacity: String(this.config.maxQueueLength),
        rss_bytes: String(process.memoryUsage().rss),
        total_tasks: String(this.registry.size),
        stored_executions: stored === undefined ? 'unknown' : String(stored.total),
        ...this.runtimes.systemInfo(),
      },
    };
  }

  private cpuPercent(): number {
    const now = process.hrtime.bigint();
    const cpu = process.cpuUsage(this.lastCpu);
    const elapsedUs = Number(now - this.lastCpuAt) / 1000;
    this.lastCpu = process.cpuUsage();
    this.lastCpuAt = now;
    if (elapsedUs <= 0) return 0;
    return Math.min(100 * os.availableParallelism(), (100 * (cpu.user + cpu.system)) / elapsedUs);
  }

  async stats(timeRangeHours: number): Promise<StatsReport> {
    let figures: ExecutionFigures = this.manager.totals;
    if (timeRangeHours > 0) {
      // Hour buckets the store keeps beside the records: no scan, whatever the window.
      const stored = await this.store.figuresSince(Date.now() - timeRangeHours * 3_600_000);
      figures = fromStoredFigures(stored, (taskId) => this.registry.get(taskId)?.name);
    }
    const pool = this.pool.snapshot();
    const tasks = this.registry.all();
    const active = this.activeTaskIds();
    const byType: Record<string, number> = {};
    for (const t of tasks) byType[t.runtime] = (byType[t.runtime] ?? 0) + 1;
    const mostActive = [...tasks].sort((a, b) => b.executionCount - a.executionCount).slice(0, 10);
    return {
      uptimeSeconds: this.uptimeSeconds(),
      totalTasks: tasks.length,
      totalExecutions: figures.total,
      totalMemoryUsed: pool.memoryBytes,
      cpuUsagePercent: this.cpuPercent(),
      memoryUsagePercent: (100 * process.memoryUsage().rss) / os.totalmem(),
      tasks: { active: active.size, idle: tasks.length - active.size, byType, mostActive },
      executions: {
        running: this.manager.runningCount,
        pending: this.pendingCount(),
        completed: figures.byStatus.COMPLETED,
        failed: figures.byStatus.FAILED + figures.byStatus.TIMEOUT,
        averageTimeMs: averageTimeMs(figures),
        successRatePercent: successRatePercent(figures),
        byFunction: Object.fromEntries(figures.byFunction),
      },
    };
  }
}
