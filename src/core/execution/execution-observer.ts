/**
 * A hook for whoever wants to know about finished executions (the Prometheus metrics). The core
 * calls it and never depends on what listens.
 */
import type { ExecutionRecord } from '../../store/records.js';

export interface ExecutionObserver {
  /**
   * Called by TaskExecutionManager once per execution, right after its terminal record is stored,
   * with the canonical name of the task's runtime ('v8-isolate', 'wasm'; 'unknown' when the task
   * is gone). Must not throw and must not block: it runs on the execution's path.
   */
  executionFinished(record: ExecutionRecord, runtime: string): void;
}
