/**
 * WorkerLimits: the server's own enforcement of what a sandbox worker may hold and how long its
 * calls may outlive their deadlines, independent of anything the worker reports.
 *
 * A worker's heartbeat carries its RSS, but a worker whose main thread is stuck (a flood of host
 * callbacks, an isolate wedged in isolated-vm) sends none, and its memory can grow by hundreds of
 * MB a second. So the server reads each worker's resident set from /proc itself every
 * RSS_SAMPLE_MS:
 * - over `workerMemoryLimitMb`: the worker is drained (no new instances, replaced at once), and
 *   its running calls may finish;
 * - SIGKILL when it is over the ceiling and its heartbeats have stopped for STALE_HEARTBEAT_MS (its
 *   main thread is stuck: nothing it runs will end by itself), or it is still over the ceiling
 *   OVER_LIMIT_GRACE_MS later, or ever over HARD_LIMIT_FACTOR times it. Its running calls end
 *   INSTANCE_FAILED at once, its warm instances rebuild elsewhere.
 * Drained workers (memory, catastrophic isolate failures) are capped at MAX_DRAINING: past that the
 * oldest is killed. A drained worker is killed once the last deadline of its running calls is
 * DEADLINE_GRACE_MS past: a drained worker's calls never outlive their deadlines by more.
 */
import * as fs from 'node:fs';
import type { WorkerProcess } from './worker-process.js';

export const RSS_SAMPLE_MS = 250;
export const OVER_LIMIT_GRACE_MS = 10_000;
export const STALE_HEARTBEAT_MS = 2_500;
export const HARD_LIMIT_FACTOR = 2;
export const MAX_DRAINING = 2;
export const DEADLINE_GRACE_MS = 1_000;

/** Resident set of a process from /proc/<pid>/status, bytes; undefined where that cannot be read. */
export function residentBytes(pid: number): number | undefined {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) * 1024 : undefined;
  } catch {
    return undefined;
  }
}

export interface WorkerLimitActions {
  /** Stops placing instances on the worker and starts its replacement. */
  drain(worker: WorkerProcess, why: string): void;
  /** SIGKILLs the worker (its calls end INSTANCE_FAILED; it is replaced as after a crash). */
  kill(worker: WorkerProcess, why: string): void;
}

export class WorkerLimits {
  /** When each worker was first seen over the limit, in its current spell over it. */
  private readonly overSince = new WeakMap<WorkerProcess, number>();
  private readonly limitBytes: number;

  constructor(
    workerMemoryLimitMb: number,
    private readonly actions: WorkerLimitActions,
  ) {
    this.limitBytes = workerMemoryLimitMb * 1024 * 1024;
  }

  /** Samples the RSS of every live worker and acts on it. */
  sample(workers: readonly WorkerProcess[], now: number): void {
    for (const w of workers) {
      const rss = residentBytes(w.pid);
      if (rss === undefined) continue;
      w.rssBytes = rss;
      if (rss <= this.limitBytes) {
        this.overSince.delete(w);
        continue;
      }
      const since = this.overSince.get(w) ?? now;
      this.overSince.set(w, since);
      const mb = Math.round(rss / (1024 * 1024));
      const limitMb = this.limitBytes / (1024 * 1024);
      if (now - w.lastHeartbeat > STALE_HEARTBEAT_MS) {
        this.actions.kill(w, `its RSS of ${mb} MB is over workerMemoryLimitMb (${limitMb} MB) and it has sent no heartbeat for ${now - w.lastHeartbeat} ms`);
      } else if (rss > this.limitBytes * HARD_LIMIT_FACTOR) {
        this.actions.kill(w, `its RSS of ${mb} MB is over ${HARD_LIMIT_FACTOR} × workerMemoryLimitMb (${limitMb} MB)`);
      } else if (now - since >= OVER_LIMIT_GRACE_MS) {
        this.actions.kill(w, `its RSS of ${mb} MB stayed over workerMemoryLimitMb (${limitMb} MB) for ${OVER_LIMIT_GRACE_MS} ms`);
      } else if (w.accepting) {
        this.actions.drain(w, `its RSS of ${mb} MB is over workerMemoryLimitMb (${limitMb} MB)`);
      }
    }
  }

  /**
   * Drained workers to kill now: the oldest beyond MAX_DRAINING, and those whose running calls are
   * all past their deadlines by DEADLINE_GRACE_MS. `draining` maps each to when its drain began.
   */
  overdue(draining: ReadonlyMap<WorkerProcess, number>, now: number): Array<[WorkerProcess, string]> {
    const live = [...draining].filter(([w]) => w.alive).sort((a, b) => a[1] - b[1]);
    const out: Array<[WorkerProcess, string]> = [];
    const excess = live.length - MAX_DRAINING;
    for (let i = 0; i < live.length; i++) {
      const w = live[i][0];
      if (i < excess) {
        out.push([w, `more than ${MAX_DRAINING} drained workers are still finishing calls; this is the oldest`]);
        continue;
      }
      const last = w.latestDeadline();
      if (last !== undefined && now > last + DEADLINE_GRACE_MS) out.push([w, `its calls are past their deadlines by over ${DEADLINE_GRACE_MS} ms`]);
    }
    return out;
  }
}
