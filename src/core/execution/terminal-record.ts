/**
 * The one terminal record of an execution: how the end of a run (its outcome, or a refusal from
 * the queue) becomes the record that is stored and answered. The result is bounded here
 * (maxResultBytes, maxErrorMessageBytes), and a run cancelled by a shutdown ends FAILED
 * INTERRUPTED rather than CANCELLED.
 */
import type { Config } from '../../config.js';
import { OutcomeCodes } from '../../errors.js';
import type { ExecutionRecord, ExecutionStatus } from '../../store/records.js';
import { encodeResult } from '../values/codec.js';
import type { LogBuffer } from './log-buffer.js';
import { clipErrorMessage, resultTooLargeMessage } from './outcome-bounds.js';
import type { EncodedValue } from '../values/values.js';

/** The reason a shutdown gives the executions it cancels. */
export const FINISHED_BY_SHUTDOWN = 'the server shut down before the execution finished';

/**
 * The value each COMPLETED terminal record's result was encoded from, for a transport that answers
 * with the value itself (the HTTP trigger): it need not decode what was just encoded.
 */
const resultValues = new WeakMap<ExecutionRecord, EncodedValue>();

/** The value `record`'s result was encoded from, while that record object lives (not for records read back from the store). */
export function resultValueOf(record: ExecutionRecord): EncodedValue | undefined {
  return resultValues.get(record);
}

/** How a run ended, before it is bounded into a record. */
export interface ExecutionEnd {
  status: ExecutionStatus;
  value?: EncodedValue;
  errorCode?: string;
  errorMessage?: string;
  memoryUsedBytes?: number;
  metrics?: Record<string, string>;
}

/**
 * The terminal record of `r` (the record built when the execution was accepted), ended at `now`.
 * Called by TaskExecutionManager once per execution; never throws (a result that cannot be encoded
 * or is too large becomes the execution's failure).
 */
export function terminalRecord(
  r: ExecutionRecord,
  end: ExecutionEnd,
  logs: LogBuffer,
  cancelReason: string | undefined,
  config: Pick<Config, 'maxResultBytes' | 'maxErrorMessageBytes'>,
  now: number,
): ExecutionRecord {
  let status = end.status;
  let errorCode = end.errorCode;
  let errorMessage = end.errorMessage;
  let result: ExecutionRecord['result'];
  if (status === 'CANCELLED' && cancelReason === FINISHED_BY_SHUTDOWN) {
    status = 'FAILED';
    errorCode = OutcomeCodes.INTERRUPTED;
    errorMessage = FINISHED_BY_SHUTDOWN;
  }
  if (status === 'COMPLETED' && end.value) {
    try {
      const any = encodeResult(end.value);
      if (any && any.value.length > config.maxResultBytes) {
        status = 'FAILED';
        errorCode = OutcomeCodes.RESULT_TOO_LARGE;
        errorMessage = resultTooLargeMessage(any.value.length, config.maxResultBytes);
      } else if (any) {
        result = { typeUrl: any.type_url, valueBase64: Buffer.from(any.value).toString('base64') };
      }
    } catch (err) {
      status = 'FAILED';
      errorCode = OutcomeCodes.RESULT_NOT_SERIALIZABLE;
      errorMessage = `the result cannot be serialised: ${(err as Error).message}`;
    }
  }
  errorMessage = clipErrorMessage(errorMessage, config.maxErrorMessageBytes);
  // Every field spelled out, in the order `{ ...r, status, result, ... }` would give: V8 makes a
  // spread that adds properties to the copy a slow path (about 20 µs a call on Node 20), where a
  // literal is a fraction of a microsecond. `r` is always the record built on acceptance, so no
  // field of it is lost.
  const record: ExecutionRecord = {
    executionId: r.executionId,
    seq: r.seq,
    taskId: r.taskId,
    functionName: r.functionName,
    mode: r.mode,
    status,
    createdAt: r.createdAt,
    startedAt: r.startedAt ?? now,
    executionTimeMs: r.startedAt ? now - r.startedAt : 0,
    memoryUsedBytes: end.memoryUsedBytes ?? 0,
    metrics: { ...r.metrics, ...end.metrics },
    logs: logs.toArray(),
    logsTruncated: logs.truncated,
    metadata: r.metadata,
    request: r.request,
    result,
    errorCode,
    errorMessage,
    completedAt: now,
    // Kept on the terminal record too: it scopes the execution to its tenant once the task is gone.
    tenant: r.tenant,
  };
  if (result !== undefined && end.value !== undefined) resultValues.set(record, end.value);
  return record;
}
