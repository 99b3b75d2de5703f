/**
 * The Store: everything that must survive a restart. The RocksDB implementation is the real one;
 * the in-memory one serves unit tests. Both pass the same suite (test/unit/store/).
 *
 * Every method that changes several keys does so in one atomic batch. Methods throw SpearletError
 * STORE_UNAVAILABLE when the underlying store fails.
 */
import type { SpearletError } from '../errors.js';
import type { StoredFigures } from './aggregates.js';
import type { ExecutionRecord, ExecutionStatus, TaskRecord } from './records.js';

export interface Page<T> {
  items: T[];
  hasMore: boolean;
  /** Cursor for the next page: the last item's id, or '' when there is no more. */
  nextStartAfter: string;
}

export interface ListTasksQuery {
  /** Keep tasks whose name starts with this. */
  namePrefix?: string;
  /** Exclusive: list task ids strictly greater than this. */
  startAfter?: string;
  limit: number;
}

export interface ListExecutionsQuery {
  taskId?: string;
  status?: ExecutionStatus;
  /** Exclusive cursor: an execution_id; listing continues with executions older than it. */
  startAfter?: string;
  limit: number;
}

export interface PutExecutionOptions {
  sync?: boolean;
  fresh?: boolean;
}

/** What one expiry batch removes (see Store.expireExecutions). */
export interface ExpiryRule {
  /** Remove finished executions whose seq sorts before this (created before its time). */
  beforeSeq?: string;
  /** Continue the age rule after this seq (the `lastSeq` of the previous batch of a pass). */
  afterSeq?: string;
  /** Remove the oldest finished executions of each task that stores more than this (0: none). */
  keepPerTask?: number;
  /** At most this many executions per batch. */
  limit: number;
}

export interface ExpiryResult {
  removed: number;
  /** True when more executions match the rule than this batch removed. */
  more: boolean;
  /** Where the age rule stopped: pass it as `afterSeq` to the next batch of the same pass. */
  lastSeq?: string;
}

/** How many executions are stored. */
export interface StoredCounts {
  total: number;
  byTask: Map<string, number>;
}

export interface Store {
  /** Opens the store; throws STORE_UNAVAILABLE with the reason (locked, unreadable dir, ...). */
  open(): Promise<void>;
  /** Flushes and closes. Idempotent. */
  close(): Promise<void>;

  /** Stores artifact bytes under their SHA-256 hex digest (no-op if present). */
  putArtifact(digest: string, bytes: Uint8Array): Promise<void>;
  getArtifact(digest: string): Promise<Uint8Array | undefined>;

  /**
   * Creates or replaces a task (and its name index) atomically. When `artifact` is given, the
   * artifact bytes (keyed by task.digest) are written in the same batch, so a task never points at
   * bytes that a concurrent delete removed.
   */
  putTask(task: TaskRecord, artifact?: Uint8Array): Promise<void>;
  getTask(taskId: string): Promise<TaskRecord | undefined>;
  /** The task registered with exactly this name and artifact digest, if any. */
  findTaskByNameAndDigest(name: string, digest: string): Promise<TaskRecord | undefined>;
  /** Tasks ordered by task_id ascending. */
  listTasks(query: ListTasksQuery): Promise<Page<TaskRecord>>;
  /** Every task, for loading caches at start-up. */
  allTasks(): Promise<TaskRecord[]>;
  /**
   * Deletes a task and its name index; with `cleanupExecutions` also its executions and their
   * indexes, in the same batch. The artifact is deleted when no other task references its digest.
   * Returns how many execution records were removed.
   */
  deleteTask(taskId: string, cleanupExecutions: boolean): Promise<number>;

  /**
   * Writes an execution record (creating or updating it, with its indexes) and, when given, the
   * task record, in one atomic batch. `sync` forces the write to durable storage before returning.
   * `fresh` is the caller's promise that no record with this execution id was ever written (it
   * made the id itself and this is its first write): the store need not look for an older one.
   */
  putExecution(execution: ExecutionRecord, task?: TaskRecord, options?: PutExecutionOptions): Promise<void>;
  getExecution(executionId: string): Promise<ExecutionRecord | undefined>;
  /** Newest first (by `seq`), optionally filtered by task and status; without results or logs (see listingView). */
  listExecutions(query: ListExecutionsQuery): Promise<Page<ExecutionRecord>>;
  /** Executions whose seq is at or after `sinceSeq` (newest first), for windowed stats. */
  executionsSince(sinceSeq: string): AsyncIterable<ExecutionRecord>;
  /** Every execution still PENDING or RUNNING (start-up recovery). */
  unfinishedExecutions(): Promise<ExecutionRecord[]>;

  /**
   * Lifetime figures of finished executions, kept beside the records (no scan). Expiry and task
   * deletion do not lower them.
   */
  figures(): Promise<StoredFigures>;
  /**
   * Figures of finished executions created at or after `sinceMs`, from hour buckets: the hour
   * that holds `sinceMs` counts whole.
   */
  figuresSince(sinceMs: number): Promise<StoredFigures>;
  /** How many executions are stored, in all and per task. */
  storedExecutions(): Promise<StoredCounts>;
  /**
   * Removes one bounded batch of finished executions (records, results, logs and indexes) that
   * `rule` selects, with the stored counts. Unfinished executions stay. Each execution goes
   * atomically with its index entries and its count; the RocksDB store writes a batch in several
   * such writes, so that invocations' writes interleave.
   */
  expireExecutions(rule: ExpiryRule): Promise<ExpiryResult>;
  /** Deletes artifacts that no task references any more; returns how many. */
  collectArtifacts(): Promise<number>;

  /**
   * The error new work is refused with while the store cannot write (the disk is full), else
   * undefined. Cheap and synchronous, for the start of every invocation; while it fails, each
   * call also lets the store try to recover (at most once a second).
   */
  unwritable(): SpearletError | undefined;

  /** A cheap read that proves the store answers (health checks). */
  ping(): Promise<void>;
}
