/**
 * TaskRegistry: registers tasks from an ArtifactSpec, finds them again, and keeps every task in
 * memory (loaded once at start-up) so invocations never read the store for their task.
 *
 * A refused registration writes nothing: the artifact is fetched, checked and analysed by its
 * runtime before anything is stored.
 */
import type { Config } from '../config.js';
import { ErrorCodes, SpearletError, invalidArgument, taskNotFound } from '../errors.js';
import type { ArtifactSpec__Output } from '../generated/spearlet/ArtifactSpec.js';
import type { Store } from '../store/store.js';
import type { ExecutionStatus, TaskLimits, TaskRecord } from '../store/records.js';
import { validateTaskCapabilities } from '../capabilities/task-capabilities.js';
import { resolveArtifact } from './artifact-resolver.js';
import { newTaskId } from './ids.js';
import { type ArtifactAnalysis, type FirstCall, type Instance, type Outcome, withDefaultExport } from './runtime.js';
import type { RuntimeManager } from './runtime-manager.js';
import { instanceLimitsOf, resolveTaskLimits, tenantOf } from './task-limits.js';

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
  /** reuseKey(name, digest, tenant) → task id: the task a NEW_TASK registration reuses. */
  private readonly reusable = new Map<string, string>();
  private readonly codeByDigest = new Map<string, Uint8Array>();
  /** Registrations under way, by name + digest, so two concurrent equal requests make one task. */
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
  ) {}

  /** Loads every stored task. Called once at start-up. */
  async load(): Promise<void> {
    for (const task of await this.store.allTasks()) this.remember(task);
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
   * Registers a task, or returns the existing one with the same name and artifact digest.
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
    const runtime = this.runtimes.forArtifactType(spec.artifactType);
    const limits = resolveTaskLimits(spec.metadata ?? {}, this.config);
    const tenant = tenantOf(spec.metadata ?? {});
    validateTaskCapabilities(spec.metadata ?? {}, this.config);
    const { bytes, digest } = await resolveArtifact(spec, this.config);

    const key = `${name}\0${digest}\0${tenant ?? ''}\0${input.taskId ?? ''}`;
    const pending = this.registering.get(key);
    if (pending) return pending;
    const work = (async () => {
      const existing = input.taskId === undefined ? this.findReusable(name, digest, tenant) : undefined;
      if (existing) {
        input.check?.(existing);
        return { task: existing, created: false };
      }
      const taskId = input.taskId ?? newTaskId();
      // The load that validates the code is the task's first instance: a new task's first call
      // finds it ready instead of loading the code a second time, and may even start on it right
      // away. Disposed when refused (ending that call, whose outcome nobody then waits for).
      const first = input.first?.make(taskId, limits);
      const prepared = await runtime.prepare({ taskId, digest, code: bytes, limits: instanceLimitsOf(limits, tenant) }, first);
      const { analysis, instance } = prepared;
      let adopted = false;
      let firstOutcome = prepared.firstOutcome;
      try {
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
        await this.store.putTask(task, bytes);
        this.codeByDigest.set(digest, bytes);
        this.remember(task);
        adopted = true;
        if (firstOutcome) input.first?.started(instance, firstOutcome);
        this.onRegistered(task, firstOutcome ? undefined : instance);
        return { task, created: true };
      } finally {
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
   * The task a registration reuses: same name and artifact digest, and the same tenant, so one
   * tenant can never be handed (and run on the sandbox workers of) another tenant's task.
   */
  private findReusable(name: string, digest: string, tenant: string | undefined): TaskRecord | undefined {
    const taskId = this.reusable.get(reuseKey(name, digest, tenant));
    return taskId === undefined ? undefined : this.tasks.get(taskId);
  }

  private remember(task: TaskRecord): void {
    this.tasks.set(task.taskId, task);
    const key = reuseKey(task.name, task.digest, tenantOf(task.artifact.metadata));
    if (!this.reusable.has(key)) this.reusable.set(key, task.taskId);
  }

  /** The artifact bytes of a task (cached by digest). */
  async code(task: TaskRecord): Promise<Uint8Array> {
    const cached = this.codeByDigest.get(task.digest);
    if (cached) return cached;
    const bytes = await this.store.getArtifact(task.digest);
    if (!bytes) {
      throw new SpearletError(ErrorCodes.INTERNAL, `artifact ${task.digest} of task ${task.taskId} is missing from the store`);
    }
    this.codeByDigest.set(task.digest, bytes);
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
    const key = reuseKey(task.name, task.digest, tenantOf(task.artifact.metadata));
    if (this.reusable.get(key) === taskId) {
      this.reusable.delete(key);
      // Another task can share the key (a caller-chosen task_id with the same name and bytes).
      for (const t of this.tasks.values()) if (reuseKey(t.name, t.digest, tenantOf(t.artifact.metadata)) === key) this.remember(t);
    }
    if (![...this.tasks.values()].some((t) => t.digest === task.digest)) {
      this.codeByDigest.delete(task.digest);
      this.runtimes.byRuntimeName(task.runtime).evict?.(task.digest);
    }
    return cleaned;
  }
}

function reuseKey(name: string, digest: string, tenant: string | undefined): string {
  return `${name}\0${digest}\0${tenant ?? ''}`;
}
