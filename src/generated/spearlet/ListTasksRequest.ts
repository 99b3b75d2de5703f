// Original file: proto/spearlet/function.proto


export interface ListTasksRequest {
  'prefix'?: (string);
  'limit'?: (number);
  'startAfter'?: (string);
  'includeDetails'?: (boolean);
}

export interface ListTasksRequest__Output {
  'prefix': (string);
  'limit': (number);
  'startAfter': (string);
  'includeDetails': (boolean);
}
