/**
 * RocksDbStore's group commit of execution writes through the execution log (record-log.ts).
 *
 * A group is appended to the log, which makes it durable, and its callers are answered at once;
 * its RocksDB batch takes its place among the store's writes at once and runs two turns of the
 * check phase later (after the HTTP answer's write and a gRPC answer's trailers have gone out).
 * Reads wait for pending batches (`afterFolds`), so once putExecution resolved every read sees the
 * write. The log only pays off for a lone write: when a batch is still pending (writes come faster
 * than their batches), when the store is in failure, or when the append fails, the group goes
 * straight to its batch as before the log.
 */
import type { Level } from './rocksdb-level.js';
import { type QueuedExecution, unstoredWrites } from './rocksdb-execution-batch.js';
import type { RecordLog } from './record-log.js';

export interface CommitTarget {
  /** The store is in failure (writes go through its recovery). */
  failed(): boolean;
  /** Runs `fn` in turn with the store's other writes. */
  exclusive(operation: string, fn: (db: Level) => Promise<void>): Promise<void>;
  /** Writes a group as one RocksDB batch. */
  write(db: Level, items: QueuedExecution[]): Promise<void>;
}

export class LoggedCommit {
  /** Logged writes whose batch is not written yet, by execution. */
  private readonly unfolded = new Map<string, QueuedExecution>();
  /** Settles once every batch scheduled so far is written (or failed). */
  private folding: Promise<void> = Promise.resolve();

  constructor(
    private readonly log: RecordLog,
    private readonly target: CommitTarget,
  ) {}

  /** Resolves once `items` are durable: in the log, or in RocksDB. */
  commit(items: QueuedExecution[]): Promise<void> {
    const batch = (db: Level) => this.target.write(db, items);
    if (this.target.failed() || this.unfolded.size > 0) return this.target.exclusive('putExecution', batch);
    try {
      this.log.append(items, items.some((i) => i.sync));
    } catch {
      return this.target.exclusive('putExecution', batch);
    }
    for (const item of items) this.unfolded.set(item.executionId, item);
    // A write superseded meanwhile, or written by a recovery's replay of the log, is left out.
    const folded = this.target
      .exclusive('putExecution', async (db) => {
        await new Promise((resolve) => setImmediate(() => setImmediate(resolve)));
        const pending = items.filter((i) => this.unfolded.get(i.executionId) === i);
        if (pending.length > 0) await this.target.write(db, pending);
      })
      .then(
        () => {
          for (const item of items) if (this.unfolded.get(item.executionId) === item) this.unfolded.delete(item.executionId);
          // Nothing waits: every line is in RocksDB (a line superseded in `unfolded` went with the
          // write that superseded it, and a failed batch keeps its writes here).
          if (this.unfolded.size === 0) this.log.trim();
        },
        () => {
          // The store noted the failure; the writes stay logged and readable (`json`), and its
          // recovery writes them from the log when it opens RocksDB again (`replay`).
        },
      );
    this.folding = Promise.all([this.folding, folded]).then(() => undefined);
    return Promise.resolve();
  }

  /** Waits for the batches of logged writes, if any is pending. */
  async afterFolds(): Promise<void> {
    if (this.unfolded.size > 0) await this.folding;
  }

  /** The record of a logged write whose batch is not in RocksDB (it failed, or is pending). */
  json(executionId: string): string | undefined {
    return this.unfolded.get(executionId)?.json;
  }

  /** At open: writes into RocksDB what the log holds and RocksDB does not, then empties the log. */
  async replay(db: Level): Promise<void> {
    const missing = await unstoredWrites(db, this.log.open());
    if (missing.length > 0) await this.target.write(db, missing);
    this.log.clear();
    this.unfolded.clear();
  }

  /** At close, once every write is settled: keeps the log only if a batch failed. */
  async close(): Promise<void> {
    await this.folding;
    if (this.unfolded.size === 0) this.log.clear();
    this.log.close();
    this.unfolded.clear();
  }
}
