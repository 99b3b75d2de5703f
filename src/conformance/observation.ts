/**
 * What a step observed, in one shape the expectations are checked against: a refusal, or an
 * execution's outcome, or an RPC's raw response; plus `violations` of the contract that the
 * runner checks on every call whatever the case expects.
 */
import type { ServiceError } from '@grpc/grpc-js';
import type { FunctionClient } from '../client/function-client.js';
import { decodeAny } from '../core/values/codec.js';
import type { ExecutionResult__Output } from '../generated/spearlet/ExecutionResult.js';
import type { GetExecutionStatusResponse__Output } from '../generated/spearlet/GetExecutionStatusResponse.js';

/** An execution as a case sees it: short status names and decoded values. */
export interface Outcome {
  executionId: string;
  taskId: string;
  /** InvokeFunctionResponse.success (SYNC: completed; ASYNC: accepted). */
  success?: boolean;
  status: string;
  errorCode: string;
  errorMessage: string;
  /** The decoded result (undefined when there is none). */
  result: unknown;
  /** The result's type name (StringValue, Value, ...) or `none`. */
  resultType: string;
  chunks: unknown[];
  logs: string[];
  metrics: Record<string, string>;
  /** The raw response the outcome came from. */
  response: unknown;
}

export interface Observation {
  /** Set when the call was refused. */
  error?: ServiceError;
  outcome?: Outcome;
  response?: unknown;
  violations: string[];
}

const STATUS_NAMES = ['UNKNOWN', 'PENDING', 'RUNNING', 'COMPLETED', 'FAILED', 'CANCELLED', 'TIMEOUT'];
const TERMINAL = new Set(['COMPLETED', 'FAILED', 'CANCELLED', 'TIMEOUT']);

/** 'EXECUTION_STATUS_COMPLETED' (or 3) → 'COMPLETED'. */
export function shortStatus(value: string | number | undefined | null): string {
  if (typeof value === 'number') return STATUS_NAMES[value] ?? String(value);
  return (value ?? 'EXECUTION_STATUS_UNKNOWN').replace(/^EXECUTION_STATUS_/, '');
}

export const isTerminal = (status: string): boolean => TERMINAL.has(status);

export function isServiceError(err: unknown): err is ServiceError {
  return err instanceof Error && typeof (err as ServiceError).code === 'number';
}

/** Decodes an Any; a malformed one becomes a violation and undefined. */
export function decodeValue(any: { type_url: string; value: Uint8Array } | null | undefined, where: string, violations: string[]): unknown {
  if (!any) return undefined;
  try {
    return decodeAny(any);
  } catch (err) {
    violations.push(`${where}: cannot decode ${any.type_url}: ${(err as Error).message}`);
    return undefined;
  }
}

export function typeNameOf(any: { type_url: string } | null | undefined): string {
  return any ? any.type_url.slice(any.type_url.lastIndexOf('.') + 1) : 'none';
}

/** An Outcome from an ExecutionResult. */
export function outcomeOf(result: ExecutionResult__Output | null, ids: { executionId: string; taskId: string }, response: unknown, violations: string[]): Outcome {
  return {
    ...ids,
    status: shortStatus(result?.status),
    errorCode: result?.errorCode ?? '',
    errorMessage: result?.errorMessage ?? '',
    result: decodeValue(result?.result, 'result', violations),
    resultType: typeNameOf(result?.result),
    chunks: [],
    logs: [],
    metrics: { ...(result?.metrics ?? {}) },
    response,
  };
}

/**
 * Polls GetExecutionStatus (with result and logs) until the execution is terminal or `timeoutMs`
 * passes; a miss or a timeout is a violation.
 */
export async function pollUntilTerminal(client: FunctionClient, executionId: string, timeoutMs: number, violations: string[]): Promise<GetExecutionStatusResponse__Output> {
  const end = Date.now() + timeoutMs;
  for (let interval = 10; ; interval = Math.min(interval * 2, 100)) {
    const res = await client.getExecutionStatus({ executionId, includeResult: true, includeLogs: true }, { deadlineMs: timeoutMs });
    if (!res.found) {
      violations.push(`GetExecutionStatus(${executionId}): found=false for an accepted execution`);
      return res;
    }
    const status = shortStatus(res.result?.status);
    if (isTerminal(status)) return res;
    if (Date.now() > end) {
      violations.push(`execution ${executionId} still ${status} after ${timeoutMs} ms`);
      return res;
    }
    await new Promise((r) => setTimeout(r, interval));
  }
}
