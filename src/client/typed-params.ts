/**
 * Typed parameters as people write them (the conformance manifest, the CLI's `--param k:int=3`)
 * → FunctionParameter with its google.protobuf.Any value.
 *
 * Types: string, bytes (the value is base64), bool, int32, uint32, int64, uint64, float, double,
 * json (or value), struct, list; no type → the value's natural type (see encodeAny). A raw Any is
 * `{ typeUrl, base64 }`. No value → the parameter is sent without one.
 */
import { encodeAny } from '../core/values/codec.js';
import type { FunctionParameter } from '../generated/spearlet/FunctionParameter.js';

export interface TypedParam {
  name: string;
  type?: string;
  value?: unknown;
  /** A raw Any: its type_url and base64 bytes (instead of type and value). */
  typeUrl?: string;
  base64?: string;
  required?: boolean;
  description?: string;
}

/** The type names a TypedParam may use (encodeAny also takes google.protobuf wrapper names). */
export const PARAM_TYPES = ['string', 'bytes', 'bool', 'int32', 'uint32', 'int64', 'uint64', 'float', 'double', 'json', 'value', 'struct', 'list'] as const;

/** A parameter that cannot be encoded; the message names the parameter. */
export class ParamError extends Error {
  override readonly name = 'ParamError';
}

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/** Encodes one typed parameter. Throws ParamError naming the parameter when the value does not fit. */
export function encodeTypedParam(p: TypedParam): FunctionParameter {
  const base: FunctionParameter = { name: p.name, type: p.type ?? '', required: p.required ?? false, description: p.description ?? '' };
  if (p.typeUrl !== undefined) {
    if (!BASE64.test(p.base64 ?? '')) throw new ParamError(`parameter '${p.name}': base64 is not valid base64`);
    return { ...base, type: base.type || p.typeUrl, value: { type_url: p.typeUrl, value: Buffer.from(p.base64 ?? '', 'base64') } };
  }
  if (p.value === undefined) return base;
  let value = p.value;
  if (p.type?.toLowerCase() === 'bytes') {
    if (typeof value !== 'string' || !BASE64.test(value)) throw new ParamError(`parameter '${p.name}': a bytes value is written as base64 text`);
    value = Buffer.from(value, 'base64');
  }
  try {
    return { ...base, value: encodeAny(value, p.type) };
  } catch (err) {
    throw new ParamError(`parameter '${p.name}': ${(err as Error).message.replace(/^(value|type): /, '')}`);
  }
}

/** Encodes a list of typed parameters, or a plain `{ name: value }` object (natural types). */
export function encodeTypedParams(params: readonly TypedParam[] | Record<string, unknown>): FunctionParameter[] {
  if (Array.isArray(params)) return params.map(encodeTypedParam);
  return Object.entries(params).map(([name, value]) => encodeTypedParam({ name, value }));
}
