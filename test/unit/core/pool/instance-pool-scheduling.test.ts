/** InstancePool: scheduling policies, recycling and close (warm reuse, eviction: instance-pool.test.ts). */
import { describe, expect, it } from 'vitest';
import { shouldRecycle } from '../../../../src/core/pool/instance-pool.js';
import { OutcomeCodes } from '../../../../src/errors.js';
import { ok, task } from '../fake-runtime.js';
import { MiB, call, closePoolsAfterEach, fake, idOf, setup } from './pool-test-setup.js';

closePoolsAfterEach();

describe('InstancePool: scheduling', () => {
  async function threeIdle(policy: 'round-robin' | 'least-loaded' | 'warmest', cpu: number[] = [10, 10, 10]) {
    const { pool } = setup({ schedulingPolicy: policy });
    const t = task('a', { maxInstances: 3 });
    const leases = [await pool.acquire(t), await pool.acquire(t), await pool.acquire(t)];
    leases.forEach((l, i) => pool.release(l, ok({ cpuTimeUs: cpu[i] })));
    return { pool, t, ids: leases.map(idOf) };
  }

  it('round-robin rotates calls over every idle instance', async () => {
    const { pool, t, ids } = await threeIdle('round-robin');
    const picks: string[] = [];
    for (let i = 0; i < 6; i++) picks.push(await call(pool, t));
    expect(picks).toEqual([...ids, ...ids]);
  });

  it('least-loaded avoids the instance that ran heavy work, taking turns among the light ones', async () => {
    const { pool, t, ids } = await threeIdle('least-loaded', [10, 20_000, 10]);
    const picks: string[] = [];
    for (let i = 0; i < 4; i++) picks.push(await call(pool, t));
    expect(picks).toEqual([ids[0], ids[2], ids[0], ids[2]]);
    // Both light ones busy: the loaded one is the only idle one left, and it takes the call.
    const a = await pool.acquire(t);
    const b = await pool.acquire(t);
    expect([idOf(a), idOf(b)].sort()).toEqual([ids[0], ids[2]].sort());
    expect(await call(pool, t)).toBe(ids[1]);
  });

  it('warmest keeps calling the instance released last, and moves on when it is busy', async () => {
    const { pool, t, ids } = await threeIdle('warmest');
    const picks: string[] = [];
    for (let i = 0; i < 3; i++) picks.push(await call(pool, t));
    expect(picks).toEqual([ids[2], ids[2], ids[2]]);
    const busy = await pool.acquire(t);
    expect(idOf(busy)).toBe(ids[2]);
    expect(await call(pool, t)).toBe(ids[1]);
  });

  it('hands a call to an idle instance while another is busy, whatever the policy', async () => {
    for (const policy of ['round-robin', 'least-loaded', 'warmest'] as const) {
      const { pool, t, ids } = await threeIdle(policy);
      const busy = await pool.acquire(t);
      const next = await pool.acquire(t);
      expect(next.cold).toBe(false);
      expect(ids).toContain(idOf(next));
      expect(idOf(next)).not.toBe(idOf(busy));
    }
  });
});

describe('recycling', () => {
  const failures = [
    ['a timeout', ok({ status: 'timeout', errorCode: OutcomeCodes.TIMEOUT, instanceUsable: false })],
    ['an out-of-memory', ok({ status: 'failed', errorCode: OutcomeCodes.OUT_OF_MEMORY, instanceUsable: false })],
    ['a cancellation', ok({ status: 'cancelled', errorCode: OutcomeCodes.CANCELLED, instanceUsable: false })],
    ['a sandbox crash', ok({ status: 'failed', errorCode: OutcomeCodes.INSTANCE_FAILED, instanceUsable: false })],
  ] as const;

  for (const [what, outcome] of failures) {
    it(`replaces the instance after ${what}`, async () => {
      const { pool, config } = setup();
      const t = task('a');
      const lease = await pool.acquire(t);
      expect(shouldRecycle(lease.pooled, outcome, config)).toMatch(/unusable/);
      pool.release(lease, outcome);
      expect(fake(lease).disposed).toBe(true);
      const next = await pool.acquire(t);
      expect(next.cold).toBe(true);
      expect(pool.snapshot().counters.recycled).toBe(1);
    });
  }

  it('keeps an instance after a thrown error: the guest failed, not the sandbox', async () => {
    const { pool } = setup();
    const t = task('a');
    const id = await call(pool, t, ok({ status: 'failed', errorCode: OutcomeCodes.FUNCTION_ERROR }));
    expect((await pool.acquire(t)).pooled.instance.id).toBe(id);
  });

  it('replaces an instance after recycleAfterExecutions calls', async () => {
    const { pool } = setup({ recycleAfterExecutions: 3 });
    const t = task('a');
    const ids = [];
    for (let i = 0; i < 4; i++) ids.push(await call(pool, t));
    expect(ids.slice(0, 3)).toEqual([ids[0], ids[0], ids[0]]);
    expect(ids[3]).not.toBe(ids[0]);
  });

  it('replaces an instance whose heap grew past recycleHeapMb', async () => {
    const { pool, config } = setup({ recycleHeapMb: 4 });
    const t = task('a');
    const lease = await pool.acquire(t);
    pool.release(lease, ok({ memoryUsedBytes: 5 * MiB }));
    expect(fake(lease).disposed).toBe(true);
    expect(shouldRecycle({ ...lease.pooled, memoryBytes: 3 * MiB, executions: 1 }, ok(), config)).toBeUndefined();
  });
});

describe('InstancePool: close', () => {
  it('disposes idle instances and refuses new calls', async () => {
    const { pool, runtime } = setup();
    await call(pool, task('a'));
    pool.close();
    expect(runtime.alive).toHaveLength(0);
    await expect(pool.acquire(task('a'))).rejects.toMatchObject({ code: 'SHUTTING_DOWN' });
  });
});

