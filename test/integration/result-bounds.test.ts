/**
 * Results and error messages are bounded: a result over maxResultBytes ends FAILED /
 * RESULT_TOO_LARGE with nothing stored, a long error message is cut, and listings carry neither
 * result bytes nor long messages. Both with sandbox worker processes and in-process isolation.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { IsolationMode } from '../../src/config.js';
import { type TestServer, jsSpec, params, startTestServer, valueOf } from './harness.js';

const SOURCE = `
export function text({ n }) { return 'x'.repeat(n); }
export function bytes({ n }) { return new Uint8Array(n); }
export function json({ n }) { return { items: Array.from({ length: n }, (_, i) => i) }; }
export function shout({ n }) { throw new Error('e'.repeat(n)); }
`;

const LIMIT = 64 * 1024;

describe.each<IsolationMode>(['process', 'in-process'])('result and error bounds (%s isolation)', (isolation) => {
  let t: TestServer;
  let taskId: string;

  beforeAll(async () => {
    t = await startTestServer({ isolation, maxResultBytes: LIMIT, maxErrorMessageBytes: 256 });
    taskId = (await t.client.invoke({ taskName: 'big', artifactSpec: jsSpec(SOURCE), functionName: 'text', parameters: params({ n: 1 }) })).taskId;
  });
  afterAll(() => t.stop());

  it.each([
    ['text', 100_000],
    ['bytes', 100_000],
    ['json', 20_000],
  ])('a %s result over the limit ends FAILED / RESULT_TOO_LARGE with no result stored', async (fn, n) => {
    const res = await t.client.invoke({ taskId, functionName: fn, parameters: params({ n }) });
    expect(res.success).toBe(false);
    expect(res.result?.status).toBe('EXECUTION_STATUS_FAILED');
    expect(res.result?.errorCode).toBe('RESULT_TOO_LARGE');
    expect(res.result?.errorMessage).toMatch(/^the result is \d+ bytes, over the limit of 65536 bytes \(maxResultBytes\)/);
    expect(res.result?.result).toBeNull();
    const status = await t.client.getExecutionStatus({ executionId: res.executionId, includeResult: true });
    expect(status.result?.errorCode).toBe('RESULT_TOO_LARGE');
    expect(status.result?.result).toBeNull();
  });

  it('a result within the limit completes whole', async () => {
    const res = await t.client.invoke({ taskId, functionName: 'text', parameters: params({ n: LIMIT - 16 }) });
    expect(res.result?.status).toBe('EXECUTION_STATUS_COMPLETED');
    expect(valueOf(res.result?.result)).toBe('x'.repeat(LIMIT - 16));
  });

  it('a long error message is cut, in the answer and in listings', async () => {
    const res = await t.client.invoke({ taskId, functionName: 'shout', parameters: params({ n: 1_000_000 }) });
    expect(res.result?.errorCode).toBe('FUNCTION_ERROR');
    const message = res.result!.errorMessage;
    expect(message).toMatch(/… \[error message cut at 256 characters\]$/);
    expect(message.length).toBeLessThan(256 + 64);
    const listed = (await t.client.listExecutions({ taskId, limit: 1000 })).executions.find((e) => e.executionId === res.executionId);
    expect(listed?.errorMessage).toBe(message);
  });
});
