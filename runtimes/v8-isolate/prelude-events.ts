/**
 * Prelude part: Event, EventTarget, AbortController, AbortSignal and ReadableStream (the default
 * reader subset: underlying source start/pull/cancel, getReader, async iteration; no BYOB readers,
 * tee or pipes). Used by fetch (prelude-fetch.ts) and available to guests.
 *
 * JavaScript source spliced into the prelude closure (see prelude.ts). No backticks or dollar-brace.
 */
export const EVENTS_SOURCE = String.raw`
// ---- events and abort ----
class Event {
  constructor(type) { this.type = String(type); this.defaultPrevented = false; this.target = null; }
  preventDefault() { this.defaultPrevented = true; }
}

const listenersOf = new WeakMap();
class EventTarget {
  constructor() { listenersOf.set(this, new Map()); }
  addEventListener(type, listener, options = undefined) {
    if (typeof listener !== 'function' && !(listener !== null && typeof listener === 'object' && typeof listener.handleEvent === 'function')) return;
    const all = listenersOf.get(this);
    const key = String(type);
    let list = all.get(key);
    if (list === undefined) all.set(key, (list = []));
    for (let i = 0; i < list.length; i++) if (list[i].listener === listener) return;
    list.push({ listener, once: Boolean(options !== null && typeof options === 'object' && options.once) });
  }
  removeEventListener(type, listener) {
    const list = listenersOf.get(this).get(String(type));
    if (list === undefined) return;
    for (let i = 0; i < list.length; i++) if (list[i].listener === listener) { list.splice(i, 1); return; }
  }
  dispatchEvent(event) {
    event.target = this;
    const list = listenersOf.get(this).get(event.type);
    const handler = this['on' + event.type];
    if (typeof handler === 'function') { try { ReflectApply(handler, this, [event]); } catch (err) { reportUncaught(err); } }
    if (list === undefined) return !event.defaultPrevented;
    for (const entry of list.slice()) {
      if (entry.once) this.removeEventListener(event.type, entry.listener);
      try {
        if (typeof entry.listener === 'function') ReflectApply(entry.listener, this, [event]);
        else entry.listener.handleEvent(event);
      } catch (err) { reportUncaught(err); }
    }
    return !event.defaultPrevented;
  }
}

const signalState = new WeakMap();
const SIGNAL_KEY = Symbol('signal');
class AbortSignal extends EventTarget {
  constructor(key) {
    if (key !== SIGNAL_KEY) throw new TypeError('Illegal constructor');
    super();
    signalState.set(this, { aborted: false, reason: undefined });
    this.onabort = null;
  }
  get aborted() { return signalState.get(this).aborted; }
  get reason() { return signalState.get(this).reason; }
  throwIfAborted() { const s = signalState.get(this); if (s.aborted) throw s.reason; }
  static abort(reason = undefined) { const signal = new AbortSignal(SIGNAL_KEY); abortSignal(signal, reason); return signal; }
  static timeout(ms) {
    const signal = new AbortSignal(SIGNAL_KEY);
    setTimeout(() => abortSignal(signal, new DOMException('The operation timed out.', 'TimeoutError')), ms);
    return signal;
  }
  static any(signals) {
    const signal = new AbortSignal(SIGNAL_KEY);
    for (const s of signals) {
      if (s.aborted) { abortSignal(signal, s.reason); return signal; }
    }
    for (const s of signals) s.addEventListener('abort', () => abortSignal(signal, s.reason), { once: true });
    return signal;
  }
}

function abortSignal(signal, reason) {
  const s = signalState.get(signal);
  if (s.aborted) return;
  s.aborted = true;
  s.reason = reason === undefined ? new DOMException('This operation was aborted', 'AbortError') : reason;
  signal.dispatchEvent(new Event('abort'));
}

class AbortController {
  #signal = new AbortSignal(SIGNAL_KEY);
  get signal() { return this.#signal; }
  abort(reason = undefined) { abortSignal(this.#signal, reason); }
}

/** The promise, rejected with the signal's reason as soon as it aborts. */
function abortable(promise, signal) {
  if (signal === null) return promise;
  return new Promise((resolve, reject) => {
    if (signal.aborted) { reject(signal.reason); return; }
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => { signal.removeEventListener('abort', onAbort); resolve(value); },
      (err) => { signal.removeEventListener('abort', onAbort); reject(err); },
    );
  });
}

// ---- ReadableStream (default reader subset) ----
class ReadableStream {
  #queue = [];
  #state = 'readable';
  #error = undefined;
  #source;
  #started;
  #locked = false;
  #wake = null;
  #controller;
  constructor(source = {}, strategy = undefined) {
    this.#source = source === null || source === undefined ? {} : source;
    const stream = this;
    this.#controller = {
      get desiredSize() { return stream.#state === 'readable' ? 1 - stream.#queue.length : 0; },
      enqueue(chunk) {
        if (stream.#state !== 'readable') throw new TypeError('the stream is closed');
        stream.#queue.push(chunk);
        stream.#notify();
      },
      close() {
        if (stream.#state !== 'readable') throw new TypeError('the stream is closed');
        stream.#state = 'closed';
        stream.#notify();
      },
      error(e) {
        if (stream.#state !== 'readable') return;
        stream.#state = 'errored';
        stream.#error = e;
        stream.#queue = [];
        stream.#notify();
      },
    };
    try {
      const started = typeof this.#source.start === 'function' ? this.#source.start(this.#controller) : undefined;
      this.#started = Promise.resolve(started).then(undefined, (e) => this.#controller.error(e));
    } catch (e) {
      this.#controller.error(e);
      this.#started = Promise.resolve();
    }
  }
  #notify() { const wake = this.#wake; this.#wake = null; if (wake !== null) wake(); }
  async #read() {
    await this.#started;
    for (;;) {
      if (this.#queue.length > 0) return { value: this.#queue.shift(), done: false };
      if (this.#state === 'errored') throw this.#error;
      if (this.#state === 'closed') return { value: undefined, done: true };
      if (typeof this.#source.pull === 'function') {
        try { await this.#source.pull(this.#controller); } catch (e) { this.#controller.error(e); }
      } else {
        await new Promise((resolve) => { this.#wake = resolve; });
      }
    }
  }
  async #cancel(reason) {
    if (this.#state !== 'readable') return;
    this.#state = 'closed';
    this.#queue = [];
    this.#notify();
    if (typeof this.#source.cancel === 'function') await this.#source.cancel(reason);
  }
  get locked() { return this.#locked; }
  cancel(reason = undefined) {
    if (this.#locked) return Promise.reject(new TypeError('the stream is locked to a reader'));
    return this.#cancel(reason);
  }
  getReader(options = undefined) {
    if (options !== undefined && options !== null && options.mode !== undefined) throw new TypeError('only default readers are supported');
    if (this.#locked) throw new TypeError('the stream is already locked to a reader');
    this.#locked = true;
    const stream = this;
    let released = false;
    return {
      read() { return released ? Promise.reject(new TypeError('the reader was released')) : stream.#read(); },
      releaseLock() { if (!released) { released = true; stream.#locked = false; } },
      cancel(reason = undefined) { return stream.#cancel(reason); },
      get closed() { return stream.#started.then(() => undefined); },
    };
  }
  async *values(options = undefined) {
    const reader = this.getReader();
    const keep = options !== null && typeof options === 'object' && options.preventCancel;
    let finished = false;
    try {
      for (;;) {
        const step = await reader.read();
        if (step.done) { finished = true; return; }
        yield step.value;
      }
    } finally {
      if (!finished && !keep) await reader.cancel();
      reader.releaseLock();
    }
  }
  [Symbol.asyncIterator](options = undefined) { return this.values(options); }
}

`;
