/**
 * The key schema's version (`meta:schema`) and the one-time migration of older data directories.
 *
 *   1  the layout before versioning (no `meta:schema` key): records and the seq, task and open
 *      indexes only; figures were rebuilt at every start by reading every execution.
 *   2  adds the status indexes, the persisted figures and stored counts, and hour buckets, and
 *      puts task and status in the `exec-seq:` values (keys.ts). Migrating from 1 reads every execution once, writes the new keys in batches and
 *      writes `meta:schema` last, so a migration cut short runs again from the start (every write
 *      it makes is idempotent) and nothing already stored is changed or lost.
 *   3  moves the per-function counts out of `agg:figures` and the hour buckets into a key each
 *      (`agg-fn:`, `agg-hfn:`), so a write no longer rewrites the counts of every function ever
 *      run. Migrating from 2 splits each value in one batch with its new keys (a value already
 *      split has nothing left to move), then writes `meta:schema`. From 1, the figures are built
 *      in the new layout directly.
 */
import { storeUnavailable } from '../errors.js';
import { FiguresDelta } from './aggregates.js';
import * as k from './keys.js';
import { TERMINAL_STATUSES, type ExecutionRecord } from './records.js';
import { type BatchOp, type Level, scanRange, writeBatchSync } from './rocksdb-level.js';
import { RocksDbFigures } from './rocksdb-figures.js';

export const SCHEMA_VERSION = 3;

/** Where the migration reports progress (the server's logger). */
export type MigrationLog = (fields: Record<string, unknown>, message: string) => void;

/** Executions read and indexed per batch while migrating. */
const MIGRATION_CHUNK = 2000;

/**
 * Brings an open database to SCHEMA_VERSION: marks an empty one, migrates an older one, and
 * refuses one written by a newer release (STORE_UNAVAILABLE naming both versions).
 */
export async function ensureSchema(db: Level, location: string, log: MigrationLog): Promise<void> {
  const [stored] = await db.getMany([k.META_SCHEMA]);
  if (stored !== undefined) {
    const version = Number(stored);
    if (version === SCHEMA_VERSION) return;
    if (version > SCHEMA_VERSION) {
      throw storeUnavailable(
        `open of '${location}'`,
        new Error(`the data directory has key schema version ${version}, written by a newer spearlet; this one reads up to version ${SCHEMA_VERSION}`),
      );
    }
    if (version === 2) return splitFunctionFigures(db, log);
  }
  const [anyKey] = await keys(db, {}, 1);
  if (anyKey === undefined) {
    writeBatchSync(db, [{ type: 'put', key: k.META_SCHEMA, value: String(SCHEMA_VERSION) }], true);
    return;
  }
  await migrateFromV1(db, log);
}

async function migrateFromV1(db: Level, log: MigrationLog): Promise<void> {
  const started = performance.now();
  log({ from: 1, to: SCHEMA_VERSION }, 'migrating the data directory to a new key schema (once; the server starts when it is done)');
  const delta = new FiguresDelta();
  let migrated = 0;
  let nextReport = 100_000;
  const it = db.iterator({ gt: k.EXECUTION, lt: k.prefixEnd(k.EXECUTION) });
  try {
    for (let entries = await it.nextv(MIGRATION_CHUNK); entries.length > 0; entries = await it.nextv(MIGRATION_CHUNK)) {
      const ops: BatchOp[] = [];
      for (const [, value] of entries) {
        const e = JSON.parse(value) as ExecutionRecord;
        ops.push({ type: 'put', key: k.execSeqKey(e.seq), value: k.execSeqValue(e.executionId, e.taskId, e.status) });
        ops.push({ type: 'put', key: k.execStatusKey(e.status, e.seq), value: e.executionId });
        ops.push({ type: 'put', key: k.execTaskStatusKey(e.taskId, e.status, e.seq), value: e.executionId });
        delta.storedChange(e.taskId, 1);
        if (TERMINAL_STATUSES.has(e.status)) delta.finished(e);
      }
      writeBatchSync(db, ops, false);
      migrated += entries.length;
      if (migrated >= nextReport) {
        log({ migrated, seconds: Math.round((performance.now() - started) / 100) / 10 }, 'migrating the data directory: executions indexed so far');
        nextReport += 100_000;
      }
    }
  } finally {
    await it.close();
  }
  // Figures start from nothing: `ops` against empty figures gives exactly the delta's values.
  const figures = new RocksDbFigures();
  const ops = figures.ops(db, delta);
  ops.push({ type: 'put', key: k.META_SCHEMA, value: String(SCHEMA_VERSION) });
  writeBatchSync(db, ops, true);
  log({ from: 1, to: SCHEMA_VERSION, executions: migrated, seconds: Math.round((performance.now() - started) / 100) / 10 }, 'data directory migrated');
}

/** Schema 2 → 3: each figures value's per-function counts into keys of their own. */
async function splitFunctionFigures(db: Level, log: MigrationLog): Promise<void> {
  const started = performance.now();
  log({ from: 2, to: SCHEMA_VERSION }, 'migrating the data directory to a new key schema (once; the server starts when it is done)');
  let moved = 0;
  const split = (key: string, value: string, fnKey: (fn: string) => string): BatchOp[] => {
    const figures = JSON.parse(value) as { byFunction?: Record<string, number> };
    const counts = Object.entries(figures.byFunction ?? {});
    if (counts.length === 0) return [];
    moved += counts.length;
    return [...counts.map(([fn, n]): BatchOp => ({ type: 'put', key: fnKey(fn), value: String(n) })), { type: 'put', key, value: JSON.stringify({ ...figures, byFunction: {} }) }];
  };
  const [lifetime] = await db.getMany([k.AGG_FIGURES]);
  if (lifetime !== undefined) {
    const ops = split(k.AGG_FIGURES, lifetime, k.aggFnKey);
    if (ops.length) writeBatchSync(db, ops, false);
  }
  await scanRange(db, { gt: k.AGG_HOUR, lt: k.prefixEnd(k.AGG_HOUR) }, (entries) => {
    const ops = entries.flatMap(([key, value]) => {
      const hour = Number(key.slice(k.AGG_HOUR.length));
      return split(key, value, (fn) => k.aggHourFnKey(hour, fn));
    });
    if (ops.length) writeBatchSync(db, ops, false);
    return true;
  }, 256);
  writeBatchSync(db, [{ type: 'put', key: k.META_SCHEMA, value: String(SCHEMA_VERSION) }], true);
  log({ from: 2, to: SCHEMA_VERSION, functionCounts: moved, seconds: Math.round((performance.now() - started) / 100) / 10 }, 'data directory migrated');
}

async function keys(db: Level, range: { gt?: string; lt?: string }, limit: number): Promise<string[]> {
  const it = db.iterator({ ...range, limit, values: false });
  try {
    return (await it.nextv(limit)).map(([key]) => key);
  } finally {
    await it.close();
  }
}
