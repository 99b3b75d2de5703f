/**
 * Wire requests → core inputs. Only shape conversion lives here (enum names, int64 strings,
 * defaults); validation is the core's.
 */
import { invalidArgument } from '../errors.js';
import type { InvokeFunctionRequest__Output } from '../generated/spearlet/InvokeFunctionRequest.js';
import type { InvocationTypeName, InvokeInput } from '../core/execution/invocation-plan.js';
import type { ExecutionMode } from '../store/records.js';

/** int64 fields arrive as decimal strings (proto-loader `longs: String`). */
export function int64(value: string | number | undefined | null, field: string): number {
  if (value === undefined || value === null || value === '') return 0;
  const n = Number(value);
  if (!Number.isSafeInteger(n)) throw invalidArgument(field, `must be an integer, got '${value}'`);
  return n;
}

function enumName(value: string | number | undefined, prefix: string, names: readonly string[]): string {
  if (typeof value === 'number') return names[value] ?? 'UNKNOWN';
  return (value ?? `${prefix}UNKNOWN`).replace(prefix, '');
}

/** The execution mode of an InvokeFunction request (UNKNOWN → SYNC). */
export function modeOf(req: InvokeFunctionRequest__Output): ExecutionMode {
  const mode = enumName(req.executionMode, 'EXECUTION_MODE_', ['UNKNOWN', 'SYNC', 'ASYNC', 'STREAM']);
  if (mode === 'UNKNOWN') return 'SYNC';
  if (mode === 'SYNC' || mode === 'ASYNC' || mode === 'STREAM') return mode;
  throw invalidArgument('execution_mode', `unknown value ${String(req.executionMode)}`);
}

export function toInvokeInput(req: InvokeFunctionRequest__Output, mode: ExecutionMode): InvokeInput {
  const type = enumName(req.invocationType, 'INVOCATION_TYPE_', ['UNKNOWN', 'NEW_TASK', 'EXISTING_TASK']);
  if (type !== 'UNKNOWN' && type !== 'NEW_TASK' && type !== 'EXISTING_TASK') {
    throw invalidArgument('invocation_type', `unknown value ${String(req.invocationType)}`);
  }
  const ctx = req.context;
  return {
    invocationType: type as InvocationTypeName,
    taskName: req.taskName ?? '',
    taskDescription: req.taskDescription ?? '',
    artifactSpec: req.artifactSpec ?? null,
    taskId: req.taskId ?? '',
    createIfNotExists: req.createIfNotExists ?? false,
    functionName: req.functionName ?? '',
    parameters: req.parameters ?? [],
    mode,
    wait: req.wait ?? false,
    context: {
      executionId: ctx?.executionId ?? '',
      sessionId: ctx?.sessionId ?? '',
      userId: ctx?.userId ?? '',
      environment: { ...(ctx?.environment ?? {}) },
      headers: { ...(ctx?.headers ?? {}) },
      timeoutMs: int64(ctx?.timeoutMs, 'context.timeout_ms'),
      maxRetries: ctx?.maxRetries ?? 0,
    },
    forceNewInstance: req.forceNewInstance ?? false,
    metadata: { ...(req.invocationMetadata ?? {}) },
    executionId: req.executionId !== undefined && req.executionId !== '' ? req.executionId : undefined,
  };
}
