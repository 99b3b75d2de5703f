// Original file: proto/spearlet/function.proto

import type { ExecutionStatus as _spearlet_ExecutionStatus, ExecutionStatus__Output as _spearlet_ExecutionStatus__Output } from '../spearlet/ExecutionStatus.js';

export interface CancelExecutionResponse {
  'success'?: (boolean);
  'message'?: (string);
  'finalStatus'?: (_spearlet_ExecutionStatus);
}

export interface CancelExecutionResponse__Output {
  'success': (boolean);
  'message': (string);
  'finalStatus': (_spearlet_ExecutionStatus__Output);
}
