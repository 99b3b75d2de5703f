/**
 * Wasm runtime: calling core exports with positional numeric parameters, result encoding, and
 * signature checks that leave the instance usable.
 */
import { afterAll, describe, expect, it } from 'vitest';
import type { Instance } from '../../../../src/core/runtime/runtime.js';
import { OutcomeCodes } from '../../../../src/errors.js';
import { checkArgs } from '../../../../runtimes/wasm/params.js';
import { instanceOf, newRuntime, run, valueOf } from './helpers.js';

const runtime = newRuntime();
const add = await instanceOf(runtime, 'add.wasm');
const i64 = await instanceOf(runtime, 'i64.wasm');
const f64 = await instanceOf(runtime, 'f64.wasm');
afterAll(async () => {
  for (const instance of [add, i64, f64]) instance.dispose();
  await runtime.close();
});

async function expectValue(instance: Instance, fn: string, args: unknown[], expected: unknown): Promise<void> {
  const { outcome } = await run(instance, fn, { args: args as never[] });
  expect(valueOf(outcome)).toEqual(expected);
  expect(outcome.instanceUsable).toBe(true);
}

describe('results', () => {
  it('adds two i32 numbers', async () => {
    await expectValue(add, 'add', [2, 3], { kind: 'number', value: 5 });
    await expectValue(add, 'add', [-7, 3], { kind: 'number', value: -4 });
    await expectValue(add, 'add', [2147483647, 1], { kind: 'number', value: -2147483648 });
  });

  it('keeps module state across calls of one instance', async () => {
    const first = valueOf((await run(add, 'inc')).outcome);
    const second = valueOf((await run(add, 'inc')).outcome);
    expect(first).toEqual({ kind: 'number', value: 1 });
    expect(second).toEqual({ kind: 'number', value: 2 });
  });

  it('returns a JSON list for several results and none for no result', async () => {
    await expectValue(add, 'swap', [1, 2], { kind: 'json', value: '[2,1]' });
    await expectValue(add, 'noop', [], { kind: 'none' });
  });

  it('takes and returns i64 as BigInt, accepting safe integers', async () => {
    await expectValue(i64, 'factorial', [20n], { kind: 'bigint', value: 2432902008176640000n });
    await expectValue(i64, 'factorial', [20], { kind: 'bigint', value: 2432902008176640000n });
    await expectValue(i64, 'mul', [2n ** 40n, 2n ** 22n], { kind: 'bigint', value: 2n ** 62n });
    await expectValue(i64, 'mul', [2n ** 62n, 4n], { kind: 'bigint', value: 0n });
    await expectValue(i64, 'mul', [-3, 5], { kind: 'bigint', value: -15n });
    await expectValue(i64, 'add32to64', [-1, 2n ** 60n], { kind: 'bigint', value: 2n ** 60n - 1n });
  });

  it('does float math in f64 and f32', async () => {
    await expectValue(f64, 'hypot', [3, 4], { kind: 'number', value: 5 });
    await expectValue(f64, 'div', [1, 3], { kind: 'number', value: 1 / 3 });
    await expectValue(f64, 'div', [1, 0], { kind: 'number', value: Infinity });
    await expectValue(f64, 'half32', [3], { kind: 'number', value: 1.5 });
  });
});

describe('signature checks', () => {
  it.each([
    ['add', [1], "export 'add' takes (i32, i32), got 1 parameter"],
    ['add', [1, 2, 3], "export 'add' takes (i32, i32), got 3 parameters"],
    ['noop', [1], "export 'noop' takes (), got 1 parameter"],
    ['add', [1, 'two'], "export 'add' parameter 2 must be i32 (an integer from -2147483648 to 4294967295), got string"],
    ['add', [1.5, 2], "export 'add' parameter 1 must be i32 (an integer from -2147483648 to 4294967295), got 1.5"],
    ['add', [2 ** 32, 2], "export 'add' parameter 1 must be i32 (an integer from -2147483648 to 4294967295), got 4294967296"],
    ['add', [true, 2], "export 'add' parameter 1 must be i32 (an integer from -2147483648 to 4294967295), got boolean"],
    ['add', [null, 2], "export 'add' parameter 1 must be i32 (an integer from -2147483648 to 4294967295), got null"],
  ])('%s(%j) fails INVALID_PARAMETERS and the instance stays usable', async (fn, args, message) => {
    const { outcome } = await run(add, fn, { args: args as never[] });
    expect(outcome).toMatchObject({ status: 'failed', errorCode: OutcomeCodes.INVALID_PARAMETERS, errorMessage: message, instanceUsable: true });
    await expectValue(add, 'add', [1, 1], { kind: 'number', value: 2 });
  });

  it('rejects i64 values that are unsafe numbers or out of range', async () => {
    const { outcome } = await run(i64, 'factorial', { args: [2 ** 60] });
    expect(outcome.errorMessage).toBe("export 'factorial' parameter 1 must be i64 (a BigInt or a safe integer), got 1152921504606847000");
    expect((await run(i64, 'factorial', { args: [2n ** 64n] })).outcome.errorCode).toBe(OutcomeCodes.INVALID_PARAMETERS);
    expect((await run(f64, 'hypot', { args: [1n, 2] })).outcome.errorMessage).toContain('must be f64 (a number), got 1n');
  });

  it('wraps unsigned i32 and i64 inputs to their signed form', () => {
    expect(checkArgs('f', { params: ['i32', 'i64'], results: [] }, [2 ** 32 - 1, 2n ** 64n - 1n])).toEqual({ ok: true, args: [-1, -1n] });
  });

  it('refuses unknown and missing function names', async () => {
    const unknown = (await run(add, 'sub', { args: [1, 2] })).outcome;
    expect(unknown).toMatchObject({ status: 'failed', errorCode: OutcomeCodes.INVALID_PARAMETERS, instanceUsable: true });
    expect(unknown.errorMessage).toBe("function_name names no exported function ('sub'); exported functions: add, inc, swap, noop");
    const empty = (await run(add, '')).outcome;
    expect(empty.errorMessage).toContain('function_name is required for this module');
  });
});

describe('stats', () => {
  it('fills cpu time and memory used', async () => {
    const { outcome } = await run(add, 'add', { args: [1, 2] });
    expect(outcome.cpuTimeUs).toBeGreaterThan(0);
    expect(outcome.memoryUsedBytes).toBeGreaterThan(100_000);
    expect(add.memoryUsedBytes()).toBe(outcome.memoryUsedBytes);
  });
});
