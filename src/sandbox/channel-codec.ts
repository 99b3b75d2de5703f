/**
 * The worker channel's framing: how the batches of protocol messages (protocol.ts) cross the pipe
 * between the server and a sandbox worker (fd 4 of the worker, see worker-spawn.ts).
 *
 * A frame is a 4-byte little-endian length, a kind byte and the batch: JSON when every value in it
 * is plain data JSON carries exactly (a warm call's execute and outcome, logs, credits,
 * heartbeats), else V8's serialization of it (structured clone: bytes, BigInts, NaN, a Date in a
 * host call's payload, long strings), so every value arrives as it was sent. JSON costs less CPU
 * than structured clone for small messages, and a pipe of our own skips what Node's IPC channel
 * does around each message: together about 9 µs (server) and 7 µs (worker) less CPU per
 * execute/outcome round trip than structured clone over Node's IPC, a quarter of the channel's
 * cost, at one call per message (`bench/channel.ts`). Long strings go as V8 data because
 * JSON copies them several times (a 4 MB result took 17 ms instead of 4).
 *
 * One difference remains for batches sent as JSON: an object property whose value is `undefined`
 * is left out rather than carried as `undefined` (no reader tells the two apart). Non-enumerable
 * properties never travel, as with structured clone (the Config's secretsKey).
 */
import * as v8 from 'node:v8';

/** The worker's file descriptor of the channel's pipe (0-2 are stdio, 3 Node's IPC channel). */
export const CHANNEL_FD = 4;
const JSON_FRAME = 0;
const V8_FRAME = 1;
const HEADER_BYTES = 5;
/** Nesting past which a batch goes as V8 data rather than being checked further. */
const MAX_CHECKED_DEPTH = 32;
/** Strings longer than this go as V8 data (see above). */
const MAX_JSON_STRING = 64 * 1024;

/** One frame carrying `batch`. Throws what structured clone throws (a function in a payload). */
export function encodeFrame(batch: readonly unknown[]): Buffer {
  if (carriedByJson(batch, 0)) {
    const json = JSON.stringify(batch);
    const frame = Buffer.allocUnsafe(HEADER_BYTES + Buffer.byteLength(json));
    frame.writeUInt32LE(frame.length - 4, 0);
    frame[4] = JSON_FRAME;
    frame.write(json, HEADER_BYTES);
    return frame;
  }
  const data = v8.serialize(batch);
  const header = Buffer.allocUnsafe(HEADER_BYTES);
  header.writeUInt32LE(data.length + 1, 0);
  header[4] = V8_FRAME;
  return Buffer.concat([header, data]);
}

/** Reassembles frames from the pipe's chunks and hands over each batch, in order. */
export class FrameReader<T> {
  private chunks: Buffer[] = [];
  private buffered = 0;
  /** The byte length of the frame being gathered (header included), once its header is in. */
  private frameEnd = 0;

  constructor(private readonly onBatch: (batch: T[]) => void) {}

  /** Feeds a chunk read from the pipe. Throws on a frame that cannot be decoded. */
  push(chunk: Buffer): void {
    this.chunks.push(chunk);
    this.buffered += chunk.length;
    while (this.buffered >= HEADER_BYTES) {
      if (this.frameEnd === 0) {
        const first = this.chunks[0].length >= 4 ? this.chunks[0] : this.joined();
        this.frameEnd = 4 + first.readUInt32LE(0);
      }
      // A large frame arrives in many reads: join them once it is whole, not at every read.
      if (this.buffered < this.frameEnd) return;
      const all = this.joined();
      const end = this.frameEnd;
      const rest = all.subarray(end);
      this.chunks = rest.length > 0 ? [rest] : [];
      this.buffered = rest.length;
      this.frameEnd = 0;
      this.onBatch(decode(all, end) as T[]);
    }
  }

  private joined(): Buffer {
    if (this.chunks.length > 1) this.chunks = [Buffer.concat(this.chunks)];
    return this.chunks[0];
  }
}

function decode(frame: Buffer, end: number): unknown {
  switch (frame[4]) {
    case JSON_FRAME:
      return JSON.parse(frame.toString('utf8', HEADER_BYTES, end));
    case V8_FRAME:
      return v8.deserialize(frame.subarray(HEADER_BYTES, end));
    default:
      throw new Error(`unknown frame kind ${frame[4]} on the worker channel`);
  }
}

/** True when JSON.parse(JSON.stringify(value)) gives `value` back (up to `undefined` properties), cheaply. */
function carriedByJson(value: unknown, depth: number): boolean {
  switch (typeof value) {
    case 'string':
      return value.length <= MAX_JSON_STRING;
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
