/**
 * `spearlet serve`: runs the gRPC server until SIGINT/SIGTERM, then drains executions (bounded),
 * closes RocksDB cleanly and exits 0.
 */
import { resolveConfig } from '../config.js';
import { startServer } from '../app.js';
import { createLogger } from '../logger.js';
import { readServeOptions } from './serve-options.js';

export async function serve(argv: string[]): Promise<number> {
  const { input, origins } = readServeOptions(argv, process.env);
  const config = resolveConfig(input, origins);
  const log = createLogger(config.logLevel);
  const running = await startServer(config, log);
  // The handlers go in before "serving" is logged: a supervisor that signals as soon as it reads
  // that line must reach them, not the default action (which ends the process without draining).
  const stopped = new Promise<number>((resolve) => {
    let stopping = false;
    const stop = (signal: string) => {
      if (stopping) {
        log.warn({ signal }, 'second signal: exiting without waiting');
        resolve(1);
        return;
      }
      stopping = true;
      log.info({ signal, graceMs: config.shutdownGraceMs }, 'shutting down: draining executions');
      running.close().then(
        () => {
          log.info('stopped cleanly');
          resolve(0);
        },
        (err) => {
          log.error({ err }, 'shutdown failed');
          resolve(1);
        },
      );
    };
    // SIGHUP re-reads the TLS certificate and the credentials file; the server keeps serving.
    process.on('SIGHUP', () => running.reloadSecurity());
    process.on('SIGINT', () => stop('SIGINT'));
    process.on('SIGTERM', () => stop('SIGTERM'));
  });
  log.info({ address: running.address, dataDir: config.dataDir, artifactRoots: config.artifactRoots, isolation: config.isolation }, `spearlet serving gRPC${config.tlsCert ? ' over TLS' : ''} on ${running.address}`);
  if (running.metricsAddress) log.info({ metricsAddress: running.metricsAddress }, `Prometheus metrics on http${config.metricsTls ? 's' : ''}://${running.metricsAddress}/metrics`);
  if (running.httpAddress) log.info({ httpAddress: running.httpAddress }, `HTTP trigger on http://${running.httpAddress}/v1/tasks/{name-or-id}/{function}`);
  return stopped;
}
