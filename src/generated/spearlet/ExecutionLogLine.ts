// Original file: proto/spearlet/function.proto

import type { ExecutionStatus as _spearlet_ExecutionStatus, ExecutionStatus__Output as _spearlet_ExecutionStatus__Output } from '../spearlet/ExecutionStatus.js';

export interface ExecutionLogLine {
  'executionId'?: (string);
  'line'?: (string);
  'isFinal'?: (boolean);
  'status'?: (_spearlet_ExecutionStatus);
}

export interface ExecutionLogLine__Output {
  'executionId': (string);
  'line': (string);
  'isFinal': (boolean);
  'status': (_spearlet_ExecutionStatus__Output);
}
