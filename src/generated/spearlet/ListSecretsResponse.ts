// Original file: proto/spearlet/secrets.proto

import type { SecretInfo as _spearlet_SecretInfo, SecretInfo__Output as _spearlet_SecretInfo__Output } from '../spearlet/SecretInfo.js';

export interface ListSecretsResponse {
  'secrets'?: (_spearlet_SecretInfo)[];
}

export interface ListSecretsResponse__Output {
  'secrets': (_spearlet_SecretInfo__Output)[];
}
