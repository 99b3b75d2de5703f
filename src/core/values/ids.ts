/**
 * Time-sortable identifiers (ULID layout: 48-bit millisecond time + 80 random bits, Crockford
 * base32). Monotonic within one process: ids made in the same millisecond still sort in order.
 */
import { randomFillSync } from 'node:crypto';

const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

let lastTime = -1;
const lastRandom = new Uint8Array(10);
/** Random bytes drawn in bulk: one system call per 409 ids rather than one per id. */
const pool = new Uint8Array(4096);
let poolOffset = pool.length;

function fillRandom(target: Uint8Array): void {
  if (poolOffset + target.length > pool.length) {
    randomFillSync(pool);
    poolOffset = 0;
  }
  target.set(pool.subarray(poolOffset, poolOffset + target.length));
  poolOffset += target.length;
}

function encodeTime(ms: number): string {
  let out = '';
  for (let i = 0; i < 10; i++) {
    out = ALPHABET[ms % 32] + out;
    ms = Math.floor(ms / 32);
  }
  return out;
}

function encodeRandom(bytes: Uint8Array): string {
  // 80 bits → 16 base32 characters, most significant first.
  let out = '';
  let acc = 0;
  let bits = 0;
  for (const byte of bytes) {
    acc = (acc << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      bits -= 5;
      out += ALPHABET[(acc >> bits) & 31];
    }
    acc &= (1 << bits) - 1;
  }
  return out;
}

function increment(bytes: Uint8Array): void {
  for (let i = bytes.length - 1; i >= 0; i--) {
    if (bytes[i] < 255) {
      bytes[i]++;
      return;
    }
    bytes[i] = 0;
  }
}

/** A new ULID; strictly greater than every ULID this process made before. */
export function ulid(now = Date.now()): string {
  if (now <= lastTime) {
    increment(lastRandom);
    now = lastTime;
  } else {
    lastTime = now;
    fillRandom(lastRandom);
  }
  return encodeTime(now) + encodeRandom(lastRandom);
}

/** The epoch-ms time encoded in a ULID. */
export function ulidTime(id: string): number {
  let ms = 0;
  for (let i = 0; i < 10; i++) ms = ms * 32 + ALPHABET.indexOf(id[i]);
  return ms;
}

/** The smallest ULID at a time: a bound for "executions since". */
export function ulidFloor(ms: number): string {
  return encodeTime(ms) + '0'.repeat(16);
}

export const newTaskId = (): string => `task-${ulid()}`;
export const newExecutionId = (): string => `exec-${ulid()}`;
export const newInstanceId = (): string => `inst-${ulid()}`;
