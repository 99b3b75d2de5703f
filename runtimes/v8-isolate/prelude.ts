/**
 * The prelude: JavaScript evaluated in every isolate before guest code, as the body of a function
 * the host calls once (sandbox.ts). Host callbacks arrive as its arguments ($0..$8) and never become
 * globals, so guest code cannot reach them; the closure returns the entry points the host keeps
 * references to (`load`, `call`, `fire`, `credit`, `quiet`, `reply`, `sentinel`; timers and `quiet`
 * are in prelude-bounds.ts, host calls in prelude-host.ts). Intrinsics are captured (and shadowed by closure-scoped
 * constants) before any guest code runs, so a guest that patches built-ins only affects its own
 * values, never the host protocol.
 *
 * Closure arguments, in order (see sandbox.ts):
 *   $0 hostLog(id, line)       ignored callback
 *   $1 hostEmit(id, chunk)     ignored callback
 *   $2 hostDone(id, record)    ignored callback
 *   $3 hostTimer(id, ms)       ignored callback
 *   $4 hostRandom(n) → Uint8Array   sync callback
 *   $5 the isolate's own handle (heap statistics only)
 *   $6 max log lines per call, $7 max characters per log line
 *   $8 hostQuiet(id)           ignored callback
 *   $9 streamed chunks, $10 bytes, that may await credit before a generator waits
 *   $11 hostWait(id)           ignored callback (flow control, see prelude-core.ts)
 *   $12 hostCallback(id, req, op, payload)  ignored callback (host calls: fetch, KV; prelude-host.ts)
 */
import { BOUNDS_SOURCE } from './prelude-bounds.js';
import { CLOCK_SOURCE } from './prelude-clock.js';
import { CONSOLE_SOURCE } from './prelude-console.js';
import { CORE_SOURCE } from './prelude-core.js';
import { EVENTS_SOURCE } from './prelude-events.js';
import { FETCH_SOURCE } from './prelude-fetch.js';
import { HOST_SOURCE } from './prelude-host.js';
import { WEB_SOURCE } from './prelude-web.js';

const HEADER = String.raw`
'use strict';
const hostLog = $0, hostEmit = $1, hostDone = $2, hostTimer = $3, hostRandom = $4, selfIsolate = $5;
const MAX_LOG_LINES = $6, MAX_LOG_CHARS = $7, hostQuiet = $8;
const STREAM_WINDOW_CHUNKS = $9, STREAM_WINDOW_BYTES = $10, hostWait = $11;
const hostCallback = $12;
const global = globalThis;
const heapStatistics = selfIsolate.getHeapStatisticsSync;

// Shadow the globals the prelude uses: later changes to globalThis do not reach in here.
const { Object, Array, String, Number, Boolean, Symbol, BigInt, Promise, Map, Set, WeakMap, WeakSet, WeakRef,
  Date, RegExp, Error, TypeError, RangeError, SyntaxError, ReferenceError, EvalError, URIError, JSON, Math,
  Reflect, ArrayBuffer, SharedArrayBuffer, DataView, Uint8Array, parseInt, parseFloat } = global;
const ReflectApply = Reflect.apply;
const ReflectOwnKeys = Reflect.ownKeys;
const ObjectCreate = Object.create;
const ObjectFreeze = Object.freeze;
const ObjectKeys = Object.keys;
const ObjectGetPrototypeOf = Object.getPrototypeOf;
const ObjectDefineProperty = Object.defineProperty;
const ObjectGetOwnPropertyDescriptor = Object.getOwnPropertyDescriptor;
const ArrayIsArray = Array.isArray;
const JSONStringify = JSON.stringify;
const StringCtor = String;
const NumberCtor = Number;
const MathFloor = Math.floor;
const DateNow = Date.now;
const StringFromCharCode = String.fromCharCode;
const StringSlice = String.prototype.slice;
const SymbolToString = Symbol.prototype.toString;
const FunctionToString = Function.prototype.toString;
const PromiseThen = Promise.prototype.then;
const ArraySort = Array.prototype.sort;
const resolvedPromise = Promise.resolve();
const TypedArrayTag = ObjectGetOwnPropertyDescriptor(ObjectGetPrototypeOf(Uint8Array.prototype), Symbol.toStringTag).get;
const ArrayBufferByteLength = ObjectGetOwnPropertyDescriptor(ArrayBuffer.prototype, 'byteLength').get;
const GeneratorFunctionPrototype = ObjectGetPrototypeOf(function* () {});
const AsyncGeneratorFunctionPrototype = ObjectGetPrototypeOf(async function* () {});
`;

const FOOTER = String.raw`
function defineGlobal(name, value) {
  ObjectDefineProperty(global, name, { value, writable: true, configurable: true, enumerable: false });
}
defineGlobal('console', consoleObject);
defineGlobal('setTimeout', setTimeout);
defineGlobal('clearTimeout', clearTimeout);
defineGlobal('setInterval', setInterval);
defineGlobal('clearInterval', clearInterval);
defineGlobal('queueMicrotask', queueMicrotask);
defineGlobal('TextEncoder', TextEncoder);
defineGlobal('TextDecoder', TextDecoder);
defineGlobal('atob', atob);
defineGlobal('btoa', btoa);
defineGlobal('structuredClone', structuredClone);
defineGlobal('crypto', crypto);
defineGlobal('performance', performance);
defineGlobal('DOMException', DOMException);
defineGlobal('Event', Event);
defineGlobal('EventTarget', EventTarget);
defineGlobal('AbortController', AbortController);
defineGlobal('AbortSignal', AbortSignal);
defineGlobal('ReadableStream', ReadableStream);
defineGlobal('Headers', Headers);
defineGlobal('Request', Request);
defineGlobal('Response', Response);
defineGlobal('fetch', fetch);
// WebAssembly memory is allocated outside the isolate's memory limit; Wasm has its own runtime.
delete global.WebAssembly;
return { load, call, fire, credit, quiet, reply, sentinel, prime };
`;

/** Source of the prelude closure. */
export const PRELUDE_SOURCE = HEADER + CORE_SOURCE + BOUNDS_SOURCE + CONSOLE_SOURCE + WEB_SOURCE + CLOCK_SOURCE + HOST_SOURCE + EVENTS_SOURCE + FETCH_SOURCE + FOOTER;
