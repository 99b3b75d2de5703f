/**
 * SecretService (proto/spearlet/secrets.proto): an admin sets and deletes secrets; nothing ever
 * answers a value. Thin like the FunctionService handlers: decode, call the SecretStore, encode.
 * Requests are logged by name only.
 */
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { fileURLToPath } from 'node:url';
import { ErrorCodes, SpearletError, permissionDenied, unauthenticated } from '../errors.js';
import { AuthError, type Authenticator } from '../auth/authenticator.js';
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

/**
 * With authentication on, only an `admin` credential may set, delete or list secrets: they are
 * the server's, and a tenant's tasks read only those named `<tenant>.*` (src/auth/tenant-scope.ts).
 */
function requireAdmin(authenticator: Authenticator | undefined, call: grpc.ServerUnaryCall<unknown, unknown>): void {
  if (!authenticator) return;
  let role: string;
  try {
    role = authenticator.authenticate(call.metadata, call.getAuthContext().sslPeerCertificate).role;
  } catch (err) {
    if (err instanceof AuthError) throw unauthenticated(err.message);
    throw err;
  }
  if (role !== 'admin') throw permissionDenied('the SecretService needs an admin credential', 'authorization');
}

export function secretServiceHandlers(secrets: SecretStore, log: Logger, authenticator?: Authenticator): SecretServiceHandlers {
  return {
    PutSecret: unary(async (req, call) => {
      requireAdmin(authenticator, call);
      const { created, updatedAt } = await secrets.put(checkSecretName(req.name), req.value);
      log.info({ secret: req.name, created }, 'secret set');
      return { created, updatedAt: String(updatedAt) };
    }),
    DeleteSecret: unary(async (req, call) => {
      requireAdmin(authenticator, call);
      const deleted = await secrets.delete(checkSecretName(req.name));
      if (!deleted) throw new SpearletError(ErrorCodes.SECRET_NOT_FOUND, `name: no secret named '${req.name}'`, { field: 'name' });
      log.info({ secret: req.name }, 'secret deleted');
      return { deleted };
    }),
    ListSecrets: unary(async (_req, call) => {
      requireAdmin(authenticator, call);
      return { secrets: (await secrets.list()).map((s) => ({ name: s.name, updatedAt: String(s.updatedAt) })) };
    }),
  };
}

export function addSecretService(server: grpc.Server, secrets: SecretStore, log: Logger, authenticator?: Authenticator): void {
  server.addService(loadSecretsProto().spearlet.SecretService.service, secretServiceHandlers(secrets, log, authenticator));
}
