/**
 * A task's identity: its name, its code (artifact digest), its runtime and its ArtifactSpec
 * metadata (limits, tenant, labels). A NEW_TASK registration reuses a task only when all of them
 * are equal; one that differs in any registers a new task, so a call never runs under settings it
 * did not ask for. And metadata keys that are almost a known key are refused: a misspelt limit
 * would otherwise be a free label and silently leave the default in force.
 */
import leven from 'leven';
import { alreadyExists, invalidArgument } from '../../errors.js';
import type { TaskRecord } from '../../store/records.js';

/** ArtifactSpec.metadata keys the runtime reads (see task-limits.ts). */
export const KNOWN_METADATA_KEYS = ['memory_limit_mb', 'timeout_ms', 'min_instances', 'max_instances', 'max_concurrency', 'tenant'] as const;

/** A key this close (edits) to a known key, and not equal to it, is taken for a misspelling. */
function misspellingDistance(known: string): number {
  return known.length >= 8 ? 2 : 1;
}

/**
 * Refuses a metadata key that is not known but within a small edit distance of a known one (after
 * lower-casing and reading `-`, `.` and spaces as `_`), naming the key it resembles. Other keys
 * are free labels.
 */
export function checkMetadataKeys(metadata: Record<string, string>): void {
  for (const key of Object.keys(metadata)) {
    if ((KNOWN_METADATA_KEYS as readonly string[]).includes(key)) continue;
    // Case and separators are never meaningful in a limit's name: compare without them first.
    const normal = key.toLowerCase().replace(/[-\s.]/g, '_');
    for (const known of KNOWN_METADATA_KEYS) {
      const max = misspellingDistance(known);
      if (leven(normal, known, { maxDistance: max + 1 }) <= max) {
        const shown = key.length > 64 ? `${key.slice(0, 64)}…` : key;
        throw invalidArgument(`artifact_spec.metadata.${known}`, `unknown key '${shown}' looks like a misspelling of '${known}'; use '${known}', or another name for a free label`);
      }
    }
  }
}

function canonicalMetadata(metadata: Record<string, string>): string {
  return JSON.stringify(Object.keys(metadata).sort().map((k) => [k, metadata[k]]));
}

/** What makes two registrations the same task. */
export interface TaskIdentity {
  name: string;
  digest: string;
  runtime: string;
  metadata: Record<string, string>;
}

/** The key under which equal identities meet (reuse, and registrations in flight). */
export function identityKey(id: TaskIdentity): string {
  return `${id.name}\0${id.digest}\0${id.runtime}\0${canonicalMetadata(id.metadata)}`;
}

export function identityOf(task: TaskRecord): TaskIdentity {
  return { name: task.name, digest: task.digest, runtime: task.runtime, metadata: task.artifact.metadata };
}

/**
 * A registration under a caller-chosen task_id that already names `task`: the same identity gets
 * the task; any difference is ALREADY_EXISTS naming the first field that differs. A task's code
 * never changes under its id.
 */
export function checkSameTask(task: TaskRecord, wanted: TaskIdentity): void {
  const taskId = task.taskId;
  if (task.digest !== wanted.digest) {
    throw alreadyExists('artifact_spec', `task ${taskId} already exists with different code (sha256:${task.digest}); a task's code never changes under its id`);
  }
  if (task.runtime !== wanted.runtime) throw alreadyExists('artifact_spec.artifact_type', `task ${taskId} already exists with runtime ${task.runtime}`);
  if (canonicalMetadata(task.artifact.metadata) !== canonicalMetadata(wanted.metadata)) {
    throw alreadyExists('artifact_spec.metadata', `task ${taskId} already exists with different metadata`);
  }
  if (task.name !== wanted.name) throw alreadyExists('task_name', `task ${taskId} already exists with another name`);
}
