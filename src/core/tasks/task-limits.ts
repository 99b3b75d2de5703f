/**
 * Per-task limits from ArtifactSpec.metadata (`memory_limit_mb`, `timeout_ms`, `min_instances`,
 * `max_instances`, `max_concurrency`), each optional and capped by the server config; and `tenant`.
 */
import type { Config } from '../../config.js';
import { invalidArgument } from '../../errors.js';
import type { TaskLimits, TaskRecord } from '../../store/records.js';
import type { InstanceLimits } from '../runtime/runtime.js';

function readInt(metadata: Record<string, string>, key: string, min: number): number | undefined {
  const raw = metadata[key];
  if (raw === undefined || raw.trim() === '') return undefined;
  // Decimal digits only: Number() would also take '0x20', '1e3' and ' 32 '.
  const value = /^[0-9]{1,15}$/.test(raw) ? Number(raw) : NaN;
  if (!Number.isInteger(value) || value < min) {
    throw invalidArgument(`artifact_spec.metadata.${key}`, `must be a decimal integer >= ${min}, got '${raw.length > 32 ? `${raw.slice(0, 32)}…` : raw}'`);
  }
  return value;
}

/** Resolves the limits of a task; values over the server's caps are lowered to the cap. */
export function resolveTaskLimits(metadata: Record<string, string>, config: Config): TaskLimits {
  const memoryLimitMb = Math.min(readInt(metadata, 'memory_limit_mb', 8) ?? config.defaultMemoryLimitMb, config.maxMemoryLimitMb);
  const timeoutMs = Math.min(readInt(metadata, 'timeout_ms', 1) ?? config.defaultTimeoutMs, config.maxTimeoutMs);
  const maxInstances = Math.min(readInt(metadata, 'max_instances', 1) ?? config.defaultMaxInstancesPerTask, config.maxInstancesPerTask);
  const minInstances = readInt(metadata, 'min_instances', 0) ?? 0;
  if (minInstances > maxInstances) {
    throw invalidArgument('artifact_spec.metadata.min_instances', `must not exceed max_instances (${maxInstances}), got ${minInstances}`);
  }
  const maxConcurrency = Math.min(readInt(metadata, 'max_concurrency', 1) ?? maxInstances, config.maxConcurrentExecutions);
  return { memoryLimitMb, timeoutMs, minInstances, maxInstances, maxConcurrency };
}

/** Longest accepted `tenant` metadata value. */
const MAX_TENANT_LENGTH = 128;

/**
 * The task's tenant from ArtifactSpec.metadata `tenant` (trimmed; absent or blank → none). With
 * process isolation, tasks of different tenants never share a sandbox worker process.
 */
export function tenantOf(metadata: Record<string, string>): string | undefined {
  const tenant = metadata.tenant?.trim();
  if (tenant === undefined || tenant === '') return undefined;
  if (tenant.length > MAX_TENANT_LENGTH) {
    throw invalidArgument('artifact_spec.metadata.tenant', `must be at most ${MAX_TENANT_LENGTH} characters, got ${tenant.length}`);
  }
  return tenant;
}

/** The tenant a request's call will run as: its existing task's, else its artifact spec's. */
export function tenantOfRequest(input: { taskId: string; artifactSpec: { metadata?: Record<string, string> } | null }, registry: { get(taskId: string): TaskRecord | undefined }): string | undefined {
  const task = input.taskId === '' ? undefined : registry.get(input.taskId);
  return tenantOf(task ? task.artifact.metadata : (input.artifactSpec?.metadata ?? {}));
}

/** What a runtime is told of a task's limits when it builds one of its instances. */
export function instanceLimitsOf(limits: TaskLimits, tenant: string | undefined): InstanceLimits {
  return { memoryLimitMb: limits.memoryLimitMb, tenant, keepWarm: limits.minInstances > 0 };
}
