/**
 * The per-task key-value store behind `ctx.kv`: string or bytes values, optional TTL, listing by
 * prefix, caps on key size, value size and the bytes a task holds. Every write is one durable
 * batch (entry and the task's byte count together) before it resolves, and one task's writes run
 * one at a time so the count stays exact. Deleting a task deletes its store (`deleteTask`).
 *
 * Errors are GuestErrors: TypeError for a malformed argument, RangeError for a cap.
 */
import type { KvBackend, KvOp } from './kv-backend.js';
import { GuestError } from './guest-error.js';

export interface KvLimits {
  maxKeyBytes: number;
  maxValueBytes: number;
  maxTaskBytes: number;
  maxListKeys: number;
}

export type KvValue = string | Uint8Array;

export interface KvListResult {
  keys: Array<{ name: string; expiration?: number }>;
  /** Pass as `cursor` to continue; absent when the listing is complete. */
  cursor?: string;
}

const HEADER = 9;
const STRING = 0;
const BYTES = 1;
/** Longest TTL accepted: ten years. */
const MAX_TTL_SECONDS = 10 * 365 * 24 * 3600;

const entryPrefix = (taskId: string) => `kv:${taskId}/`;
const entryEnd = (taskId: string) => `kv:${taskId}0`; // '0' follows '/'
const sizeKey = (taskId: string) => `kv-size:${taskId}`;

function encode(value: KvValue, expiresAt: number): Buffer {
  const data = typeof value === 'string' ? Buffer.from(value, 'utf8') : Buffer.from(value.buffer, value.byteOffset, value.byteLength);
  const out = Buffer.allocUnsafe(HEADER + data.byteLength);
  out[0] = typeof value === 'string' ? STRING : BYTES;
  out.writeDoubleBE(expiresAt, 1);
  data.copy(out, HEADER);
  return out;
}

function expiresAtOf(stored: Buffer): number {
  return stored.readDoubleBE(1);
}

function decode(stored: Buffer): KvValue {
  const data = stored.subarray(HEADER);
  return stored[0] === STRING ? data.toString('utf8') : new Uint8Array(data);
}

export class KvStore {
  private readonly locks = new Map<string, Promise<unknown>>();

  constructor(
    private readonly backend: KvBackend,
    private readonly limits: KvLimits,
    private readonly now: () => number = Date.now,
  ) {}

  private checkKey(op: string, key: unknown): string {
    if (typeof key !== 'string') throw new GuestError('TypeError', `kv.${op}: the key must be a string, got ${key === null ? 'null' : typeof key}`);
    if (key === '') throw new GuestError('TypeError', `kv.${op}: the key must not be empty`);
    const bytes = Buffer.byteLength(key, 'utf8');
    if (bytes > this.limits.maxKeyBytes) throw new GuestError('RangeError', `kv.${op}: the key is ${bytes} bytes, over the limit of ${this.limits.maxKeyBytes} (kvMaxKeyBytes)`);
    return key;
  }

  private live(stored: Buffer): boolean {
    const expiresAt = expiresAtOf(stored);
    return expiresAt === 0 || expiresAt > this.now();
  }

  /** Runs `fn` after the task's earlier writes. */
  private exclusive<T>(taskId: string, fn: () => Promise<T>): Promise<T> {
    const before = this.locks.get(taskId) ?? Promise.resolve();
    const run = before.then(fn, fn);
    const tail = run.catch(() => undefined);
    this.locks.set(taskId, tail);
    void tail.then(() => {
      if (this.locks.get(taskId) === tail) this.locks.delete(taskId);
    });
    return run;
  }

  async get(taskId: string, key: unknown): Promise<KvValue | null> {
    const name = this.checkKey('get', key);
    const stored = await this.backend.get(entryPrefix(taskId) + name);
    return stored !== undefined && this.live(stored) ? decode(stored) : null;
  }

  async put(taskId: string, key: unknown, value: unknown, ttlSeconds?: unknown): Promise<void> {
    const name = this.checkKey('put', key);
    if (typeof value !== 'string' && !(value instanceof Uint8Array)) {
      throw new GuestError('TypeError', 'kv.put: the value must be a string, an ArrayBuffer or a typed array');
    }
    const valueBytes = typeof value === 'string' ? Buffer.byteLength(value, 'utf8') : value.byteLength;
    if (valueBytes > this.limits.maxValueBytes) {
      throw new GuestError('RangeError', `kv.put: the value is ${valueBytes} bytes, over the limit of ${this.limits.maxValueBytes} (kvMaxValueBytes)`);
    }
    let expiresAt = 0;
    if (ttlSeconds !== undefined && ttlSeconds !== null) {
      if (typeof ttlSeconds !== 'number' || !(ttlSeconds > 0) || ttlSeconds > MAX_TTL_SECONDS) {
        throw new GuestError('TypeError', `kv.put: ttlSeconds must be a number of seconds from 0 (exclusive) to ${MAX_TTL_SECONDS}`);
      }
      expiresAt = this.now() + ttlSeconds * 1000;
    }
    const entryKey = entryPrefix(taskId) + name;
    const entry = encode(value, expiresAt);
    const entrySize = Buffer.byteLength(name, 'utf8') + valueBytes;
    await this.exclusive(taskId, async () => {
      const old = await this.backend.get(entryKey);
      let total = (await this.size(taskId)) - (old ? Buffer.byteLength(name, 'utf8') + old.byteLength - HEADER : 0) + entrySize;
      const ops: KvOp[] = [];
      if (total > this.limits.maxTaskBytes) {
        const swept = await this.expired(taskId, entryKey);
        total -= swept.bytes;
        ops.push(...swept.ops);
      }
      if (total > this.limits.maxTaskBytes) {
        throw new GuestError('RangeError', `kv.put: the task's store would hold ${total} bytes, over its limit of ${this.limits.maxTaskBytes} (kvMaxTaskBytes)`);
      }
      ops.push({ type: 'put', key: entryKey, value: entry }, { type: 'put', key: sizeKey(taskId), value: Buffer.from(String(total)) });
      await this.backend.write(ops);
    });
  }

  async delete(taskId: string, key: unknown): Promise<void> {
    const name = this.checkKey('delete', key);
    const entryKey = entryPrefix(taskId) + name;
    await this.exclusive(taskId, async () => {
      const old = await this.backend.get(entryKey);
      if (!old) return;
      const total = Math.max(0, (await this.size(taskId)) - (Buffer.byteLength(name, 'utf8') + old.byteLength - HEADER));
      await this.backend.write([{ type: 'del', key: entryKey }, { type: 'put', key: sizeKey(taskId), value: Buffer.from(String(total)) }]);
    });
  }

  async list(taskId: string, options: { prefix?: unknown; limit?: unknown; cursor?: unknown }): Promise<KvListResult> {
    const prefix = options.prefix ?? '';
    if (typeof prefix !== 'string') throw new GuestError('TypeError', 'kv.list: prefix must be a string');
    let limit = this.limits.maxListKeys;
    if (options.limit !== undefined && options.limit !== null) {
      if (typeof options.limit !== 'number' || !Number.isInteger(options.limit) || options.limit < 1) throw new GuestError('TypeError', 'kv.list: limit must be a positive integer');
      limit = Math.min(options.limit, this.limits.maxListKeys);
    }
    const cursor = options.cursor ?? undefined;
    if (cursor !== undefined && typeof cursor !== 'string') throw new GuestError('TypeError', 'kv.list: cursor must be a string from an earlier list');
    const base = entryPrefix(taskId);
    const from = cursor !== undefined && cursor >= prefix ? base + cursor + '\u0000' : base + prefix;
    const keys: KvListResult['keys'] = [];
    let start = from;
    for (;;) {
      const page = await this.backend.range(start, entryEnd(taskId), limit + 1);
      for (const [key, stored] of page) {
        const name = key.slice(base.length);
        if (!name.startsWith(prefix)) return { keys };
        if (!this.live(stored)) continue;
        if (keys.length === limit) return { keys, cursor: keys[keys.length - 1].name };
        const expiresAt = expiresAtOf(stored);
        keys.push(expiresAt === 0 ? { name } : { name, expiration: Math.ceil(expiresAt / 1000) });
      }
      if (page.length <= limit) return { keys };
      start = page[page.length - 1][0] + '\u0000';
    }
  }

  /** Bytes the task's entries take, as last written. */
  async size(taskId: string): Promise<number> {
    const raw = await this.backend.get(sizeKey(taskId));
    return raw === undefined ? 0 : Number(raw.toString('utf8')) || 0;
  }

  /** Deletes the expired entries of a task (not `except`), returning the ops and bytes freed. */
  private async expired(taskId: string, except: string): Promise<{ ops: KvOp[]; bytes: number }> {
    const base = entryPrefix(taskId);
    const ops: KvOp[] = [];
    let bytes = 0;
    let start = base;
    for (;;) {
      const page = await this.backend.range(start, entryEnd(taskId), 512);
      for (const [key, stored] of page) {
        if (key === except || this.live(stored)) continue;
        ops.push({ type: 'del', key });
        bytes += Buffer.byteLength(key.slice(base.length), 'utf8') + stored.byteLength - HEADER;
      }
      if (page.length < 512) return { ops, bytes };
      start = page[page.length - 1][0] + '\u0000';
    }
  }

  /** Deletes a task's whole store (the task was deleted). Returns the entries removed. */
  deleteTask(taskId: string): Promise<number> {
    return this.exclusive(taskId, async () => {
      let removed = 0;
      for (;;) {
        const page = await this.backend.range(entryPrefix(taskId), entryEnd(taskId), 1000);
        if (page.length === 0) break;
        const ops: KvOp[] = page.map(([key]) => ({ type: 'del', key }));
        if (page.length < 1000) ops.push({ type: 'del', key: sizeKey(taskId) });
        await this.backend.write(ops);
        removed += page.length;
        if (page.length < 1000) return removed;
      }
      await this.backend.write([{ type: 'del', key: sizeKey(taskId) }]);
      return removed;
    });
  }
}
