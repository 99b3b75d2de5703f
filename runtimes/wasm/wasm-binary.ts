/**
 * A minimal reader and rewriter of the WebAssembly binary format: just the sections the runtime
 * needs (types, imports, functions, memories, exports) and a rewrite of the memory section's
 * maximum. It runs only on bytes the V8 validator has already accepted, so it checks structure
 * loosely and throws a plain `WasmFormatError` for anything it does not understand.
 */

/** The Wasm value types the runtime can name; anything else is reported as `unknown(0xNN)`. */
const VALUE_TYPES: Record<number, string> = {
  0x7f: 'i32',
  0x7e: 'i64',
  0x7d: 'f32',
  0x7c: 'f64',
  0x7b: 'v128',
  0x70: 'funcref',
  0x6f: 'externref',
};

const EXTERNAL_KINDS = ['function', 'table', 'memory', 'global', 'tag'] as const;
export type ExternalKind = (typeof EXTERNAL_KINDS)[number];

export const PAGE_BYTES = 65536;

export class WasmFormatError extends Error {
  override name = 'WasmFormatError';
}

export interface FuncType {
  params: string[];
  results: string[];
}

export interface MemoryLimits {
  /** Initial size, 64 KiB pages. */
  min: number;
  max: number | undefined;
  shared: boolean;
  memory64: boolean;
}

export interface ImportEntry {
  module: string;
  name: string;
  kind: ExternalKind;
  /** For function imports: index into `types`. */
  typeIndex?: number;
  /** For memory imports. */
  memory?: MemoryLimits;
}

export interface ExportEntry {
  name: string;
  kind: ExternalKind;
  index: number;
}

/** Byte range of one section: [start, end) covers the id byte, the size and the payload. */
interface SectionRange {
  id: number;
  start: number;
  end: number;
}

export interface ModuleLayout {
  types: FuncType[];
  imports: ImportEntry[];
  /** Type index of every function, imported ones first (the function index space). */
  functionTypes: number[];
  /** Memories the module defines (not imported). */
  memories: MemoryLimits[];
  exports: ExportEntry[];
  /** Where the memory section is, if the module has one. */
  memorySection: SectionRange | undefined;
}

class Reader {
  pos: number;
  constructor(
    private readonly bytes: Uint8Array,
    start = 0,
    private readonly end = bytes.length,
  ) {
    this.pos = start;
  }

  get done(): boolean {
    return this.pos >= this.end;
  }

  byte(): number {
    if (this.pos >= this.end) throw new WasmFormatError(`unexpected end of module at byte ${this.pos}`);
    return this.bytes[this.pos++];
  }

  /** Unsigned LEB128 of up to `bits` bits (values over 2^53 lose precision, which is fine here). */
  u32(bits = 32): number {
    let result = 0;
    let shift = 0;
    for (;;) {
      const b = this.byte();
      result += (b & 0x7f) * 2 ** shift;
      if ((b & 0x80) === 0) return result;
      shift += 7;
      if (shift >= bits + 7) throw new WasmFormatError(`LEB128 integer too long at byte ${this.pos}`);
    }
  }

  name(): string {
    const length = this.u32();
    if (this.pos + length > this.end) throw new WasmFormatError(`name runs past the end at byte ${this.pos}`);
    const text = Buffer.from(this.bytes.buffer, this.bytes.byteOffset + this.pos, length).toString('utf8');
    this.pos += length;
    return text;
  }

  valueType(): string {
    const code = this.byte();
    return VALUE_TYPES[code] ?? `unknown(0x${code.toString(16)})`;
  }

  limits(): MemoryLimits {
    const flags = this.byte();
    if (flags > 0x07) throw new WasmFormatError(`unsupported memory limits flags 0x${flags.toString(16)}`);
    const memory64 = (flags & 0x04) !== 0;
    const bits = memory64 ? 64 : 32;
    const min = this.u32(bits);
    const max = flags & 0x01 ? this.u32(bits) : undefined;
    return { min, max, shared: (flags & 0x02) !== 0, memory64 };
  }
}

function vector<T>(r: Reader, item: () => T): T[] {
  const count = r.u32();
  const out: T[] = [];
  for (let i = 0; i < count; i++) out.push(item());
  return out;
}

function readType(r: Reader): FuncType {
  const form = r.byte();
  if (form !== 0x60) throw new WasmFormatError(`unsupported type form 0x${form.toString(16)} (GC types are not supported)`);
  return { params: vector(r, () => r.valueType()), results: vector(r, () => r.valueType()) };
}

function readImport(r: Reader): ImportEntry {
  const module = r.name();
  const name = r.name();
  const kindCode = r.byte();
  const kind = EXTERNAL_KINDS[kindCode];
  if (kind === undefined) throw new WasmFormatError(`unknown import kind ${kindCode}`);
  switch (kind) {
    case 'function':
      return { module, name, kind, typeIndex: r.u32() };
    case 'table':
      r.byte();
      r.limits();
      return { module, name, kind };
    case 'memory':
      return { module, name, kind, memory: r.limits() };
    case 'global':
      r.byte();
      r.byte();
      return { module, name, kind };
    case 'tag':
      r.byte();
      r.u32();
      return { module, name, kind };
  }
}

function readExport(r: Reader): ExportEntry {
  const name = r.name();
  const kindCode = r.byte();
  const kind = EXTERNAL_KINDS[kindCode];
  if (kind === undefined) throw new WasmFormatError(`unknown export kind ${kindCode}`);
  return { name, kind, index: r.u32() };
}

/** Reads the sections of a (validated) module. Throws WasmFormatError on anything unexpected. */
export function parseModule(bytes: Uint8Array): ModuleLayout {
  if (bytes.length < 8 || bytes[0] !== 0x00 || bytes[1] !== 0x61 || bytes[2] !== 0x73 || bytes[3] !== 0x6d) {
    throw new WasmFormatError('not a WebAssembly module (bad magic number)');
  }
  if (bytes[4] !== 1 || bytes[5] !== 0 || bytes[6] !== 0 || bytes[7] !== 0) {
    throw new WasmFormatError('unsupported WebAssembly binary version');
  }
  const layout: ModuleLayout = { types: [], imports: [], functionTypes: [], memories: [], exports: [], memorySection: undefined };
  const r = new Reader(bytes, 8);
  while (!r.done) {
    const start = r.pos;
    const id = r.byte();
    const size = r.u32();
    const end = r.pos + size;
    if (end > bytes.length) throw new WasmFormatError(`section ${id} runs past the end of the module`);
    const s = new Reader(bytes, r.pos, end);
    switch (id) {
      case 1:
        layout.types = vector(s, () => readType(s));
        break;
      case 2:
        layout.imports = vector(s, () => readImport(s));
        for (const imp of layout.imports) if (imp.kind === 'function') layout.functionTypes.push(imp.typeIndex!);
        break;
      case 3:
        layout.functionTypes.push(...vector(s, () => s.u32()));
        break;
      case 5:
        layout.memories = vector(s, () => s.limits());
        layout.memorySection = { id, start, end };
        break;
      case 7:
        layout.exports = vector(s, () => readExport(s));
        break;
      default:
        break;
    }
    r.pos = end;
  }
  return layout;
}

function leb(value: number): number[] {
  const out: number[] = [];
  do {
    let b = value % 128;
    value = Math.floor(value / 128);
    if (value !== 0) b |= 0x80;
    out.push(b);
  } while (value !== 0);
  return out;
}

/**
 * Returns a copy of the module whose one defined memory has maximum min(declared maximum,
 * `maxPages`), so `memory.grow` beyond it returns -1. Bytes are returned unchanged when the module
 * defines no memory. Callers have refused memory64 and multiple memories already.
 */
export function withMemoryMaximum(bytes: Uint8Array, layout: ModuleLayout, maxPages: number): Uint8Array {
  const range = layout.memorySection;
  if (!range || layout.memories.length === 0) return bytes;
  if (layout.memories.length !== 1 || layout.memories[0].memory64) {
    throw new WasmFormatError('only one 32-bit memory can be rewritten');
  }
  const mem = layout.memories[0];
  const max = Math.min(mem.max ?? maxPages, maxPages);
  const flags = 0x01 | (mem.shared ? 0x02 : 0);
  const payload = [...leb(1), flags, ...leb(mem.min), ...leb(max)];
  const section = [5, ...leb(payload.length), ...payload];
  const out = new Uint8Array(bytes.length - (range.end - range.start) + section.length);
  out.set(bytes.subarray(0, range.start), 0);
  out.set(section, range.start);
  out.set(bytes.subarray(range.end), range.start + section.length);
  return out;
}
