/**
 * The records the store keeps. Plain JSON-serialisable data (bytes as base64 where needed), so a
 * record written by one version can be read by the next and inspected with RocksDB's tools.
 */
import type { ExportInfo } from '../core/runtime/runtime.js';

export type ExecutionStatus = 'PENDING' | 'RUNNING' | 'COMPLETED' | 'FAILED' | 'CANCELLED' | 'TIMEOUT';
export type ExecutionMode = 'SYNC' | 'ASYNC' | 'STREAM';

/**
 * The parts of a request an idempotent repeat must match, each as a short digest
 * (core/execution/request-fingerprint.ts makes and compares them).
 */
export interface RequestFingerprint {
  /** `task_id`, or the registering request's task name and artifact spec. */
  task: string;
  function: string;
  parameters: string;
  mode: string;
}

export const TERMINAL_STATUSES: ReadonlySet<ExecutionStatus> = new Set(['COMPLETED', 'FAILED', 'CANCELLED', 'TIMEOUT']);

/** Per-task limits after resolving ArtifactSpec.metadata against the server caps. */
export interface TaskLimits {
  memoryLimitMb: number;
  timeoutMs: number;
  minInstances: number;
  maxInstances: number;
  maxConcurrency: number;
}

export interface TaskRecord {
  taskId: string;
  name: string;
  description: string;
  /** The ArtifactSpec as the client sent it (metadata included). */
  artifact: {
    artifactId: string;
    artifactType: string;
    location: string;
    version: string;
    checksum: string;
    metadata: Record<string, string>;
  };
  /** Canonical runtime name ('v8-isolate', 'wasm'). */
  runtime: string;
  /** SHA-256 hex of the artifact bytes; key of the artifact record. */
  digest: string;
  sizeBytes: number;
  exports: ExportInfo[];
  defaultExport?: string;
  limits: TaskLimits;
  createdAt: number;
  updatedAt: number;
  executionCount: number;
  lastStatus?: ExecutionStatus;
  /** 1, 2, 3 … among the tasks registered under this name (and tenant); see core/tasks/task-versions.ts. Absent in records written before versions existed. */
  version?: number;
}

/** A result value as it goes on the wire: google.protobuf.Any, bytes base64-encoded. */
export interface StoredAny {
  typeUrl: string;
  valueBase64: string;
}

export interface ExecutionRecord {
  executionId: string;
  /** Time-sortable sequence key (ULID) that orders executions newest first, whatever the id. */
  seq: string;
  taskId: string;
  functionName: string;
  mode: ExecutionMode;
  status: ExecutionStatus;
  result?: StoredAny;
  errorCode?: string;
  errorMessage?: string;
  /** epoch ms */
  createdAt: number;
  startedAt?: number;
  completedAt?: number;
  executionTimeMs: number;
  memoryUsedBytes: number;
  metrics: Record<string, string>;
  logs: string[];
  /** True when logs were cut at the per-execution cap. */
  logsTruncated: boolean;
  metadata: Record<string, string>;
  /** The request a caller-chosen execution_id stands for (absent for server-made ids and old records). */
  request?: RequestFingerprint;
  /** The tenant of its task when it ran (kept after the task is deleted, for tenant scoping). */
  tenant?: string;
}

/**
 * An execution as a listing holds it: no result bytes and no log lines, so a page of executions
 * costs its statuses and times, never the results of everything on it.
 */
export function listingView(record: ExecutionRecord): ExecutionRecord {
  if (record.result === undefined && record.logs.length === 0) return record;
  return { ...record, result: undefined, logs: [] };
}
