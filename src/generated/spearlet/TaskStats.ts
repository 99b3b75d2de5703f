// Original file: proto/spearlet/function.proto

import type { TaskInfo as _spearlet_TaskInfo, TaskInfo__Output as _spearlet_TaskInfo__Output } from '../spearlet/TaskInfo.js';

export interface TaskStats {
  'activeTasks'?: (number);
  'idleTasks'?: (number);
  'tasksByType'?: ({[key: string]: number});
  'mostActiveTasks'?: (_spearlet_TaskInfo)[];
}

export interface TaskStats__Output {
  'activeTasks': (number);
  'idleTasks': (number);
  'tasksByType': ({[key: string]: number});
  'mostActiveTasks': (_spearlet_TaskInfo__Output)[];
}
