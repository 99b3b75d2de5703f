/**
 * Records → wire messages. Enum values are the proto names (proto-loader `enums: String`), int64
 * values are numbers or strings (grpc-js accepts both).
 */
import type { ExecutionInfo } from '../generated/spearlet/ExecutionInfo.js';
import type { ExecutionResult } from '../generated/spearlet/ExecutionResult.js';
import type { TaskInfo } from '../generated/spearlet/TaskInfo.js';
import type { Timestamp } from '../generated/google/protobuf/Timestamp.js';
import type { ExecutionMode, ExecutionRecord, ExecutionStatus, TaskRecord } from '../store/records.js';

export const statusEnum = (s: ExecutionStatus | undefined): string => (s ? `EXECUTION_STATUS_${s}` : 'EXECUTION_STATUS_UNKNOWN');
export const modeEnum = (m: ExecutionMode): string => `EXECUTION_MODE_${m}`;

/** 'EXECUTION_STATUS_RUNNING' (or a number) → 'RUNNING'; UNKNOWN → undefined. */
export function statusFromEnum(value: string | number | undefined): ExecutionStatus | undefined {
  const names = ['UNKNOWN', 'PENDING', 'RUNNING', 'COMPLETED', 'FAILED', 'CANCELLED', 'TIMEOUT'];
  const name = typeof value === 'number' ? names[value] : value?.replace(/^EXECUTION_STATUS_/, '');
  return name && name !== 'UNKNOWN' && names.includes(name) ? (name as ExecutionStatus) : undefined;
}

export function timestamp(ms: number | undefined): Timestamp | null {
  if (ms === undefined) return null;
  return { seconds: Math.floor(ms / 1000), nanos: (ms % 1000) * 1_000_000 };
}

/**
 * @param current whether the task is its name's current version, when the caller knows: with the
 *   task's `version` it goes into metadata (`version`, `current`) even without details.
 */
export function taskInfo(t: TaskRecord, includeDetails = true, current?: boolean): TaskInfo {
  const versionInfo: Record<string, string> = t.version === undefined ? {} : { version: String(t.version) };
  if (current !== undefined) versionInfo.current = String(current);
  return {
    taskId: t.taskId,
    taskName: t.name,
    artifactSpec: includeDetails ? { ...t.artifact } : { artifactType: t.artifact.artifactType, checksum: t.artifact.checksum },
    createdAt: t.createdAt,
    updatedAt: t.updatedAt,
    executionCount: t.executionCount,
    lastStatus: statusEnum(t.lastStatus) as TaskInfo['lastStatus'],
    metadata: includeDetails
      ? {
          description: t.description,
          runtime: t.runtime,
          size_bytes: String(t.sizeBytes),
          exports: t.exports.map((e) => e.name).join(','),
          default_export: t.defaultExport ?? '',
          memory_limit_mb: String(t.limits.memoryLimitMb),
          timeout_ms: String(t.limits.timeoutMs),
          min_instances: String(t.limits.minInstances),
          max_instances: String(t.limits.maxInstances),
          max_concurrency: String(t.limits.maxConcurrency),
          ...versionInfo,
        }
      : versionInfo,
  };
}

export function executionResult(e: ExecutionRecord, includeResult: boolean): ExecutionResult {
  return {
    status: statusEnum(e.status) as ExecutionResult['status'],
    result: includeResult && e.result ? { type_url: e.result.typeUrl, value: Buffer.from(e.result.valueBase64, 'base64') } : null,
    errorMessage: e.errorMessage ?? '',
    errorCode: e.errorCode ?? '',
    executionTimeMs: e.executionTimeMs,
    memoryUsedBytes: e.memoryUsedBytes,
    metrics: e.metrics,
    startedAt: timestamp(e.startedAt),
    completedAt: timestamp(e.completedAt),
  };
}

export function executionInfo(e: ExecutionRecord): ExecutionInfo {
  return {
    executionId: e.executionId,
    taskId: e.taskId,
    functionName: e.functionName,
    executionMode: modeEnum(e.mode) as ExecutionInfo['executionMode'],
    status: statusEnum(e.status) as ExecutionInfo['status'],
    startedAt: timestamp(e.startedAt),
    completedAt: timestamp(e.completedAt),
    executionTimeMs: e.executionTimeMs,
    memoryUsedBytes: e.memoryUsedBytes,
    errorMessage: e.errorMessage ?? '',
    metadata: { ...e.metadata, ...(e.errorCode ? { error_code: e.errorCode } : {}) },
  };
}
