// Original file: proto/spearlet/function.proto

import type * as grpc from '@grpc/grpc-js'
import type { MethodDefinition } from '@grpc/proto-loader'
import type { CancelExecutionRequest as _spearlet_CancelExecutionRequest, CancelExecutionRequest__Output as _spearlet_CancelExecutionRequest__Output } from '../spearlet/CancelExecutionRequest.js';
import type { CancelExecutionResponse as _spearlet_CancelExecutionResponse, CancelExecutionResponse__Output as _spearlet_CancelExecutionResponse__Output } from '../spearlet/CancelExecutionResponse.js';
import type { DeleteTaskRequest as _spearlet_DeleteTaskRequest, DeleteTaskRequest__Output as _spearlet_DeleteTaskRequest__Output } from '../spearlet/DeleteTaskRequest.js';
import type { DeleteTaskResponse as _spearlet_DeleteTaskResponse, DeleteTaskResponse__Output as _spearlet_DeleteTaskResponse__Output } from '../spearlet/DeleteTaskResponse.js';
import type { DeployTaskRequest as _spearlet_DeployTaskRequest, DeployTaskRequest__Output as _spearlet_DeployTaskRequest__Output } from '../spearlet/DeployTaskRequest.js';
import type { DeployTaskResponse as _spearlet_DeployTaskResponse, DeployTaskResponse__Output as _spearlet_DeployTaskResponse__Output } from '../spearlet/DeployTaskResponse.js';
import type { ExecutionLogLine as _spearlet_ExecutionLogLine, ExecutionLogLine__Output as _spearlet_ExecutionLogLine__Output } from '../spearlet/ExecutionLogLine.js';
import type { FollowExecutionLogsRequest as _spearlet_FollowExecutionLogsRequest, FollowExecutionLogsRequest__Output as _spearlet_FollowExecutionLogsRequest__Output } from '../spearlet/FollowExecutionLogsRequest.js';
import type { GetExecutionStatusRequest as _spearlet_GetExecutionStatusRequest, GetExecutionStatusRequest__Output as _spearlet_GetExecutionStatusRequest__Output } from '../spearlet/GetExecutionStatusRequest.js';
import type { GetExecutionStatusResponse as _spearlet_GetExecutionStatusResponse, GetExecutionStatusResponse__Output as _spearlet_GetExecutionStatusResponse__Output } from '../spearlet/GetExecutionStatusResponse.js';
import type { GetHealthRequest as _spearlet_GetHealthRequest, GetHealthRequest__Output as _spearlet_GetHealthRequest__Output } from '../spearlet/GetHealthRequest.js';
import type { GetHealthResponse as _spearlet_GetHealthResponse, GetHealthResponse__Output as _spearlet_GetHealthResponse__Output } from '../spearlet/GetHealthResponse.js';
import type { GetStatsRequest as _spearlet_GetStatsRequest, GetStatsRequest__Output as _spearlet_GetStatsRequest__Output } from '../spearlet/GetStatsRequest.js';
import type { GetStatsResponse as _spearlet_GetStatsResponse, GetStatsResponse__Output as _spearlet_GetStatsResponse__Output } from '../spearlet/GetStatsResponse.js';
import type { GetTaskRequest as _spearlet_GetTaskRequest, GetTaskRequest__Output as _spearlet_GetTaskRequest__Output } from '../spearlet/GetTaskRequest.js';
import type { GetTaskResponse as _spearlet_GetTaskResponse, GetTaskResponse__Output as _spearlet_GetTaskResponse__Output } from '../spearlet/GetTaskResponse.js';
import type { InvokeFunctionRequest as _spearlet_InvokeFunctionRequest, InvokeFunctionRequest__Output as _spearlet_InvokeFunctionRequest__Output } from '../spearlet/InvokeFunctionRequest.js';
import type { InvokeFunctionResponse as _spearlet_InvokeFunctionResponse, InvokeFunctionResponse__Output as _spearlet_InvokeFunctionResponse__Output } from '../spearlet/InvokeFunctionResponse.js';
import type { ListExecutionsRequest as _spearlet_ListExecutionsRequest, ListExecutionsRequest__Output as _spearlet_ListExecutionsRequest__Output } from '../spearlet/ListExecutionsRequest.js';
import type { ListExecutionsResponse as _spearlet_ListExecutionsResponse, ListExecutionsResponse__Output as _spearlet_ListExecutionsResponse__Output } from '../spearlet/ListExecutionsResponse.js';
import type { ListTasksRequest as _spearlet_ListTasksRequest, ListTasksRequest__Output as _spearlet_ListTasksRequest__Output } from '../spearlet/ListTasksRequest.js';
import type { ListTasksResponse as _spearlet_ListTasksResponse, ListTasksResponse__Output as _spearlet_ListTasksResponse__Output } from '../spearlet/ListTasksResponse.js';
import type { StreamExecutionResult as _spearlet_StreamExecutionResult, StreamExecutionResult__Output as _spearlet_StreamExecutionResult__Output } from '../spearlet/StreamExecutionResult.js';

export interface FunctionServiceClient extends grpc.Client {
  CancelExecution(argument: _spearlet_CancelExecutionRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_spearlet_CancelExecutionResponse__Output>): grpc.ClientUnaryCall;
  CancelExecution(argument: _spearlet_CancelExecutionRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_spearlet_CancelExecutionResponse__Output>): grpc.ClientUnaryCall;
  CancelExecution(argument: _spearlet_CancelExecutionRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_spearlet_CancelExecutionResponse__Output>): grpc.ClientUnaryCall;
  CancelExecution(argument: _spearlet_CancelExecutionRequest, callback: grpc.requestCallback<_spearlet_CancelExecutionResponse__Output>): grpc.ClientUnaryCall;
  cancelExecution(argument: _spearlet_CancelExecutionRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_spearlet_CancelExecutionResponse__Output>): grpc.ClientUnaryCall;
  cancelExecution(argument: _spearlet_CancelExecutionRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_spearlet_CancelExecutionResponse__Output>): grpc.ClientUnaryCall;
  cancelExecution(argument: _spearlet_CancelExecutionRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_spearlet_CancelExecutionResponse__Output>): grpc.ClientUnaryCall;
  cancelExecution(argument: _spearlet_CancelExecutionRequest, callback: grpc.requestCallback<_spearlet_CancelExecutionResponse__Output>): grpc.ClientUnaryCall;
  
  DeleteTask(argument: _spearlet_DeleteTaskRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_spearlet_DeleteTaskResponse__Output>): grpc.ClientUnaryCall;
  DeleteTask(argument: _spearlet_DeleteTaskRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_spearlet_DeleteTaskResponse__Output>): grpc.ClientUnaryCall;
  DeleteTask(argument: _spearlet_DeleteTaskRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_spearlet_DeleteTaskResponse__Output>): grpc.ClientUnaryCall;
  DeleteTask(argument: _spearlet_DeleteTaskRequest, callback: grpc.requestCallback<_spearlet_DeleteTaskResponse__Output>): grpc.ClientUnaryCall;
  deleteTask(argument: _spearlet_DeleteTaskRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_spearlet_DeleteTaskResponse__Output>): grpc.ClientUnaryCall;
  deleteTask(argument: _spearlet_DeleteTaskRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_spearlet_DeleteTaskResponse__Output>): grpc.ClientUnaryCall;
  deleteTask(argument: _spearlet_DeleteTaskRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_spearlet_DeleteTaskResponse__Output>): grpc.ClientUnaryCall;
  deleteTask(argument: _spearlet_DeleteTaskRequest, callback: grpc.requestCallback<_spearlet_DeleteTaskResponse__Output>): grpc.ClientUnaryCall;
  
  DeployTask(argument: _spearlet_DeployTaskRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_spearlet_DeployTaskResponse__Output>): grpc.ClientUnaryCall;
  DeployTask(argument: _spearlet_DeployTaskRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_spearlet_DeployTaskResponse__Output>): grpc.ClientUnaryCall;
  DeployTask(argument: _spearlet_DeployTaskRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_spearlet_DeployTaskResponse__Output>): grpc.ClientUnaryCall;
  DeployTask(argument: _spearlet_DeployTaskRequest, callback: grpc.requestCallback<_spearlet_DeployTaskResponse__Output>): grpc.ClientUnaryCall;
  deployTask(argument: _spearlet_DeployTaskRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_spearlet_DeployTaskResponse__Output>): grpc.ClientUnaryCall;
  deployTask(argument: _spearlet_DeployTaskRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_spearlet_DeployTaskResponse__Output>): grpc.ClientUnaryCall;
  deployTask(argument: _spearlet_DeployTaskRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_spearlet_DeployTaskResponse__Output>): grpc.ClientUnaryCall;
  deployTask(argument: _spearlet_DeployTaskRequest, callback: grpc.requestCallback<_spearlet_DeployTaskResponse__Output>): grpc.ClientUnaryCall;
  
  FollowExecutionLogs(argument: _spearlet_FollowExecutionLogsRequest, metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientReadableStream<_spearlet_ExecutionLogLine__Output>;
  FollowExecutionLogs(argument: _spearlet_FollowExecutionLogsRequest, options?: grpc.CallOptions): grpc.ClientReadableStream<_spearlet_ExecutionLogLine__Output>;
  followExecutionLogs(argument: _spearlet_FollowExecutionLogsRequest, metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientReadableStream<_spearlet_ExecutionLogLine__Output>;
  followExecutionLogs(argument: _spearlet_FollowExecutionLogsRequest, options?: grpc.CallOptions): grpc.ClientReadableStream<_spearlet_ExecutionLogLine__Output>;
  
  GetExecutionStatus(argument: _spearlet_GetExecutionStatusRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_spearlet_GetExecutionStatusResponse__Output>): grpc.ClientUnaryCall;
  GetExecutionStatus(argument: _spearlet_GetExecutionStatusRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_spearlet_GetExecutionStatusResponse__Output>): grpc.ClientUnaryCall;
  GetExecutionStatus(argument: _spearlet_GetExecutionStatusRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_spearlet_GetExecutionStatusResponse__Output>): grpc.ClientUnaryCall;
  GetExecutionStatus(argument: _spearlet_GetExecutionStatusRequest, callback: grpc.requestCallback<_spearlet_GetExecutionStatusResponse__Output>): grpc.ClientUnaryCall;
  getExecutionStatus(argument: _spearlet_GetExecutionStatusRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_spearlet_GetExecutionStatusResponse__Output>): grpc.ClientUnaryCall;
  getExecutionStatus(argument: _spearlet_GetExecutionStatusRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_spearlet_GetExecutionStatusResponse__Output>): grpc.ClientUnaryCall;
  getExecutionStatus(argument: _spearlet_GetExecutionStatusRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_spearlet_GetExecutionStatusResponse__Output>): grpc.ClientUnaryCall;
  getExecutionStatus(argument: _spearlet_GetExecutionStatusRequest, callback: grpc.requestCallback<_spearlet_GetExecutionStatusResponse__Output>): grpc.ClientUnaryCall;
  
  GetHealth(argument: _spearlet_GetHealthRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_spearlet_GetHealthResponse__Output>): grpc.ClientUnaryCall;
  GetHealth(argument: _spearlet_GetHealthRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_spearlet_GetHealthResponse__Output>): grpc.ClientUnaryCall;
  GetHealth(argument: _spearlet_GetHealthRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_spearlet_GetHealthResponse__Output>): grpc.ClientUnaryCall;
  GetHealth(argument: _spearlet_GetHealthRequest, callback: grpc.requestCallback<_spearlet_GetHealthResponse__Output>): grpc.ClientUnaryCall;
  getHealth(argument: _spearlet_GetHealthRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_spearlet_GetHealthResponse__Output>): grpc.ClientUnaryCall;
  getHealth(argument: _spearlet_GetHealthRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_spearlet_GetHealthResponse__Output>): grpc.ClientUnaryCall;
  getHealth(argument: _spearlet_GetHealthRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_spearlet_GetHealthResponse__Output>): grpc.ClientUnaryCall;
  getHealth(argument: _spearlet_GetHealthRequest, callback: grpc.requestCallback<_spearlet_GetHealthResponse__Output>): grpc.ClientUnaryCall;
  
  GetStats(argument: _spearlet_GetStatsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_spearlet_GetStatsResponse__Output>): grpc.ClientUnaryCall;
  GetStats(argument: _spearlet_GetStatsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_spearlet_GetStatsResponse__Output>): grpc.ClientUnaryCall;
  GetStats(argument: _spearlet_GetStatsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_spearlet_GetStatsResponse__Output>): grpc.ClientUnaryCall;
  GetStats(argument: _spearlet_GetStatsRequest, callback: grpc.requestCallback<_spearlet_GetStatsResponse__Output>): grpc.ClientUnaryCall;
  getStats(argument: _spearlet_GetStatsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_spearlet_GetStatsResponse__Output>): grpc.ClientUnaryCall;
  getStats(argument: _spearlet_GetStatsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_spearlet_GetStatsResponse__Output>): grpc.ClientUnaryCall;
  getStats(argument: _spearlet_GetStatsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_spearlet_GetStatsResponse__Output>): grpc.ClientUnaryCall;
  getStats(argument: _spearlet_GetStatsRequest, callback: grpc.requestCallback<_spearlet_GetStatsResponse__Output>): grpc.ClientUnaryCall;
  
  GetTask(argument: _spearlet_GetTaskRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_spearlet_GetTaskResponse__Output>): grpc.ClientUnaryCall;
  GetTask(argument: _spearlet_GetTaskRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_spearlet_GetTaskResponse__Output>): grpc.ClientUnaryCall;
  GetTask(argument: _spearlet_GetTaskRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_spearlet_GetTaskResponse__Output>): grpc.ClientUnaryCall;
  GetTask(argument: _spearlet_GetTaskRequest, callback: grpc.requestCallback<_spearlet_GetTaskResponse__Output>): grpc.ClientUnaryCall;
  getTask(argument: _spearlet_GetTaskRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_spearlet_GetTaskResponse__Output>): grpc.ClientUnaryCall;
  getTask(argument: _spearlet_GetTaskRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_spearlet_GetTaskResponse__Output>): grpc.ClientUnaryCall;
  getTask(argument: _spearlet_GetTaskRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_spearlet_GetTaskResponse__Output>): grpc.ClientUnaryCall;
  getTask(argument: _spearlet_GetTaskRequest, callback: grpc.requestCallback<_spearlet_GetTaskResponse__Output>): grpc.ClientUnaryCall;
  
  InvokeFunction(argument: _spearlet_InvokeFunctionRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_spearlet_InvokeFunctionResponse__Output>): grpc.ClientUnaryCall;
  InvokeFunction(argument: _spearlet_InvokeFunctionRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_spearlet_InvokeFunctionResponse__Output>): grpc.ClientUnaryCall;
  InvokeFunction(argument: _spearlet_InvokeFunctionRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_spearlet_InvokeFunctionResponse__Output>): grpc.ClientUnaryCall;
  InvokeFunction(argument: _spearlet_InvokeFunctionRequest, callback: grpc.requestCallback<_spearlet_InvokeFunctionResponse__Output>): grpc.ClientUnaryCall;
  invokeFunction(argument: _spearlet_InvokeFunctionRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_spearlet_InvokeFunctionResponse__Output>): grpc.ClientUnaryCall;
  invokeFunction(argument: _spearlet_InvokeFunctionRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_spearlet_InvokeFunctionResponse__Output>): grpc.ClientUnaryCall;
  invokeFunction(argument: _spearlet_InvokeFunctionRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_spearlet_InvokeFunctionResponse__Output>): grpc.ClientUnaryCall;
  invokeFunction(argument: _spearlet_InvokeFunctionRequest, callback: grpc.requestCallback<_spearlet_InvokeFunctionResponse__Output>): grpc.ClientUnaryCall;
  
  ListExecutions(argument: _spearlet_ListExecutionsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_spearlet_ListExecutionsResponse__Output>): grpc.ClientUnaryCall;
  ListExecutions(argument: _spearlet_ListExecutionsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_spearlet_ListExecutionsResponse__Output>): grpc.ClientUnaryCall;
  ListExecutions(argument: _spearlet_ListExecutionsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_spearlet_ListExecutionsResponse__Output>): grpc.ClientUnaryCall;
  ListExecutions(argument: _spearlet_ListExecutionsRequest, callback: grpc.requestCallback<_spearlet_ListExecutionsResponse__Output>): grpc.ClientUnaryCall;
  listExecutions(argument: _spearlet_ListExecutionsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_spearlet_ListExecutionsResponse__Output>): grpc.ClientUnaryCall;
  listExecutions(argument: _spearlet_ListExecutionsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_spearlet_ListExecutionsResponse__Output>): grpc.ClientUnaryCall;
  listExecutions(argument: _spearlet_ListExecutionsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_spearlet_ListExecutionsResponse__Output>): grpc.ClientUnaryCall;
  listExecutions(argument: _spearlet_ListExecutionsRequest, callback: grpc.requestCallback<_spearlet_ListExecutionsResponse__Output>): grpc.ClientUnaryCall;
  
  ListTasks(argument: _spearlet_ListTasksRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_spearlet_ListTasksResponse__Output>): grpc.ClientUnaryCall;
  ListTasks(argument: _spearlet_ListTasksRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_spearlet_ListTasksResponse__Output>): grpc.ClientUnaryCall;
  ListTasks(argument: _spearlet_ListTasksRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_spearlet_ListTasksResponse__Output>): grpc.ClientUnaryCall;
  ListTasks(argument: _spearlet_ListTasksRequest, callback: grpc.requestCallback<_spearlet_ListTasksResponse__Output>): grpc.ClientUnaryCall;
  listTasks(argument: _spearlet_ListTasksRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_spearlet_ListTasksResponse__Output>): grpc.ClientUnaryCall;
  listTasks(argument: _spearlet_ListTasksRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_spearlet_ListTasksResponse__Output>): grpc.ClientUnaryCall;
  listTasks(argument: _spearlet_ListTasksRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_spearlet_ListTasksResponse__Output>): grpc.ClientUnaryCall;
  listTasks(argument: _spearlet_ListTasksRequest, callback: grpc.requestCallback<_spearlet_ListTasksResponse__Output>): grpc.ClientUnaryCall;
  
  StreamFunction(argument: _spearlet_InvokeFunctionRequest, metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientReadableStream<_spearlet_StreamExecutionResult__Output>;
  StreamFunction(argument: _spearlet_InvokeFunctionRequest, options?: grpc.CallOptions): grpc.ClientReadableStream<_spearlet_StreamExecutionResult__Output>;
  streamFunction(argument: _spearlet_InvokeFunctionRequest, metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientReadableStream<_spearlet_StreamExecutionResult__Output>;
  streamFunction(argument: _spearlet_InvokeFunctionRequest, options?: grpc.CallOptions): grpc.ClientReadableStream<_spearlet_StreamExecutionResult__Output>;
  
}

export interface FunctionServiceHandlers extends grpc.UntypedServiceImplementation {
  CancelExecution: grpc.handleUnaryCall<_spearlet_CancelExecutionRequest__Output, _spearlet_CancelExecutionResponse>;
  
  DeleteTask: grpc.handleUnaryCall<_spearlet_DeleteTaskRequest__Output, _spearlet_DeleteTaskResponse>;
  
  DeployTask: grpc.handleUnaryCall<_spearlet_DeployTaskRequest__Output, _spearlet_DeployTaskResponse>;
  
  FollowExecutionLogs: grpc.handleServerStreamingCall<_spearlet_FollowExecutionLogsRequest__Output, _spearlet_ExecutionLogLine>;
  
  GetExecutionStatus: grpc.handleUnaryCall<_spearlet_GetExecutionStatusRequest__Output, _spearlet_GetExecutionStatusResponse>;
  
  GetHealth: grpc.handleUnaryCall<_spearlet_GetHealthRequest__Output, _spearlet_GetHealthResponse>;
  
  GetStats: grpc.handleUnaryCall<_spearlet_GetStatsRequest__Output, _spearlet_GetStatsResponse>;
  
  GetTask: grpc.handleUnaryCall<_spearlet_GetTaskRequest__Output, _spearlet_GetTaskResponse>;
  
  InvokeFunction: grpc.handleUnaryCall<_spearlet_InvokeFunctionRequest__Output, _spearlet_InvokeFunctionResponse>;
  
  ListExecutions: grpc.handleUnaryCall<_spearlet_ListExecutionsRequest__Output, _spearlet_ListExecutionsResponse>;
  
  ListTasks: grpc.handleUnaryCall<_spearlet_ListTasksRequest__Output, _spearlet_ListTasksResponse>;
  
  StreamFunction: grpc.handleServerStreamingCall<_spearlet_InvokeFunctionRequest__Output, _spearlet_StreamExecutionResult>;
  
}

export interface FunctionServiceDefinition extends grpc.ServiceDefinition {
  CancelExecution: MethodDefinition<_spearlet_CancelExecutionRequest, _spearlet_CancelExecutionResponse, _spearlet_CancelExecutionRequest__Output, _spearlet_CancelExecutionResponse__Output>
  DeleteTask: MethodDefinition<_spearlet_DeleteTaskRequest, _spearlet_DeleteTaskResponse, _spearlet_DeleteTaskRequest__Output, _spearlet_DeleteTaskResponse__Output>
  DeployTask: MethodDefinition<_spearlet_DeployTaskRequest, _spearlet_DeployTaskResponse, _spearlet_DeployTaskRequest__Output, _spearlet_DeployTaskResponse__Output>
  FollowExecutionLogs: MethodDefinition<_spearlet_FollowExecutionLogsRequest, _spearlet_ExecutionLogLine, _spearlet_FollowExecutionLogsRequest__Output, _spearlet_ExecutionLogLine__Output>
  GetExecutionStatus: MethodDefinition<_spearlet_GetExecutionStatusRequest, _spearlet_GetExecutionStatusResponse, _spearlet_GetExecutionStatusRequest__Output, _spearlet_GetExecutionStatusResponse__Output>
  GetHealth: MethodDefinition<_spearlet_GetHealthRequest, _spearlet_GetHealthResponse, _spearlet_GetHealthRequest__Output, _spearlet_GetHealthResponse__Output>
  GetStats: MethodDefinition<_spearlet_GetStatsRequest, _spearlet_GetStatsResponse, _spearlet_GetStatsRequest__Output, _spearlet_GetStatsResponse__Output>
  GetTask: MethodDefinition<_spearlet_GetTaskRequest, _spearlet_GetTaskResponse, _spearlet_GetTaskRequest__Output, _spearlet_GetTaskResponse__Output>
  InvokeFunction: MethodDefinition<_spearlet_InvokeFunctionRequest, _spearlet_InvokeFunctionResponse, _spearlet_InvokeFunctionRequest__Output, _spearlet_InvokeFunctionResponse__Output>
  ListExecutions: MethodDefinition<_spearlet_ListExecutionsRequest, _spearlet_ListExecutionsResponse, _spearlet_ListExecutionsRequest__Output, _spearlet_ListExecutionsResponse__Output>
  ListTasks: MethodDefinition<_spearlet_ListTasksRequest, _spearlet_ListTasksResponse, _spearlet_ListTasksRequest__Output, _spearlet_ListTasksResponse__Output>
  StreamFunction: MethodDefinition<_spearlet_InvokeFunctionRequest, _spearlet_StreamExecutionResult, _spearlet_InvokeFunctionRequest__Output, _spearlet_StreamExecutionResult__Output>
}
