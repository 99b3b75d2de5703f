import { describe, expect, it } from 'vitest';
import { decodeAny } from '../../../../src/core/values/codec.js';
import { LogBuffer } from '../../../../src/core/execution/log-buffer.js';
import { FINISHED_BY_SHUTDOWN, terminalRecord } from '../../../../src/core/execution/terminal-record.js';
import type { ExecutionRecord } from '../../../../src/store/records.js';

const limits = { maxResultBytes: 100, maxErrorMessageBytes: 40 };

const accepted = (extra: Partial<ExecutionRecord> = {}): ExecutionRecord => ({
  executionId: 'exec-1',
  seq: '01',
  taskId: 'task-1',
  functionName: 'add',
  mode: 'SYNC',
  status: 'RUNNING',
  createdAt: 1_000,
  startedAt: 1_000,
  executionTimeMs: 0,
  memoryUsedBytes: 0,
  metrics: {},
  logs: [],
  logsTruncated: false,
  metadata: { k: 'v' },
  ...extra,
});

const logs = () => new LogBuffer(10, 100);

describe('terminal record', () => {
  it('keeps the value, the timing, the metrics and the tenant of the accepted record', () => {
    const r = terminalRecord(accepted({ tenant: 'acme' }), { status: 'COMPLETED', value: { kind: 'number', value: 5 }, metrics: { cold_start: 'false' } }, logs(), undefined, limits, 1_250);
    expect(r.status).toBe('COMPLETED');
    expect(decodeAny({ type_url: r.result!.typeUrl, value: Buffer.from(r.result!.valueBase64, 'base64') })).toBe(5);
    expect(r.executionTimeMs).toBe(250);
    expect(r.completedAt).toBe(1_250);
    expect(r.metrics).toEqual({ cold_start: 'false' });
    expect(r.metadata).toEqual({ k: 'v' });
    expect(r.tenant).toBe('acme');
  });

  it('fails a result over maxResultBytes with RESULT_TOO_LARGE', () => {
    const r = terminalRecord(accepted(), { status: 'COMPLETED', value: { kind: 'string', value: 'x'.repeat(200) } }, logs(), undefined, limits, 1_001);
    expect(r.status).toBe('FAILED');
    expect(r.errorCode).toBe('RESULT_TOO_LARGE');
    expect(r.result).toBeUndefined();
  });

  it('ends a run cancelled by the shutdown FAILED INTERRUPTED', () => {
    const r = terminalRecord(accepted(), { status: 'CANCELLED', errorCode: 'CANCELLED', errorMessage: 'cancelled' }, logs(), FINISHED_BY_SHUTDOWN, limits, 1_001);
    expect(r.status).toBe('FAILED');
    expect(r.errorCode).toBe('INTERRUPTED');
  });

  it('cuts the error message at maxErrorMessageBytes and says so', () => {
    const r = terminalRecord(accepted(), { status: 'FAILED', errorCode: 'FUNCTION_ERROR', errorMessage: 'e'.repeat(500) }, logs(), undefined, limits, 1_001);
    expect(r.errorMessage).toBe(`${'e'.repeat(40)}… [error message cut at 40 characters]`);
  });
});
