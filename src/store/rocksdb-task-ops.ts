/**
 * Tasks on RocksDB: reading them, and the ops that write a task with its name index and artifact
 * reference and release them again (the artifact bytes go with the last reference), for
 * RocksDbStore's serialised write path.
 */
import * as k from './keys.js';
import { clampLimit, pageOf } from './paging.js';
import type { TaskRecord } from './records.js';
import { type BatchOp, type Level, scanRange } from './rocksdb-level.js';
import type { ListTasksQuery, Page } from './store.js';

export async function readTask(db: Level, taskId: string): Promise<TaskRecord | undefined> {
  const [value] = await db.getMany([k.taskKey(taskId)]);
  return value === undefined ? undefined : (JSON.parse(value) as TaskRecord);
}

/** A page of tasks in id order after `query.startAfter`, those whose name has the prefix. */
export async function listTaskPage(db: Level, query: ListTasksQuery): Promise<Page<TaskRecord>> {
  const limit = clampLimit(query.limit);
  const prefix = query.namePrefix ?? '';
  const matches: TaskRecord[] = [];
  await scanRange(db, { gt: k.taskKey(query.startAfter ?? ''), lt: k.prefixEnd(k.TASK) }, (entries) => {
    for (const [, value] of entries) {
      const task = JSON.parse(value) as TaskRecord;
      if (task.name.startsWith(prefix)) matches.push(task);
      if (matches.length > limit) return false;
    }
    return true;
  });
  return pageOf(matches, limit, (t) => t.taskId);
}

/** Every stored task (they are few: loaded at start-up). */
export async function allTasksIn(db: Level): Promise<TaskRecord[]> {
  const tasks: TaskRecord[] = [];
  await scanRange(db, { gt: k.TASK, lt: k.prefixEnd(k.TASK) }, (entries) => {
    for (const [, value] of entries) tasks.push(JSON.parse(value) as TaskRecord);
    return true;
  });
  return tasks;
}

/** What a task's indexes hang on, as last committed. */
export interface TaskIndex {
  name: string;
  digest: string;
}

/** The ops that write `task` and its name index and artifact reference, replacing any old ones. */
export async function taskOps(db: Level, task: TaskRecord, known: TaskIndex | undefined): Promise<BatchOp[]> {
  // Same name and digest as committed (an execution counter update): its indexes stand.
  if (known && known.name === task.name && known.digest === task.digest) return [{ type: 'put', key: k.taskKey(task.taskId), value: JSON.stringify(task) }];
  const ops: BatchOp[] = [];
  // A small point read on the registration path: synchronous, no thread-pool round trip.
  const [stored] = db._getManySync([k.taskKey(task.taskId)], { valueEncoding: 'utf8' });
  const old = stored === undefined ? undefined : (JSON.parse(stored) as TaskRecord);
  if (old && (old.name !== task.name || old.digest !== task.digest)) {
    ops.push(...(await releaseTaskIndexes(db, old, old.digest === task.digest)));
  }
  ops.push({ type: 'put', key: k.taskKey(task.taskId), value: JSON.stringify(task) });
  ops.push({ type: 'put', key: k.taskNameKey(task.name, task.digest), value: task.taskId });
  ops.push({ type: 'put', key: k.artifactRefKey(task.digest, task.taskId), value: '' });
  return ops;
}

/** Deletes the task's name index (if still its own) and its artifact reference (unless kept). */
export async function releaseTaskIndexes(db: Level, task: TaskRecord, keepArtifact = false): Promise<BatchOp[]> {
  const ops: BatchOp[] = [];
  const nameKey = k.taskNameKey(task.name, task.digest);
  if ((await db.getMany([nameKey]))[0] === task.taskId) ops.push({ type: 'del', key: nameKey });
  if (keepArtifact) return ops;
  const ownRef = k.artifactRefKey(task.digest, task.taskId);
  ops.push({ type: 'del', key: ownRef });
  const refPrefix = k.artifactRefPrefix(task.digest);
  const it = db.iterator({ gt: refPrefix, lt: k.prefixEnd(refPrefix), limit: 2, values: false });
  const refs = await it.nextv(2).finally(() => it.close());
  if (!refs.some(([key]) => key !== ownRef)) ops.push({ type: 'del', key: k.artifactKey(task.digest) });
  return ops;
}
