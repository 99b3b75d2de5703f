// Original file: proto/spearlet/secrets.proto

import type { Long } from '@grpc/proto-loader';

export interface PutSecretResponse {
  'created'?: (boolean);
  'updatedAt'?: (number | string | Long);
}

export interface PutSecretResponse__Output {
  'created': (boolean);
  'updatedAt': (string);
}
