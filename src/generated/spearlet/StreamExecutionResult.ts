// Original file: proto/spearlet/function.proto

import type { ExecutionStatus as _spearlet_ExecutionStatus, ExecutionStatus__Output as _spearlet_ExecutionStatus__Output } from '../spearlet/ExecutionStatus.js';
import type { Any as _google_protobuf_Any, Any__Output as _google_protobuf_Any__Output } from '../google/protobuf/Any.js';

export interface StreamExecutionResult {
  'executionId'?: (string);
  'status'?: (_spearlet_ExecutionStatus);
  'chunkData'?: (_google_protobuf_Any | null);
  'isFinal'?: (boolean);
  'errorMessage'?: (string);
  'metadata'?: ({[key: string]: string});
}

export interface StreamExecutionResult__Output {
  'executionId': (string);
  'status': (_spearlet_ExecutionStatus__Output);
  'chunkData': (_google_protobuf_Any__Output | null);
  'isFinal': (boolean);
  'errorMessage': (string);
  'metadata': ({[key: string]: string});
}
