/**
 * The RocksDB key layout, in one place. Every key is a UTF-8 string; RocksDB orders them bytewise,
 * so range scans use `[prefix, prefixEnd(prefix))`.
 *
 *   task:<taskId>                         → TaskRecord (JSON)
 *   task-name:<name>\0<digest>            → taskId             (find by name + digest)
 *   artifact:<digest>                     → artifact bytes     (raw)
 *   artifact-ref:<digest>:<taskId>        → ''                 (one per task using the digest;
 *                                                              the bytes go with the last one)
 *   execution:<executionId>               → ExecutionRecord (JSON)
 *   exec-seq:<seq>                        → executionId        (global order, newest = last)
 *   exec-task:<taskId>:<seq>              → executionId        (per-task order)
 *   exec-open:<executionId>               → taskId             (present while PENDING/RUNNING)
 *
 * `seq` is a time-sortable ULID the caller puts in the record and must be unique; execution ids are
 * caller-chosen and need not sort, so every ordering goes through `seq`. The prefixes are chosen so
 * that no prefix range contains another's keys (`task:` vs `task-name:`, `exec-seq:` vs `exec-task:`).
 */

export const TASK = 'task:';
export const TASK_NAME = 'task-name:';
export const ARTIFACT = 'artifact:';
export const ARTIFACT_REF = 'artifact-ref:';
export const EXECUTION = 'execution:';
export const EXEC_SEQ = 'exec-seq:';
export const EXEC_TASK = 'exec-task:';
export const EXEC_OPEN = 'exec-open:';

/** The first key after every key that starts with `prefix` (exclusive upper bound of a scan). */
export function prefixEnd(prefix: string): string {
  // Every prefix here ends in ':' or a separator below U+FFFF, so bumping the last code unit works.
  return prefix.slice(0, -1) + String.fromCharCode(prefix.charCodeAt(prefix.length - 1) + 1);
}

export const taskKey = (taskId: string): string => TASK + taskId;
export const taskNameKey = (name: string, digest: string): string => `${TASK_NAME}${name}\0${digest}`;
export const artifactKey = (digest: string): string => ARTIFACT + digest;
export const artifactRefPrefix = (digest: string): string => `${ARTIFACT_REF}${digest}:`;
export const artifactRefKey = (digest: string, taskId: string): string => artifactRefPrefix(digest) + taskId;
export const executionKey = (executionId: string): string => EXECUTION + executionId;
export const execSeqKey = (seq: string): string => EXEC_SEQ + seq;
export const execTaskPrefix = (taskId: string): string => `${EXEC_TASK}${taskId}:`;
export const execTaskKey = (taskId: string, seq: string): string => execTaskPrefix(taskId) + seq;
export const execOpenKey = (executionId: string): string => EXEC_OPEN + executionId;

/*
 * Schema version 2 (see schema.ts) adds:
 *
 *   meta:schema                           → the version        ('3' now; absent in a version-1 directory)
 *   exec-status:<status>:<seq>            → executionId        (newest = last, per status)
 *   exec-ts:<taskId>\0<status>\0<seq>     → executionId        (per task and status)
 *   agg:figures                           → StoredFigures      (lifetime, written with each batch
 *                                                              that ends or stores an execution)
 *   agg-task:<taskId>                     → stored count       (executions of the task on disk)
 *   agg-hour:<hour>                       → StoredFigures      (executions created in that hour,
 *                                                              hour = epoch ms / 3,600,000, 10 digits)
 *
 * Task ids never contain '\0', so `exec-ts:` ranges of two tasks never overlap.
 *
 * Schema version 3 takes the per-function counts out of `agg:figures` and `agg-hour:<hour>` (whose
 * `byFunction` is then empty): one JSON of every function ever run was rewritten with each batch,
 * so a terminal write cost 1.1 ms with 1,000 functions counted and 21 ms with 10,000. Instead:
 *
 *   agg-fn:<taskId>\0<function>           → count              (lifetime, per function)
 *   agg-hfn:<hour>:<taskId>\0<function>   → count              (per hour and function)
 *
 * A batch writes the keys of the functions it counts, nothing else.
 */
export const META_SCHEMA = 'meta:schema';
export const EXEC_STATUS = 'exec-status:';
export const EXEC_TASK_STATUS = 'exec-ts:';
export const AGG_FIGURES = 'agg:figures';
export const AGG_TASK = 'agg-task:';
export const AGG_HOUR = 'agg-hour:';

export const execStatusPrefix = (status: string): string => `${EXEC_STATUS}${status}:`;
export const execStatusKey = (status: string, seq: string): string => execStatusPrefix(status) + seq;
export const execTaskStatusPrefix = (taskId: string, status: string): string => `${EXEC_TASK_STATUS}${taskId}\0${status}\0`;
export const execTaskStatusKey = (taskId: string, status: string, seq: string): string => execTaskStatusPrefix(taskId, status) + seq;
export const aggTaskKey = (taskId: string): string => AGG_TASK + taskId;
export const aggHourKey = (hour: number): string => AGG_HOUR + String(hour).padStart(10, '0');
export const AGG_FN = 'agg-fn:';
export const AGG_HOUR_FN = 'agg-hfn:';
/** `fnKey` is aggregates.ts functionFigureKey: `<taskId>\0<function>`. */
export const aggFnKey = (fnKey: string): string => AGG_FN + fnKey;
export const aggHourFnPrefix = (hour: number): string => `${AGG_HOUR_FN}${String(hour).padStart(10, '0')}:`;
export const aggHourFnKey = (hour: number, fnKey: string): string => aggHourFnPrefix(hour) + fnKey;

/**
 * From schema 2 the value of `exec-seq:<seq>` is `<executionId>\0<taskId>\0<status>`: an expiry
 * pass walks this index and deletes a finished execution and all its index entries without
 * reading (and parsing) its record. Version 1 stored the id alone; `indexedId` reads both.
 */
export const execSeqValue = (executionId: string, taskId: string, status: string): string => `${executionId}\0${taskId}\0${status}`;

/** The execution id an index value names (the whole value, or its first field). */
export function indexedId(value: string): string {
  const end = value.indexOf('\0');
  return end < 0 ? value : value.slice(0, end);
}

/** The fields of an `exec-seq:` value; taskId and status are undefined in a version-1 value. */
export function parseExecSeqValue(value: string): { executionId: string; taskId?: string; status?: string } {
  const [executionId, taskId, status] = value.split('\0');
  return { executionId, taskId, status };
}
