/**
 * Prelude part: the small web-platform surface a function author expects, written in plain JS so
 * that nothing of the host is involved except `hostRandom` (random bytes): TextEncoder/TextDecoder
 * (UTF-8 only), atob/btoa, structuredClone, crypto.getRandomValues/randomUUID, performance.now,
 * DOMException.
 *
 * JavaScript source spliced into the prelude closure (see prelude.ts). No backticks or dollar-brace.
 */
export const WEB_SOURCE = String.raw`
class DOMException extends Error {
  constructor(message = '', name = 'Error') {
    super(String(message));
    ObjectDefineProperty(this, 'name', { value: String(name), writable: true, configurable: true, enumerable: false });
  }
}

// ---- UTF-8 ----
function utf8Encode(input) {
  const str = String(input);
  const n = str.length;
  const out = new Uint8Array(n * 3);
  let p = 0;
  for (let i = 0; i < n; i++) {
    let c = str.charCodeAt(i);
    if (c < 0x80) { out[p++] = c; continue; }
    if (c < 0x800) { out[p++] = 0xc0 | (c >> 6); out[p++] = 0x80 | (c & 0x3f); continue; }
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < n) {
      const d = str.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        const cp = 0x10000 + ((c - 0xd800) << 10) + (d - 0xdc00);
        out[p++] = 0xf0 | (cp >> 18);
        out[p++] = 0x80 | ((cp >> 12) & 0x3f);
        out[p++] = 0x80 | ((cp >> 6) & 0x3f);
        out[p++] = 0x80 | (cp & 0x3f);
        i++;
        continue;
      }
    }
    if (c >= 0xd800 && c <= 0xdfff) c = 0xfffd;
    out[p++] = 0xe0 | (c >> 12);
    out[p++] = 0x80 | ((c >> 6) & 0x3f);
    out[p++] = 0x80 | (c & 0x3f);
  }
  return out.slice(0, p);
}

function toByteView(input) {
  if (input === undefined) return new Uint8Array(0);
  if (input instanceof ArrayBuffer || input instanceof SharedArrayBuffer) return new Uint8Array(input);
  if (ArrayBuffer.isView(input)) return new Uint8Array(input.buffer, input.byteOffset, input.byteLength);
  throw new TypeError('The "input" argument must be an ArrayBuffer or ArrayBufferView');
}


class TextEncoder {
  get encoding() { return 'utf-8'; }
  encode(input = '') { return utf8Encode(input); }
  encodeInto(input, dest) {
    const str = String(input);
    let read = 0;
    let written = 0;
    for (let i = 0; i < str.length; ) {
      const c = str.charCodeAt(i);
      const width = c >= 0xd800 && c <= 0xdbff && i + 1 < str.length ? 2 : 1;
      const bytes = utf8Encode(str.slice(i, i + width));
      if (written + bytes.length > dest.length) break;
      dest.set(bytes, written);
      written += bytes.length;
      read += width;
      i += width;
    }
    return { read, written };
  }
}

class TextDecoder {
  #fatal;
  #ignoreBOM;
  #pending = null;
  #started = false;
  constructor(label = 'utf-8', options = undefined) {
    const name = String(label).trim().toLowerCase();
    if (name !== 'utf-8' && name !== 'utf8' && name !== 'unicode-1-1-utf-8') {
      throw new RangeError('The "' + String(label) + '" encoding is not supported');
    }
    this.#fatal = Boolean(options && options.fatal);
    this.#ignoreBOM = Boolean(options && options.ignoreBOM);
  }
  get encoding() { return 'utf-8'; }
  get fatal() { return this.#fatal; }
  get ignoreBOM() { return this.#ignoreBOM; }
  decode(input = undefined, options = undefined) {
    const stream = Boolean(options && options.stream);
    let bytes = toByteView(input);
    if (this.#pending !== null) {
      const joined = new Uint8Array(this.#pending.length + bytes.length);
      joined.set(this.#pending, 0);
      joined.set(bytes, this.#pending.length);
      bytes = joined;
      this.#pending = null;
    }
    // Code units are turned into text 8 K at a time, so decoding megabytes stays cheap in memory.
    let units = [];
    let out = '';
    const flush = () => { out += ReflectApply(StringFromCharCode, null, units); units = []; };
    const fatal = this.#fatal;
    const bad = () => {
      if (fatal) throw new TypeError('The encoded data was not valid for encoding utf-8');
      units.push(0xfffd);
    };
    let cp = 0, need = 0, seen = 0, lower = 0x80, upper = 0xbf, start = 0;
    for (let i = 0; i < bytes.length; i++) {
      if (units.length >= 8192) flush();
      const b = bytes[i];
      if (need === 0) {
        start = i;
        if (b <= 0x7f) units.push(b);
        else if (b >= 0xc2 && b <= 0xdf) { need = 1; cp = b & 0x1f; }
        else if (b >= 0xe0 && b <= 0xef) { if (b === 0xe0) lower = 0xa0; if (b === 0xed) upper = 0x9f; need = 2; cp = b & 0x0f; }
        else if (b >= 0xf0 && b <= 0xf4) { if (b === 0xf0) lower = 0x90; if (b === 0xf4) upper = 0x8f; need = 3; cp = b & 0x07; }
        else bad();
        continue;
      }
      if (b < lower || b > upper) {
        cp = need = seen = 0; lower = 0x80; upper = 0xbf;
        bad();
        i--;
        continue;
      }
      lower = 0x80; upper = 0xbf;
      cp = (cp << 6) | (b & 0x3f);
      if (++seen === need) {
        if (cp > 0xffff) { cp -= 0x10000; units.push(0xd800 + (cp >> 10), 0xdc00 + (cp & 0x3ff)); }
        else units.push(cp);
        cp = need = seen = 0;
      }
    }
    if (need !== 0) {
      if (stream) this.#pending = bytes.slice(start);
      else bad();
    }
    flush();
    const produced = out.length > 0;
    if (!this.#started && !this.#ignoreBOM && out.charCodeAt(0) === 0xfeff) out = out.slice(1);
    if (produced) this.#started = true;
    if (!stream) { this.#started = false; this.#pending = null; }
    return out;
  }
}

// ---- base64 ----
const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

function btoa(data) {
  if (arguments.length === 0) throw new TypeError('btoa requires 1 argument');
  const s = String(data);
  let out = '';
  for (let i = 0; i < s.length; i += 3) {
    const a = s.charCodeAt(i), b = s.charCodeAt(i + 1), c = s.charCodeAt(i + 2);
    if (a > 255 || b > 255 || c > 255) throw new DOMException('Invalid character', 'InvalidCharacterError');
    const n = (a << 16) | ((b || 0) << 8) | (c || 0);
    out += B64[n >> 18] + B64[(n >> 12) & 63] + (i + 1 < s.length ? B64[(n >> 6) & 63] : '=') + (i + 2 < s.length ? B64[n & 63] : '=');
  }
  return out;
}

function atob(data) {
  if (arguments.length === 0) throw new TypeError('atob requires 1 argument');
  let s = String(data).replace(/[\t\n\f\r ]/g, '');
  if (s.length % 4 === 0) s = s.replace(/==?$/, '');
  if (s.length % 4 === 1 || /[^A-Za-z0-9+/]/.test(s)) {
    throw new DOMException('The string to be decoded is not correctly encoded.', 'InvalidCharacterError');
  }
  let out = '';
  let bits = 0, acc = 0;
  for (let i = 0; i < s.length; i++) {
    acc = (acc << 6) | B64.indexOf(s[i]);
    bits += 6;
    if (bits >= 8) { bits -= 8; out += StringFromCharCode((acc >> bits) & 0xff); }
  }
  return out;
}

// ---- structuredClone (the common types; host objects do not exist in here) ----
function cloneInto(value, memo) {
  if (value === null || (typeof value !== 'object' && typeof value !== 'function')) {
    if (typeof value === 'symbol') throw new DOMException('Symbol could not be cloned.', 'DataCloneError');
    return value;
  }
  if (typeof value === 'function') throw new DOMException('function could not be cloned.', 'DataCloneError');
  const known = memo.get(value);
  if (known !== undefined) return known;
  let copy;
  if (ArrayIsArray(value)) {
    copy = new Array(value.length);
    memo.set(value, copy);
    for (const key of ObjectKeys(value)) copy[key] = cloneInto(value[key], memo);
    return copy;
  }
  if (value instanceof Date) copy = new Date(value.getTime());
  else if (value instanceof RegExp) copy = new RegExp(value.source, value.flags);
  else if (value instanceof ArrayBuffer) copy = value.slice(0);
  else if (ArrayBuffer.isView(value)) {
    const buffer = cloneInto(value.buffer, memo);
    const Ctor = value instanceof DataView ? DataView : ObjectGetPrototypeOf(value).constructor;
    copy = value instanceof DataView ? new DataView(buffer, value.byteOffset, value.byteLength) : new Ctor(buffer, value.byteOffset, value.length);
  } else if (value instanceof Map) {
    copy = new Map();
    memo.set(value, copy);
    for (const [k, v] of value) copy.set(cloneInto(k, memo), cloneInto(v, memo));
    return copy;
  } else if (value instanceof Set) {
    copy = new Set();
    memo.set(value, copy);
    for (const v of value) copy.add(cloneInto(v, memo));
    return copy;
  } else if (value instanceof Error) {
    const Ctor = { EvalError, RangeError, ReferenceError, SyntaxError, TypeError, URIError }[value.name] || Error;
    copy = new Ctor(value.message);
    if (typeof value.stack === 'string') copy.stack = value.stack;
  } else if (value instanceof Boolean || value instanceof Number || value instanceof String || value instanceof BigInt) {
    copy = Object(value.valueOf());
  } else if (value instanceof Promise || value instanceof WeakMap || value instanceof WeakSet || value instanceof WeakRef) {
    throw new DOMException(constructorName(value) + ' object could not be cloned.', 'DataCloneError');
  } else {
    copy = {};
    memo.set(value, copy);
    for (const key of ObjectKeys(value)) copy[key] = cloneInto(value[key], memo);
    return copy;
  }
  memo.set(value, copy);
  return copy;
}

function structuredClone(value, options = undefined) {
  if (arguments.length === 0) throw new TypeError('structuredClone requires 1 argument');
  return cloneInto(value, new Map());
}

// ---- crypto ----
let randomPool = null;
let randomPos = 0;

function fillRandom(view) {
  const n = view.length;
  if (n > 1024) { view.set(hostRandom(n)); return; }
  if (randomPool === null || randomPos + n > randomPool.length) { randomPool = hostRandom(4096); randomPos = 0; }
  view.set(randomPool.subarray(randomPos, randomPos + n));
  randomPool.fill(0, randomPos, randomPos + n);
  randomPos += n;
}

const INTEGER_ARRAYS = ['Int8Array', 'Uint8Array', 'Uint8ClampedArray', 'Int16Array', 'Uint16Array', 'Int32Array', 'Uint32Array', 'BigInt64Array', 'BigUint64Array'];

const crypto = {
  getRandomValues(array) {
    const tag = ReflectApply(TypedArrayTag, array, []);
    if (tag === undefined || INTEGER_ARRAYS.indexOf(tag) === -1) {
      throw new DOMException('The data argument must be an integer-type TypedArray', 'TypeMismatchError');
    }
    if (array.byteLength > 65536) {
      throw new DOMException('The ArrayBufferView byte length (' + array.byteLength + ') exceeds the number of bytes of entropy available via this API (65536)', 'QuotaExceededError');
    }
    fillRandom(new Uint8Array(array.buffer, array.byteOffset, array.byteLength));
    return array;
  },
  randomUUID() {
    const b = new Uint8Array(16);
    fillRandom(b);
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    let hex = '';
    for (let i = 0; i < 16; i++) {
      hex += (b[i] < 16 ? '0' : '') + b[i].toString(16);
      if (i === 3 || i === 5 || i === 7 || i === 9) hex += '-';
    }
    return hex;
  },
};

// ---- performance ----
const timeOrigin = DateNow();
const performance = {
  timeOrigin,
  now() { return DateNow() - timeOrigin; },
};
`;
