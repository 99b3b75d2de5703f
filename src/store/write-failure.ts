/**
 * What the RocksDB store does when writing fails for a storage reason (disk full, I/O error).
 *
 * RocksDB then refuses every later write, even once space is back, until the database is opened
 * again; what it acknowledged before is in its write-ahead log and survives that reopen. So the
 * store remembers the failure, refuses new work with STORE_UNAVAILABLE (gRPC UNAVAILABLE) and a
 * message that says what happened and what to do, and tries a reopen at most once per
 * RECOVERY_INTERVAL_MS; the first reopen that succeeds ends the failure.
 */
import { statfs } from 'node:fs/promises';
import { type SpearletError, storeUnavailable } from '../errors.js';
import { describeLevelError } from './rocksdb-level.js';

export const RECOVERY_INTERVAL_MS = 1000;

/**
 * A reopen is only tried with this much free space: it writes a new log and manifest, and a
 * reopen that fails leaves no handle to read with.
 */
export const RECOVERY_MIN_FREE_BYTES = 8 * 1024 * 1024;

/** Free bytes (for an unprivileged user) on the file system holding `dir`. */
export async function freeBytes(dir: string): Promise<number> {
  const s = await statfs(dir);
  return s.bavail * s.bsize;
}

const NO_SPACE = /no space left|ENOSPC/i;
const STORAGE = /IO error|Seen error|read-only|read only|ENOSPC|EIO|EROFS|Corruption/i;

export class WriteFailure {
  private detail: string | undefined;
  private since = 0;
  private lastAttempt = 0;

  get failed(): boolean {
    return this.detail !== undefined;
  }

  /** Remembers `err` when it is a storage failure (other errors, e.g. bad input, are not). */
  note(err: unknown): void {
    const detail = describeLevelError(err);
    if (!STORAGE.test(detail) || this.detail !== undefined) return;
    this.detail = detail;
    this.since = Date.now();
  }

  /** The error new work is refused with while the failure lasts. */
  error(operation: string): SpearletError {
    const detail = this.detail ?? 'unknown storage failure';
    const what = NO_SPACE.test(detail)
      ? 'the disk of the data directory is full; new work is refused until space is freed'
      : 'the data directory cannot be written; new work is refused until it can';
    const since = new Date(this.since).toISOString();
    return storeUnavailable(operation, new Error(`${what} (since ${since}; records acknowledged before are kept): ${detail}`));
  }

  /** True when a recovery attempt is due (and counts this as the attempt). */
  attemptDue(now = Date.now()): boolean {
    if (now - this.lastAttempt < RECOVERY_INTERVAL_MS) return false;
    this.lastAttempt = now;
    return true;
  }

  recovered(): void {
    this.detail = undefined;
  }
}
