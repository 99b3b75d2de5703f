/**
 * Builds the server's Capabilities on the store it runs on: the guest KV store and the secrets
 * share the RocksDB of a RocksDbStore (one database, one lock, one data directory), and live in
 * memory on any other Store (unit tests). Secrets are opened into memory here.
 */
import type { Config } from '../config.js';
import type { Logger } from '../logger.js';
import { RocksDbStore } from '../store/rocksdb-store.js';
import type { Store } from '../store/store.js';
import { Capabilities, type CapabilityMetrics } from './capabilities.js';
import { type KvBackend, MemoryKvBackend, RocksDbKvBackend } from './kv-backend.js';
import { KvStore } from './kv-store.js';
import { SecretStore, loadSecretsKey } from './secret-store.js';

/** Call once the store is open. Throws INVALID_CONFIG for an unusable secrets key. */
export async function createCapabilities(config: Config, store: Store, log: Logger, metrics?: CapabilityMetrics): Promise<Capabilities> {
  const backend: KvBackend = store instanceof RocksDbStore ? new RocksDbKvBackend(() => store.database) : new MemoryKvBackend();
  const kv = new KvStore(backend, {
    maxKeyBytes: config.kvMaxKeyBytes,
    maxValueBytes: config.kvMaxValueBytes,
    maxTaskBytes: config.kvMaxTaskBytes,
    maxListKeys: config.kvMaxListKeys,
  });
  const secrets = new SecretStore(backend, loadSecretsKey(config));
  const unreadable = await secrets.load();
  if (unreadable.length > 0) log.warn({ secrets: unreadable }, 'secrets that do not open with this server\'s secrets key are unset until put again');
  return new Capabilities(config, kv, secrets, log, metrics);
}
