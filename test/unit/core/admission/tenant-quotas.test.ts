import { describe, expect, it } from 'vitest';
import { Admission } from '../../../../src/core/admission/admission.js';
import { type TenantQuota, TenantQuotas } from '../../../../src/core/admission/tenant-quotas.js';

const none: TenantQuota = { maxConcurrent: 0, maxQueued: 0, maxTasks: 0, maxArtifactBytes: 0, cpuMsPerMinute: 0 };

function setup(quotas: Record<string, Partial<TenantQuota>>) {
  const refused: string[] = [];
  const q = new TenantQuotas((t) => ({ ...none, ...quotas[t] }), 1_000, (quota) => refused.push(quota));
  const global = new Admission({ maxConcurrent: 4, maxQueueLength: 4, queueTimeoutMs: 1_000 });
  return { q, global, refused };
}

describe('tenant quotas', () => {
  it('holds a tenant to its concurrency and queue, leaving the shared slots to others', async () => {
    const { q, global, refused } = setup({ a: { maxConcurrent: 1, maxQueued: 1 } });
    const a = q.admissionFor(global, 'a');
    const first = await a.acquire('t1', 10);
    const queued = a.acquire('t1', 10);
    expect(q.figures('a')).toEqual({ running: 1, queued: 1 });
    expect(() => a.check('t1', 10)).toThrow(/tenant 'a' is over its max_queued quota: 1 executions running \(max_concurrent 1\) and 1 queued \(max_queued 1\)/);
    await expect(a.acquire('t1', 10)).rejects.toThrow(/max_queued/);
    expect(a.tryAcquire('t1', 10)).toBeUndefined();
    // Tenant b still gets the shared slots a does not hold.
    const b = q.admissionFor(global, 'b');
    const slots = [await b.acquire('t2', 10), await b.acquire('t2', 10), await b.acquire('t2', 10)];
    expect(global.runningCount).toBe(4);
    first.release();
    slots[0].release();
    const second = await queued;
    expect(q.figures('a')).toEqual({ running: 1, queued: 0 });
    second.release();
    for (const s of slots) s.release();
    expect(global.runningCount).toBe(0);
    expect(refused).toEqual(['max_queued', 'max_queued']);
  });

  it('refuses once measured CPU time empties the bucket', () => {
    const { q, global } = setup({ a: { cpuMsPerMinute: 100 } });
    const a = q.admissionFor(global, 'a');
    a.check('t', 1);
    q.chargeCpu('a', 150_000);
    expect(() => a.check('t', 1)).toThrow(/tenant 'a' is over its cpu_ms_per_minute quota/);
    expect(q.cpuLastMinuteMs('a')).toBe(150);
    expect(() => q.admissionFor(global, 'b').check('t', 1)).not.toThrow();
  });

  it('counts tasks and distinct artifact bytes', () => {
    const { q } = setup({ a: { maxTasks: 2, maxArtifactBytes: 100 } });
    const task = (digest: string, sizeBytes: number) => ({ digest, sizeBytes }) as never;
    expect(() => q.checkRegistration('a', [task('d1', 60)], 'd1', 60)).not.toThrow();
    expect(() => q.checkRegistration('a', [task('d1', 60)], 'd2', 60)).toThrow(/max_artifact_bytes quota: 60 artifact bytes stored, this artifact adds 60 \(max_artifact_bytes 100\)/);
    expect(() => q.checkRegistration('a', [task('d1', 10), task('d2', 10)], 'd3', 1)).toThrow(/max_tasks quota: 2 tasks registered/);
    expect(() => q.checkRegistration(undefined, [task('d1', 10), task('d2', 10)], 'd3', 1000)).not.toThrow();
  });
});
