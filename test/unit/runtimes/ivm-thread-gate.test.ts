/**
 * IvmThreadGate: entries beyond the pool size wait in order for a running one to end, an entry
 * that decides not to enter frees its turn, and none waits past the grace period.
 */
import { describe, expect, it } from 'vitest';
import { IvmThreadGate } from '../../../runtimes/ivm-thread-gate.js';

function deferred() {
  let resolve!: () => void;
  let reject!: (err: Error) => void;
  const promise = new Promise<void>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

const turn = () => new Promise((r) => setImmediate(r));

describe('IvmThreadGate', () => {
  it('runs up to its size at once and lets the others through in order as entries end', async () => {
    const gate = new IvmThreadGate(2, 60_000);
    const started: number[] = [];
    const entries = [0, 1, 2, 3].map(() => deferred());
    entries.forEach((d, i) =>
      gate.enter(() => {
        started.push(i);
        return d.promise;
      }),
    );
    expect(started).toEqual([0, 1]);
    expect({ active: gate.active, waiting: gate.waiting }).toEqual({ active: 2, waiting: 2 });
    entries[1].resolve();
    await turn();
    expect(started).toEqual([0, 1, 2]);
    // A failed entry frees its thread too.
    entries[0].reject(new Error('isolate disposed'));
    await turn();
    expect(started).toEqual([0, 1, 2, 3]);
    entries[2].resolve();
    entries[3].resolve();
    await turn();
    expect({ active: gate.active, waiting: gate.waiting }).toEqual({ active: 0, waiting: 0 });
  });

  it('an entry that does not enter (its call ended while it waited) passes its turn on', async () => {
    const gate = new IvmThreadGate(1, 60_000);
    const first = deferred();
    const started: string[] = [];
    gate.enter(() => first.promise);
    gate.enter(() => {
      started.push('skipped');
      return undefined;
    });
    gate.enter(() => {
      started.push('next');
      return Promise.resolve();
    });
    first.resolve();
    await turn();
    expect(started).toEqual(['skipped', 'next']);
    await turn();
    expect(gate.active).toBe(0);
  });

  it('lets a waiting entry go ahead once it has waited the grace period', async () => {
    const gate = new IvmThreadGate(1, 5);
    const stuck = deferred();
    gate.enter(() => stuck.promise);
    const ran = deferred();
    gate.enter(() => {
      ran.resolve();
      return Promise.resolve();
    });
    expect(gate.waiting).toBe(1);
    await ran.promise;
    expect(gate.waiting).toBe(0);
    stuck.resolve();
  });

  it('run() settles with the entry’s result or error', async () => {
    const gate = new IvmThreadGate(1, 60_000);
    await expect(gate.run(async () => 42)).resolves.toBe(42);
    await expect(
      gate.run(() => {
        throw new Error('copy failed');
      }),
    ).rejects.toThrow('copy failed');
    expect(gate.active).toBe(0);
  });
});
