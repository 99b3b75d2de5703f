/**
 * One Config value: built from input options (flags, environment, tests), validated once, defaults
 * filled, frozen and passed down. Only the entry point reads process.env and argv.
 */
import * as path from 'node:path';
import * as os from 'node:os';
import { ErrorCodes, SpearletError } from './errors.js';
import { type CapabilityConfig, type CapabilityConfigInput, attachSecretsKey, resolveCapabilityConfig } from './capabilities/capability-config.js';

export type SchedulingPolicy = 'round-robin' | 'least-loaded' | 'warmest';
export type IsolationMode = 'process' | 'in-process';
export type LogLevel = 'trace' | 'debug' | 'info' | 'warn' | 'error' | 'fatal' | 'silent';
/** required: refuse to start without every OS sandbox layer; auto: use what the host allows; off. */
export type OsSandboxMode = 'required' | 'auto' | 'off';

/** Input options: everything optional, as a user or a test writes them. */
export interface ConfigInput extends CapabilityConfigInput {
  listen?: string;
  dataDir?: string;
  artifactRoots?: string[];
  metricsListen?: string;
  /** HOST:PORT of the HTTP trigger (src/http/); off when absent. */
  httpListen?: string;
  /** Largest HTTP trigger request body. */
  maxHttpBodyBytes?: number;
  logLevel?: LogLevel;
  /** Hosts (exact, case-insensitive) http(s) artifact locations may name. */
  httpAllowHosts?: string[];
  maxArtifactBytes?: number;
  defaultTimeoutMs?: number;
  maxTimeoutMs?: number;
  defaultMemoryLimitMb?: number;
  maxMemoryLimitMb?: number;
  maxLogLinesPerExecution?: number;
  maxLogLineBytes?: number;
  maxConcurrentExecutions?: number;
  maxQueueLength?: number;
  queueTimeoutMs?: number;
  defaultMaxInstancesPerTask?: number;
  maxInstancesPerTask?: number;
  maxTotalInstances?: number;
  maxTotalInstanceMemoryMb?: number;
  prewarmIsolates?: number;
  instanceIdleMs?: number;
  recycleAfterExecutions?: number;
  recycleHeapMb?: number;
  schedulingPolicy?: SchedulingPolicy;
  isolation?: IsolationMode;
  sandboxWorkers?: number;
  workerMemoryLimitMb?: number;
  /** CPU niceness of sandbox workers (0-19): guest code yields the CPU to the server's own work. */
  workerNice?: number;
  /** Tenants (ArtifactSpec.metadata `tenant`) that may have a dedicated sandbox worker at once. */
  maxTenantWorkers?: number;
  shutdownGraceMs?: number;
  syncWrites?: boolean;
  /** Start even on a Node.js release line past its end of life (see src/node-release.ts). */
  allowEolNode?: boolean;
  /** Streamed chunks a generator may have on their way to a client before it waits for them to leave. */
  streamWindowChunks?: number;
  /** The same bound in bytes (see docs/limits-streams-artifacts.md). */
  streamWindowBytes?: number;
  /** Artifact bytes the server keeps in memory for building instances; the rest are read from the store. */
  artifactCacheBytes?: number;
  /** Largest gRPC request accepted (bytes); 0 picks room for an inline artifact of maxArtifactBytes. */
  maxRequestBytes?: number;
  /** Most FunctionParameters in one request. */
  maxParameters?: number;
  /** Most bytes of parameter values (all Any values together) in one request. */
  maxParameterBytes?: number;
  /** Most invocation_metadata entries in one request. */
  maxMetadataEntries?: number;
  /** Longest invocation_metadata key or value (bytes). */
  maxMetadataValueBytes?: number;
  /** Largest result an execution may return (bytes on the wire); over it the execution ends FAILED / RESULT_TOO_LARGE. */
  maxResultBytes?: number;
  /** Longest error message kept for an execution (characters); longer ones are cut with a marker. */
  maxErrorMessageBytes?: number;
  /** PEM certificate chain and private key: the gRPC port speaks TLS (reloaded on SIGHUP). */
  tlsCert?: string;
  tlsKey?: string;
  /** PEM CA bundle: clients must present a certificate it signed (mutual TLS). */
  tlsClientCa?: string;
  /** The metrics port serves HTTPS with the same certificate. */
  metricsTls?: boolean;
  /** JSON credentials file (tokens as SHA-256 digests, certificate identities, tenant quotas). */
  authFile?: string;
  /** Allows listening beyond loopback without TLS and authentication (warned on every start). */
  insecure?: boolean;
  /** gRPC server reflection is served. */
  reflection?: boolean;
  /** Default per-tenant quotas (0 = none); the credentials file may set them per tenant. */
  tenantMaxConcurrent?: number;
  tenantMaxQueued?: number;
  tenantMaxTasks?: number;
  tenantMaxArtifactBytes?: number;
  tenantCpuMsPerMinute?: number;
  /** Finished executions older than this are deleted in the background; 0 keeps them forever. */
  executionRetentionMs?: number;
  /** Each task keeps at most this many finished executions (the newest); 0 for no count limit. */
  maxExecutionsPerTask?: number;
  /** Executions deleted per expiry batch (one RocksDB batch; invocations run between batches). */
  expiryBatchSize?: number;
  /** How often an expiry pass starts. */
  expiryIntervalMs?: number;
  /** The OS sandbox around each sandbox worker (docs/security-os-sandbox.md). */
  osSandbox?: OsSandboxMode;
  /** Unprivileged uid and gid sandbox workers run as when the server is root. */
  osSandboxUid?: number;
  osSandboxGid?: number;
  /** Kernel-enforced memory ceiling of one worker (cgroup); 0: 2 × workerMemoryLimitMb, so the RSS watchdog drains a worker before the kernel kills it. */
  workerMemoryCeilingMb?: number;
  /** Processes and threads one worker may have at once (cgroup pids.max). */
  workerPidsMax?: number;
  /** Open files of one worker (RLIMIT_NOFILE). */
  workerOpenFiles?: number;
  /** Largest file a worker may write, MB (RLIMIT_FSIZE; its /tmp is private and small). */
  workerMaxFileMb?: number;
  /** CPU one tenant's workers may use together, in percent of one core (cgroup quota). */
  tenantCpuPercent?: number;
}

export type Config = Readonly<
  Required<Omit<ConfigInput, 'metricsListen' | 'httpListen' | 'artifactRoots' | 'httpAllowHosts' | 'tlsCert' | 'tlsKey' | 'tlsClientCa' | 'authFile' | keyof CapabilityConfigInput>> & {
    metricsListen: string | undefined;
    httpListen: string | undefined;
    tlsCert: string | undefined;
    tlsKey: string | undefined;
    tlsClientCa: string | undefined;
    authFile: string | undefined;
    artifactRoots: readonly string[];
    httpAllowHosts: readonly string[];
  } & CapabilityConfig
>;

export const DEFAULTS = {
  listen: '127.0.0.1:50051',
  dataDir: './data',
  artifactRoots: ['./artifacts'],
  logLevel: 'info' as LogLevel,
  httpAllowHosts: [] as string[],
  maxArtifactBytes: 16 * 1024 * 1024,
  maxHttpBodyBytes: 1024 * 1024,
  defaultTimeoutMs: 30_000,
  maxTimeoutMs: 300_000,
  defaultMemoryLimitMb: 128,
  maxMemoryLimitMb: 1024,
  maxLogLinesPerExecution: 1000,
  maxLogLineBytes: 8192,
  maxConcurrentExecutions: 64,
  maxQueueLength: 256,
  queueTimeoutMs: 10_000,
  defaultMaxInstancesPerTask: 8,
  maxInstancesPerTask: 64,
  maxTotalInstances: 2000,
  maxTotalInstanceMemoryMb: 16 * 1024,
  prewarmIsolates: 2,
  instanceIdleMs: 300_000,
  recycleAfterExecutions: 10_000,
  recycleHeapMb: 96,
  schedulingPolicy: 'warmest' as SchedulingPolicy,
  isolation: 'process' as IsolationMode,
  // One per core, up to 8: each idle worker costs ~90 MB, and a busy one uses a core anyway.
  sandboxWorkers: Math.max(1, Math.min(8, os.availableParallelism())),
  workerMemoryLimitMb: 4096,
  workerNice: 10,
  maxTenantWorkers: 16,
  shutdownGraceMs: 10_000,
  syncWrites: false,
  allowEolNode: false,
  streamWindowChunks: 16,
  streamWindowBytes: 1024 * 1024,
  artifactCacheBytes: 64 * 1024 * 1024,
  maxRequestBytes: 0,
  maxParameters: 1024,
  maxParameterBytes: 8 * 1024 * 1024,
  maxMetadataEntries: 64,
  maxMetadataValueBytes: 4096,
  // A result fits, with its record around it, in the 4 MiB a gRPC client receives by default.
  maxResultBytes: 3 * 1024 * 1024,
  maxErrorMessageBytes: 8192,
  metricsTls: false,
  insecure: false,
  reflection: true,
  tenantMaxConcurrent: 0,
  tenantMaxQueued: 0,
  tenantMaxTasks: 0,
  tenantMaxArtifactBytes: 0,
  tenantCpuMsPerMinute: 0,
  executionRetentionMs: 7 * 24 * 3_600_000,
  maxExecutionsPerTask: 0,
  expiryBatchSize: 500,
  expiryIntervalMs: 60_000,
  osSandbox: 'auto' as OsSandboxMode,
  // nobody/nogroup on Debian and Ubuntu: owns no files, so the worker can read only world-readable ones.
  osSandboxUid: 65534,
  osSandboxGid: 65534,
  workerMemoryCeilingMb: 0,
  workerPidsMax: 512,
  workerOpenFiles: 1024,
  workerMaxFileMb: 16,
  // Every core but one, so one tenant never has all of them.
  tenantCpuPercent: 100 * Math.max(1, os.availableParallelism() - 1),
} as const;

function fail(field: string, problem: string): never {
  throw new SpearletError(ErrorCodes.INVALID_CONFIG, `${field}: ${problem}`, { field });
}

function int(field: string, value: number, min: number, max = Number.MAX_SAFE_INTEGER): number {
  if (!Number.isInteger(value) || value < min || value > max) {
    fail(field, `must be an integer from ${min} to ${max}, got ${value}`);
  }
  return value;
}

/** Parses and checks `HOST:PORT`; port 0 asks the OS for a free port. */
export function parseHostPort(field: string, value: string): { host: string; port: number } {
  const m = /^(\[[^\]]+\]|[^:]+):(\d+)$/.exec(value);
  if (!m) fail(field, `must be HOST:PORT, got '${value}'`);
  const port = Number(m[2]);
  if (port > 65535) fail(field, `port must be 0-65535, got ${port}`);
  return { host: m[1], port };
}

function oneOf<T extends string>(field: string, value: string, allowed: readonly T[]): T {
  if (!allowed.includes(value as T)) fail(field, `must be one of ${allowed.join(', ')}, got '${value}'`);
  return value as T;
}

/** The bounds on what one request or one execution can make the server hold (docs/limits-input.md). */
function requestBounds(input: ConfigInput) {
  const d = DEFAULTS;
  const maxArtifactBytes = input.maxArtifactBytes ?? d.maxArtifactBytes;
  // An inline (data: URL, base64) artifact of maxArtifactBytes, plus parameters, must still fit.
  const roomForArtifact = Math.ceil(maxArtifactBytes / 3) * 4 + 1024 * 1024;
  const requested = int('maxRequestBytes', input.maxRequestBytes ?? d.maxRequestBytes, 0, 2 ** 31 - 1);
  return {
    maxRequestBytes: requested === 0 ? Math.min(roomForArtifact, 2 ** 31 - 1) : requested,
    maxParameters: int('maxParameters', input.maxParameters ?? d.maxParameters, 1, 1_000_000),
    maxParameterBytes: int('maxParameterBytes', input.maxParameterBytes ?? d.maxParameterBytes, 1),
    maxMetadataEntries: int('maxMetadataEntries', input.maxMetadataEntries ?? d.maxMetadataEntries, 0, 100_000),
    maxMetadataValueBytes: int('maxMetadataValueBytes', input.maxMetadataValueBytes ?? d.maxMetadataValueBytes, 16),
    maxResultBytes: int('maxResultBytes', input.maxResultBytes ?? d.maxResultBytes, 16),
    maxErrorMessageBytes: int('maxErrorMessageBytes', input.maxErrorMessageBytes ?? d.maxErrorMessageBytes, 64),
  };
}

/** True for addresses only this machine can reach (127.0.0.0/8, ::1, localhost). */
export function isLoopbackHost(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '').toLowerCase();
  return h === 'localhost' || h === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(h) || /^::ffff:127\./.test(h);
}

function optionalPath(field: string, value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  if (value.trim() === '') fail(field, 'must not be empty');
  return path.resolve(value);
}

/**
 * TLS, authentication and the secure default: beyond loopback the server needs TLS and an auth
 * file, or the operator's explicit `insecure`.
 */
function resolveNetworkSecurity(input: ConfigInput, listen: string, metricsListen: string | undefined) {
  const tlsCert = optionalPath('tlsCert', input.tlsCert);
  const tlsKey = optionalPath('tlsKey', input.tlsKey);
  const tlsClientCa = optionalPath('tlsClientCa', input.tlsClientCa);
  const authFile = optionalPath('authFile', input.authFile);
  if ((tlsCert === undefined) !== (tlsKey === undefined)) fail(tlsCert === undefined ? 'tlsCert' : 'tlsKey', 'tlsCert and tlsKey go together');
  if (tlsClientCa !== undefined && tlsCert === undefined) fail('tlsClientCa', 'mutual TLS needs tlsCert and tlsKey');
  const metricsTls = input.metricsTls ?? DEFAULTS.metricsTls;
  if (metricsTls && tlsCert === undefined) fail('metricsTls', 'needs tlsCert and tlsKey');
  if (metricsTls && metricsListen === undefined) fail('metricsTls', 'needs metricsListen');
  const insecure = input.insecure ?? DEFAULTS.insecure;
  if (!insecure && !isLoopbackHost(parseHostPort('listen', listen).host) && (tlsCert === undefined || authFile === undefined)) {
    fail('listen', `${listen} is not a loopback address: serve it with tlsCert, tlsKey and authFile (--tls-cert, --tls-key, --auth-file), or pass --insecure`);
  }
  if (!insecure && metricsListen !== undefined && !isLoopbackHost(parseHostPort('metricsListen', metricsListen).host) && !metricsTls) {
    fail('metricsListen', `${metricsListen} is not a loopback address: serve it with metricsTls (--metrics-tls), or pass --insecure`);
  }
  // The HTTP trigger checks the same tokens but speaks plain HTTP: beyond loopback they would
  // cross the network in clear, so that takes the operator's explicit --insecure (or a TLS proxy).
  if (!insecure && input.httpListen !== undefined && !isLoopbackHost(parseHostPort('httpListen', input.httpListen).host)) {
    fail('httpListen', `${input.httpListen} is not a loopback address and the HTTP trigger has no TLS: keep it on loopback (behind a TLS proxy), or pass --insecure`);
  }
  return { tlsCert, tlsKey, tlsClientCa, metricsTls, authFile, insecure, reflection: input.reflection ?? DEFAULTS.reflection };
}

/** The retention: 0 (keep forever) or at least a second. */
function retention(ms: number): number {
  if (ms === 0) return 0;
  return int('executionRetentionMs', ms, 1000);
}

/** The OS sandbox's fields, resolved (kept apart so the main list stays readable). */
function osSandboxConfig(input: ConfigInput) {
  const d = DEFAULTS;
  const workerMemoryLimitMb = input.workerMemoryLimitMb ?? d.workerMemoryLimitMb;
  const ceiling = int('workerMemoryCeilingMb', input.workerMemoryCeilingMb ?? d.workerMemoryCeilingMb, 0, 1 << 20);
  if (ceiling !== 0 && ceiling < 128) fail('workerMemoryCeilingMb', `must be 0 (2 × workerMemoryLimitMb) or at least 128, got ${ceiling}`);
  return {
    osSandbox: oneOf('osSandbox', input.osSandbox ?? d.osSandbox, ['required', 'auto', 'off'] as const),
    osSandboxUid: int('osSandboxUid', input.osSandboxUid ?? d.osSandboxUid, 1, 2 ** 32 - 2),
    osSandboxGid: int('osSandboxGid', input.osSandboxGid ?? d.osSandboxGid, 1, 2 ** 32 - 2),
    workerMemoryCeilingMb: ceiling === 0 ? 2 * workerMemoryLimitMb : ceiling,
    workerPidsMax: int('workerPidsMax', input.workerPidsMax ?? d.workerPidsMax, 32, 1 << 22),
    workerOpenFiles: int('workerOpenFiles', input.workerOpenFiles ?? d.workerOpenFiles, 64, 1 << 20),
    workerMaxFileMb: int('workerMaxFileMb', input.workerMaxFileMb ?? d.workerMaxFileMb, 1, 1 << 20),
    tenantCpuPercent: int('tenantCpuPercent', input.tenantCpuPercent ?? d.tenantCpuPercent, 1, 100 * 1024),
  };
}

/** Validates input options, fills defaults, resolves paths and freezes the result. */
export function resolveConfig(input: ConfigInput = {}): Config {
  const d = DEFAULTS;
  const listen = input.listen ?? d.listen;
  parseHostPort('listen', listen);
  const metricsListen = input.metricsListen;
  if (metricsListen !== undefined) parseHostPort('metricsListen', metricsListen);
  const httpListen = input.httpListen;
  if (httpListen !== undefined) parseHostPort('httpListen', httpListen);
  const dataDir = input.dataDir ?? d.dataDir;
  if (dataDir.trim() === '') fail('dataDir', 'must not be empty');
  const roots = input.artifactRoots && input.artifactRoots.length > 0 ? input.artifactRoots : d.artifactRoots;
  roots.forEach((r, i) => {
    if (r.trim() === '') fail(`artifactRoots[${i}]`, 'must not be empty');
  });
  const defaultMemoryLimitMb = int('defaultMemoryLimitMb', input.defaultMemoryLimitMb ?? d.defaultMemoryLimitMb, 8, 65536);
  const maxMemoryLimitMb = int('maxMemoryLimitMb', input.maxMemoryLimitMb ?? d.maxMemoryLimitMb, 8, 65536);
  if (defaultMemoryLimitMb > maxMemoryLimitMb) fail('defaultMemoryLimitMb', `must not exceed maxMemoryLimitMb (${maxMemoryLimitMb})`);
  const defaultTimeoutMs = int('defaultTimeoutMs', input.defaultTimeoutMs ?? d.defaultTimeoutMs, 1);
  const maxTimeoutMs = int('maxTimeoutMs', input.maxTimeoutMs ?? d.maxTimeoutMs, 1);
  if (defaultTimeoutMs > maxTimeoutMs) fail('defaultTimeoutMs', `must not exceed maxTimeoutMs (${maxTimeoutMs})`);
  const defaultMaxInstancesPerTask = int('defaultMaxInstancesPerTask', input.defaultMaxInstancesPerTask ?? d.defaultMaxInstancesPerTask, 1);
  const maxInstancesPerTask = int('maxInstancesPerTask', input.maxInstancesPerTask ?? d.maxInstancesPerTask, 1);
  if (defaultMaxInstancesPerTask > maxInstancesPerTask) fail('defaultMaxInstancesPerTask', `must not exceed maxInstancesPerTask (${maxInstancesPerTask})`);

  const config = {
    listen,
    metricsListen,
    httpListen,
    maxHttpBodyBytes: int('maxHttpBodyBytes', input.maxHttpBodyBytes ?? d.maxHttpBodyBytes, 1),
    dataDir: path.resolve(dataDir),
    artifactRoots: Object.freeze(roots.map((r) => path.resolve(r))),
    logLevel: oneOf('logLevel', input.logLevel ?? d.logLevel, ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'] as const),
    httpAllowHosts: Object.freeze((input.httpAllowHosts ?? d.httpAllowHosts).map((h) => h.toLowerCase())),
    maxArtifactBytes: int('maxArtifactBytes', input.maxArtifactBytes ?? d.maxArtifactBytes, 1),
    defaultTimeoutMs,
    maxTimeoutMs,
    defaultMemoryLimitMb,
    maxMemoryLimitMb,
    maxLogLinesPerExecution: int('maxLogLinesPerExecution', input.maxLogLinesPerExecution ?? d.maxLogLinesPerExecution, 1),
    maxLogLineBytes: int('maxLogLineBytes', input.maxLogLineBytes ?? d.maxLogLineBytes, 16),
    maxConcurrentExecutions: int('maxConcurrentExecutions', input.maxConcurrentExecutions ?? d.maxConcurrentExecutions, 1),
    maxQueueLength: int('maxQueueLength', input.maxQueueLength ?? d.maxQueueLength, 0),
    queueTimeoutMs: int('queueTimeoutMs', input.queueTimeoutMs ?? d.queueTimeoutMs, 1),
    defaultMaxInstancesPerTask,
    maxInstancesPerTask,
    maxTotalInstances: int('maxTotalInstances', input.maxTotalInstances ?? d.maxTotalInstances, 1),
    maxTotalInstanceMemoryMb: int('maxTotalInstanceMemoryMb', input.maxTotalInstanceMemoryMb ?? d.maxTotalInstanceMemoryMb, 8),
    prewarmIsolates: int('prewarmIsolates', input.prewarmIsolates ?? d.prewarmIsolates, 0, 1000),
    instanceIdleMs: int('instanceIdleMs', input.instanceIdleMs ?? d.instanceIdleMs, 1),
    recycleAfterExecutions: int('recycleAfterExecutions', input.recycleAfterExecutions ?? d.recycleAfterExecutions, 1),
    recycleHeapMb: int('recycleHeapMb', input.recycleHeapMb ?? d.recycleHeapMb, 1),
    schedulingPolicy: oneOf('schedulingPolicy', input.schedulingPolicy ?? d.schedulingPolicy, ['round-robin', 'least-loaded', 'warmest'] as const),
    isolation: oneOf('isolation', input.isolation ?? d.isolation, ['process', 'in-process'] as const),
    sandboxWorkers: int('sandboxWorkers', input.sandboxWorkers ?? d.sandboxWorkers, 1, 256),
    workerMemoryLimitMb: int('workerMemoryLimitMb', input.workerMemoryLimitMb ?? d.workerMemoryLimitMb, 256),
    workerNice: int('workerNice', input.workerNice ?? d.workerNice, 0, 19),
    maxTenantWorkers: int('maxTenantWorkers', input.maxTenantWorkers ?? d.maxTenantWorkers, 0, 1024),
    shutdownGraceMs: int('shutdownGraceMs', input.shutdownGraceMs ?? d.shutdownGraceMs, 0),
    syncWrites: input.syncWrites ?? d.syncWrites,
    allowEolNode: input.allowEolNode ?? d.allowEolNode,
    streamWindowChunks: int('streamWindowChunks', input.streamWindowChunks ?? d.streamWindowChunks, 1, 100_000),
    streamWindowBytes: int('streamWindowBytes', input.streamWindowBytes ?? d.streamWindowBytes, 1024),
    artifactCacheBytes: int('artifactCacheBytes', input.artifactCacheBytes ?? d.artifactCacheBytes, 0),
    ...requestBounds(input),
    ...resolveNetworkSecurity(input, listen, metricsListen),
    tenantMaxConcurrent: int('tenantMaxConcurrent', input.tenantMaxConcurrent ?? d.tenantMaxConcurrent, 0),
    tenantMaxQueued: int('tenantMaxQueued', input.tenantMaxQueued ?? d.tenantMaxQueued, 0),
    tenantMaxTasks: int('tenantMaxTasks', input.tenantMaxTasks ?? d.tenantMaxTasks, 0),
    tenantMaxArtifactBytes: int('tenantMaxArtifactBytes', input.tenantMaxArtifactBytes ?? d.tenantMaxArtifactBytes, 0),
    tenantCpuMsPerMinute: int('tenantCpuMsPerMinute', input.tenantCpuMsPerMinute ?? d.tenantCpuMsPerMinute, 0),
    executionRetentionMs: retention(input.executionRetentionMs ?? d.executionRetentionMs),
    maxExecutionsPerTask: int('maxExecutionsPerTask', input.maxExecutionsPerTask ?? d.maxExecutionsPerTask, 0),
    expiryBatchSize: int('expiryBatchSize', input.expiryBatchSize ?? d.expiryBatchSize, 1, 100_000),
    expiryIntervalMs: int('expiryIntervalMs', input.expiryIntervalMs ?? d.expiryIntervalMs, 100, 24 * 3_600_000),
    ...resolveCapabilityConfig(input),
    ...osSandboxConfig(input),
  };
  return Object.freeze(attachSecretsKey(config, input.secretsKey) as typeof config & Pick<CapabilityConfig, 'secretsKey'>);
}
