// Original file: proto/spearlet/function.proto

import type { ExecutionStatus as _spearlet_ExecutionStatus, ExecutionStatus__Output as _spearlet_ExecutionStatus__Output } from '../spearlet/ExecutionStatus.js';

export interface ListExecutionsRequest {
  'taskId'?: (string);
  'limit'?: (number);
  'startAfter'?: (string);
  'statusFilter'?: (_spearlet_ExecutionStatus);
}

export interface ListExecutionsRequest__Output {
  'taskId': (string);
  'limit': (number);
  'startAfter': (string);
  'statusFilter': (_spearlet_ExecutionStatus__Output);
}
