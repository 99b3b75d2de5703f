/**
 * Encoders of the protobuf well-known types (wrappers.proto, struct.proto), written by hand for
 * the same reason as the decoders in wellknown.ts: results are encoded on every invocation.
 */
import { MAX_DEPTH, WireError } from './wire-error.js';
function varintSize(n: number): number {
  return n < 0x80 ? 1 : n < 0x4000 ? 2 : n < 0x200000 ? 3 : n < 0x10000000 ? 4 : 5;
}

/** Writes into a buffer of the exact size computed beforehand. */
class Writer {
  readonly buf: Buffer;
  pos = 0;

  constructor(size: number) {
    this.buf = Buffer.allocUnsafe(size);
  }

  byte(b: number): void {
    this.buf[this.pos++] = b;
  }

  /** An unsigned 32-bit varint. */
  varint(n: number): void {
    while (n > 0x7f) {
      this.buf[this.pos++] = (n & 0x7f) | 0x80;
      n >>>= 7;
    }
    this.buf[this.pos++] = n;
  }

  varint64(lo: number, hi: number): void {
    while (hi !== 0 || lo > 0x7f) {
      this.buf[this.pos++] = (lo & 0x7f) | 0x80;
      lo = ((lo >>> 7) | (hi << 25)) >>> 0;
      hi >>>= 7;
    }
    this.buf[this.pos++] = lo;
  }

  string(s: string, byteLength: number): void {
    this.pos += this.buf.write(s, this.pos, byteLength, 'utf8');
  }

  done(): Buffer {
    // Every byte of the unsafe allocation must have been written.
    if (this.pos !== this.buf.length) throw new Error(`encoder wrote ${this.pos} of ${this.buf.length} bytes`);
    return this.buf;
  }
}

const EMPTY = Buffer.alloc(0);

function lengthDelimited(bytes: Uint8Array | string): Buffer {
  const n = typeof bytes === 'string' ? Buffer.byteLength(bytes) : bytes.length;
  if (n === 0) return EMPTY; // proto3 leaves default values out
  const w = new Writer(1 + varintSize(n) + n);
  w.byte(0x0a);
  w.varint(n);
  if (typeof bytes === 'string') w.string(bytes, n);
  else {
    w.buf.set(bytes, w.pos);
    w.pos += n;
  }
  return w.done();
}

function varintField(lo: number, hi: number): Buffer {
  if ((lo | hi) === 0) return EMPTY;
  const size = hi === 0 ? varintSize(lo) : Math.ceil((64 - Math.clz32(hi)) / 7);
  const w = new Writer(1 + size);
  w.byte(0x08);
  w.varint64(lo, hi);
  return w.done();
}

export function encodeStringValue(s: string): Buffer {
  return lengthDelimited(s);
}

export function encodeBytesValue(b: Uint8Array): Buffer {
  return lengthDelimited(b);
}

export function encodeBoolValue(b: boolean): Buffer {
  return b ? Buffer.from([0x08, 0x01]) : EMPTY;
}

export function encodeInt32Value(n: number): Buffer {
  if (!Number.isInteger(n) || n < -0x80000000 || n > 0x7fffffff) throw new WireError(`${n} is not a 32-bit signed integer`);
  return varintField(n >>> 0, n < 0 ? 0xffffffff : 0); // negative int32 is sign-extended to 64 bits
}

export function encodeUInt32Value(n: number): Buffer {
  if (!Number.isInteger(n) || n < 0 || n > 0xffffffff) throw new WireError(`${n} is not a 32-bit unsigned integer`);
  return varintField(n, 0);
}

function int64Field(v: bigint, min: bigint, max: bigint, what: string): Buffer {
  if (v < min || v > max) throw new WireError(`${v} is not a ${what}`);
  const u = BigInt.asUintN(64, v);
  return varintField(Number(u & 0xffffffffn), Number(u >> 32n));
}

export function encodeInt64Value(v: bigint): Buffer {
  return int64Field(v, -(1n << 63n), (1n << 63n) - 1n, '64-bit signed integer');
}

export function encodeUInt64Value(v: bigint): Buffer {
  return int64Field(v, 0n, (1n << 64n) - 1n, '64-bit unsigned integer');
}

export function encodeFloatValue(n: number): Buffer {
  if (n === 0 && !Object.is(n, -0)) return EMPTY;
  const w = new Writer(5);
  w.byte(0x0d);
  w.pos = w.buf.writeFloatLE(n, 1);
  return w.done();
}

export function encodeDoubleValue(n: number): Buffer {
  if (n === 0 && !Object.is(n, -0)) return EMPTY;
  const w = new Writer(9);
  w.byte(0x09);
  w.pos = w.buf.writeDoubleLE(n, 1);
  return w.done();
}

// Value, Struct and ListValue are encoded in two passes over the JS value: the first checks it and
// records, in visiting order, every length the second pass must write before the bytes it
// prefixes (message bodies, map entries, strings); the second writes into an exact-size buffer.

function isPlainObject(v: object): v is Record<string, unknown> {
  const proto = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

function describe(v: unknown): string {
  if (typeof v === 'object' && v !== null) return `an object of class ${v.constructor?.name ?? 'unknown'}`;
  return `a value of type ${typeof v}`;
}

function sizeValue(v: unknown, sizes: number[], depth: number): number {
  if (depth > MAX_DEPTH) throw new WireError(`nested deeper than ${MAX_DEPTH} levels`);
  const at = sizes.push(0) - 1;
  let body: number;
  switch (typeof v) {
    case 'number':
      body = 9;
      break;
    case 'boolean':
      body = 2;
      break;
    case 'string': {
      const n = Buffer.byteLength(v);
      sizes.push(n);
      body = 1 + varintSize(n) + n;
      break;
    }
    case 'object': {
      if (v === null) {
        body = 2;
        break;
      }
      let n: number;
      if (Array.isArray(v)) n = sizeList(v, sizes, depth);
      else if (isPlainObject(v)) n = sizeStruct(v, sizes, depth);
      else throw new WireError(`cannot encode ${describe(v)} as google.protobuf.Value`);
      body = 1 + varintSize(n) + n;
      break;
    }
    default:
      throw new WireError(`cannot encode ${describe(v)} as google.protobuf.Value`);
  }
  sizes[at] = body;
  return body;
}

function sizeList(list: readonly unknown[], sizes: number[], depth: number): number {
  const at = sizes.push(0) - 1;
  let n = 0;
  for (let i = 0; i < list.length; i++) {
    const b = sizeValue(list[i] ?? null, sizes, depth + 1); // holes and undefined become null, as in JSON
    n += 1 + varintSize(b) + b;
  }
  sizes[at] = n;
  return n;
}

function sizeStruct(obj: Record<string, unknown>, sizes: number[], depth: number): number {
  const at = sizes.push(0) - 1;
  let n = 0;
  for (const key of Object.keys(obj)) {
    const v = obj[key];
    if (v === undefined) continue; // as in JSON
    const entryAt = sizes.push(0) - 1;
    const k = Buffer.byteLength(key);
    sizes.push(k);
    const b = sizeValue(v, sizes, depth + 1);
    const entry = 1 + varintSize(k) + k + 1 + varintSize(b) + b;
    sizes[entryAt] = entry;
    n += 1 + varintSize(entry) + entry;
  }
  sizes[at] = n;
  return n;
}

class ValueWriter extends Writer {
  private next = 0;

  constructor(
    size: number,
    private readonly sizes: number[],
  ) {
    super(size);
  }

  /** Writes the body of a Value whose length (if any) the caller has written. */
  value(v: unknown): void {
    this.next++; // the body size, used by the caller
    switch (typeof v) {
      case 'number':
        this.byte(0x11);
        this.pos = this.buf.writeDoubleLE(v, this.pos);
        return;
      case 'boolean':
        this.byte(0x20);
        this.byte(v ? 1 : 0);
        return;
      case 'string': {
        const n = this.sizes[this.next++];
        this.byte(0x1a);
        this.varint(n);
        this.string(v, n);
        return;
      }
      default:
        if (v === null) {
          this.byte(0x08);
          this.byte(0);
        } else if (Array.isArray(v)) {
          this.byte(0x32);
          this.varint(this.sizes[this.next]);
          this.list(v);
        } else {
          this.byte(0x2a);
          this.varint(this.sizes[this.next]);
          this.struct(v as Record<string, unknown>);
        }
    }
  }

  list(list: readonly unknown[]): void {
    this.next++;
    for (let i = 0; i < list.length; i++) {
      this.byte(0x0a);
      this.varint(this.sizes[this.next]);
      this.value(list[i] ?? null);
    }
  }

  struct(obj: Record<string, unknown>): void {
    this.next++;
    for (const key of Object.keys(obj)) {
      const v = obj[key];
      if (v === undefined) continue;
      this.byte(0x0a);
      this.varint(this.sizes[this.next++]);
      const k = this.sizes[this.next++];
      this.byte(0x0a);
      this.varint(k);
      this.string(key, k);
      this.byte(0x12);
      this.varint(this.sizes[this.next]);
      this.value(v);
    }
  }
}

/** Encodes a JSON-like value (null, boolean, number, string, arrays, plain objects) as a Value. */
export function encodeValue(v: unknown): Buffer {
  const sizes: number[] = [];
  const w = new ValueWriter(sizeValue(v, sizes, 1), sizes);
  w.value(v);
  return w.done();
}

export function encodeStruct(obj: Record<string, unknown>): Buffer {
  const sizes: number[] = [];
  const w = new ValueWriter(sizeStruct(obj, sizes, 0), sizes);
  w.struct(obj);
  return w.done();
}

export function encodeListValue(list: readonly unknown[]): Buffer {
  const sizes: number[] = [];
  const w = new ValueWriter(sizeList(list, sizes, 0), sizes);
  w.list(list);
  return w.done();
}
