/**
 * How the CLI shows the service's values to a person (and, for --json, to a script): statuses in
 * colour, durations, times, decoded results.
 */
import { decodeAny } from '../core/values/codec.js';
import type { ExecutionInfo__Output } from '../generated/spearlet/ExecutionInfo.js';
import type { ExecutionResult__Output } from '../generated/spearlet/ExecutionResult.js';
import type { TaskInfo__Output } from '../generated/spearlet/TaskInfo.js';
import type { Timestamp__Output } from '../generated/google/protobuf/Timestamp.js';
import type { Paint } from './output.js';

/** 'EXECUTION_STATUS_COMPLETED' → 'COMPLETED'. */
export const short = (value: string | number | null | undefined, prefix = 'EXECUTION_STATUS_'): string => String(value ?? '').replace(prefix, '');

export function statusText(status: string, p: Paint): string {
  const s = short(status);
  if (s === 'COMPLETED' || s === 'healthy') return p.green(s);
  if (s === 'PENDING' || s === 'RUNNING' || s === 'degraded') return p.yellow(s);
  if (s === 'CANCELLED' || s === 'UNKNOWN') return p.dim(s);
  return p.red(s);
}

export function duration(ms: number | string): string {
  const n = Number(ms);
  if (n < 1000) return `${n} ms`;
  if (n < 60_000) return `${(n / 1000).toFixed(2)} s`;
  return `${Math.floor(n / 60_000)}m${Math.round((n % 60_000) / 1000)}s`;
}

export function epochMs(ts: Timestamp__Output | null | undefined): number | undefined {
  if (!ts) return undefined;
  return Number(ts.seconds) * 1000 + Math.floor(ts.nanos / 1e6);
}

export function time(ms: number | string | undefined): string {
  if (ms === undefined || Number(ms) === 0) return '-';
  return new Date(Number(ms)).toISOString().replace('T', ' ').replace(/\.\d+Z$/, 'Z');
}

/** A result Any decoded to a JSON-friendly value (bytes → base64 text, bigint → decimal text). */
export function resultValue(any: { type_url: string; value: Uint8Array } | null | undefined): { type: string; value: unknown } | undefined {
  if (!any) return undefined;
  const type = any.type_url.slice(any.type_url.lastIndexOf('.') + 1);
  const v = decodeAny(any);
  if (v instanceof Uint8Array) return { type, value: Buffer.from(v).toString('base64') };
  if (typeof v === 'bigint') return { type, value: v.toString() };
  if (v !== null && typeof v === 'object' && 'typeUrl' in v && (v as { value?: unknown }).value instanceof Uint8Array) {
    return { type, value: { typeUrl: (v as { typeUrl: string }).typeUrl, base64: Buffer.from((v as { value: Uint8Array }).value).toString('base64') } };
  }
  return { type, value: v };
}

/** A decoded value for a person: strings as they are, everything else as JSON. */
export function showValue(r: { type: string; value: unknown }): string {
  if (r.type === 'StringValue') return String(r.value);
  if (r.type === 'BytesValue') return `bytes (base64) ${String(r.value)}`;
  return JSON.stringify(r.value, null, 2);
}

/** An ExecutionResult as --json shows it. */
export function resultJson(executionId: string, taskId: string, r: ExecutionResult__Output | null, extra: Record<string, unknown> = {}): Record<string, unknown> {
  const value = resultValue(r?.result);
  return {
    executionId,
    taskId,
    status: short(r?.status),
    errorCode: r?.errorCode ?? '',
    errorMessage: r?.errorMessage ?? '',
    resultType: value?.type ?? null,
    result: value?.value ?? null,
    executionTimeMs: Number(r?.executionTimeMs ?? 0),
    memoryUsedBytes: Number(r?.memoryUsedBytes ?? 0),
    startedAt: epochMs(r?.startedAt) ?? null,
    completedAt: epochMs(r?.completedAt) ?? null,
    metrics: r?.metrics ?? {},
    ...extra,
  };
}

export function taskJson(t: TaskInfo__Output): Record<string, unknown> {
  return {
    taskId: t.taskId,
    taskName: t.taskName,
    version: t.metadata?.version === undefined ? null : Number(t.metadata.version),
    current: t.metadata?.current === undefined ? null : t.metadata.current === 'true',
    artifactType: t.artifactSpec?.artifactType ?? '',
    location: t.artifactSpec?.location ?? '',
    checksum: t.artifactSpec?.checksum ?? '',
    createdAt: Number(t.createdAt),
    updatedAt: Number(t.updatedAt),
    executionCount: t.executionCount,
    lastStatus: short(t.lastStatus),
    metadata: t.metadata,
  };
}

export function executionJson(e: ExecutionInfo__Output): Record<string, unknown> {
  return {
    executionId: e.executionId,
    taskId: e.taskId,
    functionName: e.functionName,
    mode: short(e.executionMode, 'EXECUTION_MODE_'),
    status: short(e.status),
    startedAt: epochMs(e.startedAt) ?? null,
    completedAt: epochMs(e.completedAt) ?? null,
    executionTimeMs: Number(e.executionTimeMs),
    memoryUsedBytes: Number(e.memoryUsedBytes),
    errorMessage: e.errorMessage,
    metadata: e.metadata,
  };
}
