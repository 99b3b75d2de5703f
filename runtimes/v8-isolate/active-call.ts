/**
 * One call running on a V8 instance: starts it in the isolate, forwards logs and chunks, runs the
 * guest's timers, enforces the deadline and the abort signal, and settles exactly once.
 *
 * A call settles when its record has come back AND the isolate has gone quiet (every entry of the
 * call, microtasks included, is over). A guest that left work running after its call ended has
 * QUIET_GRACE_MS to finish it; past that its instance is disposed, so it never returns to the pool
 * still spinning (the result it returned is still reported). What the guest makes this thread
 * hold is bounded: one timer per call (the prelude keeps the guest's timers), and streamed chunks
 * credited back to the prelude once they have left for the client, which stops a generator past
 * its window of uncredited chunks (flow control, prelude-core.ts).
 *
 * isolated-vm's own `timeout` only covers synchronous execution, so the deadline is a host timer
 * that disposes the isolate: it ends synchronous loops (running on isolated-vm's thread while this
 * thread is free), loops after an `await`, and promises that never settle alike. A call entered
 * synchronously (sync-entry.ts) has this thread until isolated-vm's timeout at the deadline.
 */
import type { ExecutionHooks, Outcome } from '../../src/core/runtime/runtime.js';
import type { EncodedValue } from '../../src/core/values/values.js';
import { OutcomeCodes } from '../../src/errors.js';
import {
  outcomeFromRecord,
  outOfMemoryOutcome,
  terminatedOutcome,
  type Termination,
  type Usage,
} from './outcome.js';
import { GuestError, toWireGuestError } from '../../src/capabilities/guest-error.js';
import type { CallRecord, CallSink, Sandbox } from './sandbox.js';
import type { SyncEntryGate } from './sync-entry.js';

/**
 * Arguments are copied in. A call is entered with `applyIgnored`: the prelude answers through its
 * callbacks (`done`, then `quiet` from the entry queued behind it), the sandbox's sentinel reports
 * an isolate that died, and isolated-vm skips what a promise-returning `apply` costs (a capture of
 * the caller's stack and a second message back, about 12% of a sandbox worker's CPU at load). A
 * timer's or a credit's entry, rarer, keeps the promise.
 */
const APPLY_OPTIONS = { arguments: { copy: true } } as const;
/** setTimeout's ceiling; longer delays would fire at once. */
const MAX_TIMER_MS = 2_147_483_647;
/** How long a call's guest may keep running after it returned before its instance is disposed. */
export const QUIET_GRACE_MS = 100;

export interface CallRequest {
  name: string;
  params: unknown;
  ctx: unknown;
  streaming: boolean;
}

export class ActiveCall implements CallSink {
  private settled = false;
  private watchdog: NodeJS.Timeout | undefined;
  /** The call's one host timer (the prelude keeps the guest's timers behind it). */
  private hostTimer: NodeJS.Timeout | undefined;
  /** Entries of this call into the isolate not yet over (the call's own until `quiet`). */
  private entriesOpen = 0;
  /** The call's outcome, waiting for the isolate to go quiet. */
  private held: Outcome | undefined;
  private graceTimer: NodeJS.Timeout | undefined;
  /** Streamed chunks delivered and not yet credited to the prelude. */
  private credits = 0;
  /** The prelude's generator waits for credit (it sent hostWait). */
  private awaitingCredit = false;
  private readonly cpuStart: bigint;
  private readonly onAbort = () => this.terminate('cancelled');

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

  /** Starts the call; through `gate` when it is given (sync-entry.ts), on this thread. */
  start(request: CallRequest, gate?: SyncEntryGate): void {
    const remaining = Math.min(Math.max(0, this.deadline - Date.now()), MAX_TIMER_MS);
    this.watchdog = setTimeout(() => this.terminate('timeout'), remaining);
    this.signal.addEventListener('abort', this.onAbort, { once: true });
    this.sandbox.attach(this);
    const args = [this.seq, request.name, request.params, request.ctx, request.streaming];
    this.entriesOpen = 1;
    if (gate !== undefined) {
      this.enterSync(gate, args, remaining);
      return;
    }
    this.enter(() => {
      const { call, quiet } = this.sandbox.prelude;
      call.applyIgnored(undefined, args, APPLY_OPTIONS);
      quiet.applyIgnored(undefined, [this.seq], APPLY_OPTIONS);
      return Promise.resolve();
    }, true);
  }

  /**
   * Runs the call's entry on this thread: it returns once the guest's synchronous part and its
   * microtasks are over (the entry is quiet; `done` follows through the event loop), or throws
   * when isolated-vm's timeout ended it at the deadline or the isolate died.
   */
  private enterSync(gate: SyncEntryGate, args: unknown[], remaining: number): void {
    gate.entering(Date.now() + remaining);
    try {
      this.sandbox.prelude.call.applySync(undefined, args, { ...APPLY_OPTIONS, timeout: Math.max(1, remaining) });
    } catch (err) {
      if (this.sandbox.isDisposed) this.died();
      else if (isTimeout(err) || this.deadline <= Date.now()) this.terminate('timeout');
      else this.failedEntry(err);
      return;
    } finally {
      gate.left();
    }
    this.entriesOpen--;
    this.settleIfQuiet();
  }

  /** Enters `fire`, `credit` or `reply`, counted open until its promise settles. */
  private reenter(entry: 'fire' | 'credit' | 'reply', args: unknown[]): void {
    this.entriesOpen++;
    const entered = this.enter(() => this.sandbox.prelude[entry].apply(undefined, args, APPLY_OPTIONS), false);
    const closed = () => {
      this.entriesOpen--;
      this.settleIfQuiet();
    };
    if (entered === undefined) closed();
    else void entered.finally(closed);
  }

  /**
   * Enters the isolate unless the call has ended meanwhile (a timer or credit due after its end).
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
      this.failedEntry(err);
    });
  }

  /** The call's entry failed before the guest ran: its arguments could not be copied in. */
  private failedEntry(err: unknown): void {
    const message = err instanceof Error ? err.message : String(err);
    this.settle({
      status: 'failed',
      errorCode: OutcomeCodes.INVALID_PARAMETERS,
      errorMessage: `parameters could not be passed to the function: ${message}`,
      instanceUsable: true,
      ...this.usage(),
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
      this.hooks.onChunk(value, this.delivered);
    } catch {
      // As above.
    }
  }

  /** A streamed chunk left for the client: credit it, at once if the generator waits for it. */
  private readonly delivered = (): void => {
    if (this.settled) return;
    this.credits++;
    if (this.awaitingCredit) this.sendCredit();
  };

  waitCredit(): void {
    if (this.settled) return;
    this.awaitingCredit = true;
    if (this.credits > 0) this.sendCredit();
  }

  /** Enters the isolate once per wait, with every credit gathered since the last one. */
  private sendCredit(): void {
    this.awaitingCredit = false;
    const n = this.credits;
    this.credits = 0;
    this.reenter('credit', [this.seq, n]);
  }

  quiet(): void {
    this.entriesOpen--;
    this.settleIfQuiet();
  }

  done(record: CallRecord): void {
    if (this.settled || this.held) return;
    const memory = typeof record.m === 'number' && record.m >= 0 ? record.m : this.lastMemory;
    const usage = { cpuTimeUs: this.cpuTimeUs(), memoryUsedBytes: memory };
    const outcome = outcomeFromRecord(record, usage, this.sandbox.memoryLimitMb);
    if (typeof record.d === 'number' && record.d > 0) outcome.logLinesDropped = record.d;
    if (!outcome.instanceUsable) {
      this.sandbox.dispose();
      this.settle(outcome);
      return;
    }
    this.held = outcome;
    this.settleIfQuiet();
  }

  /** Settles with the held outcome once no entry is open; gives a busy isolate QUIET_GRACE_MS. */
  private settleIfQuiet(): void {
    const held = this.held;
    if (this.settled || held === undefined) return;
    if (this.entriesOpen <= 0) {
      this.settle(held);
      return;
    }
    this.graceTimer ??= setTimeout(() => this.abandon(), QUIET_GRACE_MS);
  }

  /** The call has its result but the guest keeps running: the instance goes, the result stays. */
  private abandon(): void {
    const held = this.held;
    if (this.settled || held === undefined) return;
    this.sandbox.dispose();
    this.settle({ ...held, cpuTimeUs: Math.max(held.cpuTimeUs, this.cpuTimeUs()), instanceUsable: false });
  }

  timer(ms: number): void {
    if (this.settled) return;
    clearTimeout(this.hostTimer);
    this.hostTimer = setTimeout(() => {
      this.hostTimer = undefined;
      this.reenter('fire', [this.seq]);
    }, Math.min(Math.max(0, ms), MAX_TIMER_MS));
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
    const reply = (ok: boolean, value: unknown) => this.reenter('reply', [this.seq, req, ok, value]);
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
    if (this.held) {
      this.abandon();
      return;
    }
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
    clearTimeout(this.watchdog);
    clearTimeout(this.graceTimer);
    clearTimeout(this.hostTimer);
    this.signal.removeEventListener('abort', this.onAbort);
    this.sandbox.detach(this);
    this.onSettle(outcome);
  }
}

/** isolated-vm's error for an entry its `timeout` ended. */
function isTimeout(err: unknown): boolean {
  return err instanceof Error && err.message.startsWith('Script execution timed out');
}
