import { afterEach, describe, expect, it } from 'vitest';
import { runOnPool, type RunRequest } from '../../../../src/core/execution/execution-runner.js';
import { InstancePool } from '../../../../src/core/pool/instance-pool.js';
import type { InvocationPlan } from '../../../../src/core/execution/invocation-plan.js';
import { OutcomeCodes } from '../../../../src/errors.js';
import { type FakeInstance, fakeSetup, ok, task, until } from '../fake-runtime.js';

const pools: InstancePool[] = [];
afterEach(() => {
  for (const p of pools.splice(0)) p.close();
});

function setup() {
  const { runtime, manager, config } = fakeSetup();
  const pool = new InstancePool(manager, config, async () => new Uint8Array(0));
  pools.push(pool);
  return { runtime, pool };
}

function plan(maxRetries: number, limits = {}): InvocationPlan {
  const t = task('a', limits);
  return { task: t, functionName: 'default', exportInfo: t.exports[0], params: {}, paramList: [], timeoutMs: 1_000, maxRetries };
}

function request(signal = new AbortController().signal, forceNewInstance = false): RunRequest {
  return {
    call: { executionId: 'e', taskId: 'a', functionName: 'default', params: {}, paramList: [], env: {}, headers: {}, sessionId: '', userId: '', deadline: Date.now() + 60_000, streaming: false },
    hooks: { onLog() {}, onChunk() {} },
    forceNewInstance,
    signal,
  };
}

const broken = ok({ status: 'failed', errorCode: OutcomeCodes.INSTANCE_FAILED, errorMessage: 'sandbox died', instanceUsable: false });

describe('runOnPool: max_retries', () => {
  it('retries a failure of the instance on a fresh instance, up to max_retries', async () => {
    const { pool } = setup();
    const warm = await pool.acquire(task('a'));
    (warm.pooled.instance as FakeInstance).script.push(broken);
    pool.release(warm, ok());
    const run = await runOnPool(pool, plan(2), request());
    expect(run).toMatchObject({ attempts: 2, coldStart: true, outcome: { status: 'completed' } });
    expect(run.instanceId).not.toBe(warm.pooled.instance.id);
  });

  it('gives up after max_retries and reports the last failure and the attempts', async () => {
    const { pool, runtime } = setup();
    const origin = runtime.createInstance.bind(runtime);
    runtime.createInstance = async (spec) => {
      const i = await origin(spec);
      i.script.push(ok({ status: 'failed', errorCode: OutcomeCodes.OUT_OF_MEMORY, instanceUsable: false }));
      return i;
    };
    const run = await runOnPool(pool, plan(2), request());
    expect(run).toMatchObject({ attempts: 3, outcome: { status: 'failed', errorCode: 'OUT_OF_MEMORY' } });
    expect(runtime.alive).toHaveLength(0);
  });

  it('retries nothing when max_retries is 0', async () => {
    const { pool, runtime } = setup();
    const origin = runtime.createInstance.bind(runtime);
    runtime.createInstance = async (spec) => {
      const i = await origin(spec);
      i.script.push(broken);
      return i;
    };
    expect(await runOnPool(pool, plan(0), request())).toMatchObject({ attempts: 1, outcome: { errorCode: 'INSTANCE_FAILED' } });
  });

  it('never retries a thrown error, a timeout or a cancellation', async () => {
    for (const outcome of [
      ok({ status: 'failed', errorCode: OutcomeCodes.FUNCTION_ERROR }),
      ok({ status: 'timeout', errorCode: OutcomeCodes.TIMEOUT, instanceUsable: false }),
      ok({ status: 'cancelled', errorCode: OutcomeCodes.CANCELLED, instanceUsable: false }),
    ]) {
      const { pool, runtime } = setup();
      const origin = runtime.createInstance.bind(runtime);
      runtime.createInstance = async (spec) => {
        const i = await origin(spec);
        i.script.push(outcome);
        return i;
      };
      expect(await runOnPool(pool, plan(3), request())).toMatchObject({ attempts: 1, outcome: { status: outcome.status } });
    }
  });

  it('retries an instance that could not be created', async () => {
    const { pool, runtime } = setup();
    runtime.failures.push(new Error('isolate creation failed'));
    expect(await runOnPool(pool, plan(1), request())).toMatchObject({ attempts: 2, outcome: { status: 'completed' } });
  });
});

describe('runOnPool: instances', () => {
  it('honours force_new_instance', async () => {
    const { pool } = setup();
    const first = await runOnPool(pool, plan(0), request());
    const warm = await runOnPool(pool, plan(0), request());
    const fresh = await runOnPool(pool, plan(0), request(undefined, true));
    expect(warm).toMatchObject({ coldStart: false, instanceId: first.instanceId });
    expect(fresh.coldStart).toBe(true);
    expect(fresh.instanceId).not.toBe(first.instanceId);
  });

  it('ends a call cancelled while it waits for an instance as cancelled', async () => {
    const { pool } = setup();
    const busy = await pool.acquire(task('a', { maxInstances: 1 }));
    const ac = new AbortController();
    const running = runOnPool(pool, plan(0, { maxInstances: 1 }), request(ac.signal));
    await until(() => pool.snapshot().waiting === 1);
    ac.abort(new Error('cancelled'));
    expect(await running).toMatchObject({ attempts: 1, outcome: { status: 'cancelled', errorCode: 'CANCELLED' } });
    pool.release(busy, ok());
  });
});

describe('runOnPool: a first call already running (FirstCall)', () => {
  it('counts it as the first, cold attempt and takes its instance into the pool for the next calls', async () => {
    const { pool, runtime } = setup();
    const instance = await runtime.createInstance({ taskId: 'a', digest: 'd', code: new Uint8Array(0), limits: { memoryLimitMb: 64 } });
    const run = await runOnPool(pool, plan(0), { ...request(), first: { instance, outcome: Promise.resolve(ok({ value: { kind: 'json', value: '7' } })) } });
    expect(run).toMatchObject({ attempts: 1, coldStart: true, instanceId: instance.id, outcome: { status: 'completed', value: { value: '7' } } });
    expect(pool.snapshot()).toMatchObject({ live: 1, idle: 1 });
    const warm = await runOnPool(pool, plan(0), request());
    expect(warm).toMatchObject({ coldStart: false, instanceId: instance.id });
  });

  it('retries a failure of that instance on a fresh one under max_retries, and disposes it', async () => {
    const { pool, runtime } = setup();
    const instance = await runtime.createInstance({ taskId: 'a', digest: 'd', code: new Uint8Array(0), limits: { memoryLimitMb: 64 } });
    const run = await runOnPool(pool, plan(1), { ...request(), first: { instance, outcome: Promise.resolve(broken) } });
    expect(run).toMatchObject({ attempts: 2, coldStart: true, outcome: { status: 'completed' } });
    expect(run.instanceId).not.toBe(instance.id);
    expect(instance.disposed).toBe(true);
  });

  it('lets the call end and disposes the instance when the pool has no room for it', async () => {
    const { pool, runtime } = setup();
    const held = await pool.acquire(task('a', { maxInstances: 1 }));
    const instance = await runtime.createInstance({ taskId: 'a', digest: 'd', code: new Uint8Array(0), limits: { memoryLimitMb: 64 } });
    const run = await runOnPool(pool, plan(0, { maxInstances: 1 }), { ...request(), first: { instance, outcome: Promise.resolve(ok()) } });
    expect(run.outcome.status).toBe('completed');
    expect(instance.disposed).toBe(true);
    expect(pool.snapshot().live).toBe(1);
    pool.release(held, ok());
  });
});
