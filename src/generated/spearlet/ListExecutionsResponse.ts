// Original file: proto/spearlet/function.proto

import type { ExecutionInfo as _spearlet_ExecutionInfo, ExecutionInfo__Output as _spearlet_ExecutionInfo__Output } from '../spearlet/ExecutionInfo.js';

export interface ListExecutionsResponse {
  'executions'?: (_spearlet_ExecutionInfo)[];
  'hasMore'?: (boolean);
  'nextStartAfter'?: (string);
}

export interface ListExecutionsResponse__Output {
  'executions': (_spearlet_ExecutionInfo__Output)[];
  'hasMore': (boolean);
  'nextStartAfter': (string);
}
