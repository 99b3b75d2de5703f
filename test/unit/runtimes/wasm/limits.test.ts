/**
 * Wasm runtime: traps, deadlines, cancellation and the linear memory limit. After every hostile
 * case a fresh instance must still work.
 */
import { describe, expect, it } from 'vitest';
import { OutcomeCodes } from '../../../../src/errors.js';
import { expectFreshInstanceWorks, fixture, instanceOf, newRuntime, run, stdoutOf, valueOf } from './helpers.js';
import { analyze, disposedAfterEach } from '../run-call.js';

const runtime = newRuntime();
const fresh = disposedAfterEach(runtime, (name: string, memoryLimitMb?: number) => instanceOf(runtime, name, memoryLimitMb), () => expectFreshInstanceWorks(runtime));

describe('traps', () => {
  it.each([
    ['unreachable', [], 'RuntimeError: unreachable'],
    ['div', [1, 0], 'RuntimeError: divide by zero'],
    ['oob', [], 'RuntimeError: memory access out of bounds'],
    ['recurse', [0], 'RangeError: Maximum call stack size exceeded'],
  ])('%s ends FAILED with TRAP and the instance keeps working', async (fn, args, message) => {
    const instance = await fresh('trap.wasm');
    const { outcome } = await run(instance, fn, { args: args as number[] });
    expect(outcome).toMatchObject({ status: 'failed', errorCode: OutcomeCodes.TRAP, errorMessage: message, instanceUsable: true });
    expect(valueOf((await run(instance, 'ok')).outcome)).toEqual({ kind: 'number', value: 42 });
  });

  it('starts from a fresh Wasm instance after a trap, with state reset', async () => {
    const instance = await fresh('trap.wasm');
    await run(instance, 'inc');
    expect(valueOf((await run(instance, 'inc')).outcome)).toEqual({ kind: 'number', value: 2 });
    expect((await run(instance, 'unreachable')).outcome.errorCode).toBe(OutcomeCodes.TRAP);
    expect(valueOf((await run(instance, 'inc')).outcome)).toEqual({ kind: 'number', value: 1 });
  });

  it('keeps module state after a call refused for its parameters', async () => {
    const instance = await fresh('trap.wasm');
    await run(instance, 'inc');
    expect((await run(instance, 'div', { args: [1] })).outcome.errorCode).toBe(OutcomeCodes.INVALID_PARAMETERS);
    expect(valueOf((await run(instance, 'inc')).outcome)).toEqual({ kind: 'number', value: 2 });
  });
});

describe('deadline', () => {
  it('ends an infinite loop with TIMEOUT at the deadline and gives up the instance', async () => {
    const instance = await fresh('loop.wasm');
    const started = Date.now();
    const { outcome } = await run(instance, 'spin', { timeoutMs: 300 });
    const elapsed = Date.now() - started;
    expect(outcome).toMatchObject({ status: 'timeout', errorCode: OutcomeCodes.TIMEOUT, instanceUsable: false });
    expect(elapsed).toBeGreaterThanOrEqual(290);
    expect(elapsed).toBeLessThan(1500);
    expect(outcome.cpuTimeUs).toBeGreaterThan(100_000);
    const after = (await run(instance, 'ok')).outcome;
    expect(after).toMatchObject({ status: 'failed', errorCode: OutcomeCodes.INSTANCE_FAILED, instanceUsable: false });
  });

  it('ends a WASI sleep past the deadline with TIMEOUT', async () => {
    const instance = await fresh('wasi-echo-c.wasm');
    const started = Date.now();
    const { outcome } = await run(instance, '', { args: ['sleep:5000'], timeoutMs: 250 });
    expect(outcome).toMatchObject({ status: 'timeout', instanceUsable: false });
    expect(Date.now() - started).toBeLessThan(1500);
  });

  it('runs a start function only inside a call, under its deadline', async () => {
    await analyze(runtime, fixture('start-loop.wasm'), { memoryLimitMb: 64 });
    const instance = await fresh('start-loop.wasm');
    const { outcome } = await run(instance, 'ok', { timeoutMs: 250 });
    expect(outcome).toMatchObject({ status: 'timeout', errorCode: OutcomeCodes.TIMEOUT, instanceUsable: false });
  });

  it('does not start a call whose deadline has passed', async () => {
    const instance = await fresh('loop.wasm');
    const { outcome } = await run(instance, 'spin', { timeoutMs: -1 });
    expect(outcome).toMatchObject({ status: 'timeout', instanceUsable: true });
    expect(valueOf((await run(instance, 'ok')).outcome)).toEqual({ kind: 'number', value: 1 });
  });

  it('keeps serving calls with later deadlines after a short one finished', async () => {
    const instance = await fresh('loop.wasm');
    expect((await run(instance, 'ok', { timeoutMs: 200 })).outcome.status).toBe('completed');
    const { outcome } = await run(instance, 'spin', { timeoutMs: 400 });
    expect(outcome.status).toBe('timeout');
  });
});

describe('cancellation', () => {
  it('cancels a running loop through the signal', async () => {
    const instance = await fresh('loop.wasm');
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 100);
    const started = Date.now();
    const { outcome } = await run(instance, 'spin', { timeoutMs: 5_000, signal: controller.signal });
    expect(outcome).toMatchObject({ status: 'cancelled', errorCode: OutcomeCodes.CANCELLED, instanceUsable: false });
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it('does not start a call that is already cancelled', async () => {
    const instance = await fresh('loop.wasm');
    const { outcome } = await run(instance, 'spin', { signal: AbortSignal.abort() });
    expect(outcome).toMatchObject({ status: 'cancelled', instanceUsable: true });
  });
});

describe('linear memory limit', () => {
  it('memory.grow returns -1 at the limit: 16 MiB is 256 pages', async () => {
    const instance = await fresh('grow.wasm', 16);
    const { outcome } = await run(instance, 'grow_until_fail');
    expect(valueOf(outcome)).toEqual({ kind: 'number', value: 256 });
    expect(outcome.memoryUsedBytes).toBeGreaterThanOrEqual(16 * 1024 * 1024);
    expect(valueOf((await run(instance, 'grow', { args: [1] })).outcome)).toEqual({ kind: 'number', value: -1 });
    expect(valueOf((await run(instance, 'size')).outcome)).toEqual({ kind: 'number', value: 256 });
  });

  it('a grow past the limit in one step fails while smaller ones succeed', async () => {
    const instance = await fresh('grow.wasm', 8);
    expect(valueOf((await run(instance, 'grow', { args: [200] })).outcome)).toEqual({ kind: 'number', value: -1 });
    expect(valueOf((await run(instance, 'grow', { args: [127] })).outcome)).toEqual({ kind: 'number', value: 1 });
    expect(valueOf((await run(instance, 'grow', { args: [1] })).outcome)).toEqual({ kind: 'number', value: -1 });
  });

  it('keeps a declared maximum below the limit', async () => {
    const instance = await fresh('grow-max.wasm', 64);
    expect(valueOf((await run(instance, 'grow_until_fail')).outcome)).toEqual({ kind: 'number', value: 4 });
  });

  it('a C program sees malloc fail at the limit instead of growing past it', async () => {
    const instance = await fresh('wasi-echo-c.wasm', 16);
    const over = (await run(instance, '', { args: ['alloc:32'] })).outcome;
    expect(over).toMatchObject({ status: 'failed', errorCode: OutcomeCodes.EXIT_CODE, errorMessage: 'exited with code 4' });
    const under = (await run(instance, '', { args: ['alloc:8'] })).outcome;
    expect(stdoutOf(under)).toBe('allocated 8 MiB (last page 1)');
  });

  it('ends a stdout flood at the isolate memory limit with OUT_OF_MEMORY', async () => {
    const instance = await fresh('wasi-flood.wasm', 16);
    const { outcome } = await run(instance, '', { timeoutMs: 5_000 });
    expect(outcome).toMatchObject({ status: 'failed', errorCode: OutcomeCodes.OUT_OF_MEMORY, instanceUsable: false });
    expect(outcome.errorMessage).toMatch(/^the instance ran out of memory: /);
  });

  it('compiles per limit: the same module with another limit gets its own cap', async () => {
    const small = await fresh('grow.wasm', 8);
    const large = await fresh('grow.wasm', 32);
    expect(valueOf((await run(small, 'grow_until_fail')).outcome)).toEqual({ kind: 'number', value: 128 });
    expect(valueOf((await run(large, 'grow_until_fail')).outcome)).toEqual({ kind: 'number', value: 512 });
  });
});
