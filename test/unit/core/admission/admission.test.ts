import { describe, expect, it } from 'vitest';
import { Admission } from '../../../../src/core/admission/admission.js';

describe('Admission', () => {
  it('admits up to the global limit, queues, then refuses naming the limit', async () => {
    const a = new Admission({ maxConcurrent: 2, maxQueueLength: 1, queueTimeoutMs: 1_000 });
    const s1 = await a.acquire('t', 10);
    const s2 = await a.acquire('t', 10);
    const queued = a.acquire('t', 10);
    expect(a.queuedCount).toBe(1);
    expect(a.saturated).toBe(true);
    await expect(a.acquire('t', 10)).rejects.toMatchObject({ code: 'CAPACITY_EXHAUSTED', message: expect.stringMatching(/max_concurrent_executions 2.*queue is full/) });
    expect(() => a.check('t', 10)).toThrow(/queue is full/);
    s1.release();
    const s3 = await queued;
    expect(s3.queueMs).toBeGreaterThanOrEqual(0);
    s2.release();
    s3.release();
    expect(a.runningCount).toBe(0);
  });

  it('enforces a per-task limit without blocking other tasks', async () => {
    const a = new Admission({ maxConcurrent: 10, maxQueueLength: 5, queueTimeoutMs: 1_000 });
    const s1 = await a.acquire('busy', 1);
    const waiting = a.acquire('busy', 1);
    const other = await a.acquire('other', 1);
    expect(a.queuedCount).toBe(1);
    other.release();
    s1.release();
    (await waiting).release();
  });

  it('refuses after the queue timeout', async () => {
    const a = new Admission({ maxConcurrent: 1, maxQueueLength: 1, queueTimeoutMs: 30 });
    const s = await a.acquire('t', 1);
    await expect(a.acquire('t', 1)).rejects.toMatchObject({ code: 'CAPACITY_EXHAUSTED', message: expect.stringMatching(/queue timeout/) });
    s.release();
  });

  it('leaves the queue when the waiter is aborted', async () => {
    const a = new Admission({ maxConcurrent: 1, maxQueueLength: 1, queueTimeoutMs: 1_000 });
    const s = await a.acquire('t', 1);
    const ac = new AbortController();
    const p = a.acquire('t', 1, ac.signal);
    ac.abort(new Error('cancelled'));
    await expect(p).rejects.toThrow('cancelled');
    expect(a.queuedCount).toBe(0);
    s.release();
  });
});
