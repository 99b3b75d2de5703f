/**
 * The slice of @nxtedition/rocksdb (an abstract-level database, CommonJS, no type declarations)
 * that RocksDbStore uses, typed here, plus the translation of its errors into ours.
 */
import { createRequire } from 'node:module';
import { storeUnavailable, type SpearletError } from '../errors.js';

export type BatchOp =
  | { type: 'put'; key: string; value: string }
  | { type: 'put'; key: string; value: Uint8Array; valueEncoding: 'buffer' }
  | { type: 'del'; key: string };

export interface RangeOptions {
  gt?: string;
  gte?: string;
  lt?: string;
  lte?: string;
  reverse?: boolean;
  limit?: number;
  values?: boolean;
}

export interface LevelIterator {
  /** Up to `size` entries; an empty array at the end of the range. */
  nextv(size: number): Promise<Array<[string, string]>>;
  close(): Promise<void>;
}

/** @nxtedition/rocksdb's chained batch, through its synchronous internals (see `writeBatchSync`). */
export interface LevelChainedBatch {
  _put(key: string, value: string | Uint8Array): void;
  _del(key: string): void;
  _writeSync(options: { sync: boolean }): void;
  _closeSync(): void;
}

export interface Level {
  readonly status: string;
  open(options?: { createIfMissing?: boolean; walCompression?: boolean; compaction?: 'level' | 'universal'; memtableMemoryBudget?: number }): Promise<void>;
  close(): Promise<void>;
  getMany(keys: string[]): Promise<Array<string | undefined>>;
  getMany(keys: string[], options: { valueEncoding: 'buffer' }): Promise<Array<Buffer | undefined>>;
  /**
   * Reads on the calling thread (@nxtedition/rocksdb's own synchronous read, not part of the
   * abstract-level API): a few microseconds for a key in the memtable or block cache, against tens
   * for a round trip through the thread pool. For small index reads on the write path only.
   */
  _getManySync(keys: string[], options: { valueEncoding: 'utf8' }): Array<string | undefined>;
  batch(ops: BatchOp[], options?: { sync?: boolean }): Promise<void>;
  /**
   * A new native batch, without abstract-level's checks (for `writeBatchSync`). The database
   * keeps it among its open resources until `detachResource`.
   */
  _chainedBatch(): LevelChainedBatch;
  /** Forgets a resource the database would otherwise close with itself (abstract-level API). */
  detachResource(resource: object): void;
  iterator(options: RangeOptions): LevelIterator;
  /** A RocksDB property (`rocksdb.compaction-pending`, `rocksdb.levelstats` ...), for diagnostics and the bench. */
  getProperty(name: string): string;
  /** Deletes a key range with one RocksDB DeleteRange (a single tombstone, whatever its size). */
  clear(range: { gte: string; lt: string }): Promise<void>;
}

type LevelConstructor = new (location: string, options: { valueEncoding: 'utf8' }) => Level;

const require = createRequire(import.meta.url);
const { RocksLevel } = require('@nxtedition/rocksdb') as { RocksLevel: LevelConstructor };

/**
 * Writes `ops` as one atomic batch on the calling thread and returns once RocksDB has it (WAL
 * included, fsynced when `sync`). The same native write that `db.batch(ops)` makes (it too writes
 * synchronously, then answers on the next tick), without abstract-level's per-op copying and
 * encoding: keys and values here are already strings or bytes. The native batch is freed at once.
 * Throws the RocksDB error as it is; for an open database only.
 */
export function writeBatchSync(db: Level, ops: BatchOp[], sync: boolean): void {
  const batch = db._chainedBatch();
  try {
    for (const op of ops) {
      if (op.type === 'del') batch._del(op.key);
      else batch._put(op.key, typeof op.value === 'string' || Buffer.isBuffer(op.value) ? op.value : Buffer.from(op.value.buffer, op.value.byteOffset, op.value.byteLength));
    }
    batch._writeSync({ sync });
  } finally {
    batch._closeSync();
    // The synchronous close frees the native batch but, unlike `close()`, leaves it in the
    // database's set of open resources: without this every write kept ~1 KiB of heap for good.
    db.detachResource(batch);
  }
}

/** Walks a range in chunks of `chunk` until it ends or `visit` returns false; always closes the iterator. */
export async function scanRange(db: Level, range: RangeOptions, visit: (entries: Array<[string, string]>) => boolean, chunk = 128): Promise<void> {
  const it = db.iterator(range);
  try {
    for (let entries = await it.nextv(chunk); entries.length > 0 && visit(entries); entries = await it.nextv(chunk));
  } finally {
    await it.close().catch(() => undefined);
  }
}

/** Whether any key lies in `range` (reads one key, no value). */
export async function hasKeyIn(db: Level, range: Omit<RangeOptions, 'limit' | 'values' | 'reverse'>): Promise<boolean> {
  const it = db.iterator({ ...range, limit: 1, values: false });
  return (await it.nextv(1).finally(() => it.close())).length > 0;
}

/** A closed RocksDB handle for `location` (keys and values UTF-8 unless an op says 'buffer'). */
export function createLevel(location: string): Level {
  return new RocksLevel(location, { valueEncoding: 'utf8' });
}

/**
 * The whole cause chain of a RocksDB error in one line: abstract-level wraps the useful part
 * ("IO error: lock ... LOCK: Resource temporarily unavailable") in a generic "Database is not open".
 */
export function describeLevelError(err: unknown): string {
  const parts: string[] = [];
  for (let e: unknown = err; e !== undefined && e !== null && parts.length < 5; ) {
    const message = e instanceof Error ? e.message : String(e);
    if (message && !parts.includes(message)) parts.push(message);
    e = e instanceof Error ? e.cause : undefined;
  }
  return parts.join(': ') || 'unknown error';
}

/** STORE_UNAVAILABLE for a failed `operation`, keeping the RocksDB error as the cause. */
export function levelError(operation: string, err: unknown): SpearletError {
  return storeUnavailable(operation, new Error(describeLevelError(err), { cause: err }));
}

/** STORE_UNAVAILABLE for a failed open, saying what to check. */
export function openError(location: string, err: unknown): SpearletError {
  const detail = describeLevelError(err);
  const hint = /\bLOCK\b|lock/.test(detail)
    ? ' (is another spearlet process using this data directory?)'
    : /EEXIST|ENOTDIR|EACCES|EPERM|EROFS/.test(detail)
      ? ' (the data directory must be a writable directory)'
      : '';
  return storeUnavailable(`open of '${location}'`, new Error(`${detail}${hint}`, { cause: err }));
}
