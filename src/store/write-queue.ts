/**
 * Group commit: writes queued while one piece of work and its promise callbacks run (the outcomes
 * of one channel read, say) are handed to `flush` together, in the order they were queued, once
 * those callbacks are done, so that concurrent executions share one RocksDB batch instead of taking
 * one each. Every queued write's promise settles with its group. (Waiting for the next turn of the
 * event loop instead cost a lone call ~20-30 µs of latency and grouped no better at c=32.)
 */
export class WriteQueue<T> {
  private pending: Array<{ item: T; resolve: () => void; reject: (err: unknown) => void }> = [];
  private scheduled = false;
  private inFlight: Promise<void> = Promise.resolve();

  constructor(private readonly flush: (items: T[]) => Promise<void>) {}

  push(item: T): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.pending.push({ item, resolve, reject });
      if (this.scheduled) return;
      this.scheduled = true;
      queueMicrotask(() => this.run());
    });
  }

  private run(): void {
    this.scheduled = false;
    const group = this.pending;
    this.pending = [];
    if (group.length === 0) return;
    const flushed = this.flush(group.map((g) => g.item));
    this.inFlight = flushed.then(
      () => {
        for (const g of group) g.resolve();
      },
      (err: unknown) => {
        for (const g of group) g.reject(err);
      },
    );
  }

  /** Resolves once everything queued so far has been flushed (successfully or not). */
  async drain(): Promise<void> {
    while (this.scheduled || this.pending.length > 0) {
      await new Promise((r) => setImmediate(r));
    }
    await this.inFlight;
  }
}
