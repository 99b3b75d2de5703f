/**
 * The HTTP transport floor: a node:http server on loopback that reads a JSON body and answers
 * `{"result":5}`, doing nothing else. workerd's figures are shown against it as spearlet's gRPC
 * figures are shown against the no-op grpc-js handler. With `floor`, `POST /floor` first hands the
 * call to it (the process-isolation floor: one IPC hop to an isolate process and back, peers.ts):
 * `add` for `{ a, b }`, `fibonacci` for `{ n }`.
 */
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { FloorCall } from './peers.js';

export interface NoopHttp {
  readonly url: string;
  close(): Promise<void>;
}

export async function startNoopHttp(options: { floor?: (call: FloorCall) => Promise<number> } = {}): Promise<NoopHttp> {
  const answer = Buffer.from('{"result":5}');
  const send = (res: http.ServerResponse, body: Buffer) => {
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': body.length });
    res.end(body);
  };
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8') || 'null') as FloorCall | null;
      if (options.floor === undefined || req.url !== '/floor' || body === null) return send(res, answer);
      options.floor(body).then(
        (result) => send(res, Buffer.from(JSON.stringify({ result }))),
        (err: Error) => res.writeHead(500).end(err.message),
      );
    });
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}
