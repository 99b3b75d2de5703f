/**
 * V8 runtime: flow control of streamed chunks. A generator never has more than the window of
 * chunks (or bytes) on their way: with nothing delivered it waits, and it goes on as chunks are.
 */
import { describe, expect, it } from 'vitest';
import type { EncodedValue } from '../../../../src/core/values/values.js';
import { afterAll } from 'vitest';
import type { Instance } from '../../../../src/core/runtime/runtime.js';
import { instanceOf, invocation, newRuntime } from './helpers.js';

const SOURCE = `
let made = 0;
export function* endless() { for (let i = 0; ; i++) { made++; yield i; } }
export async function* endlessAsync() { for (let i = 0; ; i++) { made++; await null; yield 'x'.repeat(1000); } }
export function* big() { for (let i = 0; ; i++) { made++; yield new Uint8Array(256 * 1024); } }
export function* count({ n }) { for (let i = 0; i < n; i++) yield i; }
export function madeSoFar() { const n = made; made = 0; return n; }
`;

const runtime = newRuntime({ streamWindowChunks: 8, streamWindowBytes: 1024 * 1024 });
const instances: Instance[] = [];
afterAll(async () => {
  for (const i of instances) i.dispose();
  await runtime.close();
});

/** Runs a streaming call, on a fresh instance, whose chunks are delivered only when `deliver` says so. */
async function streamWith(functionName: string, timeoutMs: number, deliver: (n: number) => boolean, params: Record<string, number> = {}) {
  const chunks: EncodedValue[] = [];
  const held: Array<() => void> = [];
  const instance = await instanceOf(runtime, SOURCE);
  instances.push(instance);
  const outcome = instance.execute(
    invocation(functionName, { streaming: true, timeoutMs, params }),
    {
      onLog: () => {},
      onChunk: (chunk, delivered) => {
        chunks.push(chunk);
        if (deliver(chunks.length)) delivered();
        else held.push(delivered);
      },
    },
    new AbortController().signal,
  );
  return { outcome, chunks, held };
}

describe('stream flow control', () => {
  it('a sync generator whose chunks are never delivered stops at the window and times out', async () => {
    const { outcome, chunks } = await streamWith('endless', 500, () => false);
    expect((await outcome).status).toBe('timeout');
    expect(chunks).toHaveLength(8);
  });

  it('an async generator stops at the window too', async () => {
    const { outcome, chunks } = await streamWith('endlessAsync', 500, () => false);
    expect((await outcome).status).toBe('timeout');
    expect(chunks).toHaveLength(8);
  });

  it('big chunks stop at the byte window: four of 256 KiB make 1 MiB', async () => {
    const { outcome, chunks } = await streamWith('big', 500, () => false);
    expect((await outcome).status).toBe('timeout');
    expect(chunks).toHaveLength(4);
  });

  it('goes on as held chunks are delivered, and completes with every chunk in order', async () => {
    const run = await streamWith('count', 5_000, () => false, { n: 50 });
    // Deliver whatever is held, a little at a time, until the call ends.
    let ended = false;
    void run.outcome.then(() => (ended = true));
    while (!ended) {
      await new Promise((r) => setTimeout(r, 5));
      for (const delivered of run.held.splice(0, 3)) delivered();
    }
    expect((await run.outcome).status).toBe('completed');
    expect(run.chunks.map((c) => (c.kind === 'json' ? Number(c.value) : -1))).toEqual(Array.from({ length: 50 }, (_, i) => i));
  });

  it('a consumer that keeps up sees no limit', async () => {
    const { outcome, chunks } = await streamWith('count', 5_000, () => true, { n: 5000 });
    expect((await outcome).status).toBe('completed');
    expect(chunks).toHaveLength(5000);
  });
});
