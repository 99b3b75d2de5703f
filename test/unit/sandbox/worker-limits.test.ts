/**
 * WorkerLimits' policy for drained workers: at most MAX_DRAINING of them, and none whose calls are
 * past their deadlines by more than DEADLINE_GRACE_MS.
 */
import { describe, expect, it } from 'vitest';
import { DEADLINE_GRACE_MS, MAX_DRAINING, WorkerLimits, residentBytes } from '../../../src/sandbox/worker-limits.js';
import type { WorkerProcess } from '../../../src/sandbox/worker-process.js';

/** The two things `overdue` reads of a worker. */
function drained(pid: number, latestDeadline: number | undefined): WorkerProcess {
  return { pid, alive: true, latestDeadline: () => latestDeadline } as unknown as WorkerProcess;
}

const limits = new WorkerLimits(256, { drain: () => {}, kill: () => {} });

describe('drained workers', () => {
  it(`keeps at most ${MAX_DRAINING}: the oldest beyond that are killed`, () => {
    const now = 100_000;
    const workers = [drained(1, now + 5_000), drained(2, now + 5_000), drained(3, now + 5_000), drained(4, now + 5_000)];
    const draining = new Map(workers.map((w, i) => [w, now - 10_000 + i * 1_000]));
    expect(limits.overdue(draining, now).map(([w]) => w.pid)).toEqual([1, 2]);
  });

  it('kills one whose calls are past their deadlines by more than the grace, not before', () => {
    const now = 100_000;
    const late = drained(1, now - DEADLINE_GRACE_MS - 1);
    const onTime = drained(2, now - DEADLINE_GRACE_MS + 100);
    const idle = drained(3, undefined);
    const draining = new Map([
      [late, now - 3_000],
      [onTime, now - 2_000],
    ]);
    expect(limits.overdue(draining, now).map(([w, why]) => [w.pid, why])).toEqual([[1, `its calls are past their deadlines by over ${DEADLINE_GRACE_MS} ms`]]);
    expect(limits.overdue(new Map([[idle, now]]), now)).toEqual([]);
  });
});

describe('residentBytes', () => {
  it('reads a live process from /proc, and nothing for a pid that does not exist', () => {
    expect(residentBytes(process.pid)).toBeGreaterThan(10 * 1024 * 1024);
    expect(residentBytes(2 ** 30)).toBeUndefined();
  });
});
