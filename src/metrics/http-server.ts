/**
 * The metrics endpoint: a plain HTTP server answering GET /metrics with the Prometheus text
 * format. Started only when --metrics-listen is given.
 */
import * as http from 'node:http';
import { parseHostPort } from '../config.js';
import { ErrorCodes, SpearletError } from '../errors.js';
import type { PrometheusMetrics } from './prometheus.js';

export interface MetricsServer {
  /** host:port actually bound. */
  readonly address: string;
  close(): Promise<void>;
}

export async function startMetricsServer(listen: string, metrics: PrometheusMetrics): Promise<MetricsServer> {
  const { host, port } = parseHostPort('metricsListen', listen);
  const server = http.createServer((req, res) => {
    const url = (req.url ?? '/').split('?')[0];
    if (req.method !== 'GET' || url !== '/metrics') {
      res.writeHead(url === '/metrics' ? 405 : 404, { 'content-type': 'text/plain' }).end(url === '/metrics' ? 'use GET\n' : 'metrics are at /metrics\n');
      return;
    }
    metrics.scrape().then(
      ({ contentType, body }) => res.writeHead(200, { 'content-type': contentType }).end(body),
      (err: unknown) => res.writeHead(500, { 'content-type': 'text/plain' }).end(`metrics failed: ${(err as Error).message}\n`),
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', (err) => reject(new SpearletError(ErrorCodes.INVALID_CONFIG, `metricsListen: cannot listen on ${listen}: ${err.message}`, { field: 'metricsListen', cause: err })));
    server.listen(port, host.replace(/^\[|\]$/g, ''), () => resolve());
  });
  const bound = (server.address() as { port: number }).port;
  return {
    address: `${host}:${bound}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
