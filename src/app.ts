/**
 * Composes a running spearlet: store, runtimes, core, gRPC server. Used by `spearlet serve` and by
 * the integration tests, which start it on a loopback port with a temp data dir.
 */
import type * as grpc from '@grpc/grpc-js';
import type { Config } from './config.js';
import { SpearletCore } from './core/spearlet-core.js';
import { type Logger, silentLogger } from './logger.js';
import { createRuntimeManager } from './runtimes.js';
import { bind, createGrpcServer } from './server/grpc-server.js';
import { RocksDbStore } from './store/rocksdb-store.js';
import type { Store } from './store/store.js';

export interface RunningServer {
  readonly core: SpearletCore;
  readonly server: grpc.Server;
  /** host:port actually bound. */
  readonly address: string;
  readonly port: number;
  /** Drains executions (bounded by shutdownGraceMs), stops gRPC and closes the store. Idempotent. */
  close(): Promise<void>;
}

export async function startServer(config: Config, log: Logger = silentLogger(), store: Store = new RocksDbStore(config.dataDir)): Promise<RunningServer> {
  await store.open();
  const runtimes = createRuntimeManager(config);
  const core = new SpearletCore(config, store, runtimes, log);
  let server: grpc.Server | undefined;
  try {
    await core.start();
    server = createGrpcServer(core);
    const port = await bind(server, config.listen);
    const host = config.listen.slice(0, config.listen.lastIndexOf(':'));
    const address = `${host}:${port}`;
    let closing: Promise<void> | undefined;
    const grpcServer = server;
    return {
      core,
      server: grpcServer,
      address,
      port,
      close: () =>
        (closing ??= (async () => {
          await core.shutdown(config.shutdownGraceMs);
          await new Promise<void>((resolve) => grpcServer.tryShutdown(() => resolve()));
          await store.close();
        })()),
    };
  } catch (err) {
    server?.forceShutdown();
    await core.shutdown(0).catch(() => undefined);
    await store.close().catch(() => undefined);
    throw err;
  }
}
