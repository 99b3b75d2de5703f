/**
 * `--param` and `--env` flags → typed parameters and environment.
 *
 *   name=text            a string
 *   name:TYPE=value      TYPE is string, bytes, bool, int32, uint32, int64, uint64, float, double,
 *                        json, struct, list, or the shorthands int (int64) and number (double)
 *   name:bytes=@file     the file's bytes (also @file for string and json)
 */
import * as fs from 'node:fs';
import { PARAM_TYPES, type TypedParam } from '../client/typed-params.js';
import { UsageError } from './command.js';

const ALIASES: Record<string, string> = { int: 'int64', number: 'double', boolean: 'bool', str: 'string', value: 'json' };
const FILE_TYPES = new Set(['bytes', 'string', 'json', 'struct', 'list']);

function readParamFile(name: string, file: string): Buffer {
  try {
    return fs.readFileSync(file);
  } catch (err) {
    throw new UsageError(`--param ${name}: cannot read '${file}': ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
}

function convert(name: string, type: string, raw: string): unknown {
  switch (type) {
    case 'bool':
      if (/^(true|1|yes)$/i.test(raw)) return true;
      if (/^(false|0|no)$/i.test(raw)) return false;
      throw new UsageError(`--param ${name}: '${raw}' is not a bool (true/false)`);
    case 'int32':
    case 'uint32':
    case 'int64':
    case 'uint64':
      if (!/^[+-]?\d+$/.test(raw)) throw new UsageError(`--param ${name}: '${raw}' is not an integer`);
      return raw;
    case 'float':
    case 'double':
      if (raw.trim() === '' || Number.isNaN(Number(raw))) throw new UsageError(`--param ${name}: '${raw}' is not a number`);
      return Number(raw);
    case 'json':
    case 'struct':
    case 'list':
      try {
        return JSON.parse(raw);
      } catch (err) {
        throw new UsageError(`--param ${name}: invalid JSON: ${(err as Error).message}`);
      }
    default:
      return raw;
  }
}

/** Parses one `--param`. Throws UsageError with the parameter's name. */
export function parseParamFlag(flag: string): TypedParam {
  const eq = flag.indexOf('=');
  if (eq <= 0) throw new UsageError(`--param '${flag}': write name=value or name:type=value`);
  const left = flag.slice(0, eq);
  let raw = flag.slice(eq + 1);
  const colon = left.indexOf(':');
  const name = colon < 0 ? left : left.slice(0, colon);
  const given = colon < 0 ? 'string' : left.slice(colon + 1).toLowerCase();
  const type = ALIASES[given] ?? given;
  if (name === '') throw new UsageError(`--param '${flag}': the name is empty`);
  if (!(PARAM_TYPES as readonly string[]).includes(type)) {
    throw new UsageError(`--param ${name}: unknown type '${given}'; use ${[...PARAM_TYPES.filter((t) => t !== 'value'), 'int', 'number'].join(', ')}`);
  }
  if (raw.startsWith('@') && FILE_TYPES.has(type)) {
    const bytes = readParamFile(name, raw.slice(1));
    if (type === 'bytes') return { name, type, value: bytes.toString('base64') };
    raw = bytes.toString('utf8');
  } else if (type === 'bytes') {
    return { name, type, value: Buffer.from(raw, 'utf8').toString('base64') };
  }
  return { name, type, value: convert(name, type, raw) };
}

/** Parses `--env K=V` flags into a map. */
export function parseEnvFlags(flags: readonly string[]): Record<string, string> {
  const env: Record<string, string> = {};
  for (const flag of flags) {
    const eq = flag.indexOf('=');
    if (eq <= 0) throw new UsageError(`--env '${flag}': write KEY=VALUE`);
    env[flag.slice(0, eq)] = flag.slice(eq + 1);
  }
  return env;
}
