/**
 * What a tenant-scoped caller sees of lists, health details and statistics: its own tasks and
 * executions only, figures computed from them alone. Server-wide figures that would reveal other
 * tenants' activity (the shared queue, other tasks' instances) are not shown to it.
 */
import { pageLimit, type SpearletCore } from '../core/spearlet-core.js';
import { addExecution, averageTimeMs, emptyFigures, successRatePercent } from '../core/execution/execution-stats.js';
import { ulidFloor } from '../core/values/ids.js';
import { tenantOf } from '../core/tasks/task-limits.js';
import type { GetHealthRequest__Output } from '../generated/spearlet/GetHealthRequest.js';
import type { GetHealthResponse } from '../generated/spearlet/GetHealthResponse.js';
import type { GetStatsRequest__Output } from '../generated/spearlet/GetStatsRequest.js';
import type { GetStatsResponse } from '../generated/spearlet/GetStatsResponse.js';
import type { ListExecutionsRequest__Output } from '../generated/spearlet/ListExecutionsRequest.js';
import type { ListExecutionsResponse } from '../generated/spearlet/ListExecutionsResponse.js';
import type { ListTasksRequest__Output } from '../generated/spearlet/ListTasksRequest.js';
import type { ListTasksResponse } from '../generated/spearlet/ListTasksResponse.js';
import { invalidArgument } from '../errors.js';
import { executionInfo, statusFromEnum, taskInfo } from '../server/proto-convert.js';
import type { Page } from '../store/store.js';
import type { ExecutionRecord, TaskRecord } from '../store/records.js';

/** The tenant a task belongs to. */
export function taskTenant(task: TaskRecord | undefined): string | undefined {
  return task === undefined ? undefined : tenantOf(task.artifact.metadata);
}

/** The tenant an execution ran for: stored on it, or (older records) its task's. */
export function executionTenant(core: SpearletCore, record: ExecutionRecord): string | undefined {
  return record.tenant ?? taskTenant(core.registry.get(record.taskId));
}

/**
 * One page of the items `keep` accepts, read through as many store pages as it takes. `hasMore`
 * is true only when another kept item exists beyond the page.
 */
async function keptPage<T>(limit: number, startAfter: string, fetch: (startAfter: string) => Promise<Page<T>>, keep: (item: T) => boolean, idOf: (item: T) => string): Promise<Page<T>> {
  const want = pageLimit(limit);
  const items: T[] = [];
  let cursor = startAfter;
  for (;;) {
    const page = await fetch(cursor);
    for (const item of page.items) {
      if (!keep(item)) continue;
      if (items.length === want) return { items, hasMore: true, nextStartAfter: idOf(items[items.length - 1]) };
      items.push(item);
    }
    if (!page.hasMore || page.nextStartAfter === '') return { items, hasMore: false, nextStartAfter: '' };
    cursor = page.nextStartAfter;
  }
}

export async function tenantTasks(core: SpearletCore, tenant: string, req: ListTasksRequest__Output): Promise<ListTasksResponse> {
  const page = await keptPage(req.limit, req.startAfter, (after) => core.listTasks(req.prefix, req.limit, after), (t) => taskTenant(t) === tenant, (t) => t.taskId);
  return { tasks: page.items.map((t) => taskInfo(t, req.includeDetails)), hasMore: page.hasMore, nextStartAfter: page.nextStartAfter };
}

export async function tenantExecutions(core: SpearletCore, tenant: string, req: ListExecutionsRequest__Output): Promise<ListExecutionsResponse> {
  const status = statusFromEnum(req.statusFilter);
  const page = await keptPage(
    req.limit,
    req.startAfter,
    (after) => core.listExecutions(req.taskId, req.limit, after, status),
    (e) => executionTenant(core, e) === tenant,
    (e) => e.executionId,
  );
  return { executions: page.items.map(executionInfo), hasMore: page.hasMore, nextStartAfter: page.nextStartAfter };
}

/** The tenant's tasks, live executions and instance memory. */
function live(core: SpearletCore, tenant: string) {
  const tasks = core.registry.all().filter((t) => taskTenant(t) === tenant);
  const byTask = core.pool.snapshot().byTask;
  let running = 0;
  let pending = 0;
  let memoryBytes = 0;
  let active = 0;
  for (const t of tasks) {
    const executions = core.executions.liveOfTask(t.taskId);
    for (const e of executions) if (e.status === 'RUNNING') running++;
    pending += executions.filter((e) => e.status === 'PENDING').length;
    const instances = byTask.get(t.taskId);
    memoryBytes += instances?.memoryBytes ?? 0;
    if (executions.length > 0 || (instances?.live ?? 0) > 0) active++;
  }
  return { tasks, running, pending, memoryBytes, active };
}

export async function tenantHealth(core: SpearletCore, tenant: string, req: GetHealthRequest__Output): Promise<GetHealthResponse> {
  const h = await core.health.health();
  const own = live(core, tenant);
  const quota = core.quotas.quotaOf(tenant);
  const gate = core.quotas.figures(tenant);
  // The service's own state, not other tenants' load: a saturated shared queue reads as degraded.
  const status = h.status === 'unhealthy' ? 'unhealthy' : 'healthy';
  return {
    status,
    message: status === 'healthy' ? 'serving' : h.message,
    uptimeSeconds: h.uptimeSeconds,
    details: req.includeDetails
      ? {
          activeTasks: own.active,
          runningExecutions: own.running,
          pendingExecutions: own.pending,
          totalMemoryUsed: own.memoryBytes,
          totalExecutions: own.tasks.reduce((n, t) => n + t.executionCount, 0),
          systemInfo: {
            version: h.systemInfo.version,
            node_version: h.systemInfo.node_version,
            runtimes: h.systemInfo.runtimes,
            artifact_types: h.systemInfo.artifact_types,
            tenant,
            total_tasks: String(own.tasks.length),
            tenant_running: String(gate.running),
            tenant_queued: String(gate.queued),
            cpu_ms_last_minute: String(Math.round(core.quotas.cpuLastMinuteMs(tenant))),
            quota_max_concurrent: String(quota.maxConcurrent),
            quota_max_queued: String(quota.maxQueued),
            quota_max_tasks: String(quota.maxTasks),
            quota_max_artifact_bytes: String(quota.maxArtifactBytes),
            quota_cpu_ms_per_minute: String(quota.cpuMsPerMinute),
          },
        }
      : null,
  };
}

export async function tenantStats(core: SpearletCore, tenant: string, req: GetStatsRequest__Output): Promise<GetStatsResponse> {
  if (req.timeRangeHours < 0) throw invalidArgument('time_range_hours', `must not be negative, got ${req.timeRangeHours}`);
  const own = live(core, tenant);
  const figures = emptyFigures();
  const since = req.timeRangeHours > 0 ? ulidFloor(Date.now() - req.timeRangeHours * 3_600_000) : '';
  for await (const e of core.store.executionsSince(since)) {
    if (executionTenant(core, e) === tenant) addExecution(figures, e, core.registry.get(e.taskId)?.name);
  }
  const byType: Record<string, number> = {};
  for (const t of own.tasks) byType[t.runtime] = (byType[t.runtime] ?? 0) + 1;
  const mostActive = [...own.tasks].sort((a, b) => b.executionCount - a.executionCount).slice(0, 10);
  return {
    serviceStats: {
      uptimeSeconds: core.health.uptimeSeconds(),
      totalTasks: own.tasks.length,
      totalExecutions: figures.total,
      totalMemoryUsed: own.memoryBytes,
      // The tenant's guest CPU over the last minute, as a share of one core.
      cpuUsagePercent: (100 * core.quotas.cpuLastMinuteMs(tenant)) / 60_000,
      memoryUsagePercent: (100 * own.memoryBytes) / (core.config.maxTotalInstanceMemoryMb * 1024 * 1024),
    },
    taskStats: req.includeTaskStats
      ? { activeTasks: own.active, idleTasks: own.tasks.length - own.active, tasksByType: byType, mostActiveTasks: mostActive.map((t) => taskInfo(t, false)) }
      : null,
    executionStats: req.includeExecutionStats
      ? {
          runningExecutions: own.running,
          pendingExecutions: own.pending,
          completedExecutions: figures.byStatus.COMPLETED,
          failedExecutions: figures.byStatus.FAILED + figures.byStatus.TIMEOUT,
          averageExecutionTimeMs: averageTimeMs(figures),
          successRatePercent: successRatePercent(figures),
          executionsByFunction: Object.fromEntries(figures.byFunction),
        }
      : null,
  };
}
