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

/**
 * The deferred RUNNING records of SYNC calls (see RUNNING_RECORD_DELAY_MS): one sweep every half
 * delay, from the first deferral until a sweep finds none pending, writes those that came due, so
 * a record is written between one and one and a half delays after its call started. A timer per
 * call cost a setTimeout and a clearTimeout on every warm call (~12 µs of the server's ~800 µs of
 * CPU on this machine).
 */
export class DeferredRunningRecords {
  /** Each pending call, with when its record is due. */
  private readonly pending = new Map<LiveExecution, number>();
  private sweeper: NodeJS.Timeout | undefined;

  constructor(
    private readonly store: Store,
    private readonly log: Logger,
  ) {}

  add(live: LiveExecution): void {
    this.pending.set(live, Date.now() + RUNNING_RECORD_DELAY_MS);
    if (this.sweeper === undefined) {
      this.sweeper = setInterval(() => this.sweep(), RUNNING_RECORD_DELAY_MS / 2);
      this.sweeper.unref();
    }
  }

  /** The call ended: its record is its terminal one, written by the caller. The sweep stops by itself once nothing is pending. */
  delete(live: LiveExecution): void {
    this.pending.delete(live);
  }

  private sweep(): void {
    const now = Date.now();
    for (const [live, due] of this.pending) {
      if (due > now) continue;
      this.pending.delete(live);
      const fresh = live.fresh;
      live.fresh = false;
      live.firstWrite = this.store.putExecution(live.record, undefined, { fresh }).catch((err: unknown) => {
        this.log.warn({ executionId: live.record.executionId, err }, 'could not store the RUNNING record of an execution');
      });
    }
    this.stopIfIdle();
  }

  private stopIfIdle(): void {
    if (this.pending.size > 0 || this.sweeper === undefined) return;
    clearInterval(this.sweeper);
    this.sweeper = undefined;
  }
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
