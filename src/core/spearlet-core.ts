/**
 * SpearletCore: the service's behaviour, independent of gRPC. Composes the registry, the pool,
 * admission, the execution manager and health; the server's handlers call only this.
 */
import type { Config } from '../config.js';
import { ErrorCodes, SpearletError, invalidArgument } from '../errors.js';
import type { Logger } from '../logger.js';
import type { ExecutionRecord, ExecutionStatus, TaskRecord } from '../store/records.js';
import type { Page, Store } from '../store/store.js';
import type { Capabilities } from '../capabilities/capabilities.js';
import { Admission } from './admission/admission.js';
import { ExecutionExpiry } from './execution/execution-expiry.js';
import { TaskExecutionManager } from './execution/execution-manager.js';
import type { ExecutionObserver } from './execution/execution-observer.js';
import { HealthMonitor } from './health.js';
import { InstancePool } from './pool/instance-pool.js';
import type { RuntimeManager } from './runtime/runtime-manager.js';
import { TaskRegistry } from './tasks/task-registry.js';
import { type QuotaSource, type TenantQuota, TenantQuotas } from './admission/tenant-quotas.js';

const DEFAULT_PAGE = 50;
const MAX_PAGE = 1000;

/** `limit` of a list request: 0 → default, capped at the maximum. */
export function pageLimit(limit: number, field = 'limit'): number {
  if (limit < 0) throw invalidArgument(field, `must not be negative, got ${limit}`);
  return limit === 0 ? DEFAULT_PAGE : Math.min(limit, MAX_PAGE);
}

/** How the core learns tenants' quotas (the credentials file) and reports quota refusals. */
export interface CoreOptions {
  /** A tenant's quotas; default: the config's tenant* values for every tenant. */
  quotaSource?: QuotaSource;
  /** Told the quota of each refusal (max_concurrent, cpu_ms_per_minute, ...). */
  onQuotaRefusal?: (quota: string) => void;
}

/** The config's default quotas, the same for every tenant. */
export function configQuotas(config: Config): QuotaSource {
  const quota: TenantQuota = {
    maxConcurrent: config.tenantMaxConcurrent,
    maxQueued: config.tenantMaxQueued,
    maxTasks: config.tenantMaxTasks,
    maxArtifactBytes: config.tenantMaxArtifactBytes,
    cpuMsPerMinute: config.tenantCpuMsPerMinute,
  };
  return () => quota;
}

export class SpearletCore {
  readonly registry: TaskRegistry;
  readonly pool: InstancePool;
  readonly admission: Admission;
  readonly executions: TaskExecutionManager;
  readonly health: HealthMonitor;
  readonly quotas: TenantQuotas;
  readonly expiry: ExecutionExpiry;

  constructor(
    readonly config: Config,
    readonly store: Store,
    readonly runtimes: RuntimeManager,
    readonly log: Logger,
    observer?: ExecutionObserver,
    options: CoreOptions = {},
    /** Guest capabilities (fetch, KV, secrets); without them guests get none. */
    readonly capabilities?: Capabilities,
  ) {
    this.quotas = new TenantQuotas(options.quotaSource ?? configQuotas(config), config.queueTimeoutMs, options.onQuotaRefusal);
    this.registry = new TaskRegistry(store, runtimes, config, (task, first) => {
      // Without it, the task's first call runs on it, and its caller hands it to the pool.
      if (!first) return;
      this.pool.adopt(task, first);
      this.pool.keepWarm(task);
    }, this.quotas);
    this.pool = new InstancePool(
      runtimes,
      config,
      (task) => this.registry.code(task),
      (taskId, err) => log.warn({ taskId, err }, 'could not create a warm instance (min_instances)'),
    );
    this.admission = new Admission({
      maxConcurrent: config.maxConcurrentExecutions,
      maxQueueLength: config.maxQueueLength,
      queueTimeoutMs: config.queueTimeoutMs,
    });
    this.executions = new TaskExecutionManager(config, store, this.registry, this.pool, this.admission, log, observer, this.quotas, capabilities);
    this.health = new HealthMonitor(config, store, this.registry, this.executions, this.pool, this.admission, runtimes);
    this.expiry = new ExecutionExpiry(config, store, log);
  }

  /** Loads tasks and recovers executions a previous process left unfinished. */
  async start(): Promise<void> {
    await this.registry.load();
    for (const task of this.registry.all()) this.pool.keepWarm(task);
    const interrupted = await this.executions.recover();
    if (interrupted > 0) this.log.warn({ interrupted }, 'marked executions left unfinished by the previous run as FAILED/INTERRUPTED');
    this.expiry.start();
  }

  listTasks(prefix: string, limit: number, startAfter: string): Promise<Page<TaskRecord>> {
    return this.store.listTasks({ namePrefix: prefix || undefined, startAfter: startAfter || undefined, limit: pageLimit(limit) });
  }

  listExecutions(taskId: string, limit: number, startAfter: string, status: ExecutionStatus | undefined): Promise<Page<ExecutionRecord>> {
    return this.store.listExecutions({ taskId: taskId || undefined, status, startAfter: startAfter || undefined, limit: pageLimit(limit) });
  }

  /**
   * Deletes a task. Running executions refuse it (TASK_BUSY) unless `force`, which cancels them
   * first. Warm instances are disposed; `cleanup` removes the execution records too.
   */
  async deleteTask(taskId: string, force: boolean, cleanup: boolean): Promise<{ cleaned: number; cancelled: number }> {
    if (taskId === '') throw invalidArgument('task_id', 'is required');
    this.registry.require(taskId);
    const running = this.executions.liveOfTask(taskId);
    if (running.length > 0 && !force) {
      throw new SpearletError(ErrorCodes.TASK_BUSY, `task_id: task ${taskId} has ${running.length} unfinished execution(s); set force to cancel them and delete`, {
        field: 'task_id',
      });
    }
    await Promise.all(running.map((e) => this.executions.cancel(e.executionId, 'task deleted')));
    this.pool.disposeTask(taskId);
    const cleaned = await this.registry.delete(taskId, cleanup);
    await this.capabilities?.kv.deleteTask(taskId);
    return { cleaned, cancelled: running.length };
  }

  /** Stops accepting work, drains executions (bounded) and frees every sandbox. */
  async shutdown(graceMs: number): Promise<void> {
    await this.expiry.stop();
    await this.executions.drain(graceMs);
    this.pool.close();
    await this.runtimes.close();
  }
}
