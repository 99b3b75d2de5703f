/**
 * The metrics endpoint: a plain HTTP server answering GET /metrics with the Prometheus text
 * format. Started only when --metrics-listen is given.
 */
import * as http from 'node:http';
import * as https from 'node:https';
import type { SecureContextOptions } from 'node:tls';
import { parseHostPort } from '../config.js';
import { ErrorCodes, SpearletError } from '../errors.js';
import type { PrometheusMetrics } from './prometheus.js';

export interface MetricsServer {
  /** host:port actually bound. */
  readonly address: string;
  /** Replaces the HTTPS certificate for new connections (served over TLS only). */
  reloadTls(options: SecureContextOptions): void;
  close(): Promise<void>;
}

/** Starts the endpoint; with `tlsOptions` it serves HTTPS (the gRPC port's certificate). */
export async function startMetricsServer(listen: string, metrics: PrometheusMetrics, tlsOptions?: SecureContextOptions): Promise<MetricsServer> {
  const { host, port } = parseHostPort('metricsListen', listen);
  const handler: http.RequestListener = (req, res) => {
    const url = (req.url ?? '/').split('?')[0];
    if (req.method !== 'GET' || url !== '/metrics') {
      res.writeHead(url === '/metrics' ? 405 : 404, { 'content-type': 'text/plain' }).end(url === '/metrics' ? 'use GET\n' : 'metrics are at /metrics\n');
      return;
    }
    metrics.scrape().then(
      ({ contentType, body }) => res.writeHead(200, { 'content-type': contentType }).end(body),
      (err: unknown) => res.writeHead(500, { 'content-type': 'text/plain' }).end(`metrics failed: ${(err as Error).message}\n`),
    );
  };
  const server = tlsOptions ? https.createServer(tlsOptions, handler) : http.createServer(handler);
  await new Promise<void>((resolve, reject) => {
    server.once('error', (err) => reject(new SpearletError(ErrorCodes.INVALID_CONFIG, `metricsListen: cannot listen on ${listen}: ${err.message}`, { field: 'metricsListen', cause: err })));
    server.listen(port, host.replace(/^\[|\]$/g, ''), () => resolve());
  });
  const bound = (server.address() as { port: number }).port;
  return {
    address: `${host}:${bound}`,
    reloadTls: (options) => {
      if (server instanceof https.Server) server.setSecureContext(options);
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
