/**
 * Turns what happened in the isolate into an Outcome: the prelude's call records, the isolate
 * dying at its memory limit, and the host's own terminations (deadline, cancel, dispose).
 */
import type { Outcome } from '../../src/core/runtime/runtime.js';
import type { EncodedValue } from '../../src/core/values/values.js';
import { OutcomeCodes, type OutcomeCode } from '../../src/errors.js';
import type { CallRecord } from './sandbox.js';

/** Why the host ended a call itself. */
export type Termination = 'timeout' | 'cancelled' | 'disposed';

/** Measurements attached to every outcome. */
export interface Usage {
  cpuTimeUs: number;
  memoryUsedBytes: number;
}

const KNOWN_CODES = new Set<string>(Object.values(OutcomeCodes));
const VALUE_KINDS = new Set(['none', 'string', 'bytes', 'json']);

function failed(code: OutcomeCode, message: string, usage: Usage, instanceUsable: boolean): Outcome {
  return { status: 'failed', errorCode: code, errorMessage: message, instanceUsable, ...usage };
}

function isEncodedValue(v: unknown): v is EncodedValue {
  if (typeof v !== 'object' || v === null) return false;
  const { kind, value } = v as { kind?: unknown; value?: unknown };
  if (typeof kind !== 'string' || !VALUE_KINDS.has(kind)) return false;
  if (kind === 'none') return true;
  if (kind === 'bytes') return value instanceof Uint8Array;
  return typeof value === 'string';
}

/**
 * The outcome of a call the prelude reported. An OUT_OF_MEMORY record (an ArrayBuffer allocation
 * refused at the limit) leaves the isolate near its limit: the caller must dispose it.
 */
export function outcomeFromRecord(record: CallRecord, usage: Usage, memoryLimitMb: number): Outcome {
  if (record.s === 1 && isEncodedValue(record.v)) {
    return { status: 'completed', value: record.v, instanceUsable: true, ...usage };
  }
  if (record.s === 2 && typeof record.c === 'string' && KNOWN_CODES.has(record.c)) {
    const message = typeof record.e === 'string' ? record.e : 'Error';
    if (record.c === OutcomeCodes.OUT_OF_MEMORY) return outOfMemoryOutcome(usage, memoryLimitMb, message);
    return failed(record.c as OutcomeCode, message, usage, true);
  }
  return failed(OutcomeCodes.INSTANCE_FAILED, 'the sandbox returned a malformed result', usage, false);
}

/** The outcome of a call the host ended itself. */
export function terminatedOutcome(reason: Termination, usage: Usage, deadline?: number): Outcome {
  switch (reason) {
    case 'timeout':
      return {
        status: 'timeout',
        errorCode: OutcomeCodes.TIMEOUT,
        errorMessage: deadline === undefined ? 'execution timed out' : `execution timed out (deadline ${new Date(deadline).toISOString()})`,
        instanceUsable: false,
        ...usage,
      };
    case 'cancelled':
      return { status: 'cancelled', errorCode: OutcomeCodes.CANCELLED, errorMessage: 'execution cancelled', instanceUsable: false, ...usage };
    case 'disposed':
      return failed(OutcomeCodes.INSTANCE_FAILED, 'the instance was disposed during the call', usage, false);
  }
}

export function outOfMemoryOutcome(usage: Usage, memoryLimitMb: number, detail?: string): Outcome {
  const suffix = detail === undefined ? '' : ` (${detail})`;
  return failed(OutcomeCodes.OUT_OF_MEMORY, `out of memory: the instance exceeded its ${memoryLimitMb} MB memory limit${suffix}`, usage, false);
}
