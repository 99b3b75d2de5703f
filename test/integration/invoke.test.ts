/**
 * InvokeFunction over real gRPC: modes, values, logs, errors, idempotent ids, metrics.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestServer, fixtureSpec, jsSpec, params, startTestServer, valueOf } from './harness.js';
import type { ArtifactSpec } from '../../src/generated/spearlet/ArtifactSpec.js';

let t: TestServer;
let basics: ArtifactSpec;
let taskId: string;

beforeAll(async () => {
  t = await startTestServer();
  basics = await fixtureSpec('js/basics.js');
  const res = await t.client.invoke({ invocationType: 'INVOCATION_TYPE_NEW_TASK', taskName: 'basics', artifactSpec: basics, functionName: 'add', parameters: params({ a: 1, b: 2 }) });
  taskId = res.taskId;
});
afterAll(() => t.stop());

const call = (functionName: string, values: Record<string, unknown> = {}, extra: Record<string, unknown> = {}) =>
  t.client.invoke({ invocationType: 'INVOCATION_TYPE_EXISTING_TASK', taskId, functionName, parameters: params(values), ...extra });

describe('InvokeFunction SYNC', () => {
  it('registers a task and returns the result of the call', async () => {
    const res = await t.client.invoke({ taskName: 'basics', artifactSpec: basics, functionName: 'add', parameters: params({ a: 20, b: 22 }) });
    expect(res.success).toBe(true);
    expect(res.taskId).toBe(taskId); // same name + digest reuses the task
    expect(res.result?.status).toBe('EXECUTION_STATUS_COMPLETED');
    expect(valueOf(res.result?.result)).toBe(42);
    expect(res.executionId).toMatch(/^exec-/);
  });

  it('never reuses another tenant\'s task for the same name and bytes', async () => {
    const source = 'export default () => 1;';
    const a = await t.client.invoke({ taskName: 'shared', artifactSpec: jsSpec(source, { tenant: 'a' }) });
    const b = await t.client.invoke({ taskName: 'shared', artifactSpec: jsSpec(source, { tenant: 'b' }) });
    const a2 = await t.client.invoke({ taskName: 'shared', artifactSpec: jsSpec(source, { tenant: 'a' }) });
    expect(b.taskId).not.toBe(a.taskId);
    expect(a2.taskId).toBe(a.taskId);
  });

  it('calls the default export when function_name is empty', async () => {
    const res = await call('', { x: 'y' });
    expect(valueOf(res.result?.result)).toEqual({ x: 'y' });
  });

  it('decodes every parameter type', async () => {
    const res = await call('types', { s: 'str', n: 1.5, b: true, bytes: new Uint8Array([1, 2, 3]), big: 2n ** 60n, obj: { k: [1, null] }, nil: null });
    expect(valueOf(res.result?.result)).toEqual({
      s: 'string:"str"',
      n: 'number:1.5',
      b: 'boolean:true',
      bytes: 'bytes:3',
      big: `bigint:${2n ** 60n}`,
      obj: 'object:{"k":[1,null]}',
      nil: 'object:null',
    });
  });

  it('encodes strings, bytes, JSON and no result', async () => {
    expect(valueOf((await call('greet', { name: 'ada' })).result?.result)).toBe('hello, ada');
    const bytes = await call('bytes', { n: 3 });
    expect(bytes.result?.result?.type_url).toBe('type.googleapis.com/google.protobuf.BytesValue');
    expect([...(valueOf(bytes.result?.result) as Uint8Array)]).toEqual([0, 1, 2]);
    const none = await call('nothing');
    expect(none.success).toBe(true);
    expect(none.result?.result).toBeNull();
  });

  it('awaits async functions', async () => {
    const res = await call('slowAdd', { a: 2, b: 3, ms: 20 });
    expect(valueOf(res.result?.result)).toBe(5);
  });

  it('reports a thrown error as FAILED / FUNCTION_ERROR with its name and message', async () => {
    const res = await call('fails', { message: 'nope' });
    expect(res.success).toBe(false);
    expect(res.result?.status).toBe('EXECUTION_STATUS_FAILED');
    expect(res.result?.errorCode).toBe('FUNCTION_ERROR');
    expect(res.result?.errorMessage).toContain('TypeError: nope');
  });

  it('reports a result that cannot be serialised', async () => {
    const res = await call('notSerializable');
    expect(res.result?.status).toBe('EXECUTION_STATUS_FAILED');
    expect(res.result?.errorCode).toBe('RESULT_NOT_SERIALIZABLE');
  });

  it('passes the context to the function', async () => {
    const res = await call('context', {}, {
      context: { sessionId: 's1', userId: 'u1', environment: { MODE: 'test' }, headers: { 'x-h': 'v' } },
    });
    const ctx = valueOf(res.result?.result) as Record<string, unknown>;
    expect(ctx).toMatchObject({ executionId: res.executionId, taskId, functionName: 'context', sessionId: 's1', userId: 'u1', env: { MODE: 'test' }, headers: { 'x-h': 'v' }, deadlineIsFuture: true });
  });

  it('fills metrics, timestamps and memory', async () => {
    const res = await call('add', { a: 1, b: 1 });
    const r = res.result!;
    expect(Object.keys(r.metrics)).toEqual(expect.arrayContaining(['cpu_time_us', 'queue_ms', 'cold_start', 'instance_id', 'attempts']));
    expect(r.metrics.attempts).toBe('1');
    expect(res.instanceId).toBe(r.metrics.instance_id);
    expect(Number(r.memoryUsedBytes)).toBeGreaterThan(0);
    expect(Number(r.startedAt?.seconds)).toBeGreaterThan(0);
    expect(Number(r.completedAt?.seconds)).toBeGreaterThanOrEqual(Number(r.startedAt?.seconds));
  });

  it('keeps module state on a warm instance and starts fresh with force_new_instance', async () => {
    const first = Number(valueOf((await call('counter')).result?.result));
    const second = await call('counter');
    expect(second.result?.metrics.cold_start).toBe('false');
    expect(Number(valueOf(second.result?.result))).toBe(first + 1);
    const fresh = await call('counter', {}, { forceNewInstance: true });
    expect(fresh.result?.metrics.cold_start).toBe('true');
    expect(Number(valueOf(fresh.result?.result))).toBe(1);
  });

  it('captures console output as logs, readable with GetExecutionStatus', async () => {
    const res = await call('logs', { n: 2 });
    const status = await t.client.getExecutionStatus({ executionId: res.executionId, includeLogs: true, includeResult: true });
    expect(status.found).toBe(true);
    expect(status.logs).toEqual(['line 0', 'line 1', 'warn: careful', 'error: bad { code: 7 }']);
    expect(valueOf(status.result?.result)).toBe(2);
  });

  it('cuts logs at the per-execution cap with a marker', async () => {
    const res = await call('logs', { n: 1500 });
    const status = await t.client.getExecutionStatus({ executionId: res.executionId, includeLogs: true });
    expect(status.logs).toHaveLength(1001);
    expect(status.logs.at(-1)).toMatch(/more log lines dropped/);
  });
});

describe('InvokeFunction ASYNC and idempotency', () => {
  it('answers at once with PENDING or RUNNING and a status endpoint, then completes', async () => {
    const res = await call('slowAdd', { a: 1, b: 2, ms: 100 }, { executionMode: 'EXECUTION_MODE_ASYNC' });
    expect(res.success).toBe(true);
    expect(['EXECUTION_STATUS_PENDING', 'EXECUTION_STATUS_RUNNING']).toContain(res.result?.status);
    expect(res.statusEndpoint).toContain(res.executionId);
    const done = await t.client.waitForExecution(res.executionId);
    expect(done.result?.status).toBe('EXECUTION_STATUS_COMPLETED');
    expect(valueOf(done.result?.result)).toBe(3);
  });

  it('ASYNC with wait answers like SYNC', async () => {
    const res = await call('add', { a: 4, b: 4 }, { executionMode: 'EXECUTION_MODE_ASYNC', wait: true });
    expect(res.result?.status).toBe('EXECUTION_STATUS_COMPLETED');
    expect(valueOf(res.result?.result)).toBe(8);
  });

  it('runs nothing again for a repeated execution_id', async () => {
    const first = await call('counter', {}, { executionId: 'idem-1' });
    const again = await call('counter', {}, { executionId: 'idem-1' });
    expect(first.executionId).toBe('idem-1');
    expect(again.executionId).toBe('idem-1');
    expect(valueOf(again.result?.result)).toBe(valueOf(first.result?.result));
    expect(again.message).toMatch(/existing execution/);
  });

  it('answers a repeated execution_id with its record after the task was deleted', async () => {
    const spec = jsSpec('export default ({ n }) => n * 2;');
    const first = await t.client.invoke({ invocationType: 'INVOCATION_TYPE_NEW_TASK', taskName: 'deleted-later', artifactSpec: spec, parameters: params({ n: 21 }), executionId: 'idem-deleted' });
    expect(valueOf(first.result?.result)).toBe(42);
    const deleted = await t.client.deleteTask({ taskId: first.taskId });
    expect(deleted.success).toBe(true);
    const again = await t.client.invoke({ invocationType: 'INVOCATION_TYPE_EXISTING_TASK', taskId: first.taskId, parameters: params({ n: 21 }), executionId: 'idem-deleted' });
    expect(again.success).toBe(true);
    expect(again.executionId).toBe('idem-deleted');
    expect(valueOf(again.result?.result)).toBe(42);
    expect(again.message).toMatch(/existing execution/);
    // A new execution id on the deleted task is refused as before.
    await expect(t.client.invoke({ invocationType: 'INVOCATION_TYPE_EXISTING_TASK', taskId: first.taskId, executionId: 'idem-deleted-2' })).rejects.toMatchObject({ code: 5 });
  });

  it('returns the running execution for a repeated id while it runs', async () => {
    const first = await call('slowAdd', { a: 1, b: 1, ms: 150 }, { executionId: 'idem-async', executionMode: 'EXECUTION_MODE_ASYNC' });
    // The same request (ASYNC), asking to wait for the end this time.
    const again = await call('slowAdd', { a: 1, b: 1, ms: 150 }, { executionId: 'idem-async', executionMode: 'EXECUTION_MODE_ASYNC', wait: true });
    expect(again.executionId).toBe(first.executionId);
    expect(again.result?.status).toBe('EXECUTION_STATUS_COMPLETED');
    const list = await t.client.listExecutions({ taskId, limit: 1000 });
    expect(list.executions.filter((e) => e.executionId === 'idem-async')).toHaveLength(1);
  });
});
