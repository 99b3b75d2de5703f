// Original file: proto/spearlet/function.proto

import type { ExecutionMode as _spearlet_ExecutionMode, ExecutionMode__Output as _spearlet_ExecutionMode__Output } from '../spearlet/ExecutionMode.js';
import type { ExecutionStatus as _spearlet_ExecutionStatus, ExecutionStatus__Output as _spearlet_ExecutionStatus__Output } from '../spearlet/ExecutionStatus.js';
import type { Timestamp as _google_protobuf_Timestamp, Timestamp__Output as _google_protobuf_Timestamp__Output } from '../google/protobuf/Timestamp.js';
import type { Long } from '@grpc/proto-loader';

export interface ExecutionInfo {
  'executionId'?: (string);
  'taskId'?: (string);
  'functionName'?: (string);
  'executionMode'?: (_spearlet_ExecutionMode);
  'status'?: (_spearlet_ExecutionStatus);
  'startedAt'?: (_google_protobuf_Timestamp | null);
  'completedAt'?: (_google_protobuf_Timestamp | null);
  'executionTimeMs'?: (number | string | Long);
  'memoryUsedBytes'?: (number | string | Long);
  'errorMessage'?: (string);
  'metadata'?: ({[key: string]: string});
}

export interface ExecutionInfo__Output {
  'executionId': (string);
  'taskId': (string);
  'functionName': (string);
  'executionMode': (_spearlet_ExecutionMode__Output);
  'status': (_spearlet_ExecutionStatus__Output);
  'startedAt': (_google_protobuf_Timestamp__Output | null);
  'completedAt': (_google_protobuf_Timestamp__Output | null);
  'executionTimeMs': (string);
  'memoryUsedBytes': (string);
  'errorMessage': (string);
  'metadata': ({[key: string]: string});
}
