/**
 * The real Store: an embedded RocksDB under the data directory (key layout in keys.ts).
 *
 * Writes that read before they write (task replacement, artifact reference counting, moving an
 * execution's indexes) run one at a time through `exclusive`, and each commits as one batch.
 * Execution writes are durable in the execution log first when no batch of theirs is pending, and
 * their batch follows the answer (logged-commit.ts); reads wait for it.
 * Every RocksDB error leaves here as STORE_UNAVAILABLE.
 */
import * as path from 'node:path';
import { ErrorCodes, SpearletError, storeUnavailable } from '../errors.js';
import { FiguresDelta, type StoredFigures } from './aggregates.js';
import * as k from './keys.js';
import { TERMINAL_STATUSES, type ExecutionRecord, type ExecutionStatus, type TaskRecord, listingView } from './records.js';
import { expiryOps, planExpiry, planTaskCleanup, stillStored, unreferencedArtifactOps } from './rocksdb-expiry.js';
import { RocksDbFigures } from './rocksdb-figures.js';
import { createLevel, hasKeyIn, levelError, openError, writeBatchSync, type BatchOp, type Level } from './rocksdb-level.js';
import { type ExecutionIndex, type QueuedExecution, groupOps, queuedWrite, readExecutionIndex } from './rocksdb-execution-batch.js';
import { LoggedCommit } from './logged-commit.js';
import { RecordLog } from './record-log.js';
import { executionsSinceIn, listExecutionPage, unfinishedIn } from './rocksdb-listing.js';
import { type TaskIndex, allTasksIn, listTaskPage, readTask, releaseTaskIndexes, taskOps } from './rocksdb-task-ops.js';
import { type MigrationLog, ensureSchema } from './schema.js';
import { RECOVERY_MIN_FREE_BYTES, WriteFailure, freeBytes } from './write-failure.js';
import type { ExpiryResult, ExpiryRule, ListExecutionsQuery, ListTasksQuery, Page, PutExecutionOptions, Store, StoredCounts } from './store.js';
import { WriteQueue } from './write-queue.js';

/**
 * Memtables small enough that a restart replays little: RocksDB replays the write-ahead log of
 * every memtable not yet flushed when it opens (the binding has no flush on close), and with the
 * default 64 MiB memtables that was seconds at a million executions (2.2 s for a 30 MB log,
 * measured). A 16 MiB budget gives 4 MiB memtables, flushed two at a time: about 8 MiB of log
 * at most to replay, whatever the history.
 */
const MEMTABLE_OPTIONS = { compaction: 'level', memtableMemoryBudget: 16 * 1024 * 1024 } as const;

/** The execution log's file, in the RocksDB directory (RocksDB leaves names it did not make alone). */
export const EXECUTION_LOG = 'spearlet-executions.jsonl';

/**
 * Executions an expiry batch deletes per RocksDB write (5 deletes each): about 1 ms of the main
 * thread's CPU per write on the development machine, so an invocation never waits long behind one.
 */
const EXPIRY_SLICE = 64;

export interface RocksDbStoreOptions {
  /** Where a migration of an older data directory reports its progress. */
  log?: MigrationLog;
}

export class RocksDbStore implements Store {
  private db: Level | undefined;
  private writes: Promise<unknown> = Promise.resolve();
  /** Execution writes are group-committed: one batch per event-loop turn (see write-queue.ts). */
  private readonly executionWrites = new WriteQueue<QueuedExecution>((items) => this.commits.commit(items));
  /** Execution writes are durable in the execution log before their RocksDB batch (logged-commit.ts). */
  private readonly commits: LoggedCommit;
  /**
   * Index facts of what this store committed, so the hot path does not read before it writes:
   * executions still open (PENDING/RUNNING), and every task's name and digest. Only ever set after
   * a commit, so an entry is always what RocksDB holds.
   */
  private readonly openExecutions = new Map<string, ExecutionIndex>();
  private readonly taskIndexes = new Map<string, TaskIndex>();
  /** Task deletions so far: an expiry batch planned before one is planned again. */
  private taskDeletions = 0;
  /** A storage failure (disk full) that refuses new work until a reopen succeeds. */
  private readonly failure = new WriteFailure();
  /** Lifetime and hourly figures and stored counts, written with the records they count. */
  private readonly figureState = new RocksDbFigures();

  /** `location` is the RocksDB directory; it is created (with parents) if missing. */
  constructor(
    readonly location: string,
    private readonly options: RocksDbStoreOptions = {},
  ) {
    this.commits = new LoggedCommit(new RecordLog(path.join(location, EXECUTION_LOG)), {
      failed: () => this.failure.failed,
      exclusive: (operation, fn) => this.exclusive(operation, fn),
      write: (db, items) => this.writeExecutions(db, items),
    });
  }

  async open(): Promise<void> {
    if (this.db) return;
    this.db = await this.openLevel();
  }

  /** Opens the database, brings its schema up to date and loads the figures. */
  private async openLevel(): Promise<Level> {
    const db = createLevel(this.location);
    try {
      // WAL records are not compressed: @nxtedition/rocksdb compresses them with ZSTD by default,
      // on the writing thread, which doubled the cost of every durable write (about 50 -> 22 µs
      // for an execution's batch, measured). The WAL only holds what is not yet flushed to table
      // files, and those stay compressed.
      await db.open({ createIfMissing: true, walCompression: false, ...MEMTABLE_OPTIONS });
    } catch (err) {
      throw openError(this.location, err);
    }
    try {
      await ensureSchema(db, this.location, this.options.log ?? (() => {}));
      await this.figureState.load(db);
      // Writes logged but not in RocksDB (a crash came between the two): written now, in order.
      await this.commits.replay(db);
    } catch (err) {
      await db.close().catch(() => undefined);
      throw err instanceof SpearletError ? err : levelError(`open of '${this.location}'`, err);
    }
    return db;
  }

  unwritable(): SpearletError | undefined {
    if (!this.failure.failed) return undefined;
    // A recovery attempt in the background (throttled); this request is refused either way.
    this.exclusive('recovery', async () => undefined).catch(() => undefined);
    return this.failure.error('write');
  }

  /**
   * After a storage failure RocksDB refuses every write until it is opened again: reopen it (at
   * most once per interval). Runs inside `exclusive`, so no write is under way. Throws the
   * failure's error while it lasts.
   */
  private async recover(operation: string): Promise<void> {
    if (!this.failure.attemptDue()) throw this.failure.error(operation);
    const old = this.db;
    if (!old) throw this.failure.error(operation);
    // Still full: keep the open handle, which reads (and so serves GetExecutionStatus) as before.
    if ((await freeBytes(this.location).catch(() => 0)) < RECOVERY_MIN_FREE_BYTES) throw this.failure.error(operation);
    // Its close reports the same failure; the handle is released all the same.
    await old.close().catch(() => undefined);
    this.figureState.clear();
    try {
      this.db = await this.openLevel();
    } catch (err) {
      this.db = old;
      throw this.failure.error(`${operation} (reopen: ${(err as Error).message})`);
    }
    this.failure.recovered();
    this.options.log?.({ location: this.location }, 'the store is writable again; new work is accepted');
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
    await this.commits.close();
    this.db = undefined;
    await this.writes.catch(() => undefined);
    this.openExecutions.clear();
    this.taskIndexes.clear();
    this.figureState.clear();
    try {
      await db.close();
    } catch (err) {
      throw levelError('close', err);
    }
  }

  putArtifact(digest: string, bytes: Uint8Array): Promise<void> {
    return this.run('putArtifact', async (db) => {
      if (await hasKeyIn(db, { gte: k.artifactKey(digest), lte: k.artifactKey(digest) })) return;
      await db.batch([{ type: 'put', key: k.artifactKey(digest), value: bytes, valueEncoding: 'buffer' }]);
    });
  }

  getArtifact(digest: string): Promise<Uint8Array | undefined> {
    return this.run('getArtifact', async (db) => (await db.getMany([k.artifactKey(digest)], { valueEncoding: 'buffer' }))[0]);
  }

  putTask(task: TaskRecord, artifact?: Uint8Array): Promise<void> {
    return this.exclusive('putTask', async (db) => {
      const ops = await taskOps(db, task, this.taskIndexes.get(task.taskId));
      if (artifact) ops.push({ type: 'put', key: k.artifactKey(task.digest), value: artifact, valueEncoding: 'buffer' });
      writeBatchSync(db, ops, false);
      this.taskIndexes.set(task.taskId, { name: task.name, digest: task.digest });
    });
  }

  getTask(taskId: string): Promise<TaskRecord | undefined> {
    return this.run('getTask', (db) => readTask(db, taskId));
  }

  findTaskByNameAndDigest(name: string, digest: string): Promise<TaskRecord | undefined> {
    return this.run('findTaskByNameAndDigest', async (db) => {
      const [taskId] = await db.getMany([k.taskNameKey(name, digest)]);
      const task = taskId === undefined ? undefined : await readTask(db, taskId);
      return task && task.name === name && task.digest === digest ? task : undefined;
    });
  }

  listTasks(query: ListTasksQuery): Promise<Page<TaskRecord>> {
    return this.run('listTasks', (db) => listTaskPage(db, query));
  }

  allTasks(): Promise<TaskRecord[]> {
    return this.run('allTasks', (db) => allTasksIn(db));
  }

  deleteTask(taskId: string, cleanupExecutions: boolean): Promise<number> {
    return this.exclusive('deleteTask', async (db) => {
      this.taskDeletions++;
      const ops: BatchOp[] = [];
      const task = await readTask(db, taskId);
      if (task) {
        ops.push({ type: 'del', key: k.taskKey(taskId) });
        ops.push(...(await releaseTaskIndexes(db, task)));
      }
      const cleanup = cleanupExecutions ? await planTaskCleanup(db, taskId) : undefined;
      if (cleanup) ops.push(...cleanup.ops, ...this.figureState.ops(db, cleanup.delta));
      if (ops.length) writeBatchSync(db, ops, false);
      this.figureState.commit();
      for (const id of cleanup?.executionIds ?? []) this.openExecutions.delete(id);
      this.taskIndexes.delete(taskId);
      return cleanup?.executionIds.length ?? 0;
    });
  }

  putExecution(execution: ExecutionRecord, task?: TaskRecord, options?: PutExecutionOptions): Promise<void> {
    try {
      this.live('putExecution');
    } catch (err) {
      return Promise.reject(err);
    }
    // Serialised now: the caller may go on changing its objects while the write waits.
    const copy = task === undefined ? undefined : { ...task };
    return this.executionWrites.push(queuedWrite(execution, JSON.stringify(execution), copy, options?.sync === true, options?.fresh === true));
  }

  /** One group of execution writes as one batch (see rocksdb-execution-batch.ts), then the caches. */
  private async writeExecutions(db: Level, items: QueuedExecution[]): Promise<void> {
    const { ops, delta, latest, tasks, sync } = groupOps(items, (id) => this.openExecutions.get(id) ?? readExecutionIndex(db, id));
    for (const task of tasks.values()) ops.push(...(await taskOps(db, task, this.taskIndexes.get(task.taskId))));
    ops.push(...this.figureState.ops(db, delta));
    writeBatchSync(db, ops, sync);
    this.figureState.commit();
    for (const item of latest.values()) {
      if (item.open) this.openExecutions.set(item.executionId, { seq: item.seq, taskId: item.taskId, status: item.status });
      else this.openExecutions.delete(item.executionId);
    }
    for (const task of tasks.values()) this.taskIndexes.set(task.taskId, { name: task.name, digest: task.digest });
  }

  getExecution(executionId: string): Promise<ExecutionRecord | undefined> {
    return this.run('getExecution', async (db) => (await this.readExecutions(db, [executionId]))[0]);
  }

  listExecutions(query: ListExecutionsQuery): Promise<Page<ExecutionRecord>> {
    return this.run('listExecutions', async (db) => {
      const page = await listExecutionPage(db, query, (d, ids) => this.readExecutions(d, ids));
      // A listing carries no result bytes or log lines.
      return { ...page, items: page.items.map(listingView) };
    });
  }

  executionsSince(sinceSeq: string): AsyncIterable<ExecutionRecord> {
    const db = this.live('executionsSince');
    const read = (ids: string[]) => this.wrap('executionsSince', () => this.readExecutions(db, ids));
    const afterFolds = () => this.commits.afterFolds();
    return (async function* () {
      await afterFolds();
      yield* executionsSinceIn(db, sinceSeq, read);
    })();
  }

  unfinishedExecutions(): Promise<ExecutionRecord[]> {
    return this.run('unfinishedExecutions', (db) => unfinishedIn(db, (ids) => this.readExecutions(db, ids)));
  }

  async figures(): Promise<StoredFigures> {
    this.live('figures');
    await this.commits.afterFolds();
    return this.figureState.figures;
  }

  figuresSince(sinceMs: number): Promise<StoredFigures> {
    return this.run('figuresSince', (db) => this.figureState.since(db, sinceMs));
  }

  async storedExecutions(): Promise<StoredCounts> {
    this.live('storedExecutions');
    await this.commits.afterFolds();
    return this.figureState.stored;
  }

  async expireExecutions(rule: ExpiryRule): Promise<ExpiryResult> {
    // Planned outside the write path (an index read on the thread pool), then written in slices of
    // EXPIRY_SLICE executions, each one atomic batch with the stored counts in its own turn of the
    // write path, the event loop free in between: a synchronous RocksDB write of a whole batch of
    // 500 (2,500 deletes) held the main thread for ~7 ms of CPU, and invocations waited behind it.
    // The executions planned are finished and never written again; only a DeleteTask with cleanup
    // can remove them meanwhile, and then each slice keeps those still stored.
    const deletions = this.taskDeletions;
    const plan = await this.run('expireExecutions', (db) => planExpiry(db, rule, this.figureState.stored.byTask));
    let removed = 0;
    for (let at = 0; at < plan.victims.length; at += EXPIRY_SLICE) {
      if (at > 0) await new Promise((resolve) => setImmediate(resolve));
      const slice = plan.victims.slice(at, at + EXPIRY_SLICE);
      removed += await this.exclusive('expireExecutions', async (db) => {
        const victims = deletions === this.taskDeletions ? slice : stillStored(db, slice);
        const { ops, delta } = expiryOps(victims);
        ops.push(...this.figureState.ops(db, delta));
        if (ops.length) writeBatchSync(db, ops, false);
        this.figureState.commit();
        return victims.length;
      });
    }
    await this.dropStaleHours();
    return { removed, more: plan.more, lastSeq: plan.lastSeq };
  }

  /** Hour buckets older than GetStats reaches: one range delete (a single tombstone) per key range, when any. */
  private async dropStaleHours(): Promise<void> {
    for (const stale of this.figureState.staleHourRangesDue(Date.now()) ?? []) {
      if (await this.run('expireExecutions', (db) => hasKeyIn(db, stale))) await this.exclusive('expireExecutions', (db) => db.clear(stale));
    }
  }

  collectArtifacts(): Promise<number> {
    return this.exclusive('collectArtifacts', async (db) => {
      const ops = await unreferencedArtifactOps(db);
      if (ops.length) writeBatchSync(db, ops, false);
      return ops.length;
    });
  }

  ping(): Promise<void> {
    const refused = this.unwritable();
    if (refused) return Promise.reject(refused);
    return this.run('ping', async (db) => {
      await db.getMany([k.taskKey('')]);
    });
  }

  private async readExecutions(db: Level, ids: string[]): Promise<Array<ExecutionRecord | undefined>> {
    if (ids.length === 0) return [];
    const values = await db.getMany(ids.map(k.executionKey));
    return values.map((v, i) => {
      const json = this.commits.json(ids[i]) ?? v;
      return json === undefined ? undefined : (JSON.parse(json) as ExecutionRecord);
    });
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
    this.live(operation);
    await this.commits.afterFolds();
    return this.runNow(operation, fn);
  }

  private async runNow<T>(operation: string, fn: (db: Level) => Promise<T>): Promise<T> {
    const db = this.live(operation);
    return this.wrap(operation, () => fn(db));
  }

  /** Runs read-then-write operations one at a time so their reads stay valid until the batch. */
  private exclusive<T>(operation: string, fn: (db: Level) => Promise<T>): Promise<T> {
    const result = this.writes.then(async () => {
      if (this.failure.failed) await this.recover(operation);
      try {
        return await this.runNow(operation, fn);
      } catch (err) {
        if (err instanceof SpearletError && err.code !== ErrorCodes.STORE_UNAVAILABLE) throw err;
        this.failure.note(err);
        throw this.failure.failed ? this.failure.error(operation) : err;
      }
    });
    this.writes = result.catch(() => undefined);
    return result;
  }
}
