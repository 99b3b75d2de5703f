/**
 * One configuration option, declared once: its Config key, zod schema (type, range, values), default,
 * `spearlet serve` flag, SPEARLET_* environment variable, help text and group. The argv/env reader
 * (src/cli/serve-options.ts), the validation (src/config.ts), `spearlet serve --help` and
 * docs/reference/configuration.md are all made from these definitions (src/config/options.ts).
 */
import { z } from 'zod';
import { HOST_PORT } from './host-port.js';

/** How the text of a flag or environment variable becomes a value. */
export type Kind = 'string' | 'int' | 'bool' | 'list' | 'duration';

export interface OptionDef<K extends string = string, S extends z.ZodType = z.ZodType> {
  readonly key: K;
  readonly schema: S;
  /** Filled in when the option is not set; undefined leaves the feature off. */
  readonly default?: z.output<S>;
  /** How the reference and --help show the default when the value alone would not say it (or differs by host). */
  readonly defaultText?: string;
  /** The flag without its dashes; absent for an option read only from the environment. */
  readonly flag?: string;
  readonly env: string;
  readonly kind: Kind;
  /** The flag's value in the help, such as N, HOST:PORT or FILE. */
  readonly arg?: string;
  /** The allowed values when the schema alone would not say it clearly. */
  readonly rangeText?: string;
  readonly help: string;
  /** A page under docs/ that says more. */
  readonly see?: string;
  readonly group: string;
  /** Never shown in messages, and kept out of the Config's enumerable properties. */
  readonly secret?: boolean;
  /** Turns the checked value into the Config's (paths resolved, lists frozen). */
  resolve?(value: z.output<S>): unknown;
}

/** `SPEARLET_` + the flag in upper snake case. */
export function envName(flag: string): string {
  return `SPEARLET_${flag.toUpperCase().replace(/-/g, '_')}`;
}

type Declared<K extends string, S extends z.ZodType> = Omit<OptionDef<K, S>, 'env' | 'kind' | 'group'> & { env?: string; kind?: Kind };

/** Declares a group's options: fills the group, the environment name and the kind from the schema. */
export function group<const T extends readonly Declared<string, z.ZodType>[]>(name: string, options: T): { [I in keyof T]: T[I] & { env: string; kind: Kind; group: string } } {
  return options.map((o) => ({ ...o, group: name, env: o.env ?? envName(o.flag!), kind: o.kind ?? kindOf(o.schema) })) as never;
}

/** Type-checks one declaration (its default against its schema) inside a `group` list. */
export function option<const K extends string, S extends z.ZodType>(o: Declared<K, S>): Declared<K, S> {
  return o;
}

/** The kind a schema's values have (read from its definition: cheaper at start-up than a JSON Schema). */
function kindOf(schema: z.ZodType): Kind {
  const def = schema.def as { type: string; options?: z.ZodType[] };
  if (def.type === 'number' || def.type === 'literal') return 'int';
  if (def.type === 'boolean') return 'bool';
  if (def.type === 'array') return 'list';
  if (def.type === 'union') return kindOf(def.options![0]);
  return 'string';
}

const MAX = Number.MAX_SAFE_INTEGER;

/** An integer from min to max, with the message every integer option shares. */
export function int(min: number, max = MAX) {
  const error = max === MAX ? `must be an integer of at least ${min}` : `must be an integer from ${min} to ${max}`;
  return z.int({ error }).min(min, { error }).max(max, { error });
}

/** 0 (which means `zero`), or an integer from min to max. */
export function zeroOr(zero: string, min: number, max = MAX) {
  const error = `must be 0 (${zero}) or an integer ${max === MAX ? `of at least ${min}` : `from ${min} to ${max}`}`;
  return z.union([z.literal(0, { error }), z.int({ error }).min(min, { error }).max(max, { error })], { error });
}

/** 0 (which means `zero`), or a duration of at least `minMs` (given as 7d, 12h, 30m, 10s, 500ms or ms). */
export function zeroOrDuration(zero: string, minMs: number) {
  const min = minMs % 1000 === 0 ? `${minMs / 1000}s` : `${minMs}ms`;
  const error = `must be 0 (${zero}) or a duration of at least ${min}, such as 7d, 12h, 30m, 10s or 500ms`;
  return z.union([z.literal(0, { error }), z.int({ error }).min(minMs, { error })], { error });
}

export function oneOf<const T extends readonly [string, ...string[]]>(values: T) {
  return z.enum(values, { error: `must be one of ${values.join(', ')}` });
}

export const bool = z.boolean({ error: 'must be true or false' });

export const nonEmpty = z.string({ error: 'must be a string' }).refine((s) => s.trim() !== '', { error: 'must not be empty' });

export const stringList = z.array(nonEmpty, { error: 'must be a list of strings' });

/** `HOST:PORT`; port 0 asks the OS for a free port. */
export const hostPort = z
  .string({ error: 'must be HOST:PORT' })
  .regex(HOST_PORT, { error: 'must be HOST:PORT' })
  .refine((s) => Number(HOST_PORT.exec(s)?.[2]) <= 65535, { error: 'port must be 0-65535' });
