// Original file: proto/spearlet/function.proto


export interface DeleteTaskResponse {
  'success'?: (boolean);
  'message'?: (string);
  'deleted'?: (boolean);
  'cleanedExecutions'?: (number);
}

export interface DeleteTaskResponse__Output {
  'success': (boolean);
  'message': (string);
  'deleted': (boolean);
  'cleanedExecutions': (number);
}
