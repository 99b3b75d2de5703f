/**
 * What the server waits for from one sandbox worker, by request id: the outcome of each call
 * (with the hooks its log lines, chunks and host calls go to, and its deadline) and the answer of
 * each other request (prepare, create). WorkerProcess sends the requests and feeds the answers in;
 * this settles each exactly once, whichever comes first: the worker's answer, an end the server
 * decides (`endCall`), or the worker's end (`failAll`).
 */
import type { ExecutionHooks, Outcome } from '../core/runtime/runtime.js';
import type { FromWorker } from './protocol.js';
import { WorkerGoneError, workerFailure } from './worker-failures.js';

/**
 * How long a cancelled call's worker has to answer it. A worker stops a call within milliseconds
 * unless its main thread is running the guest (a warm call entered synchronously, see
 * runtimes/v8-isolate/sync-entry.ts): then nothing else stops it.
 */
export const CANCEL_ANSWER_MS = 2_000;

type Pending =
  | { kind: 'call'; hooks: ExecutionHooks; settle: (outcome: Outcome | undefined, error?: Error) => void }
  | { kind: 'request'; resolve: (message: FromWorker) => void; reject: (err: Error) => void };

export interface PendingEvents {
  /** The call was cancelled: tell the worker. */
  cancel(id: number): void;
  /** The worker has not answered a cancelled call within CANCEL_ANSWER_MS. */
  cancelUnanswered(id: number): void;
  /** A call ended (answered, ended here, or failed with the worker). */
  callEnded(): void;
}

export class PendingAnswers {
  private readonly waiting = new Map<number, Pending>();
  /** Deadline of each call in flight, by request id. */
  private readonly deadlines = new Map<number, number>();
  /** Calls in flight. */
  running = 0;

  constructor(private readonly events: PendingEvents) {}

  /** Waits for the outcome of the call with this id: its log lines and chunks go to `hooks`. */
  call(id: number, hooks: ExecutionHooks, signal: AbortSignal, deadline: number): Promise<Outcome> {
    return new Promise<Outcome>((resolve, reject) => {
      let unanswered: NodeJS.Timeout | undefined;
      const onAbort = () => {
        this.events.cancel(id);
        unanswered = setTimeout(() => this.events.cancelUnanswered(id), CANCEL_ANSWER_MS);
      };
      signal.addEventListener('abort', onAbort, { once: true });
      this.running++;
      this.deadlines.set(id, deadline);
      this.waiting.set(id, {
        kind: 'call',
        hooks,
        settle: (outcome, error) => {
          clearTimeout(unanswered);
          signal.removeEventListener('abort', onAbort);
          this.running--;
          this.deadlines.delete(id);
          if (outcome) resolve(outcome);
          else reject(error);
          this.events.callEnded();
        },
      });
    });
  }

  /** Waits for the answer to the request with this id. */
  request(id: number): Promise<FromWorker> {
    return new Promise<FromWorker>((resolve, reject) => this.waiting.set(id, { kind: 'request', resolve, reject }));
  }

  /** The hooks of a call still waiting (its log lines, chunks and host calls go there). */
  hooksOf(id: number): ExecutionHooks | undefined {
    const p = this.waiting.get(id);
    return p?.kind === 'call' ? p.hooks : undefined;
  }

  /** The worker answered `id`: with its outcome or result (`answer`), or with `error`. */
  answer(id: number, answer: FromWorker, error: Error | undefined): void {
    const p = this.waiting.get(id);
    if (!p) return;
    this.waiting.delete(id);
    if (p.kind === 'call') p.settle(answer.type === 'outcome' ? answer.outcome : undefined, error);
    else if (error) p.reject(error);
    else p.resolve(answer);
  }

  /** Ends a call still waiting with an outcome the server decided; false if it was not waiting. */
  endCall(id: number, outcome: Outcome): boolean {
    const p = this.waiting.get(id);
    if (p?.kind !== 'call') return false;
    this.waiting.delete(id);
    p.settle(outcome);
    return true;
  }

  /** Ends every call past its deadline with `outcome(msPast)`. */
  endOverdue(now: number, outcome: (msPast: number) => Outcome): void {
    for (const [id, deadline] of [...this.deadlines]) if (deadline < now) this.endCall(id, outcome(now - deadline));
  }

  /** The latest deadline of the calls in flight, or undefined when none runs. */
  latestDeadline(): number | undefined {
    let latest: number | undefined;
    for (const d of this.deadlines.values()) if (latest === undefined || d > latest) latest = d;
    return latest;
  }

  /** The worker is gone (`message` says how): every call fails INSTANCE_FAILED, every request rejects. */
  failAll(message: string): void {
    const waiting = [...this.waiting.values()];
    this.waiting.clear();
    for (const p of waiting) {
      if (p.kind === 'call') p.settle(workerFailure(`${message} while the call ran`));
      else p.reject(new WorkerGoneError(message));
    }
  }
}
