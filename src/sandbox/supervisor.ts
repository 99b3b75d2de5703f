/**
 * Supervisor: the sandbox worker processes of a server, kept alive and within their memory.
 *
 * - `config.sandboxWorkers` shared workers, plus, on demand, one dedicated worker per tenant (at
 *   most `config.maxTenantWorkers`; an idle one, even one holding idle instances, is retired to
 *   make room for a new tenant, and one with no instances after instanceIdleMs).
 * - `pick` places a new instance on the least-loaded accepting worker (fewest live instances,
 *   instances being built and running calls), or on the tenant's own worker.
 * - A worker that exits without being asked is replaced, with exponential back-off while it keeps
 *   dying young. Its running calls have already ended INSTANCE_FAILED (worker-process.ts) and its
 *   idle instances rebuild themselves on live workers at once, a few at a time (`rebuildSoon`,
 *   remote-instance.ts), so warm instances stay warm.
 * - A worker whose RSS passes `config.workerMemoryLimitMb`, or that reports a catastrophic isolate
 *   failure, is drained: it takes no new instances, a replacement starts at once, its instances
 *   move as they become idle, and it is retired when its running calls end (or DRAIN_MS).
 * - A worker silent for HUNG_MS (no heartbeat) is killed and replaced.
 * - The server samples every worker's RSS itself and kills one that stays over its ceiling; drained
 *   workers are capped and never outlive their calls' deadlines (worker-limits.ts).
 */
import type { Config } from '../config.js';
import { ErrorCodes, SpearletError } from '../errors.js';
import type { Logger } from '../logger.js';
import { RSS_SAMPLE_MS, WorkerLimits } from './worker-limits.js';
import type { OsSandbox } from './os/os-sandbox.js';
import { WorkerProcess, type WorkerEvents } from './worker-process.js';

/** Back-off before restarting a worker that died: BASE × 2^(failures-1), capped. */
const BACKOFF_BASE_MS = 100;
const BACKOFF_MAX_MS = 10_000;
/** A worker up this long resets its slot's failure count. */
const STABLE_MS = 10_000;
/** No heartbeat for this long: the worker is hung and is killed. */
const HUNG_MS = 15_000;
/** Longest a drained worker may keep running calls before it is killed. */
const DRAIN_MS = 30_000;
/** Grace between closing a worker's channel and SIGKILL. */
const RETIRE_GRACE_MS = 2_000;
/** How long `pick` waits for a worker to come back before giving up. */
const PICK_WAIT_MS = 10_000;
const TICK_MS = 1_000;
/** Instances rebuilt at once after their worker went (the rest wait their turn). */
const REBUILDS_AT_ONCE = 2;

/** A place for one worker: shared, or dedicated to a tenant. */
interface Slot {
  readonly tenant: string | undefined;
  worker: WorkerProcess | undefined;
  /** Deaths in a row without STABLE_MS of service in between. */
  failures: number;
  restartTimer: NodeJS.Timeout | undefined;
  lastUsed: number;
}

/** One worker as operators and tests see it. */
export interface WorkerInfo {
  pid: number;
  tenant: string | undefined;
  state: WorkerProcess['state'];
  liveInstances: number;
  running: number;
  rssBytes: number;
}

export interface SupervisorCounters {
  started: number;
  /** Exits nobody asked for (crash, kill, OOM killer). */
  crashed: number;
  /** Drained for memory or a catastrophic isolate failure. */
  drained: number;
  /** Killed for missing heartbeats. */
  hung: number;
  /** Killed by WorkerLimits: over the memory ceiling, too many drained, or calls past deadline. */
  killed: number;
}

export class Supervisor {
  readonly counters: SupervisorCounters = { started: 0, crashed: 0, drained: 0, hung: 0, killed: 0 };
  private readonly shared: Slot[];
  private readonly tenants = new Map<string, Slot>();
  /** Drained workers still finishing calls, with when their drain began. */
  private readonly draining = new Map<WorkerProcess, number>();
  private readonly waiters = new Set<() => void>();
  private readonly rebuilds: Array<() => Promise<void>> = [];
  private rebuilding = 0;
  private readonly heapMb: number;
  private readonly ticker: NodeJS.Timeout;
  private readonly limits: WorkerLimits;
  private readonly sampler: NodeJS.Timeout;
  private closing: Promise<void> | undefined;

  constructor(
    private readonly config: Config,
    private readonly log: Logger,
    /** The OS layer every worker starts in (none: plain child processes). */
    readonly osSandbox?: OsSandbox,
  ) {
    // The worker's own heap holds only bookkeeping and messages; isolates have their own limits.
    this.heapMb = Math.max(64, Math.min(512, Math.floor(config.workerMemoryLimitMb / 4)));
    this.shared = Array.from({ length: config.sandboxWorkers }, () => newSlot(undefined));
    for (const slot of this.shared) this.spawn(slot);
    this.ticker = setInterval(() => this.tick(Date.now()), TICK_MS);
    this.ticker.unref();
    this.limits = new WorkerLimits(config.workerMemoryLimitMb, { drain: (w, why) => this.drain(w, why), kill: (w, why) => this.killWorker(w, why) });
    this.sampler = setInterval(() => this.limits.sample(this.live(), Date.now()), RSS_SAMPLE_MS);
    this.sampler.unref();
  }

  /**
   * A worker to place a new instance (or an analysis) on: the tenant's own worker, else the
   * least-loaded shared one. Waits (bounded) while every candidate is restarting; throws
   * CAPACITY_EXHAUSTED when the tenant bound is reached, INTERNAL when no worker comes back.
   */
  async pick(tenant?: string): Promise<WorkerProcess> {
    const deadline = Date.now() + PICK_WAIT_MS;
    for (;;) {
      const worker = this.available(tenant);
      if (worker) return worker;
      const left = deadline - Date.now();
      if (left <= 0) throw new SpearletError(ErrorCodes.INTERNAL, `no sandbox worker${tenant === undefined ? '' : ` for tenant '${tenant}'`} came back within ${PICK_WAIT_MS} ms`);
      await new Promise<void>((resolve) => {
        const done = (): void => {
          clearTimeout(timer);
          this.waiters.delete(done);
          resolve();
        };
        const timer = setTimeout(done, Math.min(left, TICK_MS));
        this.waiters.add(done);
      });
    }
  }

  /**
   * `pick` without waiting: the worker to use now, or undefined while none is up. A caller that
   * starts its request in the same turn has it counted before the next placement.
   */
  available(tenant?: string): WorkerProcess | undefined {
    if (this.closing) throw new SpearletError(ErrorCodes.SHUTTING_DOWN, 'the sandbox workers are shutting down');
    return tenant === undefined ? this.leastLoaded() : this.tenantWorker(tenant);
  }

  /**
   * Runs `rebuild` (an instance moving off a worker that went) when fewer than REBUILDS_AT_ONCE
   * are running: a worker's instances then arrive gradually, spread over the workers up by then
   * (the dead one's replacement among them), instead of all at once on the survivors. Returns a
   * function that runs it at once if it is still waiting (a call needs that instance now).
   */
  rebuildSoon(rebuild: () => Promise<void>): () => void {
    this.rebuilds.push(rebuild);
    // Off the turn that reported the loss, so the supervisor has taken note of it first.
    setImmediate(() => this.nextRebuild());
    return () => {
      const i = this.rebuilds.indexOf(rebuild);
      if (i < 0) return;
      this.rebuilds.splice(i, 1);
      this.startRebuild(rebuild);
    };
  }

  private nextRebuild(): void {
    // Also while closing: each ends at once then (no worker to take it), freeing whoever waits on it.
    while (this.rebuilding < REBUILDS_AT_ONCE && this.rebuilds.length > 0) this.startRebuild(this.rebuilds.shift()!);
  }

  private startRebuild(rebuild: () => Promise<void>): void {
    this.rebuilding++;
    void rebuild().finally(() => {
      this.rebuilding--;
      this.nextRebuild();
    });
  }

  /** Every worker process alive, shared, tenant and draining. */
  live(): WorkerProcess[] {
    const all = [...this.shared, ...this.tenants.values()].map((s) => s.worker).filter((w): w is WorkerProcess => w !== undefined && w.alive);
    return [...all, ...[...this.draining.keys()].filter((w) => w.alive)];
  }

  describe(): WorkerInfo[] {
    return this.live().map((w) => ({ pid: w.pid, tenant: w.tenant, state: w.state, liveInstances: w.liveInstances, running: w.running, rssBytes: w.rssBytes }));
  }

  /** Retires every worker (their calls end INSTANCE_FAILED if any still run). Idempotent. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      clearInterval(this.ticker);
      clearInterval(this.sampler);
      for (const slot of [...this.shared, ...this.tenants.values()]) clearTimeout(slot.restartTimer);
      for (const wake of this.waiters) wake();
      await Promise.all(this.live().map((w) => w.retire(RETIRE_GRACE_MS)));
      await this.osSandbox?.close();
    })();
    return this.closing;
  }

  private leastLoaded(): WorkerProcess | undefined {
    let best: WorkerProcess | undefined;
    for (const slot of this.shared) {
      const w = slot.worker;
      if (!w?.accepting) continue;
      if (!best || load(w) < load(best) || (load(w) === load(best) && w.rssBytes < best.rssBytes)) best = w;
    }
    return best;
  }

  private tenantWorker(tenant: string): WorkerProcess | undefined {
    let slot = this.tenants.get(tenant);
    if (!slot) {
      if (this.tenants.size >= this.config.maxTenantWorkers && !this.retireIdleTenant()) {
        throw new SpearletError(ErrorCodes.CAPACITY_EXHAUSTED, `over capacity: all ${this.config.maxTenantWorkers} tenant sandbox workers are running calls (maxTenantWorkers)`);
      }
      slot = newSlot(tenant);
      this.tenants.set(tenant, slot);
    }
    slot.lastUsed = Date.now();
    if (!slot.worker && slot.restartTimer === undefined) this.schedule(slot);
    return slot.worker?.accepting ? slot.worker : undefined;
  }

  /**
   * Frees a tenant slot for a new tenant; false if every tenant worker is running or building
   * something. Tenants are self-declared (task metadata), so holding a worker must not lock others
   * out: a worker with no instances goes first, else the least recently used one whose instances
   * are all idle. Those instances are not moved (that would take the slot back at once): each is
   * rebuilt by its next call, which reports a cold start.
   */
  private retireIdleTenant(): boolean {
    let empty: Slot | undefined;
    let idle: Slot | undefined;
    for (const slot of this.tenants.values()) {
      const w = slot.worker;
      if (!w || load(w) === 0) {
        if (!empty || slot.lastUsed < empty.lastUsed) empty = slot;
      } else if (w.running === 0 && w.creating === 0) {
        if (!idle || slot.lastUsed < idle.lastUsed) idle = slot;
      }
    }
    const victim = empty ?? idle;
    if (!victim) return false;
    if (victim === idle) this.log.info({ tenant: victim.tenant, pid: victim.worker?.pid }, `tenant '${victim.tenant}' gives its idle sandbox worker way to a new tenant`);
    this.dropTenant(victim);
    return true;
  }

  private dropTenant(slot: Slot): void {
    this.tenants.delete(slot.tenant!);
    clearTimeout(slot.restartTimer);
    const w = slot.worker;
    slot.worker = undefined;
    void w?.retire(RETIRE_GRACE_MS);
  }

  private spawn(slot: Slot): void {
    slot.restartTimer = undefined;
    if (this.closing) return;
    const events: WorkerEvents = {
      ready: () => this.wake(),
      heartbeat: (w) => {
        if (w.rssBytes > this.config.workerMemoryLimitMb * 1024 * 1024) this.drain(w, `its RSS of ${w.rssBytes} bytes is over workerMemoryLimitMb (${this.config.workerMemoryLimitMb} MB)`);
      },
      fault: (w, message) => this.drain(w, message),
      callEnded: (w) => {
        if (w.state === 'draining' && w.running === 0) void w.retire(RETIRE_GRACE_MS);
      },
      exit: (w, reason) => this.exited(slot, w, reason),
    };
    let worker: WorkerProcess;
    try {
      worker = new WorkerProcess({ config: this.config, heapMb: this.heapMb, tenant: slot.tenant, events, ...(this.osSandbox ? { osSandbox: this.osSandbox } : {}) });
    } catch (err) {
      this.log.error({ tenant: slot.tenant, err: (err as Error).message }, `a sandbox worker could not be started: ${(err as Error).message}`);
      slot.failures++;
      this.schedule(slot);
      return;
    }
    slot.worker = worker;
    this.counters.started++;
    this.log.debug({ pid: worker.pid, tenant: slot.tenant }, 'sandbox worker started');
    this.wake();
  }

  private schedule(slot: Slot): void {
    const delay = slot.failures === 0 ? 0 : Math.min(BACKOFF_MAX_MS, BACKOFF_BASE_MS * 2 ** (slot.failures - 1));
    slot.restartTimer = setTimeout(() => this.spawn(slot), delay);
    slot.restartTimer.unref();
  }

  private exited(slot: Slot, w: WorkerProcess, reason: string): void {
    this.draining.delete(w);
    if (w.retiring || this.closing) {
      this.log.debug({ pid: w.pid, tenant: w.tenant, reason }, 'sandbox worker retired');
      return;
    }
    this.counters.crashed++;
    this.log.error({ pid: w.pid, tenant: w.tenant, reason, liveInstances: w.liveInstances }, `sandbox worker ${w.pid} ${reason}; its calls failed and it is being replaced`);
    if (slot.worker !== w) return;
    slot.worker = undefined;
    slot.failures++;
    // A tenant's worker comes back when the tenant next needs it; shared ones come back now.
    if (slot.tenant === undefined || slot.lastUsed > Date.now() - this.config.instanceIdleMs) this.schedule(slot);
  }

  /** Stops placing instances on `w`, starts its replacement and retires it once its calls end. */
  private drain(w: WorkerProcess, why: string): void {
    if (!w.accepting) return;
    w.markDraining();
    this.counters.drained++;
    this.draining.set(w, Date.now());
    this.log.warn({ pid: w.pid, tenant: w.tenant, running: w.running }, `draining sandbox worker ${w.pid}: ${why}`);
    const slot = [...this.shared, ...this.tenants.values()].find((s) => s.worker === w);
    if (slot) this.spawn(slot);
    if (w.running === 0) void w.retire(RETIRE_GRACE_MS);
    this.endOverdueDrains(Date.now());
  }

  /** Kills the drained workers WorkerLimits says must go (too many, or calls past deadline). */
  private endOverdueDrains(now: number): void {
    for (const [w, why] of this.limits.overdue(this.draining, now)) this.killWorker(w, why);
  }

  private killWorker(w: WorkerProcess, why: string): void {
    if (!w.alive) return;
    this.counters.killed++;
    this.log.error({ pid: w.pid, tenant: w.tenant, running: w.running }, `killing sandbox worker ${w.pid}: ${why}`);
    w.kill();
  }

  private tick(now: number): void {
    this.endOverdueDrains(now);
    for (const slot of [...this.shared, ...this.tenants.values()]) {
      const w = slot.worker;
      if (w?.state === 'ready' && now - w.startedAt > STABLE_MS) slot.failures = 0;
    }
    for (const w of this.live()) {
      if (now - w.lastHeartbeat > HUNG_MS) {
        this.counters.hung++;
        this.log.error({ pid: w.pid, tenant: w.tenant }, `sandbox worker ${w.pid} sent no heartbeat for ${HUNG_MS} ms; killing it`);
        w.kill();
      } else if (w.state === 'draining' && now - (this.draining.get(w) ?? now) > DRAIN_MS) {
        void w.retire(RETIRE_GRACE_MS);
      }
    }
    for (const slot of [...this.tenants.values()]) {
      const w = slot.worker;
      const idle = !w || load(w) === 0;
      if (idle && now - slot.lastUsed > this.config.instanceIdleMs) this.dropTenant(slot);
    }
  }

  private wake(): void {
    for (const wake of [...this.waiters]) wake();
  }
}

function newSlot(tenant: string | undefined): Slot {
  return { tenant, worker: undefined, failures: 0, restartTimer: undefined, lastUsed: Date.now() };
}

function load(w: WorkerProcess): number {
  return w.liveInstances + w.creating + w.running;
}
