/**
 * The real Store: an embedded RocksDB under the data directory (key layout in keys.ts).
 *
 * Writes that read before they write (task replacement, artifact reference counting, moving an
 * execution's indexes) run one at a time through `exclusive`, and each commits as one batch.
 * Every RocksDB error leaves here as STORE_UNAVAILABLE.
 */
import { SpearletError, invalidArgument, storeUnavailable } from '../errors.js';
import * as k from './keys.js';
import { clampLimit, pageOf } from './paging.js';
import { TERMINAL_STATUSES, type ExecutionRecord, type TaskRecord } from './records.js';
import { createLevel, levelError, openError, writeBatchSync, type BatchOp, type Level, type RangeOptions } from './rocksdb-level.js';
import type { ListExecutionsQuery, ListTasksQuery, Page, PutExecutionOptions, Store } from './store.js';
import { WriteQueue } from './write-queue.js';

/** Entries fetched per iterator step. */
const CHUNK = 128;

/** An execution write waiting for its group commit, serialised when it was queued. */
interface QueuedExecution {
  executionId: string;
  seq: string;
  taskId: string;
  open: boolean;
  json: string;
  task: TaskRecord | undefined;
  sync: boolean;
  fresh: boolean;
}

/** What the indexes of an execution or a task hang on. */
interface ExecutionIndex {
  seq: string;
  taskId: string;
}
interface TaskIndex {
  name: string;
  digest: string;
}

export class RocksDbStore implements Store {
  private db: Level | undefined;
  private writes: Promise<unknown> = Promise.resolve();
  /** Execution writes are group-committed: one batch per event-loop turn (see write-queue.ts). */
  private readonly executionWrites = new WriteQueue<QueuedExecution>((items) => this.exclusive('putExecution', (db) => this.writeExecutions(db, items)));
  /**
   * Index facts of what this store committed, so the hot path does not read before it writes:
   * executions still open (PENDING/RUNNING), and every task's name and digest. Only ever set after
   * a commit, so an entry is always what RocksDB holds.
   */
  private readonly openExecutions = new Map<string, ExecutionIndex>();
  private readonly taskIndexes = new Map<string, TaskIndex>();

  /** `location` is the RocksDB directory; it is created (with parents) if missing. */
  constructor(readonly location: string) {}

  async open(): Promise<void> {
    if (this.db) return;
    const db = createLevel(this.location);
    try {
      // WAL records are not compressed: @nxtedition/rocksdb compresses them with ZSTD by default,
      // on the writing thread, which doubled the cost of every durable write (about 50 -> 22 µs
      // for an execution's batch, measured). The WAL only holds what is not yet flushed to table
      // files, and those stay compressed.
      await db.open({ createIfMissing: true, walCompression: false });
    } catch (err) {
      throw openError(this.location, err);
    }
    this.db = db;
  }

  /** The open database, for stores that share it (the guest KV store and secrets). */
  get database(): Level {
    if (!this.db) throw storeUnavailable('access', new Error('the store is not open'));
    return this.db;
  }

  async close(): Promise<void> {
    const db = this.db;
    if (!db) return;
    await this.executionWrites.drain();
    this.db = undefined;
    await this.writes.catch(() => undefined);
    this.openExecutions.clear();
    this.taskIndexes.clear();
    try {
      await db.close();
    } catch (err) {
      throw levelError('close', err);
    }
  }

  putArtifact(digest: string, bytes: Uint8Array): Promise<void> {
    return this.run('putArtifact', async (db) => {
      if ((await this.keysIn(db, { gte: k.artifactKey(digest), lte: k.artifactKey(digest), limit: 1 })).length) return;
      await db.batch([{ type: 'put', key: k.artifactKey(digest), value: bytes, valueEncoding: 'buffer' }]);
    });
  }

  getArtifact(digest: string): Promise<Uint8Array | undefined> {
    return this.run('getArtifact', async (db) => (await db.getMany([k.artifactKey(digest)], { valueEncoding: 'buffer' }))[0]);
  }

  putTask(task: TaskRecord, artifact?: Uint8Array): Promise<void> {
    return this.exclusive('putTask', async (db) => {
      const ops = await this.taskOps(db, task);
      if (artifact) ops.push({ type: 'put', key: k.artifactKey(task.digest), value: artifact, valueEncoding: 'buffer' });
      writeBatchSync(db, ops, false);
      this.taskIndexes.set(task.taskId, { name: task.name, digest: task.digest });
    });
  }

  getTask(taskId: string): Promise<TaskRecord | undefined> {
    return this.run('getTask', (db) => this.readTask(db, taskId));
  }

  findTaskByNameAndDigest(name: string, digest: string): Promise<TaskRecord | undefined> {
    return this.run('findTaskByNameAndDigest', async (db) => {
      const [taskId] = await db.getMany([k.taskNameKey(name, digest)]);
      const task = taskId === undefined ? undefined : await this.readTask(db, taskId);
      return task && task.name === name && task.digest === digest ? task : undefined;
    });
  }

  listTasks(query: ListTasksQuery): Promise<Page<TaskRecord>> {
    const limit = clampLimit(query.limit);
    const prefix = query.namePrefix ?? '';
    return this.run('listTasks', async (db) => {
      const matches: TaskRecord[] = [];
      const range = { gt: k.taskKey(query.startAfter ?? ''), lt: k.prefixEnd(k.TASK) };
      await this.scan(db, range, async (entries) => {
        for (const [, value] of entries) {
          const task = JSON.parse(value) as TaskRecord;
          if (task.name.startsWith(prefix)) matches.push(task);
          if (matches.length > limit) return false;
        }
        return true;
      });
      return pageOf(matches, limit, (t) => t.taskId);
    });
  }

  allTasks(): Promise<TaskRecord[]> {
    return this.run('allTasks', async (db) => {
      const tasks: TaskRecord[] = [];
      await this.scan(db, { gt: k.TASK, lt: k.prefixEnd(k.TASK) }, async (entries) => {
        for (const [, value] of entries) tasks.push(JSON.parse(value) as TaskRecord);
        return true;
      });
      return tasks;
    });
  }

  deleteTask(taskId: string, cleanupExecutions: boolean): Promise<number> {
    return this.exclusive('deleteTask', async (db) => {
      const ops: BatchOp[] = [];
      const task = await this.readTask(db, taskId);
      if (task) {
        ops.push({ type: 'del', key: k.taskKey(taskId) });
        ops.push(...(await this.releaseTaskIndexes(db, task)));
      }
      let cleaned = 0;
      if (cleanupExecutions) {
        const prefix = k.execTaskPrefix(taskId);
        await this.scan(db, { gt: prefix, lt: k.prefixEnd(prefix) }, async (entries) => {
          const records = await this.readExecutions(db, entries.map(([, id]) => id));
          entries.forEach(([key, id], i) => {
            const rec = records[i];
            // A task id containing ':' could share this prefix; leave other tasks' keys alone.
            if (rec && (rec.taskId !== taskId || key !== prefix + rec.seq)) return;
            ops.push({ type: 'del', key });
            if (!rec) return;
            ops.push({ type: 'del', key: k.executionKey(id) }, { type: 'del', key: k.execSeqKey(rec.seq) });
            ops.push({ type: 'del', key: k.execOpenKey(id) });
            cleaned++;
          });
          return true;
        });
      }
      if (ops.length) await db.batch(ops);
      this.taskIndexes.delete(taskId);
      return cleaned;
    });
  }

  putExecution(execution: ExecutionRecord, task?: TaskRecord, options?: PutExecutionOptions): Promise<void> {
    try {
      this.live('putExecution');
    } catch (err) {
      return Promise.reject(err);
    }
    // Serialised now: the caller may go on changing its objects while the write waits.
    return this.executionWrites.push({
      executionId: execution.executionId,
      seq: execution.seq,
      taskId: execution.taskId,
      open: !TERMINAL_STATUSES.has(execution.status),
      json: JSON.stringify(execution),
      task: task === undefined ? undefined : { ...task },
      sync: options?.sync === true,
      fresh: options?.fresh === true,
    });
  }

  /**
   * One group of execution writes as one batch. A later write of the same execution in the group
   * supersedes an earlier one (a fast call's RUNNING and terminal records cost one write), as does
   * a later write of the same task.
   */
  private async writeExecutions(db: Level, items: QueuedExecution[]): Promise<void> {
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
    for (const item of latest.values()) {
      const { executionId: id, seq, taskId } = item;
      const isNew = fresh.has(id);
      const old = isNew ? undefined : (this.openExecutions.get(id) ?? this.readExecutionIndex(db, id));
      if (old && (old.seq !== seq || old.taskId !== taskId)) {
        ops.push({ type: 'del', key: k.execSeqKey(old.seq) }, { type: 'del', key: k.execTaskKey(old.taskId, old.seq) });
      }
      ops.push({ type: 'put', key: k.executionKey(id), value: item.json });
      ops.push({ type: 'put', key: k.execSeqKey(seq), value: id });
      ops.push({ type: 'put', key: k.execTaskKey(taskId, seq), value: id });
      if (item.open) ops.push({ type: 'put', key: k.execOpenKey(id), value: taskId });
      else if (!isNew) ops.push({ type: 'del', key: k.execOpenKey(id) });
    }
    for (const task of tasks.values()) ops.push(...(await this.taskOps(db, task)));
    writeBatchSync(db, ops, sync);
    for (const item of latest.values()) {
      if (item.open) this.openExecutions.set(item.executionId, { seq: item.seq, taskId: item.taskId });
      else this.openExecutions.delete(item.executionId);
    }
    for (const task of tasks.values()) this.taskIndexes.set(task.taskId, { name: task.name, digest: task.digest });
  }

  /** The seq and task of a stored execution, read synchronously (a small point read). */
  private readExecutionIndex(db: Level, executionId: string): ExecutionIndex | undefined {
    const [value] = db._getManySync([k.executionKey(executionId)], { valueEncoding: 'utf8' });
    if (value === undefined) return undefined;
    const { seq, taskId } = JSON.parse(value) as ExecutionRecord;
    return { seq, taskId };
  }

  getExecution(executionId: string): Promise<ExecutionRecord | undefined> {
    return this.run('getExecution', async (db) => (await this.readExecutions(db, [executionId]))[0]);
  }

  listExecutions(query: ListExecutionsQuery): Promise<Page<ExecutionRecord>> {
    const limit = clampLimit(query.limit);
    // '' (proto3's unset string) means every task, like undefined.
    const prefix = query.taskId ? k.execTaskPrefix(query.taskId) : k.EXEC_SEQ;
    return this.run('listExecutions', async (db) => {
      let upper = k.prefixEnd(prefix);
      if (query.startAfter) {
        const [cursor] = await this.readExecutions(db, [query.startAfter]);
        if (!cursor) throw invalidArgument('start_after', `no execution with id '${query.startAfter}'`);
        upper = prefix + cursor.seq;
      }
      const matches: ExecutionRecord[] = [];
      await this.scan(db, { gt: prefix, lt: upper, reverse: true }, async (entries) => {
        const records = await this.readExecutions(db, entries.map(([, id]) => id));
        for (const [i, rec] of records.entries()) {
          // The key check skips index entries of another task whose id extends this one.
          if (!rec || entries[i][0] !== prefix + rec.seq) continue;
          if (query.status !== undefined && rec.status !== query.status) continue;
          matches.push(rec);
          if (matches.length > limit) return false;
        }
        return true;
      });
      return pageOf(matches, limit, (e) => e.executionId);
    });
  }

  async *executionsSince(sinceSeq: string): AsyncIterable<ExecutionRecord> {
    const db = this.live('executionsSince');
    const it = db.iterator({ gte: k.execSeqKey(sinceSeq), lt: k.prefixEnd(k.EXEC_SEQ), reverse: true });
    try {
      for (;;) {
        const entries = await this.wrap('executionsSince', () => it.nextv(CHUNK));
        if (entries.length === 0) return;
        const ids = entries.map(([, id]) => id);
        for (const rec of await this.wrap('executionsSince', () => this.readExecutions(db, ids))) {
          if (rec) yield rec;
        }
      }
    } finally {
      await it.close().catch(() => undefined);
    }
  }

  unfinishedExecutions(): Promise<ExecutionRecord[]> {
    return this.run('unfinishedExecutions', async (db) => {
      const open: ExecutionRecord[] = [];
      await this.scan(db, { gt: k.EXEC_OPEN, lt: k.prefixEnd(k.EXEC_OPEN), values: false }, async (entries) => {
        const ids = entries.map(([key]) => key.slice(k.EXEC_OPEN.length));
        for (const rec of await this.readExecutions(db, ids)) {
          if (rec && !TERMINAL_STATUSES.has(rec.status)) open.push(rec);
        }
        return true;
      });
      return open.sort((a, b) => (a.seq < b.seq ? -1 : a.seq > b.seq ? 1 : 0));
    });
  }

  ping(): Promise<void> {
    return this.run('ping', async (db) => {
      await db.getMany([k.taskKey('')]);
    });
  }

  /** The ops that write `task` and its name index and artifact reference, replacing any old ones. */
  private async taskOps(db: Level, task: TaskRecord): Promise<BatchOp[]> {
    const known = this.taskIndexes.get(task.taskId);
    // Same name and digest as committed (an execution counter update): its indexes stand.
    if (known && known.name === task.name && known.digest === task.digest) return [{ type: 'put', key: k.taskKey(task.taskId), value: JSON.stringify(task) }];
    const ops: BatchOp[] = [];
    // A small point read on the registration path: synchronous, no thread-pool round trip.
    const [stored] = db._getManySync([k.taskKey(task.taskId)], { valueEncoding: 'utf8' });
    const old = stored === undefined ? undefined : (JSON.parse(stored) as TaskRecord);
    if (old && (old.name !== task.name || old.digest !== task.digest)) {
      ops.push(...(await this.releaseTaskIndexes(db, old, old.digest === task.digest)));
    }
    ops.push({ type: 'put', key: k.taskKey(task.taskId), value: JSON.stringify(task) });
    ops.push({ type: 'put', key: k.taskNameKey(task.name, task.digest), value: task.taskId });
    ops.push({ type: 'put', key: k.artifactRefKey(task.digest, task.taskId), value: '' });
    return ops;
  }

  /** Deletes the task's name index (if still its own) and its artifact reference (unless kept). */
  private async releaseTaskIndexes(db: Level, task: TaskRecord, keepArtifact = false): Promise<BatchOp[]> {
    const ops: BatchOp[] = [];
    const nameKey = k.taskNameKey(task.name, task.digest);
    if ((await db.getMany([nameKey]))[0] === task.taskId) ops.push({ type: 'del', key: nameKey });
    if (keepArtifact) return ops;
    const ownRef = k.artifactRefKey(task.digest, task.taskId);
    ops.push({ type: 'del', key: ownRef });
    const refPrefix = k.artifactRefPrefix(task.digest);
    const refs = await this.keysIn(db, { gt: refPrefix, lt: k.prefixEnd(refPrefix), limit: 2 });
    if (!refs.some((key) => key !== ownRef)) ops.push({ type: 'del', key: k.artifactKey(task.digest) });
    return ops;
  }

  private async readTask(db: Level, taskId: string): Promise<TaskRecord | undefined> {
    const [value] = await db.getMany([k.taskKey(taskId)]);
    return value === undefined ? undefined : (JSON.parse(value) as TaskRecord);
  }

  private async readExecutions(db: Level, ids: string[]): Promise<Array<ExecutionRecord | undefined>> {
    if (ids.length === 0) return [];
    const values = await db.getMany(ids.map(k.executionKey));
    return values.map((v) => (v === undefined ? undefined : (JSON.parse(v) as ExecutionRecord)));
  }

  private async keysIn(db: Level, range: RangeOptions): Promise<string[]> {
    const keys: string[] = [];
    await this.scan(db, { ...range, values: false }, async (entries) => {
      for (const [key] of entries) keys.push(key);
      return true;
    });
    return keys;
  }

  /** Walks a range in chunks until it ends or `visit` returns false; always closes the iterator. */
  private async scan(
    db: Level,
    range: RangeOptions,
    visit: (entries: Array<[string, string]>) => Promise<boolean>,
  ): Promise<void> {
    const it = db.iterator(range);
    try {
      for (;;) {
        const entries = await it.nextv(CHUNK);
        if (entries.length === 0 || !(await visit(entries))) return;
      }
    } finally {
      await it.close().catch(() => undefined);
    }
  }

  private live(operation: string): Level {
    if (!this.db) throw storeUnavailable(operation, new Error('the store is not open'));
    return this.db;
  }

  private async wrap<T>(operation: string, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (err) {
      throw err instanceof SpearletError ? err : levelError(operation, err);
    }
  }

  private async run<T>(operation: string, fn: (db: Level) => Promise<T>): Promise<T> {
    const db = this.live(operation);
    return this.wrap(operation, () => fn(db));
  }

  /** Runs read-then-write operations one at a time so their reads stay valid until the batch. */
  private exclusive<T>(operation: string, fn: (db: Level) => Promise<T>): Promise<T> {
    const result = this.writes.then(() => this.run(operation, fn));
    this.writes = result.catch(() => undefined);
    return result;
  }
}
