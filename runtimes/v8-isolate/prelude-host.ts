/**
 * Prelude part: host calls, and `ctx.kv`.
 *
 * A host call is how guest code reaches a capability the server grants (fetch, KV): the prelude
 * sends `hostCallback(id, req, op, payload)` (an ignored callback: plain data is copied out) and
 * the host later enters `reply(id, req, ok, value)` with plain data copied in. Guest code only ever
 * sees promises the prelude made; no isolated-vm handle crosses. Pending calls die with the call
 * that made them (`resetHostCalls`, from `complete`), and there are at most MAX_HOST_PENDING.
 *
 * JavaScript source spliced into the prelude closure (see prelude.ts). No backticks or dollar-brace.
 */
export const HOST_SOURCE = String.raw`
const MAX_HOST_PENDING = 256;
let nextHostReq = 1;
let hostPending = ObjectCreate(null);
let hostPendingCount = 0;

function resetHostCalls() {
  hostPending = ObjectCreate(null);
  hostPendingCount = 0;
}

function guestError(e) {
  const message = e !== null && typeof e === 'object' && typeof e.message === 'string' ? e.message : 'host call failed';
  const name = e !== null && typeof e === 'object' ? e.name : '';
  if (name === 'AbortError') return new DOMException(message, 'AbortError');
  if (name === 'TypeError') return new TypeError(message);
  if (name === 'RangeError') return new RangeError(message);
  return new Error(message);
}

/** Sends a host call; resolves with the host's answer. */
function hostCall(op, payload) {
  const id = currentCall;
  if (id === 0) return Promise.reject(new TypeError('host capabilities are only available while a call runs'));
  if (hostPendingCount >= MAX_HOST_PENDING) return Promise.reject(new RangeError('too many host calls waiting (' + MAX_HOST_PENDING + ')'));
  const req = nextHostReq++;
  return new Promise((resolve, reject) => {
    hostPending[req] = { id, resolve, reject };
    hostPendingCount++;
    hostCallback(id, req, op, payload);
  });
}

/** Host entry: the answer to a host call. */
function reply(id, req, ok, value) {
  const waiting = hostPending[req];
  if (waiting === undefined || waiting.id !== id || id !== currentCall) return;
  delete hostPending[req];
  hostPendingCount--;
  if (ok) waiting.resolve(value);
  else waiting.reject(guestError(value));
}

// ---- ctx.kv ----
function kvValue(value) {
  if (typeof value === 'string') return value;
  if (value instanceof ArrayBuffer) return new Uint8Array(value.slice(0));
  if (ArrayBuffer.isView(value)) return new Uint8Array(value.buffer.slice(value.byteOffset, value.byteOffset + value.byteLength));
  throw new TypeError('kv.put: the value must be a string, an ArrayBuffer or a typed array');
}

const kv = ObjectFreeze({
  async get(key) {
    const answer = await hostCall('kv.get', { key });
    return answer.value;
  },
  async put(key, value, options = undefined) {
    const ttlSeconds = options !== null && typeof options === 'object' ? options.ttlSeconds : undefined;
    await hostCall('kv.put', { key, value: kvValue(value), ttlSeconds });
  },
  async delete(key) {
    await hostCall('kv.delete', { key });
  },
  async list(options = undefined) {
    const o = options !== null && typeof options === 'object' ? options : {};
    const answer = await hostCall('kv.list', { prefix: o.prefix, limit: o.limit, cursor: o.cursor });
    return { keys: answer.keys, cursor: answer.cursor, complete: answer.cursor === undefined };
  },
});
`;
