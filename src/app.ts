/**
 * Composes a running spearlet: store, runtimes, core, gRPC server. Used by `spearlet serve` and by
 * the integration tests, which start it on a loopback port with a temp data dir.
 */
import type * as grpc from '@grpc/grpc-js';
import type { Config } from './config.js';
import { SpearletCore } from './core/spearlet-core.js';
import { type Logger, silentLogger } from './logger.js';
import { createRuntimeManager } from './runtimes.js';
import { startMetricsServer, type MetricsServer } from './metrics/http-server.js';
import { type LiveFigures, PrometheusMetrics } from './metrics/prometheus.js';
import { timedStore } from './metrics/timed-store.js';
import { registerOsSandboxGauge } from './sandbox/os/os-sandbox-info.js';
import { bind, createGrpcServer } from './server/grpc-server.js';
import { addHealthService, type HealthService } from './server/health-service.js';
import { addReflection } from './server/reflection.js';
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
  /** Drains executions (bounded by shutdownGraceMs), stops gRPC and closes the store. Idempotent. */
  close(): Promise<void>;
}

export async function startServer(config: Config, log: Logger = silentLogger(), rawStore: Store = new RocksDbStore(config.dataDir)): Promise<RunningServer> {
  const metrics = config.metricsListen !== undefined ? new PrometheusMetrics() : undefined;
  const store = metrics ? timedStore(rawStore, (op, s, ok) => metrics.storeOperation(op, s, ok)) : rawStore;
  await store.open();
  // It refuses to start (--os-sandbox=required on a host that cannot): the store is closed again.
  const runtimes = await createRuntimeManager(config, log).catch(async (err: unknown) => {
    await store.close().catch(() => undefined);
    throw err;
  });
  if (metrics) registerOsSandboxGauge(metrics.registry, () => runtimes.systemInfo());
  const core = new SpearletCore(config, store, runtimes, log, metrics);
  let server: grpc.Server | undefined;
  let metricsServer: MetricsServer | undefined;
  let health: HealthService | undefined;
  try {
    await core.start();
    server = createGrpcServer(core);
    const healthService = (health = addHealthService(server, () => core.health.health()));
    addReflection(server);
    const port = await bind(server, config.listen);
    if (metrics && config.metricsListen !== undefined) {
      metrics.setLiveFigures(() => liveFigures(core));
      metricsServer = await startMetricsServer(config.metricsListen, metrics);
    }
    const stopMetrics = metricsServer;
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
      close: () =>
        (closing ??= (async () => {
          healthService.drain();
          await core.shutdown(config.shutdownGraceMs);
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
