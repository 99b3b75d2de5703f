/**
 * The InstancePool's public shapes: a pooled instance and its lease, acquire options, and the
 * figures the pool reports (GetHealth, metrics).
 */
import type { SchedulingCandidate } from './scheduler.js';
import type { Instance } from '../runtime/runtime.js';

/** An instance with the pool's bookkeeping. */
export interface PooledInstance extends SchedulingCandidate {
  readonly instance: Instance;
  readonly taskId: string;
  readonly memoryLimitMb: number;
  /** Calls served. */
  executions: number;
  /** Epoch ms of the last release (or creation): idle eviction and LRU order. */
  lastUsed: number;
  lastUseSeq: number;
  load: number;
  /** Heap (and linear memory) measured after the last call, bytes. */
  memoryBytes: number;
  busy: boolean;
}

export interface Lease {
  readonly pooled: PooledInstance;
  /** True when the instance was created for this call. */
  readonly cold: boolean;
}

export interface AcquireOptions {
  /** Run on a fresh instance, not a warm one (force_new_instance, retries). */
  forceNew?: boolean;
  /** Aborts a wait for an instance (the call was cancelled). */
  signal?: AbortSignal;
  /**
   * Aborts it too (the caller went, see caller-cancel.ts). Combined with `signal` only when the
   * call has to wait: AbortSignal.any costs a few µs and a weak reference, and a warm call never
   * waits.
   */
  alsoAbortedBy?: AbortSignal;
}

/** Why instances left the pool, counted since start. */
export interface PoolCounters {
  created: number;
  /** Replaced by `shouldRecycle` (failure, execution count, heap). */
  recycled: number;
  /** Idle past instanceIdleMs. */
  evictedIdle: number;
  /** Evicted to make room under the global instance or memory cap. */
  evictedForCapacity: number;
  /** Disposed because their task was deleted or the pool closed. */
  discarded: number;
  /** Background creations (min_instances) that failed. */
  warmFailures: number;
}

export interface PoolSnapshot {
  /** Instances alive or being created. */
  live: number;
  /** Warm instances ready for a call. */
  idle: number;
  busy: number;
  /** Instances being built. */
  creating: number;
  /** Calls waiting for an instance (task at max_instances or pool at its caps). */
  waiting: number;
  memoryBytes: number;
  /** Per task; memoryBytes is its live instances' measured memory. */
  byTask: Map<string, TaskPoolFigures>;
  counters: PoolCounters;
}

/** One task's instances in a PoolSnapshot. */
export interface TaskPoolFigures {
  live: number;
  idle: number;
  busy: number;
  minInstances: number;
  memoryBytes: number;
}
