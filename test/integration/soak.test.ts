/**
 * A short soak with process isolation: a few thousand mixed invocations (JS, Wasm, logs, streams,
 * fresh instances, errors) at concurrency, then the resident set of the server and of each sandbox
 * worker must come back near where it started.
 */
import * as v8 from 'node:v8';
import * as vm from 'node:vm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestServer, fixtureSpec, params, startTestServer } from './harness.js';
import { drive, report, rssOf, sleep, supervisorOf, tally, until } from './fault-helpers.js';

const INVOCATIONS = 3_000;
const MB = 1024 * 1024;

/** A full GC of this process (the server's): RSS then measures what is alive, not garbage. */
function collect(): void {
  v8.setFlagsFromString('--expose-gc');
  (vm.runInNewContext('gc') as () => void)();
}

describe('soak', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer({ isolation: 'process', sandboxWorkers: 2, maxConcurrentExecutions: 16, instanceIdleMs: 2_000 });
  });
  afterAll(() => t?.stop());

  it(`${INVOCATIONS} mixed invocations leave server and worker RSS near their start`, async () => {
    const sup = supervisorOf(t);
    const reg = async (name: string, file: string, type: string, fn: string, values: Record<string, unknown> = {}) =>
      (await t.client.invoke({ taskName: name, artifactSpec: await fixtureSpec(file, type), functionName: fn, parameters: params(values) })).taskId;
    const basics = await reg('basics', 'js/basics.js', 'javascript', 'add', { a: 1, b: 1 });
    const wasm = await reg('wasm-add', 'wasm/add.wasm', 'wasm', 'add', { a: 1, b: 1 });
    const mix = (i: number) => {
      switch (i % 6) {
        case 0: return { taskId: basics, functionName: 'add', parameters: params({ a: i, b: 1 }) };
        case 1: return { taskId: basics, functionName: 'logs', parameters: params({ n: 5 }) };
        case 2: return { taskId: wasm, functionName: 'add', parameters: params({ a: i, b: 2 }) };
        case 3: return { taskId: basics, functionName: 'bytes', parameters: params({ n: 4096 }) };
        case 4: return { taskId: basics, functionName: 'greet', parameters: params({ name: 'x'.repeat(1000) }), forceNewInstance: i % 24 === 4 };
        default: return { taskId: basics, functionName: 'fails' };
      }
    };
    // Warm up so the start figure includes code caches, warm instances and JIT'd paths, and V8 13's
    // young generation, which grows with the allocation rate (to ~130 MB of new space on Node 24)
    // during the first thousand or so calls and then stays: a plateau, not a leak.
    let warm = 0;
    await drive(t.client, 8, () => warm++ >= 1_500, mix);
    await sleep(1_000);
    collect();
    const workers = () => sup.describe().filter((w) => w.tenant === undefined);
    const start = { server: process.memoryUsage().rss, heap: process.memoryUsage().heapUsed, workers: new Map(workers().map((w) => [w.pid, rssOf(w.pid)])) };

    let sent = 0;
    const t0 = Date.now();
    const answers = await drive(t.client, 8, () => sent++ >= INVOCATIONS, mix);
    const seconds = (Date.now() - t0) / 1000;
    // Idle instances are evicted after instanceIdleMs; give the pool and the workers time to settle.
    await sleep(3_000);
    await until('the pool to evict idle instances', () => t.server.core.pool.snapshot().idle === 0, 10_000);
    await sleep(1_000);
    collect();
    const end = { server: process.memoryUsage().rss, heap: process.memoryUsage().heapUsed, workers: new Map(workers().map((w) => [w.pid, rssOf(w.pid)])) };

    const growth = [...start.workers].map(([pid, before]) => ({ pid, beforeMb: +(before / MB).toFixed(1), afterMb: +((end.workers.get(pid) ?? 0) / MB).toFixed(1) }));
    report('soak', {
      invocations: answers.length,
      perSecond: Math.round(answers.length / seconds),
      outcomes: tally(answers),
      serverRssMb: { before: +(start.server / MB).toFixed(1), after: +(end.server / MB).toFixed(1) },
      serverHeapMb: { before: +(start.heap / MB).toFixed(1), after: +(end.heap / MB).toFixed(1) },
      workers: growth,
      workerCrashes: sup.counters.crashed,
      faultsInjected: 0,
      recordsLost: 0,
      serverRestarts: 0,
    });
    expect(answers.filter((a) => a.status.startsWith('RPC:'))).toEqual([]);
    expect(sup.counters.crashed).toBe(0);
    // The same workers served throughout, and none grew by more than a bounded amount.
    expect(end.workers.size).toBe(start.workers.size);
    for (const g of growth) {
      expect(g.afterMb).toBeGreaterThan(0);
      expect(g.afterMb - g.beforeMb).toBeLessThan(Math.max(64, g.beforeMb * 0.5));
    }
    // What the server keeps alive (its JS heap after a full GC) comes back; its RSS may keep some
    // more (RocksDB's memtable fills up to its write buffer, the allocator keeps freed pages).
    expect((end.heap - start.heap) / MB).toBeLessThan(Math.max(16, (start.heap / MB) * 0.3));
    expect((end.server - start.server) / MB).toBeLessThan(Math.max(96, (start.server / MB) * 0.5));
  }, 120_000);
});
