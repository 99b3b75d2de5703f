/**
 * Per-tenant quotas: executions running and queued at once, registered tasks, stored artifact
 * bytes, and guest CPU time per minute (a token bucket fed by each execution's measured CPU time).
 *
 * A tenant's executions pass its own gate before the server-wide Admission, so a tenant flooding
 * the server holds at most its own `max_concurrent` slots (and `max_queued` places) of the shared
 * capacity, and other tenants keep running. Over a quota a call is refused with QUOTA_EXCEEDED
 * (gRPC RESOURCE_EXHAUSTED) naming the tenant and the quota. Calls of tasks without a tenant pass
 * straight to the Admission. A quota of 0 means none.
 */
import { quotaExceeded } from '../../errors.js';
import type { TaskRecord } from '../../store/records.js';
import type { Admission, Slot } from './admission.js';

/** One tenant's quotas; 0 = no limit. Keys are the credentials file's (`max_concurrent`, ...). */
export interface TenantQuota {
  maxConcurrent: number;
  maxQueued: number;
  maxTasks: number;
  maxArtifactBytes: number;
  cpuMsPerMinute: number;
}

/** Reads a tenant's quotas at each use, so a reloaded credentials file takes effect at once. */
export type QuotaSource = (tenant: string) => TenantQuota;

/** What the execution path needs of an admission: the server-wide one, or a tenant's in front of it. */
export type AdmissionGate = Pick<Admission, 'check' | 'acquire' | 'tryAcquire'>;

interface Waiter {
  grant: () => void;
  reject: (err: Error) => void;
}

/** One tenant's live figures. */
class TenantState {
  running = 0;
  readonly waiters: Waiter[] = [];
  /** CPU token bucket, in ms; starts full. */
  tokens = Number.NaN;
  refilledAt = Date.now();
  /** Guest CPU charged in the last minute: [time, ms] pairs, oldest first. */
  readonly recentCpu: [number, number][] = [];
}

const MINUTE_MS = 60_000;

export class TenantQuotas {
  private readonly tenants = new Map<string, TenantState>();

  /**
   * @param source the quotas of a tenant (config defaults, overridden by the credentials file)
   * @param queueTimeoutMs how long a call may wait in its tenant's queue
   * @param onRefusal told the quota of every refusal (Prometheus counts them)
   */
  constructor(
    private readonly source: QuotaSource,
    private readonly queueTimeoutMs: number,
    private readonly onRefusal: (quota: string) => void = () => {},
  ) {}

  quotaOf(tenant: string): TenantQuota {
    return this.source(tenant);
  }

  private state(tenant: string): TenantState {
    let s = this.tenants.get(tenant);
    if (!s) this.tenants.set(tenant, (s = new TenantState()));
    return s;
  }

  private refuse(tenant: string, quota: string, detail: string): Error {
    this.onRefusal(quota);
    return quotaExceeded(tenant, quota, detail);
  }

  /** The admission an execution of `tenant` goes through: its tenant's gate, then `global`. */
  admissionFor(global: Admission, tenant: string | undefined): AdmissionGate {
    if (tenant === undefined) return global;
    return {
      check: (taskId, maxForTask) => {
        this.checkCpu(tenant);
        const s = this.state(tenant);
        const q = this.source(tenant);
        if (!this.canRun(s, q) && q.maxQueued > 0 && s.waiters.length >= q.maxQueued) throw this.queueRefusal(tenant, s, q);
        global.check(taskId, maxForTask);
      },
      tryAcquire: (taskId, maxForTask) => {
        const s = this.state(tenant);
        if (this.cpuLeft(tenant) <= 0 || !this.canRun(s, this.source(tenant)) || s.waiters.length > 0) return undefined;
        s.running++;
        const slot = global.tryAcquire(taskId, maxForTask);
        if (slot === undefined) this.release(tenant);
        return slot && this.joined(tenant, slot, 0);
      },
      acquire: async (taskId, maxForTask, signal) => {
        const t0 = Date.now();
        await this.enter(tenant, signal);
        const tenantWaitMs = Date.now() - t0;
        try {
          return this.joined(tenant, await global.acquire(taskId, maxForTask, signal), tenantWaitMs);
        } catch (err) {
          this.release(tenant);
          throw err;
        }
      },
    };
  }

  /** Charges an execution's measured guest CPU time to its tenant's bucket. */
  chargeCpu(tenant: string | undefined, cpuTimeUs: number): void {
    if (tenant === undefined || !(cpuTimeUs > 0)) return;
    const s = this.state(tenant);
    const ms = cpuTimeUs / 1000;
    this.refill(s, this.source(tenant));
    s.tokens -= ms;
    const now = Date.now();
    s.recentCpu.push([now, ms]);
    while (s.recentCpu.length > 0 && s.recentCpu[0][0] < now - MINUTE_MS) s.recentCpu.shift();
  }

  /** Guest CPU milliseconds charged to the tenant in the last minute. */
  cpuLastMinuteMs(tenant: string): number {
    const since = Date.now() - MINUTE_MS;
    return (this.tenants.get(tenant)?.recentCpu ?? []).reduce((sum, [at, ms]) => (at >= since ? sum + ms : sum), 0);
  }

  /** The tenant's running and queued executions (those that passed or wait at its gate). */
  figures(tenant: string): { running: number; queued: number } {
    const s = this.tenants.get(tenant);
    return { running: s?.running ?? 0, queued: s?.waiters.length ?? 0 };
  }

  /**
   * Checks that `tenant` may register one more task whose artifact is `digest` (`sizeBytes`), given
   * the tasks it has. Throws QUOTA_EXCEEDED naming `max_tasks` or `max_artifact_bytes`.
   */
  checkRegistration(tenant: string | undefined, own: readonly TaskRecord[], digest: string, sizeBytes: number): void {
    if (tenant === undefined) return;
    const q = this.source(tenant);
    if (q.maxTasks > 0 && own.length >= q.maxTasks) {
      throw this.refuse(tenant, 'max_tasks', `${own.length} tasks registered (max_tasks ${q.maxTasks}); delete one first`);
    }
    if (q.maxArtifactBytes > 0) {
      const digests = new Map(own.map((t) => [t.digest, t.sizeBytes]));
      const stored = [...digests.values()].reduce((a, b) => a + b, 0);
      const added = digests.has(digest) ? 0 : sizeBytes;
      if (stored + added > q.maxArtifactBytes) {
        throw this.refuse(tenant, 'max_artifact_bytes', `${stored} artifact bytes stored, this artifact adds ${added} (max_artifact_bytes ${q.maxArtifactBytes})`);
      }
    }
  }

  private canRun(s: TenantState, q: TenantQuota): boolean {
    return q.maxConcurrent === 0 || s.running < q.maxConcurrent;
  }

  private queueRefusal(tenant: string, s: TenantState, q: TenantQuota): Error {
    return this.refuse(tenant, 'max_queued', `${s.running} executions running (max_concurrent ${q.maxConcurrent}) and ${s.waiters.length} queued (max_queued ${q.maxQueued})`);
  }

  private refill(s: TenantState, q: TenantQuota): void {
    const now = Date.now();
    if (Number.isNaN(s.tokens)) s.tokens = q.cpuMsPerMinute;
    s.tokens = Math.min(q.cpuMsPerMinute, s.tokens + ((now - s.refilledAt) * q.cpuMsPerMinute) / MINUTE_MS);
    s.refilledAt = now;
  }

  private cpuLeft(tenant: string): number {
    const q = this.source(tenant);
    if (q.cpuMsPerMinute === 0) return Number.POSITIVE_INFINITY;
    const s = this.state(tenant);
    this.refill(s, q);
    return s.tokens;
  }

  private checkCpu(tenant: string): void {
    const left = this.cpuLeft(tenant);
    if (left > 0) return;
    const q = this.source(tenant);
    const waitS = Math.ceil(((1 - left) * MINUTE_MS) / q.cpuMsPerMinute / 1000);
    throw this.refuse(tenant, 'cpu_ms_per_minute', `guest CPU time used up (cpu_ms_per_minute ${q.cpuMsPerMinute}); the bucket refills in about ${waitS} s`);
  }

  /** Takes one of the tenant's running places, waiting in its queue if they are all taken. */
  private enter(tenant: string, signal?: AbortSignal): Promise<void> {
    this.checkCpu(tenant);
    const s = this.state(tenant);
    const q = this.source(tenant);
    if (this.canRun(s, q) && s.waiters.length === 0) {
      s.running++;
      return Promise.resolve();
    }
    if (q.maxQueued > 0 && s.waiters.length >= q.maxQueued) return Promise.reject(this.queueRefusal(tenant, s, q));
    return new Promise<void>((resolve, reject) => {
      const leave = () => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        const i = s.waiters.indexOf(waiter);
        if (i >= 0) s.waiters.splice(i, 1);
        return i >= 0;
      };
      const waiter: Waiter = {
        grant: () => {
          leave();
          s.running++;
          resolve();
        },
        reject: (err) => leave() && reject(err),
      };
      const onAbort = () => waiter.reject(signal?.reason instanceof Error ? signal.reason : new Error('aborted'));
      const timer = setTimeout(
        () => waiter.reject(this.refuse(tenant, 'max_concurrent', `waited ${this.queueTimeoutMs} ms (queue timeout) behind ${s.running} running executions (max_concurrent ${q.maxConcurrent})`)),
        this.queueTimeoutMs,
      );
      signal?.addEventListener('abort', onAbort, { once: true });
      s.waiters.push(waiter);
    });
  }

  private release(tenant: string): void {
    const s = this.state(tenant);
    s.running--;
    const next = s.waiters[0];
    if (next && this.canRun(s, this.source(tenant))) next.grant();
  }

  private joined(tenant: string, slot: Slot, tenantWaitMs: number): Slot {
    let released = false;
    return {
      queueMs: tenantWaitMs + slot.queueMs,
      release: () => {
        if (released) return;
        released = true;
        slot.release();
        this.release(tenant);
      },
    };
  }
}
