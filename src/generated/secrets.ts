import type * as grpc from '@grpc/grpc-js';
import type { MessageTypeDefinition } from '@grpc/proto-loader';

import type { DeleteSecretRequest as _spearlet_DeleteSecretRequest, DeleteSecretRequest__Output as _spearlet_DeleteSecretRequest__Output } from './spearlet/DeleteSecretRequest.js';
import type { DeleteSecretResponse as _spearlet_DeleteSecretResponse, DeleteSecretResponse__Output as _spearlet_DeleteSecretResponse__Output } from './spearlet/DeleteSecretResponse.js';
import type { ListSecretsRequest as _spearlet_ListSecretsRequest, ListSecretsRequest__Output as _spearlet_ListSecretsRequest__Output } from './spearlet/ListSecretsRequest.js';
import type { ListSecretsResponse as _spearlet_ListSecretsResponse, ListSecretsResponse__Output as _spearlet_ListSecretsResponse__Output } from './spearlet/ListSecretsResponse.js';
import type { PutSecretRequest as _spearlet_PutSecretRequest, PutSecretRequest__Output as _spearlet_PutSecretRequest__Output } from './spearlet/PutSecretRequest.js';
import type { PutSecretResponse as _spearlet_PutSecretResponse, PutSecretResponse__Output as _spearlet_PutSecretResponse__Output } from './spearlet/PutSecretResponse.js';
import type { SecretInfo as _spearlet_SecretInfo, SecretInfo__Output as _spearlet_SecretInfo__Output } from './spearlet/SecretInfo.js';
import type { SecretServiceClient as _spearlet_SecretServiceClient, SecretServiceDefinition as _spearlet_SecretServiceDefinition } from './spearlet/SecretService.js';

type SubtypeConstructor<Constructor extends new (...args: any) => any, Subtype> = {
  new(...args: ConstructorParameters<Constructor>): Subtype;
};

export interface ProtoGrpcType {
  spearlet: {
    DeleteSecretRequest: MessageTypeDefinition<_spearlet_DeleteSecretRequest, _spearlet_DeleteSecretRequest__Output>
    DeleteSecretResponse: MessageTypeDefinition<_spearlet_DeleteSecretResponse, _spearlet_DeleteSecretResponse__Output>
    ListSecretsRequest: MessageTypeDefinition<_spearlet_ListSecretsRequest, _spearlet_ListSecretsRequest__Output>
    ListSecretsResponse: MessageTypeDefinition<_spearlet_ListSecretsResponse, _spearlet_ListSecretsResponse__Output>
    PutSecretRequest: MessageTypeDefinition<_spearlet_PutSecretRequest, _spearlet_PutSecretRequest__Output>
    PutSecretResponse: MessageTypeDefinition<_spearlet_PutSecretResponse, _spearlet_PutSecretResponse__Output>
    SecretInfo: MessageTypeDefinition<_spearlet_SecretInfo, _spearlet_SecretInfo__Output>
    SecretService: SubtypeConstructor<typeof grpc.Client, _spearlet_SecretServiceClient> & { service: _spearlet_SecretServiceDefinition }
  }
}

