/**
 * Decoders of the protobuf well-known types the value codec uses (google/protobuf/wrappers.proto
 * and struct.proto). @bufbuild/protobuf reads the wire format (bounds-checked; proto3 strings
 * through a fatal UTF-8 decoder; fields in any order, the last of a repeated scalar wins, unknown
 * fields skipped, absent fields the default); this module turns its messages into the plain
 * values the runtime hands to guests (see values.ts) and holds the nesting limit. What it costs
 * per warm invoke is in codec.ts. The library does not compare a known field's wire type with
 * the declared one (it reads the field as declared), nor check that a sub-message's last field
 * ends inside it: such bytes fail on what they then break, or decode to some value.
 *
 * Decoders throw WireError on malformed input; codec.ts turns it into INVALID_ARGUMENT naming the
 * request field.
 */
import { fromBinary, type DescMessage, type MessageShape } from '@bufbuild/protobuf';
import * as wkt from '@bufbuild/protobuf/wkt';
import type { JsonValue } from './values.js';
import { setOwn } from './wellknown-encode.js';
import { MAX_DEPTH, TOO_DEEP, WireError, wireErrorFrom } from './wire-error.js';

export { MAX_DEPTH, WireError } from './wire-error.js';

/**
 * The library counts messages (a Value, then its ListValue or Struct, …), two per level of
 * nesting, where MAX_DEPTH counts Values: its limit only keeps the stack bounded, and the
 * conversion below refuses what is deeper than MAX_DEPTH Values.
 */
const READ_OPTIONS = { readUnknownFields: false, recursionLimit: 2 * MAX_DEPTH + 1 };

function read<Desc extends DescMessage>(schema: Desc, bytes: Uint8Array): MessageShape<Desc> {
  try {
    return fromBinary(schema, bytes, READ_OPTIONS);
  } catch (err) {
    throw wireErrorFrom(err);
  }
}

/** A plain Uint8Array copy (slicing a Buffer would give a Buffer, by species). */
export function copyBytes(bytes: Uint8Array): Uint8Array {
  return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength).slice();
}

/** int64/uint64 as a number when it is safe, else a bigint. */
function int64Value(v: bigint): number | bigint {
  // Rounding is monotonic, so an unsafe true value never rounds to a safe double.
  const n = Number(v);
  return Number.isSafeInteger(n) ? n : v;
}

export function decodeStringValue(bytes: Uint8Array): string {
  return read(wkt.StringValueSchema, bytes).value;
}

/** A copy, so the caller (and guest code) never shares memory with the request buffer. */
export function decodeBytesValue(bytes: Uint8Array): Uint8Array {
  return copyBytes(read(wkt.BytesValueSchema, bytes).value);
}

export function decodeBoolValue(bytes: Uint8Array): boolean {
  return read(wkt.BoolValueSchema, bytes).value;
}

export function decodeInt32Value(bytes: Uint8Array): number {
  return read(wkt.Int32ValueSchema, bytes).value;
}

export function decodeUInt32Value(bytes: Uint8Array): number {
  return read(wkt.UInt32ValueSchema, bytes).value;
}

export function decodeInt64Value(bytes: Uint8Array): number | bigint {
  return int64Value(read(wkt.Int64ValueSchema, bytes).value);
}

export function decodeUInt64Value(bytes: Uint8Array): number | bigint {
  return int64Value(read(wkt.UInt64ValueSchema, bytes).value);
}

export function decodeFloatValue(bytes: Uint8Array): number {
  return read(wkt.FloatValueSchema, bytes).value;
}

export function decodeDoubleValue(bytes: Uint8Array): number {
  return read(wkt.DoubleValueSchema, bytes).value;
}

// `depth` counts Values: the top-level Value is 1, the Values of a top-level Struct or ListValue 1.

function fromValue(v: wkt.Value, depth: number): JsonValue {
  if (depth > MAX_DEPTH) throw new WireError(TOO_DEEP);
  const kind = v.kind;
  switch (kind.case) {
    case 'numberValue':
    case 'stringValue':
    case 'boolValue':
      return kind.value;
    case 'structValue':
      return fromStruct(kind.value, depth);
    case 'listValue':
      return fromList(kind.value, depth);
    default:
      return null; // null_value, or no kind set: null, as the JSON mapping of an empty Value
  }
}

function fromStruct(s: wkt.Struct, depth: number): { [key: string]: JsonValue } {
  const out: { [key: string]: JsonValue } = {};
  const fields = s.fields;
  for (const key of Object.keys(fields)) setOwn(out, key, fromValue(fields[key]!, depth + 1));
  return out;
}

function fromList(l: wkt.ListValue, depth: number): JsonValue[] {
  const values = l.values;
  const out: JsonValue[] = new Array(values.length);
  for (let i = 0; i < values.length; i++) out[i] = fromValue(values[i]!, depth + 1);
  return out;
}

export function decodeValue(bytes: Uint8Array): JsonValue {
  return fromValue(read(wkt.ValueSchema, bytes), 1);
}

export function decodeStruct(bytes: Uint8Array): { [key: string]: JsonValue } {
  return fromStruct(read(wkt.StructSchema, bytes), 0);
}

export function decodeListValue(bytes: Uint8Array): JsonValue[] {
  return fromList(read(wkt.ListValueSchema, bytes), 0);
}

export * from './wellknown-encode.js';
