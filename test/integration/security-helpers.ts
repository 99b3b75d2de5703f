/**
 * Test helpers for TLS and authentication: certificates made by the `openssl` CLI in a temp dir,
 * credentials files with SHA-256 token digests, and clients carrying tokens.
 */
import { execFileSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { FunctionClient } from '../../src/client/function-client.js';
import type { ClientSecurity } from '../../src/client/client-security.js';

export interface Pki {
  dir: string;
  ca: string;
  /** Server certificate for 127.0.0.1 / localhost and its key. */
  serverCert: string;
  serverKey: string;
  /** Makes another certificate signed by the CA; returns its cert and key paths. */
  issue(name: string, subjectCn: string, san: string): { cert: string; key: string };
}

function openssl(dir: string, args: string[]): void {
  execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
}

/** A CA, a server certificate, and a way to issue more (client certificates, replacements). */
export function makePki(): Pki {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'spearlet-pki-'));
  openssl(dir, ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', 'ca.key', '-out', 'ca.pem', '-days', '2', '-subj', '/CN=spearlet test CA']);
  const issue = (name: string, subjectCn: string, san: string) => {
    fs.writeFileSync(path.join(dir, `${name}.ext`), `subjectAltName=${san}\n`);
    openssl(dir, ['req', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', `/CN=${subjectCn}`]);
    openssl(dir, ['x509', '-req', '-in', `${name}.csr`, '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial', '-out', `${name}.pem`, '-days', '2', '-extfile', `${name}.ext`]);
    return { cert: path.join(dir, `${name}.pem`), key: path.join(dir, `${name}.key`) };
  };
  const server = issue('server', 'localhost', 'IP:127.0.0.1,DNS:localhost');
  return { dir, ca: path.join(dir, 'ca.pem'), serverCert: server.cert, serverKey: server.key, issue };
}

export const sha256 = (token: string) => createHash('sha256').update(token).digest('hex');

export function newToken(): string {
  return randomBytes(24).toString('base64url');
}

export interface TokenSpec {
  token: string;
  tenant: string;
  role: 'invoke' | 'admin';
}

/** Writes a credentials file: tokens as digests, plus any other top-level keys. */
export function writeAuthFile(file: string, tokens: TokenSpec[], extra: Record<string, unknown> = {}): void {
  const doc = { tokens: tokens.map((t) => ({ sha256: sha256(t.token), tenant: t.tenant, role: t.role })), ...extra };
  fs.writeFileSync(`${file}.tmp`, JSON.stringify(doc, null, 2));
  fs.renameSync(`${file}.tmp`, file);
}

export function clientFor(address: string, security: ClientSecurity): FunctionClient {
  return new FunctionClient(address, {}, security);
}

/** The gRPC status code and details of a rejected promise. */
export async function refusal(p: Promise<unknown>): Promise<{ code: number; details: string }> {
  try {
    await p;
  } catch (err) {
    const e = err as { code: number; details: string };
    return { code: e.code, details: e.details };
  }
  throw new Error('expected the call to be refused');
}
