/**
 * Which executions an expiry batch removes from a RocksDB store, and the ops that remove them with
 * every index entry (results and logs live in the record, so they go with it). RocksDbStore plans
 * outside its serialised write path and writes the ops there, in slices, with the figures.
 */
import { FiguresDelta } from './aggregates.js';
import * as k from './keys.js';
import { TERMINAL_STATUSES, type ExecutionRecord, type ExecutionStatus } from './records.js';
import { type BatchOp, type Level, hasKeyIn } from './rocksdb-level.js';
import type { ExpiryRule } from './store.js';

const CHUNK = 256;

/** What the index entries of an execution are made of. */
export type IndexedExecution = Pick<ExecutionRecord, 'executionId' | 'seq' | 'taskId' | 'status'>;

/** The ops deleting a stored execution: its record and its four index entries. */
export function executionDeleteOps(e: IndexedExecution): BatchOp[] {
  const ops: BatchOp[] = [
    { type: 'del', key: k.executionKey(e.executionId) },
    { type: 'del', key: k.execSeqKey(e.seq) },
    { type: 'del', key: k.execTaskKey(e.taskId, e.seq) },
    { type: 'del', key: k.execStatusKey(e.status, e.seq) },
    { type: 'del', key: k.execTaskStatusKey(e.taskId, e.status, e.seq) },
  ];
  if (!TERMINAL_STATUSES.has(e.status)) ops.push({ type: 'del', key: k.execOpenKey(e.executionId) });
  return ops;
}

export interface ExpiryPlan {
  /** The executions to delete, in the order the rule found them (see `expiryOps`). */
  victims: IndexedExecution[];
  /** True when the rule still matches stored executions after these. */
  more: boolean;
  /** The seq of the last entry the age rule looked at: the next batch continues after it. */
  lastSeq?: string;
}

/**
 * Plans one bounded batch: finished executions created before `rule.beforeSeq`, oldest first, then
 * the oldest finished executions of tasks holding more than `rule.keepPerTask`. Unfinished ones
 * are never removed (they are skipped, and stay until they end and age out). Reads indexes only,
 * except for version-1 `exec-seq:` values and the per-task rule, which read records.
 */
export async function planExpiry(db: Level, rule: ExpiryRule, storedByTask: Map<string, number>): Promise<ExpiryPlan> {
  const plan: ExpiryPlan = { victims: [], more: false };
  const taken = new Set<string>();
  const takenByTask = new Map<string, number>();
  const take = (rec: IndexedExecution): void => {
    plan.victims.push(rec);
    taken.add(rec.executionId);
    takenByTask.set(rec.taskId, (takenByTask.get(rec.taskId) ?? 0) + 1);
  };
  if (rule.beforeSeq !== undefined) {
    const range = { gt: rule.afterSeq === undefined ? k.EXEC_SEQ : k.execSeqKey(rule.afterSeq), lt: k.execSeqKey(rule.beforeSeq) };
    const entries = await indexEntries(db, range, rule.limit + 1);
    plan.more = entries.length > rule.limit;
    // The seq index names each execution's task and status: nothing else is read (keys.ts).
    const unknown: string[] = [];
    for (const [key, value] of entries.slice(0, rule.limit)) {
      const { executionId, taskId, status } = k.parseExecSeqValue(value);
      if (taskId === undefined || status === undefined) unknown.push(executionId);
      else if (TERMINAL_STATUSES.has(status as ExecutionStatus)) take({ executionId, taskId, status: status as ExecutionStatus, seq: key.slice(k.EXEC_SEQ.length) });
    }
    for (const rec of await readRecords(db, unknown)) if (rec && TERMINAL_STATUSES.has(rec.status)) take(rec);
    const last = entries.slice(0, rule.limit).at(-1);
    plan.lastSeq = last ? last[0].slice(k.EXEC_SEQ.length) : undefined;
  }
  if (rule.keepPerTask !== undefined && rule.keepPerTask > 0) {
    for (const [taskId, stored] of storedByTask) {
      const budget = rule.limit - plan.victims.length;
      if (budget <= 0) {
        plan.more ||= stored - rule.keepPerTask > 0;
        break;
      }
      const excess = stored - (takenByTask.get(taskId) ?? 0) - rule.keepPerTask;
      if (excess <= 0) continue;
      const prefix = k.execTaskPrefix(taskId);
      // Oldest first; a few more than the excess, for entries skipped (unfinished, taken above).
      const entries = await indexEntries(db, { gt: prefix, lt: k.prefixEnd(prefix) }, Math.min(excess, budget) + 16);
      let removedHere = 0;
      for (const [i, rec] of (await readRecords(db, entries.map(([, id]) => id))).entries()) {
        if (removedHere >= Math.min(excess, budget)) break;
        // A task id containing ':' can share the prefix: only this task's own entries count.
        if (!rec || rec.taskId !== taskId || entries[i][0] !== prefix + rec.seq || !TERMINAL_STATUSES.has(rec.status)) continue;
        if (taken.has(rec.executionId)) continue;
        take(rec);
        removedHere++;
      }
      plan.more ||= excess > budget;
    }
  }
  return plan;
}

/** The ops deleting `victims` with every index entry, and what that changes in the stored counts. */
export function expiryOps(victims: IndexedExecution[]): { ops: BatchOp[]; delta: FiguresDelta } {
  const ops: BatchOp[] = [];
  const delta = new FiguresDelta();
  for (const rec of victims) {
    ops.push(...executionDeleteOps(rec));
    delta.storedChange(rec.taskId, -1);
  }
  return { ops, delta };
}

/**
 * Those of `victims` still stored, by a synchronous point read of their records: for a plan made
 * before a DeleteTask with cleanup that may have removed (and uncounted) some of them already.
 */
export function stillStored(db: Level, victims: IndexedExecution[]): IndexedExecution[] {
  const values = db._getManySync(victims.map((v) => k.executionKey(v.executionId)), { valueEncoding: 'utf8' });
  return victims.filter((_, i) => values[i] !== undefined);
}

/** The ops deleting every execution of a task (DeleteTask with cleanup), with the stored count. */
export async function planTaskCleanup(db: Level, taskId: string): Promise<{ ops: BatchOp[]; delta: FiguresDelta; executionIds: string[] }> {
  const ops: BatchOp[] = [];
  const executionIds: string[] = [];
  const prefix = k.execTaskPrefix(taskId);
  const it = db.iterator({ gt: prefix, lt: k.prefixEnd(prefix) });
  try {
    for (let entries = await it.nextv(CHUNK); entries.length > 0; entries = await it.nextv(CHUNK)) {
      const records = await readRecords(db, entries.map(([, id]) => id));
      entries.forEach(([key], i) => {
        const rec = records[i];
        // A task id containing ':' could share this prefix; leave other tasks' keys alone.
        if (rec && (rec.taskId !== taskId || key !== prefix + rec.seq)) return;
        if (!rec) return void ops.push({ type: 'del', key });
        ops.push(...executionDeleteOps(rec), { type: 'del', key: k.execOpenKey(rec.executionId) });
        executionIds.push(rec.executionId);
      });
    }
  } finally {
    await it.close();
  }
  const delta = new FiguresDelta();
  if (executionIds.length) delta.storedChange(taskId, -executionIds.length);
  return { ops, delta, executionIds };
}

/** The ops deleting artifacts that no task references (no `artifact-ref:` key left). */
export async function unreferencedArtifactOps(db: Level): Promise<BatchOp[]> {
  const ops: BatchOp[] = [];
  const it = db.iterator({ gt: k.ARTIFACT, lt: k.prefixEnd(k.ARTIFACT), values: false });
  try {
    for (let entries = await it.nextv(CHUNK); entries.length > 0; entries = await it.nextv(CHUNK)) {
      for (const [key] of entries) {
        const refPrefix = k.artifactRefPrefix(key.slice(k.ARTIFACT.length));
        if (!(await hasKeyIn(db, { gt: refPrefix, lt: k.prefixEnd(refPrefix) }))) ops.push({ type: 'del', key });
      }
    }
  } finally {
    await it.close();
  }
  return ops;
}

async function indexEntries(db: Level, range: { gt: string; lt: string }, limit: number): Promise<Array<[string, string]>> {
  const it = db.iterator({ ...range, limit });
  try {
    return await it.nextv(limit);
  } finally {
    await it.close();
  }
}

async function readRecords(db: Level, ids: string[]): Promise<Array<ExecutionRecord | undefined>> {
  if (ids.length === 0) return [];
  const values = await db.getMany(ids.map(k.executionKey));
  return values.map((v) => (v === undefined ? undefined : (JSON.parse(v) as ExecutionRecord)));
}
