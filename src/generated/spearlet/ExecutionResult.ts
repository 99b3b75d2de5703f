// Original file: proto/spearlet/function.proto

import type { ExecutionStatus as _spearlet_ExecutionStatus, ExecutionStatus__Output as _spearlet_ExecutionStatus__Output } from '../spearlet/ExecutionStatus.js';
import type { Any as _google_protobuf_Any, Any__Output as _google_protobuf_Any__Output } from '../google/protobuf/Any.js';
import type { Timestamp as _google_protobuf_Timestamp, Timestamp__Output as _google_protobuf_Timestamp__Output } from '../google/protobuf/Timestamp.js';
import type { Long } from '@grpc/proto-loader';

export interface ExecutionResult {
  'status'?: (_spearlet_ExecutionStatus);
  'result'?: (_google_protobuf_Any | null);
  'errorMessage'?: (string);
  'errorCode'?: (string);
  'executionTimeMs'?: (number | string | Long);
  'memoryUsedBytes'?: (number | string | Long);
  'metrics'?: ({[key: string]: string});
  'startedAt'?: (_google_protobuf_Timestamp | null);
  'completedAt'?: (_google_protobuf_Timestamp | null);
}

export interface ExecutionResult__Output {
  'status': (_spearlet_ExecutionStatus__Output);
  'result': (_google_protobuf_Any__Output | null);
  'errorMessage': (string);
  'errorCode': (string);
  'executionTimeMs': (string);
  'memoryUsedBytes': (string);
  'metrics': ({[key: string]: string});
  'startedAt': (_google_protobuf_Timestamp__Output | null);
  'completedAt': (_google_protobuf_Timestamp__Output | null);
}
