/**
 * Call inputs of Wasm exports: positional parameters checked and converted against an export's
 * signature, and the stdin of a WASI command.
 */
import type { ParamValue } from '../../src/core/values/values.js';
import type { FuncType } from './wasm-binary.js';

export type ArgsCheck = { ok: true; args: (number | bigint)[] } | { ok: false; message: string };

const I64_MIN = -(2n ** 63n);
const U64_MAX = 2n ** 64n - 1n;

function describe(value: ParamValue): string {
  if (value === null) return 'null';
  if (value instanceof Uint8Array) return 'bytes';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'number') return String(value);
  if (typeof value === 'bigint') return `${value}n`;
  if (typeof value === 'object') return 'an object';
  return typeof value;
}

function plural(n: number): string {
  return `${n} parameter${n === 1 ? '' : 's'}`;
}

/** Converts one value to a Wasm type, or returns what the type accepts. */
function convert(type: string, value: ParamValue): { value: number | bigint } | { expected: string } {
  switch (type) {
    case 'i32': {
      const n = typeof value === 'bigint' ? Number(value) : value;
      if (typeof n === 'number' && Number.isInteger(n) && n >= -(2 ** 31) && n <= 2 ** 32 - 1) return { value: n | 0 };
      return { expected: 'an integer from -2147483648 to 4294967295' };
    }
    case 'i64': {
      if (typeof value === 'number' && Number.isSafeInteger(value)) return { value: BigInt(value) };
      if (typeof value === 'bigint' && value >= I64_MIN && value <= U64_MAX) return { value: BigInt.asIntN(64, value) };
      return { expected: 'a BigInt or a safe integer' };
    }
    case 'f32':
    case 'f64':
      if (typeof value === 'number') return { value };
      return { expected: 'a number' };
    default:
      return { expected: 'a value a request cannot carry' };
  }
}

/**
 * Checks `values` against the export's parameter types. The message names the export, the
 * expected signature or the parameter at fault: "export 'add' takes (i32, i32), got 1 parameter".
 */
export function checkArgs(exportName: string, type: FuncType, values: readonly ParamValue[]): ArgsCheck {
  if (values.length !== type.params.length) {
    return { ok: false, message: `export '${exportName}' takes (${type.params.join(', ')}), got ${plural(values.length)}` };
  }
  const args: (number | bigint)[] = [];
  for (let i = 0; i < values.length; i++) {
    const converted = convert(type.params[i], values[i]);
    if ('expected' in converted) {
      return {
        ok: false,
        message: `export '${exportName}' parameter ${i + 1} must be ${type.params[i]} (${converted.expected}), got ${describe(values[i])}`,
      };
    }
    args.push(converted.value);
  }
  return { ok: true, args };
}

function base64(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
}

/**
 * JSON text of a parameter value. BigInt (only Int64/UInt64 values beyond 2^53 decode to one) is
 * written as an exact JSON number; bytes as a base64 string; a non-finite number as null; an
 * unknown Any as {"@type": typeUrl, "value": base64}.
 */
function toJson(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'bigint') return value.toString();
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : 'null';
  if (typeof value === 'string' || typeof value === 'boolean') return JSON.stringify(value);
  if (value instanceof Uint8Array) return JSON.stringify(base64(value));
  if (Array.isArray(value)) return `[${value.map(toJson).join(',')}]`;
  const record = value as Record<string, unknown>;
  if (typeof record.typeUrl === 'string' && record.value instanceof Uint8Array && Object.keys(record).length === 2) {
    return `{"@type":${JSON.stringify(record.typeUrl)},"value":${JSON.stringify(base64(record.value))}}`;
  }
  return `{${Object.entries(record).map(([k, v]) => `${JSON.stringify(k)}:${toJson(v)}`).join(',')}}`;
}

/**
 * stdin of a WASI command: the raw bytes of the only parameter when it is bytes or a string (as
 * UTF-8), else the UTF-8 JSON object of all parameters by name (`{}` when there are none).
 */
export function commandStdin(params: Record<string, ParamValue>, paramList: readonly ParamValue[]): Uint8Array {
  if (paramList.length === 1) {
    const only = paramList[0];
    if (only instanceof Uint8Array) return only;
    if (typeof only === 'string') return new Uint8Array(Buffer.from(only, 'utf8'));
  }
  return new Uint8Array(Buffer.from(toJson(params), 'utf8'));
}
