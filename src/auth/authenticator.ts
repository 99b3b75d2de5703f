/**
 * Authentication: who is calling. A bearer token in the `authorization` metadata is hashed with
 * SHA-256 and compared, in constant time, with every digest of the credentials file; without a
 * token, a verified client certificate (mutual TLS) can name the caller by its subject CN or a SAN.
 * The file is re-read by `reload()` (SIGHUP); a file that fails to load leaves the previous one in
 * force.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type * as grpc from '@grpc/grpc-js';
import type { PeerCertificate } from 'node:tls';
import type { QuotaSource, TenantQuota } from '../core/admission/tenant-quotas.js';
import { type CertificateEntry, type Credentials, type Identity, loadCredentials } from './credentials-file.js';

/** The authenticated caller. */
export interface Principal extends Identity {
  via: 'token' | 'certificate';
}

/** Why a call was refused as UNAUTHENTICATED (the Prometheus `reason` label). */
export type AuthFailure = 'missing_credentials' | 'malformed_credentials' | 'unknown_credentials';

export class AuthError extends Error {
  constructor(
    readonly reason: AuthFailure,
    message: string,
  ) {
    super(message);
  }
}

export class Authenticator {
  private credentials: Credentials;

  constructor(readonly file: string) {
    this.credentials = loadCredentials(file);
  }

  /** Re-reads the file. Throws INVALID_CONFIG (the old credentials stay in force). */
  reload(): { tokens: number; certificates: number; tenants: number } {
    const next = loadCredentials(this.file);
    this.credentials = next;
    return { tokens: next.tokens.length, certificates: next.certificates.length, tenants: next.tenants.size };
  }

  /** The caller of a call, or an AuthError. */
  authenticate(metadata: grpc.Metadata, peer: PeerCertificate | undefined): Principal {
    const values = metadata.get('authorization');
    if (values.length > 1) throw new AuthError('malformed_credentials', 'send one authorization metadata value');
    if (values.length === 1) return { ...this.byToken(String(values[0])), via: 'token' };
    const byCert = peer && Object.keys(peer).length > 0 ? this.byCertificate(peer) : undefined;
    if (byCert) return { ...byCert, via: 'certificate' };
    if (peer && Object.keys(peer).length > 0) throw new AuthError('unknown_credentials', 'the client certificate names no identity of the credentials file, and no bearer token was sent');
    throw new AuthError('missing_credentials', "no credentials: send the metadata 'authorization: Bearer <token>'");
  }

  /** Default quotas overridden by the file's `tenants` entry, read at each use. */
  quotaSource(defaults: QuotaSource): QuotaSource {
    return (tenant): TenantQuota => ({ ...defaults(tenant), ...this.credentials.tenants.get(tenant) });
  }

  private byToken(header: string): Identity {
    const m = /^Bearer\s+(\S+)\s*$/i.exec(header);
    if (!m) throw new AuthError('malformed_credentials', "the authorization metadata must be 'Bearer <token>'");
    const digest = createHash('sha256').update(m[1], 'utf8').digest();
    // Every digest is compared, each in constant time: how long this takes says nothing about
    // which entry (if any) matched or how close the token came.
    let found: Identity | undefined;
    for (const entry of this.credentials.tokens) {
      if (timingSafeEqual(digest, entry.digest) && found === undefined) found = entry;
    }
    if (!found) throw new AuthError('unknown_credentials', 'the bearer token is not known');
    return { tenant: found.tenant, role: found.role, name: found.name };
  }

  private byCertificate(peer: PeerCertificate): Identity | undefined {
    const cn = ([] as string[]).concat(peer.subject?.CN ?? []);
    const sans = (peer.subjectaltname ?? '').split(',').map((s) => s.trim()).filter((s) => s !== '');
    const match = (e: CertificateEntry) => (e.cn !== undefined && cn.includes(e.cn)) || (e.san !== undefined && sans.includes(e.san));
    const found = this.credentials.certificates.find(match);
    return found && { tenant: found.tenant, role: found.role, name: found.name };
  }
}
