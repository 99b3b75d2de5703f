// Original file: proto/spearlet/secrets.proto

import type * as grpc from '@grpc/grpc-js'
import type { MethodDefinition } from '@grpc/proto-loader'
import type { DeleteSecretRequest as _spearlet_DeleteSecretRequest, DeleteSecretRequest__Output as _spearlet_DeleteSecretRequest__Output } from '../spearlet/DeleteSecretRequest.js';
import type { DeleteSecretResponse as _spearlet_DeleteSecretResponse, DeleteSecretResponse__Output as _spearlet_DeleteSecretResponse__Output } from '../spearlet/DeleteSecretResponse.js';
import type { ListSecretsRequest as _spearlet_ListSecretsRequest, ListSecretsRequest__Output as _spearlet_ListSecretsRequest__Output } from '../spearlet/ListSecretsRequest.js';
import type { ListSecretsResponse as _spearlet_ListSecretsResponse, ListSecretsResponse__Output as _spearlet_ListSecretsResponse__Output } from '../spearlet/ListSecretsResponse.js';
import type { PutSecretRequest as _spearlet_PutSecretRequest, PutSecretRequest__Output as _spearlet_PutSecretRequest__Output } from '../spearlet/PutSecretRequest.js';
import type { PutSecretResponse as _spearlet_PutSecretResponse, PutSecretResponse__Output as _spearlet_PutSecretResponse__Output } from '../spearlet/PutSecretResponse.js';

export interface SecretServiceClient extends grpc.Client {
  DeleteSecret(argument: _spearlet_DeleteSecretRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_spearlet_DeleteSecretResponse__Output>): grpc.ClientUnaryCall;
  DeleteSecret(argument: _spearlet_DeleteSecretRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_spearlet_DeleteSecretResponse__Output>): grpc.ClientUnaryCall;
  DeleteSecret(argument: _spearlet_DeleteSecretRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_spearlet_DeleteSecretResponse__Output>): grpc.ClientUnaryCall;
  DeleteSecret(argument: _spearlet_DeleteSecretRequest, callback: grpc.requestCallback<_spearlet_DeleteSecretResponse__Output>): grpc.ClientUnaryCall;
  deleteSecret(argument: _spearlet_DeleteSecretRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_spearlet_DeleteSecretResponse__Output>): grpc.ClientUnaryCall;
  deleteSecret(argument: _spearlet_DeleteSecretRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_spearlet_DeleteSecretResponse__Output>): grpc.ClientUnaryCall;
  deleteSecret(argument: _spearlet_DeleteSecretRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_spearlet_DeleteSecretResponse__Output>): grpc.ClientUnaryCall;
  deleteSecret(argument: _spearlet_DeleteSecretRequest, callback: grpc.requestCallback<_spearlet_DeleteSecretResponse__Output>): grpc.ClientUnaryCall;
  
  ListSecrets(argument: _spearlet_ListSecretsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_spearlet_ListSecretsResponse__Output>): grpc.ClientUnaryCall;
  ListSecrets(argument: _spearlet_ListSecretsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_spearlet_ListSecretsResponse__Output>): grpc.ClientUnaryCall;
  ListSecrets(argument: _spearlet_ListSecretsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_spearlet_ListSecretsResponse__Output>): grpc.ClientUnaryCall;
  ListSecrets(argument: _spearlet_ListSecretsRequest, callback: grpc.requestCallback<_spearlet_ListSecretsResponse__Output>): grpc.ClientUnaryCall;
  listSecrets(argument: _spearlet_ListSecretsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_spearlet_ListSecretsResponse__Output>): grpc.ClientUnaryCall;
  listSecrets(argument: _spearlet_ListSecretsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_spearlet_ListSecretsResponse__Output>): grpc.ClientUnaryCall;
  listSecrets(argument: _spearlet_ListSecretsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_spearlet_ListSecretsResponse__Output>): grpc.ClientUnaryCall;
  listSecrets(argument: _spearlet_ListSecretsRequest, callback: grpc.requestCallback<_spearlet_ListSecretsResponse__Output>): grpc.ClientUnaryCall;
  
  PutSecret(argument: _spearlet_PutSecretRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_spearlet_PutSecretResponse__Output>): grpc.ClientUnaryCall;
  PutSecret(argument: _spearlet_PutSecretRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_spearlet_PutSecretResponse__Output>): grpc.ClientUnaryCall;
  PutSecret(argument: _spearlet_PutSecretRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_spearlet_PutSecretResponse__Output>): grpc.ClientUnaryCall;
  PutSecret(argument: _spearlet_PutSecretRequest, callback: grpc.requestCallback<_spearlet_PutSecretResponse__Output>): grpc.ClientUnaryCall;
  putSecret(argument: _spearlet_PutSecretRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_spearlet_PutSecretResponse__Output>): grpc.ClientUnaryCall;
  putSecret(argument: _spearlet_PutSecretRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_spearlet_PutSecretResponse__Output>): grpc.ClientUnaryCall;
  putSecret(argument: _spearlet_PutSecretRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_spearlet_PutSecretResponse__Output>): grpc.ClientUnaryCall;
  putSecret(argument: _spearlet_PutSecretRequest, callback: grpc.requestCallback<_spearlet_PutSecretResponse__Output>): grpc.ClientUnaryCall;
  
}

export interface SecretServiceHandlers extends grpc.UntypedServiceImplementation {
  DeleteSecret: grpc.handleUnaryCall<_spearlet_DeleteSecretRequest__Output, _spearlet_DeleteSecretResponse>;
  
  ListSecrets: grpc.handleUnaryCall<_spearlet_ListSecretsRequest__Output, _spearlet_ListSecretsResponse>;
  
  PutSecret: grpc.handleUnaryCall<_spearlet_PutSecretRequest__Output, _spearlet_PutSecretResponse>;
  
}

export interface SecretServiceDefinition extends grpc.ServiceDefinition {
  DeleteSecret: MethodDefinition<_spearlet_DeleteSecretRequest, _spearlet_DeleteSecretResponse, _spearlet_DeleteSecretRequest__Output, _spearlet_DeleteSecretResponse__Output>
  ListSecrets: MethodDefinition<_spearlet_ListSecretsRequest, _spearlet_ListSecretsResponse, _spearlet_ListSecretsRequest__Output, _spearlet_ListSecretsResponse__Output>
  PutSecret: MethodDefinition<_spearlet_PutSecretRequest, _spearlet_PutSecretResponse, _spearlet_PutSecretRequest__Output, _spearlet_PutSecretResponse__Output>
}
