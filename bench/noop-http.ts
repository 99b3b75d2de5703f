/**
 * The HTTP transport floor: a node:http server on loopback that reads a JSON body and answers
 * `{"result":5}`, doing nothing else. workerd's figures are shown against it as spearlet's gRPC
 * figures are shown against the no-op grpc-js handler.
 */
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface NoopHttp {
  readonly url: string;
  close(): Promise<void>;
}

export async function startNoopHttp(): Promise<NoopHttp> {
  const answer = Buffer.from('{"result":5}');
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      JSON.parse(Buffer.concat(chunks).toString('utf8') || 'null');
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': answer.length });
      res.end(answer);
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
