import { describe, expect, it } from 'vitest';
import type { Lease } from '../../../../src/core/pool/instance-pool.js';
import { OutcomeCodes } from '../../../../src/errors.js';
import { ok, task, until } from '../fake-runtime.js';
import { MiB, call, closePoolsAfterEach, fake, idOf, setup } from './pool-test-setup.js';

closePoolsAfterEach();

describe('InstancePool: warm reuse and limits', () => {
  it('creates an instance for the first call and reuses it warm for the next', async () => {
    const { pool } = setup();
    const t = task('a');
    const first = await pool.acquire(t);
    expect(first.cold).toBe(true);
    pool.release(first, ok());
    const second = await pool.acquire(t);
    expect(second.cold).toBe(false);
    expect(idOf(second)).toBe(idOf(first));
    expect(second.pooled.executions).toBe(1);
  });

  it('never makes a call wait behind a busy instance while the task may grow', async () => {
    const { pool } = setup();
    const t = task('a', { maxInstances: 2 });
    const busy = await pool.acquire(t);
    const other = await pool.acquire(t);
    expect(other.cold).toBe(true);
    expect(idOf(other)).not.toBe(idOf(busy));
    expect(pool.snapshot()).toMatchObject({ live: 2, busy: 2, idle: 0 });
  });

  it('makes a call wait at max_instances and hands it the instance released first', async () => {
    const { pool } = setup();
    const t = task('a', { maxInstances: 1 });
    const busy = await pool.acquire(t);
    let got: Lease | undefined;
    const waiting = pool.acquire(t).then((l) => (got = l));
    await until(() => pool.snapshot().waiting === 1);
    expect(got).toBeUndefined();
    pool.release(busy, ok());
    await waiting;
    expect(idOf(got!)).toBe(idOf(busy));
    expect(got!.cold).toBe(false);
  });

  it('stops waiting when the call is cancelled', async () => {
    const { pool } = setup();
    const t = task('a', { maxInstances: 1 });
    await pool.acquire(t);
    const ac = new AbortController();
    const waiting = pool.acquire(t, { signal: ac.signal });
    await until(() => pool.snapshot().waiting === 1);
    ac.abort(new Error('cancelled by test'));
    await expect(waiting).rejects.toThrow('cancelled by test');
    expect(pool.snapshot().waiting).toBe(0);
  });

  it('wakes one waiting call per release, in the order they came', async () => {
    const { pool } = setup();
    const t = task('a', { maxInstances: 1 });
    let lease = await pool.acquire(t);
    const order: number[] = [];
    const waiting = [1, 2, 3].map((n) => pool.acquire(t).then((l) => (order.push(n), l)));
    await until(() => pool.snapshot().waiting === 3);
    for (const [i, next] of waiting.entries()) {
      pool.release(lease, ok());
      // The others were not woken (to find the instance taken and queue again).
      expect(pool.snapshot().waiting).toBe(2 - i);
      lease = await next;
      expect(pool.snapshot().waiting).toBe(2 - i);
    }
    expect(order).toEqual([1, 2, 3]);
  });

  it('wakes a call of the released task, not the calls waiting for other tasks', async () => {
    const { pool } = setup();
    const a = task('a', { maxInstances: 1 });
    const b = task('b', { maxInstances: 1 });
    const busyA = await pool.acquire(a);
    await pool.acquire(b);
    let gotB: Lease | undefined;
    // Still waiting when the pool closes after the test.
    pool.acquire(b).then((l) => (gotB = l), () => undefined);
    const waitingA = pool.acquire(a);
    await until(() => pool.snapshot().waiting === 2);
    pool.release(busyA, ok());
    expect(pool.snapshot().waiting).toBe(1);
    expect(idOf(await waitingA)).toBe(idOf(busyA));
    expect(gotB).toBeUndefined();
    expect(pool.snapshot().waiting).toBe(1);
  });

  it('passes the wake-up on when the woken call was cancelled before it could take the instance', async () => {
    const { pool } = setup();
    const t = task('a', { maxInstances: 1 });
    const busy = await pool.acquire(t);
    const ac = new AbortController();
    const first = pool.acquire(t, { signal: ac.signal });
    const second = pool.acquire(t);
    await until(() => pool.snapshot().waiting === 2);
    pool.release(busy, ok());
    ac.abort(new Error('cancelled by test'));
    await expect(first).rejects.toThrow('cancelled by test');
    expect(idOf(await second)).toBe(idOf(busy));
    expect(pool.snapshot().waiting).toBe(0);
  });

  it('gives force_new_instance a fresh instance, retiring a warm one at max_instances', async () => {
    const { pool, runtime } = setup();
    const t = task('a', { maxInstances: 1 });
    const warmId = await call(pool, t);
    const fresh = await pool.acquire(t, { forceNew: true });
    expect(fresh.cold).toBe(true);
    expect(idOf(fresh)).not.toBe(warmId);
    expect(runtime.instances.find((i) => i.id === warmId)?.disposed).toBe(true);
  });

  it('reports a failed creation to the caller and keeps its books straight', async () => {
    const { pool, runtime } = setup();
    runtime.failures.push(new Error('no isolate for you'));
    await expect(pool.acquire(task('a'))).rejects.toThrow('no isolate for you');
    expect(pool.snapshot()).toMatchObject({ live: 0, creating: 0, memoryBytes: 0 });
    expect((await pool.acquire(task('a'))).cold).toBe(true);
  });
});

describe('InstancePool: adopting a new task\'s first instance', () => {
  it('serves it warm, telling the first call it was a cold start', async () => {
    const { pool, runtime } = setup();
    const t = task('a');
    const first = await runtime.createInstance({ taskId: 'a', digest: 'd', code: new Uint8Array(0), limits: { memoryLimitMb: 64 } });
    pool.adopt(t, first);
    expect(pool.snapshot()).toMatchObject({ live: 1, idle: 1 });
    const lease = await pool.acquire(t);
    expect(lease).toMatchObject({ cold: true, pooled: { instance: first } });
    pool.release(lease, ok());
    expect((await pool.acquire(t)).cold).toBe(false);
  });

  it('disposes it when the pool has no room', async () => {
    const { pool, runtime } = setup({ maxTotalInstances: 1 });
    const busy = await pool.acquire(task('a'));
    const first = await runtime.createInstance({ taskId: 'b', digest: 'd', code: new Uint8Array(0), limits: { memoryLimitMb: 64 } });
    pool.adopt(task('b'), first);
    expect(first.disposed).toBe(true);
    expect(pool.snapshot().live).toBe(1);
    pool.release(busy, ok());
  });
});

describe('InstancePool: idle eviction and min_instances', () => {
  it('evicts instances idle past instanceIdleMs, down to min_instances', async () => {
    const { pool, runtime } = setup({ instanceIdleMs: 1_000 });
    const t = task('a', { minInstances: 1, maxInstances: 4 });
    const leases = await Promise.all([pool.acquire(t), pool.acquire(t), pool.acquire(t)]);
    for (const l of leases) pool.release(l, ok());
    const now = Date.now();
    pool.evictIdle(now + 500);
    expect(pool.snapshot().live).toBe(3);
    pool.evictIdle(now + 1_000);
    expect(pool.snapshot()).toMatchObject({ live: 1, idle: 1 });
    expect(pool.snapshot().counters.evictedIdle).toBe(2);
    expect(runtime.alive).toHaveLength(1);
  });

  it('keeps no instance of a task without min_instances once idle', async () => {
    const { pool } = setup();
    await call(pool, task('a'));
    pool.evictIdle(Date.now() + 1_000);
    expect(pool.snapshot().live).toBe(0);
  });

  it('warms min_instances in the background when asked, before any call', async () => {
    const { pool } = setup();
    const t = task('a', { minInstances: 2 });
    pool.keepWarm(t);
    await until(() => pool.snapshot().idle === 2);
    const lease = await pool.acquire(t);
    expect(lease.cold).toBe(false);
  });

  it('replaces a recycled instance to keep min_instances warm', async () => {
    const { pool } = setup();
    const t = task('a', { minInstances: 2 });
    pool.keepWarm(t);
    await until(() => pool.snapshot().idle === 2);
    const lease = await pool.acquire(t);
    pool.release(lease, ok({ status: 'timeout', errorCode: OutcomeCodes.TIMEOUT, instanceUsable: false }));
    expect(pool.snapshot().live).toBe(1);
    await until(() => pool.snapshot().idle === 2);
    expect(pool.snapshot().counters).toMatchObject({ created: 3, recycled: 1 });
  });

  it('tops a task back up to its minimum on the idle sweep after a failed warm-up', async () => {
    const { pool, runtime } = setup();
    const t = task('a', { minInstances: 1 });
    runtime.failures.push(new Error('transient'));
    pool.keepWarm(t);
    await until(() => pool.snapshot().counters.warmFailures === 1);
    expect(pool.snapshot().live).toBe(0);
    pool.evictIdle(Date.now());
    await until(() => pool.snapshot().idle === 1);
  });

  it('disposes a deleted task: idle instances at once, busy ones when released', async () => {
    const { pool, runtime } = setup();
    const t = task('a');
    const busy = await pool.acquire(t);
    await call(pool, t);
    pool.disposeTask('a');
    expect(runtime.alive.map((i) => i.id)).toEqual([idOf(busy)]);
    pool.release(busy, ok());
    expect(runtime.alive).toHaveLength(0);
    expect(pool.snapshot().live).toBe(0);
  });
});

describe('InstancePool: global caps with least-recently-used eviction', () => {
  it('evicts the least recently used idle instance of another task at the instance cap', async () => {
    const { pool, runtime } = setup({ maxTotalInstances: 2 });
    const a = await call(pool, task('a'));
    const b = await call(pool, task('b'));
    const c = await pool.acquire(task('c'));
    expect(c.cold).toBe(true);
    const alive = runtime.alive.map((i) => i.id);
    expect(alive).not.toContain(a);
    expect(alive).toContain(b);
    expect(pool.snapshot()).toMatchObject({ live: 2 });
    expect(pool.snapshot().counters.evictedForCapacity).toBe(1);
  });

  it('spares instances a task keeps as its minimum while others can go', async () => {
    const { pool, runtime } = setup({ maxTotalInstances: 2 });
    const kept = await call(pool, task('a', { minInstances: 1 }));
    const spare = await call(pool, task('b'));
    await pool.acquire(task('c'));
    const alive = runtime.alive.map((i) => i.id);
    expect(alive).toContain(kept);
    expect(alive).not.toContain(spare);
  });

  it('waits at the cap while every instance is busy, then evicts the first one released', async () => {
    const { pool } = setup({ maxTotalInstances: 1 });
    const a = await pool.acquire(task('a'));
    let got: Lease | undefined;
    const waiting = pool.acquire(task('b')).then((l) => (got = l));
    await until(() => pool.snapshot().waiting === 1);
    expect(got).toBeUndefined();
    pool.release(a, ok());
    await waiting;
    expect(got!.pooled.taskId).toBe('b');
    expect(fake(a).disposed).toBe(true);
    expect(pool.snapshot().live).toBe(1);
  });

  it('evicts by measured memory under maxTotalInstanceMemoryMb', async () => {
    const { pool, runtime } = setup({ maxTotalInstanceMemoryMb: 8 });
    for (const id of ['a', 'b', 'c']) runtime.memoryOf.set(id, 3 * MiB);
    const a = await call(pool, task('a'), ok({ memoryUsedBytes: 3 * MiB }));
    const b = await call(pool, task('b'), ok({ memoryUsedBytes: 3 * MiB }));
    expect(pool.snapshot().memoryBytes).toBe(6 * MiB);
    // c is charged 2 MiB (no figure yet) and fits; measured at 3 MiB it pushes a out.
    await pool.acquire(task('c'));
    const alive = runtime.alive.map((i) => i.id);
    expect(alive).not.toContain(a);
    expect(alive).toContain(b);
    expect(pool.snapshot().memoryBytes).toBe(6 * MiB);
  });

  it('evicts the least recently used idle instance when a heap grows past the memory cap', async () => {
    const { pool, runtime } = setup({ maxTotalInstanceMemoryMb: 8 });
    const a = await call(pool, task('a'), ok({ memoryUsedBytes: 2 * MiB }));
    const b = await call(pool, task('b'), ok({ memoryUsedBytes: 2 * MiB }));
    await call(pool, task('c'), ok({ memoryUsedBytes: 6 * MiB }));
    const alive = runtime.alive.map((i) => i.id);
    expect(alive).not.toContain(a);
    expect(alive).toContain(b);
    expect(pool.snapshot().memoryBytes).toBe(8 * MiB);
  });
});
