/**
 * An error a host capability (fetch, KV) reports to guest code. It crosses the sandbox worker
 * channel as `{ name, message }` and the prelude rethrows it in the isolate as that built-in
 * (`TypeError`, `RangeError`) or as a DOMException (`AbortError`): guests see the errors the web
 * platform would give them, and never a host object.
 */
export type GuestErrorName = 'TypeError' | 'RangeError' | 'AbortError' | 'Error';

export class GuestError extends Error {
  constructor(
    readonly guestName: GuestErrorName,
    message: string,
  ) {
    super(message);
    this.name = 'GuestError';
  }
}

/** What crosses the channel. */
export interface WireGuestError {
  name: GuestErrorName;
  message: string;
}

const NAMES: ReadonlySet<string> = new Set(['TypeError', 'RangeError', 'AbortError', 'Error']);

/** An error already in wire form (it came over the sandbox worker channel). */
function isWireGuestError(err: unknown): err is WireGuestError {
  const e = err as WireGuestError | null;
  return typeof e === 'object' && e !== null && !(e instanceof Error) && NAMES.has(e.name) && typeof e.message === 'string';
}

/** Anything a capability threw, as the guest will see it; unexpected errors say little. */
export function toWireGuestError(err: unknown): WireGuestError {
  if (err instanceof GuestError) return { name: err.guestName, message: err.message };
  if (isWireGuestError(err)) return { name: err.name, message: err.message };
  return { name: 'Error', message: `host capability failed: ${err instanceof Error ? err.message : String(err)}` };
}
