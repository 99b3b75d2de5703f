/**
 * A promise-based FunctionService client, used by the CLI, the conformance runner, the benchmarks
 * and the integration tests.
 */
import * as grpc from '@grpc/grpc-js';
import type { FunctionServiceClient } from '../generated/spearlet/FunctionService.js';
import type { CancelExecutionRequest } from '../generated/spearlet/CancelExecutionRequest.js';
import type { CancelExecutionResponse__Output } from '../generated/spearlet/CancelExecutionResponse.js';
import type { DeleteTaskRequest } from '../generated/spearlet/DeleteTaskRequest.js';
import type { DeleteTaskResponse__Output } from '../generated/spearlet/DeleteTaskResponse.js';
import type { GetExecutionStatusRequest } from '../generated/spearlet/GetExecutionStatusRequest.js';
import type { GetExecutionStatusResponse__Output } from '../generated/spearlet/GetExecutionStatusResponse.js';
import type { GetHealthRequest } from '../generated/spearlet/GetHealthRequest.js';
import type { GetHealthResponse__Output } from '../generated/spearlet/GetHealthResponse.js';
import type { GetStatsRequest } from '../generated/spearlet/GetStatsRequest.js';
import type { GetStatsResponse__Output } from '../generated/spearlet/GetStatsResponse.js';
import type { GetTaskRequest } from '../generated/spearlet/GetTaskRequest.js';
import type { GetTaskResponse__Output } from '../generated/spearlet/GetTaskResponse.js';
import type { InvokeFunctionRequest } from '../generated/spearlet/InvokeFunctionRequest.js';
import type { InvokeFunctionResponse__Output } from '../generated/spearlet/InvokeFunctionResponse.js';
import type { ListExecutionsRequest } from '../generated/spearlet/ListExecutionsRequest.js';
import type { ListExecutionsResponse__Output } from '../generated/spearlet/ListExecutionsResponse.js';
import type { ListTasksRequest } from '../generated/spearlet/ListTasksRequest.js';
import type { ListTasksResponse__Output } from '../generated/spearlet/ListTasksResponse.js';
import type { StreamExecutionResult__Output } from '../generated/spearlet/StreamExecutionResult.js';
import type { DeployTaskRequest } from '../generated/spearlet/DeployTaskRequest.js';
import type { DeployTaskResponse__Output } from '../generated/spearlet/DeployTaskResponse.js';
import type { ExecutionLogLine__Output } from '../generated/spearlet/ExecutionLogLine.js';
import type { FollowExecutionLogsRequest } from '../generated/spearlet/FollowExecutionLogsRequest.js';
import { loadProto } from '../server/proto.js';
import { type ClientSecurity, callMetadata, channelCredentials } from './client-security.js';

type UnaryMethod<Req, Res> = (req: Req, options?: { deadlineMs?: number }) => Promise<Res>;

export class FunctionClient {
  readonly raw: FunctionServiceClient;

  /** @param security token and TLS files (plaintext, no token by default) */
  constructor(readonly target: string, options: grpc.ChannelOptions = {}, private readonly security: ClientSecurity = {}) {
    const Service = loadProto().grpcObject.spearlet.FunctionService;
    this.raw = new Service(target, channelCredentials(security), { 'grpc.max_receive_message_length': 64 * 1024 * 1024, ...options });
  }

  private unary<Req, Res>(method: string): UnaryMethod<Req, Res> {
    return (req, options = {}) =>
      new Promise<Res>((resolve, reject) => {
        const callOptions: grpc.CallOptions = options.deadlineMs ? { deadline: Date.now() + options.deadlineMs } : {};
        const fn = (this.raw as unknown as Record<string, (...args: unknown[]) => unknown>)[method];
        fn.call(this.raw, req, callMetadata(this.security), callOptions, (err: grpc.ServiceError | null, res: Res) => (err ? reject(err) : resolve(res)));
      });
  }

  invoke = this.unary<InvokeFunctionRequest, InvokeFunctionResponse__Output>('InvokeFunction');
  getExecutionStatus = this.unary<GetExecutionStatusRequest, GetExecutionStatusResponse__Output>('GetExecutionStatus');
  cancelExecution = this.unary<CancelExecutionRequest, CancelExecutionResponse__Output>('CancelExecution');
  listTasks = this.unary<ListTasksRequest, ListTasksResponse__Output>('ListTasks');
  getTask = this.unary<GetTaskRequest, GetTaskResponse__Output>('GetTask');
  deleteTask = this.unary<DeleteTaskRequest, DeleteTaskResponse__Output>('DeleteTask');
  listExecutions = this.unary<ListExecutionsRequest, ListExecutionsResponse__Output>('ListExecutions');
  getHealth = this.unary<GetHealthRequest, GetHealthResponse__Output>('GetHealth');
  getStats = this.unary<GetStatsRequest, GetStatsResponse__Output>('GetStats');
  deployTask = this.unary<DeployTaskRequest, DeployTaskResponse__Output>('DeployTask');

  /** Opens FollowExecutionLogs; the returned call emits one 'data' message per log line, then the final one. */
  followLogsCall(req: FollowExecutionLogsRequest): grpc.ClientReadableStream<ExecutionLogLine__Output> {
    return this.raw.FollowExecutionLogs(req);
  }

  /** Opens StreamFunction; the returned call emits 'data' messages and can be cancelled. */
  streamCall(req: InvokeFunctionRequest): grpc.ClientReadableStream<StreamExecutionResult__Output> {
    return this.raw.StreamFunction(req, callMetadata(this.security));
  }

  /** Runs StreamFunction to its end and collects every message. Rejects on an RPC error. */
  stream(req: InvokeFunctionRequest): Promise<StreamExecutionResult__Output[]> {
    return new Promise((resolve, reject) => {
      const messages: StreamExecutionResult__Output[] = [];
      const call = this.streamCall(req);
      call.on('data', (m: StreamExecutionResult__Output) => messages.push(m));
      call.on('error', reject);
      call.on('end', () => resolve(messages));
    });
  }

  /** Polls GetExecutionStatus until the execution is terminal or `timeoutMs` passes. */
  async waitForExecution(executionId: string, timeoutMs = 30_000, intervalMs = 20): Promise<GetExecutionStatusResponse__Output> {
    const end = Date.now() + timeoutMs;
    for (;;) {
      const res = await this.getExecutionStatus({ executionId, includeResult: true, includeLogs: true });
      const s = res.result?.status;
      if (res.found && s !== 'EXECUTION_STATUS_PENDING' && s !== 'EXECUTION_STATUS_RUNNING') return res;
      if (Date.now() > end) return res;
      await new Promise((r) => setTimeout(r, intervalMs));
    }
  }

  close(): void {
    this.raw.close();
  }
}
