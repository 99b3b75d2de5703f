/**
 * InvokeFunction and StreamFunction: decode, call the core, encode.
 */
import type * as grpc from '@grpc/grpc-js';
import { encodeResult } from '../../core/values/codec.js';
import type { SpearletCore } from '../../core/spearlet-core.js';
import type { StreamSink } from '../../core/execution/execution-manager.js';
import { type CallerSignal, callerSignal } from '../../core/execution/caller-cancel.js';
import { invalidArgument } from '../../errors.js';
import type { InvokeFunctionRequest__Output } from '../../generated/spearlet/InvokeFunctionRequest.js';
import type { InvokeFunctionResponse } from '../../generated/spearlet/InvokeFunctionResponse.js';
import type { StreamExecutionResult } from '../../generated/spearlet/StreamExecutionResult.js';
import type { ExecutionRecord } from '../../store/records.js';
import { averageTimeMs } from '../../core/execution/execution-stats.js';
import { executionResult, statusEnum } from '../proto-convert.js';
import { modeOf, toInvokeInput } from '../request-decode.js';
import { toServiceError } from '../status-map.js';
import { type Unary, unary } from './unary.js';

const statusEndpoint = (id: string) => `spearlet.FunctionService/GetExecutionStatus?execution_id=${encodeURIComponent(id)}`;

function outcomeMessage(r: ExecutionRecord): string {
  if (r.status === 'COMPLETED') return 'execution completed';
  if (r.status === 'PENDING' || r.status === 'RUNNING') return `execution accepted (${r.status})`;
  return `execution ${r.status.toLowerCase()}${r.errorCode ? ` (${r.errorCode})` : ''}: ${r.errorMessage ?? ''}`;
}

function response(r: ExecutionRecord, success: boolean, message: string, estimateMs = 0): InvokeFunctionResponse {
  return {
    success,
    message,
    executionId: r.executionId,
    taskId: r.taskId,
    instanceId: r.metrics.instance_id ?? '',
    result: executionResult(r, true),
    statusEndpoint: statusEndpoint(r.executionId),
    estimatedCompletionMs: estimateMs,
  };
}

export function invokeFunction(core: SpearletCore): Unary<InvokeFunctionRequest__Output, InvokeFunctionResponse> {
  return unary(async (req, call) => {
    const mode = modeOf(req);
    if (mode === 'STREAM') throw invalidArgument('execution_mode', 'STREAM is served by the StreamFunction RPC, not InvokeFunction');
    const input = toInvokeInput(req, mode);
    const gone = callerGone(call);
    try {
      const accepted = await core.executions.invoke(input, undefined, gone.signal);
      if (mode === 'ASYNC' && !input.wait) {
        accepted.done.catch(() => undefined);
        const note = accepted.existing ? 'execution_id names an existing execution; nothing new runs' : 'execution accepted';
        return response(accepted.execution, true, note, Math.round(averageTimeMs(core.executions.totals)));
      }
      const record = await accepted.done;
      const message = accepted.existing ? `execution_id names an existing execution; ${outcomeMessage(record)}` : outcomeMessage(record);
      return response(record, record.status === 'COMPLETED', message);
    } finally {
      // Answered (or refused): the caller going now changes nothing.
      gone.stop();
    }
  });
}

/**
 * A sink that holds events until the RUNNING message is written, so it always comes first. A
 * chunk counts as delivered when grpc-js has handed it to the HTTP/2 stream, which respects the
 * client's flow control: a client that does not read stops the guest's generator (see
 * ExecutionHooks.onChunk) instead of making the server buffer.
 */
class OrderedSink implements StreamSink {
  private buffer: Array<{ msg: StreamExecutionResult; delivered?: () => void }> | undefined = [];
  executionId = '';

  constructor(private readonly call: grpc.ServerWritableStream<InvokeFunctionRequest__Output, StreamExecutionResult>) {}

  private send(msg: StreamExecutionResult, delivered?: () => void): void {
    if (this.buffer) this.buffer.push({ msg, delivered });
    else if (!this.call.cancelled) this.call.write({ ...msg, executionId: this.executionId }, (err: unknown) => err == null && delivered?.());
  }

  open(executionId: string): void {
    this.executionId = executionId;
    this.call.write({ executionId, status: 'EXECUTION_STATUS_RUNNING', metadata: { kind: 'status' } });
    const pending = this.buffer ?? [];
    this.buffer = undefined;
    for (const { msg, delivered } of pending) this.send(msg, delivered);
  }

  chunk(value: Parameters<StreamSink['chunk']>[0], delivered: () => void): void {
    this.send({ status: 'EXECUTION_STATUS_RUNNING', chunkData: encodeResult(value), metadata: { kind: 'data' } }, delivered);
  }

  log(line: string): void {
    this.send({ status: 'EXECUTION_STATUS_RUNNING', chunkData: encodeResult({ kind: 'string', value: line }), metadata: { kind: 'log' } });
  }
}

export function streamFunction(core: SpearletCore) {
  return async (call: grpc.ServerWritableStream<InvokeFunctionRequest__Output, StreamExecutionResult>): Promise<void> => {
    // Listened for from the start: a stream cancelled while it waits for a slot ends there.
    const gone = callerGone(call);
    try {
      const input = toInvokeInput(call.request, 'STREAM');
      const sink = new OrderedSink(call);
      const accepted = await core.executions.invoke(input, sink, gone.signal);
      const id = accepted.execution.executionId;
      if (accepted.existing) {
        const record = await accepted.done;
        call.write({ executionId: id, status: statusEnum(record.status) as StreamExecutionResult['status'], metadata: { kind: 'status', existing: 'true' } });
        call.write(finalMessage(record));
        call.end();
        return;
      }
      sink.open(id);
      const record = await accepted.done;
      if (!call.cancelled) {
        call.write(finalMessage(record));
        call.end();
      }
    } catch (err) {
      call.emit('error', toServiceError(err));
    } finally {
      gone.stop();
    }
  };
}

/** Aborts when the client cancels the RPC (or its deadline passes, or its connection drops). */
function callerGone(call: grpc.ServerUnaryCall<unknown, unknown> | grpc.ServerWritableStream<unknown, unknown>): CallerSignal {
  return callerSignal(call.cancelled, (listener) => {
    call.once('cancelled', listener);
    return () => call.removeListener('cancelled', listener);
  });
}

function finalMessage(r: ExecutionRecord): StreamExecutionResult {
  return {
    executionId: r.executionId,
    status: statusEnum(r.status) as StreamExecutionResult['status'],
    isFinal: true,
    chunkData: r.result ? { type_url: r.result.typeUrl, value: Buffer.from(r.result.valueBase64, 'base64') } : null,
    errorMessage: r.errorMessage ?? '',
    metadata: {
      kind: 'final',
      error_code: r.errorCode ?? '',
      execution_time_ms: String(r.executionTimeMs),
      ...r.metrics,
    },
  };
}
