/**
 * Calls waiting in the InstancePool, in queues by what they wait for: an instance of their task
 * (the task is at max_instances: key = its task id) or room under the global caps (key = ROOM).
 *
 * Each change in the pool frees one thing (an idle instance, a slot of a task, room under the
 * caps), so it wakes the longest-waiting call that could use it, not every waiter: with many calls
 * queued for a few instances, waking them all on every release made each release cost as much as
 * the queue was long. A woken call that finds the thing already taken waits again at the front of
 * its queue; one that gives up after being woken (cancelled) passes the wake-up on.
 */

/** Queue key of calls waiting for room under the pool's global caps. */
export const ROOM = '';

export class PoolWaiters {
  /** Wake-up functions of the waiting calls, oldest first, by key. */
  private readonly queues = new Map<string, Array<() => void>>();
  private waiting = 0;

  /** Calls waiting now, all queues together. */
  get size(): number {
    return this.waiting;
  }

  /**
   * Resolves when woken under `key`; rejects with the signal's reason if it aborts first. `front`
   * puts the call ahead of the others (it was woken before and keeps its turn).
   */
  wait(key: string, signal?: AbortSignal, front = false): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      if (signal?.aborted) {
        reject(signal.reason);
        return;
      }
      // Each waiter leaves its queue once: woken (shifted off, its abort listener removed first)
      // or cancelled (removed by the listener).
      const onAbort = () => {
        this.waiting--;
        this.remove(key, wake);
        reject(signal!.reason);
      };
      const wake = () => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      let queue = this.queues.get(key);
      if (queue === undefined) {
        queue = [];
        this.queues.set(key, queue);
      }
      if (front) queue.unshift(wake);
      else queue.push(wake);
      this.waiting++;
    });
  }

  /** Wakes the longest-waiting call under `key`; false when none waits there. */
  wakeOne(key: string): boolean {
    const queue = this.queues.get(key);
    if (queue === undefined) return false;
    const wake = queue.shift()!;
    if (queue.length === 0) this.queues.delete(key);
    this.waiting--;
    wake();
    return true;
  }

  /** An idle instance of the task appeared: a call of the task takes it, or one waiting for room may evict it. */
  idleAppeared(taskId: string): boolean {
    return this.wakeOne(taskId) || this.wakeOne(ROOM);
  }

  /** An instance of the task went (or was never built): a slot of its task and room under the caps. */
  slotFreed(taskId: string): void {
    this.wakeOne(taskId);
    this.wakeOne(ROOM);
  }

  /** A call woken from `key` gave up: the next one in line gets its chance. */
  passOn(key: string): void {
    if (!this.wakeOne(key) && key !== ROOM) this.wakeOne(ROOM);
  }

  private remove(key: string, wake: () => void): void {
    const queue = this.queues.get(key);
    const i = queue?.indexOf(wake) ?? -1;
    if (i >= 0) queue!.splice(i, 1);
    if (queue?.length === 0) this.queues.delete(key);
  }

  /** Wakes every waiting call (the pool is closing). */
  wakeAll(): void {
    const queues = [...this.queues.keys()];
    for (const key of queues) while (this.wakeOne(key));
  }
}

/** A signal that aborts when either does (undefined when neither is given). */
export function eitherSignal(a: AbortSignal | undefined, b: AbortSignal | undefined): AbortSignal | undefined {
  return a && b ? AbortSignal.any([a, b]) : (a ?? b);
}
