/**
 * SecretService (proto/spearlet/secrets.proto): an admin sets and deletes secrets; nothing ever
 * answers a value. Thin like the FunctionService handlers: decode, call the SecretStore, encode.
 * Requests are logged by name only.
 */
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { fileURLToPath } from 'node:url';
import { ErrorCodes, SpearletError } from '../errors.js';
import type { SecretStore } from '../capabilities/secret-store.js';
import { checkSecretName } from '../capabilities/secret-store.js';
import type { ProtoGrpcType } from '../generated/secrets.js';
import type { SecretServiceHandlers } from '../generated/spearlet/SecretService.js';
import type { Logger } from '../logger.js';
import { unary } from './handlers/unary.js';
import { LOADER_OPTIONS } from './proto.js';

export const SECRETS_PROTO_PATH = fileURLToPath(new URL('../../proto/spearlet/secrets.proto', import.meta.url));

let cached: ProtoGrpcType | undefined;

export function loadSecretsProto(): ProtoGrpcType {
  cached ??= grpc.loadPackageDefinition(protoLoader.loadSync(SECRETS_PROTO_PATH, LOADER_OPTIONS)) as unknown as ProtoGrpcType;
  return cached;
}

export function secretServiceHandlers(secrets: SecretStore, log: Logger): SecretServiceHandlers {
  return {
    PutSecret: unary(async (req) => {
      const { created, updatedAt } = await secrets.put(checkSecretName(req.name), req.value);
      log.info({ secret: req.name, created }, 'secret set');
      return { created, updatedAt: String(updatedAt) };
    }),
    DeleteSecret: unary(async (req) => {
      const deleted = await secrets.delete(checkSecretName(req.name));
      if (!deleted) throw new SpearletError(ErrorCodes.SECRET_NOT_FOUND, `name: no secret named '${req.name}'`, { field: 'name' });
      log.info({ secret: req.name }, 'secret deleted');
      return { deleted };
    }),
    ListSecrets: unary(async () => ({ secrets: (await secrets.list()).map((s) => ({ name: s.name, updatedAt: String(s.updatedAt) })) })),
  };
}

export function addSecretService(server: grpc.Server, secrets: SecretStore, log: Logger): void {
  server.addService(loadSecretsProto().spearlet.SecretService.service, secretServiceHandlers(secrets, log));
}
