/**
 * How the batches of protocol messages (protocol.ts) cross the worker channel.
 *
 * The channel is Node's child-process IPC with `serialization: 'json'`. Almost every message is
 * plain data JSON carries exactly (a warm call's execute and outcome, logs, credits, heartbeats),
 * and JSON costs less than structured clone: about 5 µs less CPU per execute/outcome round trip
 * in each process at one call per message, a fifth of the channel's cost (`bench/channel.ts`).
 * A message JSON would change (bytes, BigInts, NaN, -0, an `undefined` in an array, a Date or a
 * Map in a host call's payload) goes as V8's serialization of it, structured clone as before, in
 * base64 inside a `cloned` wrapper; so does the first message (`init`) whatever it holds.
 *
 * One difference remains for the messages sent as JSON: an object property whose value is
 * `undefined` is left out rather than carried as `undefined` (no reader tells the two apart).
 * Non-enumerable properties never travel, as with structured clone (the Config's secretsKey).
 */
import * as v8 from 'node:v8';

/** A message carried as V8's serialization of it. */
interface Cloned {
  type: 'cloned';
  data: string;
}

/** Nesting past which a message is cloned rather than checked further. */
const MAX_CHECKED_DEPTH = 32;

/** The batch as it goes on the channel (Node's IPC JSON-encodes it). Throws what structured clone throws (a function). */
export function toChannel<T extends { type: string }>(batch: readonly T[]): Array<T | Cloned> {
  const out: Array<T | Cloned> = [];
  for (const message of batch) out.push(message.type !== 'init' && carriedByJson(message, 0) ? message : clone(message));
  return out;
}

/** The batch `toChannel` was given, from what arrived. */
export function fromChannel<T>(batch: ReadonlyArray<T | Cloned>): T[] {
  const out: T[] = [];
  for (const message of batch) out.push(isCloned(message) ? (v8.deserialize(Buffer.from(message.data, 'base64')) as T) : message);
  return out;
}

function clone(message: unknown): Cloned {
  return { type: 'cloned', data: v8.serialize(message).toString('base64') };
}

function isCloned(message: unknown): message is Cloned {
  return (message as { type?: unknown }).type === 'cloned';
}

/** True when JSON.parse(JSON.stringify(value)) gives `value` back (up to `undefined` properties). */
function carriedByJson(value: unknown, depth: number): boolean {
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return true;
    case 'number':
      return Number.isFinite(value) && (value !== 0 || 1 / value > 0);
    case 'object': {
      if (value === null) return true;
      if (depth > MAX_CHECKED_DEPTH) return false;
      if (Array.isArray(value)) {
        for (const item of value) if (!carriedByJson(item, depth + 1)) return false;
        return true;
      }
      const proto: unknown = Object.getPrototypeOf(value);
      if (proto !== Object.prototype && proto !== null) return false;
      for (const key in value) {
        if (key === '__proto__') return false;
        const item = (value as Record<string, unknown>)[key];
        if (item !== undefined && !carriedByJson(item, depth + 1)) return false;
      }
      return true;
    }
    default:
      return false;
  }
}
