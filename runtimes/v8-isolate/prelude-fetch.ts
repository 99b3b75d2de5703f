/**
 * Prelude part: WHATWG `fetch` with Headers, Request and Response (events, AbortSignal and
 * ReadableStream come from prelude-events.ts).
 *
 * The request itself is made by the server (src/capabilities/egress-fetch.ts) through host calls:
 * `fetch.open` (policy checks happen there), `fetch.write`/`fetch.end` for a streamed request
 * body, `fetch.head` for the response head, `fetch.read` for each body chunk, `fetch.cancel` when
 * the guest aborts or cancels the body. Refusals reject with the host's TypeError.
 *
 * ReadableStream here is the default-reader subset (underlying source start/pull/cancel,
 * getReader, async iteration); no BYOB readers, tee or pipes. No Blob, FormData or URL.
 *
 * JavaScript source spliced into the prelude closure (see prelude.ts). No backticks or dollar-brace.
 */
export const FETCH_SOURCE = String.raw`
// ---- Headers ----
const HEADER_NAME = /^[!#$%&'*+.^_|~0-9A-Za-z-]+$/;
function headerName(name) {
  const n = String(name);
  if (!HEADER_NAME.test(n)) throw new TypeError("'" + n.slice(0, 100) + "' is not a valid HTTP header name");
  return n.toLowerCase();
}
function headerValue(value) {
  const v = String(value).replace(/^[\t\n\r ]+|[\t\n\r ]+$/g, '');
  if (/[\0\r\n]/.test(v)) throw new TypeError('a header value must not contain NUL, CR or LF');
  return v;
}

class Headers {
  #list = [];
  constructor(init = undefined) {
    if (init === undefined || init === null) return;
    if (init instanceof Headers) { for (const [n, v] of init.#list) this.#list.push([n, v]); return; }
    if (typeof init !== 'object') throw new TypeError('Headers: init must be an object, an array of pairs or Headers');
    if (typeof init[Symbol.iterator] === 'function') {
      for (const pair of init) {
        const p = [...pair];
        if (p.length !== 2) throw new TypeError('Headers: each pair must have a name and a value');
        this.append(p[0], p[1]);
      }
      return;
    }
    for (const key of ObjectKeys(init)) this.append(key, init[key]);
  }
  append(name, value) { this.#list.push([headerName(name), headerValue(value)]); }
  delete(name) { const n = headerName(name); this.#list = this.#list.filter((e) => e[0] !== n); }
  get(name) {
    const n = headerName(name);
    const values = [];
    for (const [k, v] of this.#list) if (k === n) values.push(v);
    return values.length === 0 ? null : values.join(', ');
  }
  getSetCookie() { const out = []; for (const [k, v] of this.#list) if (k === 'set-cookie') out.push(v); return out; }
  has(name) { const n = headerName(name); return this.#list.some((e) => e[0] === n); }
  set(name, value) {
    const n = headerName(name);
    const v = headerValue(value);
    const i = this.#list.findIndex((e) => e[0] === n);
    if (i === -1) { this.#list.push([n, v]); return; }
    this.#list[i] = [n, v];
    this.#list = this.#list.filter((e, j) => j <= i || e[0] !== n);
  }
  *entries() {
    const names = [];
    for (const [k] of this.#list) if (names.indexOf(k) === -1) names.push(k);
    names.sort();
    for (const n of names) {
      if (n === 'set-cookie') { for (const v of this.getSetCookie()) yield [n, v]; }
      else yield [n, this.get(n)];
    }
  }
  *keys() { for (const [k] of this.entries()) yield k; }
  *values() { for (const [, v] of this.entries()) yield v; }
  forEach(callback, thisArg = undefined) { for (const [k, v] of this.entries()) ReflectApply(callback, thisArg, [v, k, this]); }
  [Symbol.iterator]() { return this.entries(); }
}

// ---- bodies ----
function bytesOf(chunk) {
  if (typeof chunk === 'string') return utf8Encode(chunk);
  if (chunk instanceof ArrayBuffer) return new Uint8Array(chunk.slice(0));
  if (ArrayBuffer.isView(chunk)) return new Uint8Array(chunk.buffer.slice(chunk.byteOffset, chunk.byteOffset + chunk.byteLength));
  throw new TypeError('a body chunk must be a string, an ArrayBuffer or a typed array');
}

/** { bytes } or { stream } or null, and the content type it implies. */
function extractBody(body) {
  if (body === undefined || body === null) return { body: null, type: null };
  if (typeof body === 'string') return { body: { bytes: utf8Encode(body) }, type: 'text/plain;charset=UTF-8' };
  if (body instanceof ReadableStream) return { body: { stream: body }, type: null };
  if (body instanceof ArrayBuffer || ArrayBuffer.isView(body)) return { body: { bytes: bytesOf(body) }, type: null };
  return { body: { bytes: utf8Encode(String(body)) }, type: 'text/plain;charset=UTF-8' };
}

function concatBytes(chunks, total) {
  const out = new Uint8Array(total);
  let at = 0;
  for (const c of chunks) { out.set(c, at); at += c.length; }
  return out;
}

/** Shared by Request and Response: a body read once. */
class Body {
  #body;
  #used = false;
  #streamView = null;
  constructor(body) { this.#body = body; }
  get bodyUsed() { return this.#used; }
  get body() {
    const b = this.#body;
    if (b === null) return null;
    if (b.stream !== undefined) return b.stream;
    if (this.#streamView === null) {
      const bytes = b.bytes;
      this.#streamView = new ReadableStream({ start(c) { if (bytes.length > 0) c.enqueue(bytes.slice()); c.close(); } });
    }
    return this.#streamView;
  }
  /** For fetch: the body as given, marking it used. */
  takeBody() {
    if (this.#used) throw new TypeError('the body has already been used');
    if (this.#body !== null) this.#used = true;
    return this.#body;
  }
  hasBody() { return this.#body !== null; }
  async bytes() {
    const b = this.takeBody();
    if (b === null) return new Uint8Array(0);
    if (b.stream === undefined && this.#streamView === null) return b.bytes.slice();
    const chunks = [];
    let total = 0;
    for await (const chunk of this.body) { const c = bytesOf(chunk); chunks.push(c); total += c.length; }
    return concatBytes(chunks, total);
  }
  async arrayBuffer() { return (await this.bytes()).buffer; }
  async text() { return new TextDecoder().decode(await this.bytes()); }
  async json() { return JSON.parse(await this.text()); }
  cloneBody() {
    if (this.#used) throw new TypeError('the body has already been used');
    const b = this.#body;
    if (b !== null && b.stream !== undefined) throw new TypeError('clone() of a streamed body is not supported here');
    return b === null ? null : { bytes: b.bytes.slice() };
  }
}

// ---- Request ----
const METHODS = ['DELETE', 'GET', 'HEAD', 'OPTIONS', 'POST', 'PUT', 'PATCH'];
const REDIRECT_MODES = ['follow', 'manual', 'error'];
const neverAborted = () => new AbortSignal(SIGNAL_KEY);

class Request extends Body {
  #url; #method; #headers; #signal; #redirect;
  constructor(input, init = undefined) {
    const o = init !== null && typeof init === 'object' ? init : {};
    const base = input instanceof Request ? input : null;
    let extracted = { body: null, type: null };
    if (o.body !== undefined) extracted = extractBody(o.body);
    else if (base !== null && base.hasBody()) extracted = { body: base.takeBody(), type: null };
    super(extracted.body);
    this.#url = base !== null ? base.url : String(input);
    let method = o.method !== undefined ? String(o.method) : base !== null ? base.method : 'GET';
    if (METHODS.indexOf(method.toUpperCase()) !== -1) method = method.toUpperCase();
    this.#method = method;
    if ((method === 'GET' || method === 'HEAD') && extracted.body !== null) throw new TypeError('Request with GET/HEAD method cannot have body.');
    this.#headers = new Headers(o.headers !== undefined ? o.headers : base !== null ? base.headers : undefined);
    if (extracted.type !== null && !this.#headers.has('content-type')) this.#headers.set('content-type', extracted.type);
    const signal = o.signal !== undefined ? o.signal : base !== null ? base.signal : null;
    if (signal !== null && signal !== undefined && !(signal instanceof AbortSignal)) throw new TypeError('Request: signal must be an AbortSignal');
    this.#signal = signal === null || signal === undefined ? neverAborted() : signal;
    const redirect = o.redirect !== undefined ? String(o.redirect) : base !== null ? base.redirect : 'follow';
    if (REDIRECT_MODES.indexOf(redirect) === -1) throw new TypeError("Request: redirect must be 'follow', 'manual' or 'error'");
    this.#redirect = redirect;
  }
  get url() { return this.#url; }
  get method() { return this.#method; }
  get headers() { return this.#headers; }
  get signal() { return this.#signal; }
  get redirect() { return this.#redirect; }
  clone() { return new Request(this.#url, { method: this.#method, headers: this.#headers, body: bodyFromClone(this.cloneBody()), signal: this.#signal, redirect: this.#redirect }); }
}

function bodyFromClone(b) { return b === null ? null : b.bytes; }

// ---- Response ----
const NULL_BODY_STATUS = [101, 103, 204, 205, 304];
const responseMeta = new WeakMap();

class Response extends Body {
  #status; #statusText; #headers;
  constructor(body = null, init = undefined) {
    const o = init !== null && typeof init === 'object' ? init : {};
    const extracted = extractBody(body);
    super(extracted.body);
    const status = o.status === undefined ? 200 : NumberCtor(o.status);
    if (!(status >= 200 && status <= 599) || MathFloor(status) !== status) throw new RangeError('Response: status must be an integer from 200 to 599, got ' + String(o.status));
    if (extracted.body !== null && NULL_BODY_STATUS.indexOf(status) !== -1) throw new TypeError('Response with null body status cannot have body');
    this.#status = status;
    this.#statusText = o.statusText === undefined ? '' : String(o.statusText);
    this.#headers = new Headers(o.headers);
    if (extracted.type !== null && !this.#headers.has('content-type')) this.#headers.set('content-type', extracted.type);
  }
  get status() { return this.#status; }
  get ok() { return this.#status >= 200 && this.#status <= 299; }
  get statusText() { return this.#statusText; }
  get headers() { return this.#headers; }
  get url() { const m = responseMeta.get(this); return m === undefined ? '' : m.url; }
  get redirected() { const m = responseMeta.get(this); return m !== undefined && m.redirected; }
  get type() { const m = responseMeta.get(this); return m === undefined ? 'default' : m.type; }
  clone() {
    const copy = new Response(bodyFromClone(this.cloneBody()), { status: this.#status, statusText: this.#statusText, headers: this.#headers });
    const m = responseMeta.get(this);
    if (m !== undefined) responseMeta.set(copy, m);
    return copy;
  }
  static json(data, init = undefined) {
    const text = JSONStringify(data);
    if (text === undefined) throw new TypeError('Response.json: the data is not JSON-serialisable');
    const o = init !== null && typeof init === 'object' ? init : {};
    const headers = new Headers(o.headers);
    if (!headers.has('content-type')) headers.set('content-type', 'application/json');
    return new Response(text, { status: o.status, statusText: o.statusText, headers });
  }
  static redirect(url, status = 302) {
    if ([301, 302, 303, 307, 308].indexOf(status) === -1) throw new RangeError('Response.redirect: invalid status ' + status);
    return new Response(null, { status, headers: { location: String(url) } });
  }
  static error() {
    const r = new Response(null, { status: 200 });
    responseMeta.set(r, { url: '', redirected: false, type: 'error' });
    return r;
  }
}

/** The Response for a host answer; its body streams from the host, chunk by chunk. */
function hostResponse(head, id, signal, method) {
  const nullBody = method === 'HEAD' || NULL_BODY_STATUS.indexOf(head.status) !== -1;
  let stream = null;
  if (nullBody) hostCall('fetch.cancel', { id }).then(undefined, () => {});
  else {
    stream = new ReadableStream({
      async pull(controller) {
        const step = await abortable(hostCall('fetch.read', { id }), signal);
        if (step.done) controller.close();
        else controller.enqueue(step.chunk);
      },
      cancel() { return hostCall('fetch.cancel', { id }).then(undefined, () => {}); },
    });
  }
  const status = head.status >= 200 && head.status <= 599 ? head.status : 200;
  const response = new Response(stream, { status, statusText: head.statusText, headers: head.headers });
  responseMeta.set(response, { url: head.url, redirected: head.redirected, type: 'basic' });
  return response;
}

async function fetch(input, init = undefined) {
  const request = new Request(input, init);
  const signal = request.signal;
  if (signal.aborted) throw signal.reason;
  const body = request.hasBody() ? request.takeBody() : null;
  const streamed = body !== null && body.stream !== undefined;
  const payload = {
    url: request.url,
    method: request.method,
    headers: [...request.headers],
    body: body !== null && !streamed ? body.bytes : undefined,
    streamed,
    redirect: request.redirect,
  };
  const id = await abortable(hostCall('fetch.open', payload), signal);
  const onAbort = () => { hostCall('fetch.cancel', { id }).then(undefined, () => {}); };
  signal.addEventListener('abort', onAbort, { once: true });
  try {
    if (streamed) {
      const reader = body.stream.getReader();
      for (;;) {
        const step = await abortable(reader.read(), signal);
        if (step.done) break;
        await abortable(hostCall('fetch.write', { id, chunk: bytesOf(step.value) }), signal);
      }
      await abortable(hostCall('fetch.end', { id }), signal);
    }
    const head = await abortable(hostCall('fetch.head', { id }), signal);
    return hostResponse(head, id, signal, request.method);
  } catch (err) {
    signal.removeEventListener('abort', onAbort);
    hostCall('fetch.cancel', { id }).then(undefined, () => {});
    throw err;
  }
}
`;
