// Original file: proto/spearlet/secrets.proto


export interface DeleteSecretRequest {
  'name'?: (string);
}

export interface DeleteSecretRequest__Output {
  'name': (string);
}
