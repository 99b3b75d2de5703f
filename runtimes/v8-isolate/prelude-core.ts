/**
 * Prelude part: the call machinery. Holds the task module's namespace, runs one call at a time,
 * encodes results into EncodedValue records, forwards logs and chunks, and runs timers.
 *
 * Protocol with the host (sandbox.ts / active-call.ts). `id` is the host's call sequence number;
 * everything the prelude sends carries it so the host can drop messages of a finished call. The
 * host enters with `applyIgnored` (cheaper than a round trip), so every answer is a callback:
 * - host → `call(id, name, params, ctx, streaming)`; exactly one `hostDone(id, record)` follows,
 *   unless the isolate dies (the host learns that from `sentinel`) or the deadline passes. A call
 *   still running when `call` returns (it awaits something) first sends `hostParked(id)`: either
 *   way the host hears when the entry is over.
 * - host → `fire(id, timerId)`: a timer armed with `hostTimer(id, timerId, ms)` is due.
 * - host → `sentinel()`: a promise that never settles; isolated-vm rejects the host's side of it
 *   when the isolate is disposed, e.g. at its memory limit.
 * - prelude → `hostLog(id, line)`, `hostEmit(id, encodedChunk)`.
 * Records: `{ s: 1, v: EncodedValue, m }` (ok) or `{ s: 2, c: OutcomeCode, e: message, m }`
 * (failed); `m` is heap used + external bytes after the call.
 *
 * JavaScript source spliced into the prelude closure (see prelude.ts). No backticks or dollar-brace.
 */
export const CORE_SOURCE = String.raw`
let moduleNamespace = null;
let currentCall = 0;
let logLines = 0;
let nextTimerId = 1;
let liveTimers = 0;
let timers = ObjectCreate(null);
const MAX_TIMERS = 10000;
// Heap statistics cost about as much as a trivial call; a call that ran for less than this, soon
// after the last sample, reports that sample instead.
const MEMORY_SAMPLE_MS = 1;
let callStarted = 0;
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

function isOutOfMemory(err) {
  try {
    return err instanceof RangeError && err.message === 'Array buffer allocation failed';
  } catch (e) {
    return false;
  }
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
  resetHostCalls();
  record.m = memoryUsed();
  ReflectApply(PromiseThen, resolvedPromise, [() => hostDone(id, record)]);
}

const sentinelPromise = new Promise(() => {});
function sentinel() { return sentinelPromise; }

function emitLog(prefix, args) {
  const id = currentCall;
  if (id === 0 || logLines > MAX_LOG_LINES) return;
  logLines++;
  let line = prefix + formatArgs(args);
  if (line.length > MAX_LOG_CHARS) line = ReflectApply(StringSlice, line, [0, MAX_LOG_CHARS + 1]);
  hostLog(id, line);
}

/** An exception nobody can catch (timer or microtask callback) fails the running call. */
function reportUncaught(err) {
  const id = currentCall;
  if (id !== 0) complete(id, thrown(err));
}

function addTimer(callback, delay, args, repeat) {
  if (typeof callback !== 'function') throw new TypeError('The "callback" argument must be of type function');
  if (liveTimers >= MAX_TIMERS) throw new RangeError('too many pending timers (' + MAX_TIMERS + ')');
  let ms = NumberCtor(delay);
  if (!(ms >= 1)) ms = repeat ? 1 : 0;
  if (ms > 2147483647) ms = 2147483647;
  ms = MathFloor(ms);
  const timerId = nextTimerId++;
  timers[timerId] = { callback, args, ms, repeat };
  liveTimers++;
  if (currentCall !== 0) hostTimer(currentCall, timerId, ms);
  return timerId;
}

function clearTimer(timerId) {
  const key = NumberCtor(timerId);
  if (timers[key] !== undefined) {
    delete timers[key];
    liveTimers--;
  }
}

function setTimeout(callback, delay = 0, ...args) { return addTimer(callback, delay, args, false); }
function setInterval(callback, delay = 0, ...args) { return addTimer(callback, delay, args, true); }
function clearTimeout(timerId) { clearTimer(timerId); }
function clearInterval(timerId) { clearTimer(timerId); }

function queueMicrotask(callback) {
  if (typeof callback !== 'function') throw new TypeError('The "callback" argument must be of type function');
  ReflectApply(PromiseThen, resolvedPromise, [() => {
    try { callback(); } catch (err) { reportUncaught(err); }
  }]);
}

/** Host entry: a timer is due. */
function fire(id, timerId) {
  if (id !== currentCall) return;
  const timer = timers[timerId];
  if (timer === undefined) return;
  if (timer.repeat) hostTimer(id, timerId, timer.ms);
  else { delete timers[timerId]; liveTimers--; }
  try { ReflectApply(timer.callback, undefined, timer.args); } catch (err) { reportUncaught(err); }
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
  hostEmit(id, encoded);
  return null;
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
  if (ObjectGetPrototypeOf(fn) === GeneratorFunctionPrototype) {
    try {
      for (;;) {
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
  (async () => {
    try {
      for (;;) {
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
  callStarted = DateNow();
  try {
    startCall(id, name, params, ctx, streaming);
  } catch (err) {
    // Only reachable through a bug here or memory exhaustion: still answer the host.
    complete(id, isOutOfMemory(err) ? thrown(err) : failure('INSTANCE_FAILED', 'the sandbox failed: ' + errorText(err)));
  }
  if (currentCall === id) hostParked(id);
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
