// Original file: proto/spearlet/secrets.proto


export interface ListSecretsRequest {
}

export interface ListSecretsRequest__Output {
}
