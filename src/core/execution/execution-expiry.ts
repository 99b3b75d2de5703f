/**
 * Retention: a background pass, every `expiryIntervalMs`, deletes finished executions older than
 * `executionRetentionMs` and beyond `maxExecutionsPerTask`, then artifacts no task references.
 *
 * A pass works in batches of `expiryBatchSize` (records, results, logs and indexes together, see
 * Store.expireExecutions) and pauses between batches for ten times as long as the batch took, so
 * invocations and their writes are served while a large backlog is deleted. Unfinished executions
 * are never deleted.
 * A store failure ends the pass (logged); the next interval tries again.
 */
import type { Config } from '../../config.js';
import type { Logger } from '../../logger.js';
import type { ExpiryRule, Store } from '../../store/store.js';
import { ulidFloor } from '../values/ids.js';

export interface ExpiryPassResult {
  removed: number;
  artifacts: number;
  batches: number;
}

/**
 * After each batch a pass pauses for this many times the batch's own duration (and at least
 * MIN_PAUSE_MS): expiry takes at most an eleventh of the time of the thread it shares with
 * invocations, whatever the machine's speed, and a backlog is worked off at that pace. Measured on
 * 2 cores (docs/operations-storage.md): at 3× a pass deleting 100,000 of a million put warm invoke
 * p99 at c=4 at 2.2× its figure without, at 6× 0.75-1.63×, at 10× about 1.1×; at 10× a pass still
 * deletes about 2,100 executions a second there, more than that machine sustains in invocations.
 */
const PAUSE_PER_BATCH_TIME = 10;
const MIN_PAUSE_MS = 2;

export class ExecutionExpiry {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<ExpiryPassResult> | undefined;
  private stopped = false;
  /** Totals since start-up, for health's system info. */
  readonly counters = { removed: 0, artifacts: 0, passes: 0, lastPassAt: 0 };

  constructor(
    private readonly config: Config,
    private readonly store: Store,
    private readonly log: Logger,
  ) {}

  /** Starts the periodic passes (the first one after one interval). */
  start(): void {
    this.stopped = false;
    this.schedule();
  }

  /** Runs a pass now (or joins the one under way). Never throws: a failed pass is logged. */
  pass(): Promise<ExpiryPassResult> {
    this.running ??= this.runPass().finally(() => (this.running = undefined));
    return this.running;
  }

  /** Stops scheduling and waits for a pass under way to end its current batch. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    this.timer = undefined;
    await this.running;
  }

  private schedule(): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => void this.pass().then(() => this.schedule()), this.config.expiryIntervalMs);
    this.timer.unref();
  }

  private async runPass(): Promise<ExpiryPassResult> {
    const result: ExpiryPassResult = { removed: 0, artifacts: 0, batches: 0 };
    const started = performance.now();
    const { executionRetentionMs: retention, maxExecutionsPerTask: keep, expiryBatchSize: limit } = this.config;
    try {
      if (retention > 0 || keep > 0) {
        const rule: ExpiryRule = { beforeSeq: retention > 0 ? ulidFloor(Date.now() - retention) : undefined, keepPerTask: keep || undefined, limit };
        let idle = 0;
        while (!this.stopped) {
          const batchStarted = performance.now();
          const batch = await this.store.expireExecutions(rule);
          const batchMs = performance.now() - batchStarted;
          result.batches++;
          result.removed += batch.removed;
          this.counters.removed += batch.removed;
          rule.afterSeq = batch.lastSeq ?? rule.afterSeq;
          // `more` with nothing removed twice running: only unfinished executions are left to see.
          idle = batch.removed === 0 ? idle + 1 : 0;
          if (!batch.more || idle >= 2) break;
          await new Promise((resolve) => setTimeout(resolve, Math.max(MIN_PAUSE_MS, PAUSE_PER_BATCH_TIME * batchMs)));
        }
      }
      if (!this.stopped) result.artifacts = await this.store.collectArtifacts();
      this.counters.artifacts += result.artifacts;
    } catch (err) {
      this.log.warn({ err, removed: result.removed }, 'execution expiry pass failed; it runs again at the next interval');
    }
    this.counters.passes++;
    this.counters.lastPassAt = Date.now();
    if (result.removed > 0 || result.artifacts > 0) {
      this.log.info({ ...result, ms: Math.round(performance.now() - started) }, 'expired executions past their retention');
    }
    return result;
  }
}
