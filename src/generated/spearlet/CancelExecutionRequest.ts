// Original file: proto/spearlet/function.proto


export interface CancelExecutionRequest {
  'executionId'?: (string);
  'reason'?: (string);
  'force'?: (boolean);
}

export interface CancelExecutionRequest__Output {
  'executionId': (string);
  'reason': (string);
  'force': (boolean);
}
