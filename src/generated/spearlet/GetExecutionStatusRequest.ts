// Original file: proto/spearlet/function.proto


export interface GetExecutionStatusRequest {
  'executionId'?: (string);
  'includeResult'?: (boolean);
  'includeLogs'?: (boolean);
}

export interface GetExecutionStatusRequest__Output {
  'executionId': (string);
  'includeResult': (boolean);
  'includeLogs': (boolean);
}
