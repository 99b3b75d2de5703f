import { randomUUID } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ulid } from '../../../src/core/values/ids.js';
import { ErrorCodes, SpearletError } from '../../../src/errors.js';
import type { ExecutionRecord, ExecutionStatus } from '../../../src/store/records.js';
import { RocksDbStore } from '../../../src/store/rocksdb-store.js';
import type { Page, Store } from '../../../src/store/store.js';
import { openStoreForEachTest, storeImplementations, taskRecord, tempDirs } from '../../helpers/store-setup.js';

const tempDir = tempDirs('spearlet-store-');


function execution(taskId: string, status: ExecutionStatus = 'COMPLETED', id: string = randomUUID()): ExecutionRecord {
  return {
    executionId: id,
    seq: ulid(),
    taskId,
    functionName: 'main',
    mode: 'SYNC',
    status,
    createdAt: Date.now(),
    executionTimeMs: 3,
    memoryUsedBytes: 0,
    metrics: {},
    logs: ['hello'],
    logsTruncated: false,
    metadata: {},
  };
}

/** Walks every page and returns the ids in the order seen. */
async function walk<T>(
  list: (startAfter: string | undefined) => Promise<Page<T>>,
  idOf: (item: T) => string,
  between: (page: number) => Promise<void> = async () => undefined,
): Promise<{ ids: string[]; sizes: number[] }> {
  const ids: string[] = [];
  const sizes: number[] = [];
  let cursor: string | undefined;
  for (let n = 0; n < 50; n++) {
    const page = await list(cursor);
    ids.push(...page.items.map(idOf));
    sizes.push(page.items.length);
    expect(page.nextStartAfter).toBe(page.hasMore ? idOf(page.items[page.items.length - 1]) : '');
    if (!page.hasMore) return { ids, sizes };
    cursor = page.nextStartAfter;
    await between(n);
  }
  throw new Error('paging did not end');
}

async function expectStoreUnavailable(p: Promise<unknown>, message?: RegExp): Promise<SpearletError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(SpearletError);
  expect((err as SpearletError).code).toBe(ErrorCodes.STORE_UNAVAILABLE);
  if (message) expect((err as SpearletError).message).toMatch(message);
  return err as SpearletError;
}

const implementations = storeImplementations(tempDir);

describe.each(implementations)('%s', (_name, make) => {
  let store: Store;
  openStoreForEachTest(make, (s) => (store = s));

  it('round-trips artifact bytes and keeps the first copy of a digest', async () => {
    const bytes = new Uint8Array([0, 1, 2, 255]);
    await store.putArtifact('a1', bytes);
    bytes[0] = 9;
    expect(Buffer.from((await store.getArtifact('a1'))!)).toEqual(Buffer.from([0, 1, 2, 255]));
    await store.putArtifact('a1', new Uint8Array([7]));
    expect((await store.getArtifact('a1'))!.length).toBe(4);
    expect(await store.getArtifact('missing')).toBeUndefined();
  });

  it('writes a task and its artifact bytes in one call, and deleting the task frees them', async () => {
    await store.putTask(taskRecord('t9', 'gamma', 'd9'), new Uint8Array([4, 5]));
    expect([...(await store.getArtifact('d9'))!]).toEqual([4, 5]);
    await store.deleteTask('t9', false);
    expect(await store.getArtifact('d9')).toBeUndefined();
  });

  it('puts, gets and finds tasks by name and digest, returning copies', async () => {
    await store.putTask(taskRecord('t1', 'alpha', 'd1'));
    const got = await store.getTask('t1');
    expect(got).toEqual(taskRecord('t1', 'alpha', 'd1'));
    got!.name = 'changed';
    expect((await store.getTask('t1'))!.name).toBe('alpha');
    expect(await store.getTask('nope')).toBeUndefined();
    expect((await store.findTaskByNameAndDigest('alpha', 'd1'))!.taskId).toBe('t1');
    expect(await store.findTaskByNameAndDigest('alpha', 'd2')).toBeUndefined();
    expect(await store.findTaskByNameAndDigest('alph', 'd1')).toBeUndefined();

    await store.putTask({ ...taskRecord('t1', 'beta', 'd1'), executionCount: 5 });
    expect(await store.findTaskByNameAndDigest('alpha', 'd1')).toBeUndefined();
    expect((await store.findTaskByNameAndDigest('beta', 'd1'))!.executionCount).toBe(5);
    expect((await store.allTasks()).map((t) => t.taskId)).toEqual(['t1']);
  });

  it('pages tasks by ascending id exactly once, with a name prefix, while tasks are added', async () => {
    const names = ['web-a', 'job-b', 'web-c', 'web-d', 'job-e', 'web-f', 'web-g'];
    for (const [i, name] of names.entries()) await store.putTask(taskRecord(`t${i}`, name));

    const all = await walk((s) => store.listTasks({ limit: 3, startAfter: s }), (t) => t.taskId);
    expect(all.ids).toEqual(['t0', 't1', 't2', 't3', 't4', 't5', 't6']);
    expect(all.sizes).toEqual([3, 3, 1]);

    const added = await walk(
      (s) => store.listTasks({ limit: 3, startAfter: s }),
      (t) => t.taskId,
      async (page) => store.putTask(taskRecord(`t9${page}`, 'late')),
    );
    expect(added.ids).toEqual(['t0', 't1', 't2', 't3', 't4', 't5', 't6', 't90', 't91']);

    const web = await walk((s) => store.listTasks({ limit: 3, namePrefix: 'web-', startAfter: s }), (t) => t.taskId);
    expect(web.ids).toEqual(['t0', 't2', 't3', 't5', 't6']);
    expect(web.sizes).toEqual([3, 2]);

    const exact = await store.listTasks({ limit: 7, startAfter: 't6' });
    expect(exact).toEqual({ items: expect.any(Array), hasMore: false, nextStartAfter: '' });
    expect(exact.items.map((t) => t.taskId)).toEqual(['t90', 't91']);
  });

  it('lists executions newest first, per task, by status, paging exactly once with unsortable ids', async () => {
    const made: ExecutionRecord[] = [];
    for (let i = 0; i < 9; i++) {
      const rec = execution(i % 3 === 0 ? 'tA' : 'tB', i % 2 === 0 ? 'COMPLETED' : 'FAILED');
      made.push(rec);
      await store.putExecution(rec);
    }
    const newest = made.map((e) => e.executionId).reverse();

    const first = await store.listExecutions({ limit: 100 });
    expect(first.items.map((e) => e.executionId)).toEqual(newest);
    // A listing carries no result bytes and no log lines (GetExecutionStatus has them).
    expect(first.items[0]).toEqual({ ...made[8], result: undefined, logs: [] });
    expect((await store.listExecutions({ taskId: '', limit: 100 })).items).toHaveLength(9);

    const paged = await walk(
      (s) => store.listExecutions({ limit: 2, startAfter: s }),
      (e) => e.executionId,
      async () => store.putExecution(execution('tA')),
    );
    expect(paged.ids).toEqual(newest);
    expect(paged.sizes).toEqual([2, 2, 2, 2, 1]);

    const tA = made.filter((e) => e.taskId === 'tA').map((e) => e.executionId).reverse();
    const perTask = await walk((s) => store.listExecutions({ taskId: 'tA', limit: 2, startAfter: s }), (e) => e.executionId);
    expect(perTask.ids.slice(-3)).toEqual(tA);

    const failed = made.filter((e) => e.status === 'FAILED').map((e) => e.executionId).reverse();
    const byStatus = await walk((s) => store.listExecutions({ status: 'FAILED', limit: 3, startAfter: s }), (e) => e.executionId);
    expect(byStatus.ids).toEqual(failed);

    const tBFailed = await store.listExecutions({ taskId: 'tB', status: 'FAILED', limit: 10 });
    expect(tBFailed.items.every((e) => e.taskId === 'tB' && e.status === 'FAILED')).toBe(true);
    expect(tBFailed.items).toHaveLength(made.filter((e) => e.taskId === 'tB' && e.status === 'FAILED').length);

    const err = await store.listExecutions({ limit: 2, startAfter: 'no-such-id' }).catch((e: unknown) => e);
    expect((err as SpearletError).code).toBe(ErrorCodes.INVALID_ARGUMENT);
  });

  it('writes an execution and its task together, and tracks unfinished executions', async () => {
    await store.putTask(taskRecord('t1', 'alpha'));
    const rec = execution('t1', 'PENDING', 'caller-chosen-id');
    await store.putExecution(rec, { ...taskRecord('t1', 'alpha'), executionCount: 1, lastStatus: 'PENDING' }, { sync: true });
    expect((await store.getTask('t1'))!.executionCount).toBe(1);
    expect((await store.unfinishedExecutions()).map((e) => e.executionId)).toEqual(['caller-chosen-id']);

    await store.putExecution({ ...rec, status: 'RUNNING', startedAt: 5 });
    expect((await store.unfinishedExecutions())[0].status).toBe('RUNNING');

    await store.putExecution({ ...rec, status: 'COMPLETED', completedAt: 9 }, { ...taskRecord('t1', 'alpha'), executionCount: 1, lastStatus: 'COMPLETED' });
    expect(await store.unfinishedExecutions()).toEqual([]);
    expect((await store.getExecution('caller-chosen-id'))!.status).toBe('COMPLETED');
    expect((await store.getTask('t1'))!.lastStatus).toBe('COMPLETED');
    expect((await store.listExecutions({ limit: 10 })).items).toHaveLength(1);
    expect(await store.getExecution('unknown')).toBeUndefined();
  });

  it('group-commits writes made together: the last record of an execution and of a task wins', async () => {
    await store.putTask(taskRecord('t1', 'alpha'));
    const rec = execution('t1', 'RUNNING');
    await Promise.all([
      store.putExecution(rec, undefined, { fresh: true }),
      store.putExecution({ ...rec, status: 'COMPLETED' }, { ...taskRecord('t1', 'alpha'), executionCount: 1, lastStatus: 'COMPLETED' }),
      store.putExecution(execution('t1', 'FAILED'), { ...taskRecord('t1', 'alpha'), executionCount: 2, lastStatus: 'FAILED' }, { fresh: true }),
    ]);
    expect((await store.getExecution(rec.executionId))!.status).toBe('COMPLETED');
    expect(await store.unfinishedExecutions()).toEqual([]);
    expect((await store.listExecutions({ taskId: 't1', limit: 10 })).items).toHaveLength(2);
    expect(await store.getTask('t1')).toMatchObject({ executionCount: 2, lastStatus: 'FAILED' });
  });

  it('indexes a fresh execution once across its first and later writes', async () => {
    const rec = execution('t1', 'RUNNING');
    await store.putExecution(rec, undefined, { fresh: true });
    expect((await store.unfinishedExecutions()).map((e) => e.executionId)).toEqual([rec.executionId]);
    await store.putExecution({ ...rec, status: 'TIMEOUT' });
    expect(await store.unfinishedExecutions()).toEqual([]);
    const listed = await store.listExecutions({ taskId: 't1', limit: 10 });
    expect(listed.items.map((e) => [e.executionId, e.status])).toEqual([[rec.executionId, 'TIMEOUT']]);
  });

  it('deletes tasks with and without their executions, keeping shared artifacts until unused', async () => {
    await store.putArtifact('shared', new Uint8Array([1]));
    await store.putArtifact('own', new Uint8Array([2]));
    await store.putTask(taskRecord('t1', 'one', 'shared'));
    await store.putTask(taskRecord('t2', 'two', 'shared'));
    await store.putTask(taskRecord('t3', 'three', 'own'));
    const e1 = execution('t1');
    const e2 = [execution('t2'), execution('t2', 'RUNNING'), execution('t2', 'FAILED')];
    const e3 = execution('t3');
    for (const e of [e1, ...e2, e3]) await store.putExecution(e);

    expect(await store.deleteTask('t1', false)).toBe(0);
    expect(await store.getTask('t1')).toBeUndefined();
    expect(await store.findTaskByNameAndDigest('one', 'shared')).toBeUndefined();
    expect(await store.getExecution(e1.executionId)).toBeDefined();
    expect((await store.listExecutions({ taskId: 't1', limit: 10 })).items).toHaveLength(1);
    expect(await store.getArtifact('shared')).toBeDefined();

    expect(await store.deleteTask('t2', true)).toBe(3);
    expect(await store.getTask('t2')).toBeUndefined();
    for (const e of e2) expect(await store.getExecution(e.executionId)).toBeUndefined();
    expect((await store.listExecutions({ taskId: 't2', limit: 10 })).items).toEqual([]);
    expect((await store.listExecutions({ limit: 10 })).items.map((e) => e.executionId)).toEqual([e3.executionId, e1.executionId]);
    expect(await store.unfinishedExecutions()).toEqual([]);
    expect(await store.getArtifact('shared')).toBeUndefined();

    expect(await store.getArtifact('own')).toBeDefined();
    expect((await store.allTasks()).map((t) => t.taskId)).toEqual(['t3']);
    expect(await store.deleteTask('missing', true)).toBe(0);
  });

  it('frees a shared artifact when its last two users are deleted concurrently', async () => {
    await store.putArtifact('shared', new Uint8Array([1]));
    await store.putTask(taskRecord('t1', 'one', 'shared'));
    await store.putTask(taskRecord('t2', 'two', 'shared'));
    await Promise.all([store.deleteTask('t1', true), store.deleteTask('t2', true)]);
    expect(await store.getArtifact('shared')).toBeUndefined();
  });

  it('keeps tasks whose ids extend one another apart', async () => {
    const a = execution('a');
    const ab = execution('a:b');
    await store.putExecution(a);
    await store.putExecution(ab);
    expect((await store.listExecutions({ taskId: 'a', limit: 10 })).items.map((e) => e.executionId)).toEqual([a.executionId]);
    expect(await store.deleteTask('a', true)).toBe(1);
    expect(await store.getExecution(ab.executionId)).toEqual(ab);
    expect((await store.listExecutions({ taskId: 'a:b', limit: 10 })).items).toHaveLength(1);
  });

  it('streams executions since a seq, newest first', async () => {
    const made: ExecutionRecord[] = [];
    for (let i = 0; i < 5; i++) {
      made.push(execution('t1'));
      await store.putExecution(made[i]);
    }
    const seen: string[] = [];
    for await (const e of store.executionsSince(made[2].seq)) seen.push(e.executionId);
    expect(seen).toEqual([made[4], made[3], made[2]].map((e) => e.executionId));

    const early: string[] = [];
    for await (const e of store.executionsSince('')) {
      early.push(e.executionId);
      if (early.length === 2) break;
    }
    expect(early).toEqual([made[4], made[3]].map((e) => e.executionId));
  });

  it('fails with STORE_UNAVAILABLE once closed, and close is idempotent', async () => {
    await store.close();
    await store.close();
    await expectStoreUnavailable(store.getTask('t1'), /not open/);
    await expectStoreUnavailable(store.ping());
    await store.open();
    await store.ping();
  });
});

describe('RocksDbStore on disk', () => {
  it('keeps everything across close and reopen', async () => {
    const dir = path.join(await tempDir(), 'nested', 'db');
    const first = new RocksDbStore(dir);
    await first.open();
    await first.putArtifact('d1', new Uint8Array([4, 5]));
    await first.putTask(taskRecord('t1', 'alpha', 'd1'));
    const done = execution('t1');
    const running = execution('t1', 'RUNNING');
    await first.putExecution(done);
    await first.putExecution(running, undefined, { sync: true });
    await first.close();

    const second = new RocksDbStore(dir);
    await second.open();
    try {
      expect(await second.getTask('t1')).toEqual(taskRecord('t1', 'alpha', 'd1'));
      expect((await second.findTaskByNameAndDigest('alpha', 'd1'))!.taskId).toBe('t1');
      expect(Buffer.from((await second.getArtifact('d1'))!)).toEqual(Buffer.from([4, 5]));
      expect(await second.getExecution(done.executionId)).toEqual(done);
      expect((await second.unfinishedExecutions()).map((e) => e.executionId)).toEqual([running.executionId]);
      expect((await second.listExecutions({ limit: 5 })).items.map((e) => e.executionId)).toEqual([
        running.executionId,
        done.executionId,
      ]);
    } finally {
      await second.close();
    }
  });

  it('refuses a second open of a locked directory with STORE_UNAVAILABLE', async () => {
    const dir = path.join(await tempDir(), 'db');
    const owner = new RocksDbStore(dir);
    await owner.open();
    try {
      const intruder = new RocksDbStore(dir);
      const err = await expectStoreUnavailable(intruder.open(), /lock/i);
      expect(err.message).toContain(dir);
      await expectStoreUnavailable(intruder.ping(), /not open/);
      await owner.ping();
    } finally {
      await owner.close();
    }
  });

  it('keeps nothing per write: the database holds no batch after its writes', async () => {
    const store = new RocksDbStore(path.join(await tempDir(), 'db'));
    await store.open();
    try {
      // abstract-level keeps every open batch and iterator in a set it closes with the database;
      // a write that left its batch there grew the heap by about 1 KiB per execution, for good.
      const db = (store as unknown as { db: object }).db;
      const resources = Object.getOwnPropertySymbols(db).find((s) => s.description === 'resources');
      const open = () => ((db as Record<symbol, Set<unknown>>)[resources!]).size;
      const before = open();
      const t = taskRecord('t-res', 'res');
      await store.putTask(t);
      await Promise.all(Array.from({ length: 200 }, () => store.putExecution(execution('t-res'), t)));
      for (let i = 0; i < 50; i++) await store.putExecution(execution('t-res'), t);
      expect(resources).toBeDefined();
      expect(open()).toBe(before);
    } finally {
      await store.close();
    }
  });

  it('refuses a data directory that is a file', async () => {
    const file = path.join(await tempDir(), 'not-a-dir');
    await fs.writeFile(file, 'x');
    const err = await expectStoreUnavailable(new RocksDbStore(file).open(), /writable directory/);
    expect(err.message).toContain(file);
  });
});
