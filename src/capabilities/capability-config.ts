/**
 * The part of the Config that governs what guest code may reach: egress (fetch), the per-task
 * key-value store and secrets. Its options are declared with every other one
 * (src/config/options-capabilities.ts) and resolved by `resolveConfig` (src/config.ts).
 */
import { parseHostPatterns, type HostPattern } from './egress-policy.js';

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

/**
 * The egress fields derived from the options: the allow-list trimmed and parsed, and the fixed
 * name → IP answers (`egressHosts`, a hook for tests). `fail` names the field as the user set it.
 */
export function resolveEgress(
  allow: readonly string[],
  hosts: Record<string, string> | undefined,
  fail: (field: 'egressAllow' | 'egressHosts', problem: string, suffix: string) => never,
): Pick<CapabilityConfig, 'egressAllow' | 'egressPatterns' | 'egressHosts'> {
  const egressAllow = allow.map((p) => p.trim()).filter((p) => p !== '');
  const egressPatterns = parseHostPatterns(egressAllow, (index, problem) => fail('egressAllow', problem, `[${index}]`));
  const egressHosts: Record<string, string> = {};
  for (const [name, ip] of Object.entries(hosts ?? {})) {
    if (!/^[0-9.]+$|:/.test(ip)) fail('egressHosts', `must be an IPv4 or IPv6 address, got '${ip}'`, `.${name}`);
    egressHosts[name.toLowerCase()] = ip;
  }
  return { egressAllow: Object.freeze(egressAllow), egressPatterns: Object.freeze(egressPatterns), egressHosts: Object.freeze(egressHosts) };
}

/** Puts the secrets key on the resolved config object without making it enumerable (see above). */
export function attachSecretsKey<T extends object>(config: T, key: string | undefined): T {
  Object.defineProperty(config, 'secretsKey', { value: key === undefined || key.trim() === '' ? undefined : key.trim(), enumerable: false });
  return config;
}
