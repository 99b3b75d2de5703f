/**
 * CancelExecution and StreamFunction over real gRPC.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestServer, fixtureSpec, params, startTestServer, valueOf } from './harness.js';

let t: TestServer;
let streaming: string;
let hostile: string;

beforeAll(async () => {
  t = await startTestServer();
  streaming = (await t.client.invoke({ taskName: 'streaming', artifactSpec: await fixtureSpec('js/streaming.js'), functionName: 'count' })).taskId;
  hostile = (await t.client.invoke({ taskName: 'hostile', artifactSpec: await fixtureSpec('js/hostile.js', 'js', { timeout_ms: '20000' }), functionName: 'escape' })).taskId;
});
afterAll(() => t.stop());

describe('CancelExecution', () => {
  it('stops a running isolate for real and reports CANCELLED', async () => {
    const res = await t.client.invoke({ taskId: hostile, functionName: 'spin', executionMode: 'EXECUTION_MODE_ASYNC' });
    await new Promise((r) => setTimeout(r, 100));
    const cancel = await t.client.cancelExecution({ executionId: res.executionId, reason: 'test' });
    expect(cancel).toMatchObject({ success: true, finalStatus: 'EXECUTION_STATUS_CANCELLED' });
    const status = await t.client.getExecutionStatus({ executionId: res.executionId });
    expect(status.result?.status).toBe('EXECUTION_STATUS_CANCELLED');
    expect(status.result?.errorCode).toBe('CANCELLED');
    expect(status.result?.errorMessage).toContain('test');
    const after = await t.client.invoke({ taskId: hostile, functionName: 'escape' });
    expect(after.result?.status).toBe('EXECUTION_STATUS_COMPLETED');
  });

  it('answers success=false with the final status for a finished execution', async () => {
    const res = await t.client.invoke({ taskId: hostile, functionName: 'escape' });
    const cancel = await t.client.cancelExecution({ executionId: res.executionId });
    expect(cancel).toMatchObject({ success: false, finalStatus: 'EXECUTION_STATUS_COMPLETED' });
  });
});

describe('StreamFunction', () => {
  it('sends RUNNING, one message per chunk, then the final status', async () => {
    const msgs = await t.client.stream({ taskId: streaming, functionName: 'count', parameters: params({ n: 3 }) });
    expect(msgs[0]).toMatchObject({ status: 'EXECUTION_STATUS_RUNNING', isFinal: false });
    const id = msgs[0].executionId;
    expect(id).toMatch(/^exec-/);
    const data = msgs.filter((m) => m.metadata.kind === 'data');
    expect(data.map((m) => valueOf(m.chunkData))).toEqual([1, 2, 3]);
    const last = msgs.at(-1)!;
    expect(last).toMatchObject({ isFinal: true, status: 'EXECUTION_STATUS_COMPLETED', executionId: id });
  });

  it('interleaves log lines with metadata.kind=log', async () => {
    const msgs = await t.client.stream({ taskId: streaming, functionName: 'ticker', parameters: params({ n: 2 }) });
    const kinds = msgs.map((m) => (m.metadata.kind === 'log' ? `log:${valueOf(m.chunkData)}` : m.metadata.kind === 'data' ? `data:${JSON.stringify(valueOf(m.chunkData))}` : m.metadata.kind));
    expect(kinds).toEqual(['status', 'log:tick 0', 'data:{"tick":0}', 'log:tick 1', 'data:{"tick":1}', 'final']);
  });

  it('reports a failure on the final message', async () => {
    const msgs = await t.client.stream({ taskId: streaming, functionName: 'failsMidway' });
    const last = msgs.at(-1)!;
    expect(last.isFinal).toBe(true);
    expect(last.status).toBe('EXECUTION_STATUS_FAILED');
    expect(last.errorMessage).toContain('stream broke');
    expect(msgs.filter((m) => m.metadata.kind === 'data').map((m) => valueOf(m.chunkData))).toEqual(['first']);
  });

  it('collects chunks into a list in SYNC mode', async () => {
    const res = await t.client.invoke({ taskId: streaming, functionName: 'count', parameters: params({ n: 4 }) });
    expect(valueOf(res.result?.result)).toEqual([1, 2, 3, 4]);
  });

  it('a client that cancels the stream cancels the execution', async () => {
    const call = t.client.streamCall({ taskId: streaming, functionName: 'slow', parameters: params({ ms: 20 }) });
    const id = await new Promise<string>((resolve) => call.on('data', (m: { executionId: string }) => resolve(m.executionId)));
    call.on('error', () => undefined);
    call.cancel();
    const status = await t.client.waitForExecution(id, 5_000);
    expect(status.result?.status).toBe('EXECUTION_STATUS_CANCELLED');
  });

  it('refuses a bad request with an RPC error', async () => {
    await expect(t.client.stream({ taskId: 'task-missing' })).rejects.toMatchObject({ code: 5 });
  });
});
