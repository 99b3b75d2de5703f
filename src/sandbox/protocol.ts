/**
 * The messages between the server and its sandbox worker processes.
 *
 * They travel on a pipe between the two (fd 4 of the worker) in frames (channel-codec.ts): JSON
 * when JSON carries them exactly, else V8's structured clone of them, so Uint8Array, BigInt and
 * nested objects arrive as they were sent. Each frame is an array: the messages one side sent
 * during one turn of its event loop (batched-sender.ts). A call costs one message each way
 * (`execute` → `outcome`), plus one per log line or chunk the guest produces; instance memory
 * rides on the outcome so the server never has to ask.
 *
 * Requests that expect an answer carry an `id` unique per worker; the answer (`prepared`,
 * `created`, `outcome`, `error`) and the `log`/`chunk` messages of a call carry the same id.
 */
import type { Config } from '../config.js';
import type { ErrorCode } from '../errors.js';
import type { ArtifactAnalysis, InstanceSpec, Invocation, Outcome } from '../core/runtime/runtime.js';
import type { EncodedValue } from '../core/values/values.js';
import type { WireGuestError } from '../capabilities/guest-error.js';

/** Server → worker. */
export type ToWorker =
  /** First message: the worker builds its runtimes from this config. */
  | { type: 'init'; config: Config }
  /**
   * A new task: analyse its artifact and keep the instance that load built (`prepared`). With
   * `first`, the task's first call then runs on that instance at once, answered like an `execute`
   * with `first.id` (an `error` for it when the load fails).
   */
  | { type: 'prepare'; id: number; runtime: string; spec: InstanceSpec; first?: { id: number; call: Invocation } }
  | { type: 'create'; id: number; runtime: string; spec: InstanceSpec }
  | { type: 'execute'; id: number; instanceId: string; call: Invocation }
  /** Aborts the call started by the `execute` with this id (its outcome still comes back). */
  | { type: 'cancel'; id: number }
  /** `n` more of the call's chunks have left for the client (flow control, see ExecutionHooks). */
  | { type: 'credit'; id: number; n: number }
  | { type: 'dispose'; instanceId: string }
  | { type: 'evict'; runtime: string; digest: string }
  /** The answer to the `host` call `req` of the call `id`. */
  | { type: 'hostReply'; id: number; req: number; ok: true; value: unknown }
  | { type: 'hostReply'; id: number; req: number; ok: false; error: WireGuestError };

/** Worker → server. */
export type FromWorker =
  /** Runtimes are built; `pid` for operators and tests. */
  | { type: 'ready'; pid: number }
  | { type: 'prepared'; id: number; instanceId: string; memoryUsedBytes: number; analysis: ArtifactAnalysis }
  | { type: 'created'; id: number; instanceId: string; memoryUsedBytes: number }
  | { type: 'outcome'; id: number; outcome: Outcome }
  | { type: 'error'; id: number; error: WireErrorInfo }
  | { type: 'log'; id: number; line: string }
  | { type: 'chunk'; id: number; chunk: EncodedValue }
  /** A host call (fetch, KV) of the guest running the call `id`; answered by a `hostReply`. */
  | { type: 'host'; id: number; req: number; op: string; payload: unknown }
  /** Sent every HEARTBEAT_MS: the worker is alive and this is its resident set. */
  | { type: 'heartbeat'; rssBytes: number; instances: number }
  /**
   * Something happened that leaves the process in a state it should not keep serving in
   * (isolated-vm lost control of an isolate): the server drains and replaces this worker.
   */
  | { type: 'fault'; message: string };

/** A SpearletError as it crosses the channel (Error objects lose their class on the way). */
export interface WireErrorInfo {
  code: ErrorCode;
  message: string;
  field?: string;
}

/** How often a worker reports that it is alive, and its RSS. */
export const HEARTBEAT_MS = 1_000;
