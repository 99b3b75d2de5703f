/**
 * The HTTP status table: every error code and every outcome code answers a deliberate status, and
 * errors carry their code, message and field.
 */
import { describe, expect, it } from 'vitest';
import { ErrorCodes, OutcomeCodes, SpearletError, invalidArgument } from '../../../src/errors.js';
import { HTTP_STATUS_BY_CODE, HTTP_STATUS_BY_OUTCOME, httpError, httpStatusOfExecution } from '../../../src/server/http-status-map.js';
import type { ExecutionRecord } from '../../../src/store/records.js';

describe('HTTP status map', () => {
  it('maps every error code and every outcome code', () => {
    for (const code of Object.values(ErrorCodes)) expect(HTTP_STATUS_BY_CODE[code], code).toBeGreaterThanOrEqual(400);
    for (const code of Object.values(OutcomeCodes)) expect(HTTP_STATUS_BY_OUTCOME[code], code).toBeGreaterThanOrEqual(400);
  });

  it('answers errors as {code, message, field}; unknown errors are INTERNAL 500', () => {
    expect(httpError(invalidArgument('body', 'is not JSON'))).toEqual({ status: 400, body: { code: 'INVALID_ARGUMENT', message: 'body: is not JSON', field: 'body' } });
    expect(httpError(new SpearletError(ErrorCodes.CAPACITY_EXHAUSTED, 'full'))).toEqual({ status: 429, body: { code: 'CAPACITY_EXHAUSTED', message: 'full' } });
    expect(httpError(new Error('bug'))).toMatchObject({ status: 500, body: { code: 'INTERNAL' } });
  });

  it('maps finished executions by status and error code', () => {
    const rec = (status: string, errorCode?: string) => ({ status, errorCode }) as unknown as ExecutionRecord;
    expect(httpStatusOfExecution(rec('COMPLETED'))).toBe(200);
    expect(httpStatusOfExecution(rec('FAILED', 'FUNCTION_ERROR'))).toBe(500);
    expect(httpStatusOfExecution(rec('TIMEOUT', 'TIMEOUT'))).toBe(504);
    expect(httpStatusOfExecution(rec('FAILED', 'INSTANCE_FAILED'))).toBe(502);
    expect(httpStatusOfExecution(rec('FAILED', 'SOMETHING_NEW'))).toBe(500);
  });
});
