// Original file: proto/spearlet/function.proto

import type { TaskInfo as _spearlet_TaskInfo, TaskInfo__Output as _spearlet_TaskInfo__Output } from '../spearlet/TaskInfo.js';

export interface DeployTaskResponse {
  'task'?: (_spearlet_TaskInfo | null);
  'created'?: (boolean);
  'message'?: (string);
}

export interface DeployTaskResponse__Output {
  'task': (_spearlet_TaskInfo__Output | null);
  'created': (boolean);
  'message': (string);
}
