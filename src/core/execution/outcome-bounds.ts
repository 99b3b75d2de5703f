/**
 * Bounds on what one execution's outcome can make the server hold and store: its result (over
 * `maxResultBytes` the execution ends FAILED / RESULT_TOO_LARGE, with no result) and its error
 * message (cut at `maxErrorMessageBytes` characters). Applied where the outcome is made (the
 * sandbox worker, before it sends the outcome to the server) and again where it is recorded.
 */
import { OutcomeCodes } from '../../errors.js';
import type { Outcome } from '../runtime/runtime.js';
import type { EncodedValue } from '../values/values.js';

export interface OutcomeLimits {
  maxResultBytes: number;
  maxErrorMessageBytes: number;
}

/** The size of a result on the wire (the Any value's bytes, give or take a few bytes of framing). */
export function resultBytes(value: EncodedValue | undefined): number {
  if (!value) return 0;
  switch (value.kind) {
    case 'none':
      return 0;
    case 'string':
    case 'json':
      return Buffer.byteLength(value.value);
    case 'bytes':
      return value.value.byteLength;
    case 'number':
    case 'bigint':
      return 10;
  }
}

/** An error message cut at the limit, with a marker saying so. */
export function clipErrorMessage(message: string | undefined, max: number): string | undefined {
  if (message === undefined || message.length <= max) return message;
  return `${message.slice(0, max)}… [error message cut at ${max} characters]`;
}

export function resultTooLargeMessage(size: number, max: number): string {
  return `the result is ${size} bytes, over the limit of ${max} bytes (maxResultBytes); return less, or stream it in chunks`;
}

/** The outcome within the limits: an oversized result becomes RESULT_TOO_LARGE, a long message is cut. */
export function boundOutcome(outcome: Outcome, limits: OutcomeLimits): Outcome {
  const size = resultBytes(outcome.value);
  if (size > limits.maxResultBytes) {
    const { value: _dropped, ...rest } = outcome;
    return { ...rest, status: 'failed', errorCode: OutcomeCodes.RESULT_TOO_LARGE, errorMessage: resultTooLargeMessage(size, limits.maxResultBytes) };
  }
  const errorMessage = clipErrorMessage(outcome.errorMessage, limits.maxErrorMessageBytes);
  return errorMessage === outcome.errorMessage ? outcome : { ...outcome, errorMessage };
}
