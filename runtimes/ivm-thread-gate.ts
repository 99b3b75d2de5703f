/**
 * Keeps asynchronous entries into isolates within isolated-vm's thread pool.
 *
 * isolated-vm runs each asynchronous entry (an `apply`, an async compile) on a thread of one
 * per-process pool of CPUs + 1 threads; when more isolates have work at once than the pool has
 * threads, it starts a new OS thread for each extra entry and lets it exit afterwards. With many
 * warm instances busy at once that is most calls: 11,723 thread creations for 16,000 trivial calls
 * spread over 32 isolates (strace), each call costing about twice the CPU it does on a pool
 * thread. The gate lets at most that many entries run at a time and queues the rest in order; an
 * entry never waits longer than `graceMs`, so a pool held by long-running guest code delays other
 * calls by that much at most (past it, isolated-vm's extra thread it is, as without the gate).
 *
 * One gate per process (`ivmThreads`), shared by every runtime that enters isolates.
 */
import * as os from 'node:os';

/** Longest an entry waits for a pool thread before it goes ahead regardless. */
export const GRACE_MS = 1;

interface Waiting {
  start: () => Promise<unknown> | undefined;
  since: number;
}

export class IvmThreadGate {
  private running = 0;
  private readonly queue: Waiting[] = [];
  private head = 0;
  private timer: NodeJS.Timeout | undefined;

  /**
   * @param size entries allowed at once (isolated-vm's pool size)
   * @param graceMs longest wait before an entry goes ahead anyway
   */
  constructor(
    readonly size: number,
    private readonly graceMs: number = GRACE_MS,
  ) {}

  /** Entries running now (let through, not yet settled). */
  get active(): number {
    return this.running;
  }

  /** Entries waiting for a pool thread. */
  get waiting(): number {
    return this.queue.length - this.head;
  }

  /**
   * Runs `start` now or when a pool thread is free. `start` enters the isolate and returns the
   * promise that settles when that entry is done (undefined when it decides not to enter, e.g.
   * its call ended while it waited); the thread counts as taken until then. `start` must not
   * throw: an entry that fails reports through its own promise.
   */
  enter(start: () => Promise<unknown> | undefined): void {
    if (this.running < this.size && this.waiting === 0) {
      this.go(start);
      return;
    }
    this.queue.push({ start, since: performance.now() });
    this.timer ??= setTimeout(this.overdue, this.graceMs);
  }

  /** `enter` for an entry whose result the caller wants: settles as `start`'s promise does. */
  run<T>(start: () => Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.enter(() => {
        let entered: Promise<T>;
        try {
          entered = start();
        } catch (err) {
          entered = Promise.reject(err);
        }
        entered.then(resolve, reject);
        return entered;
      });
    });
  }

  private go(start: () => Promise<unknown> | undefined): void {
    const entered = start();
    if (entered === undefined) {
      this.next();
      return;
    }
    this.running++;
    entered.then(this.done, this.done);
  }

  private readonly done = (): void => {
    this.running--;
    this.next();
  };

  /** Lets the oldest waiting entries through while there is room. */
  private next(): void {
    while (this.running < this.size && this.waiting > 0) this.go(this.take());
  }

  private take(): Waiting['start'] {
    const { start } = this.queue[this.head++];
    if (this.head === this.queue.length) {
      this.queue.length = 0;
      this.head = 0;
    }
    return start;
  }

  /** Entries that waited `graceMs` go ahead on isolated-vm's extra threads. */
  private readonly overdue = (): void => {
    this.timer = undefined;
    const cutoff = performance.now() - this.graceMs;
    while (this.waiting > 0 && this.queue[this.head].since <= cutoff) this.go(this.take());
    if (this.waiting > 0) this.timer = setTimeout(this.overdue, Math.max(0, this.queue[this.head].since + this.graceMs - performance.now()));
  };
}

/** isolated-vm sizes its pool by the CPUs the machine reports, plus one. */
export const ivmThreads = new IvmThreadGate((os.cpus().length || os.availableParallelism()) + 1);
