import { describe, expect, it } from 'vitest';
import { type Scheduler, createScheduler, registerScheduler, schedulingPolicies } from '../../../../src/core/pool/scheduler.js';

const candidates = (...c: Array<[lastUseSeq: number, load: number]>) => c.map(([lastUseSeq, load]) => ({ lastUseSeq, load }));

/** The picks of `calls` sequential calls over three idle instances, each pick becoming the most recent. */
function sequentialPicks(scheduler: Scheduler, calls: number): number[] {
  const pool = candidates([1, 0], [2, 0], [3, 0]);
  const order: number[] = [];
  for (let seq = 4; seq < 4 + calls; seq++) {
    const i = scheduler.pick(pool);
    order.push(i);
    pool[i] = { ...pool[i], lastUseSeq: seq };
  }
  return order;
}

describe('scheduler registry', () => {
  it('has round-robin, least-loaded and warmest registered', () => {
    expect(schedulingPolicies()).toEqual(expect.arrayContaining(['least-loaded', 'round-robin', 'warmest']));
    expect(createScheduler('warmest').policy).toBe('warmest');
    expect(createScheduler('round-robin').policy).toBe('round-robin');
    expect(createScheduler('least-loaded').policy).toBe('least-loaded');
  });

  it('refuses an unknown policy naming the registered ones', () => {
    expect(() => createScheduler('random')).toThrow(expect.objectContaining({ code: 'INVALID_CONFIG', message: expect.stringMatching(/'random'.*least-loaded, round-robin, warmest/) }));
  });

  it('refuses to register a policy twice', () => {
    expect(() => registerScheduler('round-robin', () => createScheduler('least-loaded'))).toThrow(/already registered/);
  });
});

describe('round-robin', () => {
  const rr = createScheduler('round-robin');

  it('picks the instance used longest ago', () => {
    expect(rr.pick(candidates([5, 0], [2, 0], [9, 0]))).toBe(1);
  });

  it('ignores load', () => {
    expect(rr.pick(candidates([1, 90_000], [2, 0]))).toBe(0);
  });

  it('rotates over instances as each pick becomes the most recent', () => {
    expect(sequentialPicks(rr, 6)).toEqual([0, 1, 2, 0, 1, 2]);
  });
});

describe('least-loaded', () => {
  const ll = createScheduler('least-loaded');

  it('picks the instance with the least recent work', () => {
    expect(ll.pick(candidates([9, 5_000], [1, 200], [5, 3_000]))).toBe(1);
  });

  it('breaks ties (within timer noise) towards the instance idle longest', () => {
    expect(ll.pick(candidates([3, 10], [7, 30], [5, 0]))).toBe(0);
  });

  it('picks the only candidate', () => {
    expect(ll.pick(candidates([0, 0]))).toBe(0);
  });
});

describe('warmest', () => {
  const w = createScheduler('warmest');

  it('picks the instance used most recently', () => {
    expect(w.pick(candidates([5, 0], [9, 0], [2, 0]))).toBe(1);
  });

  it('ignores load: hot code stays on the instance that has it optimised', () => {
    expect(w.pick(candidates([1, 0], [2, 90_000]))).toBe(1);
  });

  it('keeps taking the same instance while it is idle between calls', () => {
    expect(sequentialPicks(w, 4)).toEqual([2, 2, 2, 2]);
  });
});
