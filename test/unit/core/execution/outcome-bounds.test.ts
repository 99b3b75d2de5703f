import { describe, expect, it } from 'vitest';
import { boundOutcome, clipErrorMessage, resultBytes } from '../../../../src/core/execution/outcome-bounds.js';
import type { Outcome } from '../../../../src/core/runtime/runtime.js';

const limits = { maxResultBytes: 100, maxErrorMessageBytes: 20 };
const done = (value: Outcome['value']): Outcome => ({ status: 'completed', value, cpuTimeUs: 1, memoryUsedBytes: 2, instanceUsable: true });

describe('outcome bounds', () => {
  it('measures results as their wire bytes', () => {
    expect(resultBytes({ kind: 'string', value: 'é'.repeat(10) })).toBe(20);
    expect(resultBytes({ kind: 'bytes', value: new Uint8Array(7) })).toBe(7);
    expect(resultBytes({ kind: 'none' })).toBe(0);
    expect(resultBytes(undefined)).toBe(0);
  });

  it('turns a result over the limit into RESULT_TOO_LARGE and drops it, keeping the usage figures', () => {
    const bounded = boundOutcome(done({ kind: 'string', value: 'x'.repeat(101) }), limits);
    expect(bounded).toEqual({
      status: 'failed',
      errorCode: 'RESULT_TOO_LARGE',
      errorMessage: 'the result is 101 bytes, over the limit of 100 bytes (maxResultBytes); return less, or stream it in chunks',
      cpuTimeUs: 1,
      memoryUsedBytes: 2,
      instanceUsable: true,
    });
  });

  it('leaves a result at the limit alone', () => {
    const outcome = done({ kind: 'string', value: 'x'.repeat(100) });
    expect(boundOutcome(outcome, limits)).toBe(outcome);
  });

  it('cuts long error messages with a marker', () => {
    expect(clipErrorMessage('a'.repeat(25), 20)).toBe(`${'a'.repeat(20)}… [error message cut at 20 characters]`);
    expect(clipErrorMessage('short', 20)).toBe('short');
    expect(clipErrorMessage(undefined, 20)).toBeUndefined();
    const failed: Outcome = { status: 'failed', errorCode: 'FUNCTION_ERROR', errorMessage: 'b'.repeat(30), cpuTimeUs: 0, memoryUsedBytes: 0, instanceUsable: true };
    expect(boundOutcome(failed, limits).errorMessage).toBe(`${'b'.repeat(20)}… [error message cut at 20 characters]`);
  });
});
