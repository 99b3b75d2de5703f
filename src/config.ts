/**
 * One Config value: built from input options (flags, environment, tests), validated once, defaults
 * filled, frozen and passed down. Only the entry point reads process.env and argv.
 */
import * as path from 'node:path';
import * as os from 'node:os';
import { ErrorCodes, SpearletError } from './errors.js';

export type SchedulingPolicy = 'round-robin' | 'least-loaded' | 'warmest';
export type IsolationMode = 'process' | 'in-process';
export type LogLevel = 'trace' | 'debug' | 'info' | 'warn' | 'error' | 'fatal' | 'silent';
/** required: refuse to start without every OS sandbox layer; auto: use what the host allows; off. */
export type OsSandboxMode = 'required' | 'auto' | 'off';

/** Input options: everything optional, as a user or a test writes them. */
export interface ConfigInput {
  listen?: string;
  dataDir?: string;
  artifactRoots?: string[];
  metricsListen?: string;
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
  Required<Omit<ConfigInput, 'metricsListen' | 'artifactRoots' | 'httpAllowHosts'>> & {
    metricsListen: string | undefined;
    artifactRoots: readonly string[];
    httpAllowHosts: readonly string[];
  }
>;

export const DEFAULTS = {
  listen: '127.0.0.1:50051',
  dataDir: './data',
  artifactRoots: ['./artifacts'],
  logLevel: 'info' as LogLevel,
  httpAllowHosts: [] as string[],
  maxArtifactBytes: 16 * 1024 * 1024,
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
    ...osSandboxConfig(input),
  };
  return Object.freeze(config);
}
