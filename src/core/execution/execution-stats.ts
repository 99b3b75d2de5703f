/**
 * Execution statistics: counts by status, durations and per-function counts, built from the store
 * at start-up (or for a time window, on demand) and kept live as executions finish.
 */
import { type StoredFigures, splitFunctionFigureKey } from '../../store/aggregates.js';
import type { ExecutionRecord, ExecutionStatus } from '../../store/records.js';

export interface ExecutionFigures {
  total: number;
  byStatus: Record<ExecutionStatus, number>;
  totalTimeMs: number;
  /** Finished executions counted in totalTimeMs. */
  timedCount: number;
  byFunction: Map<string, number>;
}

export function emptyFigures(): ExecutionFigures {
  return {
    total: 0,
    byStatus: { PENDING: 0, RUNNING: 0, COMPLETED: 0, FAILED: 0, CANCELLED: 0, TIMEOUT: 0 },
    totalTimeMs: 0,
    timedCount: 0,
    byFunction: new Map(),
  };
}

/** Adds one terminal execution to the figures. */
export function addExecution(f: ExecutionFigures, e: ExecutionRecord, taskName: string | undefined): void {
  f.total++;
  f.byStatus[e.status]++;
  if (e.status !== 'PENDING' && e.status !== 'RUNNING') {
    f.totalTimeMs += e.executionTimeMs;
    f.timedCount++;
  }
  const key = functionKey(taskName ?? e.taskId, e.functionName);
  f.byFunction.set(key, (f.byFunction.get(key) ?? 0) + 1);
}

export function functionKey(taskName: string, functionName: string): string {
  return `${taskName}/${functionName || 'default'}`;
}

export function averageTimeMs(f: ExecutionFigures): number {
  return f.timedCount === 0 ? 0 : f.totalTimeMs / f.timedCount;
}

export function successRatePercent(f: ExecutionFigures): number {
  const finished = f.byStatus.COMPLETED + f.byStatus.FAILED + f.byStatus.CANCELLED + f.byStatus.TIMEOUT;
  return finished === 0 ? 0 : (100 * f.byStatus.COMPLETED) / finished;
}

/** The store's figures (functions keyed by task id) with functions keyed by task name. */
export function fromStoredFigures(stored: StoredFigures, taskName: (taskId: string) => string | undefined): ExecutionFigures {
  const byFunction = new Map<string, number>();
  for (const [key, n] of Object.entries(stored.byFunction)) {
    const { taskId, functionName } = splitFunctionFigureKey(key);
    const name = functionKey(taskName(taskId) ?? taskId, functionName);
    byFunction.set(name, (byFunction.get(name) ?? 0) + n);
  }
  return { total: stored.total, byStatus: { ...stored.byStatus }, totalTimeMs: stored.totalTimeMs, timedCount: stored.timedCount, byFunction };
}
