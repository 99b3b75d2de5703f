/**
 * The conformance manifest, as written in fixtures/manifest/*.json. A case is one step (its own
 * fields) or a list of `steps`; a step invokes a function (the default kind), calls one RPC
 * (`rpc`), waits for an execution to finish (`wait`) or pauses (`sleep`). Requests are written in
 * the proto3 JSON mapping (lowerCamelCase field names, enum value names). Strings may hold
 * `${var}`: `run` (unique per run), `case` (the case's slug), `i` (the repeat index) and whatever
 * earlier steps saved. fixtures/manifest/README.md documents every field.
 */
import type { TypedParam } from '../client/typed-params.js';

export const RPC_NAMES = [
  'InvokeFunction',
  'StreamFunction',
  'GetExecutionStatus',
  'CancelExecution',
  'ListTasks',
  'GetTask',
  'DeleteTask',
  'ListExecutions',
  'GetHealth',
  'GetStats',
] as const;
export type RpcName = (typeof RPC_NAMES)[number];

export const MODES = ['SYNC', 'ASYNC', 'STREAM'] as const;
export type Mode = (typeof MODES)[number];

export const STATUSES = ['PENDING', 'RUNNING', 'COMPLETED', 'FAILED', 'CANCELLED', 'TIMEOUT'] as const;

/** Where an artifact comes from: a fixture file or inline source (sent as a data: URI), or a raw location. */
export interface ArtifactRef {
  /** artifact_type, e.g. javascript or wasm. */
  type: string;
  /** A file under the fixtures directory; its bytes are sent inline. */
  fixture?: string;
  /** UTF-8 source text, sent inline. */
  source?: string;
  /** Sent as-is (to test location handling): a path, a URL, or '' for none. */
  location?: string;
  /** `auto` sends the correct `sha256:<hex>` of the bytes, `auto-hex` the bare hex; anything else is sent as-is. */
  checksum?: string;
  metadata?: Record<string, string>;
}

/** What a step must observe. Which fields apply depends on the step kind (see manifest.ts). */
export interface Expect {
  /** The call must be refused with this gRPC status name (e.g. INVALID_ARGUMENT). */
  grpcCode?: string;
  /** Refusals: a regex the error details must match. */
  message?: string;
  /** The result's error_code; for refusals, the `spearlet-error-code` trailer. */
  errorCode?: string;
  success?: boolean;
  /** The execution's final status (COMPLETED, ...), or a list of acceptable ones. */
  status?: string | string[];
  /** Regex (a string) or matcher for error_message. */
  errorMessage?: unknown;
  /** The decoded result, matched exactly. */
  result?: unknown;
  /** The result's type: a google.protobuf type name (StringValue) or `none` for no result. */
  resultType?: string;
  /** STREAM: the decoded data chunks, matched exactly. */
  chunks?: unknown;
  /** The execution's log lines (an array matches exactly; use $contains for some). */
  logs?: unknown;
  /** A subset of result.metrics. */
  metrics?: unknown;
  /** A subset of the raw response. */
  response?: unknown;
}

interface StepBase {
  expect?: Expect;
  /** Variable name → path in the step's outcome (invoke/wait) or response (rpc), e.g. `taskId`. */
  save?: Record<string, string>;
  /** Runs the step this many times, `${i}` counting from 0. */
  repeat?: number;
  /** Per-call deadline, ms (default 30000). */
  timeoutMs?: number;
}

export interface InvokeStep extends StepBase {
  kind: 'invoke';
  artifact?: ArtifactRef;
  /** An existing task id (task_id). */
  task?: string;
  /** task_name when registering (default: conformance-<case>-<run>). */
  taskName?: string;
  function?: string;
  params?: TypedParam[] | Record<string, unknown>;
  /** SYNC (default), ASYNC (then polled to the end) or STREAM (StreamFunction). */
  mode?: Mode;
  /** More InvokeFunctionRequest fields; they win over what the fields above produce. */
  request?: Record<string, unknown>;
  /** STREAM: cancel the stream after this many data chunks. */
  cancelAfterChunks?: number;
}

export interface RpcStep extends StepBase {
  kind: 'rpc';
  rpc: RpcName;
  request?: Record<string, unknown>;
}

export interface WaitStep extends StepBase {
  kind: 'wait';
  /** The execution id to poll until it is terminal. */
  wait: string;
}

export interface SleepStep {
  kind: 'sleep';
  sleep: number;
}

export type Step = InvokeStep | RpcStep | WaitStep | SleepStep;

export interface Case {
  name: string;
  description?: string;
  /** The manifest file it came from. */
  file: string;
  steps: Step[];
  /** Whole-case deadline, ms (default 60000). */
  timeoutMs: number;
}
