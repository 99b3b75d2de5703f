/**
 * The server's Prometheus metrics, in their own Registry (never prom-client's global one, so two
 * servers in one process, as in the tests, do not mix figures). Counters and histograms are fed
 * by the core's ExecutionObserver hook and the store wrapper; gauges read live figures at scrape.
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { ExecutionObserver } from '../core/execution/execution-observer.js';
import { runtimeVersions } from '../node-release.js';
import type { ExecutionRecord } from '../store/records.js';

/** Live figures read at each scrape. */
export interface LiveFigures {
  liveInstances: number;
  idleInstances: number;
  /** Heap (and Wasm linear memory) of every live instance, bytes. */
  instanceHeapBytes: number;
  runningExecutions: number;
  pendingExecutions: number;
  queueDepth: number;
}

const DURATION_BUCKETS = [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300];
const STORE_BUCKETS = [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1];

export class PrometheusMetrics implements ExecutionObserver {
  readonly registry = new Registry();
  private live: () => LiveFigures = () => ({ liveInstances: 0, idleInstances: 0, instanceHeapBytes: 0, runningExecutions: 0, pendingExecutions: 0, queueDepth: 0 });

  private readonly executions = new Counter({
    name: 'spearlet_executions_total',
    help: 'Finished executions by runtime, final status and error code',
    labelNames: ['runtime', 'status', 'error_code'] as const,
    registers: [this.registry],
  });
  private readonly duration = new Histogram({
    name: 'spearlet_execution_duration_seconds',
    help: 'Wall time of finished executions, from start to end (queue wait excluded)',
    labelNames: ['runtime', 'status'] as const,
    buckets: DURATION_BUCKETS,
    registers: [this.registry],
  });
  private readonly queueWait = new Histogram({
    name: 'spearlet_queue_wait_seconds',
    help: 'Time executions waited for an execution slot',
    labelNames: ['runtime'] as const,
    buckets: DURATION_BUCKETS,
    registers: [this.registry],
  });
  private readonly coldStarts = new Counter({
    name: 'spearlet_cold_starts_total',
    help: 'Executions that ran on an instance created for them',
    labelNames: ['runtime'] as const,
    registers: [this.registry],
  });
  private readonly memoryKills = new Counter({
    name: 'spearlet_memory_limit_kills_total',
    help: 'Executions ended because their instance passed its memory limit (OUT_OF_MEMORY)',
    labelNames: ['runtime'] as const,
    registers: [this.registry],
  });
  private readonly timeoutKills = new Counter({
    name: 'spearlet_timeout_kills_total',
    help: 'Executions ended because they ran past their timeout (TIMEOUT)',
    labelNames: ['runtime'] as const,
    registers: [this.registry],
  });
  private readonly storeLatency = new Histogram({
    name: 'spearlet_store_operation_duration_seconds',
    help: 'Latency of store (RocksDB) operations',
    labelNames: ['operation', 'outcome'] as const,
    buckets: STORE_BUCKETS,
    registers: [this.registry],
  });

  private readonly refusals = new Counter({
    name: 'spearlet_refused_calls_total',
    help: 'Calls refused by authentication, authorization or a tenant quota, by reason',
    labelNames: ['reason'] as const,
    registers: [this.registry],
  });

  private readonly egress = new Counter({
    name: 'spearlet_egress_requests_total',
    help: 'Guest fetch calls by outcome: ok (a response arrived), refused (egress policy or a cap), failed (network or protocol error), aborted',
    labelNames: ['outcome'] as const,
    registers: [this.registry],
  });

  constructor() {
    this.liveGauge('spearlet_instances_live', 'Live sandbox instances (idle and busy)', (f) => f.liveInstances);
    this.liveGauge('spearlet_instances_idle', 'Idle warm instances', (f) => f.idleInstances);
    this.liveGauge('spearlet_isolate_heap_bytes', 'Heap (and Wasm linear memory) of all live instances, bytes', (f) => f.instanceHeapBytes);
    this.liveGauge('spearlet_executions_running', 'Executions running now', (f) => f.runningExecutions);
    this.liveGauge('spearlet_executions_pending', 'Executions accepted and not yet running', (f) => f.pendingExecutions);
    this.liveGauge('spearlet_queue_depth', 'Requests waiting for an execution slot', (f) => f.queueDepth);
    const versions = runtimeVersions();
    new Gauge({
      name: 'spearlet_runtime_info',
      help: 'The Node.js, V8 and isolated-vm versions guest code runs on (always 1)',
      labelNames: ['node', 'v8', 'isolated_vm'] as const,
      registers: [this.registry],
    }).set({ node: versions.node, v8: versions.v8, isolated_vm: versions.isolatedVm }, 1);
    collectDefaultMetrics({ register: this.registry });
  }

  private liveGauge(name: string, help: string, read: (f: LiveFigures) => number): void {
    const live = () => this.live();
    new Gauge({
      name,
      help,
      registers: [this.registry],
      collect() {
        this.set(read(live()));
      },
    });
  }

  /** Where the gauges read live figures (set once the core exists). */
  setLiveFigures(source: () => LiveFigures): void {
    this.live = source;
  }

  executionFinished(record: ExecutionRecord, runtime: string): void {
    const errorCode = record.errorCode ?? '';
    this.executions.inc({ runtime, status: record.status, error_code: errorCode });
    this.duration.observe({ runtime, status: record.status }, record.executionTimeMs / 1000);
    const queueMs = Number(record.metrics.queue_ms);
    if (Number.isFinite(queueMs)) this.queueWait.observe({ runtime }, queueMs / 1000);
    if (record.metrics.cold_start === 'true') this.coldStarts.inc({ runtime });
    if (errorCode === 'OUT_OF_MEMORY') this.memoryKills.inc({ runtime });
    if (record.status === 'TIMEOUT') this.timeoutKills.inc({ runtime });
  }

  /**
   * One refused call: missing_credentials, malformed_credentials, unknown_credentials,
   * permission_denied, or quota_<name> (quota_max_concurrent, quota_cpu_ms_per_minute, ...).
   */
  refusedCall(reason: string): void {
    this.refusals.inc({ reason });
  }

  /** One guest fetch's outcome (CapabilityMetrics). */
  egressRequest(outcome: string): void {
    this.egress.inc({ outcome });
  }

  /** One store operation's latency (called by the store wrapper). */
  storeOperation(operation: string, seconds: number, ok: boolean): void {
    this.storeLatency.observe({ operation, outcome: ok ? 'ok' : 'error' }, seconds);
  }

  /** The text exposition format, and its content type. */
  async scrape(): Promise<{ contentType: string; body: string }> {
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }
}
