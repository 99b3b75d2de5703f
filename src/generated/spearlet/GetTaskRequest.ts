// Original file: proto/spearlet/function.proto


export interface GetTaskRequest {
  'taskId'?: (string);
  'includeExecutions'?: (boolean);
  'executionLimit'?: (number);
}

export interface GetTaskRequest__Output {
  'taskId': (string);
  'includeExecutions': (boolean);
  'executionLimit': (number);
}
