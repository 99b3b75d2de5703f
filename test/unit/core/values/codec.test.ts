import { describe, expect, it } from 'vitest';
import protobuf from 'protobufjs';
import {
  ResultNotSerializableError,
  TypeUrls,
  decodeAny,
  decodeParameters,
  encodeAny,
  encodeResult,
  type AnyMessage,
} from '../../../../src/core/values/codec.js';
import { ErrorCodes, SpearletError } from '../../../../src/errors.js';
import type { FunctionParameter__Output } from '../../../../src/generated/spearlet/FunctionParameter.js';

// protobufjs (under @grpc/proto-loader) is the reference encoder/decoder for wire compatibility.
const root = protobuf.Root.fromJSON(protobuf.common.get('google/protobuf/wrappers.proto')!);
root.addJSON((protobuf.common.get('google/protobuf/struct.proto') as { nested: Record<string, protobuf.AnyNestedObject> }).nested);
const pbType = (name: string) => root.lookupType(`google.protobuf.${name}`);

function param(name: string, value: AnyMessage | null, required = false): FunctionParameter__Output {
  return { name, type: '', value, required, description: '' };
}

function raw(name: keyof typeof TypeUrls, bytes: number[]): AnyMessage {
  return { type_url: TypeUrls[name], value: Buffer.from(bytes) };
}

function thrown(fn: () => unknown): SpearletError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(SpearletError);
    return err as SpearletError;
  }
  throw new Error('expected a throw');
}

const roundTrip = (value: unknown, hint?: string) => decodeAny(encodeAny(value, hint));

describe('encodeAny → decodeAny round trips', () => {
  it.each([
    ['string', 'hello', 'StringValue'],
    ['empty string', '', 'StringValue'],
    ['unicode string', 'ü€😀 and a \uFEFF BOM', 'StringValue'],
    ['true', true, 'BoolValue'],
    ['false', false, 'BoolValue'],
    ['number', 1.25, 'DoubleValue'],
    ['zero', 0, 'DoubleValue'],
    ['negative', -1e300, 'DoubleValue'],
  ] as const)('%s with its natural type', (_label, value, type) => {
    const any = encodeAny(value);
    expect(any.type_url).toBe(TypeUrls[type]);
    expect(decodeAny(any)).toBe(value);
  });

  it('keeps -0, NaN and infinities as doubles', () => {
    expect(Object.is(roundTrip(-0), -0)).toBe(true);
    expect(roundTrip(Number.NaN)).toBeNaN();
    expect(roundTrip(Number.POSITIVE_INFINITY)).toBe(Number.POSITIVE_INFINITY);
  });

  it('bytes come back as a plain Uint8Array copy', () => {
    const input = Buffer.from([0, 1, 2, 255]);
    const any = encodeAny(input);
    expect(any.type_url).toBe(TypeUrls.BytesValue);
    const out = decodeAny(any) as Uint8Array;
    expect(out.constructor).toBe(Uint8Array);
    expect(Array.from(out)).toEqual([0, 1, 2, 255]);
    out[0] = 9;
    expect(any.value[2]).toBe(0); // not a view of the message buffer
    expect(Array.from(roundTrip(new Uint8Array(0)) as Uint8Array)).toEqual([]);
    expect(Array.from(roundTrip(new Uint8Array([7, 8]).buffer) as Uint8Array)).toEqual([7, 8]);
  });

  it.each([
    ['int32', 0],
    ['int32', -1],
    ['int32', 2147483647],
    ['int32', -2147483648],
    ['uint32', 4294967295],
    ['int64', 0],
    ['int64', -1],
    ['int64', Number.MAX_SAFE_INTEGER],
    ['int64', Number.MIN_SAFE_INTEGER],
    ['uint64', Number.MAX_SAFE_INTEGER],
    ['float', 1.5],
    ['float', -0.25],
    ['double', 0.1],
  ] as const)('%s %s', (hint, value) => {
    expect(roundTrip(value, hint)).toBe(value);
  });

  it('float rounds to single precision', () => {
    expect(roundTrip(0.1, 'float')).toBe(Math.fround(0.1));
  });

  it('int64 and uint64 are numbers when safe, else BigInt', () => {
    expect(roundTrip(9007199254740993n, 'int64')).toBe(9007199254740993n);
    expect(roundTrip(-9007199254740993n, 'int64')).toBe(-9007199254740993n);
    expect(roundTrip(-(2n ** 63n), 'int64')).toBe(-(2n ** 63n));
    expect(roundTrip(2n ** 63n - 1n, 'int64')).toBe(2n ** 63n - 1n);
    expect(roundTrip(2n ** 64n - 1n, 'uint64')).toBe(2n ** 64n - 1n);
    expect(roundTrip(2n ** 53n, 'uint64')).toBe(2n ** 53n);
    expect(roundTrip('-12345678901234567', 'int64')).toBe(-12345678901234567n);
    expect(roundTrip(5n)).toBe(5);
    expect(encodeAny(5n).type_url).toBe(TypeUrls.Int64Value);
    expect(encodeAny(2n ** 64n - 1n).type_url).toBe(TypeUrls.UInt64Value);
  });

  it('nested Struct, ListValue and Value with null, bool, number and string', () => {
    const value = { a: [1, 'two', null, true, { b: { c: [] } }], d: {}, e: -0.5, f: 'ü', g: false, h: null };
    expect(roundTrip(value)).toEqual(value);
    expect(encodeAny(value).type_url).toBe(TypeUrls.Value);
    expect(roundTrip(value, 'struct')).toEqual(value);
    expect(encodeAny(value, 'struct').type_url).toBe(TypeUrls.Struct);
    expect(roundTrip([1, [2, [3]], { x: null }], 'list')).toEqual([1, [2, [3]], { x: null }]);
    expect(encodeAny([], 'list').type_url).toBe(TypeUrls.ListValue);
    expect(roundTrip(null)).toBeNull();
    expect(roundTrip('text', 'json')).toBe('text');
    expect(roundTrip(3, 'json')).toBe(3);
  });

  it('drops undefined properties and turns undefined list items into null, as JSON does', () => {
    expect(roundTrip({ a: undefined, b: [undefined, 1] })).toEqual({ b: [null, 1] });
  });

  it("keeps a '__proto__' key as an own property", () => {
    const value = JSON.parse('{"__proto__": {"x": 1}, "y": 2}');
    const out = roundTrip(value) as Record<string, unknown>;
    expect(Object.getPrototypeOf(out)).toBe(Object.prototype);
    expect(Object.keys(out)).toEqual(['__proto__', 'y']);
    expect(out['__proto__']).toEqual({ x: 1 });
  });

  it('accepts hints by wrapper name and type_url, and string forms of numbers and booleans', () => {
    expect(encodeAny(1, 'google.protobuf.Int32Value').type_url).toBe(TypeUrls.Int32Value);
    expect(encodeAny(1, TypeUrls.UInt64Value).type_url).toBe(TypeUrls.UInt64Value);
    expect(encodeAny(1, 'Int64Value').type_url).toBe(TypeUrls.Int64Value);
    expect(roundTrip('42', 'int32')).toBe(42);
    expect(roundTrip('2.5', 'double')).toBe(2.5);
    expect(roundTrip('true', 'bool')).toBe(true);
    expect(Buffer.from(roundTrip('hi', 'bytes') as Uint8Array).toString()).toBe('hi');
  });

  it('re-encodes a passed-through unknown Any as itself', () => {
    const unknown = { type_url: 'type.googleapis.com/acme.Thing', value: Buffer.from([1, 2, 3]) };
    const decoded = decodeAny(unknown);
    expect(decoded).toEqual({ typeUrl: 'type.googleapis.com/acme.Thing', value: new Uint8Array([1, 2, 3]) });
    expect(encodeAny(decoded)).toEqual(unknown);
  });

  it('refuses values that do not fit the hint, naming the field', () => {
    const cases: [unknown, string][] = [
      [2147483648, 'int32'],
      [-1, 'uint32'],
      [1.5, 'int64'],
      ['abc', 'int64'],
      [2n ** 63n, 'int64'],
      [-1n, 'uint64'],
      [1, 'string'],
      ['yes', 'bool'],
      ['x', 'double'],
      [1e300, 'float'],
      [[1], 'struct'],
      [{}, 'list'],
      [new Date(0), 'json'],
      [{ f: () => 1 }, 'json'],
    ];
    for (const [value, hint] of cases) {
      const err = thrown(() => encodeAny(value, hint));
      expect(err.code).toBe(ErrorCodes.INVALID_ARGUMENT);
      expect(err.field).toBe('value');
      expect(err.message).toMatch(/^value: cannot encode as google\.protobuf\./);
    }
    expect(thrown(() => encodeAny(undefined)).field).toBe('value');
    const hint = thrown(() => encodeAny(1, 'int128'));
    expect(hint.field).toBe('type');
    expect(hint.message).toContain("unknown type 'int128'");
  });

  it('refuses cycles and nesting deeper than 100 levels', () => {
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(thrown(() => encodeAny(cyclic)).message).toContain('nested deeper than 100 levels');
    let deep: unknown = 1;
    for (let i = 0; i < 99; i++) deep = [deep];
    expect(roundTrip(deep)).toEqual(deep); // 100 Values
    expect(() => encodeAny([deep])).toThrow(/nested deeper than 100 levels/);
  });
});

describe('wire compatibility with protobufjs', () => {
  it.each([
    ['StringValue', { value: 'héllo' }, 'héllo'],
    ['BytesValue', { value: new Uint8Array([1, 2]) }, new Uint8Array([1, 2])],
    ['BoolValue', { value: true }, true],
    ['Int32Value', { value: -5 }, -5],
    ['UInt32Value', { value: 4000000000 }, 4000000000],
    ['Int64Value', { value: '-9007199254740993' }, -9007199254740993n],
    ['UInt64Value', { value: '18446744073709551615' }, 2n ** 64n - 1n],
    ['FloatValue', { value: 0.5 }, 0.5],
    ['DoubleValue', { value: 1e-300 }, 1e-300],
  ] as const)('decodes %s encoded by protobufjs', (name, message, expected) => {
    const T = pbType(name);
    const bytes = Buffer.from(T.encode(T.fromObject(message)).finish());
    expect(decodeAny({ type_url: TypeUrls[name], value: bytes })).toEqual(expected);
  });

  it('decodes a Struct encoded by protobufjs, and protobufjs reads ours back', () => {
    const Struct = pbType('Struct');
    const fields = {
      s: { stringValue: 'x' },
      n: { numberValue: 2 },
      b: { boolValue: false },
      z: { nullValue: 0 },
      l: { listValue: { values: [{ numberValue: 1 }, { structValue: { fields: {} } }] } },
    };
    const bytes = Buffer.from(Struct.encode(Struct.fromObject({ fields })).finish());
    const expected = { s: 'x', n: 2, b: false, z: null, l: [1, {}] };
    expect(decodeAny({ type_url: TypeUrls.Struct, value: bytes })).toEqual(expected);
    const ours = encodeAny(expected, 'struct').value;
    const back = Struct.toObject(Struct.decode(ours), { defaults: true }) as { fields: Record<string, unknown> };
    expect(decodeAny({ type_url: TypeUrls.Struct, value: Buffer.from(Struct.encode(Struct.fromObject(back)).finish()) })).toEqual(expected);
    expect(Object.keys(back.fields)).toEqual(['s', 'n', 'b', 'z', 'l']);
  });

  it('encodes wrappers byte for byte as protobufjs does (non-default values)', () => {
    const Int64 = pbType('Int64Value');
    for (const n of ['-1', '1', '300', '-9223372036854775808', '9223372036854775807']) {
      const theirs = Buffer.from(Int64.encode(Int64.fromObject({ value: n })).finish());
      expect(encodeAny(n, 'int64').value.equals(theirs)).toBe(true);
    }
    const Int32 = pbType('Int32Value');
    expect(encodeAny(-2, 'int32').value.equals(Buffer.from(Int32.encode({ value: -2 }).finish()))).toBe(true);
  });
});

describe('decodeParameters', () => {
  it('maps names to values and keeps the request order', () => {
    const { byName, list } = decodeParameters([
      param('s', encodeAny('a')),
      param('n', encodeAny(7, 'int32')),
      param('unset', null),
      param('j', encodeAny({ k: [1] })),
    ]);
    expect(byName).toEqual({ s: 'a', n: 7, unset: null, j: { k: [1] } });
    expect(list).toEqual(['a', 7, null, { k: [1] }]);
  });

  it('decodes default (empty) wrapper messages to the default values', () => {
    const names = ['StringValue', 'BytesValue', 'BoolValue', 'Int32Value', 'Int64Value', 'DoubleValue', 'Value', 'Struct', 'ListValue'] as const;
    const { list } = decodeParameters(names.map((n) => param(n, raw(n, []))));
    expect(list).toEqual(['', new Uint8Array(0), false, 0, 0, 0, null, {}, []]);
  });

  it('skips unknown fields and takes the last of a repeated scalar field', () => {
    // field 2 varint, field 1 = 1, field 3 length-delimited, field 1 = 5
    const bytes = [0x10, 0x01, 0x08, 0x01, 0x1a, 0x02, 0xff, 0xff, 0x08, 0x05];
    expect(decodeParameters([param('x', raw('Int32Value', bytes))]).list).toEqual([5]);
  });

  it('a required parameter with no value is INVALID_ARGUMENT', () => {
    const err = thrown(() => decodeParameters([param('a', encodeAny(1)), param('b', null, true)]));
    expect(err.code).toBe(ErrorCodes.INVALID_ARGUMENT);
    expect(err.field).toBe('parameters[1].value');
    expect(err.message).toBe("parameters[1].value: parameter 'b' is required");
  });

  it('refuses empty and duplicate names', () => {
    const empty = thrown(() => decodeParameters([param('', encodeAny(1))]));
    expect(empty.field).toBe('parameters[0].name');
    expect(empty.message).toBe('parameters[0].name: is required');
    const dup = thrown(() => decodeParameters([param('a', null), param('a', encodeAny(1))]));
    expect(dup.code).toBe(ErrorCodes.INVALID_ARGUMENT);
    expect(dup.field).toBe('parameters[1].name');
    expect(dup.message).toContain("duplicate parameter name 'a'");
  });

  it("takes '__proto__' as an ordinary name", () => {
    const { byName } = decodeParameters([param('__proto__', encodeAny('x'))]);
    expect(Object.getPrototypeOf(byName)).toBe(Object.prototype);
    expect(Object.getOwnPropertyDescriptor(byName, '__proto__')?.value).toBe('x');
  });

  it.each([
    ['Int32Value', [0x08, 0x80], 'truncated'],
    ['Int32Value', [0x0a, 0x01, 0x01], 'illegal tag: field no 0'],
    ['Int64Value', [0x08, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01], 'invalid varint'],
    ['StringValue', [0x0a, 0x05, 0x61], 'truncated: a field runs past the end of the message'],
    ['StringValue', [0x0a, 0x02, 0xc3, 0x28], 'not valid UTF-8'],
    ['Struct', [0x0a, 0x04, 0x0a, 0x02, 0xc3, 0x28], 'not valid UTF-8'],
    ['DoubleValue', [0x09, 0x00, 0x00], 'truncated'],
    ['FloatValue', [0x0d, 0x00], 'truncated'],
    ['BoolValue', [0x00], 'illegal tag: field no 0'],
    ['BytesValue', [0x14], 'cant skip wire type 4'],
    ['BytesValue', [0x13, 0x08, 0x01], 'truncated'],
    ['Value', [0x2a, 0x02, 0x0a, 0x05], 'truncated'],
    ['Value', [0x12, 0x00], 'truncated'],
    ['Struct', [0x0a, 0x02, 0x12, 0x07], 'truncated'],
    ['ListValue', [0x17], 'illegal tag: field no 2 wire type 7'],
    ['ListValue', [0x0f], 'illegal tag: field no 1 wire type 7'],
  ] as const)('malformed %s %j → INVALID_ARGUMENT', (name, bytes, detail) => {
    const err = thrown(() => decodeParameters([param('ok', encodeAny(1)), param('bad', raw(name, [...bytes]))]));
    expect(err.code).toBe(ErrorCodes.INVALID_ARGUMENT);
    expect(err.field).toBe('parameters[1].value');
    expect(err.message).toContain(`parameters[1].value: cannot decode google.protobuf.${name}: `);
    expect(err.message).toContain(detail);
  });

  it('refuses Values nested deeper than 100 levels', () => {
    const varint = (n: number): number[] => (n < 0x80 ? [n] : [(n & 0x7f) | 0x80, ...varint(n >>> 7)]);
    const nest = (levels: number) => {
      let value = Buffer.from([0x11, 0, 0, 0, 0, 0, 0, 0xf0, 0x3f]); // number_value 1
      for (let i = 0; i < levels; i++) {
        const list = Buffer.concat([Buffer.from([0x0a, ...varint(value.length)]), value]); // ListValue.values
        value = Buffer.concat([Buffer.from([0x32, ...varint(list.length)]), list]); // Value.list_value
      }
      return { type_url: TypeUrls.Value, value };
    };
    expect(JSON.stringify(decodeAny(nest(99)))).toBe('['.repeat(99) + '1' + ']'.repeat(99));
    const err = thrown(() => decodeAny(nest(100), 'result'));
    expect(err.field).toBe('result');
    expect(err.message).toContain('nested deeper than 100 levels');
    expect(thrown(() => decodeAny(nest(5000))).message).toContain('nested deeper than 100 levels');
  });

  it('refuses unknown groups nested without end (the stack stays bounded)', () => {
    const groups = Buffer.concat([Buffer.alloc(5000, 0x13), Buffer.alloc(5000, 0x14)]); // field 2 start/end group
    const err = thrown(() => decodeParameters([param('x', { type_url: TypeUrls.BytesValue, value: groups })]));
    expect(err.field).toBe('parameters[0].value');
    expect(err.message).toBe('parameters[0].value: cannot decode google.protobuf.BytesValue: nested deeper than 100 levels');
  });

  it('passes unknown type_urls through as { typeUrl, value }', () => {
    const value = Buffer.from([1, 2, 3]);
    const { list } = decodeParameters([param('x', { type_url: 'type.googleapis.com/acme.Point', value })]);
    expect(list[0]).toEqual({ typeUrl: 'type.googleapis.com/acme.Point', value: new Uint8Array([1, 2, 3]) });
    expect((list[0] as { value: Uint8Array }).value.constructor).toBe(Uint8Array);
  });

  it('recognises well-known types under any type_url prefix, and refuses an empty type_url', () => {
    const { list } = decodeParameters([param('x', { type_url: 'example.com/google.protobuf.BoolValue', value: Buffer.from([0x08, 1]) })]);
    expect(list).toEqual([true]);
    const err = thrown(() => decodeParameters([param('x', { type_url: '', value: Buffer.alloc(0) })]));
    expect(err.field).toBe('parameters[0].value');
  });
});

describe('encodeResult', () => {
  it('encodes every EncodedValue kind', () => {
    expect(encodeResult({ kind: 'none' })).toBeNull();
    const s = encodeResult({ kind: 'string', value: 'out' })!;
    expect(s.type_url).toBe(TypeUrls.StringValue);
    expect(decodeAny(s)).toBe('out');
    const b = encodeResult({ kind: 'bytes', value: new Uint8Array([5, 6]) })!;
    expect(b.type_url).toBe(TypeUrls.BytesValue);
    expect(decodeAny(b)).toEqual(new Uint8Array([5, 6]));
    const n = encodeResult({ kind: 'number', value: 2.5 })!;
    expect(n.type_url).toBe(TypeUrls.DoubleValue);
    expect(decodeAny(n)).toBe(2.5);
    const i = encodeResult({ kind: 'bigint', value: -(2n ** 62n) })!;
    expect(i.type_url).toBe(TypeUrls.Int64Value);
    expect(decodeAny(i)).toBe(-(2n ** 62n));
    expect(decodeAny(encodeResult({ kind: 'bigint', value: 3n }))).toBe(3);
    const json = { a: [1, null, 'x', true], b: { c: -1 } };
    const j = encodeResult({ kind: 'json', value: JSON.stringify(json) })!;
    expect(j.type_url).toBe(TypeUrls.Value);
    expect(decodeAny(j)).toEqual(json);
    for (const scalar of [null, 0, 'str', false]) {
      expect(decodeAny(encodeResult({ kind: 'json', value: JSON.stringify(scalar) }))).toEqual(scalar);
    }
  });

  it('returns Buffers, as grpc-js expects', () => {
    expect(Buffer.isBuffer(encodeResult({ kind: 'string', value: '' })!.value)).toBe(true);
    expect(Buffer.isBuffer(encodeResult({ kind: 'json', value: '{}' })!.value)).toBe(true);
  });

  it('a JSON value nested too deeply is ResultNotSerializableError', () => {
    const deep = '['.repeat(150) + ']'.repeat(150);
    expect(() => encodeResult({ kind: 'json', value: deep })).toThrow(ResultNotSerializableError);
  });

  it('invalid JSON text from the sandbox is INTERNAL', () => {
    const err = thrown(() => encodeResult({ kind: 'json', value: '{' }));
    expect(err.code).toBe(ErrorCodes.INTERNAL);
  });
});
