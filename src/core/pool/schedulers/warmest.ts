/**
 * warmest: the idle instance used most recently goes next. Its JIT-compiled code, inline caches and
 * heap are the hottest, so hot code keeps running optimised (a fresh isolate runs a compute-heavy
 * call up to twice as slowly until V8 has tiered it up), and instances beyond what the load needs
 * stop being used and leave after the idle timeout instead of being kept alive by rotation.
 */
import type { Scheduler, SchedulingCandidate } from '../scheduler.js';

export class WarmestScheduler implements Scheduler {
  readonly policy = 'warmest';

  pick(idle: readonly SchedulingCandidate[]): number {
    let best = 0;
    for (let i = 1; i < idle.length; i++) if (idle[i].lastUseSeq > idle[best].lastUseSeq) best = i;
    return best;
  }
}
