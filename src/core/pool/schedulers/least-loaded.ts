/**
 * least-loaded: the idle instance that has worked least recently (lowest decayed CPU time per
 * call) goes next, so calls steer away from instances that have been running heavy work (their
 * heap and GC debt are the largest). Among equal loads the instance idle longest goes first, so
 * light calls take turns over the others.
 */
import type { Scheduler, SchedulingCandidate } from '../scheduler.js';

/** Loads are compared in steps of this many µs per call, so timer noise does not decide. */
const LOAD_STEP_US = 50;

const bucket = (c: SchedulingCandidate): number => Math.floor(c.load / LOAD_STEP_US);

export class LeastLoadedScheduler implements Scheduler {
  readonly policy = 'least-loaded';

  pick(idle: readonly SchedulingCandidate[]): number {
    let best = 0;
    for (let i = 1; i < idle.length; i++) {
      const c = bucket(idle[i]);
      const b = bucket(idle[best]);
      if (c < b || (c === b && idle[i].lastUseSeq < idle[best].lastUseSeq)) best = i;
    }
    return best;
  }
}
