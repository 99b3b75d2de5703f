/**
 * V8 runtime: when a call is entered on the host's thread (sync-entry.ts) and what it reports.
 * The gate is the runtime's interface to its host; the sandbox worker's gate and the bounds it
 * keeps around an entry are tested through the server (test/integration/sync-entry.test.ts).
 */
import { describe, expect, it } from 'vitest';
import type { SyncEntryGate } from '../../../../runtimes/v8-isolate/sync-entry.js';
import { disposedAfterEach } from '../run-call.js';
import type { Instance } from '../../../../src/core/runtime/runtime.js';
import { expectFreshInstanceWorks, instanceOf, jsonOf, newRuntime, run } from './helpers.js';

const SOURCE = `
let calls = 0;
export function add({ a, b }) { calls++; return a + b; }
export function count() { return calls; }
export function nap({ ms }) { return new Promise((r) => setTimeout(() => r(ms), ms)); }
export async function chained() { let n = 0; for (let i = 0; i < 100; i++) n += await i; return n; }
export function talk() { console.log('one'); console.log('two'); return 'said'; }
export function fail() { throw new TypeError('bad input'); }
export function forever() { for (;;) {} }
export function* gen() { yield 1; yield 2; }
`;

/** A gate that records what the runtime told it. */
class RecordingGate implements SyncEntryGate {
  readonly quickCallMs = 5;
  isOpen = true;
  entries: number[] = [];
  lefts = 0;
  open(): boolean {
    return this.isOpen;
  }
  entering(deadline: number): void {
    this.entries.push(deadline);
  }
  left(): void {
    this.lefts++;
  }
}

const gate = new RecordingGate();
const runtime = newRuntime({ syncEntry: gate });
const fresh = disposedAfterEach(
  runtime,
  () => {
    gate.isOpen = true;
    gate.entries = [];
    gate.lefts = 0;
    return instanceOf(runtime, SOURCE);
  },
  () => expectFreshInstanceWorks(runtime),
);

/**
 * Quick calls until one is entered on this thread (a call that took over quickCallMs, as a first
 * call may on a busy machine, keeps the next one queued); then forgets what the gate saw.
 */
async function warm(instance: Instance): Promise<void> {
  for (let i = 0; i < 20 && gate.entries.length === 0; i++) await run(instance, 'add', { params: { a: 1, b: 1 } });
  expect(gate.entries.length).toBeGreaterThan(0);
  gate.entries = [];
  gate.lefts = 0;
}

describe('synchronous entry of warm calls', () => {
  it('queues a first call, enters the next on this thread with the deadline, and keeps the module state', async () => {
    const instance = await fresh();
    expect(jsonOf((await run(instance, 'add', { params: { a: 1, b: 2 } })).outcome)).toBe(3);
    expect(gate.entries).toHaveLength(0);
    await warm(instance);
    const before = Date.now();
    const { outcome } = await run(instance, 'add', { params: { a: 40, b: 2 }, timeoutMs: 3_000 });
    expect(outcome).toMatchObject({ status: 'completed', instanceUsable: true });
    expect(jsonOf(outcome)).toBe(42);
    expect(gate.entries).toHaveLength(1);
    expect(gate.entries[0]).toBeGreaterThanOrEqual(before + 2_900);
    expect(gate.entries[0]).toBeLessThanOrEqual(Date.now() + 3_000);
    expect(gate.lefts).toBe(1);
    expect(jsonOf((await run(instance, 'count')).outcome)).toBeGreaterThanOrEqual(3);
  });

  it('reports what a queued call reports: microtask chains, logs in order, guest errors', async () => {
    const instance = await fresh();
    await warm(instance);
    expect(jsonOf((await run(instance, 'chained')).outcome)).toBe(4950);
    const talked = await run(instance, 'talk');
    expect(talked.logs).toEqual(['one', 'two']);
    expect(talked.outcome.value).toEqual({ kind: 'string', value: 'said' });
    const failed = await run(instance, 'fail');
    expect(failed.outcome).toMatchObject({ status: 'failed', errorCode: 'FUNCTION_ERROR', instanceUsable: true });
    expect(failed.outcome.errorMessage).toContain('TypeError: bad input');
    expect(gate.entries).toHaveLength(3);
    expect(gate.lefts).toBe(3);
  });

  it('a call that awaits a timer leaves the thread when its synchronous part is done, and completes', async () => {
    const instance = await fresh();
    await warm(instance);
    expect(jsonOf((await run(instance, 'nap', { params: { ms: 30 } })).outcome)).toBe(30);
    expect(gate.entries).toHaveLength(1);
    // It took longer than quickCallMs: the next call is queued again.
    await run(instance, 'add', { params: { a: 1, b: 1 } });
    expect(gate.entries).toHaveLength(1);
  });

  it('queues a call when the gate is closed, and a stream always', async () => {
    const instance = await fresh();
    await warm(instance);
    gate.isOpen = false;
    expect(jsonOf((await run(instance, 'add', { params: { a: 2, b: 2 } })).outcome)).toBe(4);
    expect(gate.entries).toHaveLength(0);
    gate.isOpen = true;
    const streamed = await run(instance, 'gen', { streaming: true });
    expect(streamed.chunks).toHaveLength(2);
    expect(gate.entries).toHaveLength(0);
  });

  it('a loop entered on this thread ends TIMEOUT at its deadline, gives the thread back, and loses its instance', async () => {
    const instance = await fresh();
    await warm(instance);
    const started = Date.now();
    const { outcome } = await run(instance, 'forever', { timeoutMs: 300 });
    expect(outcome).toMatchObject({ status: 'timeout', errorCode: 'TIMEOUT', instanceUsable: false });
    expect(Date.now() - started).toBeGreaterThanOrEqual(250);
    expect(gate.lefts).toBe(1);
    expect((await run(instance, 'add', { params: { a: 1, b: 1 } })).outcome).toMatchObject({ status: 'failed', errorCode: 'INSTANCE_FAILED' });
  });
});
