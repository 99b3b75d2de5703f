// Original file: proto/spearlet/function.proto

import type { Long } from '@grpc/proto-loader';

export interface HealthDetails {
  'activeTasks'?: (number);
  'runningExecutions'?: (number);
  'pendingExecutions'?: (number);
  'totalMemoryUsed'?: (number | string | Long);
  'totalExecutions'?: (number | string | Long);
  'systemInfo'?: ({[key: string]: string});
}

export interface HealthDetails__Output {
  'activeTasks': (number);
  'runningExecutions': (number);
  'pendingExecutions': (number);
  'totalMemoryUsed': (string);
  'totalExecutions': (string);
  'systemInfo': ({[key: string]: string});
}
