/**
 * How a Wasm call ended, as an Outcome: the isolate's reply (value, trap, exit code, error) or what
 * happened to the isolate (watchdog, cancellation, memory limit, crash).
 */
import { OutcomeCodes, type OutcomeCode } from '../../src/errors.js';
import type { Outcome } from '../../src/core/runtime/runtime.js';
import type { EncodedValue } from '../../src/core/values/values.js';
import type { GuestReply } from './guest-runner.js';
import type { FuncType } from './wasm-binary.js';

export interface CallStats {
  cpuTimeUs: number;
  memoryUsedBytes: number;
}

export function completed(value: EncodedValue, stats: CallStats): Outcome {
  return { status: 'completed', value, ...stats, instanceUsable: true };
}

export function failed(errorCode: OutcomeCode, errorMessage: string, stats: CallStats, instanceUsable: boolean): Outcome {
  return { status: 'failed', errorCode, errorMessage, ...stats, instanceUsable };
}

function jsonNumber(value: unknown): number | string | null {
  if (typeof value === 'bigint') return Number.isSafeInteger(Number(value)) ? Number(value) : value.toString();
  if (typeof value === 'number') return Number.isFinite(value) ? value : String(value);
  return null;
}

/**
 * The result of a core export: no result → none; one result → number (i64: bigint); several →
 * a JSON list (i64 beyond 2^53 and non-finite floats as strings, since JSON has no such numbers).
 */
export function encodeResults(type: FuncType, value: unknown): EncodedValue {
  if (type.results.length === 0) return { kind: 'none' };
  if (type.results.length === 1) {
    if (typeof value === 'bigint') return { kind: 'bigint', value };
    return { kind: 'number', value: Number(value) };
  }
  const list = Array.isArray(value) ? value : [value];
  return { kind: 'json', value: JSON.stringify(list.map(jsonNumber)) };
}

/** Outcome of a reply the isolate returned (the isolate is alive and usable). */
export function fromReply(reply: GuestReply, type: FuncType | undefined, stats: CallStats): Outcome {
  switch (reply.status) {
    case 'ok':
      if (reply.stdout !== undefined) return completed({ kind: 'bytes', value: reply.stdout }, stats);
      return completed(type ? encodeResults(type, reply.value) : { kind: 'none' }, stats);
    case 'exit':
      return failed(OutcomeCodes.EXIT_CODE, `exited with code ${reply.code}`, stats, true);
    case 'trap':
      return failed(OutcomeCodes.TRAP, reply.message, stats, true);
    case 'error':
      return failed(OutcomeCodes.FUNCTION_ERROR, reply.message, stats, true);
    case 'oom':
      // The allocation failed cleanly, but the instance is at its limit: give it up.
      return failed(OutcomeCodes.OUT_OF_MEMORY, `the instance ran out of memory: ${reply.message}`, stats, false);
  }
}

/** Why the isolate stopped before replying, as the watchdog or the abort listener recorded it. */
export type StopReason = 'timeout' | 'cancelled' | undefined;

/** Outcome of a call whose isolate was terminated or failed (it is never usable afterwards). */
export function fromIsolateFailure(reason: StopReason, err: unknown, timeoutMs: number, stats: CallStats): Outcome {
  if (reason === 'timeout') {
    return { status: 'timeout', errorCode: OutcomeCodes.TIMEOUT, errorMessage: `execution timed out after ${timeoutMs} ms`, ...stats, instanceUsable: false };
  }
  if (reason === 'cancelled') {
    return { status: 'cancelled', errorCode: OutcomeCodes.CANCELLED, errorMessage: 'execution was cancelled', ...stats, instanceUsable: false };
  }
  const message = err instanceof Error ? err.message : String(err);
  if (/memory limit|allocation failed/i.test(message)) {
    return failed(OutcomeCodes.OUT_OF_MEMORY, `the instance ran out of memory: ${message}`, stats, false);
  }
  return failed(OutcomeCodes.INSTANCE_FAILED, `the Wasm instance failed: ${message}`, stats, false);
}
