/**
 * How a client proves who it is and checks the server: a bearer token (sent as
 * `authorization: Bearer <token>` on every call), TLS with a CA that signed the server's
 * certificate, and for mutual TLS a client certificate and key. Used by the TypeScript client, the
 * CLI and the conformance runner.
 */
import * as fs from 'node:fs';
import * as grpc from '@grpc/grpc-js';

export interface ClientSecurity {
  /** Bearer token. */
  token?: string;
  /** PEM CA bundle (bytes or a file path) that signed the server's certificate; turns TLS on. */
  ca?: Buffer | string;
  /** PEM client certificate and key (bytes or file paths) for mutual TLS; turn TLS on. */
  cert?: Buffer | string;
  key?: Buffer | string;
  /** An admin credential acts as this tenant (the `tenant` metadata key). */
  tenant?: string;
}

function pem(value: Buffer | string | undefined): Buffer | null {
  if (value === undefined) return null;
  return Buffer.isBuffer(value) ? value : fs.readFileSync(value);
}

/** TLS when any of ca/cert/key is given (the system roots when ca is not), plaintext otherwise. */
export function channelCredentials(security: ClientSecurity): grpc.ChannelCredentials {
  if (security.ca === undefined && security.cert === undefined && security.key === undefined) return grpc.credentials.createInsecure();
  if ((security.cert === undefined) !== (security.key === undefined)) throw new Error('a client certificate needs both cert and key');
  return grpc.credentials.createSsl(pem(security.ca), pem(security.key), pem(security.cert));
}

/** The metadata every call carries: the token and the tenant, when given. */
export function callMetadata(security: ClientSecurity): grpc.Metadata {
  const metadata = new grpc.Metadata();
  if (security.token !== undefined && security.token !== '') metadata.set('authorization', `Bearer ${security.token}`);
  if (security.tenant !== undefined && security.tenant !== '') metadata.set('tenant', security.tenant);
  return metadata;
}

/** Security options from SPEARLET_TOKEN, SPEARLET_CA, SPEARLET_CERT, SPEARLET_KEY, SPEARLET_TENANT, overridden by `flags`. */
export function securityFrom(flags: { token?: string; ca?: string; cert?: string; key?: string; tenant?: string }, env: NodeJS.ProcessEnv): ClientSecurity {
  return {
    token: flags.token ?? env.SPEARLET_TOKEN,
    ca: flags.ca ?? env.SPEARLET_CA,
    cert: flags.cert ?? env.SPEARLET_CERT,
    key: flags.key ?? env.SPEARLET_KEY,
    tenant: flags.tenant ?? env.SPEARLET_TENANT,
  };
}
