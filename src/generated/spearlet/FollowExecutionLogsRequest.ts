// Original file: proto/spearlet/function.proto


export interface FollowExecutionLogsRequest {
  'executionId'?: (string);
  'follow'?: (boolean);
}

export interface FollowExecutionLogsRequest__Output {
  'executionId': (string);
  'follow': (boolean);
}
