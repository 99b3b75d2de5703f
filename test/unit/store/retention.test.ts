import fs from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { newExecutionId, ulid, ulidFloor } from '../../../src/core/values/ids.js';
import { ErrorCodes, SpearletError } from '../../../src/errors.js';
import { functionFigureKey } from '../../../src/store/aggregates.js';
import type { ExecutionRecord, ExecutionStatus } from '../../../src/store/records.js';
import { createLevel } from '../../../src/store/rocksdb-level.js';
import { RocksDbStore } from '../../../src/store/rocksdb-store.js';
import type { ListExecutionsQuery, Store } from '../../../src/store/store.js';
import { openStoreForEachTest, storeImplementations, taskRecord, tempDirs } from '../../helpers/store-setup.js';

const V1_FIXTURE = fileURLToPath(new URL('../../../fixtures/store-v1/', import.meta.url));
const tempDir = tempDirs('spearlet-retention-');

/** An execution created `ageMs` ago, with an id of ours (its ULID is the seq). */
function execution(taskId: string, status: ExecutionStatus, ageMs = 0, fn = 'main'): ExecutionRecord {
  const createdAt = Date.now() - ageMs;
  // ulid() is monotonic but never goes back in time: an older execution takes the time part of its
  // own age and the random part of a fresh ULID (unique; its order within that ms is arbitrary).
  const seq = ageMs === 0 ? ulid(createdAt) : ulidFloor(createdAt).slice(0, 10) + ulid().slice(10);
  return {
    executionId: `exec-${seq}`,
    seq,
    taskId,
    functionName: fn,
    mode: 'SYNC',
    status,
    result: { typeUrl: 'type.googleapis.com/google.protobuf.StringValue', valueBase64: 'aGk=' },
    createdAt,
    executionTimeMs: 4,
    memoryUsedBytes: 0,
    metrics: {},
    logs: ['a log line'],
    logsTruncated: false,
    metadata: {},
  };
}

async function ids(store: Store, query: Omit<ListExecutionsQuery, 'limit'>): Promise<string[]> {
  const out: string[] = [];
  let startAfter: string | undefined;
  for (;;) {
    const page = await store.listExecutions({ ...query, startAfter, limit: 3 });
    out.push(...page.items.map((e) => e.executionId));
    if (!page.hasMore) return out;
    startAfter = page.nextStartAfter;
  }
}

const implementations = storeImplementations(tempDir);

describe.each(implementations)('%s retention and figures', (_name, make) => {
  let store: Store;
  openStoreForEachTest(make, (s) => (store = s));

  it('counts each finished execution once, by status, function and hour, and counts what is stored', async () => {
    const e = execution('t1', 'RUNNING');
    await store.putExecution(e, undefined, { fresh: true });
    expect((await store.figures()).total).toBe(0);
    await store.putExecution({ ...e, status: 'COMPLETED' });
    // A repeated terminal write (a retry of the write) is not a second execution.
    await store.putExecution({ ...e, status: 'COMPLETED' });
    const old = execution('t2', 'FAILED', 3 * 3_600_000, 'other');
    await store.putExecution(old, undefined, { fresh: true });
    const f = await store.figures();
    expect(f.total).toBe(2);
    expect(f.byStatus.COMPLETED).toBe(1);
    expect(f.byStatus.FAILED).toBe(1);
    expect(f.byFunction[functionFigureKey('t2', 'other')]).toBe(1);
    expect(f.totalTimeMs).toBe(8);
    expect((await store.figuresSince(Date.now() - 60_000)).total).toBe(1);
    expect((await store.figuresSince(Date.now() - 4 * 3_600_000)).total).toBe(2);
    const stored = await store.storedExecutions();
    expect(stored.total).toBe(2);
    expect(stored.byTask.get('t1')).toBe(1);
  });

  it('lists by status and by task and status through their indexes as statuses change', async () => {
    const a = execution('t1', 'RUNNING');
    const b = execution('t1', 'FAILED');
    const c = execution('t2', 'FAILED');
    for (const e of [a, b, c]) await store.putExecution(e, undefined, { fresh: true });
    expect(await ids(store, { status: 'RUNNING' })).toEqual([a.executionId]);
    await store.putExecution({ ...a, status: 'FAILED' });
    expect(await ids(store, { status: 'RUNNING' })).toEqual([]);
    expect(await ids(store, { status: 'FAILED' })).toEqual([c.executionId, b.executionId, a.executionId]);
    expect(await ids(store, { taskId: 't1', status: 'FAILED' })).toEqual([b.executionId, a.executionId]);
    expect(await ids(store, { taskId: 't2', status: 'COMPLETED' })).toEqual([]);
  });

  it('expires finished executions older than the bound with their results, logs and indexes, and keeps unfinished ones', async () => {
    const old = [0, 1, 2, 3, 4].map(() => execution('t1', 'COMPLETED', 60_000));
    const oldRunning = execution('t1', 'RUNNING', 60_000);
    const fresh = execution('t1', 'FAILED');
    for (const e of [...old, oldRunning, fresh]) await store.putExecution(e, undefined, { fresh: true });
    const before = await store.figures();
    const bound = ulidFloor(Date.now() - 30_000);
    const first = await store.expireExecutions({ beforeSeq: bound, limit: 3 });
    expect(first.removed).toBe(3);
    expect(first.more).toBe(true);
    const second = await store.expireExecutions({ beforeSeq: bound, afterSeq: first.lastSeq, limit: 3 });
    expect(second.removed).toBe(2);
    expect(second.more).toBe(false);
    for (const e of old) expect(await store.getExecution(e.executionId)).toBeUndefined();
    expect(await ids(store, {})).toEqual([fresh.executionId, oldRunning.executionId]);
    expect(await ids(store, { status: 'COMPLETED' })).toEqual([]);
    expect(await ids(store, { taskId: 't1', status: 'COMPLETED' })).toEqual([]);
    expect((await store.unfinishedExecutions()).map((e) => e.executionId)).toEqual([oldRunning.executionId]);
    expect((await store.storedExecutions()).total).toBe(2);
    // Figures describe what ran: expiry does not lower them.
    expect(await store.figures()).toEqual(before);
  });

  it('expires a batch of several writes while a DeleteTask with cleanup runs, counting each execution once', async () => {
    await store.putTask(taskRecord('t1', 't1'));
    const old = Array.from({ length: 300 }, (_, i) => execution(i % 2 ? 't1' : 't2', 'COMPLETED', 60_000));
    const fresh = execution('t2', 'COMPLETED');
    for (const e of [...old, fresh]) await store.putExecution(e, undefined, { fresh: true });
    const [expired, cleaned] = await Promise.all([store.expireExecutions({ beforeSeq: ulidFloor(Date.now() - 30_000), limit: 1000 }), store.deleteTask('t1', true)]);
    expect(expired.removed + cleaned).toBe(300);
    expect(expired.more).toBe(false);
    const stored = await store.storedExecutions();
    expect(stored.total).toBe(1);
    expect(stored.byTask.get('t1') ?? 0).toBe(0);
    expect(stored.byTask.get('t2')).toBe(1);
    expect(await ids(store, {})).toEqual([fresh.executionId]);
  });

  it('keeps only the newest finished executions of each task beyond a count', async () => {
    const t1 = [0, 1, 2, 3, 4].map(() => execution('t1', 'COMPLETED'));
    const t2 = [0, 1].map(() => execution('t2', 'COMPLETED'));
    for (const e of [...t1, ...t2]) await store.putExecution(e, undefined, { fresh: true });
    const r = await store.expireExecutions({ keepPerTask: 2, limit: 100 });
    expect(r.removed).toBe(3);
    expect(await ids(store, { taskId: 't1' })).toEqual([t1[4].executionId, t1[3].executionId]);
    expect(await ids(store, { taskId: 't2' })).toHaveLength(2);
    expect((await store.storedExecutions()).byTask.get('t1')).toBe(2);
  });

  it('pages exactly once while executions are written and the oldest expire', async () => {
    const all = Array.from({ length: 20 }, (_, i) => execution('t1', i % 2 ? 'COMPLETED' : 'FAILED', 20_000 - i * 500));
    for (const e of all) await store.putExecution(e, undefined, { fresh: true });
    const seen: string[] = [];
    let startAfter: string | undefined;
    // Newest first: page by page the client moves towards the old end that expiry eats.
    for (let n = 0; n < 50; n++) {
      const page = await store.listExecutions({ startAfter, limit: 4 });
      seen.push(...page.items.map((e) => e.executionId));
      if (!page.hasMore) break;
      startAfter = page.nextStartAfter;
      await store.putExecution(execution('t1', 'COMPLETED'), undefined, { fresh: true });
      // Expiry catches up with the client, cursor included: our ids carry their seq, so paging goes on.
      await store.expireExecutions({ beforeSeq: ulidFloor(Date.now() - 20_000 + n * 2000), limit: 100 });
    }
    expect(new Set(seen).size).toBe(seen.length);
    const remaining = new Set((await ids(store, {})).filter((id) => all.some((e) => e.executionId === id)));
    // Every original execution still stored at the end was listed.
    for (const id of remaining) expect(seen).toContain(id);
  });

  it('refuses a start_after that names no execution and is not one of our ids', async () => {
    const err = await store.listExecutions({ startAfter: 'my-own-id', limit: 5 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SpearletError);
    expect((err as SpearletError).code).toBe(ErrorCodes.INVALID_ARGUMENT);
    expect((err as SpearletError).message).toMatch(/start_after.*my-own-id.*expired/);
    const gone = await store.listExecutions({ startAfter: newExecutionId(), limit: 5 });
    expect(gone.items).toEqual([]);
  });

  it('collects artifacts that no task references', async () => {
    await store.putTask(taskRecord('t1', 'name-t1', 'a'.repeat(64)), new Uint8Array([1]));
    await store.putArtifact('b'.repeat(64), new Uint8Array([2]));
    expect(await store.collectArtifacts()).toBe(1);
    expect(await store.getArtifact('b'.repeat(64))).toBeUndefined();
    expect([...((await store.getArtifact('a'.repeat(64))) ?? [])]).toEqual([1]);
  });
});

describe('RocksDbStore schema', () => {
  it('keeps figures and stored counts across a restart without reading executions', async () => {
    const dir = path.join(await tempDir(), 'db');
    const store = new RocksDbStore(dir);
    await store.open();
    for (let i = 0; i < 5; i++) await store.putExecution(execution('t1', i === 0 ? 'FAILED' : 'COMPLETED'), undefined, { fresh: true });
    await store.deleteTask('t1', true);
    await store.putExecution(execution('t2', 'COMPLETED'), undefined, { fresh: true });
    await store.close();
    await store.open();
    const f = await store.figures();
    expect(f.total).toBe(6);
    expect(f.byStatus.FAILED).toBe(1);
    expect((await store.storedExecutions()).total).toBe(1);
    expect((await store.figuresSince(Date.now() - 3_600_000)).total).toBe(6);
    await store.close();
  });

  it('migrates a data directory written by the release before the schema, once, losing nothing', async () => {
    const dir = path.join(await tempDir(), 'db');
    await fs.cp(V1_FIXTURE, dir, { recursive: true });
    const logs: string[] = [];
    const store = new RocksDbStore(dir, { log: (fields, message) => logs.push(`${message} ${JSON.stringify(fields)}`) });
    await store.open();
    expect(logs[0]).toMatch(/migrating the data directory/);
    expect(logs.at(-1)).toMatch(/data directory migrated.*"executions":23/);
    const all = await ids(store, {});
    expect(all).toHaveLength(23);
    const failed = await ids(store, { status: 'FAILED' });
    expect(failed).toHaveLength(5);
    for (const id of failed) expect((await store.getExecution(id))?.errorMessage).toMatch(/boom/);
    const [adder] = (await store.listTasks({ namePrefix: 'adder', limit: 1 })).items;
    expect(await ids(store, { taskId: adder.taskId, status: 'COMPLETED' })).toHaveLength(16);
    expect((await store.unfinishedExecutions()).map((e) => e.executionId)).toEqual(['exec-left-running']);
    const f = await store.figures();
    expect(f.total).toBe(22);
    expect(f.byStatus).toMatchObject({ COMPLETED: 17, FAILED: 5 });
    expect((await store.storedExecutions()).byTask.get(adder.taskId)).toBe(22);
    const [completed] = (await store.listExecutions({ taskId: adder.taskId, status: 'COMPLETED', limit: 1 })).items;
    // A listing carries no result bytes or logs; the record itself keeps them.
    const full = await store.getExecution(completed.executionId);
    expect(full?.logs.join('\n')).toMatch(/adding/);
    expect(full?.result?.valueBase64).toBeTruthy();
    await store.close();
    logs.length = 0;
    await store.open();
    expect(logs).toEqual([]);
    expect((await store.figures()).total).toBe(22);
    // Migrated executions expire like new ones, the one left RUNNING excepted.
    const expired = await store.expireExecutions({ beforeSeq: ulidFloor(Date.now() + 60_000), limit: 1000 });
    expect(expired.removed).toBe(22);
    expect(await ids(store, {})).toEqual(['exec-left-running']);
    expect(await ids(store, { taskId: adder.taskId, status: 'FAILED' })).toEqual([]);
    expect((await store.storedExecutions()).total).toBe(1);
    await store.close();
  });

  it('writes only the counts of the functions a batch ran, however many functions ran before', async () => {
    const dir = path.join(await tempDir(), 'db');
    const store = new RocksDbStore(dir);
    await store.open();
    for (let i = 0; i < 300; i++) await store.putExecution(execution(`task-${i}`, 'COMPLETED', 0, `fn${i}`), undefined, { fresh: true });
    await store.putExecution(execution('task-7', 'FAILED', 0, 'fn7'), undefined, { fresh: true });
    await store.close();
    const db = createLevel(dir);
    await db.open();
    const [lifetime, hour] = await db.getMany(['agg:figures', `agg-hour:${String(Math.floor(Date.now() / 3_600_000)).padStart(10, '0')}`]);
    // The figures every batch rewrites hold no per-function counts: each function has a key.
    expect(JSON.parse(lifetime!)).toMatchObject({ total: 301, byFunction: {} });
    expect(lifetime!.length).toBeLessThan(300);
    expect(JSON.parse(hour!)).toMatchObject({ byFunction: {} });
    expect(await db.getMany([`agg-fn:${functionFigureKey('task-7', 'fn7')}`, `agg-fn:${functionFigureKey('task-8', 'fn8')}`])).toEqual(['2', '1']);
    await db.close();
    await store.open();
    const f = await store.figures();
    expect(Object.keys(f.byFunction)).toHaveLength(300);
    expect(f.byFunction[functionFigureKey('task-7', 'fn7')]).toBe(2);
    const recent = await store.figuresSince(Date.now() - 60_000);
    expect(recent.total).toBe(301);
    expect(recent.byFunction[functionFigureKey('task-7', 'fn7')]).toBe(2);
    await store.close();
  });

  it('migrates a schema 2 directory: every per-function count moves to its own key, once', async () => {
    const dir = path.join(await tempDir(), 'db');
    const hour = Math.floor(Date.now() / 3_600_000);
    const hourKey = `agg-hour:${String(hour).padStart(10, '0')}`;
    const a = functionFigureKey('task-a', 'main');
    const b = functionFigureKey('task-b', 'other');
    const byStatus = { PENDING: 0, RUNNING: 0, COMPLETED: 4, FAILED: 1, CANCELLED: 0, TIMEOUT: 0 };
    const db = createLevel(dir);
    await db.open({ createIfMissing: true });
    await db.batch([
      { type: 'put', key: 'meta:schema', value: '2' },
      { type: 'put', key: 'agg:figures', value: JSON.stringify({ total: 5, byStatus, totalTimeMs: 20, timedCount: 5, byFunction: { [a]: 3, [b]: 2 }, stored: 0 }) },
      { type: 'put', key: hourKey, value: JSON.stringify({ total: 2, byStatus: { ...byStatus, COMPLETED: 2, FAILED: 0 }, totalTimeMs: 8, timedCount: 2, byFunction: { [a]: 2 } }) },
    ]);
    await db.close();
    const logs: string[] = [];
    const store = new RocksDbStore(dir, { log: (fields, message) => logs.push(`${message} ${JSON.stringify(fields)}`) });
    await store.open();
    expect(logs.at(-1)).toMatch(/data directory migrated.*"from":2,"to":3,"functionCounts":3/);
    expect((await store.figures()).byFunction).toEqual({ [a]: 3, [b]: 2 });
    expect((await store.figuresSince(Date.now() - 60_000)).byFunction).toEqual({ [a]: 2 });
    // Counting goes on from the migrated values.
    await store.putExecution(execution('task-a', 'COMPLETED'), undefined, { fresh: true });
    expect((await store.figures()).byFunction[a]).toBe(4);
    expect((await store.figuresSince(Date.now() - 60_000)).byFunction[a]).toBe(3);
    await store.close();
    logs.length = 0;
    await store.open();
    expect(logs).toEqual([]);
    expect((await store.figures())).toMatchObject({ total: 6, byFunction: { [a]: 4, [b]: 2 } });
    await store.close();
    const raw = createLevel(dir);
    await raw.open();
    expect(await raw.getMany(['meta:schema', `agg-fn:${a}`, `agg-hfn:${String(hour).padStart(10, '0')}:${a}`])).toEqual(['3', '4', '3']);
    expect(JSON.parse((await raw.getMany(['agg:figures']))[0]!).byFunction).toEqual({});
    await raw.close();
  });

  it('refuses a data directory written by a newer schema, naming both versions', async () => {
    const dir = path.join(await tempDir(), 'db');
    const db = createLevel(dir);
    await db.open({ createIfMissing: true });
    await db.batch([{ type: 'put', key: 'meta:schema', value: '99' }]);
    await db.close();
    const err = await new RocksDbStore(dir).open().catch((e: unknown) => e);
    expect((err as SpearletError).code).toBe(ErrorCodes.STORE_UNAVAILABLE);
    expect((err as SpearletError).message).toMatch(/schema version 99.*newer spearlet.*up to version 3/);
  });
});
