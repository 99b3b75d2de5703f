/**
 * A promise-based SecretService client (proto/spearlet/secrets.proto), used by `spearlet secret`
 * and the tests.
 */
import * as grpc from '@grpc/grpc-js';
import type { DeleteSecretResponse__Output } from '../generated/spearlet/DeleteSecretResponse.js';
import type { ListSecretsResponse__Output } from '../generated/spearlet/ListSecretsResponse.js';
import type { PutSecretResponse__Output } from '../generated/spearlet/PutSecretResponse.js';
import type { SecretServiceClient } from '../generated/spearlet/SecretService.js';
import { loadSecretsProto } from '../server/secret-service.js';
import { type ClientSecurity, callMetadata, channelCredentials } from './client-security.js';

export class SecretClient {
  readonly raw: SecretServiceClient;

  /** @param security token and TLS files, as for FunctionClient (plaintext, no token by default) */
  constructor(
    readonly target: string,
    private readonly security: ClientSecurity = {},
  ) {
    const Service = loadSecretsProto().spearlet.SecretService;
    this.raw = new Service(target, channelCredentials(security));
  }

  private call<Res>(method: 'PutSecret' | 'DeleteSecret' | 'ListSecrets', req: object): Promise<Res> {
    return new Promise((resolve, reject) => {
      const fn = (this.raw as unknown as Record<string, (...args: unknown[]) => unknown>)[method];
      fn.call(this.raw, req, callMetadata(this.security), (err: grpc.ServiceError | null, res: Res) => (err ? reject(err) : resolve(res)));
    });
  }

  put(name: string, value: string): Promise<PutSecretResponse__Output> {
    return this.call('PutSecret', { name, value });
  }

  delete(name: string): Promise<DeleteSecretResponse__Output> {
    return this.call('DeleteSecret', { name });
  }

  list(): Promise<ListSecretsResponse__Output> {
    return this.call('ListSecrets', {});
  }

  close(): void {
    this.raw.close();
  }
}
