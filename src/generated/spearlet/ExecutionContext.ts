// Original file: proto/spearlet/function.proto

import type { Long } from '@grpc/proto-loader';

export interface ExecutionContext {
  'executionId'?: (string);
  'sessionId'?: (string);
  'userId'?: (string);
  'environment'?: ({[key: string]: string});
  'headers'?: ({[key: string]: string});
  'timeoutMs'?: (number | string | Long);
  'maxRetries'?: (number);
}

export interface ExecutionContext__Output {
  'executionId': (string);
  'sessionId': (string);
  'userId': (string);
  'environment': ({[key: string]: string});
  'headers': ({[key: string]: string});
  'timeoutMs': (string);
  'maxRetries': (number);
}
