/**
 * The server side of a guest's `fetch`: one Egress per execution performs its HTTP(S) requests
 * under the egress policy and the execution's caps. The guest never touches a socket; the prelude
 * (runtimes/v8-isolate/prelude-fetch.ts) sends `open` / `write` / `end` / `head` / `read` /
 * `cancel` host calls, which the CapabilitySession routes here.
 *
 * DNS rebinding cannot pass: node:http is given a `lookup` that resolves the name, checks every
 * address and hands the socket only checked addresses, so the address connected to is the one
 * checked. IP literals are checked before the request. Every redirect hop is a new request, checked
 * the same way and counted against the caps.
 */
import * as dns from 'node:dns';
import * as http from 'node:http';
import * as https from 'node:https';
import { isIP, type LookupFunction } from 'node:net';
import { PassThrough } from 'node:stream';
import type { CapabilityConfig } from './capability-config.js';
import { type HostPattern, isNonPublicAddress, namedExactly, patternMatches, type Target } from './egress-policy.js';
import { GuestError } from './guest-error.js';

/** How a fetch ended, for the Prometheus counter. */
export type EgressOutcome = 'ok' | 'refused' | 'failed' | 'aborted';

export interface EgressOptions {
  config: CapabilityConfig;
  /** The task's `allowed_hosts`, parsed. */
  taskPatterns: readonly HostPattern[];
  /** Aborted when the execution ends (deadline, cancel, finished). */
  signal: AbortSignal;
  /** A refusal, as a log line of the execution. */
  refused(message: string): void;
  /** Counts one fetch by outcome. */
  outcome(outcome: EgressOutcome): void;
}

export interface OpenRequest {
  url: string;
  method: string;
  headers: Array<[string, string]>;
  /** The whole body, or undefined for none or a streamed one. */
  body?: Uint8Array;
  /** The body follows in `write` calls and ends with `end`. */
  streamed: boolean;
  redirect: 'follow' | 'manual' | 'error';
}

export interface ResponseHead {
  status: number;
  statusText: string;
  headers: Array<[string, string]>;
  url: string;
  redirected: boolean;
}

interface Exchange {
  controller: AbortController;
  stream?: PassThrough;
  sent: number;
  received: number;
  head: Promise<ResponseHead>;
  body?: AsyncIterator<Buffer>;
  closed: boolean;
}

const REDIRECTS = new Set([301, 302, 303, 307, 308]);
const FORBIDDEN_HEADERS = new Set(['host', 'connection', 'content-length', 'transfer-encoding', 'keep-alive', 'upgrade', 'te', 'trailer', 'proxy-authorization', 'proxy-connection']);
const METHOD = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
/** Longest URL, and most header bytes (names and values) one request may carry. */
const MAX_URL_CHARS = 16 * 1024;
const MAX_HEADER_BYTES = 64 * 1024;

export class Egress {
  /** Network requests sent (redirect hops included). */
  requests = 0;
  /** Request and response body bytes. */
  bytes = 0;
  private nextId = 1;
  private readonly exchanges = new Map<number, Exchange>();

  constructor(private readonly o: EgressOptions) {
    o.signal.addEventListener('abort', () => this.closeAll(), { once: true });
  }

  private get config(): CapabilityConfig {
    return this.o.config;
  }

  /** Starts a request; returns its id once it is allowed and sent (its head comes later). */
  open(req: OpenRequest): number {
    try {
      return this.start(req);
    } catch (err) {
      // Refused before anything went out; later outcomes are counted by `exchange`.
      this.o.outcome(err instanceof GuestError && err.message.startsWith('fetch refused') ? 'refused' : 'failed');
      throw err;
    }
  }

  private start(req: OpenRequest): number {
    if (this.o.signal.aborted) throw new GuestError('AbortError', 'the execution has ended');
    if (typeof req.url !== 'string' || req.url.length > MAX_URL_CHARS) throw new GuestError('TypeError', `fetch: the URL must be a string of at most ${MAX_URL_CHARS} characters`);
    if (!Array.isArray(req.headers) || req.headers.reduce((n, [k, v]) => n + String(k).length + String(v).length, 0) > MAX_HEADER_BYTES) {
      throw new GuestError('TypeError', `fetch: the request headers must total at most ${MAX_HEADER_BYTES} bytes`);
    }
    let url: URL;
    try {
      url = new URL(req.url);
    } catch {
      throw new GuestError('TypeError', `fetch: invalid URL '${String(req.url).slice(0, 200)}'`);
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') this.refuse(`scheme '${url.protocol}' is not allowed (http: and https: only)`, url);
    if (!METHOD.test(req.method)) throw new GuestError('TypeError', `fetch: '${req.method.slice(0, 50)}' is not a valid HTTP method`);
    if (req.body && req.body.byteLength > this.config.egressMaxRequestBytes) {
      this.refuse(`the request body (${req.body.byteLength} bytes) is over the limit of ${this.config.egressMaxRequestBytes} bytes (egressMaxRequestBytes)`, url);
    }
    let open = 0;
    for (const x of this.exchanges.values()) if (!x.closed) open++;
    if (open >= this.config.egressMaxConcurrent) this.refuse(`${open} requests are already open, the limit per execution (egressMaxConcurrent)`, url);
    this.admit(url);
    const id = this.nextId++;
    const controller = new AbortController();
    const x: Exchange = { controller, sent: req.body?.byteLength ?? 0, received: 0, closed: false, head: undefined as unknown as Promise<ResponseHead> };
    if (req.streamed) x.stream = new PassThrough();
    this.bytes += x.sent;
    x.head = this.exchange(x, url, req);
    x.head.catch(() => this.close(id));
    this.exchanges.set(id, x);
    return id;
  }

  /** Checks the policy for one request to `url` and counts it; throws the refusal. */
  private admit(url: URL): void {
    const target = targetOf(url);
    const where = `${target.host.includes(':') ? `[${target.host}]` : target.host}:${target.port}`;
    if (!this.config.egressPatterns.some((p) => patternMatches(p, target))) this.refuse(`host '${where}' is not allowed by the server's egress policy (--egress-allow)`, url);
    if (!this.o.taskPatterns.some((p) => patternMatches(p, target))) this.refuse(`host '${where}' is not in the task's allowed_hosts`, url);
    if (isIP(target.host) !== 0) this.checkAddress(target, target.host, url);
    if (this.requests >= this.config.egressMaxRequests) this.refuse(`the execution has made ${this.requests} requests, its limit (egressMaxRequests)`, url);
    this.requests++;
  }

  private checkAddress(target: Target, address: string, url: URL): void {
    if (isNonPublicAddress(address) && !namedExactly(this.config.egressPatterns, target)) {
      this.refuse(`'${target.host}' resolves to ${address}, a loopback, private or link-local address the server's egress policy does not name`, url);
    }
  }

  private refuse(rule: string, url: URL): never {
    const message = `fetch refused: ${rule}`;
    this.o.refused(`${message} (${url.origin})`);
    throw new GuestError('TypeError', message);
  }

  /** Sends the request, following redirects as asked; resolves with the final response's head. */
  private async exchange(x: Exchange, first: URL, req: OpenRequest): Promise<ResponseHead> {
    let url = first;
    let method = req.method.toUpperCase();
    let body = req.body;
    let headers = req.headers.filter(([name]) => !FORBIDDEN_HEADERS.has(name.toLowerCase()));
    let streamed = req.streamed;
    try {
      for (let hops = 0; ; hops++) {
        const res = await this.send(x, url, method, headers, body, streamed ? x.stream : undefined);
        const location = res.headers.location;
        if (!REDIRECTS.has(res.statusCode ?? 0) || req.redirect === 'manual' || location === undefined) {
          const length = Number(res.headers['content-length']);
          if (Number.isFinite(length) && length > this.config.egressMaxResponseBytes) {
            res.destroy();
            this.refuse(`the response body (${length} bytes) is over the limit of ${this.config.egressMaxResponseBytes} bytes (egressMaxResponseBytes)`, url);
          }
          x.body = res[Symbol.asyncIterator]();
          this.o.outcome('ok');
          return { status: res.statusCode ?? 0, statusText: res.statusMessage ?? '', headers: pairs(res.rawHeaders), url: url.href, redirected: hops > 0 };
        }
        res.destroy();
        if (req.redirect === 'error') throw new GuestError('TypeError', `fetch failed: redirected to ${location.slice(0, 200)} with redirect mode "error"`);
        if (hops >= this.config.egressMaxRedirects) throw new GuestError('TypeError', `fetch failed: more than ${this.config.egressMaxRedirects} redirects (egressMaxRedirects)`);
        const next = new URL(location, url);
        const status = res.statusCode ?? 0;
        if (status === 303 || ((status === 301 || status === 302) && method === 'POST')) {
          if (method !== 'HEAD') method = 'GET';
          body = undefined;
          streamed = false;
          headers = headers.filter(([name]) => !/^content-/i.test(name));
        } else if (streamed) {
          throw new GuestError('TypeError', `fetch failed: cannot follow a ${status} redirect with a streamed request body`);
        }
        if (next.origin !== url.origin) headers = headers.filter(([name]) => !/^(authorization|cookie)$/i.test(name));
        if (next.protocol !== 'http:' && next.protocol !== 'https:') this.refuse(`redirect to scheme '${next.protocol}' is not allowed`, next);
        this.admit(next);
        url = next;
      }
    } catch (err) {
      const outcome: EgressOutcome = err instanceof GuestError && err.message.startsWith('fetch refused') ? 'refused' : x.controller.signal.aborted ? 'aborted' : 'failed';
      this.o.outcome(outcome);
      if (err instanceof GuestError) throw err;
      if (x.controller.signal.aborted) throw new GuestError('AbortError', 'the request was aborted');
      throw new GuestError('TypeError', `fetch failed: ${(err as Error).message}`);
    }
  }

  private send(x: Exchange, url: URL, method: string, headers: Array<[string, string]>, body: Uint8Array | undefined, stream: PassThrough | undefined): Promise<http.IncomingMessage> {
    const target = targetOf(url);
    const client = url.protocol === 'https:' ? https : http;
    return new Promise((resolve, reject) => {
      const outgoing: Record<string, string> = {};
      for (const [name, value] of headers) {
        const key = name.toLowerCase();
        outgoing[key] = outgoing[key] === undefined ? value : `${outgoing[key]}, ${value}`;
      }
      const request = client.request(
        {
          protocol: url.protocol,
          hostname: target.host,
          port: target.port,
          path: url.pathname + url.search,
          method,
          headers: outgoing,
          lookup: this.lookupFor(target, url),
          signal: x.controller.signal,
          agent: false,
        },
        resolve,
      );
      request.on('error', reject);
      if (stream) stream.pipe(request);
      else request.end(body);
    });
  }

  /** A `lookup` that resolves the name and refuses it when any answer is an address it may not reach. */
  private lookupFor(target: Target, url: URL): LookupFunction {
    return ((hostname: string, options: dns.LookupOptions, callback: (err: Error | null, address: string | dns.LookupAddress[], family?: number) => void) => {
      const fixed = this.config.egressHosts[hostname.toLowerCase()];
      const resolved: Promise<dns.LookupAddress[]> = fixed !== undefined ? Promise.resolve([{ address: fixed, family: isIP(fixed) }]) : dns.promises.lookup(hostname, { all: true });
      resolved.then(
        (addresses) => {
          try {
            for (const a of addresses) this.checkAddress(target, a.address, url);
          } catch (err) {
            callback(err as Error, '');
            return;
          }
          if (options.all === true) callback(null, addresses);
          else if (addresses.length === 0) callback(new Error(`no address for ${hostname}`), '');
          else callback(null, addresses[0].address, addresses[0].family);
        },
        (err: Error) => callback(err, ''),
      );
    }) as LookupFunction;
  }

  private get(id: unknown): Exchange {
    const x = typeof id === 'number' ? this.exchanges.get(id) : undefined;
    if (!x) throw new GuestError('TypeError', 'fetch: unknown or finished request');
    return x;
  }

  /** One chunk of a streamed request body; resolves when the socket took it. */
  async write(id: unknown, chunk: Uint8Array): Promise<void> {
    const x = this.get(id);
    if (!x.stream || x.closed) throw new GuestError('TypeError', 'fetch: the request body is closed');
    x.sent += chunk.byteLength;
    this.bytes += chunk.byteLength;
    if (x.sent > this.config.egressMaxRequestBytes) {
      const message = `fetch refused: the request body is over the limit of ${this.config.egressMaxRequestBytes} bytes (egressMaxRequestBytes)`;
      this.o.refused(message);
      x.controller.abort();
      throw new GuestError('TypeError', message);
    }
    if (!x.stream.write(chunk)) await new Promise<void>((resolve) => x.stream!.once('drain', resolve));
  }

  end(id: unknown): void {
    this.get(id).stream?.end();
  }

  head(id: unknown): Promise<ResponseHead> {
    return this.get(id).head;
  }

  /** The next chunk of the response body, or null at its end. */
  async read(id: unknown): Promise<Uint8Array | null> {
    const x = this.get(id);
    if (!x.body) throw new GuestError('TypeError', 'fetch: the response has no body yet');
    let step: IteratorResult<Buffer>;
    try {
      step = await x.body.next();
    } catch (err) {
      this.closeExchange(x);
      if (x.controller.signal.aborted) throw new GuestError('AbortError', 'the request was aborted');
      throw new GuestError('TypeError', `fetch: reading the response body failed: ${(err as Error).message}`);
    }
    if (step.done) {
      this.closeExchange(x);
      return null;
    }
    x.received += step.value.byteLength;
    this.bytes += step.value.byteLength;
    if (x.received > this.config.egressMaxResponseBytes) {
      this.closeExchange(x);
      const message = `fetch refused: the response body is over the limit of ${this.config.egressMaxResponseBytes} bytes (egressMaxResponseBytes)`;
      this.o.refused(message);
      throw new GuestError('TypeError', message);
    }
    return new Uint8Array(step.value.buffer, step.value.byteOffset, step.value.byteLength);
  }

  cancel(id: unknown): void {
    const x = typeof id === 'number' ? this.exchanges.get(id) : undefined;
    if (x) this.closeExchange(x);
  }

  private close(id: number): void {
    const x = this.exchanges.get(id);
    if (x) this.closeExchange(x);
  }

  private closeExchange(x: Exchange): void {
    if (x.closed) return;
    x.closed = true;
    x.controller.abort();
    x.stream?.destroy();
  }

  /** The execution ended: every request still open is aborted. */
  closeAll(): void {
    for (const x of this.exchanges.values()) this.closeExchange(x);
  }
}

function targetOf(url: URL): Target {
  const defaultPort = url.protocol === 'https:' ? 443 : 80;
  const host = url.hostname.replace(/^\[|\]$/g, '').toLowerCase();
  return { host, port: url.port === '' ? defaultPort : Number(url.port), defaultPort };
}

function pairs(raw: string[]): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  for (let i = 0; i + 1 < raw.length; i += 2) out.push([raw[i].toLowerCase(), raw[i + 1]]);
  return out;
}
