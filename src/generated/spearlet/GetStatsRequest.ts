// Original file: proto/spearlet/function.proto


export interface GetStatsRequest {
  'includeTaskStats'?: (boolean);
  'includeExecutionStats'?: (boolean);
  'timeRangeHours'?: (number);
}

export interface GetStatsRequest__Output {
  'includeTaskStats': (boolean);
  'includeExecutionStats': (boolean);
  'timeRangeHours': (number);
}
