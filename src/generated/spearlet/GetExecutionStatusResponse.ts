// Original file: proto/spearlet/function.proto

import type { ExecutionResult as _spearlet_ExecutionResult, ExecutionResult__Output as _spearlet_ExecutionResult__Output } from '../spearlet/ExecutionResult.js';

export interface GetExecutionStatusResponse {
  'found'?: (boolean);
  'result'?: (_spearlet_ExecutionResult | null);
  'logs'?: (string)[];
  'message'?: (string);
  'taskId'?: (string);
  'functionName'?: (string);
}

export interface GetExecutionStatusResponse__Output {
  'found': (boolean);
  'result': (_spearlet_ExecutionResult__Output | null);
  'logs': (string)[];
  'message': (string);
  'taskId': (string);
  'functionName': (string);
}
