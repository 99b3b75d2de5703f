// Original file: proto/spearlet/function.proto


export interface DeleteTaskRequest {
  'taskId'?: (string);
  'force'?: (boolean);
  'cleanupExecutions'?: (boolean);
}

export interface DeleteTaskRequest__Output {
  'taskId': (string);
  'force': (boolean);
  'cleanupExecutions': (boolean);
}
