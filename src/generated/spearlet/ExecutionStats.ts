// Original file: proto/spearlet/function.proto


export interface ExecutionStats {
  'runningExecutions'?: (number);
  'pendingExecutions'?: (number);
  'completedExecutions'?: (number);
  'failedExecutions'?: (number);
  'averageExecutionTimeMs'?: (number | string);
  'successRatePercent'?: (number | string);
  'executionsByFunction'?: ({[key: string]: number});
}

export interface ExecutionStats__Output {
  'runningExecutions': (number);
  'pendingExecutions': (number);
  'completedExecutions': (number);
  'failedExecutions': (number);
  'averageExecutionTimeMs': (number);
  'successRatePercent': (number);
  'executionsByFunction': ({[key: string]: number});
}
