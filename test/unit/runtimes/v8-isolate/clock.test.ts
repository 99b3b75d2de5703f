/**
 * Guest clocks are coarse (whole steps of CLOCK_RESOLUTION_MS) and performance.now never goes
 * backwards; Date keeps working as a constructor.
 */
import { describe, expect, it } from 'vitest';
import { CLOCK_RESOLUTION_MS } from '../../../../runtimes/v8-isolate/prelude-clock.js';
import { jsonOf, run, sharedInstance } from './helpers.js';

const SOURCE = `
export function sample() {
  const perf = [], wall = [];
  const until = Date.now() + 30;
  while (Date.now() < until) { perf.push(performance.now()); wall.push(Date.now()); }
  return {
    perfSteps: perf.every((t) => t % ${CLOCK_RESOLUTION_MS} === 0),
    wallSteps: wall.every((t) => Number.isInteger(t) && t % ${CLOCK_RESOLUTION_MS} === 0),
    monotonic: perf.every((t, i) => i === 0 || t >= perf[i - 1]),
    distinctPerf: new Set(perf).size,
    samples: perf.length,
    nowIsNow: Math.abs(Date.now() - new Date().getTime()) < 1000,
    dateStillWorks: new Date(0).toISOString() === '1970-01-01T00:00:00.000Z' && new Date() instanceof Date && typeof Date() === 'string',
    nowName: Date.now.name,
  };
}
`;

const shared = sharedInstance(SOURCE);

describe('guest clocks', () => {
  it('tick in coarse steps, performance.now is monotonic, Date still works', async () => {
    const r = jsonOf((await run(shared.instance, 'sample')).outcome) as Record<string, unknown>;
    expect(r.perfSteps).toBe(true);
    expect(r.wallSteps).toBe(true);
    expect(r.monotonic).toBe(true);
    expect(r.nowIsNow).toBe(true);
    expect(r.dateStillWorks).toBe(true);
    expect(r.nowName).toBe('now');
    // Thousands of samples over 30 ms, but no more distinct readings than steps in that window.
    expect(r.samples as number).toBeGreaterThan(100);
    expect(r.distinctPerf as number).toBeLessThanOrEqual(Math.ceil(35 / CLOCK_RESOLUTION_MS) + 1);
  });
});
