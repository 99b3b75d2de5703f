/**
 * The part of the Config that governs what guest code may reach: egress (fetch), the per-task
 * key-value store and secrets. Resolved by `resolveConfig` (src/config.ts) like every other
 * option: validated once, defaults filled, frozen; messages name the field.
 */
import { ErrorCodes, SpearletError } from '../errors.js';
import { parseHostPatterns, type HostPattern } from './egress-policy.js';

/** Input options (flags, environment, tests). */
export interface CapabilityConfigInput {
  /** Server egress allow-list (`--egress-allow`, repeatable): `host[:port]`, `*.example.com`, `*`. */
  egressAllow?: string[];
  /**
   * Fixed name → IP answers used instead of DNS for egress (like /etc/hosts), e.g. to pin an API's
   * address; tests use it to make a name resolve to a private address.
   */
  egressHosts?: Record<string, string>;
  /** Network requests (redirect hops included) one execution may make. */
  egressMaxRequests?: number;
  /** Requests one execution may have open at once. */
  egressMaxConcurrent?: number;
  /** Bytes of one request's body. */
  egressMaxRequestBytes?: number;
  /** Bytes of one response's body. */
  egressMaxResponseBytes?: number;
  /** Redirects one fetch follows. */
  egressMaxRedirects?: number;
  /** Bytes of one KV key (UTF-8). */
  kvMaxKeyBytes?: number;
  /** Bytes of one KV value. */
  kvMaxValueBytes?: number;
  /** Bytes (keys + values) one task may hold in its KV store. */
  kvMaxTaskBytes?: number;
  /** Keys one `list` call returns at most. */
  kvMaxListKeys?: number;
  /** File holding the 32-byte secrets key (raw, base64 or hex). */
  secretsKeyFile?: string;
  /** The secrets key itself, base64 or hex (from SPEARLET_SECRETS_KEY; never put it on argv). */
  secretsKey?: string;
  /** Secrets one task may name (metadata `secrets`). */
  maxSecretsPerTask?: number;
}

export interface CapabilityConfig {
  readonly egressAllow: readonly string[];
  /** `egressAllow` parsed. */
  readonly egressPatterns: readonly HostPattern[];
  readonly egressHosts: Readonly<Record<string, string>>;
  readonly egressMaxRequests: number;
  readonly egressMaxConcurrent: number;
  readonly egressMaxRequestBytes: number;
  readonly egressMaxResponseBytes: number;
  readonly egressMaxRedirects: number;
  readonly kvMaxKeyBytes: number;
  readonly kvMaxValueBytes: number;
  readonly kvMaxTaskBytes: number;
  readonly kvMaxListKeys: number;
  readonly secretsKeyFile: string | undefined;
  /**
   * Non-enumerable on the resolved Config: structured clone (the config sent to sandbox workers),
   * JSON and loggers skip it, so the key never leaves the server process that way.
   */
  readonly secretsKey: string | undefined;
  readonly maxSecretsPerTask: number;
}

export const CAPABILITY_DEFAULTS = {
  egressMaxRequests: 50,
  egressMaxConcurrent: 6,
  egressMaxRequestBytes: 10 * 1024 * 1024,
  egressMaxResponseBytes: 10 * 1024 * 1024,
  egressMaxRedirects: 5,
  kvMaxKeyBytes: 512,
  kvMaxValueBytes: 1024 * 1024,
  kvMaxTaskBytes: 64 * 1024 * 1024,
  kvMaxListKeys: 1000,
  maxSecretsPerTask: 32,
} as const;

function fail(field: string, problem: string): never {
  throw new SpearletError(ErrorCodes.INVALID_CONFIG, `${field}: ${problem}`, { field });
}

function int(field: string, value: number, min: number, max = Number.MAX_SAFE_INTEGER): number {
  if (!Number.isInteger(value) || value < min || value > max) fail(field, `must be an integer from ${min} to ${max}, got ${value}`);
  return value;
}

function ipOf(field: string, value: string): string {
  if (!/^[0-9.]+$|:/.test(value)) fail(field, `must be an IPv4 or IPv6 address, got '${value}'`);
  return value;
}

/** Validates the capability options and fills defaults. */
export function resolveCapabilityConfig(input: CapabilityConfigInput): Omit<CapabilityConfig, 'secretsKey'> {
  const d = CAPABILITY_DEFAULTS;
  const egressAllow = (input.egressAllow ?? []).map((p) => p.trim()).filter((p) => p !== '');
  const egressPatterns = parseHostPatterns(egressAllow, (index, problem) => fail(`egressAllow[${index}]`, problem));
  const egressHosts: Record<string, string> = {};
  for (const [name, ip] of Object.entries(input.egressHosts ?? {})) egressHosts[name.toLowerCase()] = ipOf(`egressHosts.${name}`, ip);
  const secretsKeyFile = input.secretsKeyFile?.trim() || undefined;
  return {
    egressAllow: Object.freeze(egressAllow),
    egressPatterns: Object.freeze(egressPatterns),
    egressHosts: Object.freeze(egressHosts),
    egressMaxRequests: int('egressMaxRequests', input.egressMaxRequests ?? d.egressMaxRequests, 0, 100_000),
    egressMaxConcurrent: int('egressMaxConcurrent', input.egressMaxConcurrent ?? d.egressMaxConcurrent, 1, 1000),
    egressMaxRequestBytes: int('egressMaxRequestBytes', input.egressMaxRequestBytes ?? d.egressMaxRequestBytes, 0),
    egressMaxResponseBytes: int('egressMaxResponseBytes', input.egressMaxResponseBytes ?? d.egressMaxResponseBytes, 0),
    egressMaxRedirects: int('egressMaxRedirects', input.egressMaxRedirects ?? d.egressMaxRedirects, 0, 50),
    kvMaxKeyBytes: int('kvMaxKeyBytes', input.kvMaxKeyBytes ?? d.kvMaxKeyBytes, 1, 64 * 1024),
    kvMaxValueBytes: int('kvMaxValueBytes', input.kvMaxValueBytes ?? d.kvMaxValueBytes, 1, 64 * 1024 * 1024),
    kvMaxTaskBytes: int('kvMaxTaskBytes', input.kvMaxTaskBytes ?? d.kvMaxTaskBytes, 1),
    kvMaxListKeys: int('kvMaxListKeys', input.kvMaxListKeys ?? d.kvMaxListKeys, 1, 100_000),
    secretsKeyFile,
    maxSecretsPerTask: int('maxSecretsPerTask', input.maxSecretsPerTask ?? d.maxSecretsPerTask, 0, 1000),
  };
}

/** Puts the secrets key on the resolved config object without making it enumerable (see above). */
export function attachSecretsKey<T extends object>(config: T, key: string | undefined): T {
  Object.defineProperty(config, 'secretsKey', { value: key === undefined || key.trim() === '' ? undefined : key.trim(), enumerable: false });
  return config;
}
