/**
 * A caller that cancels its RPC (the client cancelled, its deadline passed, the connection
 * dropped) reaches its call at every stage: planning, the wait for an execution slot, the wait for
 * an instance, and the run itself. The server turns the RPC's cancellation into an AbortSignal;
 * the execution manager uses these helpers to act on it.
 */
import { ErrorCodes, SpearletError } from '../../errors.js';

/**
 * The rejection of a call whose caller went before it started. Nobody is left to read it: it only
 * ends the request's own work (the RPC is already over for grpc-js).
 */
export function callerCancelled(): SpearletError {
  return new SpearletError(ErrorCodes.INTERNAL, 'the caller cancelled the call before it started');
}

/** Calls `cancel` when `signal` aborts (at once if it has) until `done` settles. */
export function cancelOnAbort(signal: AbortSignal, done: Promise<unknown>, cancel: () => Promise<unknown>): void {
  const onAbort = () => void cancel().catch(() => undefined);
  if (signal.aborted) {
    onAbort();
    return;
  }
  signal.addEventListener('abort', onAbort, { once: true });
  void done.then(
    () => signal.removeEventListener('abort', onAbort),
    () => signal.removeEventListener('abort', onAbort),
  );
}

/** A caller's cancellation as a signal, and the means to stop listening once the call is answered. */
export interface CallerSignal {
  signal: AbortSignal;
  /**
   * Stops listening. grpc-js reports every finished RPC as cancelled (its 'cancelled' event fires
   * after the status is sent, on success too), so a handler that has answered calls this first:
   * otherwise each call would end by aborting a signal nobody reads, with an error's stack trace
   * (about 20 µs of CPU a call).
   */
  stop(): void;
}

/**
 * A signal that aborts (with callerCancelled) when the RPC is cancelled: `subscribe` adds the
 * listener and gives back how to remove it.
 */
export function callerSignal(isCancelled: boolean, subscribe: (listener: () => void) => () => void): CallerSignal {
  const controller = new AbortController();
  if (isCancelled) {
    controller.abort(callerCancelled());
    return { signal: controller.signal, stop: () => undefined };
  }
  const unsubscribe = subscribe(() => controller.abort(callerCancelled()));
  return { signal: controller.signal, stop: unsubscribe };
}
