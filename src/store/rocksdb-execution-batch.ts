/**
 * How a group of execution writes becomes one RocksDB batch (RocksDbStore.putExecution group-commits
 * what is queued in one event-loop turn): the records, all five of their index entries (moved when
 * the status changes), and the change to the figures, assembled here and written by the store.
 */
import { FiguresDelta } from './aggregates.js';
import * as k from './keys.js';
import { TERMINAL_STATUSES, type ExecutionRecord, type ExecutionStatus, type TaskRecord } from './records.js';
import type { LoggedWrite } from './record-log.js';
import type { BatchOp, Level } from './rocksdb-level.js';

/** An execution write waiting for its group commit, serialised when it was queued. */
export interface QueuedExecution {
  executionId: string;
  seq: string;
  taskId: string;
  open: boolean;
  /** What the figures count of a terminal record. */
  status: ExecutionStatus;
  functionName: string;
  executionTimeMs: number;
  createdAt: number;
  json: string;
  task: TaskRecord | undefined;
  sync: boolean;
  fresh: boolean;
}

/** What the indexes of an execution or a task hang on. */
export interface ExecutionIndex {
  seq: string;
  taskId: string;
  status: ExecutionStatus;
}

export interface GroupOps {
  ops: BatchOp[];
  delta: FiguresDelta;
  /** The last write of each execution in the group. */
  latest: Map<string, QueuedExecution>;
  /** The last task record written with the group, by task id. */
  tasks: Map<string, TaskRecord>;
  sync: boolean;
}

/**
 * The ops of one group. A later write of the same execution in the group supersedes an earlier
 * one (a fast call's RUNNING and terminal records cost one write), as does a later write of the
 * same task. `known` gives what is stored of an execution (for moving its index entries).
 */
export function groupOps(items: QueuedExecution[], known: (executionId: string) => ExecutionIndex | undefined): GroupOps {
  const latest = new Map<string, QueuedExecution>();
  const tasks = new Map<string, TaskRecord>();
  /** Executions whose first write is in this group: nothing of theirs is stored yet. */
  const fresh = new Set<string>();
  let sync = false;
  for (const item of items) {
    if (item.fresh) fresh.add(item.executionId);
    latest.delete(item.executionId);
    latest.set(item.executionId, item);
    if (item.task) {
      tasks.delete(item.task.taskId);
      tasks.set(item.task.taskId, item.task);
    }
    sync ||= item.sync;
  }
  const ops: BatchOp[] = [];
  const delta = new FiguresDelta();
  for (const item of latest.values()) {
    const { executionId: id, seq, taskId, status } = item;
    const isNew = fresh.has(id);
    const old = isNew ? undefined : known(id);
    if (old && (old.seq !== seq || old.taskId !== taskId)) {
      ops.push({ type: 'del', key: k.execSeqKey(old.seq) }, { type: 'del', key: k.execTaskKey(old.taskId, old.seq) });
    }
    if (old && (old.seq !== seq || old.taskId !== taskId || old.status !== status)) {
      ops.push({ type: 'del', key: k.execStatusKey(old.status, old.seq) }, { type: 'del', key: k.execTaskStatusKey(old.taskId, old.status, old.seq) });
    }
    ops.push({ type: 'put', key: k.executionKey(id), value: item.json });
    ops.push({ type: 'put', key: k.execSeqKey(seq), value: k.execSeqValue(id, taskId, status) });
    ops.push({ type: 'put', key: k.execTaskKey(taskId, seq), value: id });
    ops.push({ type: 'put', key: k.execStatusKey(status, seq), value: id });
    ops.push({ type: 'put', key: k.execTaskStatusKey(taskId, status, seq), value: id });
    if (item.open) ops.push({ type: 'put', key: k.execOpenKey(id), value: taskId });
    else if (!isNew) ops.push({ type: 'del', key: k.execOpenKey(id) });
    if (!old || old.taskId !== taskId) delta.storedChange(taskId, 1);
    if (old && old.taskId !== taskId) delta.storedChange(old.taskId, -1);
    // Counted once: when its first terminal record is written.
    if (!item.open && !(old && TERMINAL_STATUSES.has(old.status))) delta.finished(item);
  }
  return { ops, delta, latest, tasks, sync };
}

/** The seq, task and status of a stored execution, read synchronously (a small point read). */
export function readExecutionIndex(db: Level, executionId: string): ExecutionIndex | undefined {
  const [value] = db._getManySync([k.executionKey(executionId)], { valueEncoding: 'utf8' });
  if (value === undefined) return undefined;
  const { seq, taskId, status } = JSON.parse(value) as ExecutionRecord;
  return { seq, taskId, status };
}

/** A write of `execution` as the group commit queues it; `json` is its serialisation. */
export function queuedWrite(execution: ExecutionRecord, json: string, task: TaskRecord | undefined, sync: boolean, fresh: boolean): QueuedExecution {
  return {
    executionId: execution.executionId,
    seq: execution.seq,
    taskId: execution.taskId,
    open: !TERMINAL_STATUSES.has(execution.status),
    status: execution.status,
    functionName: execution.functionName,
    executionTimeMs: execution.executionTimeMs,
    createdAt: execution.createdAt,
    json,
    task,
    sync,
    fresh,
  };
}

/**
 * The logged writes (record-log.ts) RocksDB does not hold yet, oldest first: a write whose
 * execution is stored finished, or at the write's own status, is in already.
 */
export async function unstoredWrites(db: Level, writes: readonly LoggedWrite[]): Promise<QueuedExecution[]> {
  if (writes.length === 0) return [];
  const records = writes.map((w) => JSON.parse(w.json) as ExecutionRecord);
  const stored = await db.getMany(records.map((r) => k.executionKey(r.executionId)));
  const missing: QueuedExecution[] = [];
  records.forEach((record, i) => {
    const held = stored[i] === undefined ? undefined : (JSON.parse(stored[i]) as ExecutionRecord);
    if (held && (TERMINAL_STATUSES.has(held.status) || held.status === record.status)) return;
    missing.push(queuedWrite(record, writes[i].json, writes[i].task, false, false));
  });
  return missing;
}
