/**
 * The recycling policy of the InstancePool, in one place (as tinypool's shouldRecycleWorker).
 */
import type { Config } from '../../config.js';
import type { PooledInstance } from './pool-types.js';
import type { Outcome } from '../runtime/runtime.js';

/**
 * Why an instance must not be reused after a call, or undefined to keep it. The one place the
 * recycling policy lives: an instance the call left unusable (timeout, out of memory,
 * cancellation, crash), one that served `recycleAfterExecutions` calls, or one whose heap grew
 * past `recycleHeapMb`.
 */
export function shouldRecycle(p: PooledInstance, outcome: Outcome | undefined, config: Config): string | undefined {
  if (outcome && !outcome.instanceUsable) return `instance unusable after ${outcome.errorCode ?? outcome.status}`;
  if (p.executions >= config.recycleAfterExecutions) return `served ${p.executions} executions`;
  if (p.memoryBytes > config.recycleHeapMb * 1024 * 1024) return `heap grew to ${p.memoryBytes} bytes`;
  return undefined;
}
