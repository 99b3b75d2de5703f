/**
 * Where the KV store and the secrets live: the server's own RocksDB (the same database as tasks and
 * executions, under their own key prefixes), or memory when the server runs on the in-memory
 * Store (unit tests). Writes are durable (fsynced) before they resolve.
 *
 * Key layout, next to the Store's (src/store/keys.ts):
 *   kv:<taskId>/<key>       → [type 1][expires-at ms, float64 BE, 0 = never][value]
 *   kv-size:<taskId>        → bytes the task's entries take (keys + values), decimal
 *   secret:<name>           → sealed value (secret-box.ts)
 */
import { storeUnavailable } from '../errors.js';
import type { Level } from '../store/rocksdb-level.js';

export type KvOp = { type: 'put'; key: string; value: Buffer } | { type: 'del'; key: string };

export interface KvBackend {
  get(key: string): Promise<Buffer | undefined>;
  /** One atomic, durable batch. */
  write(ops: KvOp[]): Promise<void>;
  /** Entries with keys in [gte, lt), in key order, at most `limit`. */
  range(gte: string, lt: string, limit: number): Promise<Array<[string, Buffer]>>;
}

/** The level's iterator with per-call encodings (abstract-level API). */
interface BufferIterator {
  nextv(size: number): Promise<Array<[string, Buffer]>>;
  close(): Promise<void>;
}

export class RocksDbKvBackend implements KvBackend {
  /** `db` gives the open database (the Store opens and closes it). */
  constructor(private readonly db: () => Level) {}

  async get(key: string): Promise<Buffer | undefined> {
    try {
      return (await this.db().getMany([key], { valueEncoding: 'buffer' }))[0];
    } catch (err) {
      throw storeUnavailable('kv get', err);
    }
  }

  async write(ops: KvOp[]): Promise<void> {
    const batch = ops.map((op) => (op.type === 'del' ? op : { type: 'put' as const, key: op.key, value: op.value, valueEncoding: 'buffer' as const }));
    try {
      await this.db().batch(batch, { sync: true });
    } catch (err) {
      throw storeUnavailable('kv write', err);
    }
  }

  async range(gte: string, lt: string, limit: number): Promise<Array<[string, Buffer]>> {
    const open = this.db().iterator as unknown as (o: object) => BufferIterator;
    let it: BufferIterator;
    try {
      it = open.call(this.db(), { gte, lt, limit, valueEncoding: 'buffer' });
    } catch (err) {
      throw storeUnavailable('kv list', err);
    }
    const out: Array<[string, Buffer]> = [];
    try {
      for (;;) {
        const entries = await it.nextv(Math.min(256, limit - out.length));
        if (entries.length === 0) break;
        out.push(...entries);
        if (out.length >= limit) break;
      }
    } catch (err) {
      throw storeUnavailable('kv list', err);
    } finally {
      await it.close().catch(() => undefined);
    }
    return out;
  }
}

export class MemoryKvBackend implements KvBackend {
  private readonly entries = new Map<string, Buffer>();

  async get(key: string): Promise<Buffer | undefined> {
    return this.entries.get(key);
  }

  async write(ops: KvOp[]): Promise<void> {
    for (const op of ops) {
      if (op.type === 'del') this.entries.delete(op.key);
      else this.entries.set(op.key, Buffer.from(op.value));
    }
  }

  async range(gte: string, lt: string, limit: number): Promise<Array<[string, Buffer]>> {
    const keys = [...this.entries.keys()].filter((k) => k >= gte && k < lt).sort();
    return keys.slice(0, limit).map((k) => [k, this.entries.get(k)!]);
  }
}
