/**
 * Prelude part: the call machinery. Holds the task module's namespace, runs one call at a time,
 * encodes results into EncodedValue records, forwards logs and chunks, and runs timers.
 *
 * Protocol with the host (sandbox.ts / active-call.ts). `id` is the host's call sequence number;
 * everything the prelude sends carries it so the host can drop messages of a finished call. The
 * host enters with `applyIgnored` (cheaper than a round trip), so every answer is a callback:
 * - host → `call(id, name, params, ctx, streaming)`; exactly one `hostDone(id, record)` follows,
 *   unless the isolate dies (the host learns that from `sentinel`) or the deadline passes.
 * - host → `quiet(id)`, queued right after `call`: answers `hostQuiet(id)`, which the host can only
 *   hear once the call's entry, microtasks included, is over. A call whose guest left work running
 *   (say `(async () => { for (;;) await null })()`) has sent its record but never goes quiet.
 * - host → `fire(id)`: the host's one timer of this call is due (armed with `hostTimer(id, ms)`).
 *   The timers themselves live here; the host holds at most one per call, and hears about a new
 *   one only when it is due before the one armed, at most MAX_ARMS_PER_ENTRY times per entry.
 * - host → `ack(id, bytes)`: that many bytes of streamed chunks have left the host. A streaming
 *   generator waits while more than CHUNK_WINDOW bytes are unacknowledged.
 * - host → `sentinel()`: a promise that never settles; isolated-vm rejects the host's side of it
 *   when the isolate is disposed, e.g. at its memory limit.
 * - prelude → `hostLog(id, line)`, `hostEmit(id, encodedChunk)`.
 * - Flow control of streamed chunks: the host credits each chunk once it has left for the client.
 *   With STREAM_WINDOW_CHUNKS chunks or STREAM_WINDOW_BYTES bytes uncredited, a generator waits:
 *   the prelude sends `hostWait(id)` and the host answers, once credit has come, with
 *   `credit(id, n)` (n chunks delivered); the generator resumes when half the window is free.
 * Records: `{ s: 1, v: EncodedValue, m }` (ok) or `{ s: 2, c: OutcomeCode, e: message, m }`
 * (failed); `m` is heap used + external bytes after the call. A call that ends holding more than
 * the heap may (V8 places a large string in young large-object space past the limit; isolated-vm
 * only notices at a later GC, by when it may be garbage) ends OUT_OF_MEMORY.
 *
 * JavaScript source spliced into the prelude closure (see prelude.ts). No backticks or dollar-brace.
 */
export const CORE_SOURCE = String.raw`
let moduleNamespace = null;
let currentCall = 0;
let logLines = 0;
// The heap's own hard limit (isolated-vm's memory limit plus V8's young space), as V8 set it.
const HEAP_LIMIT = ReflectApply(heapStatistics, selfIsolate, []).heap_size_limit;
// Heap statistics cost about as much as a trivial call; a call that ran for less than this, soon
// after the last sample, reports that sample instead.
const MEMORY_SAMPLE_MS = 1;
let callStarted = 0;
// Streamed chunks sent and not yet credited: their sizes by sequence number, and their total.
let streamSent = 0;
let streamCredited = 0;
let streamBytes = 0;
let streamSizes = ObjectCreate(null);
let creditWaiter = null;
const TypedArrayByteLength = ObjectGetOwnPropertyDescriptor(ObjectGetPrototypeOf(Uint8Array.prototype), 'byteLength').get;
let memorySampledAt = -Infinity;
let memorySample = -1;

function memoryUsed() {
  const now = DateNow();
  if (now - memorySampledAt < MEMORY_SAMPLE_MS && now - callStarted < MEMORY_SAMPLE_MS) return memorySample;
  try {
    const stats = ReflectApply(heapStatistics, selfIsolate, []);
    memorySample = stats.used_heap_size + stats.externally_allocated_size;
    memorySampledAt = now;
  } catch (e) {
    memorySample = -1;
  }
  return memorySample;
}

/** "Name: message" of anything thrown; never throws. */
function errorText(err) {
  try {
    if (err !== null && (typeof err === 'object' || typeof err === 'function')) {
      const name = err.name;
      const message = err.message;
      if (typeof message === 'string' || typeof name === 'string') {
        const label = typeof name === 'string' && name !== '' ? name : 'Error';
        return typeof message === 'string' && message !== '' ? label + ': ' + message : label;
      }
      return 'Error: ' + inspect(err);
    }
    return 'Error: ' + (typeof err === 'symbol' ? ReflectApply(SymbolToString, err, []) : StringCtor(err));
  } catch (e) {
    return 'Error: <unprintable exception>';
  }
}

/** Heap used + external bytes now (never the cached sample); -1 if it cannot be read. */
function memoryNow() {
  try {
    const stats = ReflectApply(heapStatistics, selfIsolate, []);
    return stats.used_heap_size + stats.externally_allocated_size;
  } catch (e) {
    return -1;
  }
}

/**
 * The ArrayBuffer allocator refused an allocation at the memory limit. A guest can throw the same
 * RangeError itself, so the message alone proves nothing: the isolate must also hold at least half
 * of what its heap may (a refused allocation asked for more than what was left). A forged one is
 * the guest's own FUNCTION_ERROR, and is not retried.
 */
function isOutOfMemory(err) {
  try {
    if (!(err instanceof RangeError && err.message === 'Array buffer allocation failed')) return false;
  } catch (e) {
    return false;
  }
  return memoryNow() * 2 >= HEAP_LIMIT;
}

function failure(code, message) {
  return { s: 2, c: code, e: message, m: 0 };
}

function thrown(err) {
  return failure(isOutOfMemory(err) ? 'OUT_OF_MEMORY' : 'FUNCTION_ERROR', errorText(err));
}

/** EncodedValue of a result or chunk, or a failure record when it cannot be represented. */
function encodeValue(value) {
  if (value === undefined) return { kind: 'none' };
  if (typeof value === 'string') return { kind: 'string', value };
  if (value !== null && typeof value === 'object') {
    if (ReflectApply(TypedArrayTag, value, []) === 'Uint8Array') return { kind: 'bytes', value: new Uint8Array(value) };
    let isBuffer = false;
    try { ReflectApply(ArrayBufferByteLength, value, []); isBuffer = true; } catch (e) { /* not an ArrayBuffer */ }
    if (isBuffer) return { kind: 'bytes', value: new Uint8Array(value) };
  }
  let text;
  try {
    text = JSONStringify(value);
  } catch (err) {
    if (isOutOfMemory(err)) return thrown(err);
    return failure('RESULT_NOT_SERIALIZABLE', 'result is not serialisable: ' + errorText(err));
  }
  if (typeof text !== 'string') {
    return failure('RESULT_NOT_SERIALIZABLE', 'result is not serialisable: a ' + typeof value + ' has no JSON representation');
  }
  return { kind: 'json', value: text };
}

function resultRecord(value) {
  const encoded = encodeValue(value);
  return encoded.s === 2 ? encoded : { s: 1, v: encoded, m: 0 };
}

/**
 * Ends the current call (its timers die with it) and tells the host, from a microtask: work the
 * guest queued before returning (say, a promise callback that never ends) runs first, so it
 * counts against this call's deadline instead of silently blocking the next call.
 */
function complete(id, record) {
  if (id !== currentCall) return;
  currentCall = 0;
  timers = ObjectCreate(null);
  liveTimers = 0;
  armedDue = Infinity;
  resetHostCalls();
  record.m = memoryUsed();
  if (record.m > HEAP_LIMIT) {
    record = failure('OUT_OF_MEMORY', 'it held ' + MathFloor(record.m / 1048576) + ' MB when the call ended');
    record.m = memorySample;
  }
  record.d = logLines > MAX_LOG_LINES + 1 ? logLines - MAX_LOG_LINES - 1 : 0;
  ReflectApply(PromiseThen, resolvedPromise, [() => hostDone(id, record)]);
}

const sentinelPromise = new Promise(() => {});
function sentinel() { return sentinelPromise; }

function emitLog(prefix, args) {
  const id = currentCall;
  if (id === 0) return;
  // Every line is counted; one past the limit is sent so the host sees the cut, the rest only
  // counted, and the count reported with the call's end (record.d).
  logLines++;
  if (logLines > MAX_LOG_LINES + 1) return;
  let line = prefix + formatArgs(args);
  if (line.length > MAX_LOG_CHARS) line = ReflectApply(StringSlice, line, [0, MAX_LOG_CHARS + 1]);
  hostLog(id, line);
}

/** An exception nobody can catch (timer or microtask callback) fails the running call. */
function reportUncaught(err) {
  const id = currentCall;
  if (id !== 0) complete(id, thrown(err));
}

function isGeneratorFunction(fn) {
  const proto = ObjectGetPrototypeOf(fn);
  return proto === GeneratorFunctionPrototype || proto === AsyncGeneratorFunctionPrototype;
}

function isClass(fn) {
  try { return ReflectApply(StringSlice, ReflectApply(FunctionToString, fn, []), [0, 5]) === 'class'; } catch (e) { return false; }
}

/** Host entry: keeps the namespace and describes the callable exports. */
function load(namespace) {
  moduleNamespace = namespace;
  const exports = [];
  const names = ObjectKeys(namespace);
  for (let i = 0; i < names.length; i++) {
    const value = namespace[names[i]];
    if (typeof value !== 'function' || isClass(value)) continue;
    exports[exports.length] = { name: names[i], kind: isGeneratorFunction(value) ? 'generator' : 'function' };
  }
  return { exports, memory: memoryUsed() };
}

/** Pushes one yielded value: streamed to the host, or kept for the collected result. */
function takeChunk(id, value, streaming, chunks) {
  if (!streaming) { chunks[chunks.length] = value; return null; }
  const encoded = encodeValue(value);
  if (encoded.s === 2) return encoded;
  // Bytes count as they are; a string or JSON text as its two bytes a character in memory.
  const size = encoded.kind === 'bytes' ? ReflectApply(TypedArrayByteLength, encoded.value, []) : encoded.kind === 'none' ? 0 : encoded.value.length * 2;
  streamSizes[streamSent++] = size;
  streamBytes += size;
  hostEmit(id, encoded);
  return null;
}

function streamFull() {
  return streamSent - streamCredited >= STREAM_WINDOW_CHUNKS || streamBytes >= STREAM_WINDOW_BYTES;
}

function streamHalfFree() {
  return (streamSent - streamCredited) * 2 <= STREAM_WINDOW_CHUNKS && streamBytes * 2 <= STREAM_WINDOW_BYTES;
}

/** Resolves once enough streamed chunks have been credited (see credit). */
function waitForCredit(id) {
  return new Promise((resolve) => {
    creditWaiter = resolve;
    hostWait(id);
  });
}

/** Host entry: n more streamed chunks have left for the client. */
function credit(id, n) {
  if (id !== currentCall) return;
  for (let i = 0; i < n && streamCredited < streamSent; i++) {
    streamBytes -= streamSizes[streamCredited];
    delete streamSizes[streamCredited];
    streamCredited++;
  }
  if (creditWaiter === null) return;
  if (!streamHalfFree()) { hostWait(id); return; }
  const resume = creditWaiter;
  creditWaiter = null;
  resume();
}

function closeQuietly(iterator) {
  try { const r = iterator.return(); if (r && typeof r.then === 'function') ReflectApply(PromiseThen, r, [undefined, () => {}]); } catch (e) { /* ignored */ }
}

function generatorResult(chunks, streaming) {
  return streaming ? { s: 1, v: { kind: 'none' }, m: 0 } : resultRecord(chunks);
}

function runGenerator(id, fn, params, ctx, streaming) {
  const chunks = [];
  let iterator;
  try { iterator = fn(params, ctx); } catch (err) { return complete(id, thrown(err)); }
  if (ObjectGetPrototypeOf(fn) === GeneratorFunctionPrototype) return pumpSync(id, iterator, streaming, chunks);
  (async () => {
    try {
      for (;;) {
        if (streaming && streamFull()) await waitForCredit(id);
        if (id !== currentCall) return;
        const step = await iterator.next();
        if (id !== currentCall) return;
        if (step.done) break;
        const bad = takeChunk(id, step.value, streaming, chunks);
        if (bad !== null) { closeQuietly(iterator); complete(id, bad); return; }
      }
      complete(id, generatorResult(chunks, streaming));
    } catch (err) {
      complete(id, thrown(err));
    }
  })();
}

/** Runs a sync generator; a stream whose window is full goes on once credit has come. */
function pumpSync(id, iterator, streaming, chunks) {
  try {
    for (;;) {
      if (streaming && streamFull()) {
        ReflectApply(PromiseThen, waitForCredit(id), [() => { if (id === currentCall) pumpSync(id, iterator, streaming, chunks); }]);
        return;
      }
      const step = iterator.next();
      if (step.done) break;
      const bad = takeChunk(id, step.value, streaming, chunks);
      if (bad !== null) { closeQuietly(iterator); return complete(id, bad); }
    }
  } catch (err) {
    return complete(id, thrown(err));
  }
  return complete(id, generatorResult(chunks, streaming));
}

function freezeContext(ctx) {
  ObjectFreeze(ctx.env);
  ObjectFreeze(ctx.headers);
  ctx.secrets = ObjectFreeze(ctx.secrets !== null && typeof ctx.secrets === 'object' ? ctx.secrets : {});
  ctx.kv = kv;
  return ObjectFreeze(ctx);
}

function startCall(id, name, params, ctx, streaming) {
  freezeContext(ctx);
  const fn = moduleNamespace === null ? undefined : moduleNamespace[name];
  if (typeof fn !== 'function') return complete(id, failure('FUNCTION_ERROR', "TypeError: export '" + name + "' is not a function"));
  if (isGeneratorFunction(fn)) return runGenerator(id, fn, params, ctx, streaming);
  let result;
  try {
    result = fn(params, ctx);
  } catch (err) {
    return complete(id, thrown(err));
  }
  if (result !== null && (typeof result === 'object' || typeof result === 'function')) {
    let then;
    try { then = result.then; } catch (err) { return complete(id, thrown(err)); }
    if (typeof then === 'function') {
      const settled = new Promise((resolve) => resolve(result));
      ReflectApply(PromiseThen, settled, [
        (value) => complete(id, resultRecord(value)),
        (err) => complete(id, thrown(err)),
      ]);
      return;
    }
  }
  complete(id, resultRecord(result));
}

/** Host entry: runs one call. */
function call(id, name, params, ctx, streaming) {
  currentCall = id;
  logLines = 0;
  streamSent = 0;
  streamCredited = 0;
  streamBytes = 0;
  streamSizes = ObjectCreate(null);
  creditWaiter = null;
  armedDue = Infinity;
  armsThisEntry = 0;
  callStarted = DateNow();
  try {
    startCall(id, name, params, ctx, streaming);
  } catch (err) {
    // Only reachable through a bug here or memory exhaustion: still answer the host.
    complete(id, isOutOfMemory(err) ? thrown(err) : failure('INSTANCE_FAILED', 'the sandbox failed: ' + errorText(err)));
  }
}

/**
 * Host entry, once per blank isolate before any task code is in it: runs load and a call on a
 * throwaway module, so the prelude's own code is compiled before a task's first call needs it (a
 * task's first call was about 0.6 ms slower than its second without this). The answer goes to
 * call id -1, which no host call has; nothing is left behind.
 */
function prime() {
  load({ f(p) { return p.a + p.b; } });
  call(-1, 'f', { a: 1, b: 2 }, { executionId: '', taskId: '', functionName: 'f', env: {}, headers: {}, sessionId: '', userId: '', deadline: 0 }, false);
  moduleNamespace = null;
}
`;
