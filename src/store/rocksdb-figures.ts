/**
 * The aggregate figures of a RocksDB store (see aggregates.ts): loaded once at open from a handful
 * of keys, then kept in memory and written in the same batch as each change they count. Only the
 * store's serialised write path calls `ops` and `commit`, one batch at a time.
 */
import { type FiguresDelta, HOUR_BUCKETS_KEPT, type StoredFigures, emptyStoredFigures, hourOf, mergeFigures } from './aggregates.js';
import * as k from './keys.js';
import type { BatchOp, Level } from './rocksdb-level.js';

/** What `agg:figures` holds. */
interface LifetimeValue extends StoredFigures {
  stored: number;
}

/** Hour buckets kept in memory: the ones being written to (the current hour and the last). */
const CACHED_HOURS = 4;

export class RocksDbFigures {
  private lifetime: StoredFigures = emptyStoredFigures();
  private storedTotal = 0;
  private readonly storedByTask = new Map<string, number>();
  private readonly hours = new Map<number, StoredFigures>();
  /** The hour `staleHourRangeDue` last handed out a range in. */
  private staleCheckedHour: number | undefined;
  /** Values computed by `ops` for the batch being written; made current by `commit`. */
  private staged: { lifetime: StoredFigures; storedTotal: number; tasks: Map<string, number>; hours: Map<number, StoredFigures> } | undefined;

  /** Reads the figures of an open database (schema 2). */
  async load(db: Level): Promise<void> {
    const [value] = await db.getMany([k.AGG_FIGURES]);
    if (value !== undefined) {
      const { stored, ...figures } = JSON.parse(value) as LifetimeValue;
      this.lifetime = figures;
      this.storedTotal = stored;
    }
    const it = db.iterator({ gt: k.AGG_TASK, lt: k.prefixEnd(k.AGG_TASK) });
    try {
      for (let entries = await it.nextv(1024); entries.length > 0; entries = await it.nextv(1024)) {
        for (const [key, n] of entries) this.storedByTask.set(key.slice(k.AGG_TASK.length), Number(n));
      }
    } finally {
      await it.close();
    }
  }

  get figures(): StoredFigures {
    return this.lifetime;
  }

  get stored(): { total: number; byTask: Map<string, number> } {
    return { total: this.storedTotal, byTask: new Map(this.storedByTask) };
  }

  storedOf(taskId: string): number {
    return this.storedByTask.get(taskId) ?? 0;
  }

  /** The batch ops that write the figures as `delta` changes them (nothing when it is empty). */
  ops(db: Level, delta: FiguresDelta): BatchOp[] {
    this.staged = undefined;
    if (delta.empty) return [];
    const ops: BatchOp[] = [];
    const lifetime = delta.counted > 0 ? mergeFigures(this.lifetime, delta.lifetime) : this.lifetime;
    let storedTotal = this.storedTotal;
    const tasks = new Map<string, number>();
    for (const [taskId, change] of delta.stored) {
      const n = Math.max(0, (this.storedByTask.get(taskId) ?? 0) + change);
      storedTotal += n - (this.storedByTask.get(taskId) ?? 0);
      tasks.set(taskId, n);
      ops.push(n > 0 ? { type: 'put', key: k.aggTaskKey(taskId), value: String(n) } : { type: 'del', key: k.aggTaskKey(taskId) });
    }
    const hours = new Map<number, StoredFigures>();
    for (const [hour, more] of delta.hours) {
      const merged = mergeFigures(this.hour(db, hour), more);
      hours.set(hour, merged);
      ops.push({ type: 'put', key: k.aggHourKey(hour), value: JSON.stringify(merged) });
    }
    const value: LifetimeValue = { ...lifetime, stored: storedTotal };
    ops.push({ type: 'put', key: k.AGG_FIGURES, value: JSON.stringify(value) });
    this.staged = { lifetime, storedTotal, tasks, hours };
    return ops;
  }

  /** The batch `ops` made was written: its values are now current. */
  commit(): void {
    const s = this.staged;
    this.staged = undefined;
    if (!s) return;
    this.lifetime = s.lifetime;
    this.storedTotal = s.storedTotal;
    for (const [taskId, n] of s.tasks) {
      if (n > 0) this.storedByTask.set(taskId, n);
      else this.storedByTask.delete(taskId);
    }
    for (const [hour, figures] of s.hours) this.hours.set(hour, figures);
    while (this.hours.size > CACHED_HOURS) this.hours.delete(Math.min(...this.hours.keys()));
  }

  /** Figures of executions created at or after `sinceMs`: the hour holding it counts whole. */
  async since(db: Level, sinceMs: number): Promise<StoredFigures> {
    let sum = emptyStoredFigures();
    const it = db.iterator({ gte: k.aggHourKey(hourOf(sinceMs)), lt: k.prefixEnd(k.AGG_HOUR) });
    try {
      for (let entries = await it.nextv(256); entries.length > 0; entries = await it.nextv(256)) {
        for (const [, value] of entries) sum = mergeFigures(sum, JSON.parse(value) as StoredFigures);
      }
    } finally {
      await it.close();
    }
    return sum;
  }

  /**
   * Range of hour buckets older than GetStats reaches, for the expiry pass to drop; undefined when
   * it was handed out already in this hour (buckets only become stale once an hour).
   */
  staleHourRangeDue(now: number): { gte: string; lt: string } | undefined {
    const hour = hourOf(now);
    if (hour === this.staleCheckedHour) return undefined;
    this.staleCheckedHour = hour;
    return { gte: k.AGG_HOUR, lt: k.aggHourKey(hour - HOUR_BUCKETS_KEPT) };
  }

  private hour(db: Level, hour: number): StoredFigures {
    const cached = this.hours.get(hour);
    if (cached) return cached;
    // A small point read on the write path, once per hour bucket: synchronous, like the index reads.
    const [value] = db._getManySync([k.aggHourKey(hour)], { valueEncoding: 'utf8' });
    return value === undefined ? emptyStoredFigures() : (JSON.parse(value) as StoredFigures);
  }

  /** Forgets everything (the store closed). */
  clear(): void {
    this.lifetime = emptyStoredFigures();
    this.storedTotal = 0;
    this.storedByTask.clear();
    this.hours.clear();
    this.staged = undefined;
    this.staleCheckedHour = undefined;
  }
}
