// Original file: proto/spearlet/function.proto

import type { Long } from '@grpc/proto-loader';

export interface ServiceStats {
  'uptimeSeconds'?: (number | string | Long);
  'totalTasks'?: (number);
  'totalExecutions'?: (number);
  'totalMemoryUsed'?: (number | string | Long);
  'cpuUsagePercent'?: (number | string);
  'memoryUsagePercent'?: (number | string);
}

export interface ServiceStats__Output {
  'uptimeSeconds': (string);
  'totalTasks': (number);
  'totalExecutions': (number);
  'totalMemoryUsed': (string);
  'cpuUsagePercent': (number);
  'memoryUsagePercent': (number);
}
