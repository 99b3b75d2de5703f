/**
 * One Config value: built from input options (flags, environment, tests), validated once, defaults
 * filled, frozen and passed down. Only the entry point reads process.env and argv
 * (src/cli/serve-options.ts). Each option (type, range, default, flag, environment variable, help)
 * is declared once in src/config/options-*.ts; this module checks input against those declarations.
 */
import { type CapabilityConfig, attachSecretsKey, resolveEgress } from './capabilities/capability-config.js';
import { type Checked, crossCheck } from './config/cross-checks.js';
import { ConfigNames, type Origins } from './config/origins.js';
import { type ConfigInput, type ConfigKey, OPTIONS } from './config/options.js';

export { isLoopbackHost, parseHostPort } from './config/host-port.js';
export { type ConfigInput, DEFAULTS } from './config/options.js';
export type { LogLevel } from './config/options-storage.js';
export type { IsolationMode, SchedulingPolicy } from './config/options-pool.js';
export type { OsSandboxMode } from './config/options-os-sandbox.js';
export type { Origins } from './config/origins.js';

/** Options that stay undefined when not set (the feature is off). */
type Optional = 'metricsListen' | 'httpListen' | 'tlsCert' | 'tlsKey' | 'tlsClientCa' | 'authFile';

export type Config = Readonly<
  Required<Omit<ConfigInput, Optional | 'artifactRoots' | 'httpAllowHosts' | keyof CapabilityConfig>> & { [K in Optional]: string | undefined } & {
    artifactRoots: readonly string[];
    httpAllowHosts: readonly string[];
  } & CapabilityConfig
>;

/**
 * Validates input options against their schemas, fills defaults, resolves paths and freezes the
 * result. `origins` (from src/cli/serve-options.ts) makes messages name the flag or environment
 * variable the user set; without it they name the Config key. Throws INVALID_CONFIG.
 */
export function resolveConfig(input: ConfigInput = {}, origins?: Origins): Config {
  const names = new ConfigNames(origins);
  const values = {} as Checked;
  for (const option of OPTIONS) {
    const given = input[option.key];
    const value = given === undefined || (Array.isArray(given) && given.length === 0) ? option.default : given;
    if (value === undefined) continue;
    const checked = option.schema.safeParse(value);
    if (!checked.success) {
      const issue = checked.error.issues[0];
      names.fail(option.key, issue.message, value, issue.path.length > 0 ? `[${issue.path.join('][')}]` : '');
    }
    // The secret goes on the Config apart (attachSecretsKey), never as an enumerable property.
    if (!option.secret) values[option.key] = option.resolve ? option.resolve(checked.data) : checked.data;
  }
  crossCheck(values, names);
  const config = { ...values, ...resolveEgress(values.egressAllow, input.egressHosts, (field, problem, suffix) => names.fail(field, problem, undefined, suffix)) };
  return Object.freeze(attachSecretsKey(config, input.secretsKey)) as Config;
}
