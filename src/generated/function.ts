import type * as grpc from '@grpc/grpc-js';
import type { EnumTypeDefinition, MessageTypeDefinition } from '@grpc/proto-loader';

import type { Any as _google_protobuf_Any, Any__Output as _google_protobuf_Any__Output } from './google/protobuf/Any.js';
import type { Timestamp as _google_protobuf_Timestamp, Timestamp__Output as _google_protobuf_Timestamp__Output } from './google/protobuf/Timestamp.js';
import type { ArtifactSpec as _spearlet_ArtifactSpec, ArtifactSpec__Output as _spearlet_ArtifactSpec__Output } from './spearlet/ArtifactSpec.js';
import type { CancelExecutionRequest as _spearlet_CancelExecutionRequest, CancelExecutionRequest__Output as _spearlet_CancelExecutionRequest__Output } from './spearlet/CancelExecutionRequest.js';
import type { CancelExecutionResponse as _spearlet_CancelExecutionResponse, CancelExecutionResponse__Output as _spearlet_CancelExecutionResponse__Output } from './spearlet/CancelExecutionResponse.js';
import type { DeleteTaskRequest as _spearlet_DeleteTaskRequest, DeleteTaskRequest__Output as _spearlet_DeleteTaskRequest__Output } from './spearlet/DeleteTaskRequest.js';
import type { DeleteTaskResponse as _spearlet_DeleteTaskResponse, DeleteTaskResponse__Output as _spearlet_DeleteTaskResponse__Output } from './spearlet/DeleteTaskResponse.js';
import type { DeployTaskRequest as _spearlet_DeployTaskRequest, DeployTaskRequest__Output as _spearlet_DeployTaskRequest__Output } from './spearlet/DeployTaskRequest.js';
import type { DeployTaskResponse as _spearlet_DeployTaskResponse, DeployTaskResponse__Output as _spearlet_DeployTaskResponse__Output } from './spearlet/DeployTaskResponse.js';
import type { ExecutionContext as _spearlet_ExecutionContext, ExecutionContext__Output as _spearlet_ExecutionContext__Output } from './spearlet/ExecutionContext.js';
import type { ExecutionInfo as _spearlet_ExecutionInfo, ExecutionInfo__Output as _spearlet_ExecutionInfo__Output } from './spearlet/ExecutionInfo.js';
import type { ExecutionLogLine as _spearlet_ExecutionLogLine, ExecutionLogLine__Output as _spearlet_ExecutionLogLine__Output } from './spearlet/ExecutionLogLine.js';
import type { ExecutionResult as _spearlet_ExecutionResult, ExecutionResult__Output as _spearlet_ExecutionResult__Output } from './spearlet/ExecutionResult.js';
import type { ExecutionStats as _spearlet_ExecutionStats, ExecutionStats__Output as _spearlet_ExecutionStats__Output } from './spearlet/ExecutionStats.js';
import type { FollowExecutionLogsRequest as _spearlet_FollowExecutionLogsRequest, FollowExecutionLogsRequest__Output as _spearlet_FollowExecutionLogsRequest__Output } from './spearlet/FollowExecutionLogsRequest.js';
import type { FunctionParameter as _spearlet_FunctionParameter, FunctionParameter__Output as _spearlet_FunctionParameter__Output } from './spearlet/FunctionParameter.js';
import type { FunctionServiceClient as _spearlet_FunctionServiceClient, FunctionServiceDefinition as _spearlet_FunctionServiceDefinition } from './spearlet/FunctionService.js';
import type { GetExecutionStatusRequest as _spearlet_GetExecutionStatusRequest, GetExecutionStatusRequest__Output as _spearlet_GetExecutionStatusRequest__Output } from './spearlet/GetExecutionStatusRequest.js';
import type { GetExecutionStatusResponse as _spearlet_GetExecutionStatusResponse, GetExecutionStatusResponse__Output as _spearlet_GetExecutionStatusResponse__Output } from './spearlet/GetExecutionStatusResponse.js';
import type { GetHealthRequest as _spearlet_GetHealthRequest, GetHealthRequest__Output as _spearlet_GetHealthRequest__Output } from './spearlet/GetHealthRequest.js';
import type { GetHealthResponse as _spearlet_GetHealthResponse, GetHealthResponse__Output as _spearlet_GetHealthResponse__Output } from './spearlet/GetHealthResponse.js';
import type { GetStatsRequest as _spearlet_GetStatsRequest, GetStatsRequest__Output as _spearlet_GetStatsRequest__Output } from './spearlet/GetStatsRequest.js';
import type { GetStatsResponse as _spearlet_GetStatsResponse, GetStatsResponse__Output as _spearlet_GetStatsResponse__Output } from './spearlet/GetStatsResponse.js';
import type { GetTaskRequest as _spearlet_GetTaskRequest, GetTaskRequest__Output as _spearlet_GetTaskRequest__Output } from './spearlet/GetTaskRequest.js';
import type { GetTaskResponse as _spearlet_GetTaskResponse, GetTaskResponse__Output as _spearlet_GetTaskResponse__Output } from './spearlet/GetTaskResponse.js';
import type { HealthDetails as _spearlet_HealthDetails, HealthDetails__Output as _spearlet_HealthDetails__Output } from './spearlet/HealthDetails.js';
import type { InvokeFunctionRequest as _spearlet_InvokeFunctionRequest, InvokeFunctionRequest__Output as _spearlet_InvokeFunctionRequest__Output } from './spearlet/InvokeFunctionRequest.js';
import type { InvokeFunctionResponse as _spearlet_InvokeFunctionResponse, InvokeFunctionResponse__Output as _spearlet_InvokeFunctionResponse__Output } from './spearlet/InvokeFunctionResponse.js';
import type { ListExecutionsRequest as _spearlet_ListExecutionsRequest, ListExecutionsRequest__Output as _spearlet_ListExecutionsRequest__Output } from './spearlet/ListExecutionsRequest.js';
import type { ListExecutionsResponse as _spearlet_ListExecutionsResponse, ListExecutionsResponse__Output as _spearlet_ListExecutionsResponse__Output } from './spearlet/ListExecutionsResponse.js';
import type { ListTasksRequest as _spearlet_ListTasksRequest, ListTasksRequest__Output as _spearlet_ListTasksRequest__Output } from './spearlet/ListTasksRequest.js';
import type { ListTasksResponse as _spearlet_ListTasksResponse, ListTasksResponse__Output as _spearlet_ListTasksResponse__Output } from './spearlet/ListTasksResponse.js';
import type { ServiceStats as _spearlet_ServiceStats, ServiceStats__Output as _spearlet_ServiceStats__Output } from './spearlet/ServiceStats.js';
import type { StreamExecutionResult as _spearlet_StreamExecutionResult, StreamExecutionResult__Output as _spearlet_StreamExecutionResult__Output } from './spearlet/StreamExecutionResult.js';
import type { TaskInfo as _spearlet_TaskInfo, TaskInfo__Output as _spearlet_TaskInfo__Output } from './spearlet/TaskInfo.js';
import type { TaskStats as _spearlet_TaskStats, TaskStats__Output as _spearlet_TaskStats__Output } from './spearlet/TaskStats.js';

type SubtypeConstructor<Constructor extends new (...args: any) => any, Subtype> = {
  new(...args: ConstructorParameters<Constructor>): Subtype;
};

export interface ProtoGrpcType {
  google: {
    protobuf: {
      Any: MessageTypeDefinition<_google_protobuf_Any, _google_protobuf_Any__Output>
      Timestamp: MessageTypeDefinition<_google_protobuf_Timestamp, _google_protobuf_Timestamp__Output>
    }
  }
  spearlet: {
    ArtifactSpec: MessageTypeDefinition<_spearlet_ArtifactSpec, _spearlet_ArtifactSpec__Output>
    CancelExecutionRequest: MessageTypeDefinition<_spearlet_CancelExecutionRequest, _spearlet_CancelExecutionRequest__Output>
    CancelExecutionResponse: MessageTypeDefinition<_spearlet_CancelExecutionResponse, _spearlet_CancelExecutionResponse__Output>
    DeleteTaskRequest: MessageTypeDefinition<_spearlet_DeleteTaskRequest, _spearlet_DeleteTaskRequest__Output>
    DeleteTaskResponse: MessageTypeDefinition<_spearlet_DeleteTaskResponse, _spearlet_DeleteTaskResponse__Output>
    DeployTaskRequest: MessageTypeDefinition<_spearlet_DeployTaskRequest, _spearlet_DeployTaskRequest__Output>
    DeployTaskResponse: MessageTypeDefinition<_spearlet_DeployTaskResponse, _spearlet_DeployTaskResponse__Output>
    ExecutionContext: MessageTypeDefinition<_spearlet_ExecutionContext, _spearlet_ExecutionContext__Output>
    ExecutionInfo: MessageTypeDefinition<_spearlet_ExecutionInfo, _spearlet_ExecutionInfo__Output>
    ExecutionLogLine: MessageTypeDefinition<_spearlet_ExecutionLogLine, _spearlet_ExecutionLogLine__Output>
    ExecutionMode: EnumTypeDefinition
    ExecutionResult: MessageTypeDefinition<_spearlet_ExecutionResult, _spearlet_ExecutionResult__Output>
    ExecutionStats: MessageTypeDefinition<_spearlet_ExecutionStats, _spearlet_ExecutionStats__Output>
    ExecutionStatus: EnumTypeDefinition
    FollowExecutionLogsRequest: MessageTypeDefinition<_spearlet_FollowExecutionLogsRequest, _spearlet_FollowExecutionLogsRequest__Output>
    FunctionParameter: MessageTypeDefinition<_spearlet_FunctionParameter, _spearlet_FunctionParameter__Output>
    FunctionService: SubtypeConstructor<typeof grpc.Client, _spearlet_FunctionServiceClient> & { service: _spearlet_FunctionServiceDefinition }
    GetExecutionStatusRequest: MessageTypeDefinition<_spearlet_GetExecutionStatusRequest, _spearlet_GetExecutionStatusRequest__Output>
    GetExecutionStatusResponse: MessageTypeDefinition<_spearlet_GetExecutionStatusResponse, _spearlet_GetExecutionStatusResponse__Output>
    GetHealthRequest: MessageTypeDefinition<_spearlet_GetHealthRequest, _spearlet_GetHealthRequest__Output>
    GetHealthResponse: MessageTypeDefinition<_spearlet_GetHealthResponse, _spearlet_GetHealthResponse__Output>
    GetStatsRequest: MessageTypeDefinition<_spearlet_GetStatsRequest, _spearlet_GetStatsRequest__Output>
    GetStatsResponse: MessageTypeDefinition<_spearlet_GetStatsResponse, _spearlet_GetStatsResponse__Output>
    GetTaskRequest: MessageTypeDefinition<_spearlet_GetTaskRequest, _spearlet_GetTaskRequest__Output>
    GetTaskResponse: MessageTypeDefinition<_spearlet_GetTaskResponse, _spearlet_GetTaskResponse__Output>
    HealthDetails: MessageTypeDefinition<_spearlet_HealthDetails, _spearlet_HealthDetails__Output>
    InvocationType: EnumTypeDefinition
    InvokeFunctionRequest: MessageTypeDefinition<_spearlet_InvokeFunctionRequest, _spearlet_InvokeFunctionRequest__Output>
    InvokeFunctionResponse: MessageTypeDefinition<_spearlet_InvokeFunctionResponse, _spearlet_InvokeFunctionResponse__Output>
    ListExecutionsRequest: MessageTypeDefinition<_spearlet_ListExecutionsRequest, _spearlet_ListExecutionsRequest__Output>
    ListExecutionsResponse: MessageTypeDefinition<_spearlet_ListExecutionsResponse, _spearlet_ListExecutionsResponse__Output>
    ListTasksRequest: MessageTypeDefinition<_spearlet_ListTasksRequest, _spearlet_ListTasksRequest__Output>
    ListTasksResponse: MessageTypeDefinition<_spearlet_ListTasksResponse, _spearlet_ListTasksResponse__Output>
    ServiceStats: MessageTypeDefinition<_spearlet_ServiceStats, _spearlet_ServiceStats__Output>
    StreamExecutionResult: MessageTypeDefinition<_spearlet_StreamExecutionResult, _spearlet_StreamExecutionResult__Output>
    TaskInfo: MessageTypeDefinition<_spearlet_TaskInfo, _spearlet_TaskInfo__Output>
    TaskStats: MessageTypeDefinition<_spearlet_TaskStats, _spearlet_TaskStats__Output>
  }
}

