/** Options: the store, artifacts, retention of finished executions, logs and the process itself. */
import * as path from 'node:path';
import { bool, group, int, nonEmpty, oneOf, option, stringList, zeroOr, zeroOrDuration } from './option.js';

export const LOG_LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'] as const;

export const STORAGE_OPTIONS = group('Storage, artifacts and logs', [
  option({ key: 'dataDir', flag: 'data-dir', arg: 'DIR', schema: nonEmpty, default: './data', resolve: (dir) => path.resolve(dir), help: 'RocksDB directory' }),
  option({
    key: 'artifactRoots', flag: 'artifact-root', arg: 'DIR', schema: stringList, default: ['./artifacts'],
    resolve: (roots) => Object.freeze(roots.map((r) => path.resolve(r))),
    help: 'where artifact paths may point (repeatable)', see: 'artifacts.md',
  }),
  option({
    key: 'httpAllowHosts', flag: 'http-allow-host', arg: 'HOST', schema: stringList, default: [],
    resolve: (hosts) => Object.freeze(hosts.map((h) => h.toLowerCase())),
    help: 'hosts (exact, case-insensitive) http(s) artifact locations may name (repeatable)',
  }),
  option({ key: 'maxArtifactBytes', flag: 'max-artifact-bytes', arg: 'N', schema: int(1), default: 16 * 1024 * 1024, help: 'artifact size cap' }),
  option({ key: 'artifactCacheBytes', flag: 'artifact-cache-bytes', arg: 'N', schema: int(0), default: 64 * 1024 * 1024, help: 'artifact bytes kept in server memory (LRU); the rest are read from the store when an instance is built', see: 'limits-streams-artifacts.md' }),
  option({ key: 'syncWrites', flag: 'sync-writes', schema: bool, default: false, help: 'fsync every terminal record (survives power loss, not just a crash)', see: 'operations-storage.md' }),
  option({
    key: 'executionRetentionMs', flag: 'execution-retention', arg: 'DURATION', kind: 'duration', schema: zeroOrDuration('keeps them', 1000), default: 7 * 24 * 3_600_000, defaultText: '7d',
    rangeText: '0, or at least 1s: 7d, 12h, 30m, 10s, 500ms or milliseconds',
    help: 'finished executions older than this are deleted in the background; 0 keeps them', see: 'operations-storage.md',
  }),
  option({ key: 'maxExecutionsPerTask', flag: 'max-executions-per-task', arg: 'N', schema: int(0), default: 0, defaultText: '0 (no count limit)', help: 'and beyond the newest N of each task' }),
  option({ key: 'expiryBatchSize', flag: 'expiry-batch-size', arg: 'N', schema: int(1, 100_000), default: 500, help: 'executions deleted per batch of an expiry pass (one RocksDB batch; invocations run between batches)' }),
  option({ key: 'expiryIntervalMs', flag: 'expiry-interval-ms', arg: 'N', schema: int(100, 24 * 3_600_000), default: 60_000, help: 'how often an expiry pass starts' }),
  option({ key: 'logLevel', flag: 'log-level', arg: 'LEVEL', schema: oneOf(LOG_LEVELS), default: 'info', help: 'logs are JSON lines, pretty-printed when stdout is a terminal' }),
  option({ key: 'shutdownGraceMs', flag: 'shutdown-grace-ms', arg: 'N', schema: int(0), default: 10_000, help: 'how long SIGTERM waits for running executions' }),
  option({ key: 'allowEolNode', flag: 'allow-eol-node', schema: bool, default: false, help: 'start even on a Node.js release line past its end of life (logs a warning)', see: 'runtime.md' }),
]);

export type LogLevel = (typeof LOG_LEVELS)[number];
