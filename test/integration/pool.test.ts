/**
 * The instance pool, scheduling and back-pressure through gRPC: warm reuse and module state,
 * force_new_instance, min_instances, idle eviction, the global cap, both scheduling policies,
 * recycling after each kind of failure, max_retries, and the wait queue ending in
 * RESOURCE_EXHAUSTED. Conditions are polled, never timed.
 */
import * as grpc from '@grpc/grpc-js';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { ConfigInput } from '../../src/config.js';
import type { InvokeFunctionRequest } from '../../src/generated/spearlet/InvokeFunctionRequest.js';
import type { InvokeFunctionResponse__Output } from '../../src/generated/spearlet/InvokeFunctionResponse.js';
import { type TestServer, jsSpec, params, startTestServer, valueOf } from './harness.js';

const SOURCE = `
let calls = 0;
let hoard = [];
export function state() { calls += 1; return calls; }
export function hold({ ms }) { return new Promise((resolve) => setTimeout(() => resolve('held'), ms)); }
export function spin() { for (;;) {} }
export function heapBomb() { const h = []; for (;;) h.push(new Array(1e6).fill({ x: Math.random() })); }
export function burn({ ms }) { const end = Date.now() + ms; let x = 0; while (Date.now() < end) x++; return x > 0; }
export function grow({ mb }) { hoard.push(new Uint8Array(mb * 1024 * 1024).fill(1)); calls += 1; return calls; }
`;

/** Polls `check` until it holds (bounded, so a broken pool fails instead of hanging). */
async function until(check: () => Promise<boolean> | boolean, what: string, tries = 500): Promise<void> {
  for (let i = 0; i < tries; i++) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`never happened: ${what}`);
}

async function systemInfo(t: TestServer): Promise<Record<string, string>> {
  return (await t.client.getHealth({ includeDetails: true })).details!.systemInfo;
}

function register(t: TestServer, name: string, metadata: Record<string, string> = {}): Promise<InvokeFunctionResponse__Output> {
  return t.client.invoke({ taskName: name, artifactSpec: jsSpec(SOURCE, metadata), functionName: 'state' });
}

function call(t: TestServer, taskId: string, functionName: string, extra: Partial<InvokeFunctionRequest> = {}, values: Record<string, unknown> = {}) {
  return t.client.invoke({ taskId, functionName, parameters: params(values), ...extra });
}

const servers: TestServer[] = [];
async function server(options: ConfigInput = {}): Promise<TestServer> {
  const t = await startTestServer(options);
  servers.push(t);
  return t;
}
afterEach(async () => {
  await Promise.all(servers.splice(0).map((t) => t.stop()));
});

describe('warm instances', () => {
  it('reuses a warm instance with its module state; cold_start and force_new_instance tell fresh ones', async () => {
    const t = await server();
    const first = await register(t, 'warm');
    expect(first.result?.metrics).toMatchObject({ cold_start: 'true', attempts: '1' });
    expect(first.result?.metrics.queue_ms).toMatch(/^\d+$/);
    expect(valueOf(first.result?.result)).toBe(1);
    const second = await call(t, first.taskId, 'state');
    expect(second.result?.metrics).toMatchObject({ cold_start: 'false', instance_id: first.instanceId });
    expect(valueOf(second.result?.result)).toBe(2);
    const fresh = await call(t, first.taskId, 'state', { forceNewInstance: true });
    expect(fresh.result?.metrics.cold_start).toBe('true');
    expect(fresh.instanceId).not.toBe(first.instanceId);
    expect(valueOf(fresh.result?.result)).toBe(1);
  });

  it('keeps min_instances warm from registration and again after a restart', async () => {
    let t = await server();
    const reg = await register(t, 'min', { min_instances: '2', max_instances: '4' });
    await until(async () => (await systemInfo(t)).idle_instances === '2', 'two warm instances after registration');
    t = await t.restart();
    servers[0] = t;
    await until(async () => (await systemInfo(t)).idle_instances === '2', 'two warm instances after a restart');
    const res = await call(t, reg.taskId, 'state');
    expect(res.result?.metrics.cold_start).toBe('false');
  });

  it('evicts idle instances after instanceIdleMs, down to min_instances', async () => {
    const t = await server({ instanceIdleMs: 100 });
    const plain = await register(t, 'plain');
    const kept = await register(t, 'kept', { min_instances: '1' });
    await Promise.all([call(t, plain.taskId, 'state'), call(t, kept.taskId, 'state')]);
    await until(async () => (await systemInfo(t)).live_instances === '1', 'idle instances evicted down to the minimum');
    const info = await systemInfo(t);
    expect(Number(info.instances_evicted_idle)).toBeGreaterThanOrEqual(1);
    const res = await call(t, kept.taskId, 'state');
    expect(res.result?.metrics.cold_start).toBe('false');
  });

  it('stays under maxTotalInstances, evicting the least recently used idle instance of another task', async () => {
    const t = await server({ maxTotalInstances: 2 });
    const a = await register(t, 'a');
    const b = await register(t, 'b');
    await register(t, 'c');
    const info = await systemInfo(t);
    expect(info.live_instances).toBe('2');
    expect(info.instances_evicted_for_capacity).toBe('1');
    // a was used longest ago: it went, b stayed warm.
    expect((await call(t, b.taskId, 'state')).result?.metrics.cold_start).toBe('false');
    expect((await call(t, a.taskId, 'state')).result?.metrics.cold_start).toBe('true');
  });
});

describe("a new task's first call", () => {
  it('runs on the instance its registration loads, with its log lines; that instance serves the next call warm', async () => {
    const t = await server();
    const source = `let calls = 0;\nexport function hello({ name }) { calls += 1; console.log('hello ' + name); return calls; }`;
    const first = await t.client.invoke({ taskName: 'first-logs', artifactSpec: jsSpec(source), functionName: 'hello', parameters: params({ name: 'x' }) });
    expect(first.result).toMatchObject({ status: 'EXECUTION_STATUS_COMPLETED', metrics: { cold_start: 'true', attempts: '1' } });
    expect(valueOf(first.result?.result)).toBe(1);
    const status = await t.client.getExecutionStatus({ executionId: first.executionId, includeLogs: true });
    expect(status.logs.join('\n')).toMatch(/hello x/);
    const second = await call(t, first.taskId, 'hello', {}, { name: 'y' });
    expect(second.result?.metrics).toMatchObject({ cold_start: 'false', instance_id: first.instanceId });
    expect(valueOf(second.result?.result)).toBe(2);
  });

  it('is held to its timeout like any call', async () => {
    const t = await server();
    const res = await t.client.invoke({ taskName: 'first-spin', artifactSpec: jsSpec(SOURCE), functionName: 'spin', context: { timeoutMs: 200 } });
    expect(res.result).toMatchObject({ status: 'EXECUTION_STATUS_TIMEOUT', errorCode: 'TIMEOUT' });
    expect((await call(t, res.taskId, 'state')).result?.status).toBe('EXECUTION_STATUS_COMPLETED');
  });

  it('refused (no such export), it leaves no task and gives its execution slot back', async () => {
    const t = await server({ maxConcurrentExecutions: 1 });
    const refused = await t.client.invoke({ taskName: 'first-missing', artifactSpec: jsSpec(SOURCE), functionName: 'missing' }).catch((err: grpc.ServiceError) => err);
    expect((refused as grpc.ServiceError).code).toBe(grpc.status.INVALID_ARGUMENT);
    expect((refused as grpc.ServiceError).metadata.get('spearlet-error-code')).toEqual(['FUNCTION_NOT_FOUND']);
    expect((refused as grpc.ServiceError).details).toMatch(/'missing' is not an exported function/);
    expect((await t.client.listTasks({})).tasks).toEqual([]);
    expect((await systemInfo(t)).running_slots).toBe('0/1');
    const served = await register(t, 'first-after');
    expect(served.result?.status).toBe('EXECUTION_STATUS_COMPLETED');
  });

  it('waits in the queue when no execution slot is free, then runs', async () => {
    const t = await server({ maxConcurrentExecutions: 1, maxQueueLength: 4, queueTimeoutMs: 60_000 });
    const { taskId } = await register(t, 'busy');
    const running = call(t, taskId, 'hold', { executionId: 'first-busy' }, { ms: 60_000 });
    await until(async () => (await systemInfo(t)).running_slots === '1/1', 'one execution running');
    const fresh = register(t, 'queued-new');
    await until(async () => (await systemInfo(t)).queue_depth === '1', 'the new task queued');
    await t.client.cancelExecution({ executionId: 'first-busy', reason: 'make room' });
    await running;
    const res = await fresh;
    expect(res.result).toMatchObject({ status: 'EXECUTION_STATUS_COMPLETED', metrics: { cold_start: 'true' } });
    expect(Number(res.result?.metrics.queue_ms)).toBeGreaterThan(0);
    expect(valueOf(res.result?.result)).toBe(1);
  });
});

describe('scheduling policies', () => {
  async function twoWarm(policy: 'round-robin' | 'least-loaded' | 'warmest') {
    const t = await server({ schedulingPolicy: policy });
    const reg = await register(t, 'sched', { min_instances: '2', max_instances: '2' });
    await until(async () => (await systemInfo(t)).idle_instances === '2', 'two warm instances');
    expect((await systemInfo(t)).scheduling_policy).toBe(policy);
    const ids: string[] = [];
    for (let i = 0; i < 4; i++) ids.push((await call(t, reg.taskId, 'state')).instanceId);
    return ids;
  }

  it('round-robin alternates calls over the warm instances', async () => {
    const ids = await twoWarm('round-robin');
    expect(new Set(ids).size).toBe(2);
    expect(ids[0]).not.toBe(ids[1]);
    expect(ids[2]).toBe(ids[0]);
    expect(ids[3]).toBe(ids[1]);
  });

  it('warmest keeps sequential calls on one warm instance', async () => {
    const ids = await twoWarm('warmest');
    expect(new Set(ids).size).toBe(1);
  });

  it('least-loaded steers light calls away from the instance that ran heavy work', async () => {
    const t = await server({ schedulingPolicy: 'least-loaded' });
    const reg = await register(t, 'sched', { min_instances: '2', max_instances: '2' });
    await until(async () => (await systemInfo(t)).idle_instances === '2', 'two warm instances');
    const heavy = await call(t, reg.taskId, 'burn', {}, { ms: 100 });
    expect(heavy.result?.status).toBe('EXECUTION_STATUS_COMPLETED');
    for (let i = 0; i < 3; i++) {
      const light = await call(t, reg.taskId, 'state');
      expect(light.result?.metrics.cold_start).toBe('false');
      expect(light.instanceId).not.toBe(heavy.instanceId);
    }
  });

  it('runs a call on an idle instance while another instance is busy', async () => {
    const t = await server();
    const reg = await register(t, 'busy', { min_instances: '2', max_instances: '2' });
    await until(async () => (await systemInfo(t)).idle_instances === '2', 'two warm instances');
    const holding = call(t, reg.taskId, 'hold', {}, { ms: 60_000 });
    await until(async () => (await systemInfo(t)).busy_instances === '1', 'one instance busy');
    const res = await call(t, reg.taskId, 'state');
    expect(res.result?.status).toBe('EXECUTION_STATUS_COMPLETED');
    expect(res.result?.metrics.cold_start).toBe('false');
    await t.client.deleteTask({ taskId: reg.taskId, force: true });
    expect((await holding).result?.status).toBe('EXECUTION_STATUS_CANCELLED');
  });
});

describe('recycling', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer({ recycleAfterExecutions: 3, recycleHeapMb: 8 });
  });
  afterAll(() => t.stop());

  async function replacedAfter(failing: () => Promise<InvokeFunctionResponse__Output>, taskId: string) {
    const before = await call(t, taskId, 'state');
    const failed = await failing();
    expect(failed.instanceId).toBe(before.instanceId);
    const after = await call(t, taskId, 'state');
    expect(after.result?.metrics.cold_start).toBe('true');
    expect(after.instanceId).not.toBe(before.instanceId);
    expect(valueOf(after.result?.result)).toBe(1);
    return failed;
  }

  it('replaces an instance after a timeout', async () => {
    const { taskId } = await register(t, 'r-timeout');
    const failed = await replacedAfter(() => call(t, taskId, 'spin', { context: { timeoutMs: 200 } }), taskId);
    expect(failed.result?.errorCode).toBe('TIMEOUT');
  });

  it('replaces an instance after an out-of-memory', async () => {
    const { taskId } = await register(t, 'r-oom', { memory_limit_mb: '32' });
    const failed = await replacedAfter(() => call(t, taskId, 'heapBomb'), taskId);
    expect(failed.result?.errorCode).toBe('OUT_OF_MEMORY');
  });

  it('replaces an instance after a cancellation', async () => {
    const { taskId } = await register(t, 'r-cancel');
    const failed = await replacedAfter(async () => {
      const running = call(t, taskId, 'hold', { executionId: `cancel-${taskId}` }, { ms: 60_000 });
      await until(async () => (await t.client.getExecutionStatus({ executionId: `cancel-${taskId}` })).result?.status === 'EXECUTION_STATUS_RUNNING', 'running');
      await t.client.cancelExecution({ executionId: `cancel-${taskId}`, reason: 'test' });
      return running;
    }, taskId);
    expect(failed.result?.errorCode).toBe('CANCELLED');
  });

  it('replaces an instance after recycleAfterExecutions calls', async () => {
    const { taskId, instanceId } = await register(t, 'r-count');
    const ids = [instanceId];
    for (let i = 0; i < 3; i++) ids.push((await call(t, taskId, 'state')).instanceId);
    expect(ids.slice(0, 3)).toEqual([instanceId, instanceId, instanceId]);
    expect(ids[3]).not.toBe(instanceId);
  });

  it('replaces an instance whose heap grew past recycleHeapMb', async () => {
    const { taskId } = await register(t, 'r-heap', { memory_limit_mb: '64' });
    const grown = await call(t, taskId, 'grow', {}, { mb: 12 });
    expect(grown.result?.status).toBe('EXECUTION_STATUS_COMPLETED');
    expect(Number(grown.result?.memoryUsedBytes)).toBeGreaterThan(8 * 1024 * 1024);
    const after = await call(t, taskId, 'state');
    expect(after.instanceId).not.toBe(grown.instanceId);
    expect(valueOf(after.result?.result)).toBe(1);
  });

  it('retries a failure of the instance up to context.max_retries', async () => {
    const { taskId } = await register(t, 'r-retry', { memory_limit_mb: '32' });
    const res = await call(t, taskId, 'heapBomb', { context: { maxRetries: 2 } });
    expect(res.result?.errorCode).toBe('OUT_OF_MEMORY');
    expect(res.result?.metrics.attempts).toBe('3');
    const timedOut = await call(t, taskId, 'spin', { context: { maxRetries: 2, timeoutMs: 100 } });
    expect(timedOut.result?.errorCode).toBe('TIMEOUT');
    expect(timedOut.result?.metrics.attempts).toBe('1');
  });
});

describe('back-pressure', () => {
  function rpcError(p: Promise<unknown>): Promise<grpc.ServiceError> {
    return p.then(
      () => {
        throw new Error('expected the call to be refused');
      },
      (err: grpc.ServiceError) => err,
    );
  }

  it('queues beyond maxConcurrentExecutions, then refuses with RESOURCE_EXHAUSTED naming the limit', async () => {
    const t = await server({ maxConcurrentExecutions: 1, maxQueueLength: 1, queueTimeoutMs: 60_000 });
    const { taskId } = await register(t, 'bp');
    const running = call(t, taskId, 'hold', { executionId: 'bp-running' }, { ms: 60_000 });
    await until(async () => (await systemInfo(t)).running_slots === '1/1', 'one execution running');
    const queued = call(t, taskId, 'state');
    await until(async () => (await systemInfo(t)).queue_depth === '1', 'one call queued');
    const health = await t.client.getHealth({ includeDetails: true });
    expect(health.status).toBe('degraded');
    expect(health.message).toMatch(/queue saturated/);
    expect(health.details).toMatchObject({ runningExecutions: 1, pendingExecutions: 1 });
    expect(health.details?.systemInfo).toMatchObject({ queue_depth: '1', queue_capacity: '1', busy_instances: '1' });
    const stats = await t.client.getStats({ includeExecutionStats: true });
    expect(stats.executionStats).toMatchObject({ runningExecutions: 1, pendingExecutions: 1 });
    const refused = await rpcError(call(t, taskId, 'state'));
    expect(refused.code).toBe(grpc.status.RESOURCE_EXHAUSTED);
    expect(refused.details).toMatch(/max_concurrent_executions 1.*wait queue is full \(1\)/);
    expect(refused.metadata.get('spearlet-error-code')).toEqual(['CAPACITY_EXHAUSTED']);
    await t.client.cancelExecution({ executionId: 'bp-running', reason: 'make room' });
    expect((await running).result?.status).toBe('EXECUTION_STATUS_CANCELLED');
    const served = await queued;
    expect(served.result?.status).toBe('EXECUTION_STATUS_COMPLETED');
    expect(served.result?.metrics.queue_ms).toMatch(/^\d+$/);
    expect((await t.client.getHealth({})).status).toBe('healthy');
  });

  it('refuses a call that waited past the queue timeout', async () => {
    const t = await server({ maxConcurrentExecutions: 1, maxQueueLength: 4, queueTimeoutMs: 200 });
    const { taskId } = await register(t, 'qt');
    const running = call(t, taskId, 'hold', { executionId: 'qt-running' }, { ms: 60_000 });
    await until(async () => (await systemInfo(t)).running_slots === '1/1', 'one execution running');
    const refused = await rpcError(call(t, taskId, 'state'));
    expect(refused.code).toBe(grpc.status.RESOURCE_EXHAUSTED);
    expect(refused.details).toMatch(/queue timeout/);
    await t.client.cancelExecution({ executionId: 'qt-running', reason: 'done' });
    await running;
  });

  it('holds a task to its max_concurrency without holding back other tasks', async () => {
    const t = await server({ maxQueueLength: 0 });
    const limited = await register(t, 'limited', { max_concurrency: '1' });
    const other = await register(t, 'other');
    const running = call(t, limited.taskId, 'hold', { executionId: 'mc-running' }, { ms: 60_000 });
    await until(async () => (await systemInfo(t)).running_slots === '1/64', 'one execution running');
    const refused = await rpcError(call(t, limited.taskId, 'state'));
    expect(refused.code).toBe(grpc.status.RESOURCE_EXHAUSTED);
    expect(refused.details).toMatch(new RegExp(`task ${limited.taskId} is at its max_concurrency of 1`));
    expect((await call(t, other.taskId, 'state')).result?.status).toBe('EXECUTION_STATUS_COMPLETED');
    await t.client.cancelExecution({ executionId: 'mc-running', reason: 'done' });
    await running;
  });
});
