/**
 * The cost of the value codec on a warm invoke: the hand-written wire code (src/core/values/wellknown*.ts,
 * behind codec.ts) against the same work done with protobufjs's well-known types, interleaved.
 *
 *   node --import tsx bench/codec.ts
 *
 * "warm" is what the server does per warm invoke of `add`: decode the parameters {a:2,b:3} exactly
 * as bench/scenarios.ts addParams sends them, and encode the result 5 (a number → DoubleValue).
 * "struct" decodes a Struct-heavy parameter (an object of 20 fields: strings, numbers, a nested
 * list and object) and encodes it back as the result (google.protobuf.Value).
 *
 * The protobufjs side does what the codec must do on top of the library: check UTF-8 (protobufjs
 * replaces invalid bytes silently), convert Value/Struct/ListValue to plain values with own
 * properties, and copy bytes. Compare the per-call figures with the server's CPU per warm invoke
 * (~150 µs on the reference machine, bench/README.md): the budget is 5% of it.
 */
import protobuf from 'protobufjs';
import { decodeParameters, encodeAny, encodeResult, TypeUrls } from '../src/core/values/codec.js';
import type { FunctionParameter__Output } from '../src/generated/spearlet/FunctionParameter.js';
import type { EncodedValue } from '../src/core/values/values.js';

const root = protobuf.Root.fromJSON(protobuf.common.get('google/protobuf/struct.proto') as protobuf.INamespace);
root.addJSON((protobuf.common.get('google/protobuf/wrappers.proto') as { nested: Record<string, protobuf.AnyNestedObject> }).nested);
const T = (name: string): protobuf.Type => root.lookupType(`google.protobuf.${name}`);
const Value = T('Value');
const wrappers: Record<string, protobuf.Type> = {};
for (const n of ['DoubleValue', 'FloatValue', 'Int64Value', 'UInt64Value', 'Int32Value', 'UInt32Value', 'BoolValue', 'StringValue', 'BytesValue', 'Struct', 'ListValue']) wrappers[n] = T(n);

const utf8 = new TextDecoder('utf-8', { fatal: true });
const checkUtf8 = (s: string, raw?: Uint8Array): string => (raw ? utf8.decode(raw) : s);

type Plain = null | boolean | number | string | bigint | Uint8Array | Plain[] | { [k: string]: Plain };
interface PbValue { nullValue?: number; numberValue?: number; stringValue?: string; boolValue?: boolean; structValue?: { fields?: Record<string, PbValue> }; listValue?: { values?: PbValue[] }; kind?: string }

function fromValue(v: PbValue, depth: number): Plain {
  if (depth > 100) throw new Error('nesting deeper than 100');
  switch (v.kind) {
    case 'numberValue': return v.numberValue!;
    case 'stringValue': return v.stringValue!;
    case 'boolValue': return v.boolValue!;
    case 'structValue': return fromStruct(v.structValue!, depth + 1);
    case 'listValue': return (v.listValue!.values ?? []).map((x) => fromValue(x, depth + 1));
    default: return null;
  }
}
function fromStruct(s: { fields?: Record<string, PbValue> }, depth: number): { [k: string]: Plain } {
  const out: { [k: string]: Plain } = {};
  for (const [k, x] of Object.entries(s.fields ?? {})) Object.defineProperty(out, k, { value: fromValue(x, depth), enumerable: true, writable: true, configurable: true });
  return out;
}
function toValue(v: unknown, depth: number): PbValue {
  if (depth > 100) throw new Error('nesting deeper than 100');
  if (v === null) return { nullValue: 0 };
  if (typeof v === 'number') return { numberValue: v };
  if (typeof v === 'string') return { stringValue: v };
  if (typeof v === 'boolean') return { boolValue: v };
  if (Array.isArray(v)) return { listValue: { values: v.map((x) => toValue(x, depth + 1)) } };
  const fields: Record<string, PbValue> = {};
  for (const [k, x] of Object.entries(v as object)) fields[k] = toValue(x, depth + 1);
  return { structValue: { fields } };
}

const LONG_OPTS = { longs: String };
function pbDecode(type_url: string, bytes: Uint8Array): Plain {
  const name = type_url.slice(type_url.lastIndexOf('.') + 1);
  const type = wrappers[name] ?? Value;
  const msg = type.decode(bytes);
  if (name === 'Value') return fromValue(msg as PbValue, 0);
  if (name === 'Struct') return fromStruct(msg as { fields?: Record<string, PbValue> }, 0);
  const v = (type.toObject(msg, LONG_OPTS) as { value?: unknown }).value;
  if (name === 'Int64Value' || name === 'UInt64Value') {
    const big = BigInt((v as string | undefined) ?? 0);
    return big <= BigInt(Number.MAX_SAFE_INTEGER) && big >= -BigInt(Number.MAX_SAFE_INTEGER) ? Number(big) : big;
  }
  if (name === 'StringValue') return checkUtf8((v as string) ?? '', bytes.subarray(bytes.length - Buffer.byteLength((v as string) ?? '')));
  if (name === 'BytesValue') return new Uint8Array((v as Uint8Array) ?? []);
  return (v as Plain) ?? null;
}
function pbDecodeParameters(params: readonly FunctionParameter__Output[]): Record<string, Plain> {
  const out: Record<string, Plain> = {};
  for (const p of params) Object.defineProperty(out, p.name, { value: pbDecode(p.value!.type_url, p.value!.value), enumerable: true, writable: true, configurable: true });
  return out;
}
function pbEncodeResult(value: EncodedValue): { type_url: string; value: Buffer } | null {
  switch (value.kind) {
    case 'none': return null;
    case 'number': return { type_url: TypeUrls.DoubleValue, value: Buffer.from(wrappers.DoubleValue!.encode({ value: value.value }).finish()) };
    case 'json': return { type_url: TypeUrls.Value, value: Buffer.from(Value.encode(toValue(JSON.parse(value.value), 0)).finish()) };
    default: throw new Error(`not benchmarked: ${value.kind}`);
  }
}

const asParam = (name: string, v: unknown): FunctionParameter__Output => {
  const any = encodeAny(v);
  return { name, type: '', required: false, description: '', value: { type_url: any.type_url, value: Buffer.from(any.value) } } as FunctionParameter__Output;
};
const warmParams = [asParam('a', 2), asParam('b', 3)];
const warmResult: EncodedValue = { kind: 'number', value: 5 };
const doc: Record<string, unknown> = {};
for (let i = 0; i < 20; i++) doc[`field${i}`] = i % 4 === 0 ? `text value ${i} ünïcode` : i % 4 === 1 ? i * 1.5 : i % 4 === 2 ? [1, 'two', true, null] : { inner: i, name: `n${i}`, flag: false };
const structParams = [asParam('doc', doc)];
const structResult: EncodedValue = { kind: 'json', value: JSON.stringify(doc) };

// The two sides must agree before their costs are compared.
const same = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b);
if (!same(decodeParameters(warmParams).byName, pbDecodeParameters(warmParams))) throw new Error('warm decode differs');
if (!same(decodeParameters(structParams).byName, pbDecodeParameters(structParams))) throw new Error('struct decode differs');
if (!Buffer.from(encodeResult(warmResult)!.value).equals(pbEncodeResult(warmResult)!.value)) throw new Error('warm encode differs');

function timeIt(fn: () => void, n: number): number {
  const start = process.hrtime.bigint();
  for (let i = 0; i < n; i++) fn();
  return Number(process.hrtime.bigint() - start) / n / 1000;
}
const cases = {
  'warm (old)': () => { decodeParameters(warmParams); encodeResult(warmResult); },
  'warm (protobufjs)': () => { pbDecodeParameters(warmParams); pbEncodeResult(warmResult); },
  'struct (old)': () => { decodeParameters(structParams); encodeResult(structResult); },
  'struct (protobufjs)': () => { pbDecodeParameters(structParams); pbEncodeResult(structResult); },
};
const N = Number(process.env.CODEC_N ?? 20_000);
const ROUNDS = Number(process.env.CODEC_ROUNDS ?? 7);
const samples: Record<string, number[]> = Object.fromEntries(Object.keys(cases).map((k) => [k, []]));
for (const fn of Object.values(cases)) timeIt(fn, N); // warm-up: JIT both sides
for (let r = 0; r < ROUNDS; r++) for (const [name, fn] of Object.entries(cases)) samples[name]!.push(timeIt(fn, name.startsWith('struct') ? N / 10 : N));
const SERVER_CPU_US = 150;
console.log(`per call, median of ${ROUNDS} interleaved rounds; budget 5% of ${SERVER_CPU_US} µs = ${(SERVER_CPU_US * 0.05).toFixed(1)} µs`);
for (const [name, xs] of Object.entries(samples)) {
  const med = xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  console.log(`${name.padEnd(22)} ${med.toFixed(2).padStart(8)} µs  (${((med / SERVER_CPU_US) * 100).toFixed(2)}% of a warm invoke)`);
}
