/**
 * Capabilities: the server-wide side of what guests may reach (egress policy, KV, secrets), and
 * the per-execution CapabilitySession that serves one call's host calls.
 *
 * A JS guest's `fetch` and `ctx.kv` become host calls `(op, payload)` that travel from the isolate
 * over the sandbox worker channel to the server (the worker itself has no network and no store);
 * the execution's session answers them here. Host calls are enforced by the host, never by the
 * guest: every check below runs in the server process.
 */
import type { Logger } from '../logger.js';
import type { CapabilityConfig } from './capability-config.js';
import { Egress, type EgressOutcome, type OpenRequest } from './egress-fetch.js';
import { GuestError } from './guest-error.js';
import type { KvStore } from './kv-store.js';
import type { SecretStore } from './secret-store.js';
import { taskHostPatterns, taskSecretNames } from './task-capabilities.js';

/** Prometheus side (src/metrics/prometheus.ts). */
export interface CapabilityMetrics {
  egressRequest(outcome: EgressOutcome): void;
}

/** Host calls one execution may have waiting at once. */
const MAX_PENDING_HOST_CALLS = 256;

export interface SessionOptions {
  taskId: string;
  /** The task's ArtifactSpec.metadata. */
  metadata: Record<string, string>;
  deadline: number;
  /** The execution's abort signal (cancel, shutdown). */
  signal: AbortSignal;
  /** Appends a line to the execution's log. */
  log(line: string): void;
}

export class Capabilities {
  constructor(
    readonly config: CapabilityConfig,
    readonly kv: KvStore,
    readonly secrets: SecretStore,
    private readonly log: Logger,
    private readonly metrics?: CapabilityMetrics,
  ) {}

  /** The values of the secrets the task names; the names not set are listed in `missing`. */
  secretsFor(metadata: Record<string, string>): { values: Record<string, string>; missing: string[] } {
    const values: Record<string, string> = {};
    const missing: string[] = [];
    for (const name of taskSecretNames(metadata)) {
      const value = this.secrets.get(name);
      if (value === undefined) missing.push(name);
      else values[name] = value;
    }
    return { values, missing };
  }

  session(options: SessionOptions): CapabilitySession {
    return new CapabilitySession(this, options, (outcome) => this.metrics?.egressRequest(outcome), this.log);
  }
}

export class CapabilitySession {
  private readonly controller = new AbortController();
  private readonly egress: Egress;
  private readonly deadlineTimer: NodeJS.Timeout;
  private readonly onAbort = () => this.close();
  private pending = 0;

  constructor(
    private readonly caps: Capabilities,
    private readonly o: SessionOptions,
    outcome: (outcome: EgressOutcome) => void,
    private readonly logger: Logger,
  ) {
    o.signal.addEventListener('abort', this.onAbort, { once: true });
    this.deadlineTimer = setTimeout(() => this.close(), Math.max(0, Math.min(o.deadline - Date.now(), 2_147_483_647)));
    this.deadlineTimer.unref();
    let patterns: ReturnType<typeof taskHostPatterns> = [];
    try {
      patterns = taskHostPatterns(o.metadata);
    } catch {
      // Checked at registration; a task stored before this check existed allows nothing.
    }
    this.egress = new Egress({
      config: caps.config,
      taskPatterns: patterns,
      signal: this.controller.signal,
      refused: (message) => {
        o.log(`[spearlet] ${message}`);
        this.logger.info({ taskId: o.taskId, refusal: message }, 'guest fetch refused');
      },
      outcome,
    });
  }

  /** Per-execution figures for ExecutionResult.metrics. */
  metrics(): Record<string, string> {
    return { egress_requests: String(this.egress.requests), egress_bytes: String(this.egress.bytes) };
  }

  /** The execution ended: requests in flight are aborted. Idempotent. */
  close(): void {
    clearTimeout(this.deadlineTimer);
    this.o.signal.removeEventListener('abort', this.onAbort);
    this.controller.abort();
  }

  /** Answers one host call of the guest. Rejects with GuestError for what the guest did wrong. */
  async handle(op: string, payload: unknown): Promise<unknown> {
    if (this.controller.signal.aborted) throw new GuestError('AbortError', 'the execution has ended');
    if (this.pending >= MAX_PENDING_HOST_CALLS) throw new GuestError('RangeError', `too many host calls waiting (${MAX_PENDING_HOST_CALLS})`);
    this.pending++;
    try {
      return await this.dispatch(op, (payload ?? {}) as Record<string, unknown>);
    } finally {
      this.pending--;
    }
  }

  private async dispatch(op: string, p: Record<string, unknown>): Promise<unknown> {
    const taskId = this.o.taskId;
    const kv = this.caps.kv;
    switch (op) {
      case 'fetch.open':
        return this.egress.open(p as unknown as OpenRequest);
      case 'fetch.write':
        if (!(p.chunk instanceof Uint8Array)) throw new GuestError('TypeError', 'fetch: a request body chunk must be a Uint8Array');
        return this.egress.write(p.id, p.chunk);
      case 'fetch.end':
        return this.egress.end(p.id);
      case 'fetch.head':
        return this.egress.head(p.id);
      case 'fetch.read': {
        const chunk = await this.egress.read(p.id);
        return chunk === null ? { done: true } : { done: false, chunk };
      }
      case 'fetch.cancel':
        return this.egress.cancel(p.id);
      case 'kv.get':
        return { value: await kv.get(taskId, p.key) };
      case 'kv.put':
        return kv.put(taskId, p.key, p.value, p.ttlSeconds);
      case 'kv.delete':
        return kv.delete(taskId, p.key);
      case 'kv.list':
        return kv.list(taskId, p);
      default:
        throw new GuestError('TypeError', `unknown host call '${op.slice(0, 40)}'`);
    }
  }
}
