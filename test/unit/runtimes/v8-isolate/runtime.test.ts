/**
 * V8 runtime as a whole: blank isolate pool, code cache, many instances at once, close.
 */
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { BlankIsolates } from '../../../../runtimes/v8-isolate/blank-isolates.js';
import type { Sandbox } from '../../../../runtimes/v8-isolate/sandbox.js';
import { bytesOf, instanceOf, jsonOf, MB, newRuntime, run } from './helpers.js';
import { analyze } from '../run-call.js';

async function until(condition: () => boolean, ms = 5_000): Promise<void> {
  const end = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 5));
  }
}

describe('blank isolates', () => {
  function fakeSandbox(): Sandbox {
    let disposed = false;
    return {
      get isDisposed() {
        return disposed;
      },
      dispose() {
        disposed = true;
      },
    } as unknown as Sandbox;
  }

  it('keeps `size` spares per memory limit and refills after a take', async () => {
    const created: number[] = [];
    const pool = new BlankIsolates(2, async (mb) => {
      created.push(mb);
      return fakeSandbox();
    });
    pool.warm(64);
    await until(() => pool.spareCount === 2);
    expect(pool.take(64)).toBeDefined();
    await until(() => pool.spareCount === 2);
    expect(created).toEqual([64, 64, 64]);
    expect(pool.take(128)).toBeUndefined();
    await until(() => pool.spareCount === 4);
    pool.close();
    expect(pool.spareCount).toBe(0);
  });

  it('disposes spares of the least recently used limit beyond four limits', async () => {
    const sandboxes: Sandbox[] = [];
    const pool = new BlankIsolates(1, async () => {
      const s = fakeSandbox();
      sandboxes.push(s);
      return s;
    });
    for (const mb of [8, 16, 32, 64]) pool.warm(mb);
    await until(() => pool.spareCount === 4);
    pool.warm(128);
    await until(() => pool.spareCount === 4 && sandboxes.length === 5);
    expect(sandboxes[0].isDisposed).toBe(true);
    pool.close();
    expect(sandboxes.every((s) => s.isDisposed)).toBe(true);
  });

  it('does nothing with size 0', () => {
    const pool = new BlankIsolates(0, async () => fakeSandbox());
    pool.warm(64);
    expect(pool.take(64)).toBeUndefined();
    expect(pool.spareCount).toBe(0);
  });
});

describe('V8Runtime', () => {
  it('prewarms blank isolates for the default memory limit', async () => {
    const runtime = newRuntime({ prewarmIsolates: 2 });
    await until(() => runtime.spareIsolates === 2);
    const instance = await instanceOf(runtime, 'export default () => 1;');
    await until(() => runtime.spareIsolates === 2);
    instance.dispose();
    await runtime.close();
    expect(runtime.spareIsolates).toBe(0);
  });

  it('keeps V8 code cache per digest from its second load on, and forgets it on evict', async () => {
    const runtime = newRuntime({ prewarmIsolates: 0 });
    const code = bytesOf('export default (p) => p.n * 2;\nexport const unused = 1;\n');
    const digest = createHash('sha256').update(code).digest('hex');
    await analyze(runtime, code, { memoryLimitMb: MB });
    // A new task's first load (its cold start) does not pay for serialising the code.
    expect(runtime.cachedArtifacts).toBe(0);
    await analyze(runtime, code, { memoryLimitMb: MB });
    expect(runtime.cachedArtifacts).toBe(1);
    const instances = await Promise.all([1, 2].map(() => runtime.createInstance({ taskId: 't', digest, code, limits: { memoryLimitMb: MB } })));
    for (const instance of instances) expect(jsonOf((await run(instance, '', { params: { n: 21 } })).outcome)).toBe(42);
    runtime.evict(digest);
    expect(runtime.cachedArtifacts).toBe(0);
    await runtime.close();
    expect(runtime.liveInstances).toBe(0);
  });

  it('runs many instances at once, each with its own state', async () => {
    const runtime = newRuntime({ prewarmIsolates: 0 });
    const source = 'let calls = 0; export default async (p) => { await new Promise((r) => setTimeout(r, 1)); calls++; return p.id * 1000 + calls; };';
    const instances = await Promise.all(Array.from({ length: 12 }, () => instanceOf(runtime, source)));
    const results = await Promise.all(
      instances.map(async (instance, id) => {
        const values = [];
        for (let i = 0; i < 5; i++) values.push(jsonOf((await run(instance, '', { params: { id } })).outcome));
        return values;
      }),
    );
    results.forEach((values, id) => expect(values).toEqual([1, 2, 3, 4, 5].map((n) => id * 1000 + n)));
    await runtime.close();
    expect(runtime.liveInstances).toBe(0);
  });

  it('a closed runtime disposes its instances', async () => {
    const runtime = newRuntime({ prewarmIsolates: 0 });
    const instance = await instanceOf(runtime, 'export default () => 1;');
    await runtime.close();
    const { outcome } = await run(instance, '');
    expect(outcome).toMatchObject({ status: 'failed', errorCode: 'INSTANCE_FAILED', instanceUsable: false });
  });
});
