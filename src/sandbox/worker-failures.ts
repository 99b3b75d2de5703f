/**
 * How a sandbox worker's failures reach the server's callers: a request it can no longer answer
 * (WorkerGoneError), a call it was running when it went (a FAILED / INSTANCE_FAILED outcome), a
 * call the server ended itself because the worker would not (cancelled, or past its deadline), and
 * an error it reported over the channel (back to a SpearletError with its code and field).
 */
import type { Outcome } from '../core/runtime/runtime.js';
import { ErrorCodes, OutcomeCodes, SpearletError } from '../errors.js';
import type { WireErrorInfo } from './protocol.js';

/** A request could not be answered because the worker process is gone. */
export class WorkerGoneError extends SpearletError {
  constructor(message: string) {
    super(ErrorCodes.INTERNAL, message);
    this.name = 'WorkerGoneError';
  }
}

/** The outcome of a call whose worker went (or was gone) while it ran: the instance is unusable. */
export function workerFailure(message: string): Outcome {
  return { status: 'failed', errorCode: OutcomeCodes.INSTANCE_FAILED, errorMessage: `the sandbox failed: ${message}`, cpuTimeUs: 0, memoryUsedBytes: 0, instanceUsable: false };
}

/** The outcome of a call the server ended itself: the worker did not stop it, and is killed. */
export function endedByServer(status: 'cancelled' | 'timeout', errorMessage: string): Outcome {
  return { status, errorCode: status === 'cancelled' ? OutcomeCodes.CANCELLED : OutcomeCodes.TIMEOUT, errorMessage, cpuTimeUs: 0, memoryUsedBytes: 0, instanceUsable: false };
}

/** The SpearletError a worker reported (Error objects lose their class on the channel). */
export function fromWire(e: WireErrorInfo): SpearletError {
  return new SpearletError(e.code, e.message, e.field === undefined ? {} : { field: e.field });
}
