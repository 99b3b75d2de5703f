/**
 * `spearlet serve` options from argv and SPEARLET_* environment variables: flags win over the
 * environment, which wins over the defaults. Each flag and variable comes from the option
 * definitions (src/config/options.ts). Only this module and the CLI entry read argv and the
 * environment.
 */
import { parseArgs } from 'node:util';
import type { ConfigInput, Origins } from '../config.js';
import { ConfigNames, type Origin } from '../config/origins.js';
import { type ConfigKey, OPTIONS, SERVE_FLAGS } from '../config/options.js';
import type { Kind } from '../config/option.js';
import { ErrorCodes, SpearletError } from '../errors.js';
import { didYouMean } from './suggest.js';

export { SERVE_FLAGS } from '../config/options.js';
export { envName } from '../config/option.js';

const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** `7d`, `12h`, `30m`, `10s`, `500ms` (or a bare number of milliseconds) in milliseconds; NaN when malformed. */
export function durationMs(raw: string): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)?\s*$/.exec(raw);
  return m ? Math.round(Number(m[1]) * UNIT_MS[m[2] ?? 'ms']) : NaN;
}

const TRUE = new Set(['true', '1']);
const FALSE = new Set(['false', '0', '']);

/**
 * The value of a flag's or variable's text, or the problem with it. Numbers are left to the
 * option's schema, which names the range: "x" becomes NaN and is refused there.
 */
function convert(kind: Kind, raw: string | boolean | string[]): { value: unknown } | { problem: string } {
  if (typeof raw === 'boolean') return { value: raw };
  if (kind === 'list') return { value: (Array.isArray(raw) ? raw : raw.split(',')).map((s) => s.trim()).filter((s) => s !== '') };
  const text = String(raw);
  if (kind === 'int') return { value: text.trim() === '' ? NaN : Number(text) };
  if (kind === 'duration') {
    const ms = durationMs(text);
    return Number.isNaN(ms) ? { problem: 'must be a duration such as 7d, 12h, 30m, 10s or 0' } : { value: ms };
  }
  if (kind === 'bool') {
    const lower = text.trim().toLowerCase();
    return TRUE.has(lower) ? { value: true } : FALSE.has(lower) ? { value: false } : { problem: 'must be true or false (or 1 or 0)' };
  }
  return { value: text };
}

function parseFlags(argv: string[]): Record<string, string | boolean | string[] | undefined> {
  const options: Record<string, { type: 'string' | 'boolean'; multiple?: boolean }> = {};
  for (const o of OPTIONS) if (o.flag !== undefined) options[o.flag] = o.kind === 'bool' ? { type: 'boolean' } : { type: 'string', multiple: o.kind === 'list' };
  try {
    return parseArgs({ args: argv, options, strict: true, allowPositionals: false }).values as Record<string, string | boolean | string[] | undefined>;
  } catch (err) {
    const message = (err as Error).message;
    const unknown = /^Unknown option '--([^'=]+)'/.exec(message);
    throw new SpearletError(ErrorCodes.INVALID_CONFIG, unknown ? `${message}${didYouMean(unknown[1], SERVE_FLAGS, '--')}` : message);
  }
}

/**
 * Reads serve flags and the environment into input options, and where each came from (so
 * messages name it). Throws INVALID_CONFIG on an unknown flag or a value that is not of its kind.
 */
export function readServeOptions(argv: string[], env: NodeJS.ProcessEnv): { input: ConfigInput; origins: Origins } {
  const flags = parseFlags(argv);
  const input: Record<string, unknown> = {};
  const origins: Origins = {};
  const names: ConfigNames = new ConfigNames(origins);
  for (const o of OPTIONS) {
    const fromFlag = o.flag === undefined ? undefined : flags[o.flag];
    const fromEnv = env[o.env];
    const raw = fromFlag ?? fromEnv;
    if (raw === undefined) continue;
    const origin: Origin =
      fromFlag === undefined ? { from: 'env', raw: fromEnv! } : { from: 'flag', raw: Array.isArray(fromFlag) ? fromFlag.join(',') : String(fromFlag), overridden: fromEnv };
    origins[o.key as ConfigKey] = origin;
    const converted = convert(o.kind, raw);
    if ('problem' in converted) names.fail(o.key as ConfigKey, converted.problem, raw);
    input[o.key] = converted.value;
  }
  return { input: input as ConfigInput, origins };
}

/** The input options alone (for code that resolves them itself; messages then name Config keys). */
export function serveOptions(argv: string[], env: NodeJS.ProcessEnv): ConfigInput {
  return readServeOptions(argv, env).input;
}
