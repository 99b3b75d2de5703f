/**
 * `spearlet serve` options: flags first, then SPEARLET_* environment variables, then defaults.
 * Only this module and the CLI entry read argv and the environment.
 */
import { parseArgs } from 'node:util';
import type { ConfigInput, IsolationMode, LogLevel, SchedulingPolicy } from '../config.js';
import { ErrorCodes, SpearletError } from '../errors.js';

/** Flag name → [ConfigInput key, kind]. The environment variable is SPEARLET_ + upper snake case. */
const OPTIONS = {
  listen: ['listen', 'string'],
  'data-dir': ['dataDir', 'string'],
  'artifact-root': ['artifactRoots', 'list'],
  'metrics-listen': ['metricsListen', 'string'],
  'http-listen': ['httpListen', 'string'],
  'max-http-body-bytes': ['maxHttpBodyBytes', 'int'],
  'log-level': ['logLevel', 'string'],
  'http-allow-host': ['httpAllowHosts', 'list'],
  'max-artifact-bytes': ['maxArtifactBytes', 'int'],
  'default-timeout-ms': ['defaultTimeoutMs', 'int'],
  'max-timeout-ms': ['maxTimeoutMs', 'int'],
  'default-memory-limit-mb': ['defaultMemoryLimitMb', 'int'],
  'max-memory-limit-mb': ['maxMemoryLimitMb', 'int'],
  'max-concurrent-executions': ['maxConcurrentExecutions', 'int'],
  'max-queue-length': ['maxQueueLength', 'int'],
  'queue-timeout-ms': ['queueTimeoutMs', 'int'],
  'max-total-instances': ['maxTotalInstances', 'int'],
  'max-total-instance-memory-mb': ['maxTotalInstanceMemoryMb', 'int'],
  'recycle-after-executions': ['recycleAfterExecutions', 'int'],
  'recycle-heap-mb': ['recycleHeapMb', 'int'],
  'prewarm-isolates': ['prewarmIsolates', 'int'],
  'instance-idle-ms': ['instanceIdleMs', 'int'],
  'scheduling-policy': ['schedulingPolicy', 'string'],
  isolation: ['isolation', 'string'],
  'sandbox-workers': ['sandboxWorkers', 'int'],
  'worker-memory-limit-mb': ['workerMemoryLimitMb', 'int'],
  'worker-nice': ['workerNice', 'int'],
  'max-tenant-workers': ['maxTenantWorkers', 'int'],
  'shutdown-grace-ms': ['shutdownGraceMs', 'int'],
  'sync-writes': ['syncWrites', 'bool'],
  'allow-eol-node': ['allowEolNode', 'bool'],
  'stream-window-chunks': ['streamWindowChunks', 'int'],
  'stream-window-bytes': ['streamWindowBytes', 'int'],
  'artifact-cache-bytes': ['artifactCacheBytes', 'int'],
  'max-request-bytes': ['maxRequestBytes', 'int'],
  'max-parameters': ['maxParameters', 'int'],
  'max-parameter-bytes': ['maxParameterBytes', 'int'],
  'max-metadata-entries': ['maxMetadataEntries', 'int'],
  'max-metadata-value-bytes': ['maxMetadataValueBytes', 'int'],
  'max-result-bytes': ['maxResultBytes', 'int'],
  'max-error-message-bytes': ['maxErrorMessageBytes', 'int'],
  'tls-cert': ['tlsCert', 'string'],
  'tls-key': ['tlsKey', 'string'],
  'tls-client-ca': ['tlsClientCa', 'string'],
  'metrics-tls': ['metricsTls', 'bool'],
  'auth-file': ['authFile', 'string'],
  insecure: ['insecure', 'bool'],
  reflection: ['reflection', 'bool'],
  'tenant-max-concurrent': ['tenantMaxConcurrent', 'int'],
  'tenant-max-queued': ['tenantMaxQueued', 'int'],
  'tenant-max-tasks': ['tenantMaxTasks', 'int'],
  'tenant-max-artifact-bytes': ['tenantMaxArtifactBytes', 'int'],
  'tenant-cpu-ms-per-minute': ['tenantCpuMsPerMinute', 'int'],
  'execution-retention': ['executionRetentionMs', 'duration'],
  'max-executions-per-task': ['maxExecutionsPerTask', 'int'],
  'expiry-batch-size': ['expiryBatchSize', 'int'],
  'expiry-interval-ms': ['expiryIntervalMs', 'int'],
  'egress-allow': ['egressAllow', 'list'],
  'egress-max-requests': ['egressMaxRequests', 'int'],
  'egress-max-concurrent': ['egressMaxConcurrent', 'int'],
  'egress-max-request-bytes': ['egressMaxRequestBytes', 'int'],
  'egress-max-response-bytes': ['egressMaxResponseBytes', 'int'],
  'egress-max-redirects': ['egressMaxRedirects', 'int'],
  'kv-max-key-bytes': ['kvMaxKeyBytes', 'int'],
  'kv-max-value-bytes': ['kvMaxValueBytes', 'int'],
  'kv-max-task-bytes': ['kvMaxTaskBytes', 'int'],
  'kv-max-list-keys': ['kvMaxListKeys', 'int'],
  'secrets-key-file': ['secretsKeyFile', 'string'],
  'max-secrets-per-task': ['maxSecretsPerTask', 'int'],
  'os-sandbox': ['osSandbox', 'string'],
  'os-sandbox-uid': ['osSandboxUid', 'int'],
  'os-sandbox-gid': ['osSandboxGid', 'int'],
  'worker-memory-ceiling-mb': ['workerMemoryCeilingMb', 'int'],
  'worker-pids-max': ['workerPidsMax', 'int'],
  'worker-open-files': ['workerOpenFiles', 'int'],
  'worker-max-file-mb': ['workerMaxFileMb', 'int'],
  'tenant-cpu-percent': ['tenantCpuPercent', 'int'],
} as const satisfies Record<string, readonly [keyof ConfigInput, 'string' | 'list' | 'int' | 'bool' | 'duration']>;

export const SERVE_FLAGS = Object.keys(OPTIONS);

export function envName(flag: string): string {
  return `SPEARLET_${flag.toUpperCase().replace(/-/g, '_')}`;
}

function convert(flag: string, kind: string, raw: string | boolean | (string | boolean)[]): unknown {
  if (kind === 'list') return (Array.isArray(raw) ? raw.map(String) : String(raw).split(',')).map((s) => s.trim()).filter((s) => s !== '');
  if (kind === 'bool') return raw === true || raw === 'true' || raw === '1';
  if (kind === 'duration') return durationMs(flag, String(raw));
  if (kind === 'int') {
    const n = Number(raw);
    if (!Number.isInteger(n)) throw new SpearletError(ErrorCodes.INVALID_CONFIG, `--${flag}: must be an integer, got '${String(raw)}'`, { field: flag });
    return n;
  }
  return String(raw);
}

const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** `7d`, `12h`, `30m`, `10s`, `500ms` (or a bare number of milliseconds) in milliseconds. */
export function durationMs(flag: string, raw: string): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)?\s*$/.exec(raw);
  if (!m) throw new SpearletError(ErrorCodes.INVALID_CONFIG, `--${flag}: must be a duration such as 7d, 12h, 30m, 10s or 0, got '${raw}'`, { field: flag });
  return Math.round(Number(m[1]) * UNIT_MS[m[2] ?? 'ms']);
}

/** Parses serve flags (throws INVALID_CONFIG on an unknown or malformed flag) and the environment. */
export function serveOptions(argv: string[], env: NodeJS.ProcessEnv): ConfigInput {
  const parseOptions: Record<string, { type: 'string' | 'boolean'; multiple?: boolean }> = {};
  for (const [flag, [, kind]] of Object.entries(OPTIONS)) {
    parseOptions[flag] = kind === 'bool' ? { type: 'boolean' } : { type: 'string', multiple: kind === 'list' };
  }
  let values: Record<string, string | boolean | (string | boolean)[] | undefined>;
  try {
    ({ values } = parseArgs({ args: argv, options: parseOptions, strict: true, allowPositionals: false }));
  } catch (err) {
    throw new SpearletError(ErrorCodes.INVALID_CONFIG, `${(err as Error).message}; flags: ${SERVE_FLAGS.map((f) => `--${f}`).join(' ')}`);
  }
  const input: Record<string, unknown> = {};
  for (const [flag, [key, kind]] of Object.entries(OPTIONS)) {
    const raw = values[flag] ?? env[envName(flag)];
    if (raw !== undefined) input[key] = convert(flag, kind, raw);
  }
  // The secrets key comes from the environment only: a flag would show it in the process list.
  if (env.SPEARLET_SECRETS_KEY !== undefined) input.secretsKey = env.SPEARLET_SECRETS_KEY;
  return input as ConfigInput & { logLevel?: LogLevel; schedulingPolicy?: SchedulingPolicy; isolation?: IsolationMode };
}
