/**
 * V8 runtime: deadlines, cancellation, memory limits and stack overflow. After every hostile case
 * the process must be fine and a fresh instance must still work.
 */
import { describe, expect, it } from 'vitest';
import { disposedAfterEach } from '../run-call.js';
import { expectFreshInstanceWorks, instanceOf, newRuntime, run } from './helpers.js';

const SOURCE = `
export function syncLoop() { while (true) {} }
export async function awaitThenLoop() { await null; while (true) {} }
export async function timerThenLoop() { await new Promise((r) => setTimeout(r, 10)); for (;;) {} }
export async function neverSettles() { await new Promise(() => {}); }
export function loopInMicrotask() { Promise.resolve().then(() => { for (;;) {} }); return 'returned'; }
export async function slow() { await new Promise((r) => setTimeout(r, 5000)); return 'late'; }
export function heapBomb() { const keep = []; for (;;) keep.push({ n: Math.random(), s: 'x' + Math.random() }); }
export function bufferBomb() { const keep = []; for (;;) keep.push(new ArrayBuffer(64 * 1024 * 1024)); }
export function smallBufferBomb() { const keep = []; for (;;) keep.push(new ArrayBuffer(1024 * 1024)); }
export function recurse() { const r = (n) => r(n + 1) + 1; return r(0); }
export function recurseCaught() { const r = (n) => r(n + 1) + 1; try { return r(0); } catch (e) { return 'caught ' + e.name; } }
export function ok() { return 'ok'; }
`;

const runtime = newRuntime();
const fresh = disposedAfterEach(runtime, (memoryLimitMb?: number) => instanceOf(runtime, SOURCE, memoryLimitMb), () => expectFreshInstanceWorks(runtime));

describe('deadline', () => {
  it.each(['syncLoop', 'awaitThenLoop', 'timerThenLoop', 'neverSettles', 'loopInMicrotask'])('%s ends TIMEOUT at the deadline', async (fn) => {
    const instance = await fresh();
    const started = Date.now();
    const { outcome } = await run(instance, fn, { timeoutMs: 300 });
    const elapsed = Date.now() - started;
    expect(outcome).toMatchObject({ status: 'timeout', errorCode: 'TIMEOUT', instanceUsable: false });
    expect(elapsed).toBeGreaterThanOrEqual(290);
    expect(elapsed).toBeLessThan(2_000);
  });

  it('a deadline that already passed runs nothing', async () => {
    const instance = await fresh();
    const { outcome } = await run(instance, 'ok', { timeoutMs: -1 });
    expect(outcome).toMatchObject({ status: 'timeout', instanceUsable: true });
    expect((await run(instance, 'ok')).outcome.value).toEqual({ kind: 'string', value: 'ok' });
  });

  it('reports CPU time for a busy call', async () => {
    const instance = await fresh();
    const { outcome } = await run(instance, 'syncLoop', { timeoutMs: 200 });
    expect(outcome.cpuTimeUs).toBeGreaterThan(50_000);
  });
});

describe('cancellation', () => {
  it('an aborted signal ends a running call CANCELLED and terminates the isolate', async () => {
    const instance = await fresh();
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 100);
    const started = Date.now();
    const { outcome } = await run(instance, 'syncLoop', { timeoutMs: 5_000, signal: controller.signal });
    expect(outcome).toMatchObject({ status: 'cancelled', errorCode: 'CANCELLED', instanceUsable: false });
    expect(Date.now() - started).toBeLessThan(2_000);
    const after = await run(instance, 'ok');
    expect(after.outcome).toMatchObject({ status: 'failed', errorCode: 'INSTANCE_FAILED', instanceUsable: false });
  });

  it('cancels a call waiting on a timer', async () => {
    const instance = await fresh();
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 50);
    const { outcome } = await run(instance, 'slow', { timeoutMs: 5_000, signal: controller.signal });
    expect(outcome.status).toBe('cancelled');
  });

  it('a signal aborted before the call runs nothing', async () => {
    const instance = await fresh();
    const controller = new AbortController();
    controller.abort();
    const { outcome } = await run(instance, 'ok', { signal: controller.signal });
    expect(outcome).toMatchObject({ status: 'cancelled', instanceUsable: true });
  });
});

describe('memory limit', () => {
  it('a heap bomb ends OUT_OF_MEMORY', async () => {
    const instance = await fresh(32);
    const { outcome } = await run(instance, 'heapBomb', { timeoutMs: 20_000 });
    expect(outcome).toMatchObject({ status: 'failed', errorCode: 'OUT_OF_MEMORY', instanceUsable: false });
    expect(outcome.errorMessage).toMatch(/32 MB memory limit/);
  });

  it.each(['bufferBomb', 'smallBufferBomb'])('an ArrayBuffer bomb (%s) ends OUT_OF_MEMORY', async (fn) => {
    const instance = await fresh(64);
    const { outcome } = await run(instance, fn, { timeoutMs: 10_000 });
    expect(outcome).toMatchObject({ status: 'failed', errorCode: 'OUT_OF_MEMORY', instanceUsable: false });
    expect(outcome.errorMessage).toMatch(/Array buffer allocation failed/);
    expect((await run(instance, 'ok')).outcome.errorCode).toBe('INSTANCE_FAILED');
  });
});

describe('neighbours', () => {
  it('other instances keep answering while one hits its memory limit and another loops', async () => {
    const [bomb, looper, healthy] = await Promise.all([fresh(32), fresh(), fresh()]);
    const hostile = Promise.all([run(bomb, 'heapBomb', { timeoutMs: 20_000 }), run(looper, 'syncLoop', { timeoutMs: 500 })]);
    const answers = [];
    for (let i = 0; i < 50; i++) answers.push((await run(healthy, 'ok')).outcome.value);
    const [bombed, looped] = await hostile;
    expect(answers).toEqual(Array.from({ length: 50 }, () => ({ kind: 'string', value: 'ok' })));
    expect(bombed.outcome.errorCode).toBe('OUT_OF_MEMORY');
    expect(looped.outcome.errorCode).toBe('TIMEOUT');
    expect((await run(healthy, 'ok')).outcome.value).toEqual({ kind: 'string', value: 'ok' });
  });
});

describe('stack overflow', () => {
  it('deep recursion fails with FUNCTION_ERROR and the instance stays usable', async () => {
    const instance = await fresh();
    const { outcome } = await run(instance, 'recurse');
    expect(outcome).toMatchObject({
      status: 'failed',
      errorCode: 'FUNCTION_ERROR',
      errorMessage: 'RangeError: Maximum call stack size exceeded',
      instanceUsable: true,
    });
    expect((await run(instance, 'recurseCaught')).outcome.value).toEqual({ kind: 'string', value: 'caught RangeError' });
    expect((await run(instance, 'ok')).outcome.value).toEqual({ kind: 'string', value: 'ok' });
  });
});

describe('dispose', () => {
  it('disposing during a call ends it INSTANCE_FAILED', async () => {
    const instance = await fresh();
    const pending = run(instance, 'syncLoop', { timeoutMs: 5_000 });
    setTimeout(() => instance.dispose(), 50);
    const { outcome } = await pending;
    expect(outcome).toMatchObject({ status: 'failed', errorCode: 'INSTANCE_FAILED', instanceUsable: false });
    instance.dispose();
  });
});
