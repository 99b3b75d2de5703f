/**
 * Execution statistics: counts by status, durations and per-function counts, built from the store
 * at start-up (or for a time window, on demand) and kept live as executions finish.
 */
import { type Figures, type StoredFigures, countOutcome, splitFunctionFigureKey, zeroFigures } from '../../store/aggregates.js';
import type { ExecutionRecord } from '../../store/records.js';

/** Live figures: functions keyed `<taskName>/<functionName>` (see functionKey). */
export type ExecutionFigures = Figures<Map<string, number>>;

export function emptyFigures(): ExecutionFigures {
  return zeroFigures(new Map());
}

/** Adds one terminal execution to the figures. */
export function addExecution(f: ExecutionFigures, e: ExecutionRecord, taskName: string | undefined): void {
  countOutcome(f, e);
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
