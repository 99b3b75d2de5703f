import { describe, expect, it } from 'vitest';
import { PrometheusMetrics } from '../../../src/metrics/prometheus.js';
import { timedStore } from '../../../src/metrics/timed-store.js';
import type { ExecutionRecord } from '../../../src/store/records.js';
import { MemoryStore } from '../../../src/store/memory-store.js';
import type { Store } from '../../../src/store/store.js';

describe('timedStore', () => {
  it('times each operation by name, failures too, and async iterations until they end', async () => {
    const seen: Array<[string, boolean]> = [];
    const store = timedStore(new MemoryStore(), (op, seconds, ok) => {
      expect(seconds).toBeGreaterThanOrEqual(0);
      seen.push([op, ok]);
    });
    await store.open();
    await store.ping();
    expect(await store.getTask('none')).toBeUndefined();
    for await (const _ of store.executionsSince('')) void _;
    expect(seen).toEqual([
      ['open', true],
      ['ping', true],
      ['getTask', true],
      ['executionsSince', true],
    ]);
  });

  it('records a failed operation as not ok and passes the error on', async () => {
    const seen: Array<[string, boolean]> = [];
    const broken = { ping: () => Promise.reject(new Error('disk on fire')) } as unknown as Store;
    await expect(timedStore(broken, (op, _s, ok) => seen.push([op, ok])).ping()).rejects.toThrow('disk on fire');
    expect(seen).toEqual([['ping', false]]);
  });
});

describe('PrometheusMetrics', () => {
  const record = (over: Partial<ExecutionRecord>): ExecutionRecord => ({
    executionId: 'e',
    seq: 's',
    taskId: 't',
    functionName: 'f',
    mode: 'SYNC',
    status: 'COMPLETED',
    createdAt: 0,
    executionTimeMs: 12,
    memoryUsedBytes: 0,
    metrics: { queue_ms: '3', cold_start: 'true' },
    logs: [],
    logsTruncated: false,
    metadata: {},
    ...over,
  });

  it('counts executions, kills and cold starts, and reads live figures at scrape', async () => {
    const m = new PrometheusMetrics();
    m.executionFinished(record({}), 'v8-isolate');
    m.executionFinished(record({ status: 'TIMEOUT', errorCode: 'TIMEOUT', metrics: { queue_ms: '0', cold_start: 'false' } }), 'v8-isolate');
    m.executionFinished(record({ status: 'FAILED', errorCode: 'OUT_OF_MEMORY' }), 'wasm');
    m.storeOperation('putExecution', 0.002, true);
    m.setLiveFigures(() => ({ liveInstances: 3, idleInstances: 2, instanceHeapBytes: 4096, runningExecutions: 1, pendingExecutions: 0, queueDepth: 0 }));
    const { body, contentType } = await m.scrape();
    expect(contentType).toMatch(/^text\/plain/);
    expect(body).toContain('spearlet_executions_total{runtime="v8-isolate",status="COMPLETED",error_code=""} 1');
    expect(body).toContain('spearlet_executions_total{runtime="wasm",status="FAILED",error_code="OUT_OF_MEMORY"} 1');
    expect(body).toContain('spearlet_cold_starts_total{runtime="v8-isolate"} 1');
    expect(body).toContain('spearlet_timeout_kills_total{runtime="v8-isolate"} 1');
    expect(body).toContain('spearlet_memory_limit_kills_total{runtime="wasm"} 1');
    expect(body).toContain('spearlet_queue_wait_seconds_sum{runtime="v8-isolate"} 0.003');
    expect(body).toContain('spearlet_execution_duration_seconds_count{runtime="v8-isolate",status="COMPLETED"} 1');
    expect(body).toContain('spearlet_store_operation_duration_seconds_count{operation="putExecution",outcome="ok"} 1');
    expect(body).toContain('spearlet_instances_live 3');
    expect(body).toContain('spearlet_isolate_heap_bytes 4096');
    expect(body).toContain('process_cpu_user_seconds_total');
  });

  it('keeps each server\'s figures apart (own registry)', async () => {
    const a = new PrometheusMetrics();
    const b = new PrometheusMetrics();
    a.executionFinished(record({}), 'v8-isolate');
    expect((await b.scrape()).body).not.toContain('spearlet_executions_total{');
  });
});
