// Original file: proto/spearlet/function.proto

import type { TaskInfo as _spearlet_TaskInfo, TaskInfo__Output as _spearlet_TaskInfo__Output } from '../spearlet/TaskInfo.js';

export interface ListTasksResponse {
  'tasks'?: (_spearlet_TaskInfo)[];
  'hasMore'?: (boolean);
  'nextStartAfter'?: (string);
}

export interface ListTasksResponse__Output {
  'tasks': (_spearlet_TaskInfo__Output)[];
  'hasMore': (boolean);
  'nextStartAfter': (string);
}
