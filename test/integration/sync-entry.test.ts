/**
 * Synchronous entry (runtimes/v8-isolate/sync-entry.ts): a sandbox worker running one call runs a
 * warm, quick function's next call on its own thread. These tests warm an instance with quick
 * calls, then make its next call hostile, through the real server with process isolation, and
 * check that every bound still holds: the deadline, cancel, the heartbeat, an isolate that
 * isolated-vm loses for good, and that the server keeps serving.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestServer, jsSpec, params, startTestServer, valueOf } from './harness.js';
import { alive, newId, sharedPids, sleep, supervisorOf, until } from './fault-helpers.js';

const GUEST = `
export function add({ a, b }) { return a + b; }
export function fail() { throw new TypeError('bad input'); }
export function talk() { console.log('hello'); return 'said'; }
export function spin({ ms }) { const end = Date.now() + ms; while (Date.now() < end); return ms; }
export function forever() { for (;;) {} }
export function explode() { return new Array(2 ** 26).fill(0).length; }
export function leftover() { (async () => { for (;;) await 0; })(); return 'left'; }
`;

async function warmTask(t: TestServer, name: string, metadata: Record<string, string> = {}): Promise<string> {
  const taskId = (await t.client.invoke({ taskName: name, artifactSpec: jsSpec(GUEST, metadata), functionName: 'add', parameters: params({ a: 1, b: 1 }) })).taskId;
  for (let i = 0; i < 3; i++) {
    const res = await t.client.invoke({ taskId, functionName: 'add', parameters: params({ a: i, b: 1 }) });
    expect(valueOf(res.result?.result)).toBe(i + 1);
  }
  return taskId;
}

describe('synchronous entry of warm calls', () => {
  let t: TestServer;
  beforeAll(async () => {
    // A loaded machine may take over the default 5 ms for a warm `add`: these tests need every
    // warm call after the first to be entered on the worker's thread.
    t = await startTestServer({ isolation: 'process', sandboxWorkers: 1, workerSyncEntryMs: 1_000 });
  });
  afterAll(() => t?.stop());

  it('answers warm calls as a queued call does: values, guest errors, logs', async () => {
    const taskId = await warmTask(t, 'sync-plain');
    const added = await t.client.invoke({ taskId, functionName: 'add', parameters: params({ a: 40, b: 2 }) });
    expect(valueOf(added.result?.result)).toBe(42);
    expect(added.result?.metrics.cold_start).toBe('false');
    const failed = await t.client.invoke({ taskId, functionName: 'fail' });
    expect(failed.result?.status).toBe('EXECUTION_STATUS_FAILED');
    expect(failed.result?.errorCode).toBe('FUNCTION_ERROR');
    expect(failed.result?.errorMessage).toContain('TypeError: bad input');
    const executionId = newId('talk');
    const talked = await t.client.invoke({ taskId, functionName: 'talk', executionId });
    expect(valueOf(talked.result?.result)).toBe('said');
    const status = await t.client.getExecutionStatus({ executionId, includeLogs: true });
    expect(status.logs).toEqual(['hello']);
  });

  it('a warm call that loops ends TIMEOUT at its deadline, and the task serves again', async () => {
    const taskId = await warmTask(t, 'sync-forever');
    const started = Date.now();
    const res = await t.client.invoke({ taskId, functionName: 'forever', context: { timeoutMs: 1_000 } });
    const tookMs = Date.now() - started;
    expect(res.result?.status).toBe('EXECUTION_STATUS_TIMEOUT');
    expect(res.result?.errorCode).toBe('TIMEOUT');
    expect(tookMs).toBeGreaterThanOrEqual(900);
    expect(tookMs).toBeLessThan(5_000);
    const after = await t.client.invoke({ taskId, functionName: 'add', parameters: params({ a: 2, b: 3 }) });
    expect(valueOf(after.result?.result)).toBe(5);
  });

  it('a cancelled warm call that loops on the worker thread ends CANCELLED; its worker is replaced', async () => {
    const taskId = await warmTask(t, 'sync-cancel');
    const sup = supervisorOf(t);
    const [before] = sharedPids(sup);
    const executionId = newId('cancel-loop');
    const running = t.client.invoke({ taskId, functionName: 'forever', executionId, context: { timeoutMs: 60_000 } });
    await sleep(300);
    const started = Date.now();
    const cancel = await t.client.cancelExecution({ executionId, reason: 'test' });
    const tookMs = Date.now() - started;
    const res = await running;
    expect(cancel.success).toBe(true);
    expect(cancel.finalStatus).toBe('EXECUTION_STATUS_CANCELLED');
    expect(res.result?.status).toBe('EXECUTION_STATUS_CANCELLED');
    // The worker reads no cancel while the guest holds its thread: the server waits
    // CANCEL_ANSWER_MS (2 s), then kills it.
    expect(tookMs).toBeLessThan(6_000);
    await until('the cancelled call\'s worker to be gone', () => !alive(before), 5_000);
    const after = await t.client.invoke({ taskId, functionName: 'add', parameters: params({ a: 2, b: 3 }) });
    expect(valueOf(after.result?.result)).toBe(5);
  });

  it('a warm call that holds the worker thread past HUNG_MS keeps its worker: the watcher thread sends its heartbeats', async () => {
    const taskId = await warmTask(t, 'sync-long');
    const sup = supervisorOf(t);
    const hungBefore = sup.counters.hung;
    const [worker] = sharedPids(sup);
    const res = await t.client.invoke({ taskId, functionName: 'spin', parameters: params({ ms: 16_500 }), context: { timeoutMs: 30_000 } });
    expect(res.result?.status).toBe('EXECUTION_STATUS_COMPLETED');
    expect(valueOf(res.result?.result)).toBe(16_500);
    expect(sup.counters.hung).toBe(hungBefore);
    expect(alive(worker)).toBe(true);
  }, 40_000);

  it('an isolate lost on the worker thread (a huge allocation) ends the call TIMEOUT just past its deadline; the worker is replaced and the server serves', async () => {
    const taskId = await warmTask(t, 'sync-explode', { memory_limit_mb: '64' });
    const started = Date.now();
    const res = await t.client.invoke({ taskId, functionName: 'explode', context: { timeoutMs: 2_000 } });
    const tookMs = Date.now() - started;
    // V8 may yet stop the allocation at the memory limit (OUT_OF_MEMORY); usually the isolate is
    // lost, the watcher thread reports it and the server kills the worker.
    expect(['EXECUTION_STATUS_TIMEOUT/TIMEOUT', 'EXECUTION_STATUS_FAILED/OUT_OF_MEMORY']).toContain(`${res.result?.status}/${res.result?.errorCode}`);
    // The deadline, SYNC_OVERRUN_MS (1 s) and one watcher tick, with room for a slow machine.
    expect(tookMs).toBeLessThan(8_000);
    expect((await t.client.getHealth({})).status).toBe('healthy');
    const after = await t.client.invoke({ taskId, functionName: 'add', parameters: params({ a: 2, b: 3 }) });
    expect(valueOf(after.result?.result)).toBe(5);
  }, 30_000);

  it('a warm call that leaves a microtask loop running holds the entry to its deadline (TIMEOUT)', async () => {
    const taskId = await warmTask(t, 'sync-leftover');
    const res = await t.client.invoke({ taskId, functionName: 'leftover', context: { timeoutMs: 1_000 } });
    expect(res.result?.status).toBe('EXECUTION_STATUS_TIMEOUT');
    const after = await t.client.invoke({ taskId, functionName: 'add', parameters: params({ a: 2, b: 3 }) });
    expect(valueOf(after.result?.result)).toBe(5);
  });
});

describe('with workerSyncEntryMs 0', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer({ isolation: 'process', sandboxWorkers: 1, workerSyncEntryMs: 0 });
  });
  afterAll(() => t?.stop());

  it('every call is queued: a warm call that leaves a microtask loop reports its result, and its instance is replaced', async () => {
    const taskId = await warmTask(t, 'queued-leftover');
    const res = await t.client.invoke({ taskId, functionName: 'leftover', context: { timeoutMs: 5_000 } });
    expect(res.result?.status).toBe('EXECUTION_STATUS_COMPLETED');
    expect(valueOf(res.result?.result)).toBe('left');
    const after = await t.client.invoke({ taskId, functionName: 'add', parameters: params({ a: 2, b: 3 }) });
    expect(valueOf(after.result?.result)).toBe(5);
    expect(after.result?.metrics.cold_start).toBe('true');
  });
});
