// Original file: proto/spearlet/function.proto

import type { TaskInfo as _spearlet_TaskInfo, TaskInfo__Output as _spearlet_TaskInfo__Output } from '../spearlet/TaskInfo.js';
import type { ExecutionInfo as _spearlet_ExecutionInfo, ExecutionInfo__Output as _spearlet_ExecutionInfo__Output } from '../spearlet/ExecutionInfo.js';

export interface GetTaskResponse {
  'found'?: (boolean);
  'task'?: (_spearlet_TaskInfo | null);
  'executions'?: (_spearlet_ExecutionInfo)[];
  'message'?: (string);
}

export interface GetTaskResponse__Output {
  'found': (boolean);
  'task': (_spearlet_TaskInfo__Output | null);
  'executions': (_spearlet_ExecutionInfo__Output)[];
  'message': (string);
}
