/**
 * The InstancePool's members, grouped by task: their figures, and the choice of which idle member
 * goes when the pool needs room or an instance has been idle too long (least recently used first,
 * sparing each task's min_instances while another task has spare ones).
 */
import type { TaskRecord } from '../../store/records.js';
import type { PooledInstance, TaskPoolFigures } from './pool-types.js';

export interface TaskEntry {
  task: TaskRecord;
  readonly idle: Member[];
  readonly all: Set<Member>;
  creating: number;
  warming: boolean;
  deleted: boolean;
  /** Last measured memory of an instance of this task, charged for the next one being built. */
  memoryEstimate: number;
}

export interface Member extends PooledInstance {
  readonly entry: TaskEntry;
  /** Built for a call that has not taken it yet (adopted at registration): its first use is cold. */
  coldOnFirstUse: boolean;
}

export function leastRecentlyUsed(idle: readonly Member[]): Member | undefined {
  let oldest: Member | undefined;
  for (const p of idle) if (oldest === undefined || p.lastUsed < oldest.lastUsed) oldest = p;
  return oldest;
}

/** The idle instance used longest ago across `entries`, preferring tasks above their min_instances. */
export function lruVictim(entries: Iterable<TaskEntry>): Member | undefined {
  let spare: Member | undefined;
  let kept: Member | undefined;
  for (const e of entries) {
    const candidate = leastRecentlyUsed(e.idle);
    if (candidate === undefined) continue;
    if (e.all.size > e.task.limits.minInstances) {
      if (spare === undefined || candidate.lastUsed < spare.lastUsed) spare = candidate;
    } else if (kept === undefined || candidate.lastUsed < kept.lastUsed) {
      kept = candidate;
    }
  }
  return spare ?? kept;
}

/** Idle members of `e` unused for `idleMs` or longer at `now`, the longest idle first. */
export function expiredIdle(e: TaskEntry, now: number, idleMs: number): Member[] {
  return e.idle.filter((p) => now - p.lastUsed >= idleMs).sort((a, b) => a.lastUsed - b.lastUsed);
}

/** A task's figures in a pool snapshot. */
export function entryFigures(e: TaskEntry): TaskPoolFigures {
  let memoryBytes = 0;
  for (const p of e.all) memoryBytes += p.memoryBytes;
  return { live: e.all.size + e.creating, idle: e.idle.length, busy: e.all.size - e.idle.length, minInstances: e.task.limits.minInstances, memoryBytes };
}
