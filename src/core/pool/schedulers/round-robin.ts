/**
 * round-robin: calls take turns over a task's instances. The idle instance used longest ago goes
 * next, which with every instance idle is a strict rotation (A, B, C, A, ...) and under load still
 * spreads calls evenly: every instance stays warm and they age (and recycle) at the same pace.
 */
import type { Scheduler, SchedulingCandidate } from '../scheduler.js';

export class RoundRobinScheduler implements Scheduler {
  readonly policy = 'round-robin';

  pick(idle: readonly SchedulingCandidate[]): number {
    let best = 0;
    for (let i = 1; i < idle.length; i++) if (idle[i].lastUseSeq < idle[best].lastUseSeq) best = i;
    return best;
  }
}
