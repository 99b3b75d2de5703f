/**
 * Coded errors. Every error that crosses a module boundary is a SpearletError with a stable `code`.
 * `src/server/status-map.ts` is the one place these codes become gRPC statuses; errors from
 * libraries (isolated-vm, WebAssembly, RocksDB) are translated into these at the edge.
 */

/** Stable error codes of RPC-level failures (the request was refused or could not be served). */
export const ErrorCodes = {
  /** A request field is missing or malformed; `field` names it. */
  INVALID_ARGUMENT: 'INVALID_ARGUMENT',
  /** artifact_type names no registered runtime. */
  UNKNOWN_ARTIFACT_TYPE: 'UNKNOWN_ARTIFACT_TYPE',
  /** The artifact bytes are not valid code for their runtime (syntax error, invalid Wasm, ...). */
  INVALID_ARTIFACT: 'INVALID_ARTIFACT',
  /** The artifact bytes do not match `checksum`. */
  CHECKSUM_MISMATCH: 'CHECKSUM_MISMATCH',
  /** The artifact is larger than the configured cap. */
  ARTIFACT_TOO_LARGE: 'ARTIFACT_TOO_LARGE',
  /** The artifact location could not be read (missing file, HTTP error). */
  ARTIFACT_UNREADABLE: 'ARTIFACT_UNREADABLE',
  /** The artifact location resolves outside the artifact roots, or its host is not allowed. */
  ARTIFACT_FORBIDDEN: 'ARTIFACT_FORBIDDEN',
  /** No task with that id. */
  TASK_NOT_FOUND: 'TASK_NOT_FOUND',
  /** No execution with that id. */
  EXECUTION_NOT_FOUND: 'EXECUTION_NOT_FOUND',
  /** function_name names nothing the task exports. */
  FUNCTION_NOT_FOUND: 'FUNCTION_NOT_FOUND',
  /** A caller-chosen id (execution_id, task_id) already names something the request differs from; `field` says where. */
  ALREADY_EXISTS: 'ALREADY_EXISTS',
  /** A capacity limit (global concurrency, per-task concurrency, queue) is exhausted. */
  CAPACITY_EXHAUSTED: 'CAPACITY_EXHAUSTED',
  /** The task has running executions and the request did not say force. */
  TASK_BUSY: 'TASK_BUSY',
  /** The server is shutting down and accepts no new work. */
  SHUTTING_DOWN: 'SHUTTING_DOWN',
  /** The store could not be reached or written. */
  STORE_UNAVAILABLE: 'STORE_UNAVAILABLE',
  /** Configuration is invalid (flags, environment). */
  INVALID_CONFIG: 'INVALID_CONFIG',
  /** Secrets are not enabled (no key configured) or a sealed secret does not open with the key. */
  SECRETS_UNAVAILABLE: 'SECRETS_UNAVAILABLE',
  /** No secret with that name. */
  SECRET_NOT_FOUND: 'SECRET_NOT_FOUND',
  /** A bug: an invariant did not hold. */
  INTERNAL: 'INTERNAL',
  /** The call carries no credentials, or credentials the server does not know. */
  UNAUTHENTICATED: 'UNAUTHENTICATED',
  /** The caller's role may not make this call (or name another tenant). */
  PERMISSION_DENIED: 'PERMISSION_DENIED',
  /** A per-tenant quota is used up; the message names the tenant and the quota. */
  QUOTA_EXCEEDED: 'QUOTA_EXCEEDED',
} as const;

export type ErrorCode = (typeof ErrorCodes)[keyof typeof ErrorCodes];

/** Base class of every coded error. `field` is the request field path at fault, if any. */
export class SpearletError extends Error {
  readonly code: ErrorCode;
  readonly field: string | undefined;

  constructor(code: ErrorCode, message: string, options: { field?: string; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'SpearletError';
    this.code = code;
    this.field = options.field;
  }
}

/** A request field is missing or malformed. The message starts with the field path. */
export function invalidArgument(field: string, problem: string): SpearletError {
  return new SpearletError(ErrorCodes.INVALID_ARGUMENT, `${field}: ${problem}`, { field });
}

export function taskNotFound(taskId: string, field = 'task_id'): SpearletError {
  return new SpearletError(ErrorCodes.TASK_NOT_FOUND, `${field}: no task with id '${taskId}'`, { field });
}

export function executionNotFound(executionId: string): SpearletError {
  return new SpearletError(ErrorCodes.EXECUTION_NOT_FOUND, `execution_id: no execution with id '${executionId}'`, {
    field: 'execution_id',
  });
}

/** A caller-chosen id names an existing thing the request differs from in `field`. */
export function alreadyExists(field: string, problem: string): SpearletError {
  return new SpearletError(ErrorCodes.ALREADY_EXISTS, `${field}: ${problem}`, { field });
}

export function capacityExhausted(limit: string): SpearletError {
  return new SpearletError(ErrorCodes.CAPACITY_EXHAUSTED, `over capacity: ${limit}`);
}

export function storeUnavailable(operation: string, cause: unknown): SpearletError {
  const detail = cause instanceof Error ? cause.message : String(cause);
  return new SpearletError(ErrorCodes.STORE_UNAVAILABLE, `store ${operation} failed: ${detail}`, { cause });
}

export function unauthenticated(reason: string): SpearletError {
  return new SpearletError(ErrorCodes.UNAUTHENTICATED, `unauthenticated: ${reason}`);
}

export function permissionDenied(reason: string, field?: string): SpearletError {
  return new SpearletError(ErrorCodes.PERMISSION_DENIED, `permission denied: ${reason}`, { field });
}

/** Over one tenant's quota: names the tenant, the quota (its config/credentials-file key) and the figures. */
export function quotaExceeded(tenant: string, quota: string, detail: string): SpearletError {
  return new SpearletError(ErrorCodes.QUOTA_EXCEEDED, `tenant '${tenant}' is over its ${quota} quota: ${detail}`);
}

/** Wraps anything thrown into a SpearletError; non-coded errors become INTERNAL. */
export function toSpearletError(err: unknown): SpearletError {
  if (err instanceof SpearletError) return err;
  const message = err instanceof Error ? err.message : String(err);
  return new SpearletError(ErrorCodes.INTERNAL, `internal error: ${message}`, { cause: err });
}

/**
 * Codes of an execution's own outcome (ExecutionResult.error_code). These are not RPC errors:
 * the RPC succeeds and reports them in the result. Every runtime reports the same codes.
 */
export const OutcomeCodes = {
  FUNCTION_ERROR: 'FUNCTION_ERROR',
  TIMEOUT: 'TIMEOUT',
  OUT_OF_MEMORY: 'OUT_OF_MEMORY',
  TRAP: 'TRAP',
  EXIT_CODE: 'EXIT_CODE',
  CANCELLED: 'CANCELLED',
  INSTANCE_FAILED: 'INSTANCE_FAILED',
  INTERRUPTED: 'INTERRUPTED',
  RESULT_NOT_SERIALIZABLE: 'RESULT_NOT_SERIALIZABLE',
  /** The result is larger than the server's maxResultBytes. */
  RESULT_TOO_LARGE: 'RESULT_TOO_LARGE',
  INVALID_PARAMETERS: 'INVALID_PARAMETERS',
  /** An accepted ASYNC execution waited in the queue past the queue timeout. */
  QUEUE_TIMEOUT: 'QUEUE_TIMEOUT',
} as const;

export type OutcomeCode = (typeof OutcomeCodes)[keyof typeof OutcomeCodes];
