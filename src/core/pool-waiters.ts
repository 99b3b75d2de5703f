/**
 * Calls waiting in the InstancePool for an instance: their task is at max_instances, or the pool
 * is at its global caps with nothing idle to evict. Any change in the pool (a release, a disposal,
 * a failed creation) wakes them all and each checks again; waits are rare (admission bounds
 * concurrency first), so simplicity beats precision here.
 */
export class PoolWaiters {
  private readonly waiting = new Set<() => void>();

  get size(): number {
    return this.waiting.size;
  }

  /** Resolves at the next `notify`; rejects with the signal's reason if it aborts first. */
  wait(signal?: AbortSignal): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const onAbort = () => {
        this.waiting.delete(wake);
        reject(signal!.reason);
      };
      const wake = () => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      };
      if (signal?.aborted) {
        reject(signal.reason);
        return;
      }
      signal?.addEventListener('abort', onAbort, { once: true });
      this.waiting.add(wake);
    });
  }

  /** Wakes every waiter. */
  notify(): void {
    if (this.waiting.size === 0) return;
    const woken = [...this.waiting];
    this.waiting.clear();
    for (const wake of woken) wake();
  }
}
