/**
 * Aggregate figures the store keeps beside the records, so that start-up and GetStats never scan
 * executions: lifetime figures, per-hour figures (by the hour an execution was created) and how
 * many executions of each task are stored. Both stores keep them the same way; the RocksDB one
 * writes them in the same batch as the records they count.
 *
 * Figures count terminal executions (each once, when its terminal record is first written) and are
 * not lowered when executions expire or are deleted: they describe what ran, not what is kept.
 * `stored` is what is kept.
 */
import { TERMINAL_STATUSES, type ExecutionRecord, type ExecutionStatus } from './records.js';

/**
 * Execution figures: counts by status, the time of the finished ones and counts per function. The
 * store keys functions in a plain object (it is written as JSON, see StoredFigures); the core's
 * live figures key them by task name in a Map (src/core/execution-stats.ts).
 */
export interface Figures<ByFunction> {
  total: number;
  byStatus: Record<ExecutionStatus, number>;
  totalTimeMs: number;
  /** Finished executions counted in totalTimeMs. */
  timedCount: number;
  byFunction: ByFunction;
}

/**
 * What the store keeps. byFunction: `<taskId>\0<functionName>` → count (task ids, not names: a
 * task may be renamed or deleted).
 */
export type StoredFigures = Figures<Record<string, number>>;

export const HOUR_MS = 3_600_000;

/** How long hour buckets are kept: GetStats time_range_hours reaches back this far. */
export const HOUR_BUCKETS_KEPT = 24 * 400;

/** Figures of no execution, counting functions in `byFunction` (empty). */
export function zeroFigures<ByFunction>(byFunction: ByFunction): Figures<ByFunction> {
  return {
    total: 0,
    byStatus: { PENDING: 0, RUNNING: 0, COMPLETED: 0, FAILED: 0, CANCELLED: 0, TIMEOUT: 0 },
    totalTimeMs: 0,
    timedCount: 0,
    byFunction,
  };
}

export function emptyStoredFigures(): StoredFigures {
  return zeroFigures({});
}

/** Counts one execution's status and, once it has finished, its time (the caller counts its function). */
export function countOutcome(f: Figures<unknown>, e: Pick<ExecutionRecord, 'status' | 'executionTimeMs'>): void {
  f.total++;
  f.byStatus[e.status]++;
  if (TERMINAL_STATUSES.has(e.status)) {
    f.totalTimeMs += e.executionTimeMs;
    f.timedCount++;
  }
}

export const functionFigureKey = (taskId: string, functionName: string): string => `${taskId}\0${functionName}`;

/** Splits a byFunction key into task id and function name. */
export function splitFunctionFigureKey(key: string): { taskId: string; functionName: string } {
  const i = key.indexOf('\0');
  return { taskId: key.slice(0, i), functionName: key.slice(i + 1) };
}

/** Adds one terminal execution. */
export function countExecution(f: StoredFigures, e: Pick<ExecutionRecord, 'taskId' | 'functionName' | 'status' | 'executionTimeMs'>): void {
  countOutcome(f, e);
  const key = functionFigureKey(e.taskId, e.functionName);
  f.byFunction[key] = (f.byFunction[key] ?? 0) + 1;
}

/**
 * Adds `more` to `into`, in place: its counts by status and time, and its per-function counts when
 * both have them.
 */
export function addFigures(into: Omit<StoredFigures, 'byFunction'> & { byFunction?: Record<string, number> }, more: Omit<StoredFigures, 'byFunction'> & { byFunction?: Record<string, number> }): void {
  into.total += more.total;
  for (const [s, n] of Object.entries(more.byStatus)) into.byStatus[s as ExecutionStatus] += n;
  into.totalTimeMs += more.totalTimeMs;
  into.timedCount += more.timedCount;
  if (into.byFunction && more.byFunction) for (const [key, n] of Object.entries(more.byFunction)) into.byFunction[key] = (into.byFunction[key] ?? 0) + n;
}

/** The hour bucket an execution belongs to: the hour it was created in. */
export function hourOf(createdAtMs: number): number {
  return Math.floor(createdAtMs / HOUR_MS);
}

/**
 * What one batch of writes changes: figures per hour bucket and lifetime, and stored counts per
 * task. Built while the batch is assembled, applied to the store's state once the batch commits.
 */
export class FiguresDelta {
  readonly lifetime = emptyStoredFigures();
  readonly hours = new Map<number, StoredFigures>();
  readonly stored = new Map<string, number>();
  counted = 0;

  /** A terminal execution written for the first time. */
  finished(e: Pick<ExecutionRecord, 'taskId' | 'functionName' | 'status' | 'executionTimeMs' | 'createdAt'>): void {
    countExecution(this.lifetime, e);
    const hour = hourOf(e.createdAt);
    let bucket = this.hours.get(hour);
    if (!bucket) this.hours.set(hour, (bucket = emptyStoredFigures()));
    countExecution(bucket, e);
    this.counted++;
  }

  /** `n` executions of a task added to (positive) or removed from (negative) the store. */
  storedChange(taskId: string, n: number): void {
    this.stored.set(taskId, (this.stored.get(taskId) ?? 0) + n);
  }

  get empty(): boolean {
    return this.counted === 0 && this.stored.size === 0;
  }
}
