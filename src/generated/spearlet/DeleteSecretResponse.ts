// Original file: proto/spearlet/secrets.proto


export interface DeleteSecretResponse {
  'deleted'?: (boolean);
}

export interface DeleteSecretResponse__Output {
  'deleted': (boolean);
}
