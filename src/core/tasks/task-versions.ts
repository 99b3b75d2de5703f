/**
 * Task names and versions. Every task registered under a name (within one tenant) is a version of
 * it, numbered 1, 2, 3 … in order of registration; the newest is the name's current version. A
 * registration identical to the current version (same artifact digest, artifact_type and metadata:
 * limits, tenant, environment) reuses it; anything else becomes the next version. Older versions
 * stay callable by their task_id until deleted; deleting the current one makes the newest remaining
 * version current. Version numbers are never reused for a name while the server runs.
 */
import { SpearletError, ErrorCodes, invalidArgument } from '../../errors.js';
import type { TaskRecord } from '../../store/records.js';
import { tenantOf } from './task-limits.js';

/** What makes two registrations under one name the same task. */
export function identityOf(digest: string, artifactType: string, metadata: Record<string, string>): string {
  const canonical = Object.keys(metadata)
    .sort()
    .map((k) => [k, metadata[k].trim()]);
  return JSON.stringify([digest, artifactType.trim().toLowerCase(), canonical]);
}

export function taskIdentity(task: TaskRecord): string {
  return identityOf(task.digest, task.artifact.artifactType, task.artifact.metadata);
}

const nameKey = (name: string, tenant: string | undefined): string => `${tenant ?? ''}\0${name}`;

interface Version {
  taskId: string;
  version: number;
}

/** The versions of every task name. Holds ids and numbers only; the TaskRegistry holds the records. */
export class TaskVersions {
  /** name key → the versions of that name, oldest first. */
  private readonly byName = new Map<string, Version[]>();
  /** name key → the highest version number handed out (registered or reserved). */
  private readonly highest = new Map<string, number>();

  /**
   * Adds a task (at start-up, or once registered) and returns it with its version. A stored task
   * from before versions existed (no `version`) is numbered after those already known for its name.
   */
  add(task: TaskRecord): TaskRecord {
    const key = nameKey(task.name, tenantOf(task.artifact.metadata));
    const version = task.version ?? (this.highest.get(key) ?? 0) + 1;
    const list = this.byName.get(key) ?? [];
    list.push({ taskId: task.taskId, version });
    list.sort((a, b) => a.version - b.version);
    this.byName.set(key, list);
    this.highest.set(key, Math.max(this.highest.get(key) ?? 0, version));
    return task.version === undefined ? { ...task, version } : task;
  }

  remove(task: TaskRecord): void {
    const key = nameKey(task.name, tenantOf(task.artifact.metadata));
    const list = this.byName.get(key)?.filter((v) => v.taskId !== task.taskId);
    if (list && list.length > 0) this.byName.set(key, list);
    else this.byName.delete(key);
  }

  /** The next version number for a name; taken even if the registration then fails. */
  reserve(name: string, tenant: string | undefined): number {
    const key = nameKey(name, tenant);
    const next = (this.highest.get(key) ?? 0) + 1;
    this.highest.set(key, next);
    return next;
  }

  /** The task id of the current (newest) version of a name in a tenant. */
  current(name: string, tenant: string | undefined): string | undefined {
    return this.byName.get(nameKey(name, tenant))?.at(-1)?.taskId;
  }

  isCurrent(task: TaskRecord): boolean {
    return this.current(task.name, tenantOf(task.artifact.metadata)) === task.taskId;
  }

  /**
   * The task id of the current version of a task name, for EXISTING_TASK with only task_name. A
   * name registered in several tenants is ambiguous without a tenant: INVALID_ARGUMENT asks for the
   * task_id. Unknown name: TASK_NOT_FOUND.
   */
  resolveName(name: string, tenant?: string): string {
    if (name.length > 256) throw invalidArgument('task_name', 'must be at most 256 characters');
    if (tenant !== undefined) {
      const taskId = this.current(name, tenant);
      if (taskId !== undefined) return taskId;
    } else {
      const found = [...this.byName.entries()].filter(([key]) => key.slice(key.indexOf('\0') + 1) === name).map(([, list]) => list[list.length - 1].taskId);
      if (found.length === 1) return found[0];
      if (found.length > 1) throw invalidArgument('task_name', `'${name}' names tasks of ${found.length} tenants; give the task_id`);
    }
    throw new SpearletError(ErrorCodes.TASK_NOT_FOUND, `task_name: no task named '${name}'`, { field: 'task_name' });
  }
}
