// Original file: proto/spearlet/function.proto

export const ExecutionMode = {
  EXECUTION_MODE_UNKNOWN: 'EXECUTION_MODE_UNKNOWN',
  EXECUTION_MODE_SYNC: 'EXECUTION_MODE_SYNC',
  EXECUTION_MODE_ASYNC: 'EXECUTION_MODE_ASYNC',
  EXECUTION_MODE_STREAM: 'EXECUTION_MODE_STREAM',
} as const;

export type ExecutionMode =
  | 'EXECUTION_MODE_UNKNOWN'
  | 0
  | 'EXECUTION_MODE_SYNC'
  | 1
  | 'EXECUTION_MODE_ASYNC'
  | 2
  | 'EXECUTION_MODE_STREAM'
  | 3

export type ExecutionMode__Output = typeof ExecutionMode[keyof typeof ExecutionMode]
