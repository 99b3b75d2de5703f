/**
 * Executions still PENDING or RUNNING, as the TaskExecutionManager holds them between acceptance
 * and their terminal record: what answers GetExecutionStatus, CancelExecution, FollowExecutionLogs
 * and the health figures before anything is stored, and how a SYNC call's RUNNING record is
 * written only when the call turns out to be slow.
 */
import type { Logger } from '../../logger.js';
import type { ExecutionRecord } from '../../store/records.js';
import type { Store } from '../../store/store.js';
import type { LogBuffer } from './log-buffer.js';
import type { AdmissionGate } from '../admission/tenant-quotas.js';

export interface LiveExecution {
  record: ExecutionRecord;
  abort: AbortController;
  logs: LogBuffer;
  done: Promise<ExecutionRecord>;
  cancelReason?: string;
  /** The first write of the record; the terminal write is ordered after it. */
  firstWrite: Promise<void>;
  /** Pending first write of a SYNC call (see RUNNING_RECORD_DELAY_MS). */
  recordTimer?: NodeJS.Timeout;
  /** True while no write of this execution has been issued and its id is one we made. */
  fresh: boolean;
  /** The caller's RPC was cancelled (a SYNC call then ends if it has not started yet). */
  callerGone?: AbortSignal;
  /** The admission its slot comes from: its tenant's gate in front of the server-wide one. */
  admission: AdmissionGate;
}

/**
 * A SYNC call's RUNNING record is written only once the call has run this long: the caller is
 * waiting on the connection and learns the outcome from the answer, so a call that ends sooner
 * costs one write (its terminal record) instead of two. Live state answers GetExecutionStatus and
 * CancelExecution meanwhile; only ListExecutions and a crash inside this window do not see it.
 */
export const RUNNING_RECORD_DELAY_MS = 20;

/** Schedules the deferred RUNNING record of a SYNC call (see RUNNING_RECORD_DELAY_MS). */
export function deferRunningRecord(live: LiveExecution, store: Store, log: Logger): void {
  live.recordTimer = setTimeout(() => {
    live.recordTimer = undefined;
    const fresh = live.fresh;
    live.fresh = false;
    live.firstWrite = store.putExecution(live.record, undefined, { fresh }).catch((err: unknown) => {
      log.warn({ executionId: live.record.executionId, err }, 'could not store the RUNNING record of an execution');
    });
  }, RUNNING_RECORD_DELAY_MS);
}

export class LiveExecutions {
  private readonly byId = new Map<string, LiveExecution>();

  get size(): number {
    return this.byId.size;
  }

  get(executionId: string): LiveExecution | undefined {
    return this.byId.get(executionId);
  }

  /** Holds `live` from now until the run that `start` begins has ended; that run is `live.done`. */
  add(live: LiveExecution, start: () => Promise<ExecutionRecord>): void {
    const id = live.record.executionId;
    this.byId.set(id, live);
    live.done = start().finally(() => this.byId.delete(id));
  }

  values(): IterableIterator<LiveExecution> {
    return this.byId.values();
  }

  get runningCount(): number {
    let n = 0;
    for (const l of this.byId.values()) if (l.record.status === 'RUNNING') n++;
    return n;
  }

  /** Ids of the tasks with an unfinished execution. */
  taskIds(): Set<string> {
    const ids = new Set<string>();
    for (const l of this.byId.values()) ids.add(l.record.taskId);
    return ids;
  }

  /** Unfinished executions of a task. */
  ofTask(taskId: string): ExecutionRecord[] {
    return [...this.byId.values()].filter((l) => l.record.taskId === taskId).map((l) => l.record);
  }

  /** The current record of a live execution, with its logs so far. */
  snapshot(executionId: string): ExecutionRecord | undefined {
    const live = this.byId.get(executionId);
    return live && { ...live.record, logs: live.logs.toArray(), logsTruncated: live.logs.truncated };
  }
}
