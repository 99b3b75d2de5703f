/**
 * A pool of pre-created blank sandboxes (isolate + context + prelude), so that a new instance only
 * has to compile and evaluate the task module. Kept per memory limit (an isolate's limit is fixed
 * at creation), for the few limits most recently asked for; refilled in the background, one
 * sandbox per event-loop turn (setImmediate), so refilling never delays a request for long. The
 * first refill after a take waits REFILL_DELAY_MS: creating an isolate blocks this thread for about
 * a millisecond, and the request that took the sandbox (a new task's analysis and its first
 * instance take two at once) should be done before that starts.
 */
import type { Sandbox } from './sandbox.js';

/** Distinct memory limits the pool keeps sandboxes for. */
const MAX_LIMITS = 4;
/** Pause between a take and the refill it starts (see above). */
const REFILL_DELAY_MS = 25;

export class BlankIsolates {
  /** Spare sandboxes by memory limit (MB); Map order is recency of use. */
  private readonly spares = new Map<number, Sandbox[]>();
  private readonly refilling = new Set<number>();
  private closed = false;

  /**
   * @param size spare sandboxes kept per memory limit (0 disables the pool)
   * @param create makes one blank sandbox with a memory limit
   * @param onError told when a background creation fails (the pool stops refilling that limit)
   */
  constructor(
    private readonly size: number,
    private readonly create: (memoryLimitMb: number) => Promise<Sandbox>,
    private readonly onError: (err: unknown) => void = () => {},
  ) {}

  /** Starts filling the pool for a memory limit in the background. */
  warm(memoryLimitMb: number): void {
    if (this.size === 0 || this.closed) return;
    this.touch(memoryLimitMb);
    this.scheduleRefill(memoryLimitMb);
  }

  /** A ready blank sandbox with that memory limit, or undefined when none is spare. */
  take(memoryLimitMb: number): Sandbox | undefined {
    if (this.size === 0 || this.closed) return undefined;
    const list = this.touch(memoryLimitMb);
    let sandbox: Sandbox | undefined;
    while ((sandbox = list.shift()) !== undefined && sandbox.isDisposed) {
      // Skip sandboxes that died while waiting (should not happen: nothing runs in them).
    }
    this.scheduleRefill(memoryLimitMb);
    return sandbox;
  }

  /** Spare sandboxes currently held (all limits). */
  get spareCount(): number {
    let n = 0;
    for (const list of this.spares.values()) n += list.length;
    return n;
  }

  /** Disposes every spare sandbox and stops refilling. */
  close(): void {
    this.closed = true;
    for (const list of this.spares.values()) for (const sandbox of list) sandbox.dispose();
    this.spares.clear();
  }

  private touch(memoryLimitMb: number): Sandbox[] {
    const list = this.spares.get(memoryLimitMb) ?? [];
    this.spares.delete(memoryLimitMb);
    this.spares.set(memoryLimitMb, list);
    while (this.spares.size > MAX_LIMITS) {
      const [oldest, stale] = this.spares.entries().next().value as [number, Sandbox[]];
      this.spares.delete(oldest);
      for (const sandbox of stale) sandbox.dispose();
    }
    return list;
  }

  private scheduleRefill(memoryLimitMb: number): void {
    if (this.refilling.has(memoryLimitMb)) return;
    this.refilling.add(memoryLimitMb);
    setTimeout(() => void this.refillOne(memoryLimitMb), REFILL_DELAY_MS);
  }

  private async refillOne(memoryLimitMb: number): Promise<void> {
    const list = this.spares.get(memoryLimitMb);
    if (this.closed || list === undefined || list.length >= this.size) {
      this.refilling.delete(memoryLimitMb);
      return;
    }
    let sandbox: Sandbox;
    try {
      sandbox = await this.create(memoryLimitMb);
    } catch (err) {
      this.refilling.delete(memoryLimitMb);
      this.onError(err);
      return;
    }
    // The limit may have been evicted or the pool closed while creating.
    if (this.closed || this.spares.get(memoryLimitMb) !== list) {
      sandbox.dispose();
      this.refilling.delete(memoryLimitMb);
      return;
    }
    list.push(sandbox);
    setImmediate(() => void this.refillOne(memoryLimitMb));
  }
}
