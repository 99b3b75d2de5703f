/**
 * One call running on a V8 instance: starts it in the isolate, forwards logs and chunks, runs the
 * guest's timers, enforces the deadline and the abort signal, and settles exactly once.
 *
 * isolated-vm's own `timeout` only covers synchronous execution, so the deadline is a host timer
 * that disposes the isolate: it ends synchronous loops (running on isolated-vm's thread while this
 * thread is free), loops after an `await`, and promises that never settle alike.
 */
import type { ExecutionHooks, Outcome } from '../../src/core/runtime.js';
import type { EncodedValue } from '../../src/core/values.js';
import { OutcomeCodes } from '../../src/errors.js';
import {
  outcomeFromRecord,
  outOfMemoryOutcome,
  terminatedOutcome,
  type Termination,
  type Usage,
} from './outcome.js';
import { ivmThreads } from '../ivm-thread-gate.js';
import { GuestError, toWireGuestError } from '../../src/capabilities/guest-error.js';
import type { CallRecord, CallSink, Sandbox } from './sandbox.js';

/**
 * Arguments are copied in. A call is entered with `applyIgnored`: the prelude answers through its
 * callbacks (`done`, or `parked` and later `done`), the sandbox's sentinel reports an isolate that
 * died, and isolated-vm skips what a promise-returning `apply` costs (a capture of the caller's
 * stack and a second message back, about 12% of a sandbox worker's CPU at load). A timer's entry,
 * rare, keeps the promise. Entries go through the process's IvmThreadGate.
 */
const APPLY_OPTIONS = { arguments: { copy: true } } as const;
/** setTimeout's ceiling; longer delays would fire at once. */
const MAX_TIMER_MS = 2_147_483_647;

export interface CallRequest {
  name: string;
  params: unknown;
  ctx: unknown;
  streaming: boolean;
}

export class ActiveCall implements CallSink {
  private settled = false;
  private watchdog: NodeJS.Timeout | undefined;
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly cpuStart: bigint;
  private readonly onAbort = () => this.terminate('cancelled');
  /** Resolved when the call's entry into the isolate is over (parked, done, or the call ended). */
  private entryOver: () => void = () => {};

  constructor(
    readonly seq: number,
    private readonly sandbox: Sandbox,
    private readonly hooks: ExecutionHooks,
    private readonly signal: AbortSignal,
    private readonly deadline: number,
    /** Memory figure to report when the isolate cannot be asked any more. */
    private readonly lastMemory: number,
    private readonly onSettle: (outcome: Outcome) => void,
  ) {
    this.cpuStart = sandbox.cpuTimeNs();
  }

  start(request: CallRequest): void {
    const remaining = Math.min(Math.max(0, this.deadline - Date.now()), MAX_TIMER_MS);
    this.watchdog = setTimeout(() => this.terminate('timeout'), remaining);
    this.signal.addEventListener('abort', this.onAbort, { once: true });
    this.sandbox.attach(this);
    const args = [this.seq, request.name, request.params, request.ctx, request.streaming];
    ivmThreads.enter(() =>
      this.enter(() => {
        const over = new Promise<void>((resolve) => (this.entryOver = resolve));
        this.sandbox.prelude.call.applyIgnored(undefined, args, APPLY_OPTIONS);
        return over;
      }, true),
    );
  }

  /**
   * Enters the isolate unless the call has ended meanwhile (it may have waited at the gate).
   * A failed entry of the call itself is reported: the isolate died, or its arguments could not
   * be copied in (nothing ran).
   */
  private enter(apply: () => Promise<unknown>, isCall: boolean): Promise<unknown> | undefined {
    if (this.settled || this.sandbox.isDisposed) return undefined;
    let entered: Promise<unknown>;
    try {
      entered = apply();
    } catch (err) {
      entered = Promise.reject(err);
    }
    return entered.catch((err: unknown) => {
      if (this.settled || !isCall) return;
      if (this.sandbox.isDisposed) {
        this.died();
        return;
      }
      const message = err instanceof Error ? err.message : String(err);
      this.settle({
        status: 'failed',
        errorCode: OutcomeCodes.INVALID_PARAMETERS,
        errorMessage: `parameters could not be passed to the function: ${message}`,
        instanceUsable: true,
        ...this.usage(),
      });
    });
  }

  log(line: string): void {
    if (this.settled) return;
    try {
      this.hooks.onLog(line);
    } catch {
      // A hook's failure is the caller's problem, not the guest's.
    }
  }

  chunk(value: EncodedValue): void {
    if (this.settled) return;
    try {
      this.hooks.onChunk(value);
    } catch {
      // As above.
    }
  }

  parked(): void {
    this.entryOver();
  }

  done(record: CallRecord): void {
    if (this.settled) return;
    const memory = typeof record.m === 'number' && record.m >= 0 ? record.m : this.lastMemory;
    const usage = { cpuTimeUs: this.cpuTimeUs(), memoryUsedBytes: memory };
    const outcome = outcomeFromRecord(record, usage, this.sandbox.memoryLimitMb);
    if (!outcome.instanceUsable) this.sandbox.dispose();
    this.settle(outcome);
  }

  timer(timerId: number, ms: number): void {
    if (this.settled) return;
    const handle = setTimeout(() => {
      this.timers.delete(handle);
      ivmThreads.enter(() => this.enter(() => this.sandbox.prelude.fire.apply(undefined, [this.seq, timerId], APPLY_OPTIONS), false));
    }, Math.min(ms, MAX_TIMER_MS));
    this.timers.add(handle);
  }

  /**
   * Forwards a guest's host call to the hooks and enters the isolate with the answer. The answer
   * is plain data copied in (never a Reference or ExternalCopy); a call that has ended meanwhile
   * gets nothing.
   */
  hostCall(req: number, op: string, payload: unknown): void {
    if (this.settled) return;
    const handler = this.hooks.onHostCall;
    let answer: Promise<unknown>;
    try {
      answer = handler ? handler.call(this.hooks, String(op), payload) : Promise.reject(new GuestError('TypeError', 'host capabilities are not available to this call'));
    } catch (err) {
      answer = Promise.reject(err);
    }
    const reply = (ok: boolean, value: unknown) =>
      ivmThreads.enter(() => this.enter(() => this.sandbox.prelude.reply.apply(undefined, [this.seq, req, ok, value], APPLY_OPTIONS), false));
    answer.then(
      (value) => {
        if (!this.settled) reply(true, value === undefined ? null : value);
      },
      (err: unknown) => {
        if (!this.settled) reply(false, toWireGuestError(err));
      },
    );
  }

  catastrophic(message: string): void {
    if (this.settled) return;
    const usage = this.usage();
    this.sandbox.dispose();
    this.settle(outOfMemoryOutcome(usage, this.sandbox.memoryLimitMb, message));
  }

  /** Ends the call from the host side: the isolate is disposed, whatever it was doing. */
  terminate(reason: Termination): void {
    if (this.settled) return;
    const usage = this.usage();
    this.sandbox.dispose();
    this.settle(terminatedOutcome(reason, usage, this.deadline));
  }

  died(): void {
    if (this.settled) return;
    this.settle(outOfMemoryOutcome(this.usage(), this.sandbox.memoryLimitMb));
  }

  private cpuTimeUs(): number {
    const now = this.sandbox.cpuTimeNs();
    return now > this.cpuStart ? Number((now - this.cpuStart) / 1000n) : 0;
  }

  private usage(): Usage {
    return { cpuTimeUs: this.cpuTimeUs(), memoryUsedBytes: this.lastMemory };
  }

  private settle(outcome: Outcome): void {
    if (this.settled) return;
    this.settled = true;
    this.entryOver();
    clearTimeout(this.watchdog);
    this.signal.removeEventListener('abort', this.onAbort);
    for (const handle of this.timers) clearTimeout(handle);
    this.timers.clear();
    this.sandbox.detach(this);
    this.onSettle(outcome);
  }
}
