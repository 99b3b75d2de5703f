// Original file: proto/spearlet/secrets.proto

import type { Long } from '@grpc/proto-loader';

export interface SecretInfo {
  'name'?: (string);
  'updatedAt'?: (number | string | Long);
}

export interface SecretInfo__Output {
  'name': (string);
  'updatedAt': (string);
}
