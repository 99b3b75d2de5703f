/**
 * The aggregate figures of a RocksDB store (see aggregates.ts): loaded once at open, then kept in
 * memory and written in the same batch as each change they count. Only the store's serialised
 * write path calls `ops` and `commit`, one batch at a time.
 *
 * A batch writes the scalar figures (counts by status and time, a few dozen bytes) and one small
 * key per function it counts (schema 3, keys.ts), so what it costs does not grow with the number of
 * functions ever run.
 */
import { type FiguresDelta, HOUR_BUCKETS_KEPT, type StoredFigures, addFigures, emptyStoredFigures, hourOf } from './aggregates.js';
import * as k from './keys.js';
import { type BatchOp, type Level, scanRange } from './rocksdb-level.js';

/** Figures without their per-function counts. */
type Scalars = Omit<StoredFigures, 'byFunction'>;

/** What `agg:figures` holds (`byFunction` is empty from schema 3 on). */
interface LifetimeValue extends StoredFigures {
  stored: number;
}

/** An hour bucket as cached: its scalars, and the per-function counts read or written so far. */
interface HourState {
  scalars: Scalars;
  fn: Map<string, number>;
}

/** Hour buckets kept in memory: the ones being written to (the current hour and the last). */
const CACHED_HOURS = 4;

function scalarsOf(f: Scalars): Scalars {
  return { total: f.total, byStatus: { ...f.byStatus }, totalTimeMs: f.totalTimeMs, timedCount: f.timedCount };
}

function plus(into: Scalars, more: Scalars): Scalars {
  const out = scalarsOf(into);
  addFigures(out, more);
  return out;
}

export class RocksDbFigures {
  private lifetime: Scalars = scalarsOf(emptyStoredFigures());
  private readonly lifetimeByFunction = new Map<string, number>();
  private storedTotal = 0;
  private readonly storedByTask = new Map<string, number>();
  private readonly hours = new Map<number, HourState>();
  /** The hour `staleHourRangesDue` last handed out ranges in. */
  private staleCheckedHour: number | undefined;
  /** Values computed by `ops` for the batch being written; made current by `commit`. */
  private staged:
    | { lifetime: Scalars; byFunction: Map<string, number>; storedTotal: number; tasks: Map<string, number>; hours: Map<number, { scalars: Scalars; fn: Map<string, number> }> }
    | undefined;

  /** Reads the figures of an open database (brought to schema 3 first: schema.ts). */
  async load(db: Level): Promise<void> {
    const [value] = await db.getMany([k.AGG_FIGURES]);
    if (value !== undefined) {
      const { stored, byFunction, ...scalars } = JSON.parse(value) as LifetimeValue;
      this.lifetime = scalars;
      this.storedTotal = stored;
      // Only a value from before schema 3 has any; the migration moved them to their own keys.
      for (const [key, n] of Object.entries(byFunction ?? {})) this.lifetimeByFunction.set(key, n);
    }
    await scanRange(db, { gt: k.AGG_TASK, lt: k.prefixEnd(k.AGG_TASK) }, (entries) => {
      for (const [key, n] of entries) this.storedByTask.set(key.slice(k.AGG_TASK.length), Number(n));
      return true;
    }, 1024);
    await scanRange(db, { gt: k.AGG_FN, lt: k.prefixEnd(k.AGG_FN) }, (entries) => {
      for (const [key, n] of entries) this.lifetimeByFunction.set(key.slice(k.AGG_FN.length), Number(n));
      return true;
    }, 1024);
  }

  /** Lifetime figures (a copy). */
  get figures(): StoredFigures {
    return { ...scalarsOf(this.lifetime), byFunction: Object.fromEntries(this.lifetimeByFunction) };
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
    const lifetime = delta.counted > 0 ? plus(this.lifetime, delta.lifetime) : this.lifetime;
    const byFunction = new Map<string, number>();
    for (const [key, n] of Object.entries(delta.lifetime.byFunction)) {
      const count = (this.lifetimeByFunction.get(key) ?? 0) + n;
      byFunction.set(key, count);
      ops.push({ type: 'put', key: k.aggFnKey(key), value: String(count) });
    }
    let storedTotal = this.storedTotal;
    const tasks = new Map<string, number>();
    for (const [taskId, change] of delta.stored) {
      const n = Math.max(0, (this.storedByTask.get(taskId) ?? 0) + change);
      storedTotal += n - (this.storedByTask.get(taskId) ?? 0);
      tasks.set(taskId, n);
      ops.push(n > 0 ? { type: 'put', key: k.aggTaskKey(taskId), value: String(n) } : { type: 'del', key: k.aggTaskKey(taskId) });
    }
    const hours = new Map<number, { scalars: Scalars; fn: Map<string, number> }>();
    for (const [hour, more] of delta.hours) {
      const state = this.hour(db, hour);
      const fn = new Map<string, number>();
      for (const [key, n] of Object.entries(more.byFunction)) {
        const count = this.hourCount(db, hour, state, key) + n;
        fn.set(key, count);
        ops.push({ type: 'put', key: k.aggHourFnKey(hour, key), value: String(count) });
      }
      const scalars = plus(state.scalars, more);
      hours.set(hour, { scalars, fn });
      ops.push({ type: 'put', key: k.aggHourKey(hour), value: JSON.stringify({ ...scalars, byFunction: {} }) });
    }
    const value: LifetimeValue = { ...lifetime, byFunction: {}, stored: storedTotal };
    ops.push({ type: 'put', key: k.AGG_FIGURES, value: JSON.stringify(value) });
    this.staged = { lifetime, byFunction, storedTotal, tasks, hours };
    return ops;
  }

  /** The batch `ops` made was written: its values are now current. */
  commit(): void {
    const s = this.staged;
    this.staged = undefined;
    if (!s) return;
    this.lifetime = s.lifetime;
    for (const [key, n] of s.byFunction) this.lifetimeByFunction.set(key, n);
    this.storedTotal = s.storedTotal;
    for (const [taskId, n] of s.tasks) {
      if (n > 0) this.storedByTask.set(taskId, n);
      else this.storedByTask.delete(taskId);
    }
    for (const [hour, { scalars, fn }] of s.hours) {
      const state = this.hours.get(hour) ?? { scalars, fn: new Map<string, number>() };
      state.scalars = scalars;
      for (const [key, n] of fn) state.fn.set(key, n);
      this.hours.set(hour, state);
    }
    while (this.hours.size > CACHED_HOURS) this.hours.delete(Math.min(...this.hours.keys()));
  }

  /** Figures of executions created at or after `sinceMs`: the hour holding it counts whole. */
  async since(db: Level, sinceMs: number): Promise<StoredFigures> {
    const sum = emptyStoredFigures();
    const from = hourOf(sinceMs);
    await scanRange(db, { gte: k.aggHourKey(from), lt: k.prefixEnd(k.AGG_HOUR) }, (entries) => {
      for (const [, value] of entries) addFigures(sum, JSON.parse(value) as StoredFigures);
      return true;
    }, 256);
    const skip = k.aggHourFnPrefix(from).length;
    await scanRange(db, { gte: k.aggHourFnPrefix(from), lt: k.prefixEnd(k.AGG_HOUR_FN) }, (entries) => {
      for (const [key, n] of entries) {
        const fnKey = key.slice(skip);
        sum.byFunction[fnKey] = (sum.byFunction[fnKey] ?? 0) + Number(n);
      }
      return true;
    }, 1024);
    return sum;
  }

  /**
   * Ranges of hour buckets older than GetStats reaches (their figures, then their per-function
   * counts), for the expiry pass to drop; undefined when handed out already in this hour (buckets
   * only become stale once an hour).
   */
  staleHourRangesDue(now: number): Array<{ gte: string; lt: string }> | undefined {
    const hour = hourOf(now);
    if (hour === this.staleCheckedHour) return undefined;
    this.staleCheckedHour = hour;
    return [
      { gte: k.AGG_HOUR, lt: k.aggHourKey(hour - HOUR_BUCKETS_KEPT) },
      { gte: k.AGG_HOUR_FN, lt: k.aggHourFnPrefix(hour - HOUR_BUCKETS_KEPT) },
    ];
  }

  /** An hour bucket's state, read once (small point reads on the write path: synchronous, like the index reads). */
  private hour(db: Level, hour: number): HourState {
    const cached = this.hours.get(hour);
    if (cached) return cached;
    const [value] = db._getManySync([k.aggHourKey(hour)], { valueEncoding: 'utf8' });
    const stored = value === undefined ? emptyStoredFigures() : (JSON.parse(value) as StoredFigures);
    // Counts still inside the value are from before schema 3 (the migration moves them out).
    const state: HourState = { scalars: scalarsOf(stored), fn: new Map(Object.entries(stored.byFunction)) };
    this.hours.set(hour, state);
    return state;
  }

  /** The committed count of `key` in an hour bucket, read from disk the first time it is needed. */
  private hourCount(db: Level, hour: number, state: HourState, key: string): number {
    let n = state.fn.get(key);
    if (n === undefined) {
      const [value] = db._getManySync([k.aggHourFnKey(hour, key)], { valueEncoding: 'utf8' });
      n = value === undefined ? 0 : Number(value);
      state.fn.set(key, n);
    }
    return n;
  }

  /** Forgets everything (the store closed). */
  clear(): void {
    this.lifetime = scalarsOf(emptyStoredFigures());
    this.lifetimeByFunction.clear();
    this.storedTotal = 0;
    this.storedByTask.clear();
    this.hours.clear();
    this.staged = undefined;
    this.staleCheckedHour = undefined;
  }
}
