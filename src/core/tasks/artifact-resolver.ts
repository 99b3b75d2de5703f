/**
 * Where artifact bytes come from (spec: "Where artifact bytes come from"): a data: URI, a file
 * inside the configured artifact roots (a path or file:// URL), or an http(s) URL on an
 * allow-listed host. Every form is size-capped, and the bytes are checked against `checksum`.
 */
import { createHash } from 'node:crypto';
import { constants as fsConstants } from 'node:fs';
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Config } from '../../config.js';
import { ErrorCodes, SpearletError, invalidArgument } from '../../errors.js';
import type { ArtifactSpec__Output } from '../../generated/spearlet/ArtifactSpec.js';

const LOCATION = 'artifact_spec.location';
const CHECKSUM = 'artifact_spec.checksum';
const FORMS = 'a data: URI, a path or file:// URL inside the artifact roots, or an http(s):// URL on an allowed host';

/** Time allowed for an http(s) artifact, body included. */
export const HTTP_TIMEOUT_MS = 10_000;
const MAX_REDIRECTS = 5;

export interface ResolvedArtifact {
  bytes: Uint8Array;
  /** sha256 of `bytes`, lowercase hex. */
  digest: string;
}

export interface ResolveOptions {
  /** Overrides HTTP_TIMEOUT_MS (tests). */
  httpTimeoutMs?: number;
}

/**
 * Reads the bytes `spec.location` names and checks them against `spec.checksum`. Called by the
 * task registry when a task is created. Throws SpearletError: INVALID_ARGUMENT (location missing
 * or malformed, unsupported scheme, malformed checksum), ARTIFACT_FORBIDDEN (outside the artifact
 * roots, host not allowed), ARTIFACT_UNREADABLE (missing file, directory, HTTP error, timeout),
 * ARTIFACT_TOO_LARGE (over config.maxArtifactBytes), CHECKSUM_MISMATCH. `field` names the spec
 * field at fault.
 */
export async function resolveArtifact(
  spec: ArtifactSpec__Output,
  config: Config,
  fetchImpl: typeof globalThis.fetch = globalThis.fetch,
  options: ResolveOptions = {},
): Promise<ResolvedArtifact> {
  const location = spec.location ?? '';
  if (location.trim() === '') throw invalidArgument(LOCATION, 'is required');
  const expected = parseChecksum(spec.checksum ?? '');
  const bytes = await readLocation(location, config, fetchImpl, options.httpTimeoutMs ?? HTTP_TIMEOUT_MS);
  const digest = createHash('sha256').update(bytes).digest('hex');
  if (expected !== undefined && expected !== digest) {
    throw new SpearletError(ErrorCodes.CHECKSUM_MISMATCH, `${CHECKSUM}: expected sha256:${expected}, artifact has sha256:${digest}`, {
      field: CHECKSUM,
    });
  }
  return { bytes, digest };
}

/** `sha256:<hex>` or bare hex → lowercase hex; empty → no check. */
function parseChecksum(checksum: string): string | undefined {
  const text = checksum.trim();
  if (text === '') return undefined;
  let hex = text;
  const colon = text.indexOf(':');
  if (colon >= 0) {
    const algorithm = text.slice(0, colon);
    if (algorithm.toLowerCase() !== 'sha256') {
      throw invalidArgument(CHECKSUM, `unsupported algorithm '${algorithm}': use sha256:<64 hex digits> or 64 hex digits`);
    }
    hex = text.slice(colon + 1);
  }
  if (!/^[0-9a-fA-F]{64}$/.test(hex)) throw invalidArgument(CHECKSUM, `must be sha256:<64 hex digits> or 64 hex digits, got '${text}'`);
  return hex.toLowerCase();
}

function readLocation(location: string, config: Config, fetchImpl: typeof fetch, timeoutMs: number): Promise<Uint8Array> {
  const scheme = /^([a-zA-Z][a-zA-Z0-9+.-]*):/.exec(location)?.[1].toLowerCase();
  switch (scheme) {
    case undefined:
      return readFile(location, config);
    case 'data':
      return Promise.resolve(decodeDataUri(location, config));
    case 'file': {
      let file: string;
      try {
        file = fileURLToPath(location);
      } catch (err) {
        throw invalidArgument(LOCATION, `malformed file URL: ${(err as Error).message}`);
      }
      return readFile(file, config);
    }
    case 'http':
    case 'https':
      return fetchArtifact(location, config, fetchImpl, timeoutMs);
    default:
      throw invalidArgument(LOCATION, `unsupported scheme '${scheme}:'; use ${FORMS}`);
  }
}

function tooLarge(size: number | string, config: Config): SpearletError {
  return new SpearletError(
    ErrorCodes.ARTIFACT_TOO_LARGE,
    `${LOCATION}: artifact is ${size} bytes, over the limit of ${config.maxArtifactBytes} bytes`,
    { field: LOCATION },
  );
}

function unreadable(problem: string, cause?: unknown): SpearletError {
  return new SpearletError(ErrorCodes.ARTIFACT_UNREADABLE, `${LOCATION}: ${problem}`, { field: LOCATION, cause });
}

function forbidden(problem: string): SpearletError {
  return new SpearletError(ErrorCodes.ARTIFACT_FORBIDDEN, `${LOCATION}: ${problem}`, { field: LOCATION });
}

// data: URIs (RFC 2397, decoded as the WHATWG fetch spec does, but strict about malformed input)

function hexDigit(c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  const lower = c | 0x20;
  return lower >= 0x61 && lower <= 0x66 ? lower - 0x61 + 10 : -1;
}

function percentDecode(text: string): Buffer {
  const bytes = Buffer.from(text, 'utf8');
  if (!text.includes('%')) return bytes;
  const out = Buffer.alloc(bytes.length);
  let n = 0;
  for (let i = 0; i < bytes.length; i++) {
    if (bytes[i] !== 0x25) {
      out[n++] = bytes[i];
      continue;
    }
    const hi = hexDigit(bytes[i + 1]);
    const lo = hexDigit(bytes[i + 2]);
    if (hi < 0 || lo < 0) {
      throw invalidArgument(LOCATION, `malformed data: URI: '%' must start an escape of two hex digits, got '${bytes.subarray(i, i + 3).toString('latin1')}'`);
    }
    out[n++] = hi * 16 + lo;
    i += 2;
  }
  return out.subarray(0, n);
}

function decodeDataUri(location: string, config: Config): Uint8Array {
  const comma = location.indexOf(',');
  if (comma < 0) throw invalidArgument(LOCATION, "malformed data: URI: expected data:[<mediatype>][;base64],<data>, found no ','");
  const meta = location.slice('data:'.length, comma);
  let bytes = percentDecode(location.slice(comma + 1));
  if (/;\s*base64\s*$/i.test(meta)) {
    const text = bytes.toString('latin1').replace(/[\t\n\f\r ]+/g, '');
    const padded = text.endsWith('=');
    if (!/^[A-Za-z0-9+/]*={0,2}$/.test(text) || (padded && text.length % 4 !== 0) || text.length % 4 === 1) {
      throw invalidArgument(LOCATION, 'malformed data: URI: the data is not valid base64');
    }
    bytes = Buffer.from(text, 'base64');
  }
  if (bytes.length > config.maxArtifactBytes) throw tooLarge(bytes.length, config);
  return bytes;
}

// Files inside the artifact roots

function isInside(file: string, root: string): boolean {
  return file === root || file.startsWith(root.endsWith(path.sep) ? root : root + path.sep);
}

function errnoCode(err: unknown): string | undefined {
  return (err as NodeJS.ErrnoException | undefined)?.code;
}

function describeFsError(err: unknown): string {
  switch (errnoCode(err)) {
    case 'ENOENT':
    case 'ENOTDIR':
      return 'no such file';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'ELOOP':
      return 'too many levels of symbolic links';
    default:
      return (err as Error).message;
  }
}

async function readFile(location: string, config: Config): Promise<Uint8Array> {
  if (location.includes('\0')) throw invalidArgument(LOCATION, 'must not contain a NUL character');
  const roots = config.artifactRoots;
  // Roots are compared by their real paths too (a root may itself sit behind a symlink); a root
  // that does not exist contains nothing.
  const realRoots = (await Promise.all(roots.map((r) => fs.realpath(r).catch(() => undefined)))).filter(
    (r): r is string => r !== undefined,
  );
  const rootList = roots.join(', ');
  const candidates = path.isAbsolute(location) ? [path.resolve(location)] : roots.map((r) => path.resolve(r, location));
  const missing: string[] = [];
  for (const candidate of candidates) {
    // Refused before touching the file system, so the answer says nothing about what exists outside.
    if (!roots.some((r) => isInside(candidate, r)) && !realRoots.some((r) => isInside(candidate, r))) {
      throw forbidden(`${candidate} is outside the artifact roots (${rootList})`);
    }
    let real: string;
    try {
      real = await fs.realpath(candidate);
    } catch (err) {
      const code = errnoCode(err);
      if (code === 'ENOENT' || code === 'ENOTDIR') {
        missing.push(candidate);
        continue; // a relative path may be in a later root
      }
      throw unreadable(`cannot read ${candidate}: ${describeFsError(err)}`, err);
    }
    if (!realRoots.some((r) => isInside(real, r))) {
      throw forbidden(`${real === candidate ? candidate : `${candidate} (resolves to ${real})`} is outside the artifact roots (${rootList})`);
    }
    return readRegularFile(real, config, (opened) => {
      // The path was checked, then opened: a directory on it swapped for a symlink in between
      // would have led the open outside. What counts is where the opened descriptor really is.
      if (!realRoots.some((r) => isInside(opened, r))) throw forbidden(`${candidate} (resolves to ${opened}) is outside the artifact roots (${rootList})`);
    });
  }
  throw unreadable(`no such file: ${missing.join(', ')}`);
}

/**
 * The real path of an open descriptor, read from /proc/self/fd (Linux): it names the file the
 * descriptor was opened on, whatever symlinks led there. Undefined where /proc is not mounted.
 */
async function openedPath(handle: fs.FileHandle): Promise<string | undefined> {
  try {
    return await fs.readlink(`/proc/self/fd/${handle.fd}`);
  } catch {
    return undefined;
  }
}

async function readRegularFile(file: string, config: Config, checkOpened: (real: string) => void): Promise<Uint8Array> {
  let handle: fs.FileHandle;
  try {
    // O_NOFOLLOW: the real path must not have become a symlink since it was checked;
    // O_NONBLOCK: opening a FIFO must not wait for a writer.
    handle = await fs.open(file, fsConstants.O_RDONLY | fsConstants.O_NOFOLLOW | fsConstants.O_NONBLOCK);
  } catch (err) {
    throw unreadable(`cannot read ${file}: ${describeFsError(err)}`, err);
  }
  try {
    const opened = await openedPath(handle);
    if (opened !== undefined) checkOpened(opened);
    else if (!sameFile(await handle.stat(), await fs.stat(file))) throw unreadable(`${file} changed while it was being opened`);
    const stat = await handle.stat();
    if (stat.isDirectory()) throw unreadable(`${file} is a directory, not a file`);
    if (!stat.isFile()) throw unreadable(`${file} is not a regular file`);
    if (stat.size > config.maxArtifactBytes) throw tooLarge(stat.size, config);
    // One byte more than stat said, to notice a file that grows while it is read.
    const buf = Buffer.alloc(stat.size + 1);
    let n = 0;
    while (n < buf.length) {
      const { bytesRead } = await handle.read(buf, n, buf.length - n, n);
      if (bytesRead === 0) break;
      n += bytesRead;
    }
    if (n > stat.size) throw unreadable(`${file} changed while it was being read`);
    return buf.subarray(0, n);
  } catch (err) {
    if (err instanceof SpearletError) throw err;
    throw unreadable(`cannot read ${file}: ${describeFsError(err)}`, err);
  } finally {
    await handle.close().catch(() => undefined);
  }
}

function sameFile(a: { dev: number; ino: number }, b: { dev: number; ino: number }): boolean {
  return a.dev === b.dev && a.ino === b.ino;
}

// http(s) from allow-listed hosts

/** The URL as shown in messages: no credentials, no query (either may hold secrets). */
function shown(url: URL): string {
  return `${url.origin}${url.pathname}`;
}

function checkHost(url: URL, config: Config): void {
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw forbidden(`redirected to ${url.protocol} URL, which is not allowed`);
  const host = url.hostname.toLowerCase().replace(/^\[(.*)\]$/, '$1'); // IPv6 without brackets
  const allowed = config.httpAllowHosts;
  if (!allowed.includes(host) && !allowed.includes(`[${host}]`)) {
    const list = allowed.length > 0 ? `allowed hosts: ${allowed.join(', ')}` : 'no hosts are allowed';
    throw forbidden(`host '${host}' of ${shown(url)} is not allowed (${list})`);
  }
}

/** Settles with `promise`, or rejects when `signal` aborts (whether or not fetchImpl honours it). */
function abortable<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (v) => {
        signal.removeEventListener('abort', onAbort);
        resolve(v);
      },
      (err) => {
        signal.removeEventListener('abort', onAbort);
        reject(err);
      },
    );
  });
}

async function fetchArtifact(location: string, config: Config, fetchImpl: typeof fetch, timeoutMs: number): Promise<Uint8Array> {
  let url: URL;
  try {
    url = new URL(location);
  } catch {
    throw invalidArgument(LOCATION, `malformed URL '${location}'`);
  }
  const signal = AbortSignal.timeout(timeoutMs);
  const failed = (err: unknown): SpearletError => {
    if (err instanceof SpearletError) return err;
    if (signal.aborted) return unreadable(`timed out after ${timeoutMs} ms fetching ${shown(url)}`, err);
    const cause = (err as Error & { cause?: Error }).cause;
    return unreadable(`fetching ${shown(url)} failed: ${(err as Error).message}${cause?.message ? ` (${cause.message})` : ''}`, err);
  };
  for (let redirects = 0; ; redirects++) {
    checkHost(url, config);
    let res: Response;
    try {
      // Redirects are followed here, so that every hop's host is checked against the allow-list.
      res = await abortable(fetchImpl(url, { signal, redirect: 'manual' }), signal);
    } catch (err) {
      throw failed(err);
    }
    const next = res.status >= 300 && res.status < 400 ? res.headers.get('location') : null;
    if (next !== null) {
      await res.body?.cancel().catch(() => undefined);
      if (redirects >= MAX_REDIRECTS) throw unreadable(`more than ${MAX_REDIRECTS} redirects fetching ${shown(url)}`);
      url = new URL(next, url);
      continue;
    }
    if (!res.ok) {
      await res.body?.cancel().catch(() => undefined);
      throw unreadable(`GET ${shown(url)} answered HTTP ${res.status}${res.statusText ? ` ${res.statusText}` : ''}`);
    }
    const declared = Number(res.headers.get('content-length') ?? Number.NaN);
    if (declared > config.maxArtifactBytes) {
      await res.body?.cancel().catch(() => undefined);
      throw tooLarge(declared, config);
    }
    try {
      return await readBody(res, config, signal);
    } catch (err) {
      throw failed(err);
    }
  }
}

/** Reads the body, never holding more than the cap (plus one chunk) in memory. */
async function readBody(res: Response, config: Config, signal: AbortSignal): Promise<Uint8Array> {
  if (res.body === null) return new Uint8Array(0);
  const reader = res.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  try {
    for (;;) {
      const { done, value } = await abortable(reader.read(), signal);
      if (done) break;
      total += value.byteLength;
      if (total > config.maxArtifactBytes) throw tooLarge(`at least ${total}`, config);
      chunks.push(value);
    }
  } catch (err) {
    await reader.cancel().catch(() => undefined);
    throw err;
  }
  return Buffer.concat(chunks, total);
}
