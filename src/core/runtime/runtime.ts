/**
 * The Runtime interface: what every sandbox implementation (V8 isolate, WebAssembly) provides.
 *
 * A Runtime is registered with the RuntimeManager under its artifact_type names and is the only
 * code that knows how a sandbox works. The pool, the execution manager, the service and the store
 * deal only with these types, so a runtime can live in this process or in a sandbox worker process
 * behind a proxy that implements the same interface.
 */
import type { EncodedValue, ParamValue } from '../values/values.js';
import type { OutcomeCode } from '../../errors.js';

/** What a function export is, as far as the caller needs to know. */
export interface ExportInfo {
  name: string;
  /**
   * `function` returns a value (sync or a promise); `generator` yields chunks (sync or async
   * generator); `wasi-command` is a WASI `_start`; `wasm-function` takes and returns numbers.
   */
  kind: 'function' | 'generator' | 'wasi-command' | 'wasm-function';
  /** For wasm-function: the Wasm value types of the parameters and results ('i32','i64','f32','f64'). */
  params?: string[];
  results?: string[];
}

/** What a runtime learned about an artifact when it validated it at task creation. */
export interface ArtifactAnalysis {
  exports: ExportInfo[];
  /** The export called when function_name is empty, if any. */
  defaultExport?: string;
}

/** Per-instance limits, resolved from task metadata and capped by server config. */
export interface InstanceLimits {
  /** Heap (and, for Wasm, linear memory) ceiling of one instance. */
  memoryLimitMb: number;
  /**
   * The task's tenant (ArtifactSpec.metadata `tenant`), if any. A runtime that hosts sandboxes in
   * separate processes never puts code of two different tenants (or of a tenant and untenanted
   * tasks) in one process; in-process runtimes ignore it.
   */
  tenant?: string;
  /**
   * The task keeps instances warm (min_instances > 0). A runtime that can lose an idle instance
   * without a call failing (its sandbox worker died or was drained) rebuilds such an instance at
   * once; others are rebuilt when next called.
   */
  keepWarm?: boolean;
}

/** Everything a runtime needs to build an instance of a task's code. Structured-cloneable. */
export interface InstanceSpec {
  taskId: string;
  /** SHA-256 hex of the artifact; runtimes key their compile caches by it. */
  digest: string;
  code: Uint8Array;
  limits: InstanceLimits;
  /**
   * Reads the code again (from the store). A runtime that rebuilds an instance later (a sandbox
   * worker went) uses it instead of keeping `code` alive for the instance's whole life. Not
   * cloneable: such a runtime sends the other fields only.
   */
  reload?: () => Promise<Uint8Array>;
}

/** One call of one function on one instance. Structured-cloneable. */
export interface Invocation {
  executionId: string;
  taskId: string;
  functionName: string;
  /** Decoded parameters by name. */
  params: Record<string, ParamValue>;
  /** Parameters in request order (Wasm exports take positional numbers). */
  paramList: ParamValue[];
  env: Record<string, string>;
  headers: Record<string, string>;
  sessionId: string;
  userId: string;
  /** Absolute deadline, epoch ms. The instance must end the call by then (TIMEOUT). */
  deadline: number;
  /** Values of the secrets the task names (metadata `secrets`); JS guests see `ctx.secrets`. */
  secrets?: Record<string, string>;
  /** True when the caller wants chunks as they are yielded (StreamFunction). */
  streaming: boolean;
}

/** Callbacks an instance uses while a call runs. */
export interface ExecutionHooks {
  /** A console line / stderr line of the guest, as it happens. */
  onLog(line: string): void;
  /**
   * A streamed chunk (only when Invocation.streaming). The receiver calls `delivered` once the
   * chunk has left for the client (flow control): a runtime that can pause its guest keeps at most
   * Config.streamWindowChunks / streamWindowBytes undelivered, and waits for the rest.
   */
  onChunk(chunk: EncodedValue, delivered: () => void): void;
  /**
   * A host call of the guest (fetch, KV: see src/capabilities/capabilities.ts), answered by the
   * server. Payload and answer are structured-cloneable. Rejects with a GuestError-shaped
   * `{ name, message }` error the runtime rethrows in the guest. Absent: the guest has no host
   * capabilities and such calls fail.
   */
  onHostCall?(op: string, payload: unknown): Promise<unknown>;
}

/** How a call ended. `instanceUsable=false` tells the pool to dispose the instance. */
export interface Outcome {
  status: 'completed' | 'failed' | 'timeout' | 'cancelled';
  /** Set when status is completed. */
  value?: EncodedValue;
  errorCode?: OutcomeCode;
  errorMessage?: string;
  /** CPU time the sandbox spent on this call, microseconds. */
  cpuTimeUs: number;
  /** Heap (and linear memory) of the sandbox after the call, bytes. */
  memoryUsedBytes: number;
  /** False when the sandbox was terminated or is in an unknown state (timeout, OOM, cancel, crash). */
  instanceUsable: boolean;
  /**
   * Log lines the sandbox counted but did not send to the host (past the per-execution limit, it
   * sends one line more, so the host sees the cut, and only counts the rest).
   */
  logLinesDropped?: number;
  /**
   * True when the instance had to rebuild its sandbox before this call (a process-isolated
   * instance whose worker died): module state was lost, so the call was a cold start.
   */
  rebuilt?: boolean;
}

/**
 * A live sandbox holding one task's code. Instances are owned by the InstancePool; one call runs
 * on an instance at a time.
 */
export interface Instance {
  readonly id: string;
  readonly taskId: string;
  /**
   * Runs one call. Never throws for anything the guest does: guest errors, timeouts, memory
   * exhaustion, cancellation (via `signal`) and sandbox crashes are all reported as an Outcome.
   */
  execute(call: Invocation, hooks: ExecutionHooks, signal: AbortSignal): Promise<Outcome>;
  /** Current heap (and linear memory) of the sandbox, bytes. Cheap; called by the pool. */
  memoryUsedBytes(): number;
  /** Frees the sandbox. Idempotent. */
  dispose(): void;
}

/**
 * A new task's first call, handed to `prepare` so that it can start on the first instance as soon
 * as that is built (a runtime whose sandboxes live in another process sends it along with the
 * code: one round trip instead of two). The runtime starts it only when the analysis lists the
 * function; the caller still checks everything and disposes the instance if it refuses the task.
 */
export interface FirstCall {
  call: Invocation;
  hooks: ExecutionHooks;
  signal: AbortSignal;
}

/** The call with an empty function_name pointed at the artifact's default export, as a plan does. */
export function withDefaultExport(call: Invocation, analysis: ArtifactAnalysis): Invocation {
  return call.functionName !== '' || analysis.defaultExport === undefined ? call : { ...call, functionName: analysis.defaultExport };
}

/** What `Runtime.prepare` gives back: the artifact's analysis and its first instance. */
export interface PreparedTask {
  analysis: ArtifactAnalysis;
  instance: Instance;
  /**
   * The outcome of the FirstCall given to `prepare`, when the runtime started it (runtimes may
   * leave it to the caller, who then calls `instance.execute`). Rejects as `execute` would, e.g.
   * FUNCTION_NOT_FOUND.
   */
  firstOutcome?: Promise<Outcome>;
}

/**
 * A sandbox implementation. Registered with RuntimeManager by its module's `setup()`.
 */
export interface Runtime {
  /** Canonical name, stored with each task ('v8-isolate', 'wasm'). */
  readonly name: string;
  /** artifact_type values (lower case) this runtime serves. */
  readonly artifactTypes: readonly string[];
  /**
   * Task creation: validates the artifact, reports its exports and builds the task's first
   * instance, from one load of the code where the runtime can (a new task's first call then finds
   * its instance ready). Throws SpearletError INVALID_ARTIFACT (syntax error with line and column,
   * invalid Wasm with the validator's message) or INVALID_ARGUMENT (e.g. initial memory over the
   * limit), and then leaves nothing running.
   */
  prepare(spec: InstanceSpec, first?: FirstCall): Promise<PreparedTask>;
  /** Builds a ready-to-call instance. Throws SpearletError on failure. */
  createInstance(spec: InstanceSpec): Promise<Instance>;
  /** Forgets compile caches for a digest (task deleted). */
  evict?(digest: string): void;
  /** Frees everything (server shutdown). */
  close?(): Promise<void>;
  /** Live facts for GetHealth's system_info (e.g. sandbox worker pids); keys are prefixed by the caller. */
  systemInfo?(): Record<string, string>;
}
