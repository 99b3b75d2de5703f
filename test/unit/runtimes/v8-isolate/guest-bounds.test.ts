/**
 * V8 runtime: what one guest can make its host hold, and limits a guest cannot dodge or forge.
 * Timers and streamed chunks are bounded per call, work left running after a call ended does not
 * survive into the pool, the memory limit holds for large strings, and only the runtime's own
 * enforcement reports OUT_OF_MEMORY.
 */
import { describe, expect, it } from 'vitest';
import type { EncodedValue } from '../../../../src/core/values/values.js';
import { disposedAfterEach } from '../run-call.js';
import { expectFreshInstanceWorks, instanceOf, invocation, jsonOf, newRuntime, run } from './helpers.js';

const SOURCE = `
export function leaves() { (async () => { for (;;) await null })(); return 1; }
export function tidyAfter() { Promise.resolve().then(() => { let x = 0; for (let i = 0; i < 1000; i++) x += i; }); return 2; }
export function ok() { return 'ok'; }
export function timerFlood() { for (;;) clearTimeout(setTimeout(() => {}, 1e9)); }
export function earlierAndEarlier() { let i = 0; for (;;) clearTimeout(setTimeout(() => {}, 1e9 - (i++ % 1e8))); }
export async function timerOrder() {
  const seen = [];
  const dueOf = [];
  await new Promise((resolve) => {
    setTimeout(() => seen.push('zero'), 0);
    for (let i = 0; i < 200; i++) { dueOf[i] = Date.now() + 3 * (200 - i); setTimeout(() => seen.push(i), 3 * (200 - i)); }
    const cleared = setTimeout(() => seen.push('cleared'), 5);
    clearTimeout(cleared);
    let ticks = 0;
    const iv = setInterval(() => { ticks++; if (ticks === 3) clearInterval(iv); }, 7);
    setTimeout(() => setTimeout(() => { seen.push('nested'); resolve(); }, 20), 620);
  });
  // In order of due time (2 ms of slack for the guest clock's resolution), each exactly once.
  const fired = seen.slice(1, 201);
  const order = new Set(fired).size === 200 && fired.every((v, k) => k === 0 || dueOf[v] >= dueOf[fired[k - 1]] - 2);
  return { first: seen[0], order, last: seen[seen.length - 1], length: seen.length };
}
export function* chunks({ n }) { const c = 'x'.repeat(128 * 1024); for (let i = 0; i < n; i++) yield c + i; }
export function* endless() { const c = new Uint8Array(256 * 1024); for (;;) yield c; }
export function bigJoin() { const parts = []; const s = 'x'.repeat(1024 * 1024); for (let i = 0; i < 381; i++) parts.push(s); return parts.join('').length; }
export function forged() { throw new RangeError('Array buffer allocation failed'); }
export function realRefusal() { const keep = []; for (;;) keep.push(new ArrayBuffer(4 * 1024 * 1024)); }
`;

const runtime = newRuntime();
const fresh = disposedAfterEach(runtime, (memoryLimitMb?: number) => instanceOf(runtime, SOURCE, memoryLimitMb), () => expectFreshInstanceWorks(runtime));

describe('work left running after the call ended', () => {
  it('reports the result, and the instance does not go back to the pool still spinning', async () => {
    const instance = await fresh();
    const { outcome } = await run(instance, 'leaves', { timeoutMs: 5_000 });
    expect(outcome).toMatchObject({ status: 'completed', value: { kind: 'json', value: '1' }, instanceUsable: false });
    expect((await run(instance, 'ok')).outcome).toMatchObject({ status: 'failed', errorCode: 'INSTANCE_FAILED' });
  });

  it('work that finishes right after the return keeps the instance', async () => {
    const instance = await fresh();
    expect((await run(instance, 'tidyAfter')).outcome).toMatchObject({ status: 'completed', instanceUsable: true });
    expect((await run(instance, 'ok')).outcome.value).toEqual({ kind: 'string', value: 'ok' });
  });
});

describe('timers', () => {
  it.each(['timerFlood', 'earlierAndEarlier'])('a %s ends TIMEOUT on time without flooding the host', async (fn) => {
    const instance = await fresh();
    const rssBefore = process.memoryUsage.rss();
    const started = Date.now();
    const { outcome } = await run(instance, fn, { timeoutMs: 1_000 });
    expect(outcome).toMatchObject({ status: 'timeout', errorCode: 'TIMEOUT' });
    expect(Date.now() - started).toBeLessThan(2_500);
    expect(process.memoryUsage.rss() - rssBefore).toBeLessThan(200 * 1024 * 1024);
  });

  it('fire in order of their due time, intervals repeat and cleared ones never fire', async () => {
    const instance = await fresh();
    const { outcome } = await run(instance, 'timerOrder', { timeoutMs: 3_000 });
    expect(jsonOf(outcome)).toEqual({ first: 'zero', order: true, last: 'nested', length: 202 });
  });
});

describe('streamed chunks', () => {
  /** Runs a streaming call whose consumer takes `delayMs` per chunk; counts chunks not yet taken. */
  async function slowConsumer(fn: string, n: number, delayMs: number, timeoutMs: number) {
    const instance = await fresh();
    let inFlight = 0;
    let maxInFlight = 0;
    const received: EncodedValue[] = [];
    const outcome = await instance.execute(
      invocation(fn, { params: { n }, streaming: true, timeoutMs }),
      {
        onLog: () => {},
        onChunk: (chunk, delivered) => {
          received.push(chunk);
          inFlight++;
          maxInFlight = Math.max(maxInFlight, inFlight);
          setTimeout(() => (inFlight--, delivered()), delayMs);
        },
      },
      new AbortController().signal,
    );
    return { outcome, received, maxInFlight };
  }

  it('a generator waits while its undelivered chunks fill the window, and every chunk arrives in order', async () => {
    const { outcome, received, maxInFlight } = await slowConsumer('chunks', 40, 5, 10_000);
    expect(outcome).toMatchObject({ status: 'completed', instanceUsable: true });
    expect(received.map((c) => (c.kind === 'string' ? Number(c.value.slice(128 * 1024)) : -1))).toEqual(Array.from({ length: 40 }, (_, i) => i));
    // The stream window (1 MiB, counting a string's characters twice) holds a few 256 KiB chunks.
    expect(maxInFlight).toBeLessThanOrEqual(6);
  });

  it('an endless generator of 256 KiB chunks is held to the window and ends TIMEOUT alone', async () => {
    const { outcome, received, maxInFlight } = await slowConsumer('endless', 0, 20, 1_000);
    expect(outcome).toMatchObject({ status: 'timeout', errorCode: 'TIMEOUT' });
    expect(maxInFlight).toBeLessThanOrEqual(6);
    expect(received.length).toBeGreaterThan(0);
  });
});

describe('memory limit', () => {
  it('holds for a 381 MB string built by join', async () => {
    const instance = await fresh(16);
    const { outcome } = await run(instance, 'bigJoin', { timeoutMs: 20_000 });
    expect(outcome).toMatchObject({ status: 'failed', errorCode: 'OUT_OF_MEMORY', instanceUsable: false });
    expect(outcome.errorMessage).toMatch(/16 MB memory limit/);
  });

  it('a RangeError the guest throws itself is its own FUNCTION_ERROR', async () => {
    const instance = await fresh();
    const { outcome } = await run(instance, 'forged');
    expect(outcome).toMatchObject({ status: 'failed', errorCode: 'FUNCTION_ERROR', errorMessage: 'RangeError: Array buffer allocation failed', instanceUsable: true });
    expect((await run(instance, 'ok')).outcome.value).toEqual({ kind: 'string', value: 'ok' });
  });

  it('an allocation the limit refused is still OUT_OF_MEMORY', async () => {
    const instance = await fresh(32);
    const { outcome } = await run(instance, 'realRefusal', { timeoutMs: 10_000 });
    expect(outcome).toMatchObject({ status: 'failed', errorCode: 'OUT_OF_MEMORY', instanceUsable: false });
  });
});

describe('an isolate isolated-vm loses', () => {
  it('is reported as a catastrophe once it does not stop after its disposal; ordinary disposals are not', async () => {
    const own = newRuntime();
    try {
      const source = 'export function explode() { return new Array(2 ** 26).fill(0).length; } export function spin() { for (;;) {} } export function ok() { return 1; }';
      const [idle, spinning, exploding] = await Promise.all([instanceOf(own, source), instanceOf(own, source), instanceOf(own, source)]);
      expect((await run(idle, 'ok')).outcome.status).toBe('completed');
      idle.dispose();
      expect((await run(spinning, 'spin', { timeoutMs: 300 })).outcome.errorCode).toBe('TIMEOUT');
      await new Promise((r) => setTimeout(r, 2_500));
      expect(own.catastrophicErrors).toBe(0);
      const { outcome } = await run(exploding, 'explode', { timeoutMs: 1_000 });
      expect(outcome.status).not.toBe('completed');
      await new Promise((r) => setTimeout(r, 2_500));
      expect(own.catastrophicErrors).toBe(1);
    } finally {
      await own.close();
    }
  }, 20_000);
});
