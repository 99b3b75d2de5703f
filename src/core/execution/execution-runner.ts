/**
 * Runs one planned call on the pool: takes an instance, executes, returns the instance, and
 * retries failures of the instance itself (its sandbox died or ran out of memory) up to the
 * request's max_retries, never a thrown error, a timeout or a cancellation.
 */
import { OutcomeCodes } from '../../errors.js';
import type { InstancePool, Lease } from '../pool/instance-pool.js';
import type { InvocationPlan } from './invocation-plan.js';
import type { StartedCall } from './riding-call.js';
import type { ExecutionHooks, Instance, Invocation, Outcome } from '../runtime/runtime.js';

export interface RunRequest {
  call: Invocation;
  hooks: ExecutionHooks;
  forceNewInstance: boolean;
  signal: AbortSignal;
  /**
   * Aborts when the caller went (see caller-cancel.ts): a call still waiting for an instance then
   * ends CANCELLED without running. Once the call runs, only `signal` stops it.
   */
  callerGone?: AbortSignal;
  /**
   * The first attempt, already running on a new task's first instance (see FirstCall); the pool
   * takes that instance in. Later attempts run the ordinary way.
   */
  first?: StartedCall;
}

export interface RunResult {
  outcome: Outcome;
  attempts: number;
  coldStart: boolean;
  instanceId: string;
}

/** Grace after the deadline before the runner stops waiting for a sandbox that does not answer. */
const WATCHDOG_GRACE_MS = 2_000;

const RETRYABLE: ReadonlySet<string> = new Set([OutcomeCodes.INSTANCE_FAILED, OutcomeCodes.OUT_OF_MEMORY]);

function instanceFailure(message: string): Outcome {
  return { status: 'failed', errorCode: OutcomeCodes.INSTANCE_FAILED, errorMessage: message, cpuTimeUs: 0, memoryUsedBytes: 0, instanceUsable: false };
}

function cancelled(): Outcome {
  return { status: 'cancelled', errorCode: OutcomeCodes.CANCELLED, errorMessage: 'cancelled', cpuTimeUs: 0, memoryUsedBytes: 0, instanceUsable: true };
}

/**
 * Calls that must have ended by a time, checked by one coarse timer rather than one timer per call
 * (this runs on every call; firing late by up to a sweep is fine for a last resort).
 */
class StuckCalls {
  private readonly watched = new Set<{ by: number; onStuck: () => void }>();
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly sweepMs: number) {}

  /** Calls `onStuck` once after `by` (epoch ms) unless the returned function is called first. */
  watch(by: number, onStuck: () => void): () => void {
    const entry = { by, onStuck };
    this.watched.add(entry);
    if (this.timer === undefined) {
      this.timer = setInterval(() => this.sweep(), this.sweepMs);
      this.timer.unref();
    }
    return () => this.watched.delete(entry);
  }

  private sweep(): void {
    const now = Date.now();
    for (const entry of this.watched) {
      if (now < entry.by) continue;
      this.watched.delete(entry);
      entry.onStuck();
    }
    if (this.watched.size === 0) {
      clearInterval(this.timer);
      this.timer = undefined;
    }
  }
}

const stuckCalls = new StuckCalls(WATCHDOG_GRACE_MS / 4);

/**
 * Waits for a call running on `instance`, with a last-resort watchdog: a runtime must end a call
 * by its deadline, but if its sandbox stops answering the call still ends (TIMEOUT) and the
 * instance is disposed.
 */
function guarded(instance: Instance, deadline: number, running: Promise<Outcome>): Promise<Outcome> {
  return new Promise<Outcome>((resolve) => {
    let settled = false;
    const settle = (outcome: Outcome) => {
      if (settled) return;
      settled = true;
      unwatch();
      resolve(outcome);
    };
    const unwatch = stuckCalls.watch(deadline + WATCHDOG_GRACE_MS, () => {
      instance.dispose();
      settle({ status: 'timeout', errorCode: OutcomeCodes.TIMEOUT, errorMessage: 'the sandbox did not stop at the deadline', cpuTimeUs: 0, memoryUsedBytes: 0, instanceUsable: false });
    });
    running.then(settle, (err: unknown) => {
      // Runtimes report guest behaviour as outcomes; a throw means the sandbox itself broke.
      settle(instanceFailure(`the sandbox failed: ${(err as Error).message}`));
    });
  });
}

export async function runOnPool(pool: InstancePool, plan: InvocationPlan, req: RunRequest): Promise<RunResult> {
  let attempts = 0;
  let coldStart = false;
  for (;;) {
    attempts++;
    // The first call may already be running on a new task's first instance, which the pool
    // takes in now (or, with no room for it, which goes once the call ends).
    let lease: Lease | undefined;
    let instance: Instance;
    let running: Promise<Outcome>;
    if (attempts === 1 && req.first) {
      ({ instance, outcome: running } = req.first);
      lease = pool.adoptLeased(plan.task, instance);
      coldStart = true;
    } else {
      try {
        // The caller's going counts only until the first attempt has its instance.
        lease = await pool.acquire(plan.task, { forceNew: req.forceNewInstance || attempts > 1, signal: req.signal, alsoAbortedBy: attempts === 1 ? req.callerGone : undefined });
      } catch (err) {
        if (req.signal.aborted || (attempts === 1 && req.callerGone?.aborted)) return { outcome: cancelled(), attempts, coldStart, instanceId: '' };
        const outcome = instanceFailure(`could not start an instance: ${(err as Error).message}`);
        if (attempts <= plan.maxRetries) continue;
        return { outcome, attempts, coldStart: true, instanceId: '' };
      }
      coldStart ||= lease.cold;
      instance = lease.pooled.instance;
      if (req.signal.aborted || (attempts === 1 && req.callerGone?.aborted)) {
        pool.release(lease, undefined);
        return { outcome: cancelled(), attempts, coldStart, instanceId: instance.id };
      }
      running = startCall(instance, req);
    }
    const outcome = await guarded(instance, req.call.deadline, running);
    coldStart ||= outcome.rebuilt === true;
    if (lease) pool.release(lease, outcome);
    else instance.dispose();
    if (!retryable(outcome, attempts, plan, req)) return { outcome, attempts, coldStart, instanceId: instance.id };
  }
}

function startCall(instance: Instance, req: RunRequest): Promise<Outcome> {
  try {
    return instance.execute(req.call, req.hooks, req.signal);
  } catch (err) {
    return Promise.reject(err);
  }
}

/** A failure of the instance itself, with attempts left under max_retries and the call not cancelled. */
function retryable(outcome: Outcome, attempts: number, plan: InvocationPlan, req: RunRequest): boolean {
  return outcome.status === 'failed' && RETRYABLE.has(outcome.errorCode ?? '') && attempts <= plan.maxRetries && !req.signal.aborted;
}
