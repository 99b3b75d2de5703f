/**
 * Wire format of the protobuf well-known types the value codec uses (google/protobuf/wrappers.proto
 * and struct.proto), written by hand. Measured against protobufjs 7.6 by bench/codec.ts (median of
 * interleaved rounds, 2-core machine): a warm invoke's codec work ({a:2,b:3} in, 5 out) costs
 * 0.7-1.1 µs here and 2.9 µs with protobufjs, both under 5% of the ~150 µs of server CPU per warm
 * invoke; a 20-field Struct in and out costs 52 µs here and 108-111 µs with protobufjs. protobufjs
 * alone also differs from the contract: it accepts strings whose length runs past the end of the
 * message and replaces invalid UTF-8, and its process-wide recursion limit (Reader.recursionLimit,
 * 100 messages, shared with grpc-js) counts messages, so a list nested 51 deep is already refused.
 *
 * Decoders accept what conforming encoders may produce: fields in any order, repeated scalar
 * fields (last one wins), unknown fields (skipped), absent fields (the default value). They throw
 * WireError on malformed input; codec.ts turns it into INVALID_ARGUMENT naming the request field.
 */
import { isUtf8 } from 'node:buffer';
import type { JsonValue } from './values.js';
import { MAX_DEPTH, WireError } from './wire-error.js';

export { MAX_DEPTH, WireError } from './wire-error.js';



const VARINT = 0;
const I64 = 1;
const LEN = 2;
const SGROUP = 3;
const EGROUP = 4;
const I32 = 5;

function toBuffer(bytes: Uint8Array): Buffer {
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/** A plain Uint8Array copy (slicing a Buffer would give a Buffer, by species). */
export function copyBytes(bytes: Uint8Array, offset = 0, length = bytes.length - offset): Uint8Array {
  return new Uint8Array(bytes.buffer, bytes.byteOffset + offset, length).slice();
}

class Reader {
  readonly buf: Buffer;
  pos = 0;
  end: number;
  /** Low and high 32 bits (unsigned) of the last varint read. */
  lo = 0;
  hi = 0;

  constructor(bytes: Uint8Array) {
    this.buf = toBuffer(bytes);
    this.end = this.buf.length;
  }

  varint(): void {
    const buf = this.buf;
    const end = this.end;
    let pos = this.pos;
    let lo = 0;
    let b: number;
    for (let shift = 0; shift < 28; shift += 7) {
      if (pos >= end) throw new WireError('truncated varint');
      b = buf[pos++];
      lo |= (b & 0x7f) << shift;
      if (b < 0x80) {
        this.lo = lo >>> 0;
        this.hi = 0;
        this.pos = pos;
        return;
      }
    }
    if (pos >= end) throw new WireError('truncated varint');
    b = buf[pos++];
    lo |= (b & 0x0f) << 28;
    let hi = (b & 0x7f) >> 4;
    if (b >= 0x80) {
      for (let shift = 3; ; shift += 7) {
        if (shift > 31) throw new WireError('varint longer than 10 bytes');
        if (pos >= end) throw new WireError('truncated varint');
        b = buf[pos++];
        hi |= (b & 0x7f) << shift;
        if (b < 0x80) break;
      }
    }
    this.lo = lo >>> 0;
    this.hi = hi >>> 0;
    this.pos = pos;
  }

  tag(): number {
    this.varint();
    const tag = this.lo;
    if (this.hi !== 0 || tag >>> 3 === 0) throw new WireError('invalid field number');
    return tag;
  }

  length(): number {
    this.varint();
    const n = this.lo;
    if (this.hi !== 0 || n > this.end - this.pos) throw new WireError('length past the end of the message');
    return n;
  }

  need(n: number): void {
    if (this.end - this.pos < n) throw new WireError('truncated fixed-width field');
  }

  double(): number {
    this.need(8);
    const v = this.buf.readDoubleLE(this.pos);
    this.pos += 8;
    return v;
  }

  float(): number {
    this.need(4);
    const v = this.buf.readFloatLE(this.pos);
    this.pos += 4;
    return v;
  }

  string(): string {
    const n = this.length();
    const buf = this.buf;
    const start = this.pos;
    const end = start + n;
    this.pos = end;
    // Short ASCII strings (names, keys, small values) are built here: cheaper than a call into
    // the UTF-8 decoder and its validation.
    if (n <= 24) {
      let out = '';
      let i = start;
      for (; i < end; i++) {
        const c = buf[i];
        if (c >= 0x80) break;
        out += String.fromCharCode(c);
      }
      if (i === end) return out;
    }
    if (!isUtf8(buf.subarray(start, end))) throw new WireError('string field is not valid UTF-8');
    return buf.toString('utf8', start, end);
  }

  /** A copy, so the caller (and guest code) never shares memory with the request buffer. */
  bytes(): Uint8Array {
    const n = this.length();
    const out = copyBytes(this.buf, this.pos, n);
    this.pos += n;
    return out;
  }

  skip(wireType: number, depth = 0): void {
    switch (wireType) {
      case VARINT:
        this.varint();
        return;
      case I64:
        this.need(8);
        this.pos += 8;
        return;
      case LEN: {
        const n = this.length(); // before reading this.pos, which length() advances
        this.pos += n;
        return;
      }
      case I32:
        this.need(4);
        this.pos += 4;
        return;
      case SGROUP: {
        if (depth >= MAX_DEPTH) throw new WireError(`groups nested deeper than ${MAX_DEPTH} levels`);
        for (;;) {
          if (this.pos >= this.end) throw new WireError('unterminated group');
          const tag = this.tag();
          if ((tag & 7) === EGROUP) return;
          this.skip(tag & 7, depth + 1);
        }
      }
      case EGROUP:
        throw new WireError('unexpected end-group tag');
      default:
        throw new WireError(`invalid wire type ${wireType}`);
    }
  }

  /** Runs `read` on the length-delimited sub-message at the current position. */
  nested<T>(read: (r: Reader, depth: number) => T, depth: number): T {
    const n = this.length();
    const outer = this.end;
    this.end = this.pos + n;
    const v = read(this, depth);
    this.pos = this.end;
    this.end = outer;
    return v;
  }
}

function wrongWireType(field: number, got: number, want: number): WireError {
  return new WireError(`field ${field} has wire type ${got}, expected ${want}`);
}

/** Scans a wrapper message; returns the offset of the last `value` (field 1) payload, or -1. */
function lastValueField(r: Reader, wireType: number): number {
  let at = -1;
  while (r.pos < r.end) {
    const tag = r.tag();
    if (tag >>> 3 === 1) {
      if ((tag & 7) !== wireType) throw wrongWireType(1, tag & 7, wireType);
      at = r.pos;
    }
    r.skip(tag & 7);
  }
  r.pos = at;
  return at;
}

function int64ToValue(lo: number, hi: number, signed: boolean): number | bigint {
  const n = (signed ? hi | 0 : hi) * 4294967296 + lo;
  // Rounding is monotonic, so an unsafe true value never rounds to a safe double.
  if (Number.isSafeInteger(n)) return n;
  const u = (BigInt(hi) << 32n) | BigInt(lo);
  return signed ? BigInt.asIntN(64, u) : u;
}

export function decodeStringValue(bytes: Uint8Array): string {
  const r = new Reader(bytes);
  return lastValueField(r, LEN) < 0 ? '' : r.string();
}

export function decodeBytesValue(bytes: Uint8Array): Uint8Array {
  const r = new Reader(bytes);
  return lastValueField(r, LEN) < 0 ? new Uint8Array(0) : r.bytes();
}

export function decodeBoolValue(bytes: Uint8Array): boolean {
  const r = new Reader(bytes);
  if (lastValueField(r, VARINT) < 0) return false;
  r.varint();
  return (r.lo | r.hi) !== 0;
}

export function decodeInt32Value(bytes: Uint8Array): number {
  const r = new Reader(bytes);
  if (lastValueField(r, VARINT) < 0) return 0;
  r.varint();
  return r.lo | 0;
}

export function decodeUInt32Value(bytes: Uint8Array): number {
  const r = new Reader(bytes);
  if (lastValueField(r, VARINT) < 0) return 0;
  r.varint();
  return r.lo;
}

export function decodeInt64Value(bytes: Uint8Array): number | bigint {
  const r = new Reader(bytes);
  if (lastValueField(r, VARINT) < 0) return 0;
  r.varint();
  return int64ToValue(r.lo, r.hi, true);
}

export function decodeUInt64Value(bytes: Uint8Array): number | bigint {
  const r = new Reader(bytes);
  if (lastValueField(r, VARINT) < 0) return 0;
  r.varint();
  return int64ToValue(r.lo, r.hi, false);
}

export function decodeFloatValue(bytes: Uint8Array): number {
  const r = new Reader(bytes);
  return lastValueField(r, I32) < 0 ? 0 : r.float();
}

export function decodeDoubleValue(bytes: Uint8Array): number {
  const r = new Reader(bytes);
  return lastValueField(r, I64) < 0 ? 0 : r.double();
}

/** Value fields 1..6: null_value, number_value, string_value, bool_value, struct_value, list_value. */
const VALUE_WIRE_TYPES = [-1, VARINT, I64, LEN, VARINT, LEN, LEN];

function readValue(r: Reader, depth: number): JsonValue {
  if (depth > MAX_DEPTH) throw new WireError(`nested deeper than ${MAX_DEPTH} levels`);
  let out: JsonValue = null; // no kind set: null, as the JSON mapping of an empty Value
  while (r.pos < r.end) {
    const tag = r.tag();
    switch (tag) {
      case 0x08: // null_value
        r.varint();
        out = null;
        break;
      case 0x11: // number_value
        out = r.double();
        break;
      case 0x1a: // string_value
        out = r.string();
        break;
      case 0x20: // bool_value
        r.varint();
        out = (r.lo | r.hi) !== 0;
        break;
      case 0x2a: // struct_value
        out = r.nested(readStruct, depth);
        break;
      case 0x32: // list_value
        out = r.nested(readList, depth);
        break;
      default: {
        const field = tag >>> 3;
        if (field <= 6) throw wrongWireType(field, tag & 7, VALUE_WIRE_TYPES[field]);
        r.skip(tag & 7);
      }
    }
  }
  return out;
}

/** Sets an own property even for '__proto__', as JSON.parse does. */
export function setOwn<T>(obj: Record<string, T>, key: string, value: T): void {
  if (key === '__proto__') Object.defineProperty(obj, key, { value, writable: true, enumerable: true, configurable: true });
  else obj[key] = value;
}

function readStruct(r: Reader, depth: number): { [key: string]: JsonValue } {
  const out: { [key: string]: JsonValue } = {};
  while (r.pos < r.end) {
    const tag = r.tag();
    if (tag === 0x0a) {
      // A map entry: key = 1, value = 2; absent ones are '' and null.
      const n = r.length();
      const outer = r.end;
      r.end = r.pos + n;
      let key = '';
      let value: JsonValue = null;
      while (r.pos < r.end) {
        const t = r.tag();
        if (t === 0x0a) key = r.string();
        else if (t === 0x12) value = r.nested(readValue, depth + 1);
        else if (t >>> 3 <= 2) throw wrongWireType(t >>> 3, t & 7, LEN);
        else r.skip(t & 7);
      }
      r.end = outer;
      setOwn(out, key, value);
    } else if (tag >>> 3 === 1) throw wrongWireType(1, tag & 7, LEN);
    else r.skip(tag & 7);
  }
  return out;
}

function readList(r: Reader, depth: number): JsonValue[] {
  const out: JsonValue[] = [];
  while (r.pos < r.end) {
    const tag = r.tag();
    if (tag === 0x0a) out.push(r.nested(readValue, depth + 1));
    else if (tag >>> 3 === 1) throw wrongWireType(1, tag & 7, LEN);
    else r.skip(tag & 7);
  }
  return out;
}

export function decodeValue(bytes: Uint8Array): JsonValue {
  return readValue(new Reader(bytes), 1);
}

export function decodeStruct(bytes: Uint8Array): { [key: string]: JsonValue } {
  return readStruct(new Reader(bytes), 0);
}

export function decodeListValue(bytes: Uint8Array): JsonValue[] {
  return readList(new Reader(bytes), 0);
}

export * from './wellknown-encode.js';
