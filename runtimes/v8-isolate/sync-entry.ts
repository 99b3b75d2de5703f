/**
 * Synchronous entry: a warm call entered on the host's own thread (isolated-vm's `applySync`)
 * instead of being queued to the isolate's thread and answered back through the event loop.
 *
 * Queued, a call wakes the isolate's thread and then the host's, and runs a second entry to learn
 * that the isolate went quiet. Entered synchronously, it wakes neither, and the entry's return is
 * the quiet: isolated-vm runs the microtasks before `applySync` returns, and its `timeout` covers
 * them. A raw call after 1 ms idle took 157 µs queued and 65 µs synchronous on this project's
 * machine; what that does to a warm call is in bench/README.md ("Synchronous entry").
 *
 * The price: while the host thread runs the guest it reads no cancel and no other call, and sends
 * no heartbeat; an isolate that isolated-vm loses on a huge allocation (sandbox.ts,
 * LOST_AFTER_DISPOSE_MS) holds it for good; and a guest that leaves a microtask loop running after
 * it returned keeps the entry until the deadline (the call ends TIMEOUT, where a queued call
 * reports its result and loses its instance). So a call enters this way only when:
 * - the host offers a gate and it is open: a sandbox worker running no other call
 *   (Config.workerSyncEntryMs > 0); in-process isolation never offers one, the server's thread is
 *   not the guest's;
 * - the instance's previous call was quick (at most the gate's `quickCallMs`, from its start to its
 *   outcome) and left it usable: a first call, a slow one or a streaming one is queued;
 *
 * and the host bounds the entry from outside: it tells a watcher thread the latest moment it may
 * be back (`entering`); meanwhile that thread sends the worker's heartbeats, and past it has the
 * server kill the process (parent-watch.ts). The server kills a worker that does not stop a
 * cancelled call within CANCEL_ANSWER_MS (src/sandbox/pending-answers.ts).
 */

/** Offered by a host whose thread may run guest calls synchronously. */
export interface SyncEntryGate {
  /** A call that took at most this long (start to outcome) lets the instance's next one enter. */
  readonly quickCallMs: number;
  /** Nothing else needs this thread now. */
  open(): boolean;
  /**
   * The thread is about to run guest code until at most `deadline` (epoch ms; isolated-vm's own
   * timeout ends the entry there).
   */
  entering(deadline: number): void;
  /** The thread is back. */
  left(): void;
}
