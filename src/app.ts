/**
 * Composes a running spearlet: store, runtimes, core, gRPC server. Used by `spearlet serve` and by
 * the integration tests, which start it on a loopback port with a temp data dir.
 */
import { checkNodeRelease, endOfLife } from './node-release.js';
import type * as grpc from '@grpc/grpc-js';
import { NetworkSecurity, type ReloadReport } from './auth/network-security.js';
import type { Config } from './config.js';
import { createCapabilities } from './capabilities/create-capabilities.js';
import { SpearletCore } from './core/spearlet-core.js';
import { type Logger, silentLogger } from './logger.js';
import { createRuntimeManager } from './runtimes.js';
import { type HttpTrigger, startHttpTrigger } from './http/http-trigger.js';
import { startMetricsServer, type MetricsServer } from './metrics/http-server.js';
import { type LiveFigures, PrometheusMetrics } from './metrics/prometheus.js';
import { timedStore } from './metrics/timed-store.js';
import { registerOsSandboxGauge } from './sandbox/os/os-sandbox-info.js';
import { bind, createGrpcServer } from './server/grpc-server.js';
import { addHealthService, type HealthService } from './server/health-service.js';
import { addReflection } from './server/reflection.js';
import { addSecretService } from './server/secret-service.js';
import { RocksDbStore } from './store/rocksdb-store.js';
import type { Store } from './store/store.js';

export interface RunningServer {
  readonly core: SpearletCore;
  readonly server: grpc.Server;
  /** host:port actually bound. */
  readonly address: string;
  readonly port: number;
  /** host:port of the Prometheus endpoint (GET /metrics), when config.metricsListen is set. */
  readonly metricsAddress: string | undefined;
  /** host:port of the HTTP trigger, when config.httpListen is set. */
  readonly httpAddress: string | undefined;
  /** Re-reads the TLS certificate and the credentials file without dropping the server (SIGHUP). */
  reloadSecurity(): ReloadReport;
  /** Drains executions (bounded by shutdownGraceMs), stops gRPC and closes the store. Idempotent. */
  close(): Promise<void>;
}

export async function startServer(config: Config, log: Logger = silentLogger(), rawStore: Store = new RocksDbStore(config.dataDir, { log: (fields, message) => log.info(fields, message) })): Promise<RunningServer> {
  checkNodeRelease(process.version, new Date(), config.allowEolNode);
  const eol = endOfLife(process.version);
  if (eol !== undefined && new Date().toISOString().slice(0, 10) > eol) log.warn({ node: process.version, endOfLife: eol }, 'running on a Node.js release line past its end of life (--allow-eol-node)');
  // TLS files and the credentials file are checked before anything opens.
  const security = new NetworkSecurity(config, log);
  const metrics = config.metricsListen !== undefined ? new PrometheusMetrics() : undefined;
  const store = metrics ? timedStore(rawStore, (op, s, ok) => metrics.storeOperation(op, s, ok)) : rawStore;
  await store.open();
  const capabilities = await createCapabilities(config, rawStore, log, metrics).catch(async (err: unknown) => {
    await store.close().catch(() => undefined);
    throw err;
  });
  // It refuses to start (--os-sandbox=required on a host that cannot): the store is closed again.
  const runtimes = await createRuntimeManager(config, log).catch(async (err: unknown) => {
    await store.close().catch(() => undefined);
    throw err;
  });
  if (metrics) registerOsSandboxGauge(metrics.registry, () => runtimes.systemInfo());
  const core = new SpearletCore(config, store, runtimes, log, metrics, security.coreOptions(metrics), capabilities);
  let server: grpc.Server | undefined;
  let metricsServer: MetricsServer | undefined;
  let httpTrigger: HttpTrigger | undefined;
  let health: HealthService | undefined;
  try {
    await core.start();
    server = createGrpcServer(core, security.guard(core, metrics));
    const healthService = (health = addHealthService(server, () => core.health.health()));
    addSecretService(server, capabilities.secrets, log, security.authenticator);
    if (config.reflection) addReflection(server);
    const port = await bind(server, config.listen, security.serverCredentials());
    if (metrics && config.metricsListen !== undefined) {
      metrics.setLiveFigures(() => liveFigures(core));
      metricsServer = await startMetricsServer(config.metricsListen, metrics, security.metricsTls((options) => metricsServer?.reloadTls(options)));
    }
    if (config.httpListen !== undefined) httpTrigger = await startHttpTrigger(config.httpListen, core, config.maxHttpBodyBytes, log, security.authenticator);
    security.logStart();
    const stopMetrics = metricsServer;
    const stopHttp = httpTrigger;
    const host = config.listen.slice(0, config.listen.lastIndexOf(':'));
    const address = `${host}:${port}`;
    let closing: Promise<void> | undefined;
    const grpcServer = server;
    return {
      core,
      server: grpcServer,
      address,
      port,
      metricsAddress: metricsServer?.address,
      httpAddress: httpTrigger?.address,
      reloadSecurity: () => security.reload(),
      close: () =>
        (closing ??= (async () => {
          healthService.drain();
          // No new HTTP connections; calls in flight finish (or are cancelled) within the drain.
          const httpClosed = stopHttp?.close();
          await core.shutdown(config.shutdownGraceMs);
          await httpClosed;
          healthService.stop();
          await new Promise<void>((resolve) => grpcServer.tryShutdown(() => resolve()));
          await stopMetrics?.close();
          await store.close();
        })()),
    };
  } catch (err) {
    health?.stop();
    server?.forceShutdown();
    await metricsServer?.close();
    await httpTrigger?.close();
    await core.shutdown(0).catch(() => undefined);
    await store.close().catch(() => undefined);
    throw err;
  }
}

/** What the metrics gauges read at each scrape. */
function liveFigures(core: SpearletCore): LiveFigures {
  const pool = core.pool.snapshot();
  return {
    liveInstances: pool.live,
    idleInstances: pool.idle,
    instanceHeapBytes: pool.memoryBytes,
    runningExecutions: core.executions.runningCount,
    pendingExecutions: core.executions.pendingCount,
    queueDepth: core.admission.queuedCount,
  };
}
