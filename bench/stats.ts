/**
 * Numbers for the benchmark: percentiles of one run's samples, and the median of several runs'
 * figures (every printed figure is such a median, so one noisy run does not move it).
 */

/** Latencies of one run, milliseconds. */
export interface LatencySummary {
  p50: number;
  p99: number;
  /** Completed calls per second over the run's wall time. */
  opsPerSec: number;
  count: number;
}

/** The p-th percentile (0-100) of samples, nearest-rank. */
export function percentile(samples: readonly number[], p: number): number {
  if (samples.length === 0) return Number.NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank];
}

export function median(values: readonly number[]): number {
  const finite = values.filter((v) => Number.isFinite(v));
  if (finite.length === 0) return Number.NaN;
  const sorted = [...finite].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

export function summarize(latenciesMs: readonly number[], wallMs: number): LatencySummary {
  return {
    p50: percentile(latenciesMs, 50),
    p99: percentile(latenciesMs, 99),
    opsPerSec: wallMs > 0 ? (latenciesMs.length * 1000) / wallMs : Number.NaN,
    count: latenciesMs.length,
  };
}

/** Field by field median of several runs' summaries. */
export function medianSummary(runs: readonly LatencySummary[]): LatencySummary {
  return {
    p50: median(runs.map((r) => r.p50)),
    p99: median(runs.map((r) => r.p99)),
    opsPerSec: median(runs.map((r) => r.opsPerSec)),
    count: runs.reduce((n, r) => n + r.count, 0),
  };
}

/** Milliseconds since `start` (a process.hrtime.bigint() reading). */
export function elapsedMs(start: bigint): number {
  return Number(process.hrtime.bigint() - start) / 1e6;
}

/**
 * Runs `call` `count` times with `concurrency` calls in flight, after `warmup` unmeasured calls,
 * and summarizes the latencies (closed loop: each worker starts its next call when one ends).
 */
export async function closedLoop(call: (i: number) => Promise<unknown>, count: number, concurrency: number, warmup = 0): Promise<LatencySummary> {
  await drive(call, warmup, concurrency, undefined);
  const latencies: number[] = [];
  const start = process.hrtime.bigint();
  await drive(call, count, concurrency, latencies);
  return summarize(latencies, elapsedMs(start));
}

async function drive(call: (i: number) => Promise<unknown>, count: number, concurrency: number, latencies: number[] | undefined): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < count) {
      const i = next++;
      const t = process.hrtime.bigint();
      await call(i);
      latencies?.push(elapsedMs(t));
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, Math.max(1, count)) }, worker));
}
