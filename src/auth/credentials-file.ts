/**
 * The credentials file (`--auth-file`): JSON any tool can write.
 *
 * ```json
 * {
 *   "tokens": [{ "sha256": "<hex digest of the token>", "tenant": "acme", "role": "invoke", "name": "ci" }],
 *   "certificates": [{ "cn": "worker.acme", "tenant": "acme", "role": "invoke" },
 *                    { "san": "URI:spiffe://acme/worker", "tenant": "acme", "role": "invoke" }],
 *   "tenants": { "acme": { "max_concurrent": 8, "max_queued": 16, "max_tasks": 100,
 *                          "max_artifact_bytes": 67108864, "cpu_ms_per_minute": 120000 } }
 * }
 * ```
 *
 * Tokens are stored only as SHA-256 digests. An unknown key anywhere is an error, so a typo never
 * silently drops a restriction. Errors are INVALID_CONFIG naming the file and the field path.
 */
import * as fs from 'node:fs';
import { ErrorCodes, SpearletError } from '../errors.js';
import type { TenantQuota } from '../core/admission/tenant-quotas.js';

export type Role = 'invoke' | 'admin';
export const ROLES: readonly Role[] = ['invoke', 'admin'];

/** Who a credential names. `name` labels it in logs (never the token itself). */
export interface Identity {
  tenant: string;
  role: Role;
  name: string;
}

export interface TokenEntry extends Identity {
  /** The SHA-256 digest of the token, 32 bytes. */
  digest: Buffer;
}

export interface CertificateEntry extends Identity {
  /** Matches the client certificate's subject CN exactly, or one of its SANs (`DNS:x`, `URI:y`, ...). */
  cn?: string;
  san?: string;
}

export interface Credentials {
  tokens: readonly TokenEntry[];
  certificates: readonly CertificateEntry[];
  /** Per-tenant quota overrides; absent keys keep the config's defaults. */
  tenants: ReadonlyMap<string, Partial<TenantQuota>>;
}

/** Tenant names: they prefix caller-chosen ids (`acme:job-1`), so no ':' in them. */
export const TENANT_PATTERN = /^[A-Za-z0-9._-]{1,128}$/;

const QUOTA_KEYS: Record<string, keyof TenantQuota> = {
  max_concurrent: 'maxConcurrent',
  max_queued: 'maxQueued',
  max_tasks: 'maxTasks',
  max_artifact_bytes: 'maxArtifactBytes',
  cpu_ms_per_minute: 'cpuMsPerMinute',
};

type Json = Record<string, unknown>;

class FileError {
  constructor(private readonly file: string) {}
  fail(field: string, problem: string): never {
    throw new SpearletError(ErrorCodes.INVALID_CONFIG, `authFile ${this.file}: ${field}: ${problem}`, { field: 'authFile' });
  }
  object(value: unknown, field: string, allowed: readonly string[]): Json {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) this.fail(field, 'must be a JSON object');
    for (const key of Object.keys(value)) {
      if (!allowed.includes(key)) this.fail(`${field === '' ? '' : `${field}.`}${key}`, `unknown key (allowed: ${allowed.join(', ')})`);
    }
    return value as Json;
  }
  string(value: unknown, field: string): string {
    if (typeof value !== 'string' || value.trim() === '') this.fail(field, 'must be a non-empty string');
    return value;
  }
}

function identity(f: FileError, entry: Json, field: string, fallbackName: string): Identity {
  const tenant = f.string(entry.tenant, `${field}.tenant`);
  if (!TENANT_PATTERN.test(tenant)) f.fail(`${field}.tenant`, 'must be 1-128 characters of A-Z a-z 0-9 . _ -');
  const role = f.string(entry.role, `${field}.role`) as Role;
  if (!ROLES.includes(role)) f.fail(`${field}.role`, `must be one of ${ROLES.join(', ')}, got '${role}'`);
  const name = entry.name === undefined ? fallbackName : f.string(entry.name, `${field}.name`);
  return { tenant, role, name };
}

function list(f: FileError, value: unknown, field: string): Json[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) f.fail(field, 'must be an array');
  return value as Json[];
}

/** Parses and checks the text of a credentials file. */
export function parseCredentials(text: string, file: string): Credentials {
  const f = new FileError(file);
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    f.fail('(file)', `not valid JSON: ${(err as Error).message}`);
  }
  const root = f.object(doc, '', ['tokens', 'certificates', 'tenants']);
  const tokens = list(f, root.tokens, 'tokens').map((raw, i): TokenEntry => {
    const field = `tokens[${i}]`;
    const entry = f.object(raw, field, ['sha256', 'tenant', 'role', 'name']);
    const hex = f.string(entry.sha256, `${field}.sha256`).toLowerCase();
    if (!/^[0-9a-f]{64}$/.test(hex)) f.fail(`${field}.sha256`, 'must be the 64 hex digits of the SHA-256 digest of the token');
    return { ...identity(f, entry, field, `token ${hex.slice(0, 8)}`), digest: Buffer.from(hex, 'hex') };
  });
  const certificates = list(f, root.certificates, 'certificates').map((raw, i): CertificateEntry => {
    const field = `certificates[${i}]`;
    const entry = f.object(raw, field, ['cn', 'san', 'tenant', 'role', 'name']);
    if ((entry.cn === undefined) === (entry.san === undefined)) f.fail(field, 'needs exactly one of cn, san');
    const cn = entry.cn === undefined ? undefined : f.string(entry.cn, `${field}.cn`);
    const san = entry.san === undefined ? undefined : f.string(entry.san, `${field}.san`);
    return { ...identity(f, entry, field, cn !== undefined ? `cn ${cn}` : `san ${san}`), cn, san };
  });
  const tenants = new Map<string, Partial<TenantQuota>>();
  const tenantsRaw = root.tenants === undefined ? {} : f.object(root.tenants, 'tenants', Object.keys(root.tenants ?? {}));
  for (const [tenant, raw] of Object.entries(tenantsRaw)) {
    const field = `tenants.${tenant}`;
    if (!TENANT_PATTERN.test(tenant)) f.fail(field, 'tenant names are 1-128 characters of A-Z a-z 0-9 . _ -');
    const entry = f.object(raw, field, Object.keys(QUOTA_KEYS));
    const quota: Partial<TenantQuota> = {};
    for (const [key, value] of Object.entries(entry)) {
      if (!Number.isSafeInteger(value) || (value as number) < 0) f.fail(`${field}.${key}`, `must be an integer >= 0 (0 = no limit), got ${JSON.stringify(value)}`);
      quota[QUOTA_KEYS[key]] = value as number;
    }
    tenants.set(tenant, quota);
  }
  return { tokens, certificates, tenants };
}

/** Reads and checks a credentials file; throws INVALID_CONFIG naming the file and field. */
export function loadCredentials(file: string): Credentials {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    throw new SpearletError(ErrorCodes.INVALID_CONFIG, `authFile ${file}: cannot read: ${(err as Error).message}`, { field: 'authFile', cause: err });
  }
  return parseCredentials(text, file);
}
