/**
 * A local HTTP server on 127.0.0.1 that stands in for the internet in the guest capability tests:
 * it records what it received and serves a few routes.
 */
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Received {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  body: string;
}

export interface LocalHttp {
  port: number;
  received: Received[];
  /** Requests whose connection closed before the server answered (aborted by the client). */
  aborted: string[];
  /** Resolves when a request for `path` has arrived. */
  arrived(path: string): Promise<void>;
  close(): Promise<void>;
}

export async function startLocalHttp(): Promise<LocalHttp> {
  const received: Received[] = [];
  const aborted: string[] = [];
  const waiters = new Map<string, Array<() => void>>();
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const url = req.url ?? '/';
      const path = url.split('?')[0];
      received.push({ method: req.method ?? '', url, headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
      for (const w of waiters.get(path) ?? []) w();
      waiters.delete(path);
      const query = new URLSearchParams(url.split('?')[1] ?? '');
      switch (path) {
        case '/hello':
          res.setHeader('x-test', 'yes');
          res.setHeader('content-type', 'application/json');
          res.end(JSON.stringify({ hello: 'world', auth: req.headers.authorization ?? null }));
          return;
        case '/echo':
          res.setHeader('x-transfer-encoding', String(req.headers['transfer-encoding'] ?? ''));
          res.end(`got ${req.method} ${Buffer.concat(chunks).toString('utf8')}`);
          return;
        case '/redirect':
          res.statusCode = 302;
          res.setHeader('location', query.get('to') ?? '/hello');
          res.end();
          return;
        case '/big':
          res.setHeader('content-length', '5000');
          res.end('x'.repeat(5000));
          return;
        case '/big-chunked':
          // No content-length: the cap is met while the body streams.
          for (let i = 0; i < 10; i++) res.write('y'.repeat(500));
          res.end();
          return;
        case '/hang':
          res.on('close', () => {
            if (!res.writableEnded) aborted.push(path);
          });
          return; // never answers
        default:
          res.statusCode = 404;
          res.end('not found');
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    received,
    aborted,
    arrived: (path) =>
      new Promise((resolve) => {
        if (received.some((r) => r.url.split('?')[0] === path)) return resolve();
        const list = waiters.get(path) ?? [];
        list.push(resolve);
        waiters.set(path, list);
      }),
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Polls `check` until it is true (or fails the test after `timeoutMs`). */
export async function eventually(check: () => boolean, timeoutMs = 10_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 20));
  }
}
