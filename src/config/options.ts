/**
 * Every configuration option, in the order of `spearlet serve --help` and
 * docs/reference/configuration.md. ConfigInput is derived from these definitions, so an option's
 * type lives in one place: its zod schema.
 */
import type { z } from 'zod';
import { CAPABILITY_OPTIONS } from './options-capabilities.js';
import { LIMIT_OPTIONS } from './options-limits.js';
import { NETWORK_OPTIONS } from './options-network.js';
import { OS_SANDBOX_OPTIONS } from './options-os-sandbox.js';
import { POOL_OPTIONS } from './options-pool.js';
import { STORAGE_OPTIONS } from './options-storage.js';
import type { OptionDef } from './option.js';

export const CONFIG_OPTIONS = [...NETWORK_OPTIONS, ...STORAGE_OPTIONS, ...LIMIT_OPTIONS, ...POOL_OPTIONS, ...OS_SANDBOX_OPTIONS, ...CAPABILITY_OPTIONS] as const;

type Declared = (typeof CONFIG_OPTIONS)[number];

/** Input options: everything optional, as a user (through flags and the environment) or a test writes them. */
export type ConfigInput = { [O in Declared as O['key']]?: z.output<O['schema']> } & {
  /**
   * Fixed name → IP answers used instead of DNS for egress (like /etc/hosts), e.g. to pin an API's
   * address; tests use it to make a name resolve to a private address. No flag.
   */
  egressHosts?: Record<string, string>;
};

export type ConfigKey = Declared['key'];

/** The same list, typed for code that walks every option. */
export const OPTIONS: readonly OptionDef<ConfigKey>[] = CONFIG_OPTIONS;

/** Option by flag (without its dashes). */
export const OPTION_BY_FLAG: ReadonlyMap<string, OptionDef<ConfigKey>> = new Map(OPTIONS.filter((o) => o.flag !== undefined).map((o) => [o.flag!, o]));

export const OPTION_BY_KEY: ReadonlyMap<ConfigKey, OptionDef<ConfigKey>> = new Map(OPTIONS.map((o) => [o.key, o]));

/** Every `spearlet serve` flag, without its dashes. */
export const SERVE_FLAGS: readonly string[] = [...OPTION_BY_FLAG.keys()];

/** The options that have no default: unset, their feature is off (a unit test keeps this list true). */
export const WITHOUT_DEFAULT = ['metricsListen', 'httpListen', 'tlsCert', 'tlsKey', 'tlsClientCa', 'authFile', 'secretsKeyFile', 'secretsKey'] as const;

/** The defaults, by key. */
export const DEFAULTS = Object.freeze(Object.fromEntries(OPTIONS.filter((o) => o.default !== undefined).map((o) => [o.key, o.default]))) as {
  readonly [K in Exclude<ConfigKey, (typeof WITHOUT_DEFAULT)[number]>]-?: Exclude<ConfigInput[K], undefined>;
};
