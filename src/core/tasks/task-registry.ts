/**
 * TaskRegistry: registers tasks from an ArtifactSpec, finds them again, and keeps every task in
 * memory (loaded once at start-up) so invocations never read the store for their task. Artifact
 * bytes live in the store; the registry caches the most recently used within
 * `config.artifactCacheBytes` (instance builds read the rest from the store).
 *
 * A refused registration writes nothing: the artifact is fetched, checked and analysed by its
 * runtime before anything is stored.
 */
import { LRUCache } from 'lru-cache';
import type { Config } from '../../config.js';
import { ErrorCodes, SpearletError, invalidArgument, taskNotFound } from '../../errors.js';
import type { ArtifactSpec__Output } from '../../generated/spearlet/ArtifactSpec.js';
import type { Store } from '../../store/store.js';
import type { ExecutionStatus, TaskLimits, TaskRecord } from '../../store/records.js';
import { validateTaskCapabilities } from '../../capabilities/task-capabilities.js';
import { resolveArtifact } from './artifact-resolver.js';
import { newTaskId } from '../values/ids.js';
import { type ArtifactAnalysis, type FirstCall, type Instance, type Outcome, withDefaultExport } from '../runtime/runtime.js';
import type { RuntimeManager } from '../runtime/runtime-manager.js';
import { instanceLimitsOf, resolveTaskLimits, tenantOf } from './task-limits.js';
import { TaskVersions, identityOf, taskIdentity } from './task-versions.js';
import { compileSource, sourceCompilerFor } from './source-compilers.js';
import { checkMetadataKeys, checkSameTask } from './task-identity.js';
import type { TenantQuotas } from '../admission/tenant-quotas.js';

export interface RegisterInput {
  name: string;
  description: string;
  spec: ArtifactSpec__Output;
  /** A caller-chosen id (EXISTING_TASK with create_if_not_exists); else one is made. */
  taskId?: string;
  /** Checks the request against the task before anything is stored; throws to refuse. */
  check?: (task: TaskRecord) => void;
  /** The request's own call, to start on the new task's first instance as soon as it is built. */
  first?: FirstCallRider;
}

/**
 * The caller's side of a first call riding on a registration (see FirstCall). Only the caller
 * whose registration creates the task is asked; a concurrent equal registration that shares it
 * runs its call the ordinary way.
 */
export interface FirstCallRider {
  /** The call, once the task id and limits are known; undefined to run it the ordinary way. */
  make(taskId: string, limits: TaskLimits): FirstCall | undefined;
  /** The call started; the caller owns the instance it runs on from now (the pool has not seen it). */
  started(instance: Instance, outcome: Promise<Outcome>): void;
}

const TASK_ID_PATTERN = /^[A-Za-z0-9._:-]{1,128}$/;

export class TaskRegistry {
  private readonly tasks = new Map<string, TaskRecord>();
  /** The versions of each task name; a NEW_TASK registration identical to the current one reuses it. */
  readonly versions = new TaskVersions();
  /** Artifact bytes by digest, within config.artifactCacheBytes; absent when that is 0. */
  private readonly codeByDigest: LRUCache<string, Uint8Array> | undefined;
  /**
   * Registrations under way: a NEW_TASK by identity, so two concurrent equal requests make one
   * task; a caller-chosen task_id by that id, so concurrent registrations of one id have one winner.
   */
  private readonly registering = new Map<string, Promise<{ task: TaskRecord; created: boolean }>>();

  /**
   * @param onRegistered told about each task created, with the instance its analysis built (the
   *   pool adopts it and warms min_instances), or without it when the task's first call runs on it
   *   (the caller hands it to the pool)
   */
  constructor(
    private readonly store: Store,
    private readonly runtimes: RuntimeManager,
    private readonly config: Config,
    private readonly onRegistered: (task: TaskRecord, first: Instance | undefined) => void = () => {},
    private readonly quotas?: TenantQuotas,
  ) {
    const maxSize = config.artifactCacheBytes;
    this.codeByDigest = maxSize > 0 ? new LRUCache({ maxSize, sizeCalculation: (bytes) => Math.max(1, bytes.byteLength) }) : undefined;
  }

  /** Tasks being created, counted against their tenant's quotas until they are stored. */
  private readonly reserved: { tenant: string; digest: string; sizeBytes: number }[] = [];

  /**
   * Checks the tenant's max_tasks and max_artifact_bytes quotas for one more task, counting the
   * registrations under way, and holds its place until `release`.
   */
  private reserve(tenant: string | undefined, digest: string, sizeBytes: number): () => void {
    if (tenant === undefined || !this.quotas) return () => {};
    const own = [...this.tasks.values()].filter((t) => tenantOf(t.artifact.metadata) === tenant);
    const pending = this.reserved.filter((r) => r.tenant === tenant).map((r) => ({ digest: r.digest, sizeBytes: r.sizeBytes }) as TaskRecord);
    this.quotas.checkRegistration(tenant, [...own, ...pending], digest, sizeBytes);
    const entry = { tenant, digest, sizeBytes };
    this.reserved.push(entry);
    return () => {
      const i = this.reserved.indexOf(entry);
      if (i >= 0) this.reserved.splice(i, 1);
    };
  }

  /** Loads every stored task. Called once at start-up. */
  async load(): Promise<void> {
    for (const task of await this.store.allTasks()) this.remember(task);
  }

  /** The current version of a task name (EXISTING_TASK with only task_name); TASK_NOT_FOUND when none. */
  resolveName(name: string): TaskRecord {
    return this.require(this.versions.resolveName(name.trim()), 'task_name');
  }

  /** Whether a task is the current version of its name. */
  isCurrent(task: TaskRecord): boolean {
    return this.versions.isCurrent(task);
  }

  get(taskId: string): TaskRecord | undefined {
    return this.tasks.get(taskId);
  }

  /** The task, or TASK_NOT_FOUND naming `field`. */
  require(taskId: string, field = 'task_id'): TaskRecord {
    const task = this.tasks.get(taskId);
    if (!task) throw taskNotFound(taskId, field);
    return task;
  }

  all(): TaskRecord[] {
    return [...this.tasks.values()];
  }

  get size(): number {
    return this.tasks.size;
  }

  /**
   * Registers a task as the next version of its name, or returns the name's current version when
   * it is identical (artifact digest, artifact_type, metadata); see task-versions.ts.
   * Throws INVALID_ARGUMENT / UNKNOWN_ARTIFACT_TYPE / INVALID_ARTIFACT / CHECKSUM_MISMATCH /
   * ARTIFACT_* errors before anything is stored.
   */
  async register(input: RegisterInput): Promise<{ task: TaskRecord; created: boolean }> {
    const name = input.name.trim();
    if (name === '') throw invalidArgument('task_name', 'is required to register a task');
    if (name.length > 256) throw invalidArgument('task_name', 'must be at most 256 characters');
    if (input.taskId !== undefined && !TASK_ID_PATTERN.test(input.taskId)) {
      throw invalidArgument('task_id', 'must be 1-128 characters of A-Z a-z 0-9 . _ : -');
    }
    const spec = input.spec;
    const compiler = sourceCompilerFor(spec.artifactType);
    const runtime = this.runtimes.forArtifactType(compiler?.target ?? spec.artifactType);
    checkMetadataKeys(spec.metadata ?? {});
    const limits = resolveTaskLimits(spec.metadata ?? {}, this.config);
    const tenant = tenantOf(spec.metadata ?? {});
    validateTaskCapabilities(spec.metadata ?? {}, this.config);
    const resolved = await resolveArtifact(spec, this.config);
    // TypeScript and multi-module artifacts: the task stores and runs the compiled JavaScript.
    const { bytes, digest } = compiler ? await compileSource(compiler, resolved.bytes) : resolved;

    const identity = identityOf(digest, spec.artifactType, spec.metadata ?? {});
    const wanted = { name, digest, runtime: runtime.name, metadata: { ...(spec.metadata ?? {}) } };
    const key = input.taskId === undefined ? `new\0${name}\0${identity}\0${tenant ?? ''}` : `id\0${input.taskId}`;
    for (let pending = this.registering.get(key); pending; pending = this.registering.get(key)) {
      if (input.taskId === undefined) return pending;
      // Another registration of this id is under way: it wins; this one then meets its task below.
      await pending.catch(() => undefined);
    }
    const work = (async () => {
      const existing = input.taskId === undefined ? this.findReusable(name, tenant, identity) : this.tasks.get(input.taskId);
      if (existing) {
        if (input.taskId !== undefined) checkSameTask(existing, wanted);
        input.check?.(existing);
        return { task: existing, created: false };
      }
      const taskId = input.taskId ?? newTaskId();
      // The load that validates the code is the task's first instance: a new task's first call
      // finds it ready instead of loading the code a second time, and may even start on it right
      // away. Disposed when refused (ending that call, whose outcome nobody then waits for).
      const first = input.first?.make(taskId, limits);
      const prepared = await runtime.prepare({ taskId, digest, code: bytes, limits: instanceLimitsOf(limits, tenant), reload: this.reloader(digest, taskId) }, first);
      const { analysis, instance } = prepared;
      let adopted = false;
      let firstOutcome = prepared.firstOutcome;
      let release = () => {};
      try {
        release = this.reserve(tenant, digest, bytes.length);
        if (analysis.exports.length === 0) {
          throw new SpearletError(ErrorCodes.INVALID_ARTIFACT, 'artifact_spec.location: the artifact exports no function', {
            field: 'artifact_spec.location',
          });
        }
        const task = this.newTask(taskId, name, input, bytes, digest, runtime.name, analysis, limits);
        input.check?.(task);
        // A runtime in this process leaves the first call to us: it runs on isolated-vm's thread
        // while the task is written here.
        if (first) firstOutcome ??= instance.execute(withDefaultExport(first.call, analysis), first.hooks, first.signal);
        task.version = this.versions.reserve(name, tenant);
        await this.store.putTask(task, bytes);
        this.codeByDigest?.set(digest, bytes);
        this.remember(task);
        adopted = true;
        if (firstOutcome) input.first?.started(instance, firstOutcome);
        this.onRegistered(task, firstOutcome ? undefined : instance);
        return { task, created: true };
      } finally {
        release();
        if (!adopted) {
          instance.dispose();
          firstOutcome?.catch(() => undefined);
        }
      }
    })();
    this.registering.set(key, work);
    try {
      return await work;
    } finally {
      this.registering.delete(key);
    }
  }

  private newTask(
    taskId: string,
    name: string,
    input: RegisterInput,
    bytes: Uint8Array,
    digest: string,
    runtime: string,
    analysis: ArtifactAnalysis,
    limits: TaskRecord['limits'],
  ): TaskRecord {
    const spec = input.spec;
    const now = Date.now();
    return {
      taskId,
      name,
      description: input.description,
      artifact: {
        artifactId: spec.artifactId,
        artifactType: spec.artifactType,
        location: spec.location.startsWith('data:') ? `data:(${bytes.length} bytes)` : spec.location,
        version: spec.version,
        checksum: `sha256:${digest}`,
        metadata: { ...(spec.metadata ?? {}) },
      },
      runtime,
      digest,
      sizeBytes: bytes.length,
      exports: analysis.exports,
      defaultExport: analysis.defaultExport,
      limits,
      createdAt: now,
      updatedAt: now,
      executionCount: 0,
    };
  }

  /**
   * The task a registration reuses: the current version of the name in the same tenant (so one
   * tenant can never be handed, and run on the sandbox workers of, another tenant's task), when it
   * has the same artifact digest, artifact_type and metadata. Anything else is a new version.
   */
  private findReusable(name: string, tenant: string | undefined, identity: string): TaskRecord | undefined {
    const taskId = this.versions.current(name, tenant);
    const task = taskId === undefined ? undefined : this.tasks.get(taskId);
    return task && taskIdentity(task) === identity ? task : undefined;
  }

  private remember(task: TaskRecord): void {
    this.tasks.set(task.taskId, this.versions.add(task));
  }

  /** The artifact bytes of a task: from the cache, else the store (then cached). */
  code(task: TaskRecord): Promise<Uint8Array> {
    return this.codeOf(task.digest, task.taskId);
  }

  /**
   * InstanceSpec.reload for a task's instances. Made here, not inline in `register`: a closure
   * there would keep the registration's scope, the bytes and the request among it, alive for as
   * long as the instance lives.
   */
  private reloader(digest: string, taskId: string): () => Promise<Uint8Array> {
    return () => this.codeOf(digest, taskId);
  }

  private async codeOf(digest: string, taskId: string): Promise<Uint8Array> {
    const cached = this.codeByDigest?.get(digest);
    if (cached) return cached;
    const bytes = await this.store.getArtifact(digest);
    if (!bytes) {
      throw new SpearletError(ErrorCodes.INTERNAL, `artifact ${digest} of task ${taskId} is missing from the store`);
    }
    this.codeByDigest?.set(digest, bytes);
    return bytes;
  }

  /**
   * Counts a finished execution on its task. Returns the updated record for the caller to write
   * in the same batch as the execution; undefined when the task is gone.
   */
  noteExecution(taskId: string, status: ExecutionStatus): TaskRecord | undefined {
    const task = this.tasks.get(taskId);
    if (!task) return undefined;
    // A copy, then stores: V8 makes `{ ...task, executionCount, lastStatus, updatedAt }` (a spread
    // with overrides) a slow path, about 2 µs a call against well under 1 µs for this, same record.
    const updated: TaskRecord = { ...task };
    updated.executionCount = task.executionCount + 1;
    updated.lastStatus = status;
    updated.updatedAt = Date.now();
    this.tasks.set(taskId, updated);
    return updated;
  }

  /** Deletes a task (and with `cleanup` its executions); returns the number of executions removed. */
  async delete(taskId: string, cleanup: boolean): Promise<number> {
    const task = this.require(taskId);
    const cleaned = await this.store.deleteTask(taskId, cleanup);
    this.tasks.delete(taskId);
    this.versions.remove(task);
    if (![...this.tasks.values()].some((t) => t.digest === task.digest)) {
      this.codeByDigest?.delete(task.digest);
      this.runtimes.byRuntimeName(task.runtime).evict?.(task.digest);
    }
    return cleaned;
  }
}
