// Original file: proto/spearlet/secrets.proto


export interface PutSecretRequest {
  'name'?: (string);
  'value'?: (string);
}

export interface PutSecretRequest__Output {
  'name': (string);
  'value': (string);
}
