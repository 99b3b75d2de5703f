// Original file: proto/spearlet/function.proto

import type { ExecutionResult as _spearlet_ExecutionResult, ExecutionResult__Output as _spearlet_ExecutionResult__Output } from '../spearlet/ExecutionResult.js';
import type { Long } from '@grpc/proto-loader';

export interface InvokeFunctionResponse {
  'success'?: (boolean);
  'message'?: (string);
  'executionId'?: (string);
  'taskId'?: (string);
  'instanceId'?: (string);
  'result'?: (_spearlet_ExecutionResult | null);
  'statusEndpoint'?: (string);
  'estimatedCompletionMs'?: (number | string | Long);
}

export interface InvokeFunctionResponse__Output {
  'success': (boolean);
  'message': (string);
  'executionId': (string);
  'taskId': (string);
  'instanceId': (string);
  'result': (_spearlet_ExecutionResult__Output | null);
  'statusEndpoint': (string);
  'estimatedCompletionMs': (string);
}
