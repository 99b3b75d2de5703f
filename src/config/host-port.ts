/**
 * Addresses in the Config: `HOST:PORT` parsed for the servers that listen on them, and the loopback
 * test behind the secure default (src/config/cross-checks.ts).
 */
import { ErrorCodes, SpearletError } from '../errors.js';

export const HOST_PORT = /^(\[[^\]]+\]|[^:]+):(\d+)$/;

/** Parses and checks `HOST:PORT`; port 0 asks the OS for a free port. Throws INVALID_CONFIG naming `field`. */
export function parseHostPort(field: string, value: string): { host: string; port: number } {
  const m = HOST_PORT.exec(value);
  if (!m) throw new SpearletError(ErrorCodes.INVALID_CONFIG, `${field}: must be HOST:PORT, got '${value}'`, { field });
  const port = Number(m[2]);
  if (port > 65535) throw new SpearletError(ErrorCodes.INVALID_CONFIG, `${field}: port must be 0-65535, got ${port}`, { field });
  return { host: m[1], port };
}

/** True for addresses only this machine can reach (127.0.0.0/8, ::1, localhost). */
export function isLoopbackHost(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '').toLowerCase();
  return h === 'localhost' || h === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(h) || /^::ffff:127\./.test(h);
}
