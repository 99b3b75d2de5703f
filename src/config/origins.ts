/**
 * Where each option's value came from, so a message names what the user actually set: the flag,
 * the environment variable (and which one won when both were set), or, for input a program built,
 * the Config key.
 */
import { ErrorCodes, SpearletError } from '../errors.js';
import { type ConfigKey, OPTION_BY_KEY } from './options.js';

export interface Origin {
  readonly from: 'flag' | 'env';
  /** The text as given (list flags joined with commas). */
  readonly raw: string;
  /** The environment variable's text when the flag won over it. */
  readonly overridden?: string;
}

export type Origins = Partial<Record<ConfigKey, Origin>>;

/** A Config key, or `egressHosts` (set only from code, so named as itself). */
type Key = ConfigKey | 'egressHosts';

/** Names options in messages and throws INVALID_CONFIG. Without origins (input from code) it names Config keys. */
export class ConfigNames {
  constructor(private readonly origins?: Origins) {}

  /** What the user knows the option as: the flag or variable they set, else the flag they could set. */
  name(key: Key): string {
    const option = key === 'egressHosts' ? undefined : OPTION_BY_KEY.get(key);
    if (this.origins === undefined || option === undefined) return key;
    if (this.origins[option.key]?.from === 'env' || option.flag === undefined) return option.env;
    return `--${option.flag}`;
  }

  /**
   * Throws INVALID_CONFIG: `NAME: problem (got VALUE)`. VALUE, when `value` is given, is the text
   * the user set (and the variable a flag won over), or `value` itself for input from code.
   */
  fail(key: Key, problem: string, value?: unknown, suffix = ''): never {
    const option = key === 'egressHosts' ? undefined : OPTION_BY_KEY.get(key);
    throw new SpearletError(ErrorCodes.INVALID_CONFIG, `${this.name(key)}${suffix}: ${problem}${option?.secret ? '' : this.got(key, value)}`, { field: key });
  }

  private got(key: Key, value: unknown): string {
    const origin = key === 'egressHosts' ? undefined : this.origins?.[key];
    if (value === undefined) return '';
    if (origin === undefined) return ` (got ${JSON.stringify(value)})`;
    const option = OPTION_BY_KEY.get(key as ConfigKey)!;
    const overridden = origin.overridden === undefined ? '' : `; the flag wins over ${option.env}=${JSON.stringify(origin.overridden)}`;
    return ` (got ${JSON.stringify(origin.raw)}${overridden})`;
  }
}
