/**
 * Scheduling: which of a task's idle instances the next call runs on. One interface, one module
 * per policy (schedulers/), each registered here under its config name; the pool asks
 * `createScheduler(config.schedulingPolicy)` once and never branches on the policy.
 *
 * A scheduler only ever chooses among idle instances, so a busy instance never holds up a call
 * that an idle one could take; whether to create a new instance or wait is the pool's decision.
 */
import { ErrorCodes, SpearletError } from '../../errors.js';
import { LeastLoadedScheduler } from './schedulers/least-loaded.js';
import { RoundRobinScheduler } from './schedulers/round-robin.js';
import { WarmestScheduler } from './schedulers/warmest.js';

/** What a scheduler may know about an idle instance. */
export interface SchedulingCandidate {
  /** Order of last use across the pool: larger is more recent (0 = never used). */
  readonly lastUseSeq: number;
  /** Recent work of the instance: decayed average CPU time per call, microseconds. */
  readonly load: number;
}

/**
 * Picks the instance for one call. Called by InstancePool.acquire with the task's idle instances
 * (never empty); returns an index into `idle`. Must not throw, must be cheap (it runs on every
 * warm call) and must not keep references to the candidates.
 */
export interface Scheduler {
  readonly policy: string;
  pick(idle: readonly SchedulingCandidate[]): number;
}

const factories = new Map<string, () => Scheduler>();

/** Registers a policy under its config name. Throws INTERNAL if the name is taken. */
export function registerScheduler(policy: string, factory: () => Scheduler): void {
  if (factories.has(policy)) throw new SpearletError(ErrorCodes.INTERNAL, `scheduling policy '${policy}' is already registered`);
  factories.set(policy, factory);
}

/** A scheduler for a registered policy; INVALID_CONFIG naming the known policies otherwise. */
export function createScheduler(policy: string): Scheduler {
  const factory = factories.get(policy);
  if (factory) return factory();
  const known = [...factories.keys()].sort().join(', ');
  throw new SpearletError(ErrorCodes.INVALID_CONFIG, `schedulingPolicy: '${policy}' is not a registered policy; registered: ${known}`, { field: 'schedulingPolicy' });
}

/** Policies registered so far. */
export function schedulingPolicies(): string[] {
  return [...factories.keys()].sort();
}

registerScheduler('round-robin', () => new RoundRobinScheduler());
registerScheduler('least-loaded', () => new LeastLoadedScheduler());
registerScheduler('warmest', () => new WarmestScheduler());
