// Original file: proto/spearlet/function.proto

import type { HealthDetails as _spearlet_HealthDetails, HealthDetails__Output as _spearlet_HealthDetails__Output } from '../spearlet/HealthDetails.js';
import type { Long } from '@grpc/proto-loader';

export interface GetHealthResponse {
  'status'?: (string);
  'message'?: (string);
  'uptimeSeconds'?: (number | string | Long);
  'details'?: (_spearlet_HealthDetails | null);
}

export interface GetHealthResponse__Output {
  'status': (string);
  'message': (string);
  'uptimeSeconds': (string);
  'details': (_spearlet_HealthDetails__Output | null);
}
