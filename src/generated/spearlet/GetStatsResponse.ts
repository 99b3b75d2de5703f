// Original file: proto/spearlet/function.proto

import type { ServiceStats as _spearlet_ServiceStats, ServiceStats__Output as _spearlet_ServiceStats__Output } from '../spearlet/ServiceStats.js';
import type { TaskStats as _spearlet_TaskStats, TaskStats__Output as _spearlet_TaskStats__Output } from '../spearlet/TaskStats.js';
import type { ExecutionStats as _spearlet_ExecutionStats, ExecutionStats__Output as _spearlet_ExecutionStats__Output } from '../spearlet/ExecutionStats.js';

export interface GetStatsResponse {
  'serviceStats'?: (_spearlet_ServiceStats | null);
  'taskStats'?: (_spearlet_TaskStats | null);
  'executionStats'?: (_spearlet_ExecutionStats | null);
}

export interface GetStatsResponse__Output {
  'serviceStats': (_spearlet_ServiceStats__Output | null);
  'taskStats': (_spearlet_TaskStats__Output | null);
  'executionStats': (_spearlet_ExecutionStats__Output | null);
}
