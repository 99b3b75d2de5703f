/**
 * Runs one planned call on the pool: takes an instance, executes, returns the instance, and
 * retries failures of the instance itself (its sandbox died or ran out of memory) up to the
 * request's max_retries, never a thrown error, a timeout or a cancellation.
 */
import { OutcomeCodes } from '../errors.js';
import type { InstancePool, Lease } from './instance-pool.js';
import type { InvocationPlan } from './invocation-plan.js';
import type { ExecutionHooks, Invocation, Outcome } from './runtime.js';

export interface RunRequest {
  call: Invocation;
  hooks: ExecutionHooks;
  forceNewInstance: boolean;
  signal: AbortSignal;
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
 * Executes on a lease, with a last-resort watchdog: a runtime must end a call by its deadline,
 * but if its sandbox stops answering the call still ends (TIMEOUT) and the instance is discarded.
 */
async function executeGuarded(lease: Lease, req: RunRequest): Promise<Outcome> {
  const watchdog = new AbortController();
  const onAbort = () => watchdog.abort(req.signal.reason);
  req.signal.addEventListener('abort', onAbort, { once: true });
  let timer: NodeJS.Timeout | undefined;
  const stuck = new Promise<Outcome>((resolve) => {
    timer = setTimeout(() => {
      watchdog.abort();
      resolve({ status: 'timeout', errorCode: OutcomeCodes.TIMEOUT, errorMessage: 'the sandbox did not stop at the deadline', cpuTimeUs: 0, memoryUsedBytes: 0, instanceUsable: false });
    }, Math.max(0, req.call.deadline - Date.now()) + WATCHDOG_GRACE_MS);
  });
  try {
    return await Promise.race([lease.pooled.instance.execute(req.call, req.hooks, watchdog.signal), stuck]);
  } catch (err) {
    // Runtimes report guest behaviour as outcomes; a throw means the sandbox itself broke.
    return instanceFailure(`the sandbox failed: ${(err as Error).message}`);
  } finally {
    clearTimeout(timer);
    req.signal.removeEventListener('abort', onAbort);
  }
}

export async function runOnPool(pool: InstancePool, plan: InvocationPlan, req: RunRequest): Promise<RunResult> {
  let attempts = 0;
  let coldStart = false;
  for (;;) {
    attempts++;
    let lease: Lease;
    try {
      lease = await pool.acquire(plan.task, { forceNew: req.forceNewInstance || attempts > 1, signal: req.signal });
    } catch (err) {
      if (req.signal.aborted) return { outcome: cancelled(), attempts, coldStart, instanceId: '' };
      const outcome = instanceFailure(`could not start an instance: ${(err as Error).message}`);
      if (attempts <= plan.maxRetries) continue;
      return { outcome, attempts, coldStart: true, instanceId: '' };
    }
    coldStart ||= lease.cold;
    if (req.signal.aborted) {
      pool.release(lease, undefined);
      return { outcome: cancelled(), attempts, coldStart, instanceId: lease.pooled.instance.id };
    }
    const outcome = await executeGuarded(lease, req);
    pool.release(lease, outcome);
    const retry = outcome.status === 'failed' && RETRYABLE.has(outcome.errorCode ?? '') && attempts <= plan.maxRetries && !req.signal.aborted;
    if (!retry) return { outcome, attempts, coldStart, instanceId: lease.pooled.instance.id };
  }
}
