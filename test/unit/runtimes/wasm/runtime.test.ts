/**
 * Wasm runtime: a task's module is compiled once per digest and limit and shared by its instances,
 * which still hold separate state.
 */
import { createHash } from 'node:crypto';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import type { Instance } from '../../../../src/core/runtime/runtime.js';
import { fixture, instanceOf, newRuntime, run, valueOf } from './helpers.js';

const runtime = newRuntime();
const instances: Instance[] = [];
const hostWasm = (globalThis as unknown as { WebAssembly: { compile(code: Uint8Array): Promise<object> } }).WebAssembly;

afterEach(() => {
  for (const instance of instances.splice(0)) instance.dispose();
  vi.restoreAllMocks();
});
afterAll(() => runtime.close());

async function many(name: string, count: number, memoryLimitMb?: number): Promise<Instance[]> {
  const created = await Promise.all(Array.from({ length: count }, () => instanceOf(runtime, name, memoryLimitMb)));
  instances.push(...created);
  return created;
}

describe('compile cache', () => {
  it('compiles once for concurrent instances of one digest and limit', async () => {
    const compile = vi.spyOn(hostWasm, 'compile');
    await many('i64.wasm', 3);
    await many('i64.wasm', 1);
    expect(compile).toHaveBeenCalledTimes(1);
    await many('i64.wasm', 1, 32);
    expect(compile).toHaveBeenCalledTimes(2);
  });

  it('compiles again after evict', async () => {
    await many('f64.wasm', 1);
    const compile = vi.spyOn(hostWasm, 'compile');
    runtime.evict(createHash('sha256').update(fixture('f64.wasm')).digest('hex'));
    await many('f64.wasm', 1);
    expect(compile).toHaveBeenCalledTimes(1);
    // Instances built before the eviction keep working.
    expect(valueOf((await run(instances[0], 'hypot', { args: [6, 8] })).outcome)).toEqual({ kind: 'number', value: 10 });
  });

  it('gives every instance its own module state', async () => {
    const [a, b] = await many('add.wasm', 2);
    await run(a, 'inc');
    await run(a, 'inc');
    expect(valueOf((await run(b, 'inc')).outcome)).toEqual({ kind: 'number', value: 1 });
    expect(a.id).not.toBe(b.id);
    expect(a.taskId).toBe('task-1');
  });

  it('disposes idempotently and reports no memory afterwards', async () => {
    const [a] = await many('add.wasm', 1);
    a.dispose();
    a.dispose();
    expect(a.memoryUsedBytes()).toBe(0);
    expect((await run(a, 'add', { args: [1, 2] })).outcome).toMatchObject({ status: 'failed', errorCode: 'INSTANCE_FAILED', instanceUsable: false });
  });
});
