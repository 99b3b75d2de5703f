/**
 * GetHealth and GetStats from live figures.
 */
import type { SpearletCore } from '../../core/spearlet-core.js';
import { invalidArgument } from '../../errors.js';
import type { GetHealthRequest__Output } from '../../generated/spearlet/GetHealthRequest.js';
import type { GetHealthResponse } from '../../generated/spearlet/GetHealthResponse.js';
import type { GetStatsRequest__Output } from '../../generated/spearlet/GetStatsRequest.js';
import type { GetStatsResponse } from '../../generated/spearlet/GetStatsResponse.js';
import { taskInfo } from '../proto-convert.js';
import { type Unary, unary } from './unary.js';

export function getHealth(core: SpearletCore): Unary<GetHealthRequest__Output, GetHealthResponse> {
  return unary(async (req) => {
    const h = await core.health.health();
    return {
      status: h.status,
      message: h.message,
      uptimeSeconds: h.uptimeSeconds,
      details: req.includeDetails
        ? {
            activeTasks: h.activeTasks,
            runningExecutions: h.runningExecutions,
            pendingExecutions: h.pendingExecutions,
            totalMemoryUsed: h.totalMemoryUsed,
            totalExecutions: h.totalExecutions,
            systemInfo: h.systemInfo,
          }
        : null,
    };
  });
}

export function getStats(core: SpearletCore): Unary<GetStatsRequest__Output, GetStatsResponse> {
  return unary(async (req) => {
    if (req.timeRangeHours < 0) throw invalidArgument('time_range_hours', `must not be negative, got ${req.timeRangeHours}`);
    const s = await core.health.stats(req.timeRangeHours);
    return {
      serviceStats: {
        uptimeSeconds: s.uptimeSeconds,
        totalTasks: s.totalTasks,
        totalExecutions: s.totalExecutions,
        totalMemoryUsed: s.totalMemoryUsed,
        cpuUsagePercent: s.cpuUsagePercent,
        memoryUsagePercent: s.memoryUsagePercent,
      },
      taskStats: req.includeTaskStats
        ? { activeTasks: s.tasks.active, idleTasks: s.tasks.idle, tasksByType: s.tasks.byType, mostActiveTasks: s.tasks.mostActive.map((t) => taskInfo(t, false)) }
        : null,
      executionStats: req.includeExecutionStats
        ? {
            runningExecutions: s.executions.running,
            pendingExecutions: s.executions.pending,
            completedExecutions: s.executions.completed,
            failedExecutions: s.executions.failed,
            averageExecutionTimeMs: s.executions.averageTimeMs,
            successRatePercent: s.executions.successRatePercent,
            executionsByFunction: s.executions.byFunction,
          }
        : null,
    };
  });
}
