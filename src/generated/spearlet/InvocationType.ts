// Original file: proto/spearlet/function.proto

export const InvocationType = {
  INVOCATION_TYPE_UNKNOWN: 'INVOCATION_TYPE_UNKNOWN',
  INVOCATION_TYPE_NEW_TASK: 'INVOCATION_TYPE_NEW_TASK',
  INVOCATION_TYPE_EXISTING_TASK: 'INVOCATION_TYPE_EXISTING_TASK',
} as const;

export type InvocationType =
  | 'INVOCATION_TYPE_UNKNOWN'
  | 0
  | 'INVOCATION_TYPE_NEW_TASK'
  | 1
  | 'INVOCATION_TYPE_EXISTING_TASK'
  | 2

export type InvocationType__Output = typeof InvocationType[keyof typeof InvocationType]
