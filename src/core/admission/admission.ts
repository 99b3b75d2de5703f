/**
 * Admission: how many executions may run at once, globally and per task, and the bounded wait
 * queue in front of them. Beyond the queue a request is refused with CAPACITY_EXHAUSTED naming
 * the limit; a request that waits longer than the queue timeout is refused the same way.
 */
import { ErrorCodes, SpearletError, capacityExhausted } from '../../errors.js';

export interface AdmissionLimits {
  maxConcurrent: number;
  maxQueueLength: number;
  queueTimeoutMs: number;
}

interface Waiter {
  taskId: string;
  maxForTask: number;
  grant: (slot: Slot) => void;
  reject: (err: Error) => void;
  timer: NodeJS.Timeout;
  enqueuedAt: number;
}

/** A granted right to run one execution; release it exactly once. */
export interface Slot {
  /** Milliseconds spent waiting in the queue. */
  readonly queueMs: number;
  release(): void;
}

export class Admission {
  private running = 0;
  private readonly runningByTask = new Map<string, number>();
  private readonly queue: Waiter[] = [];

  constructor(private readonly limits: AdmissionLimits) {}

  get runningCount(): number {
    return this.running;
  }

  get queuedCount(): number {
    return this.queue.length;
  }

  /** True when the queue is full: new work beyond the running set is refused. */
  get saturated(): boolean {
    return this.queue.length >= this.limits.maxQueueLength && this.running >= this.limits.maxConcurrent;
  }

  /**
   * Checks synchronously that a request could be admitted or queued; throws CAPACITY_EXHAUSTED
   * otherwise. Lets a caller refuse before it writes any state.
   */
  check(taskId: string, maxForTask: number): void {
    if (this.canRun(taskId, maxForTask)) return;
    if (this.queue.length >= this.limits.maxQueueLength) throw this.refusal(taskId, maxForTask);
  }

  /**
   * Waits for a slot. Rejects with CAPACITY_EXHAUSTED when the queue is full or the wait passes
   * the queue timeout, and with the signal's reason when `signal` aborts while waiting.
   */
  acquire(taskId: string, maxForTask: number, signal?: AbortSignal): Promise<Slot> {
    const now = this.tryAcquire(taskId, maxForTask);
    if (now !== undefined) return Promise.resolve(now);
    if (this.queue.length >= this.limits.maxQueueLength) return Promise.reject(this.refusal(taskId, maxForTask));
    return new Promise<Slot>((resolve, reject) => {
      const waiter: Waiter = {
        taskId,
        maxForTask,
        enqueuedAt: Date.now(),
        grant: resolve,
        reject,
        timer: setTimeout(() => {
          this.remove(waiter);
          reject(capacityExhausted(`waited ${this.limits.queueTimeoutMs} ms in the queue (queue timeout) without a free execution slot`));
        }, this.limits.queueTimeoutMs),
      };
      signal?.addEventListener(
        'abort',
        () => {
          if (this.remove(waiter)) reject(signal.reason instanceof Error ? signal.reason : new SpearletError(ErrorCodes.INTERNAL, 'aborted'));
        },
        { once: true },
      );
      this.queue.push(waiter);
    });
  }

  /** A slot right away, or undefined when the call would have to wait in the queue (or be refused). */
  tryAcquire(taskId: string, maxForTask: number): Slot | undefined {
    // Queued waiters are only ever blocked by their own task's limit (pump grants the rest), so a
    // call of another task with room runs at once: one busy task never blocks the others.
    return this.canRun(taskId, maxForTask) && !this.queue.some((w) => w.taskId === taskId) ? this.take(taskId, 0) : undefined;
  }

  private canRun(taskId: string, maxForTask: number): boolean {
    return this.running < this.limits.maxConcurrent && (this.runningByTask.get(taskId) ?? 0) < maxForTask;
  }

  private refusal(taskId: string, maxForTask: number): SpearletError {
    // Name every limit that holds the call back: both can be reached at once.
    const reached: string[] = [];
    if (this.running >= this.limits.maxConcurrent) reached.push(`${this.running} executions running (max_concurrent_executions ${this.limits.maxConcurrent})`);
    if ((this.runningByTask.get(taskId) ?? 0) >= maxForTask) reached.push(`task ${taskId} is at its max_concurrency of ${maxForTask}`);
    return capacityExhausted(`${reached.join(' and ')} and the wait queue is full (${this.limits.maxQueueLength})`);
  }

  private take(taskId: string, queueMs: number): Slot {
    this.running++;
    this.runningByTask.set(taskId, (this.runningByTask.get(taskId) ?? 0) + 1);
    let released = false;
    return {
      queueMs,
      release: () => {
        if (released) return;
        released = true;
        this.running--;
        const n = (this.runningByTask.get(taskId) ?? 1) - 1;
        if (n === 0) this.runningByTask.delete(taskId);
        else this.runningByTask.set(taskId, n);
        this.pump();
      },
    };
  }

  private remove(waiter: Waiter): boolean {
    const i = this.queue.indexOf(waiter);
    if (i < 0) return false;
    this.queue.splice(i, 1);
    clearTimeout(waiter.timer);
    return true;
  }

  /** Grants slots to queued waiters in order, skipping those whose task is at its own limit. */
  private pump(): void {
    for (let i = 0; i < this.queue.length && this.running < this.limits.maxConcurrent; ) {
      const w = this.queue[i];
      if (!this.canRun(w.taskId, w.maxForTask)) {
        i++;
        continue;
      }
      this.queue.splice(i, 1);
      clearTimeout(w.timer);
      w.grant(this.take(w.taskId, Date.now() - w.enqueuedAt));
    }
  }
}
