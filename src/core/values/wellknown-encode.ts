/**
 * Encoders of the protobuf well-known types (wrappers.proto, struct.proto). @bufbuild/protobuf
 * writes the wire format; this module checks the JS value (ranges, what JSON can hold, the nesting
 * limit) and builds the library's message objects from it. Results are encoded here on every
 * invocation.
 */
import { toBinary, type DescMessage, type MessageShape } from '@bufbuild/protobuf';
import * as wkt from '@bufbuild/protobuf/wkt';
import { MAX_DEPTH, TOO_DEEP, WireError } from './wire-error.js';

/**
 * Messages are built as literals (what create() returns, without its per-call reflection): the
 * library's writer reads their fields and `$typeName` only.
 */
function write<Desc extends DescMessage>(schema: Desc, message: MessageShape<Desc>): Buffer {
  let bytes: Uint8Array;
  try {
    bytes = toBinary(schema, message);
  } catch (err) {
    throw new WireError((err as Error).message, { cause: err });
  }
  // A view, not a copy: grpc-js wants Buffers, and toBinary returns a fresh array.
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

export function encodeStringValue(value: string): Buffer {
  return write(wkt.StringValueSchema, { $typeName: 'google.protobuf.StringValue', value });
}

export function encodeBytesValue(value: Uint8Array): Buffer {
  return write(wkt.BytesValueSchema, { $typeName: 'google.protobuf.BytesValue', value });
}

export function encodeBoolValue(value: boolean): Buffer {
  return write(wkt.BoolValueSchema, { $typeName: 'google.protobuf.BoolValue', value });
}

export function encodeInt32Value(n: number): Buffer {
  if (!Number.isInteger(n) || n < -0x80000000 || n > 0x7fffffff) throw new WireError(`${n} is not a 32-bit signed integer`);
  return write(wkt.Int32ValueSchema, { $typeName: 'google.protobuf.Int32Value', value: n });
}

export function encodeUInt32Value(n: number): Buffer {
  if (!Number.isInteger(n) || n < 0 || n > 0xffffffff) throw new WireError(`${n} is not a 32-bit unsigned integer`);
  return write(wkt.UInt32ValueSchema, { $typeName: 'google.protobuf.UInt32Value', value: n });
}

export function encodeInt64Value(v: bigint): Buffer {
  if (v !== BigInt.asIntN(64, v)) throw new WireError(`${v} is not a 64-bit signed integer`);
  return write(wkt.Int64ValueSchema, { $typeName: 'google.protobuf.Int64Value', value: v });
}

export function encodeUInt64Value(v: bigint): Buffer {
  if (v !== BigInt.asUintN(64, v)) throw new WireError(`${v} is not a 64-bit unsigned integer`);
  return write(wkt.UInt64ValueSchema, { $typeName: 'google.protobuf.UInt64Value', value: v });
}

export function encodeFloatValue(value: number): Buffer {
  if (Number.isFinite(value) && !Number.isFinite(Math.fround(value))) throw new WireError(`${value} is out of the 32-bit float range`);
  return write(wkt.FloatValueSchema, { $typeName: 'google.protobuf.FloatValue', value });
}

export function encodeDoubleValue(value: number): Buffer {
  return write(wkt.DoubleValueSchema, { $typeName: 'google.protobuf.DoubleValue', value });
}

// `depth` counts Values as the decoders do: the top-level Value is 1, the Values of a top-level
// Struct or ListValue 1.

/** Sets an own property even for '__proto__', as JSON.parse does. */
export function setOwn<T>(obj: Record<string, T>, key: string, value: T): void {
  if (key === '__proto__') Object.defineProperty(obj, key, { value, writable: true, enumerable: true, configurable: true });
  else obj[key] = value;
}

function isPlainObject(v: object): v is Record<string, unknown> {
  const proto = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

function describe(v: unknown): string {
  if (typeof v === 'object' && v !== null) return `an object of class ${v.constructor?.name ?? 'unknown'}`;
  return `a value of type ${typeof v}`;
}

function toValue(v: unknown, depth: number): wkt.Value {
  if (depth > MAX_DEPTH) throw new WireError(TOO_DEEP);
  let kind: wkt.Value['kind'];
  switch (typeof v) {
    case 'number':
      kind = { case: 'numberValue', value: v };
      break;
    case 'boolean':
      kind = { case: 'boolValue', value: v };
      break;
    case 'string':
      kind = { case: 'stringValue', value: v };
      break;
    case 'object':
      if (v === null) kind = { case: 'nullValue', value: wkt.NullValue.NULL_VALUE };
      else if (Array.isArray(v)) kind = { case: 'listValue', value: toList(v, depth) };
      else if (isPlainObject(v)) kind = { case: 'structValue', value: toStruct(v, depth) };
      else throw new WireError(`cannot encode ${describe(v)} as google.protobuf.Value`);
      break;
    default:
      throw new WireError(`cannot encode ${describe(v)} as google.protobuf.Value`);
  }
  return { $typeName: 'google.protobuf.Value', kind };
}

function toList(list: readonly unknown[], depth: number): wkt.ListValue {
  const values: wkt.Value[] = new Array(list.length);
  // Holes and undefined become null, as in JSON.
  for (let i = 0; i < list.length; i++) values[i] = toValue(list[i] ?? null, depth + 1);
  return { $typeName: 'google.protobuf.ListValue', values };
}

function toStruct(obj: Record<string, unknown>, depth: number): wkt.Struct {
  const fields: Record<string, wkt.Value> = {};
  for (const key of Object.keys(obj)) {
    const v = obj[key];
    if (v === undefined) continue; // as in JSON
    setOwn(fields, key, toValue(v, depth + 1));
  }
  return { $typeName: 'google.protobuf.Struct', fields };
}

/** Encodes a JSON-like value (null, boolean, number, string, arrays, plain objects) as a Value. */
export function encodeValue(v: unknown): Buffer {
  return write(wkt.ValueSchema, toValue(v, 1));
}

export function encodeStruct(obj: Record<string, unknown>): Buffer {
  return write(wkt.StructSchema, toStruct(obj, 0));
}

export function encodeListValue(list: readonly unknown[]): Buffer {
  return write(wkt.ListValueSchema, toList(list, 0));
}
